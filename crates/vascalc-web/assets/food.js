// Food log page: search-as-you-type over the food table and a food's nutrients with sources.
'use strict';

(() => {
  const { api, el, fmt, provenance } = vascalc;
  const q = document.getElementById('food-q');
  const results = document.getElementById('food-results');
  const searchError = document.getElementById('food-search-error');
  const detail = document.getElementById('food-detail');
  const portion = document.getElementById('food-portion');
  const grams = document.getElementById('food-grams');
  const gramsError = document.getElementById('food-grams-error');
  let nutrients = [];
  let current = null;
  let pending = null;
  let timer = 0;

  api('GET', '/api/nutrients').then((list) => { nutrients = list; }, () => {});

  function search() {
    const text = q.value.trim();
    if (pending) pending.abort();
    searchError.hidden = true;
    if (!text) { results.replaceChildren(); delete results.dataset.q; return; }
    pending = new AbortController();
    api('GET', '/api/foods?limit=12&q=' + encodeURIComponent(text), undefined, pending.signal)
      .then((data) => {
        // A newer answer replaces the list under a person who already pressed Down: keep the
        // focus in the list (on its first result) rather than losing it to the page.
        const focusWasInList = results.contains(document.activeElement);
        results.replaceChildren(...data.hits.map((h) => el('li', {},
          el('button', { type: 'button', class: 'link', 'data-food-id': h.id,
            onclick: () => choose(h.id) }, h.name),
          ' ', el('span', { class: 'source' }, '[' + h.source + ']'))));
        if (!data.hits.length) {
          results.replaceChildren(el('li', {}, 'No food matches; try fewer or other words.'));
        }
        results.dataset.q = text;
        if (focusWasInList) (hitButtons()[0] || q).focus();
      }, (e) => {
        if (e.name === 'AbortError') return;
        searchError.textContent = e.message;
        searchError.hidden = false;
      });
  }

  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 60);
  });

  // Keyboard: Down from the search box to the results, Up and Down between them, Enter or
  // Space chooses (they are buttons), Escape back to the search box.
  const hitButtons = () => [...results.querySelectorAll('button[data-food-id]')];
  q.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && hitButtons().length) {
      ev.preventDefault();
      hitButtons()[0].focus();
    }
  });
  results.addEventListener('keydown', (ev) => {
    const list = hitButtons();
    const i = list.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next = ev.key === 'ArrowDown' ? i + 1 : i - 1;
      if (next < 0) q.focus(); else list[Math.min(next, list.length - 1)].focus();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      q.focus();
    }
  });

  async function choose(id) {
    current = await api('GET', '/api/foods/' + encodeURIComponent(id));
    document.getElementById('food-name').textContent = current.name;
    document.getElementById('food-source').textContent =
      'Id ' + current.id + ' · source ' + current.source + (current.group ? ' · ' + current.group : '');
    portion.replaceChildren(el('option', { value: '' }, 'grams (below)'),
      ...(current.portions || []).map((p) => el('option',
        { value: fmt(p.amount) + ' ' + p.unit }, fmt(p.amount) + ' ' + p.unit + ' (' + fmt(p.grams) + ' g)')));
    const adds = current.phosphate_additives || [];
    const addBox = document.getElementById('food-additives');
    addBox.hidden = !adds.length;
    addBox.textContent = adds.length
      ? 'Phosphate additives in the ingredients: ' + adds.map((a) => a.name + (a.e_number ? ' (' + a.e_number + ')' : '') + ': "' + a.text + '"').join(', ')
      : '';
    detail.hidden = false;
    await amount();
    document.getElementById('food-name').scrollIntoView({ block: 'nearest' });
    // The next thing to do is the amount: there, for keyboard users too.
    portion.focus();
  }

  async function amount() {
    if (!current) return;
    gramsError.hidden = true;
    grams.removeAttribute('aria-invalid');
    const params = portion.value
      ? 'portion=' + encodeURIComponent(portion.value)
      : 'grams=' + encodeURIComponent(grams.value || '0');
    let data;
    try {
      data = await api('GET', '/api/foods/' + encodeURIComponent(current.id) + '?' + params);
    } catch (e) {
      vascalc.showError(e, 'food', gramsError);
      return;
    }
    const values = data.serving ? data.serving.nutrients : data.per_100g;
    const g = data.serving ? data.serving.grams : 100;
    if (portion.value) grams.value = fmt(g);
    document.getElementById('food-nutrients-caption').textContent = 'In ' + fmt(g) + ' g';
    const rows = (nutrients.length ? nutrients : Object.keys(values).map((k) => ({ key: k, label: k, unit: '' })))
      .map((n) => {
        const v = values[n.key];
        const known = v && v.value !== null && v.value !== undefined;
        return el('tr', { 'data-nutrient': n.key },
          el('th', { scope: 'row' }, n.label),
          el('td', { class: known ? 'num' : 'num missing' }, known ? fmt(v.value) + ' ' + n.unit : 'missing'),
          el('td', { class: 'source' }, known ? provenance(v) : 'no value in the source'));
      });
    document.querySelector('#food-nutrients tbody').replaceChildren(...rows);
  }

  portion.addEventListener('change', amount);
  grams.addEventListener('change', () => { portion.value = ''; amount(); });
  window.vascalcFood = { current: () => current };
})();

