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
    if (!text) { results.replaceChildren(); return; }
    pending = new AbortController();
    api('GET', '/api/foods?limit=12&q=' + encodeURIComponent(text), undefined, pending.signal)
      .then((data) => {
        results.replaceChildren(...data.hits.map((h) => el('li', {},
          el('button', { type: 'button', class: 'link', 'data-food-id': h.id,
            onclick: () => choose(h.id) }, h.name),
          ' ', el('span', { class: 'source' }, '[' + h.source + ']'))));
        if (!data.hits.length) {
          results.replaceChildren(el('li', {}, 'No food matches; try fewer or other words.'));
        }
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
})();
