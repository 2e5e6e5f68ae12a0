// `vascalc serve` in a real Chromium and over raw HTTP: loopback only, foreign Host refused, and
// the CAC page's chart draws its expected-trajectory band (pixels of a screenshot); logging,
// editing and deleting a food changes the day's totals.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { countColours, env, launch, pdfPageCount, pdfText, serve, tempDir, vascalc } from "./lib.mjs";

let dir;
let db;
let server;
let base;
let browser;

/** A GET with an explicit Host header (a browser cannot be made to send a foreign one). */
function get(url, host) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, headers: { Host: host } },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  dir = tempDir("serve");
  db = join(dir, "demo.db");
  vascalc(["demo", "--db", db]);
  server = await serve(db);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.process.kill();
});

test("binding anything but loopback is refused with the reason", () => {
  const r = spawnSync(env("VASCALC_BIN"), ["serve", "--bind", "0.0.0.0", "--port", "0"], {
    encoding: "utf8",
    timeout: 20000,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /loopback/i);
});

test("a request naming a foreign Host gets nothing (DNS rebinding)", async () => {
  const port = new URL(base).port;
  const own = await get(`${base}api/people`, `127.0.0.1:${port}`);
  assert.equal(own.status, 200);
  assert.match(own.body, /Demo Person/);
  const foreign = await get(`${base}api/people`, `evil.example:${port}`);
  assert.equal(foreign.status, 421);
  assert.doesNotMatch(foreign.body, /Demo Person/);
});

test("the CAC page's chart draws its band (screenshot pixels)", async (t) => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1000, height: 1200 });
  await page.goto(`${base}cac`);
  const chart = page.locator("#cac-chart-box svg").first();
  await chart.waitFor({ state: "visible", timeout: 15000 });
  assert.ok((await page.locator("#cac-chart-box svg polygon.band").count()) > 0);
  const png = await chart.screenshot();
  // The band: #0b5cad at 18 % opacity over white is about (211, 226, 240).
  const { width, height, counts } = await countColours(browser.context, png, {
    band: [211, 226, 240, 6],
  });
  const share = counts.band / (width * height);
  t.diagnostic(`band ${(share * 100).toFixed(1)} % of ${width}x${height} px`);
  assert.ok(share > 0.02 && share < 0.6, `band covers ${(share * 100).toFixed(1)} % of the chart`);
  await page.close();
});

