// /measures on a record longer than one page: the lists show the newest page and "More" (a
// labelled button, reached by the keyboard) adds the older ones, while the charts keep their
// whole range.
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
