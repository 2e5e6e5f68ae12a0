// CAC over time: observed scans, the expected trajectory as a band, interventions as bars.
'use strict';

(async () => {
  const { api, el, fmt, withPerson, day, iso } = vascalc;
  const status = document.getElementById('cac-status');
  const box = document.getElementById('cac-chart-box');
  const people = await vascalc.ready;
  if (!people.length) { vascalc.noRecord(box); return; }
  // The assessment's progression (the scans and, per interval, the change MESA data lead one
  // to expect): the same analysis as `vascalc progress`, without the adherence summaries.
  let progress;
  try {
    progress = (await api('GET', withPerson('/api/assessment'))).assessment;
  } catch (e) {
    status.textContent = e.message;
    return;
  }
  if (!progress.progression || !progress.progression.scans.length) {
    status.textContent = 'No scan in the record yet (`vascalc scan add`).';
    return;
  }
  progress.scans = progress.progression.scans;
  const meds = await api('GET', withPerson('/api/entries?kind=med')).catch(() => []);
  const scans = progress.scans.map((s) => [s.date, s.agatston]);
  const intervals = progress.progression.consecutive || [];
  const bands = [];
  // Sqrt-scale band around the expected score: (√E ∓ 2.5)² (Hokanson 2004's threshold, the one
  // progression uses to call a change above, within or below the expected).
  const band = (from, base, perYear, to) => {
    const out = [];
    const d0 = day(from), d1 = day(to);
    for (let i = 0; i <= 12; i++) {
      const d = d0 + (d1 - d0) * i / 12;
      const e = base + perYear * (d - d0) / 365.25;
      const r = Math.sqrt(Math.max(e, 0));
      out.push([iso(Math.round(d)), Math.pow(Math.max(r - 2.5, 0), 2), Math.pow(r + 2.5, 2)]);
    }
    return out;
  };
  for (const c of intervals) {
    if (c.expected) bands.push(band(c.from, c.baseline, c.expected.median_annual_change, c.to));
  }
  const last = progress.scans[progress.scans.length - 1];
  const lastExpected = intervals.length ? intervals[intervals.length - 1].expected : null;
  if (lastExpected) {
    bands.push(band(last.date, last.agatston, lastExpected.median_annual_change,
      iso(day(last.date) + Math.round(3 * 365.25))));
  }
  const bars = meds.map((m) => ({ label: m.entry.name, from: m.entry.start, to: m.entry.end }));
  box.replaceChildren(vascalc.timeChart({
    id: 'cac-chart', title: 'Agatston score over time', unit: 'AU',
    series: [{ label: 'Agatston (observed)', points: scans, cls: 'observed' }],
    bands, bandLabel: 'expected score (MESA median change) ± sqrt-scale variability', bars,
  }));
  const notes = [];
  if (lastExpected) {
    notes.push(el('p', { class: 'source' }, lastExpected.description, ' ', lastExpected.method,
      '. Source: ', lastExpected.source));
  } else {
    notes.push(el('p', {}, 'The expected trajectory needs two scans (one interval) in the record.'));
  }
  for (const c of intervals) {
    notes.push(el('p', { 'data-interval': c.from + '/' + c.to },
      `${c.from} → ${c.to}: ${fmt(c.baseline)} → ${fmt(c.follow_up)} AU (${fmt(c.annualised_change)} AU/year)` +
      (c.expected ? `; expected ${fmt(c.expected.expected_follow_up)} AU: ${c.expected.comparison}` : '')));
  }
  document.getElementById('cac-notes').replaceChildren(...notes);
})();
