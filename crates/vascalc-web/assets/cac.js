// CAC over time: observed scans, the expected trajectory as a band, interventions as bars.
'use strict';

(async () => {
  const { api, el, fmt, withPerson } = vascalc;
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
  // The band: vascalc-clinical's expected trajectory from the first scan above 0, computed by
  // the server exactly as the clinician report draws it (no arithmetic here).
  const expected = await api('GET', withPerson('/api/expected-band')).catch(() => null);
  const bands = [];
  if (expected && expected.points.length) {
    bands.push(expected.points.map(([d, e]) => [d, e.low, e.high]));
  }
  const lastExpected = intervals.length ? intervals[intervals.length - 1].expected : null;
  const bars = meds.map((m) => ({ label: m.entry.name, from: m.entry.start, to: m.entry.end }));
  box.replaceChildren(vascalc.timeChart({
    id: 'cac-chart', title: 'Agatston score over time', unit: 'AU',
    series: [{ label: 'Agatston (observed)', points: scans, cls: 'observed' }],
    bands, bandLabel: 'expected score (MESA median change) ± sqrt-scale variability', bars,
  }));
  const notes = [];
  if (expected && expected.points.length) {
    const [endDate, e] = expected.points[expected.points.length - 1];
    notes.push(el('p', { class: 'source', id: 'cac-band-note' },
      `The band is the expected trajectory from the ${expected.baseline} scan: ` +
      `${fmt(expected.baseline_agatston)} AU plus the MESA median change of ` +
      `${fmt(e.median_annual_change)} AU a year (${fmt(e.expected)} expected on ${endDate}), ` +
      `widened by 2.5 on the square-root scale either way (${fmt(e.low)}–${fmt(e.high)} AU). ` +
      `Source: ${e.source}`));
  }
  if (lastExpected) {
    notes.push(el('p', { class: 'source' }, lastExpected.description, ' ', lastExpected.method,
      '. Source: ', lastExpected.source));
  } else if (!(expected && expected.points.length)) {
    notes.push(el('p', {}, 'The expected trajectory starts from the first scan scored above 0; there is none yet.'));
  }
  for (const c of intervals) {
    notes.push(el('p', { 'data-interval': c.from + '/' + c.to },
      `${c.from} → ${c.to}: ${fmt(c.baseline)} → ${fmt(c.follow_up)} AU (${fmt(c.annualised_change)} AU/year)` +
      (c.expected ? `; expected ${fmt(c.expected.expected_follow_up)} AU: ${c.expected.comparison}` : '')));
  }
  document.getElementById('cac-notes').replaceChildren(...notes);
})();