// The day's log, totals against the plan's targets, and the 7- and 30-day charts.
(async () => {
  const { api, el, fmt, withPerson } = vascalc;
  const people = await vascalc.ready;
  const dayBox = document.getElementById('day');
  const logButton = document.getElementById('food-log-button');
  if (!people.length) {
    vascalc.noRecord(dayBox);
    logButton.disabled = true;
    return;
  }
  const today = new Date();
  const iso = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  const dayDate = document.getElementById('day-date');
  const logDate = document.getElementById('log-date');
  dayDate.value = logDate.value = iso(today);
  const labels = Object.fromEntries((await api('GET', '/api/nutrients')).map((n) => [n.key, n]));
  // The plan's diet targets by nutrient key (EPA+DHA together, in mg).
  let targets = {};
  try {
    const plan = await api('GET', withPerson('/api/plan'));
    const byTopic = Object.fromEntries(plan.items.filter((i) => i.pillar === 'diet').map((i) => [i.topic, i]));
    const map = { magnesium: 'magnesium_mg', calcium: 'calcium_mg', phosphate: 'phosphorus_mg',
      omega3: 'epa_dha', vitamin_k2: 'vitamin_k2_total_ug' };
    for (const [topic, key] of Object.entries(map)) if (byTopic[topic]) targets[key] = byTopic[topic].target;
  } catch (_) { targets = {}; }

  logButton.addEventListener('click', async () => {
    const err = document.getElementById('food-log-error');
    const done = document.getElementById('food-log-done');
    err.hidden = true;
    done.textContent = '';
    const food = window.vascalcFood && window.vascalcFood.current();
    if (!food) return;
    const portion = document.getElementById('food-portion').value;
    const grams = Number(document.getElementById('food-grams').value);
    const entry = { date: logDate.value, food_id: food.id, grams };
    if (portion) entry.portion = portion;
    try {
      const row = await api('POST', withPerson('/api/entries'), { kind: 'food', entry });
      done.textContent = `Logged ${fmt(grams)} g of ${food.name} (${row.id}).`;
      dayDate.value = logDate.value;
      await showDay();
      await charts();
    } catch (e) {
      vascalc.showError(e, 'food', err);
    }
  });

  async function showDay() {
    const status = document.getElementById('day-status');
    let day;
    try {
      day = await api('GET', withPerson('/api/food-log/' + (dayDate.value || 'today')));
    } catch (e) { status.textContent = e.message; return; }
    status.textContent = day.entries.length ? `${day.entries.length} entries, ${fmt(day.grams)} g` : 'Nothing logged on this day.';
    document.querySelector('#day-entries tbody').replaceChildren(...day.entries.map((e) => {
      const id = 'food:' + e.id;
      const amount = el('td', { class: 'num' }, fmt(e.grams) + ' g' + (e.portion ? ' (' + e.portion + ')' : ''));
      return el('tr', { 'data-id': id },
        el('td', {}, e.name, ' ', el('span', { class: 'source' }, '[' + e.source + ']')), amount,
        el('td', {},
          el('button', { type: 'button', 'data-edit': id, onclick: () => edit(e, amount) }, 'Edit'),
          el('button', { type: 'button', 'data-delete': id, 'aria-label': 'Delete ' + e.name, onclick: async () => {
            try {
              await api('DELETE', withPerson('/api/entries/' + id));
              await showDay();
              await charts();
            } catch (x) { status.textContent = x.message; }
          } }, 'Delete')));
    }));
    const rows = [];
    for (const [key, t] of Object.entries(day.totals)) {
      const n = labels[key] || { label: key, unit: t.unit };
      const missing = t.missing_foods.length;
      const text = day.entries.length === 0 ? 'nothing logged'
        : (missing ? `at least ${fmt(t.at_least)} ${t.unit}; missing for ${missing} food${missing > 1 ? 's' : ''} (${t.missing_foods.join(', ')})`
          : `${fmt(t.at_least)} ${t.unit}`);
      rows.push(el('tr', { 'data-nutrient': key }, el('th', { scope: 'row' }, n.label),
        el('td', { class: missing ? 'missing' : '' }, text),
        el('td', { class: 'source' }, targets[key] ? targets[key].text + (targets[key].source ? ' — ' + targets[key].source : '') : 'no target in the plan')));
    }
    if (day.totals.epa_g && day.totals.dha_g) {
      const sum = (day.totals.epa_g.at_least + day.totals.dha_g.at_least) * 1000;
      const missing = new Set([...day.totals.epa_g.missing_foods, ...day.totals.dha_g.missing_foods]).size;
      rows.push(el('tr', { 'data-nutrient': 'epa_dha' }, el('th', { scope: 'row' }, 'EPA + DHA'),
        el('td', { class: missing ? 'missing' : '' }, day.entries.length ? (missing ? 'at least ' : '') + fmt(sum) + ' mg' +
          (missing ? `; missing for ${missing} foods` : '') : 'nothing logged'),
        el('td', { class: 'source' }, targets.epa_dha ? targets.epa_dha.text + ' — ' + (targets.epa_dha.source || '') : 'no target in the plan')));
    }
    document.querySelector('#day-totals tbody').replaceChildren(...rows);
    document.getElementById('day-sources').textContent = 'Sources: ' + day.sources + '.';
  }

  function edit(e, cell) {
    const input = el('input', { type: 'number', step: 'any', min: '0', value: e.grams, id: 'edit-food-' + e.id,
      'aria-label': 'Grams of ' + e.name });
    const err = el('p', { class: 'error', role: 'alert', hidden: true });
    cell.replaceChildren(input, ' g ', el('button', { type: 'button', 'data-save': 'food:' + e.id, onclick: async () => {
      try {
        await api('PUT', withPerson('/api/entries/food:' + e.id),
          { kind: 'food', entry: { date: dayDate.value, food_id: e.food_id, grams: Number(input.value) } });
        await showDay();
        await charts();
      } catch (x) { err.textContent = x.message; err.hidden = false; input.setAttribute('aria-invalid', 'true'); }
    } }, 'Save'), err);
    input.focus();
  }

  const trend = document.getElementById('trend-nutrient');
  const keys = ['calcium_mg', 'magnesium_mg', 'phosphorus_mg', 'phylloquinone_ug', 'menaquinone4_ug',
    'menaquinone7_ug', 'vitamin_d_ug', 'epa_g', 'dha_g', 'ala_g'];
  trend.replaceChildren(...keys.map((k) => el('option', { value: k }, labels[k] ? labels[k].label : k)));
  trend.addEventListener('change', charts);

  async function charts() {
    const box = document.getElementById('food-charts');
    let data;
    try { data = await api('GET', withPerson('/api/food-days?days=30')); } catch (e) { box.textContent = e.message; return; }
    const key = trend.value;
    const n = labels[key];
    const t = targets[key];
    const points = data.days.map((d) => [d.date, d.nutrients[key] ? d.nutrients[key].at_least : 0]);
    const since7 = data.days.length ? vascalc.iso(vascalc.day(data.until) - 6) : data.until;
    const charts = [];
    for (const [id, title, pts] of [['chart-7', '7 days', points.filter((p) => p[0] >= since7)], ['chart-30', '30 days', points]]) {
      if (!pts.length) { charts.push(el('p', {}, `${title}: nothing logged.`)); continue; }
      charts.push(vascalc.timeChart({ id, title: `${n.label}, ${title} (at least; days without a logged value absent)`, unit: n.unit,
        series: [{ label: n.label, points: pts }], target: t && t.min != null ? { min: t.min } : t && t.max != null ? { max: t.max } : null }));
    }
    box.replaceChildren(...charts);
  }

  dayDate.addEventListener('change', showDay);
  await showDay();
  await charts();
})();
