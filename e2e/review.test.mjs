// The CT review viewer (/review) in Chromium on the anatomical chest phantom written as DICOM
// (`vascalc scan phantom --chest`): open the folder, scroll, change window/level, accept the
// candidates (CAC-DRS A without N: no artery named), click a lesion, press 2: the LAD total
// changes (server-computed); undo and redo; name the others' artery: CAC-DRS gains N; the
// overlay's LAD colour is in a screenshot's pixels; save and find the scan in the record. Draw times (performance.now() around each canvas draw) are printed.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { countColours, launch, serve, tempDir, vascalc } from "./lib.mjs";

let server;
let base;
let browser;
let folder;

before(async () => {
  const dir = tempDir("review");
  folder = join(dir, "chest");
  vascalc(["scan", "phantom", "--chest", "--size", "small", "--noise", "0", "--out", folder]);
  const db = join(dir, "record.db");
  vascalc(["profile", "create", "--name", "me", "--birth-date", "1960-03-02", "--sex", "male",
    "--race", "white", "--db", db]);
  server = await serve(db);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.process.kill();
});

const text = async (page, sel) => (await page.locator(sel).textContent()).trim();
const slice = (page) => page.$eval("#slice-canvas", (c) => Number(c.dataset.slice));
const ladAgatston = async (page) =>
  Number(await page.$eval('#artery-table tr[data-artery="LAD"] td', (td) => td.textContent));

