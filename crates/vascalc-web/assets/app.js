// vascalc: what every page shares. Plain JavaScript, no framework, no build step.
'use strict';

const vascalc = (() => {
  const meta = document.querySelector('meta[name="vascalc-token"]');
  const token = meta ? meta.content : '';

  // A JSON request; a state-changing one carries the per-launch token (the browser adds Origin
  // and Sec-Fetch-Site itself). A non-2xx answer throws an Error with status, kind, field and
  // needsConfirmation.
  async function api(method, path, body, signal) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-Vascalc-Token'] = token;
    const init = { method, headers, signal };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    let data = null;
    const text = await r.text();
    if (text) {
      try { data = JSON.parse(text); } catch (_) { data = null; }
    }
    if (!r.ok) {
      const e = new Error((data && data.reason) || (r.status + ' ' + r.statusText));
      e.status = r.status;
      e.kind = data && data.error;
      e.field = data && data.field;
      // An implausible value the person may still confirm (an implausible dose).
      e.needsConfirmation = !!(data && data.needs_confirmation);
      throw e;
    }
    return data;
  }

  // el('p', {class: 'x'}, 'text', child): children are text (never parsed as HTML) or nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // The CLI's number format (vascalc_nutrition::format_value): 1 decimal from 100, 2 from 1,
  // else 3; no trailing zeros.
  function fmt(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return 'missing';
    const a = Math.abs(v);
    let s = v.toFixed(a >= 100 ? 1 : a >= 1 ? 2 : 3);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return s;
  }

  // Where a nutrient value comes from, in words (Provenance::describe).
  function provenance(v) {
    switch (v.provenance) {
      case 'measured': return v.detail ? v.source + ', ' + v.detail : v.source;
      case 'literature': return v.citation;
      case 'calculated': return 'calculated: ' + v.method;
      case 'user': return 'entered by the user';
      default: return 'missing';
    }
  }

  // Shows an API error's reason beside the field it names (an element with id
  // `${prefix}-${field}-error`), or in `fallback`.
  function showError(err, prefix, fallback) {
    const target = err.field && document.getElementById(prefix + '-' + err.field + '-error');
    const box = target || fallback;
    if (box) {
      box.textContent = err.message;
      box.hidden = false;
    }
    const input = err.field && document.getElementById(prefix + '-' + err.field);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  function clearErrors(form) {
    for (const e of form.querySelectorAll('.error')) { e.textContent = ''; e.hidden = true; }
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  // ----- the person whose record the pages show -----------------------------------------
  let people = [];
  let person = null;

  // `path` with ?person=NAME when the record holds several people.
  function withPerson(path) {
    if (!person || people.length < 2) return path;
    return path + (path.includes('?') ? '&' : '?') + 'person=' + encodeURIComponent(person);
  }

  // Fetches the people; shows a chooser in the header when there are several. Resolves to the
  // list (empty when there is no record yet).
  const ready = (async () => {
    try {
      people = await api('GET', '/api/people');
    } catch (e) {
      if (e.status !== 404) throw e;
      people = [];
    }
    const saved = localStorage.getItem('vascalc-person');
    person = people.some((p) => p.name === saved) ? saved : (people[0] ? people[0].name : null);
    if (people.length > 1) {
      const select = el('select', { id: 'person-select' },
        people.map((p) => el('option', { value: p.name, selected: p.name === person }, p.name)));
      select.addEventListener('change', () => {
        localStorage.setItem('vascalc-person', select.value);
        location.reload();
      });
      document.querySelector('header').append(
        el('label', { for: 'person-select', class: 'inline' }, 'Person'), select);
    }
    return people;
  })();

  // Shows a message in `box` (an element) when there is no record or no person yet.
  function noRecord(box) {
    box.replaceChildren(el('p', { class: 'alert', id: 'no-record' },
      'The record has no person yet. Create one on the ', el('a', { href: '/' }, 'dashboard'),
      ' or with `vascalc profile create`.'));
  }

  // ----- charts (SVG, drawn here; no library) ----------------------------------------------
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  const day = (d) => Date.parse(d + 'T00:00:00Z') / 86400000;
  const iso = (n) => new Date(n * 86400000).toISOString().slice(0, 10);

  function ticks(lo, hi, n) {
    if (!(hi > lo)) return [lo];
    const raw = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(10));
    return out;
  }

  // A time chart. spec: {id, title, unit, series: [{label, points: [[date, y]], cls}],
  // bands: [[[date, lo, hi], …], …] (each a shaded polygon) labelled bandLabel,
  // bars: [{label, from, to}] (intervals under the plot), target: {min, max}}.
  // Returns a <figure> with the SVG and a table of the same numbers.
  function timeChart(spec) {
    const W = 720, H = 268 + (spec.bars ? spec.bars.length * 18 : 0);
    const left = 56, right = 16, top = 24, plotH = 200;
    const xs = [], ys = [];
    for (const s of spec.series) for (const [d, y] of s.points) { xs.push(day(d)); ys.push(y); }
    for (const band of spec.bands || []) for (const [d, lo, hi] of band) { xs.push(day(d)); ys.push(lo, hi); }
    for (const b of spec.bars || []) { xs.push(day(b.from)); if (b.to) xs.push(day(b.to)); }
    if (spec.target) { if (spec.target.min != null) ys.push(spec.target.min); if (spec.target.max != null) ys.push(spec.target.max); }
    let x0 = Math.min(...xs), x1 = Math.max(...xs);
    if (!(x1 > x0)) { x0 -= 15; x1 += 15; }
    let y0 = Math.min(0, ...ys), y1 = Math.max(...ys);
    if (!(y1 > y0)) y1 = y0 + 1;
    y1 += (y1 - y0) * 0.05;
    const X = (d) => left + (day(d) - x0) / (x1 - x0) * (W - left - right);
    const Y = (v) => top + plotH - (v - y0) / (y1 - y0) * plotH;
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', id: spec.id,
      'aria-labelledby': spec.id + '-title' });
    g.append(svg('title', { id: spec.id + '-title' }, spec.title + (spec.unit ? ` (${spec.unit})` : '')));
    // The value axis names its unit (the person's units where the page converts).
    if (spec.unit) g.append(svg('text', { x: 4, y: 12, class: 'tick axis-unit' }, spec.unit));
    for (const t of ticks(y0, y1, 5)) {
      g.append(svg('line', { x1: left, x2: W - right, y1: Y(t), y2: Y(t), class: 'grid' }));
      g.append(svg('text', { x: left - 6, y: Y(t) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(t)));
    }
    const xt = ticks(x0, x1, 6);
    for (const t of xt) {
      g.append(svg('text', { x: X(iso(t)), y: top + plotH + 16, 'text-anchor': 'middle', class: 'tick' },
        iso(Math.round(t)).slice(0, (x1 - x0) > 400 ? 7 : 10)));
    }
    if (spec.target) {
      for (const k of ['min', 'max']) {
        if (spec.target[k] == null) continue;
        g.append(svg('line', { x1: left, x2: W - right, y1: Y(spec.target[k]), y2: Y(spec.target[k]),
          class: 'target' }));
      }
    }
    for (const band of spec.bands || []) {
      if (band.length < 2) continue;
      const up = band.map(([d, , hi]) => `${X(d)},${Y(hi)}`);
      const down = band.slice().reverse().map(([d, lo]) => `${X(d)},${Y(lo)}`);
      g.append(svg('polygon', { points: up.concat(down).join(' '), class: 'band' },
        svg('title', {}, spec.bandLabel || 'expected range')));
    }
    for (const s of spec.series) {
      const pts = s.points.map(([d, y]) => `${X(d)},${Y(y)}`).join(' ');
      if (s.points.length > 1 && !s.dots) g.append(svg('polyline', { points: pts, class: 'line ' + (s.cls || '') }));
      for (const [d, y] of s.points) {
        g.append(svg('circle', { cx: X(d), cy: Y(y), r: s.points.length > 60 ? 2 : 4, class: 'dot ' + (s.cls || '') },
          svg('title', {}, `${d}: ${fmt(y)} ${spec.unit || ''}`)));
      }
    }
    (spec.bars || []).forEach((b, i) => {
      const y = top + plotH + 28 + i * 18;
      const xa = X(b.from), xb = b.to ? X(b.to) : W - right;
      g.append(svg('rect', { x: xa, y: y - 10, width: Math.max(2, xb - xa), height: 12, class: 'bar' },
        svg('title', {}, `${b.label}: ${b.from} – ${b.to || 'ongoing'}`)));
      g.append(svg('text', { x: Math.min(xa + 4, W - 120), y: y, class: 'bar-label' }, b.label));
    });
    const table = el('table', { class: 'chart-data' },
      el('caption', {}, spec.title + (spec.unit ? ` (${spec.unit})` : '')),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Date'),
        spec.series.map((s) => el('th', { scope: 'col' }, s.label)))),
      el('tbody', {}, ...(() => {
        const dates = [...new Set(spec.series.flatMap((s) => s.points.map((p) => p[0])))].sort();
        return dates.slice(-60).map((d) => el('tr', {}, el('th', { scope: 'row' }, d),
          spec.series.map((s) => { const p = s.points.find((q) => q[0] === d); return el('td', { class: 'num' }, p ? fmt(p[1]) : '—'); })));
      })()));
    return el('figure', { class: 'chart-figure' }, g,
      el('details', {}, el('summary', {}, 'The numbers'), table));
  }

  return { api, el, fmt, provenance, showError, clearErrors, token, ready, withPerson,
    noRecord, timeChart, day, iso, person: () => person, people: () => people };
})();
