// Labs, vital signs, activity and medicines: entry forms (validation messages beside the field,
// from the API's 422), lists with edit and delete, and a chart per measure. Medicines as
// `vascalc log med` records them (/api/medications: a course, a single dose, a course stopped;
// an implausible dose saved only when confirmed), with the plan's safety alerts on top.
'use strict';

(async () => {
  const { api, el, fmt, withPerson } = vascalc;
  const status = document.getElementById('measures-status');
  const people = await vascalc.ready;
  if (!people.length) { vascalc.noRecord(status); return; }
  const today = new Date().toISOString().slice(0, 10);
  for (const id of ['lab-date', 'vitals-date', 'activity-date', 'medication-start', 'medication-date']) {
    document.getElementById(id).value = today;
  }
  const [analytes, medKinds] = await Promise.all([api('GET', '/api/analytes'), api('GET', '/api/medication-kinds')]);
  const byId = Object.fromEntries(analytes.map((a) => [a.id, a]));
  const analyteSel = document.getElementById('lab-analyte');
  analyteSel.replaceChildren(...analytes.map((a) => el('option', { value: a.id }, a.name)));
  // The units the person reads values in (`si`, `us`, or none), from their record.
  const me = people.find((p) => p.name === vascalc.person()) || {};
  // The person's choice of units, kept in their record (PATCH /api/people, as `profile update
  // --units`); the page reloads in them. A choice made cannot be unmade to "no preference".
  const unitsSel = document.getElementById('person-units');
  unitsSel.value = me.units || '';
  if (me.units) unitsSel.querySelector('option[value=""]').disabled = true;
  unitsSel.addEventListener('change', async () => {
    const err = document.getElementById('person-units-error');
    err.hidden = true;
    if (!unitsSel.value) return;
    try {
      await api('PATCH', withPerson('/api/people'), { units: unitsSel.value });
      location.reload();
    } catch (e) { err.textContent = e.message; err.hidden = false; }
  });
  const remembered = (key) => { try { return localStorage.getItem('vascalc-unit-' + key); } catch (_) { return null; } };
  const remember = (key, unit) => { try { localStorage.setItem('vascalc-unit-' + key, unit); } catch (_) { /* private mode */ } };
  // A lab's unit select: the person's units (the analyte's unit in them), else the unit last
  // used for the analyte (chosen here, else the latest result's in the record), else as stored.
  const lastGiven = {};
  const unitSel = document.getElementById('lab-unit');
  const setUnits = () => {
    const a = byId[analyteSel.value];
    const want = (me.units && a.shown_unit[me.units]) || remembered('lab-' + a.id) || lastGiven[a.id] || a.unit;
    const unit = a.units.includes(want) ? want : a.unit;
    unitSel.replaceChildren(...a.units.map((u) => el('option', { value: u, selected: u === unit }, u)));
  };
  analyteSel.addEventListener('change', setUnits);
  unitSel.addEventListener('change', () => remember('lab-' + analyteSel.value, unitSel.value));
  setUnits();
  // Weight and waist: the person's units, else the unit last chosen here, else kg and cm.
  const BODY = { weight_kg: { si: 'kg', us: 'lb' }, waist_cm: { si: 'cm', us: 'in' } };
  for (const sel of document.querySelectorAll('select[data-unit-for]')) {
    const field = sel.dataset.unitFor;
    const saved = remembered(field);
    sel.value = me.units ? BODY[field][me.units] : (Object.values(BODY[field]).includes(saved) ? saved : BODY[field].si);
    sel.addEventListener('change', () => remember(field, sel.value));
  }
  // First choice: the class the name decides (vascalc's vocabulary), else unknown; the server
  // refuses a class that disagrees with the name, as `vascalc log med` does.
  const kinds = ['unknown', ...medKinds.filter((k) => k !== 'unknown')];
  document.getElementById('medication-kind').replaceChildren(...kinds.map((k) =>
    el('option', { value: k }, k === 'unknown' ? 'from the name (else unknown)' : k.replace(/_/g, ' '))));

  document.getElementById('lab-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    vascalc.clearErrors(form);
    const body = { analyte: analyteSel.value, value: Number(document.getElementById('lab-value').value),
      unit: unitSel.value, date: document.getElementById('lab-date').value || undefined };
    if (document.getElementById('lab-value').value.trim() === '') body.value = null;
    try {
      await api('POST', withPerson('/api/labs'), body);
      remember('lab-' + body.analyte, body.unit);
      document.getElementById('lab-value').value = '';
      await refresh();
    } catch (e) { vascalc.showError(e, 'lab', document.getElementById('lab-error')); }
  });

  // The entry each form is editing (its id and the entry as stored), if any: the form's fields
  // replace the entry's, the fields the form does not show are kept.
  const editing = {};
  const submitLabels = {};

  function endEdit(form) {
    delete editing[form.id];
    if (form.id === 'medication-form') modeSel.disabled = false;
    const submit = form.querySelector('button[type="submit"]');
    submit.textContent = submitLabels[form.id];
    form.querySelector('button.cancel-edit')?.remove();
    for (const input of form.querySelectorAll('input[data-number]')) input.value = '';
  }

  // Edit a vital, an activity or a course in its own form (validation beside the fields).
  function editInForm(row, kind) {
    const form = document.querySelector(`form[data-kind="${kind}"]`);
    vascalc.clearErrors(form);
    if (kind === 'medication') { setMode('course'); modeSel.disabled = true; confirmButton.hidden = true; }
    editing[form.id] = row;
    for (const input of form.querySelectorAll('[data-field]')) {
      const v = row.entry[input.dataset.field];
      input.value = v == null ? '' : String(v);
    }
    // A body measure in the unit the list shows it in (the server's `shown`).
    for (const sel of form.querySelectorAll('select[data-unit-for]')) {
      const s = row.shown && row.shown[sel.dataset.unitFor];
      if (!s) continue;
      sel.value = s.unit;
      form.querySelector(`[data-field="${sel.dataset.unitFor}"]`).value = String(Number(s.value.toPrecision(10)));
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.textContent = 'Save changes to ' + row.id;
    if (!form.querySelector('button.cancel-edit')) {
      submit.after(' ', el('button', { type: 'button', class: 'cancel-edit', onclick: () => endEdit(form) }, 'Cancel'));
    }
    form.scrollIntoView({ block: 'nearest' });
    form.querySelector('[data-field]').focus();
  }

  // The medicine form records a course or a single dose (its own day; without a dose, the
  // course's). Editing a course keeps it a course.
  const medForm = document.getElementById('medication-form');
  const modeSel = document.getElementById('medication-mode');
  const confirmButton = document.getElementById('medication-confirm');
  const notesBox = document.getElementById('medication-notes');
  function setMode(mode) {
    modeSel.value = mode;
    for (const div of medForm.querySelectorAll('[data-mode]')) div.hidden = div.dataset.mode !== mode;
    document.getElementById('medication-dose-help').hidden = mode !== 'dose';
    submitLabels[medForm.id] = mode === 'dose' ? 'Log dose' : 'Add course';
    if (!editing[medForm.id]) medForm.querySelector('button[type="submit"]').textContent = submitLabels[medForm.id];
  }
  modeSel.addEventListener('change', () => { vascalc.clearErrors(medForm); confirmButton.hidden = true; setMode(modeSel.value); });
  // A confirmation is for the values it was asked about: any change asks again.
  medForm.addEventListener('input', () => { confirmButton.hidden = true; });
  confirmButton.addEventListener('click', () => save(medForm, true));

  // A course or a dose through the use cases of `log med`; the class "from the name" is not
  // given (the server takes the vocabulary's, else unknown).
  function addMedicine(entry, confirm) {
    const kind = entry.kind === 'unknown' ? undefined : entry.kind;
    const common = { name: entry.name, kind, dose: entry.dose, unit: entry.unit, confirm };
    if (modeSel.value === 'dose') {
      return api('POST', withPerson('/api/medications/doses'),
        { ...common, date: document.getElementById('medication-date').value || undefined });
    }
    return api('POST', withPerson('/api/medications'), { ...common, start: entry.start, end: entry.end });
  }

  // What the server said beside a logged course or dose (vascalc-app MedNotes).
  function showNotes(answer) {
    const n = answer.notes || {};
    const what = answer.dose || answer.course || {};
    const parts = [answer.dose
      ? `Logged: ${what.name}, ${fmt(what.dose)} ${what.unit} taken on ${what.date}.`
      : `Logged: ${what.name} from ${what.start}.`];
    if (n.confirmed_implausible) parts.push(`Recorded as confirmed: ${n.confirmed_implausible}.`);
    if (n.unknown) {
      parts.push(`vascalc does not know ${what.name}: it is recorded as unknown, so its safety rules ` +
        'cannot be checked; choose its class and add it again to reclassify it.');
    }
    if (n.salt) {
      parts.push(`vascalc counts the dose as elemental ${n.salt.element}. If ${fmt(n.salt.dose)} ${n.salt.unit} ` +
        `is the weight of ${n.salt.ingredient} itself, that is about ${fmt(n.salt.elemental)} ${n.salt.unit} ` +
        `of ${n.salt.element} (${(n.salt.fraction * 100).toFixed(1)}% by mass, from the molar masses).`);
    }
    const r = answer.reclassified;
    if (r) parts.push(`${r.name} is now recorded as ${r.kind} (${r.courses} course(s), ${r.doses} dose(s)).`);
    notesBox.textContent = parts.join(' ');
  }

  async function save(form, confirm) {
    vascalc.clearErrors(form);
    if (form === medForm) { confirmButton.hidden = true; notesBox.textContent = ''; }
    const kind = form.dataset.kind;
    const row = editing[form.id];
    const entry = row ? { ...row.entry } : {};
    for (const input of form.querySelectorAll('[data-field]')) {
      const v = input.value.trim();
      if (v === '') { delete entry[input.dataset.field]; continue; }
      entry[input.dataset.field] = input.hasAttribute('data-number') ? Number(v) : v;
    }
    // The unit each body measure is typed in: the server converts it, and says a refusal in it.
    const units = {};
    for (const sel of form.querySelectorAll('select[data-unit-for]')) {
      if (form.querySelector(`[data-field="${sel.dataset.unitFor}"]`).value.trim() !== '') units[sel.dataset.unitFor] = sel.value;
    }
    const body = Object.keys(units).length ? { kind, entry, units } : { kind, entry };
    const confirmed = confirm ? '?confirm=true' : '';
    try {
      let answer = null;
      if (row) {
        await api('PUT', withPerson('/api/entries/' + encodeURIComponent(row.id) + confirmed), body);
        endEdit(form);
      } else {
        answer = kind === 'medication' ? await addMedicine(entry, confirm)
          : await api('POST', withPerson('/api/entries'), body);
        for (const input of form.querySelectorAll('input[data-number]')) input.value = '';
      }
      if (kind === 'medication' && answer) showNotes(answer);
      await refresh();
    } catch (e) {
      vascalc.showError(e, kind, document.getElementById(kind + '-error'));
      // An implausible dose (outside the range the medicine is sold in): saved only if the
      // person confirms it, as `log med --confirm`.
      if (form === medForm && e.needsConfirmation) confirmButton.hidden = false;
    }
  }

  for (const form of document.querySelectorAll('form[data-kind]')) {
    submitLabels[form.id] = form.querySelector('button[type="submit"]').textContent;
    form.addEventListener('submit', (ev) => { ev.preventDefault(); save(form, false); });
  }
  setMode('course');

  function actions(row, onEdit) {
    return el('td', {},
      onEdit ? el('button', { type: 'button', 'data-edit': row.id, 'aria-label': 'Edit ' + row.id, onclick: onEdit }, 'Edit') : null,
      el('button', { type: 'button', 'data-delete': row.id, 'aria-label': 'Delete ' + row.id, onclick: async () => {
        try {
          await api('DELETE', withPerson('/api/entries/' + encodeURIComponent(row.id)));
          await refresh();
        } catch (e) { status.textContent = e.message; }
      } }, 'Delete'));
  }

  // A lab result as the person reads it: the server's `shown` (their units, else the unit the
  // value was given in), else as stored.
  const shown = (r) => r.shown || { value: r.entry.value, unit: r.entry.unit };

  function editLab(row, cell) {
    const { value, unit } = shown(row);
    const input = el('input', { type: 'number', step: 'any', value: String(Number(value.toPrecision(6))), id: 'edit-' + row.id.replace(':', '-'),
      'aria-label': 'New value in ' + unit });
    const err = el('p', { class: 'error', role: 'alert', hidden: true });
    const save = el('button', { type: 'button', onclick: async () => {
      try {
        await api('PATCH', withPerson('/api/labs/' + encodeURIComponent(row.id)), { value: Number(input.value), unit });
        await refresh();
      } catch (e) { err.textContent = e.message; err.hidden = false; input.setAttribute('aria-invalid', 'true'); }
    } }, 'Save');
    cell.replaceChildren(input, ' ' + unit + ' ', save, err);
    input.focus();
  }

  // The lists load a page at a time, newest first (`/api/entries?limit=&offset=`: ten years of
  // daily activity is 3,650 entries); "More" appends the next older page. The charts read their
  // own data (below), so that they keep their whole range whatever the lists show.
  const PAGE = 30;
  const listKinds = { lab: 'lab', vitals: 'vitals', activity: 'activity', medication: 'med', dose: 'dose' };
  const lists = {};

  // A vital sign's values; weight and waist in the person's units (the server's `shown`).
  const describe = (r) => Object.entries(r.entry).filter(([k, v]) => k !== 'date' && k !== 'kind' && v != null)
    .map(([k, v]) => {
      const s = r.shown && r.shown[k];
      return s ? `${k.replace(/_(kg|cm)$/, '')} ${fmt(s.value)} ${s.unit}` : k.replace(/_/g, ' ') + ' ' + fmt(v);
    }).join(', ');
  const rowOf = {
    lab: (r) => {
      const valueCell = el('td', { class: 'num' }, fmt(shown(r).value) + ' ' + shown(r).unit);
      return el('tr', { 'data-id': r.id }, el('td', {}, r.entry.date),
        el('td', {}, byId[r.entry.analyte] ? byId[r.entry.analyte].name : r.entry.analyte), valueCell,
        actions(r, () => editLab(r, valueCell)));
    },
    vitals: (r) => el('tr', { 'data-id': r.id }, el('td', {}, r.entry.date), el('td', {}, describe(r)),
      actions(r, () => editInForm(r, 'vitals'))),
    activity: (r) => el('tr', { 'data-id': r.id }, el('td', {}, r.entry.date),
      el('td', {}, r.entry.kind + ', ' + fmt(r.entry.minutes) + ' min'), actions(r, () => editInForm(r, 'activity'))),
    medication: (r) => {
      const cell = actions(r, () => editInForm(r, 'medication'));
      if (!r.entry.end) {
        cell.prepend(el('button', { type: 'button', 'data-stop': r.id, 'aria-label': `Stop ${r.entry.name} (${r.id})`,
          onclick: () => askStop(r, cell) }, 'Stop'));
      }
      return el('tr', { 'data-id': r.id }, el('td', {}, r.entry.start),
        el('td', {}, `${r.entry.name} (${r.entry.kind.replace(/_/g, ' ')})` +
          (r.entry.dose != null ? `, ${fmt(r.entry.dose)} ${r.entry.unit || ''}` : '') +
          (r.entry.end ? `, stopped ${r.entry.end}` : ', ongoing')), cell);
    },
    dose: (r) => el('tr', { 'data-id': r.id }, el('td', {}, r.entry.date),
      el('td', {}, `${r.entry.name}, ${fmt(r.entry.dose)} ${r.entry.unit} (${r.entry.kind.replace(/_/g, ' ')})`), actions(r, null)),
  };

  // Stop a running course on a day (default today), as `log med NAME --stop --date D`: every
  // open course of that name (any spelling the safety rules take for the same medicine).
  function askStop(r, cell) {
    const before = [...cell.childNodes];
    const id = 'stop-' + r.id.replace(':', '-');
    const date = el('input', { type: 'date', id, value: today });
    const err = el('p', { class: 'error', role: 'alert', hidden: true });
    const stop = el('button', { type: 'button', onclick: async () => {
      try {
        const a = await api('POST', withPerson('/api/medications/stop'), { name: r.entry.name, date: date.value || undefined });
        notesBox.textContent = `${a.name} stopped on ${a.end} (${a.courses_ended} course${a.courses_ended === 1 ? '' : 's'}).`;
        await refresh();
      } catch (e) { err.textContent = e.message; err.hidden = false; date.setAttribute('aria-invalid', 'true'); date.focus(); }
    } }, 'Stop on this date');
    const cancel = el('button', { type: 'button', onclick: () => cell.replaceChildren(...before) }, 'Cancel');
    cell.replaceChildren(el('label', { for: id }, 'Stop date'), date, ' ', stop, ' ', cancel, err);
    date.focus();
  }

  // The plan's safety alerts, danger first, at the top of the page (after every change: a
  // course or a dose may raise or end one).
  async function drawAlerts() {
    const plan = await api('GET', withPerson('/api/plan'));
    const order = { danger: 0, warning: 1, info: 2 };
    const alerts = (plan.alerts || []).slice().sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
    const cite = (c) => c.doi ? el('a', { href: 'https://doi.org/' + c.doi, rel: 'noreferrer' }, c.label || c.id)
      : c.url ? el('a', { href: c.url, rel: 'noreferrer' }, c.label || c.id) : (c.label || c.id);
    document.getElementById('measures-alert-list').replaceChildren(...alerts.map((a) =>
      el('li', { class: 'alert ' + a.severity, 'data-rule': a.rule }, el('strong', {}, a.severity + ': '), a.message,
        (a.citations || []).length ? el('span', { class: 'source' }, ' Sources: ',
          ...a.citations.map((c, i) => [i ? '; ' : '', cite(c)])) : null)));
    document.getElementById('measures-alerts').hidden = !alerts.length;
  }

  // Loads the next page of `kind`'s list (the first when `fresh`) and shows it.
  async function loadPage(kind, fresh) {
    const have = fresh ? [] : lists[kind].rows;
    const page = await api('GET', withPerson(`/api/entries?kind=${listKinds[kind]}&limit=${PAGE}&offset=${have.length}`));
    lists[kind] = { rows: have.concat(page.entries), total: page.total, more: page.more };
    const tbody = document.querySelector(`#${kind}-list tbody`);
    if (fresh) tbody.replaceChildren(...page.entries.map(rowOf[kind]));
    else tbody.append(...page.entries.map(rowOf[kind]));
    document.getElementById(kind + '-more').hidden = !page.more;
    document.getElementById(kind + '-shown').textContent = page.total
      ? `${lists[kind].rows.length} of ${page.total} shown` : 'none yet';
    return page.entries;
  }

  for (const kind of Object.keys(listKinds)) {
    const button = document.getElementById(kind + '-more');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const added = await loadPage(kind, false);
        // Keyboard users continue from the first older row (its first button).
        const first = added.length && document.querySelector(`#${kind}-list tr[data-id="${added[0].id}"] button`);
        if (first && button.hidden) first.focus();
      } catch (e) { status.textContent = e.message; }
      button.disabled = false;
    });
  }

  // The charts: every lab result and vital sign (their whole range), and the newest 400
  // activity entries (the chart shows the last 90 days logged among them).
  async function drawCharts() {
    const [labs, vitals, recent] = await Promise.all([
      api('GET', withPerson('/api/entries?kind=lab')),
      api('GET', withPerson('/api/entries?kind=vitals')),
      api('GET', withPerson('/api/entries?kind=activity&limit=400')),
    ]);
    const groups = {};
    for (const r of labs) (groups[r.entry.analyte] = groups[r.entry.analyte] || []).push(r);
    // The unit each analyte's latest result was given in (oldest first: the last one wins).
    for (const r of labs) lastGiven[r.entry.analyte] = r.entry.entered_unit || r.entry.unit;
    setUnits();
    // A chart in the unit the results are shown in when they share one, else as stored.
    document.getElementById('lab-charts').replaceChildren(...Object.entries(groups).map(([a, rows]) => {
      const one = rows.every((r) => shown(r).unit === shown(rows[0]).unit);
      const v = one ? shown : (r) => ({ value: r.entry.value, unit: r.entry.unit });
      return vascalc.timeChart({ id: 'chart-lab-' + a, title: (byId[a] ? byId[a].name : a), unit: v(rows[0]).unit,
        series: [{ label: a, points: rows.map((r) => [r.entry.date, v(r).value]) }] });
    }));

    const vCharts = [];
    const series = (key) => vitals.filter((r) => r.entry[key] != null).map((r) => [r.entry.date, r.entry[key]]);
    if (vitals.some((r) => r.entry.systolic_mm_hg != null)) {
      vCharts.push(vascalc.timeChart({ id: 'chart-blood-pressure', title: 'Blood pressure', unit: 'mm Hg',
        series: [{ label: 'systolic', points: series('systolic_mm_hg') }, { label: 'diastolic', points: series('diastolic_mm_hg') }],
        target: { max: 130 } }));
    }
    // Weight and waist in the unit the list shows them in (the person's units, else kg and cm).
    for (const [field, id, title] of [['weight_kg', 'chart-weight', 'Weight'], ['waist_cm', 'chart-waist', 'Waist']]) {
      const rows = vitals.filter((r) => r.shown && r.shown[field]);
      if (!rows.length) continue;
      vCharts.push(vascalc.timeChart({ id, title, unit: rows[0].shown[field].unit,
        series: [{ label: title.toLowerCase(), points: rows.map((r) => [r.entry.date, r.shown[field].value]) }] }));
    }
    document.getElementById('vitals-charts').replaceChildren(...vCharts);

    const perDay = {};
    for (const r of recent.entries) perDay[r.entry.date] = (perDay[r.entry.date] || 0) + r.entry.minutes;
    const days = Object.entries(perDay).sort().slice(-90);
    document.getElementById('activity-charts').replaceChildren(...(days.length ? [vascalc.timeChart({
      id: 'chart-activity', title: 'Minutes of activity per day (last 90 logged days)', unit: 'min',
      series: [{ label: 'minutes', points: days, dots: true }] })] : []));
  }

  // Every list from its newest page, and the charts.
  async function refresh() {
    await Promise.all([...Object.keys(listKinds).map((k) => loadPage(k, true)), drawCharts(), drawAlerts()]);
  }
  try { await refresh(); } catch (e) { status.textContent = e.message; }
})();
