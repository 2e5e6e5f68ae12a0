// Plan: alerts first (danger, warning, info), then every item by pillar with target, current,
// status and the evidence in numbers, each citation linked by DOI.
'use strict';

(async () => {
  const { api, el, withPerson } = vascalc;
  const status = document.getElementById('plan-status');
  const people = await vascalc.ready;
  if (!people.length) { vascalc.noRecord(status); return; }
  let plan;
  try { plan = await api('GET', withPerson('/api/plan')); } catch (e) { status.textContent = e.message; return; }
  const cite = (c) => {
    const label = c.label || c.id;
    const link = c.doi ? el('a', { href: 'https://doi.org/' + c.doi, rel: 'noreferrer' }, label)
      : c.url ? el('a', { href: c.url, rel: 'noreferrer' }, label) : label;
    return el('li', {}, link, c.doi ? ' doi:' + c.doi : '', c.result ? ' — ' + c.result : '',
      c.unconfirmed ? ' (not yet checked against the source)' : '');
  };
  const order = { danger: 0, warning: 1, info: 2 };
  const alerts = (plan.alerts || []).slice().sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
  if (alerts.length) {
    document.getElementById('plan-alerts').hidden = false;
    document.getElementById('plan-alert-list').replaceChildren(...alerts.map((a) =>
      el('li', { class: 'alert ' + a.severity, 'data-rule': a.rule }, el('strong', {}, a.severity + ': '), a.message,
        (a.citations || []).length ? el('ul', {}, a.citations.map(cite)) : null)));
  }
  const statusOrder = { not_met: 0, no_data: 1, discuss: 2, met: 3, no_target: 4, not_applicable: 5 };
  const pillars = [...new Set(plan.items.map((i) => i.pillar))];
  const box = document.getElementById('plan-items');
  box.replaceChildren(...pillars.map((p) => el('section', { 'aria-labelledby': 'pillar-' + p },
    el('h2', { id: 'pillar-' + p }, p[0].toUpperCase() + p.slice(1)),
    ...plan.items.filter((i) => i.pillar === p)
      .sort((a, b) => (statusOrder[a.status] ?? 5) - (statusOrder[b.status] ?? 5))
      .map((it) => el('article', { class: 'card plan-item', id: 'item-' + it.topic, 'data-status': it.status },
        el('h3', {}, it.title, ' ', el('span', { class: 'status-' + it.status }, '(' + it.status.replace(/_/g, ' ') + ')')),
        el('p', {}, el('strong', {}, 'Target: '), it.target.text,
          it.target.source ? el('span', { class: 'source' }, ' Source: ' + it.target.source) : null),
        it.current ? el('p', {}, el('strong', {}, 'Current: '), it.current.text) : null,
        it.current_30d && it.current_30d.text !== (it.current && it.current.text)
          ? el('p', {}, el('strong', {}, '30 days: '), it.current_30d.text) : null,
        it.evidence ? el('details', {}, el('summary', {}, 'Evidence: ' + (it.evidence.overall || '') +
          (it.evidence.certainty ? ', certainty ' + it.evidence.certainty : '')),
          el('p', {}, it.evidence.summary || ''),
          el('ul', {}, (it.evidence.citations || []).map(cite))) : null)))));
})();
