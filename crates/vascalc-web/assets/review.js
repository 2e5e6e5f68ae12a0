// /review: the CT review viewer. Plain JavaScript on a canvas: Int16 HU slices from the server
// through a window/level lookup table, the lesion runs coloured by status and artery, the heart
// region outlined. Every number in the table comes from the server (vascalc-ct): the page only
// sends the assignment.
'use strict';

(() => {
  const { api, el, fmt, showError, clearErrors, ready } = vascalc;
  const $ = (id) => document.getElementById(id);
  const status = $('review-status');

  // Overlay colours (RGB): by status, and assigned lesions by artery.
  const COLOURS = {
    candidate: [255, 212, 0], excluded: [63, 111, 216], scored: [255, 149, 0],
    LM: [232, 0, 138], LAD: [255, 59, 48], LCX: [52, 199, 89], RCA: [255, 149, 0],
    non_coronary: [160, 160, 160], coronary: [191, 90, 242], other: [160, 160, 160],
  };
  const HEART = [0, 229, 255];
  const SELECTED = [255, 255, 255];
  const ARTERY_KEYS = { 1: 'LM', 2: 'LAD', 3: 'LCX', 4: 'RCA', 5: 'non_coronary', 0: '' };

  let scan = null;          // the server's view of the open scan
  let base = [];            // every lesion as opened (the statuses without an assignment)
  let k = 0;                // the slice shown
  let width = 800, level = 200;
  let lut = null;           // Uint32Array(65536): Int16 HU + 32768 → RGBA (little endian)
  const cache = new Map();  // k → {pixels: Int16Array, overlay}
  let selected = new Set(); // lesion ids
  let assignment = {};      // lesion id → artery, as the server has it
  const undo = [], redo = [];
  const perf = { draws: [] };
  window.vascalcViewer = perf; // draw times for the browser tests (performance.now())

  const canvas = $('slice-canvas');
  const ctx = canvas.getContext('2d');
  let image = null;

  function buildLut() {
    lut = new Uint32Array(65536);
    const lo = level - width / 2;
    for (let v = 0; v < 65536; v++) {
      const hu = v - 32768;
      let g = Math.round((hu - lo) / width * 255);
      g = g < 0 ? 0 : g > 255 ? 255 : g;
      if (v === 0) g = 0; // no data
      lut[v] = (255 << 24) | (g << 16) | (g << 8) | g;
    }
    $('wl-label').textContent = `W ${Math.round(width)} / L ${Math.round(level)}`;
  }

  function lesion(id) { return scan.lesions[id - 1]; }

  function colourOf(id) {
    const l = lesion(id);
    if (!l) return COLOURS.other;
    if (l.status === 'assigned') return COLOURS[l.label] || COLOURS.other;
    if (l.status === 'excluded' && l.label === 'non_coronary') return COLOURS.non_coronary;
    return COLOURS[l.status] || COLOURS.other;
  }

  function draw() {
    const entry = cache.get(k);
    if (!scan || !entry) return;
    const t0 = performance.now();
    const { columns: cols, rows } = scan;
    const px = entry.pixels;
    const out = new Uint32Array(image.data.buffer);
    for (let i = 0, n = px.length; i < n; i++) out[i] = lut[px[i] + 32768];
    const data = image.data;
    if ($('show-overlay').checked) {
      for (const [id, j, s, e] of entry.overlay.runs) {
        const [r, g, b] = selected.has(id) ? SELECTED : colourOf(id);
        const a = selected.has(id) ? 1 : 0.7;
        for (let i = j * cols + s, end = j * cols + e; i < end; i++) {
          const o = i * 4;
          data[o] = data[o] * (1 - a) + r * a;
          data[o + 1] = data[o + 1] * (1 - a) + g * a;
          data[o + 2] = data[o + 2] * (1 - a) + b * a;
        }
      }
    }
    if ($('show-heart').checked && entry.overlay.heart.length) {
      const mask = entry.heartMask || (entry.heartMask = heartMask(entry.overlay.heart, cols, rows));
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < cols; i++) {
          const p = j * cols + i;
          if (!mask[p]) continue;
          if (i === 0 || j === 0 || i === cols - 1 || j === rows - 1 ||
              !mask[p - 1] || !mask[p + 1] || !mask[p - cols] || !mask[p + cols]) {
            const o = p * 4;
            data[o] = HEART[0]; data[o + 1] = HEART[1]; data[o + 2] = HEART[2];
          }
        }
      }
    }
    ctx.putImageData(image, 0, 0);
    const ms = performance.now() - t0;
    perf.draws.push(ms);
    perf.last = ms;
    $('slice-label').textContent = `${k + 1} / ${scan.slices}`;
    $('slice-slider').value = String(k);
    canvas.dataset.slice = String(k);
  }

  function heartMask(runs, cols, rows) {
    const m = new Uint8Array(cols * rows);
    for (const [j, s, e] of runs) m.fill(1, j * cols + s, j * cols + e);
    return m;
  }

  async function load(n) {
    if (cache.has(n)) return cache.get(n);
    const base = `/api/scans/${scan.id}`;
    const [buf, overlay] = await Promise.all([
      fetch(`${base}/slice?k=${n}`).then((r) => {
        if (!r.ok) throw new Error(`slice ${n}: ${r.status}`);
        return r.arrayBuffer();
      }),
      api('GET', `${base}/overlay?k=${n}`),
    ]);
    const entry = { pixels: new Int16Array(buf), overlay };
    cache.set(n, entry);
    if (cache.size > 64) cache.delete(cache.keys().next().value);
    return entry;
  }

  let wanted = 0;
  async function show(n) {
    if (!scan) return;
    n = Math.max(0, Math.min(scan.slices - 1, n));
    k = n;
    wanted = n;
    try {
      await load(n);
      if (wanted === n) draw();
      // Fetch the neighbours ahead of the scroll.
      for (const m of [n + 1, n - 1]) if (m >= 0 && m < scan.slices) load(m).catch(() => {});
    } catch (e) {
      status.textContent = 'The slice could not be read: ' + e.message;
    }
  }

  // ---- opening a folder
  // The series of a folder or an upload: one opens at once, several are listed to pick from.
  function pickSeries(found, where, openOne) {
    if (found.series.length === 1) return openOne(found.series[0].series_uid);
    $('open-series').replaceChildren(el('table', { id: 'series-table' },
      el('caption', {}, `${found.series.length} series in ${where}`),
      el('tr', {}, ['Series', 'Body part', 'Images', 'Size', ''].map((h) => el('th', {}, h))),
      found.series.map((s) => el('tr', {},
        el('td', {}, s.description || s.series_uid), el('td', {}, s.body_part || '—'),
        el('td', { class: 'num' }, s.images), el('td', {}, `${s.columns}×${s.rows}`),
        el('td', {}, el('button', { type: 'button', onclick: () => openOne(s.series_uid) },
          'Open'))))));
  }

  $('open-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors($('open-form'));
    const path = $('open-path').value;
    status.textContent = 'Reading the folder’s headers…';
    $('open-series').replaceChildren();
    try {
      const found = await api('POST', '/api/scans/folder', { path });
      status.textContent = '';
      pickSeries(found, found.path, (uid) => open({ path: found.path, series_uid: uid }));
    } catch (e) {
      status.textContent = '';
      showError(e, 'open', status);
    }
  });

  // ---- uploading a folder (its files stream to the server, which keeps the DICOM ones under
  // numbers in a private folder until the scan is closed or the server stops)
  const uploadInput = $('upload-files');
  const maxTotal = Number(uploadInput.dataset.maxTotal);
  const maxFile = Number(uploadInput.dataset.maxFile);
  function bytes(n) {
    for (const [f, unit] of [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']]) {
      if (n >= f) return `${+(n / f).toFixed(1)} ${unit}`;
    }
    return `${n} bytes`;
  }
  $('upload-limit-total').textContent = bytes(maxTotal);
  $('upload-limit-file').textContent = bytes(maxFile);

  // POST /api/scans/upload with progress (XMLHttpRequest: fetch reports no upload progress).
  function postUpload(form, progress) {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('POST', '/api/scans/upload');
      x.setRequestHeader('X-Vascalc-Token', vascalc.token);
      x.setRequestHeader('Accept', 'application/json');
      x.upload.onprogress = (e) => { if (e.lengthComputable) progress(e.loaded / e.total); };
      x.onload = () => {
        let data = null;
        try { data = JSON.parse(x.responseText); } catch (_) { data = null; }
        if (x.status >= 200 && x.status < 300) return resolve(data);
        const e = new Error((data && data.reason) || `${x.status} ${x.statusText}`);
        e.status = x.status; e.kind = data && data.error; e.field = data && data.field;
        reject(e);
      };
      x.onerror = () => reject(new Error('The upload failed: the connection closed. Is the server still running?'));
      x.send(form);
    });
  }

  $('upload-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = $('upload-form');
    clearErrors(form);
    const fail = (message) => showError({ message, field: 'files' }, 'upload', status);
    const files = [...uploadInput.files];
    if (!files.length) return fail('Choose the folder of the scan’s DICOM files first.');
    const total = files.reduce((a, f) => a + f.size, 0);
    if (total > maxTotal) {
      return fail(`The folder holds ${bytes(total)}, over the limit of ${bytes(maxTotal)} in all: ` +
        'choose only the folder of the scan’s series, or type its path above.');
    }
    const big = files.find((f) => f.size > maxFile);
    if (big) {
      return fail(`A file of the folder is ${bytes(big.size)}, over the limit of ${bytes(maxFile)} ` +
        'per file: type the folder’s path above instead.');
    }
    const body = new FormData();
    // Numbers for names: the server never uses the browser's file names or paths.
    files.forEach((f, i) => body.append('files', f, String(i + 1)));
    $('open-series').replaceChildren();
    const bar = $('upload-progress');
    bar.value = 0;
    bar.hidden = false;
    status.textContent = `Uploading ${files.length} file(s), ${bytes(total)}…`;
    try {
      const found = await postUpload(body, (p) => { bar.value = p; });
      const note = `Uploaded ${found.files} DICOM file(s)` +
        (found.not_dicom ? ` (${found.not_dicom} file(s) that are not DICOM left out)` : '') + '.';
      status.textContent = note;
      pickSeries(found, `the uploaded folder (upload ${found.upload})`,
        (uid) => open({ upload: found.upload, series_uid: uid }, note));
    } catch (e) {
      status.textContent = '';
      showError(e, 'upload', status);
    } finally {
      bar.hidden = true;
    }
  });

  async function open(body, note = '') {
    status.textContent = `${note} Scoring the series (finding the anatomy)…`.trim();
    try {
      const view = await api('POST', '/api/scans', body);
      start(view);
      status.textContent = `${note} Opened ${view.series_uid}: ${view.slices} slices of ${view.columns}×${view.rows}.`.trim();
    } catch (e) {
      status.textContent = '';
      showError(e, 'open', status);
    }
  }

  $('close-scan').addEventListener('click', async () => {
    if (!scan) return;
    try {
      await api('DELETE', `/api/scans/${scan.id}`);
    } catch (e) {
      if (e.status !== 404) { status.textContent = e.message; return; }
    }
    scan = null;
    cache.clear();
    $('viewer').hidden = true;
    $('open-series').replaceChildren();
    status.textContent = 'The scan is closed (an uploaded folder’s copy is removed).';
  });

  function start(view) {
    scan = view;
    base = view.lesions;
    cache.clear();
    selected = new Set();
    assignment = { ...view.assignment };
    undo.length = 0; redo.length = 0;
    canvas.width = view.columns;
    canvas.height = view.rows;
    image = ctx.createImageData(view.columns, view.rows);
    $('slice-slider').max = String(view.slices - 1);
    $('download').href = `/api/scans/${view.id}/assignment`;
    $('viewer').hidden = false;
    buildLut();
    render();
    const heart = view.review && view.review.anatomy.heart_slices;
    show(heart ? Math.round((heart[0] + heart[1]) / 2) : Math.floor(view.slices / 2));
    canvas.focus();
  }

  // ---- the table, the flags, the selection
  function render() {
    const flags = $('flags');
    flags.replaceChildren();
    const blocking = scan.flags.filter((f) => BLOCKING.has(f.code));
    for (const f of scan.flags) {
      flags.append(el('p', { class: BLOCKING.has(f.code) ? 'alert warning' : 'help', 'data-flag': f.code },
        el('strong', {}, f.code), ': ', f.message));
    }
    if (blocking.length && !scan.review) {
      flags.append(el('p', { class: 'alert warning', id: 'not-interpreted' },
        'Not interpreted: this series gets no CAC-DRS (see the flags above).'));
    }
    const unreviewed = scan.flags.some((f) => f.code === 'unreviewed');
    const mass = (t) => t.mass_mg !== null && t.mass_mg !== undefined
      ? fmt(t.mass_mg) + ' mg' : fmt(t.relative_mass_hu_mm3) + ' HU·mm³ (relative)';
    const row = (name, t, cls) => el('tr', { class: cls, 'data-artery': name },
      el('th', { scope: 'row' }, name === 'coronary' ? 'coronary, artery not named' : name),
      el('td', { class: 'num' }, fmt(t.agatston)),
      el('td', { class: 'num' }, fmt(t.volume_mm3)), el('td', { class: 'num' }, mass(t)),
      el('td', { class: 'num' }, t.lesions));
    const order = ['LM', 'LAD', 'LCX', 'RCA'];
    const names = [...order, ...Object.keys(scan.per_artery).filter((n) => !order.includes(n))];
    const zero = { agatston: 0, volume_mm3: 0, mass_mg: scan.totals.mass_mg === null ? null : 0,
      relative_mass_hu_mm3: 0, lesions: 0 };
    const c = scan.review && scan.review.candidates_unreviewed;
    const label = unreviewed ? 'Counted so far (UNREVIEWED)' : 'Total';
    const unnamed = scan.per_artery.coronary && scan.per_artery.coronary.lesions
      ? scan.per_artery.coronary : null;
    $('score-table').replaceChildren(
      el('table', { id: 'artery-table' },
        el('caption', {}, 'Per artery (Agatston, classic convention)'),
        el('tr', {}, ['', 'Agatston', 'Volume mm³', 'Mass', 'Lesions'].map((h) => el('th', { scope: 'col' }, h))),
        names.map((n) => row(n, scan.per_artery[n] || zero)),
        row(label, scan.totals, 'total')),
      c ? el('p', { id: 'candidates', class: c.lesions ? 'unreviewed' : 'help' },
        `Candidates still UNREVIEWED (not a calcium score): ${c.lesions} lesion(s), Agatston ${fmt(c.agatston)}.`) : null,
      el('p', { id: 'cac-drs' }, 'CAC-DRS: ',
        el('strong', { id: 'cac-drs-value' }, scan.cac_drs ||
          (unreviewed ? 'not given while candidates are unreviewed' : 'not given (not interpreted)')),
        unnamed && scan.cac_drs ? el('span', { id: 'cac-drs-unnamed' },
          ` (N, the number of vessels, not given: ${unnamed.lesions} coronary lesion(s), Agatston ` +
          `${fmt(unnamed.agatston)}, have no artery named)`) : null),
    );
    renderSelection();
    $('legend').replaceChildren('Overlay: ',
      ...['candidate', 'excluded', 'LM', 'LAD', 'LCX', 'RCA', 'coronary'].flatMap((n) =>
        [el('span', { class: `swatch sw-${n}` }), n === 'coronary' ? 'coronary, artery not named' : n]),
      el('span', { class: 'swatch sw-other' }), 'not coronary',
      el('span', { class: 'swatch sw-heart' }), 'heart region');
  }

  const BLOCKING = new Set(['not_chest', 'short_coverage', 'not_ct', 'not_hu', 'contrast_agent',
    'no_chest_anatomy', 'unreviewed']);

  function renderSelection() {
    const box = $('selection');
    if (!selected.size) {
      box.textContent = 'Click a lesion to select it (its whole 3D-connected group).';
      return;
    }
    const ids = [...selected].sort((a, b) => a - b);
    const ag = ids.reduce((s, id) => s + lesion(id).agatston, 0);
    const first = lesion(ids[0]);
    const what = first.status === 'excluded'
      ? 'excluded (' + (first.reasons || []).join(', ') + ')' : first.status + (first.label ? ' ' + first.label : '');
    box.replaceChildren(el('span', { id: 'selected-ids' }, `Selected lesion${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`),
      `: ${what}; Agatston ${fmt(ag)}. Press 1 LM, 2 LAD, 3 LCX, 4 RCA, 5 not coronary, 0 clear.`);
  }

  // ---- assignment
  async function send(next) {
    const view = await api('PUT', `/api/scans/${scan.id}/assignment`, { assignment: next });
    // The answer lists the named lesions only; the others keep their status as opened.
    if (!view.lesions_all) {
      const named = new Map(view.lesions.map((l) => [l.id, l]));
      view.lesions = base.map((l) => named.get(l.id) || l);
    }
    scan = view;
    assignment = { ...view.assignment };
    render();
    draw();
  }

  async function change(next) {
    undo.push(assignment);
    redo.length = 0;
    try { await send(next); } catch (e) { undo.pop(); status.textContent = e.message; }
  }

  function assignSelected(artery) {
    if (!scan || !selected.size) return;
    const next = { ...assignment };
    for (const id of selected) {
      if (artery) next[id] = artery; else delete next[id];
    }
    change(next);
  }

  async function step(from, to) {
    if (!scan || !from.length) return;
    const prev = from.pop();
    to.push(assignment);
    try { await send(prev); } catch (e) { status.textContent = e.message; }
  }

  $('accept-all').addEventListener('click', () => {
    if (!scan) return;
    const next = { ...assignment };
    for (const l of scan.lesions) if (l.status === 'candidate' && !(l.id in next)) next[l.id] = 'coronary';
    change(next);
  });
  $('undo').addEventListener('click', () => step(undo, redo));
  $('redo').addEventListener('click', () => step(redo, undo));
  for (const b of document.querySelectorAll('[data-artery]')) {
    if (b.tagName === 'BUTTON') b.addEventListener('click', () => assignSelected(b.dataset.artery));
  }

  // ---- mouse and keys
  function pixelAt(ev) {
    const r = canvas.getBoundingClientRect();
    return [Math.floor((ev.clientX - r.left) / r.width * scan.columns),
      Math.floor((ev.clientY - r.top) / r.height * scan.rows)];
  }

  function lesionAt(i, j) {
    const entry = cache.get(k);
    if (!entry) return null;
    let best = null, bestD = 3; // within two pixels
    for (const [id, row, s, e] of entry.overlay.runs) {
      if (Math.abs(row - j) >= bestD) continue;
      const di = i < s ? s - i : i >= e ? i - e + 1 : 0;
      const d = Math.max(di, Math.abs(row - j));
      if (d < bestD) { best = id; bestD = d; }
    }
    return best;
  }

  let drag = null;
  canvas.addEventListener('contextmenu', (ev) => ev.preventDefault());
  canvas.addEventListener('pointerdown', (ev) => {
    if (!scan) return;
    canvas.focus();
    if (ev.button === 2 || ev.shiftKey) {
      drag = { x: ev.clientX, y: ev.clientY, width, level };
      canvas.setPointerCapture(ev.pointerId);
      return;
    }
    const [i, j] = pixelAt(ev);
    const id = lesionAt(i, j);
    if (id === null) { selected = new Set(); } else {
      const g = lesion(id).group;
      selected = new Set(scan.lesions.filter((l) => l.group === g).map((l) => l.id));
    }
    renderSelection();
    draw();
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    width = Math.max(1, drag.width + (ev.clientX - drag.x) * 4);
    level = drag.level + (ev.clientY - drag.y) * 2;
    buildLut();
    draw();
  });
  canvas.addEventListener('pointerup', () => { drag = null; });
  canvas.addEventListener('wheel', (ev) => {
    if (!scan) return;
    ev.preventDefault();
    show(k + (ev.deltaY > 0 ? 1 : -1));
  }, { passive: false });
  $('slice-slider').addEventListener('input', () => show(Number($('slice-slider').value)));
  $('wl-preset').addEventListener('change', () => {
    [width, level] = $('wl-preset').value.split(',').map(Number);
    buildLut();
    draw();
  });
  $('show-overlay').addEventListener('change', draw);
  $('show-heart').addEventListener('change', draw);

  document.addEventListener('keydown', (ev) => {
    if (!scan || $('viewer').hidden) return;
    const t = ev.target;
    if (t && (t.tagName === 'INPUT' && t.type !== 'range' && t.type !== 'checkbox' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    const ctrl = ev.ctrlKey || ev.metaKey;
    if (ctrl && (ev.key === 'z' || ev.key === 'Z')) {
      ev.preventDefault();
      if (ev.shiftKey) step(redo, undo); else step(undo, redo);
      return;
    }
    if (ctrl && ev.key === 'y') { ev.preventDefault(); step(redo, undo); return; }
    if (ctrl || ev.altKey) return;
    const moves = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };
    if (ev.key in moves && t !== $('slice-slider')) {
      ev.preventDefault();
      show(k + moves[ev.key]);
    } else if (ev.key in ARTERY_KEYS) {
      ev.preventDefault();
      assignSelected(ARTERY_KEYS[ev.key]);
    }
  });

  // ---- saving
  $('save-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!scan) return;
    clearErrors($('save-form'));
    $('save-status').textContent = '';
    try {
      await ready;
      const body = { reviewer: $('save-reviewer').value, date: $('save-date').value || null,
        person: vascalc.person() };
      const saved = await api('POST', `/api/scans/${scan.id}/save`, body);
      $('save-status').replaceChildren(el('p', { id: 'saved' },
        `Saved for ${saved.person}: ${saved.id} on ${saved.scan.date}, Agatston ${fmt(saved.scan.agatston)}. `,
        el('a', { href: '/cac' }, 'See it on the CAC page')));
    } catch (e) {
      showError(e, 'save', $('save-status'));
    }
  });
})();
