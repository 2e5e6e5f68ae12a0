// vascalc: what every page shares. Plain JavaScript, no framework, no build step.
'use strict';

const vascalc = (() => {
  const meta = document.querySelector('meta[name="vascalc-token"]');
  const token = meta ? meta.content : '';

  // A JSON request; a state-changing one carries the per-launch token (the browser adds Origin
  // and Sec-Fetch-Site itself). A non-2xx answer throws an Error with status, kind, field.
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

  return { api, el, fmt, provenance, showError, clearErrors, token };
})();
