// Dashboard: safety alerts first, then the latest CAC (category, CAC-DRS, percentile, arterial
// age), kidney function, the plan at a glance and the risks, each with its source.
'use strict';

(async () => {
  const { api, el, fmt, withPerson } = vascalc;
  const status = document.getElementById('dashboard-status');
  const people = await vascalc.ready;
  if (!people.length) {
    document.getElementById('create-person').hidden = false;
    setupCreate();
    return;
  }
  status.textContent = 'Loading…';
  const [assessment, plan] = await Promise.all([
    api('GET', withPerson('/api/assessment')).catch((e) => e),
    api('GET', withPerson('/api/plan')).catch((e) => e),
  ]);
  status.textContent = '';
  document.getElementById('cards').hidden = false;

  if (!(plan instanceof Error)) {
    const alerts = plan.alerts || [];
    if (alerts.length) {
      document.getElementById('alerts').hidden = false;
      document.getElementById('alert-list').replaceChildren(...alerts.map((a) =>
        el('li', { class: 'alert ' + a.severity, 'data-rule': a.rule },
          el('strong', {}, a.severity + ': '), a.message,
          (a.citations || []).length ? el('span', { class: 'source' }, ' Sources: ',
            ...a.citations.map((c, i) => [i ? '; ' : '', cite(c)])) : null)));
    }
    const counts = {};
    for (const it of plan.items) counts[it.status] = (counts[it.status] || 0) + 1;
    const notMet = plan.items.filter((it) => it.status === 'not_met');
    document.getElementById('plan-body').replaceChildren(
      el('ul', { id: 'plan-counts' }, Object.entries(counts).map(([k, n]) =>
        el('li', {}, el('span', { class: 'status-' + k }, k.replace(/_/g, ' ')), ': ' + n))),
      notMet.length ? el('p', {}, 'Not met: ', notMet.map((it) => it.title).join(', ')) : null,
      el('p', {}, el('a', { href: '/plan' }, 'The whole plan with its evidence')));
  } else {
    document.getElementById('plan-body').textContent = plan.message;
  }

  if (assessment instanceof Error) {
    document.getElementById('cac-body').textContent = assessment.message;
    document.getElementById('kidney-body').textContent = 'Needs the assessment above.';
    return;
  }
  const a = assessment.assessment;
  const cac = a.cac;
  const cacBody = document.getElementById('cac-body');
  if (cac && cac.agatston != null) {
    const parts = [el('p', { class: 'big', id: 'cac-score' }, fmt(cac.agatston) + ' AU'),
      el('p', {}, 'Agatston score of the latest scan in the record.')];
    if (cac.category) parts.push(el('p', { id: 'cac-category' }, 'Category ', el('strong', {}, cac.category.label),
      ': ' + cac.category.description));
    if (cac.cac_drs) parts.push(el('p', { id: 'cac-drs' }, 'CAC-DRS ', el('strong', {}, cac.cac_drs.code), ' ',
      el('span', { class: 'source' }, '(' + cac.cac_drs.source + ')')));
    if (cac.percentile && cac.percentile.percentile != null) parts.push(el('p', { id: 'cac-percentile' },
      el('strong', {}, ordinal(cac.percentile.percentile)), ' percentile for age ' + cac.percentile.age_used,
      ' ', el('span', { class: 'source' }, '(' + cac.percentile.source + ')')));
    if (cac.arterial_age) parts.push(el('p', { id: 'arterial-age' }, 'Arterial age ',
      el('strong', {}, fmt(cac.arterial_age.years ?? cac.arterial_age.age) + ' years'), ' ',
      el('span', { class: 'source' }, '(' + (cac.arterial_age.source || cac.arterial_age.model) + ')')));
    parts.push(el('p', {}, el('a', { href: '/cac' }, 'CAC over time')));
    cacBody.replaceChildren(...parts);
  } else {
    cacBody.replaceChildren(el('p', {}, 'No scan in the record yet (`vascalc scan add`).'));
  }
  const k = a.kidney;
  const kBody = document.getElementById('kidney-body');
  if (k && k.egfr_ml_min_1_73m2 != null) {
    kBody.replaceChildren(
      el('p', { class: 'big', id: 'egfr' }, fmt(k.egfr_ml_min_1_73m2) + ' mL/min/1.73 m²'),
      el('p', {}, 'eGFR (' + k.egfr_method.replace(/_/g, ' ') + '), stage ',
        el('strong', { id: 'kidney-stage' }, k.g_stage), ' ' + k.g_description +
        (k.a_stage ? `; albuminuria ${k.a_stage} ${k.a_description}` : '')),
      el('p', { class: 'source' }, (k.sources || []).join('; ')));
  } else {
    kBody.replaceChildren(el('p', {}, 'No creatinine or cystatin C in the record: eGFR unknown.'));
  }
  const risks = a.risks || [];
  if (risks.length) {
    document.getElementById('risks').hidden = false;
    const seen = new Set();
    document.querySelector('#risk-table tbody').replaceChildren(...risks.filter((r) => {
      const key = r.model + r.outcome;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).map((r) => el('tr', {}, el('td', {}, r.model), el('td', {}, r.outcome.replace(/_/g, ' ')),
      el('td', { class: 'num' }, r.percent != null ? fmt(r.percent) + ' %' : 'n/a'),
      el('td', { class: 'source' }, r.source))));
  }

  function cite(c) {
    const label = c.label || c.id;
    if (c.doi) return el('a', { href: 'https://doi.org/' + c.doi, rel: 'noreferrer' }, label);
    if (c.url) return el('a', { href: c.url, rel: 'noreferrer' }, label);
    return label;
  }

  function ordinal(n) {
    const s = ['th', 'st', 'nd', 'rd'], v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  function setupCreate() {
    const form = document.getElementById('person-form');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      vascalc.clearErrors(form);
      const body = { name: document.getElementById('person-name').value.trim() };
      for (const f of ['birth_date', 'sex', 'race', 'units']) {
        const v = document.getElementById('person-' + f).value;
        if (v) body[f] = v;
      }
      try {
        await api('POST', '/api/people', body);
        location.reload();
      } catch (e) {
        vascalc.showError(e, 'person', document.getElementById('person-error'));
      }
    });
  }
})();