test("review the chest phantom: scroll, window/level, select, press 2, undo, save", async (t) => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto(`${base}review`);
  await page.fill("#open-path", folder);
  await page.click("#open-list");
  await page.waitForFunction(() => document.querySelector("#slice-canvas")?.dataset.slice !== undefined,
    null, { timeout: 60000 });
  assert.match(await text(page, "#cac-drs"), /not given while candidates are unreviewed/);
  assert.match(await text(page, "#candidates"), /UNREVIEWED/);
  assert.match(await text(page, '#artery-table tr.total th'), /UNREVIEWED/);

  // Scroll: wheel, arrow keys, PageDown, the slider.
  const s0 = await slice(page);
  await page.hover("#slice-canvas");
  await page.mouse.wheel(0, 120);
  await page.waitForFunction((n) => Number(document.querySelector("#slice-canvas").dataset.slice) === n, s0 + 1);
  await page.keyboard.press("ArrowUp");
  await page.waitForFunction((n) => Number(document.querySelector("#slice-canvas").dataset.slice) === n, s0 + 2);
  await page.keyboard.press("PageDown");
  await page.waitForFunction((n) => Number(document.querySelector("#slice-canvas").dataset.slice) === n, s0 - 8);
  await page.$eval("#slice-slider", (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input"));
  }, s0);
  await page.waitForFunction((n) => Number(document.querySelector("#slice-canvas").dataset.slice) === n, s0);

  // Window/level: a preset, then a Shift-drag.
  assert.equal(await text(page, "#wl-label"), "W 800 / L 200");
  await page.selectOption("#wl-preset", "400,40");
  assert.equal(await text(page, "#wl-label"), "W 400 / L 40");
  const box = await page.locator("#slice-canvas").boundingBox();
  await page.keyboard.down("Shift");
  await page.mouse.move(box.x + 100, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + 130, box.y + 90);
  await page.mouse.up();
  await page.keyboard.up("Shift");
  assert.equal(await text(page, "#wl-label"), "W 520 / L 20");
  await page.selectOption("#wl-preset", "800,200");

  // Accept every candidate as coronary, artery not named: a total and CAC-DRS A without N.
  await page.click("#accept-all");
  await page.waitForFunction(() => /^A\d$/.test(document.querySelector("#cac-drs-value")?.textContent || ""));
  const drsBefore = await text(page, "#cac-drs-value");
  assert.match(await text(page, "#cac-drs-unnamed"), /N, the number of vessels, not given: \d+ coronary lesion/);
  assert.equal(await ladAgatston(page), 0);

  // Where to click a lesion: its first slice and the middle of its middle run (server's data).
  const locate = (id) => page.evaluate(async (id) => {
    const scan = Number(document.querySelector("#download").href.match(/scans\/(\d+)/)[1]);
    const view = await (await fetch(`/api/scans/${scan}`)).json();
    const l = view.lesions.find((l) => l.id === id);
    const k = l.slices[0];
    const o = await (await fetch(`/api/scans/${scan}/overlay?k=${k}`)).json();
    const runs = o.runs.filter((r) => r[0] === l.id);
    const r = runs[Math.floor(runs.length / 2)];
    return { id: l.id, group: l.group, k, i: (r[2] + r[3] - 1) / 2, j: r[1], cols: view.columns, rows: view.rows };
  }, id);
  const unnamedIds = () => page.evaluate(async () => {
    const scan = Number(document.querySelector("#download").href.match(/scans\/(\d+)/)[1]);
    const view = await (await fetch(`/api/scans/${scan}`)).json();
    return view.lesions.filter((l) => l.label === "coronary").sort((a, b) => b.agatston - a.agatston)
      .map((l) => l.id);
  });
  const goTo = async (k) => {
    await page.$eval("#slice-slider", (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input"));
    }, k);
    await page.waitForFunction((n) => Number(document.querySelector("#slice-canvas").dataset.slice) === n, k);
  };
  /** Clicks lesion `target` on its slice and waits until it is selected. */
  const select = async (target) => {
    await goTo(target.k);
    const box = await page.locator("#slice-canvas").boundingBox();
    await page.mouse.click(box.x + (target.i + 0.5) / target.cols * box.width,
      box.y + (target.j + 0.5) / target.rows * box.height);
    await page.waitForFunction((id) => (document.querySelector("#selected-ids")?.textContent || "")
      .split(/[ ,]+/).includes(String(id)), target.id);
  };

  // The largest coronary lesion: click it, press 2.
  const target = await locate((await unnamedIds())[0]);
  await goTo(target.k);
  // The flags above the image changed (no more `unreviewed`): measure the canvas again.
  const now = await page.locator("#slice-canvas").boundingBox();
  const before = await page.locator("#slice-canvas").screenshot();
  await select(target);
  await page.keyboard.press("2");
  await page.waitForFunction(() => Number(document.querySelector('#artery-table tr[data-artery="LAD"] td').textContent) > 0);
  const lad = await ladAgatston(page);
  assert.ok(lad > 0);
  // The total is the same lesions': CAC-DRS stays A alone while others have no artery named.
  assert.equal(await text(page, "#cac-drs-value"), drsBefore);

  // Undo and redo (keys).
  await page.focus("#slice-canvas");
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => Number(document.querySelector('#artery-table tr[data-artery="LAD"] td').textContent) === 0);
  assert.equal(await text(page, "#cac-drs-value"), drsBefore);
  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction((v) => Number(document.querySelector('#artery-table tr[data-artery="LAD"] td').textContent) === v, lad);

  // Deselect (click far from any lesion): the LAD lesion is drawn in the LAD colour.
  await page.mouse.click(now.x + 3, now.y + 3);
  await page.waitForFunction(() => !document.querySelector("#selected-ids"));
  const after = await page.locator("#slice-canvas").screenshot();
  if (process.env.VASCALC_E2E_SHOTS) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(process.env.VASCALC_E2E_SHOTS, "review-before.png"), before);
    writeFileSync(join(process.env.VASCALC_E2E_SHOTS, "review-after.png"), after);
  }
  // LAD red (255, 59, 48) at 70 % over the calcium window's grey; coronary purple (191, 90, 242).
  const classes = { lad: [235, 95, 85, 30], purple: [185, 110, 225, 40], heart: [0, 229, 255, 10] };
  const c0 = await countColours(browser.context, before, classes);
  const c1 = await countColours(browser.context, after, classes);
  t.diagnostic(`pixels before ${JSON.stringify(c0.counts)}, after ${JSON.stringify(c1.counts)} of ${c1.width}x${c1.height}`);
  assert.equal(c0.counts.lad, 0, "no LAD colour before");
  assert.ok(c1.counts.lad > 0, "the LAD lesion in the LAD colour");
  assert.ok(c0.counts.purple > 0, "accepted candidates in the coronary colour");
  assert.ok(c1.counts.heart > 0, "the heart region outlined");

  // Draw times of this page (256² slices here).
  const draws = await page.evaluate(() => window.vascalcViewer.draws.slice());
  draws.sort((a, b) => a - b);
  t.diagnostic(`canvas draw: ${draws.length} draws, median ${draws[draws.length >> 1].toFixed(2)} ms, max ${draws[draws.length - 1].toFixed(2)} ms (256x256, shared 2-core machine)`);

  // Name every other coronary lesion (key 4, RCA): each artery known, CAC-DRS gives N.
  for (let left = await unnamedIds(), n = 0; left.length; left = await unnamedIds(), n++) {
    assert.ok(n < 40, `lesions still unnamed: ${left}`);
    await select(await locate(left[0]));
    await page.keyboard.press("4");
    await page.waitForFunction(() => /assigned RCA/.test(document.querySelector("#selection").textContent));
  }
  await page.waitForFunction(() => /\/N2$/.test(document.querySelector("#cac-drs-value").textContent));
  const drsAfter = await text(page, "#cac-drs-value");
  t.diagnostic(`LAD ${lad}; CAC-DRS ${drsBefore} (N not given) → ${drsAfter}`);
  assert.equal(drsAfter.slice(0, 2), drsBefore, "the same total, the same A");
  assert.equal(await page.locator("#cac-drs-unnamed").count(), 0);

  // Save into the record, then find it there.
  await page.fill("#save-reviewer", "E2E Reviewer");
  await page.fill("#save-date", "2024-05-01");
  await page.click("#save");
  await page.locator("#saved").waitFor({ state: "visible", timeout: 15000 });
  assert.match(await text(page, "#saved"), /Saved for me: scan:\d+ on 2024-05-01/);
  const scans = await page.evaluate(async () => (await fetch("/api/entries?kind=scan")).json());
  assert.equal(scans.length, 1);
  assert.equal(scans[0].entry.date, "2024-05-01");
  assert.equal(scans[0].entry.score.review_provenance.reviewer, "E2E Reviewer");
  assert.ok(Math.abs(scans[0].entry.per_artery.lad - lad) < 0.05);
  assert.ok(scans[0].entry.per_artery.rca > 0);
  await page.goto(`${base}cac`);
  await page.locator("#cac-chart-box svg").first().waitFor({ state: "visible", timeout: 15000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a 512x512 real chest CT: the draw time of a slice with its overlay", async (t) => {
  const data = process.env.VASCALC_TEST_DATA;
  if (!data) {
    t.skip("VASCALC_TEST_DATA is not set (../shared/data)");
    return;
  }
  const page = await browser.context.newPage();
  await page.goto(`${base}review`);
  await page.fill("#open-path", join(data, "ct/chest-ct-covid-ct-md/P001"));
  await page.click("#open-list");
  await page.waitForFunction(() => document.querySelector("#slice-canvas")?.dataset.slice !== undefined,
    null, { timeout: 120000 });
  // Scroll through 30 slices (each fetched, then drawn), then redraw one 50 times.
  await page.hover("#slice-canvas");
  const s0 = await slice(page);
  for (let n = 1; n <= 30; n++) {
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction((v) => Number(document.querySelector("#slice-canvas").dataset.slice) === v, Math.max(0, s0 - n));
  }
  const times = await page.evaluate(() => {
    const sel = document.querySelector("#wl-preset");
    const out = [];
    for (let i = 0; i < 50; i++) {
      sel.value = i % 2 ? "400,40" : "800,200";
      sel.dispatchEvent(new Event("change"));
      out.push(window.vascalcViewer.last);
    }
    return out;
  });
  times.sort((a, b) => a - b);
  t.diagnostic(`512x512 draw with overlay and heart outline: median ${times[25].toFixed(2)} ms, max ${times[49].toFixed(2)} ms (shared 2-core machine)`);
  assert.ok(times[25] < 50, `median draw ${times[25]} ms`);
  await page.close();
});
