// The person's units on /measures (issues 11 and 15): a person who reads US units types a weight
// in lb (the unit select defaults to it), sees it in lb in the list and on the chart, and a bad
// one is refused in lb beside the field; a person with no preference sees an LDL given in
// mmol/L in mmol/L, and the lab form offers mmol/L for LDL (the unit last used for it).
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launch, serve, tempDir, vascalc } from "./lib.mjs";

let server;
let base;
let browser;

const today = new Date().toISOString().slice(0, 10);

before(async () => {
  const dir = tempDir("units");
  const db = join(dir, "record.db");
  vascalc(["profile", "create", "--db", db, "--name", "Pat", "--birth-date", "1962-04-02", "--sex", "male", "--units", "us"]);
  vascalc(["profile", "create", "--db", db, "--name", "Sam", "--birth-date", "1970-09-12", "--sex", "female"]);
  vascalc(["lab", "add", "--db", db, "--person", "Sam", "ldl", "3.1", "mmol/L", "--date", today]);
  server = await serve(db);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.process.kill();
});

/** /measures as `name` (the page remembers the person chosen in this browser). */
async function measuresOf(name) {
  const page = await browser.context.newPage();
  await page.goto(`${base}measures`);
  await page.evaluate((n) => localStorage.setItem("vascalc-person", n), name);
  await page.goto(`${base}measures`);
  await page.locator("#vitals-shown").filter({ hasText: /shown|none yet/ }).waitFor({ timeout: 15000 });
  return page;
}

test("a US person logs 180 lb and reads 180 lb in the list and on the chart; 900 lb is refused in lb", async () => {
  const page = await measuresOf("Pat");
  assert.equal(await page.inputValue("#vitals-weight_kg-unit"), "lb");
  assert.equal(await page.inputValue("#vitals-waist_cm-unit"), "in");

  await page.fill("#vitals-weight_kg", "900");
  await page.click("#vitals-form button[type=submit]");
  const error = page.locator("#vitals-weight_kg-error");
  await error.waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await error.textContent(), "weight 900 lb is outside 44.1–771.6 lb");
  assert.equal(await page.locator("#vitals-list tbody tr").count(), 0);

  await page.fill("#vitals-weight_kg", "180");
  await page.click("#vitals-form button[type=submit]");
  const row = page.locator("#vitals-list tbody tr").first();
  await row.waitFor({ state: "attached", timeout: 15000 });
  assert.match(await row.textContent(), /weight 180 lb/);
  // The chart: its axis and its point say lb (stored as 81.65 kg, shown back as 180 lb).
  const chart = page.locator("svg#chart-weight");
  await chart.waitFor({ state: "attached", timeout: 15000 });
  assert.equal(await chart.locator("text.axis-unit").textContent(), "lb");
  assert.equal(await chart.locator("circle.dot title").first().textContent(), `${today}: 180 lb`);
  assert.doesNotMatch(await page.textContent("#vitals-list"), /\bkg\b/);
  assert.doesNotMatch(await page.textContent("#vitals-charts"), /\bkg\b/);
  await page.close();
});

test("with no preference, an LDL given in mmol/L is shown in mmol/L and the form offers mmol/L for it", async () => {
  const page = await measuresOf("Sam");
  const row = page.locator("#lab-list tbody tr").first();
  await row.waitFor({ state: "attached", timeout: 15000 });
  assert.match(await row.textContent(), /3\.1 mmol\/L/);
  assert.match(await page.locator("#chart-lab-ldl text.axis-unit").textContent(), /mmol\/L/);
  await page.selectOption("#lab-analyte", "ldl");
  assert.equal(await page.inputValue("#lab-unit"), "mmol/L");
  // And her weight form speaks kg and cm (no preference: as stored).
  assert.equal(await page.inputValue("#vitals-weight_kg-unit"), "kg");
  // She chooses US units: kept in her record, the page reloads in them (3.1 mmol/L × 38.67 = 119.9 mg/dL).
  await Promise.all([page.waitForEvent("load"), page.selectOption("#person-units", "us")]);
  await page.locator("#lab-list tbody tr").first().waitFor({ state: "attached", timeout: 15000 });
  assert.match(await page.locator("#lab-list tbody tr").first().textContent(), /119\.9 mg\/dL/);
  assert.equal(await page.inputValue("#vitals-weight_kg-unit"), "lb");
  assert.equal(await page.inputValue("#person-units"), "us");
  await page.close();
});
