// /measures on a record longer than one page: the lists show the newest page and "More" (a
// labelled button, reached by the keyboard) adds the older ones, while the charts keep their
// whole range. Medicines as `vascalc log med` logs them: an implausible dose confirmed with
// "Save anyway", a single dose, a course stopped on a date; the safety alert on top.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launch, serve, tempDir, vascalc } from "./lib.mjs";

let server;
let base;
let browser;

const DAYS = 45; // the page holds 30 (measures.js PAGE)
const iso = (back) => new Date(Date.now() - back * 86400000).toISOString().slice(0, 10);

before(async () => {
  const dir = tempDir("measures");
  const db = join(dir, "record.db");
  // A person with 45 days of activity and a blood pressure every day, in the import format.
  const p = {
    person: { name: "Pat", birth_date: "1962-04-02", sex: "male", race: "white", height_cm: 178 },
    scans: [], labs: [], vitals: [], activity: [], medications: [], doses: [], foods: [],
  };
  for (let back = 0; back < DAYS; back++) {
    p.activity.push({ date: iso(back), kind: "endurance", minutes: 20 + back });
    p.vitals.push({ date: iso(back), systolic_mm_hg: 120 + (back % 10), diastolic_mm_hg: 80 });
  }
  const file = join(dir, "record.json");
  writeFileSync(file, JSON.stringify({ format: "vascalc-record", version: 1, people: [p] }));
  vascalc(["import", "--db", db, file]);
  server = await serve(db);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.process.kill();
});

test("a list longer than a page: newest first, More adds the older rows once; the chart keeps every point", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}measures`);
  const rows = page.locator("#activity-list tbody tr");
  await rows.first().waitFor({ state: "attached", timeout: 15000 });
  assert.equal(await rows.count(), 30);
  assert.match(await rows.first().textContent(), new RegExp(iso(0)));
  assert.equal(await page.textContent("#activity-shown"), `30 of ${DAYS} shown`);
  // The oldest day is not on the first page.
  assert.equal(await page.locator(`#activity-list tbody tr:has-text("${iso(DAYS - 1)}")`).count(), 0);

  // The blood-pressure chart draws all 45 days (two series: 90 points), not the page's 30.
  const dots = await page.locator("#chart-blood-pressure circle").count();
  assert.equal(dots, 2 * DAYS);

  // "More" is a labelled button the keyboard reaches: focus it and press Enter.
  const more = page.getByRole("button", { name: "More: older activity" });
  assert.ok(await more.isVisible());
  await more.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("#activity-list tbody tr").length === n, DAYS, {
    timeout: 15000,
  });
  const dates = await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent));
  // Every day once, newest first, the oldest at the end.
  assert.deepEqual(dates, Array.from({ length: DAYS }, (_, back) => iso(back)));
  assert.equal(await page.textContent("#activity-shown"), `${DAYS} of ${DAYS} shown`);
  assert.ok(await more.isHidden(), "no More once every row is shown");
  // The focus moved to the first older row's first button (not lost with the hidden button).
  const focused = await page.evaluate(() => document.activeElement?.closest("tr")?.cells[0].textContent);
  assert.equal(focused, iso(30));
  await page.close();
});

test("medicines: warfarin and a confirmed MK-7 course raise the alert on top; a single dose; a course stopped", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}measures`);
  await page.locator("#activity-list tbody tr").first().waitFor({ state: "attached", timeout: 15000 });
  const alert = page.locator('#measures-alerts li[data-rule="vka_vitamin_k"]');
  assert.equal(await alert.count(), 0);
  const courses = page.locator("#medication-list tbody tr");
  const today = iso(0);

  await page.fill("#medication-name", "Coumadin");
  await page.fill("#medication-dose", "5");
  await page.fill("#medication-unit", "mg");
  await page.click("#medication-form button[type=submit]");
  await page.waitForFunction(() => /Coumadin \(vitamin k antagonist\)/.test(document.querySelector("#medication-list").textContent), null, { timeout: 15000 });

  // MK-7 in mg (it is sold in µg): refused beside the dose, with "Save anyway".
  await page.fill("#medication-name", "MK-7");
  await page.fill("#medication-dose", "180");
  await page.fill("#medication-unit", "mg");
  await page.click("#medication-form button[type=submit]");
  const error = page.locator("#medication-dose-error");
  await error.waitFor({ state: "visible", timeout: 15000 });
  assert.match(await error.textContent(), /180/);
  const confirm = page.getByRole("button", { name: "Save anyway" });
  assert.ok(await confirm.isVisible());
  assert.equal(await courses.count(), 1, "nothing recorded before the confirmation");
  await confirm.click();
  await page.waitForFunction(() => /MK-7 \(mk7\), 180 mg/.test(document.querySelector("#medication-list").textContent), null, { timeout: 15000 });
  assert.match(await page.textContent("#medication-notes"), /confirmed/i);
  assert.ok(await confirm.isHidden());

  // The danger alert, at the top of the page (above the first section).
  await alert.waitFor({ state: "visible", timeout: 15000 });
  assert.match(await alert.textContent(), /vitamin K antagonist/);
  const alertTop = (await page.locator("#measures-alerts").boundingBox()).y;
  const labsTop = (await page.locator("#labs").boundingBox()).y;
  assert.ok(alertTop < labsTop, `alerts at ${alertTop}, labs at ${labsTop}`);

  // A single dose: the doses list gains it.
  await page.selectOption("#medication-mode", "dose");
  assert.ok(await page.locator("#medication-start").isHidden(), "a dose has no start");
  await page.fill("#medication-name", "MK-7");
  await page.fill("#medication-dose", "90");
  await page.fill("#medication-unit", "ug");
  await page.click("#medication-form button[type=submit]");
  await page.waitForFunction((d) => [...document.querySelectorAll("#dose-list tbody tr")]
    .some((tr) => tr.textContent.includes(d) && tr.textContent.includes("MK-7, 90 ug")), today, { timeout: 15000 });

  // Stop the MK-7 course today.
  const mk7 = courses.filter({ hasText: "MK-7" });
  await mk7.getByRole("button", { name: /^Stop MK-7/ }).click();
  const stopDate = mk7.getByLabel("Stop date");
  assert.equal(await stopDate.inputValue(), today);
  await mk7.getByRole("button", { name: "Stop on this date" }).click();
  await page.waitForFunction((d) => [...document.querySelectorAll("#medication-list tbody tr")]
    .some((tr) => tr.textContent.includes("MK-7") && tr.textContent.includes(`stopped ${d}`)), today, { timeout: 15000 });
  // Coumadin still runs: it has its Stop button, MK-7 no longer.
  assert.equal(await courses.filter({ hasText: "Coumadin" }).getByRole("button", { name: /^Stop/ }).count(), 1);
  assert.equal(await courses.filter({ hasText: "MK-7" }).getByRole("button", { name: /^Stop/ }).count(), 0);
  await page.close();
});