test("adding a lab on /measures gives its chart one more point; a bad value is refused beside the field", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}measures`);
  // The demo person has one PTH result (41 pg/mL, 30 days ago): its chart has one point.
  const dots = page.locator("#chart-lab-pth circle.dot");
  await dots.first().waitFor({ state: "attached", timeout: 15000 });
  const before = await dots.count();
  assert.equal(before, 1);
  await page.selectOption("#lab-analyte", "pth");
  await page.fill("#lab-value", "45");
  await page.click("#lab-add");
  await page.waitForFunction(
    (n) => document.querySelectorAll("#chart-lab-pth circle.dot").length === n,
    before + 1,
    { timeout: 15000 },
  );
  // A value outside PTH's plausible range: the API's 422 shows beside the value, nothing added.
  await page.selectOption("#lab-analyte", "pth");
  await page.fill("#lab-value", "999999");
  await page.click("#lab-add");
  const error = page.locator("#lab-value-error");
  await error.waitFor({ state: "visible", timeout: 15000 });
  assert.notEqual((await error.textContent()).trim(), "");
  assert.equal(await dots.count(), before + 1);
  await page.close();
});

/** The number at the start of a totals cell ("at least 409.5 mg; …" → 409.5). */
function amount(text) {
  const m = text.replace(/at least /, "").match(/-?\d+(\.\d+)?/);
  assert.ok(m, `no number in ${JSON.stringify(text)}`);
  return Number(m[0]);
}

test("logging a food changes the day's totals; the entry is edited, then deleted", async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}food`);
  const cell = '#day-totals tr[data-nutrient="calcium_mg"] td';
  await page.locator(cell).first().waitFor({ state: "attached", timeout: 15000 });
  const start = amount(await page.locator(cell).first().textContent());
  const changed = (from) =>
    page.waitForFunction(
      ([sel, text]) => document.querySelector(sel)?.textContent !== text,
      [cell, from],
      { timeout: 15000 },
    );
  await page.fill("#food-q", "chedar");
  await page.click('#food-results button[data-food-id="ndb:01009"]', { timeout: 15000 });
  await page.locator('#food-nutrients tr[data-nutrient="calcium_mg"]').waitFor({ timeout: 15000 });
  await page.fill("#food-grams", "30");
  await page.dispatchEvent("#food-grams", "change");
  let text = await page.locator(cell).first().textContent();
  await page.click("#food-log-button");
  await changed(text);
  // Cheddar (USDA SR28 01009): 710 mg calcium per 100 g, so 30 g add 213 mg.
  const logged = amount(await page.locator(cell).first().textContent());
  assert.ok(Math.abs(logged - start - 213) < 0.06, `${start} → ${logged}`);
  const id = (await page.textContent("#food-log-done")).match(/food:\d+/)[0];

  // Edit: 60 g instead of 30 g, another 213 mg.
  await page.click(`button[data-edit="${id}"]`);
  await page.fill(`#edit-food-${id.split(":")[1]}`, "60");
  text = await page.locator(cell).first().textContent();
  await page.click(`button[data-save="${id}"]`);
  await changed(text);
  const edited = amount(await page.locator(cell).first().textContent());
  assert.ok(Math.abs(edited - start - 426) < 0.06, `${start} → ${edited}`);

  // Delete: the day is back where it started.
  await page.click(`button[data-delete="${id}"]`);
  await page.locator(`tr[data-id="${id}"]`).waitFor({ state: "detached", timeout: 15000 });
  const deleted = amount(await page.locator(cell).first().textContent());
  assert.ok(Math.abs(deleted - start) < 0.06, `${start} → ${deleted}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("/report, linked from every page, is the CLI's report and prints to PDF", async (t) => {
  const page = await browser.context.newPage();
  await page.goto(base);
  await page.getByRole("link", { name: "Report for your clinician" }).click();
  await page.waitForURL(`${base}report`);
  // The same document `vascalc report --out` writes from the same record on the same day.
  const file = join(dir, "cli-report.html");
  vascalc(["report", "--db", db, "--out", file]);
  assert.equal(await page.content(), await contentOf(readFileSync(file, "utf8")));
  await page.emulateMedia({ media: "print" });
  const pdfPath = join(dir, "served-report.pdf");
  const pdf = await page.pdf({ path: pdfPath, format: "A4", printBackground: true });
  const pages = pdfPageCount(pdf);
  // As e2e/report.test.mjs: the demo person fills more than one A4 page, and not a runaway.
  assert.ok(pages > 1 && pages < 30, `${pages} pages`);
  t.diagnostic(`/report: ${pages} A4 pages`);
  const text = pdfText(pdfPath) ?? (await page.evaluate(() => document.body.innerText));
  const flat = text.replace(/\s+/g, " ");
  assert.match(flat, /Demo Person/);
  // The demo person's latest CAC (demo.rs: 131 AU; CAC-DRS A2/N4) and the statement.
  assert.match(flat, /131/);
  assert.match(flat, /A2\/N4/);
  assert.match(flat, /vascalc informs; it does not prescribe\./);
  await page.close();
});

/** The DOM Chromium makes of `html` (to compare with a served page's). */
async function contentOf(html) {
  const page = await browser.context.newPage();
  try {
    await page.setContent(html);
    return await page.content();
  } finally {
    await page.close();
  }
}

test("a vital and a medicine are edited in their forms on /measures; a bad edit is refused beside the field", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}measures`);
  const vital = page.locator("#vitals-list tbody tr").first();
  await vital.waitFor({ state: "attached", timeout: 15000 });
  const vitalId = await vital.getAttribute("data-id");
  const rowOf = (list, id) => page.locator(`#${list} tbody tr[data-id="${id}"]`);

  // An implausible systolic pressure: the API's 422 beside the field, the entry unchanged.
  const before = await rowOf("vitals-list", vitalId).textContent();
  await vital.getByRole("button", { name: `Edit ${vitalId}` }).click();
  await page.fill("#vitals-systolic_mm_hg", "999");
  await page.click("#vitals-form button[type=submit]");
  const error = page.locator("#vitals-systolic_mm_hg-error");
  await error.waitFor({ state: "visible", timeout: 15000 });
  assert.match(await error.textContent(), /999/);
  assert.equal(await rowOf("vitals-list", vitalId).textContent(), before);

  await page.fill("#vitals-systolic_mm_hg", "127");
  await page.click("#vitals-form button[type=submit]");
  await page.waitForFunction(
    (id) => document.querySelector(`#vitals-list tr[data-id="${id}"]`)?.textContent.includes("systolic mm hg 127"),
    vitalId,
    { timeout: 15000 },
  );
  // The id is kept, and the form is back to adding.
  assert.equal(await page.locator("#vitals-form button[type=submit]").textContent(), "Add vital signs");

  const med = page.locator("#medication-list tbody tr").first();
  const medId = await med.getAttribute("data-id");
  await med.getByRole("button", { name: `Edit ${medId}` }).click();
  const today = new Date().toISOString().slice(0, 10);
  await page.fill("#medication-end", today);
  await page.click("#medication-form button[type=submit]");
  await page.waitForFunction(
    ([id, d]) => document.querySelector(`#medication-list tr[data-id="${id}"]`)?.textContent.includes(`stopped ${d}`),
    [medId, today],
    { timeout: 15000 },
  );
  await page.close();
});

