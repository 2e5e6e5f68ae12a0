// The clinician report in a real Chromium: `vascalc report --out` for the demo person, printed to
// PDF (A4) as a person would with "Save as PDF", and its CAC chart's band checked in pixels.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";

import { countColours, launch, pdfPageCount, pdfText, tempDir, vascalc } from "./lib.mjs";

let dir;
let html;
let browser;

before(async () => {
  dir = tempDir("report");
  const db = join(dir, "demo.db");
  vascalc(["demo", "--db", db]);
  html = join(dir, "report.html");
  vascalc(["report", "--db", db, "--out", html]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the report prints to a few A4 pages holding the CAC and the sources", async (t) => {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.emulateMedia({ media: "print" });
  const pdfPath = join(dir, "report.pdf");
  const pdf = await page.pdf({ path: pdfPath, format: "A4", printBackground: true });
  const pages = pdfPageCount(pdf);
  // The demo person: 3 scans, 29 lab results, 5 courses, the whole plan with its citations.
  // More than one page, and not a runaway layout (measured: 16 pages on 2026-12-07).
  assert.ok(pages > 1 && pages < 30, `${pages} pages`);
  t.diagnostic(`${pages} A4 pages`);

  // The text of the PDF (poppler), else of the printed DOM.
  const text = pdfText(pdfPath) ?? (await page.evaluate(() => document.body.innerText));
  const flat = text.replace(/\s+/g, " ");
  assert.match(flat, /Demo Person/);
  // The demo person's latest CAC (demo.rs: 131 AU, LM 4, LAD 77, LCX 16, RCA 34; CAC-DRS A2/N4).
  assert.match(flat, /131/);
  assert.match(flat, /A2\/N4/);
  // Sources: the CAC-DRS paper and the MESA progression paper by DOI, and the statement.
  assert.match(flat, /doi:10\.1016\/j\.jcct\.2018\.03\.008/);
  assert.match(flat, /doi:10\.1161\/CIRCULATIONAHA\.106\.674143/);
  assert.match(flat, /vascalc informs; it does not prescribe\./);
  // Every table's header row repeats on the pages it continues onto (thead as a header group).
  const repeats = await page.evaluate(
    () => getComputedStyle(document.querySelector("thead")).display,
  );
  assert.equal(repeats, "table-header-group");
  await page.close();
});

test("the CAC chart draws its expected-trajectory band (screenshot pixels)", async (t) => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1000, height: 1200 });
  await page.goto(pathToFileURL(html).href);
  const chart = page.locator("figure.chart svg").first();
  const png = await chart.screenshot();
  // The band's fill is #d9d9d9; the page and the plot are white, the axes and points black.
  const { width, height, counts } = await countColours(browser.context, png, {
    band: [0xd9, 0xd9, 0xd9, 3],
    ink: [0, 0, 0, 60],
  });
  const { band, ink } = counts;
  const share = band / (width * height);
  // The band spans six years and up to ±2.5 √AU around the expected score: a sizeable share of
  // the chart, not a sliver and not the whole area.
  assert.ok(share > 0.05 && share < 0.6, `band covers ${(share * 100).toFixed(1)} % of the chart`);
  t.diagnostic(`band ${(share * 100).toFixed(1)} % of ${width}x${height} px, ${ink} dark px`);
  assert.ok(ink > 500, `${ink} dark pixels (axes, line, points, labels)`);
  await page.close();
});

test("the report's HTML holds no script and loads nothing", async () => {
  const text = readFileSync(html, "utf8");
  assert.doesNotMatch(text, /<script|<link|<img|src=/);
  const page = await browser.context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href);
  assert.deepEqual(
    requests.filter((u) => !u.startsWith("file:")),
    [],
    "the report fetched something",
  );
  await page.close();
});