test("keyboard: a food search result is chosen with Down and Enter; Tab reaches every control of /measures", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}food`);
  await page.focus("#food-q");
  await page.keyboard.type("natto");
  // Wait for the answer to the whole word, not to a prefix typed on the way (a loaded machine
  // lets the debounce fire after "na").
  await page.locator('#food-results[data-q="natto"] button[data-food-id]').first().waitFor({ timeout: 15000 });
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.dataset.foodId);
  assert.ok(focused, "Down did not move to a result");
  await page.keyboard.press("Enter");
  await page.locator("#food-detail").waitFor({ state: "visible", timeout: 15000 });
  assert.match(await page.locator("#food-name").textContent(), /natto/i);
  // The detail shows before its amounts arrive; the focus moves to the portion after them.
  await page.waitForFunction(() => document.activeElement?.id === "food-portion", null, { timeout: 15000 })
    .catch(async () => assert.fail(`focus is on ${await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName)}, not on the portion`));

  // Every visible, enabled control of /measures is reached by Tab alone.
  await page.goto(`${base}measures`);
  await page.locator("#lab-list tbody tr").first().waitFor({ state: "attached", timeout: 15000 });
  const controls = await page.evaluate(() => {
    const all = [...document.querySelectorAll("a[href], button, input, select, textarea")];
    return all
      .filter((e) => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)
      .map((e, i) => { e.dataset.tabProbe = String(i); return String(i); });
  });
  const seen = new Set();
  // Other things take focus too (summaries of details, scrollable tables): up to three rounds.
  for (let i = 0; i < 3 * controls.length && seen.size < controls.length; i++) {
    await page.keyboard.press("Tab");
    const p = await page.evaluate(() => document.activeElement?.dataset.tabProbe);
    if (p !== undefined) seen.add(p);
  }
  const missed = controls.filter((c) => !seen.has(c));
  assert.deepEqual(missed, [], `${missed.length} of ${controls.length} controls not reached by Tab`);
  await page.close();
});

test("at 200 % zoom every page fits its width (no horizontal scrolling of the content)", async (t) => {
  // 200 % zoom of a 1280 px window lays the page out in 640 CSS pixels.
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 640, height: 800 });
  for (const path of ["", "cac", "food", "measures", "plan"]) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("networkidle");
    const { doc, main, view } = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      main: document.querySelector("main").scrollWidth,
      view: document.documentElement.clientWidth,
    }));
    assert.ok(doc <= view && main <= view, `/${path}: content ${Math.max(doc, main)} px wide in a ${view} px window`);
    if (path === "measures") {
      const shot = join(dir, "measures-200.png");
      await page.screenshot({ path: shot, fullPage: false });
      t.diagnostic(`screenshot of /measures at 200 %: ${shot}`);
    }
  }
  await page.close();
});
