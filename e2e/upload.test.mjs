// Folder upload in /review (issue 14 part 2), in Chromium: the chest phantom's folder (`vascalc
// scan phantom --chest`, plus a file that is not DICOM) chosen in the directory input
// (setInputFiles on <input webkitdirectory>), streamed to the server, its one series opened and
// drawn with the overlay; the server's private copy (under $TMPDIR) is removed when the scan is
// closed, and, after a second upload, when the server ends on SIGTERM.
import { strict as assert } from "node:assert";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { countColours, launch, serve, tempDir, vascalc } from "./lib.mjs";

let server;
let browser;
let folder;
let tmp;

before(async () => {
  const dir = tempDir("upload");
  folder = join(dir, "chest");
  vascalc(["scan", "phantom", "--chest", "--size", "small", "--noise", "0", "--out", folder]);
  writeFileSync(join(folder, "notes.txt"), "not a DICOM file");
  tmp = join(dir, "tmp");
  mkdirSync(tmp);
  server = await serve(join(dir, "record.db"), { TMPDIR: tmp });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.process.kill();
});

/** Files under the server's temporary folder (its launch folder, uploads and their files). */
function copies() {
  return readdirSync(tmp, { recursive: true });
}

async function upload(page) {
  await page.setInputFiles("#upload-files", folder);
  await page.click("#upload-send");
  await page.waitForFunction(() => document.querySelector("#slice-canvas")?.dataset.slice !== undefined
    && !document.querySelector("#viewer").hidden, null, { timeout: 60000 });
}

test("upload the chest phantom's folder, see the overlay, close it, stop the server", async (t) => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto(`${server.url}review`);
  // The directory input is labelled and reachable from the keyboard.
  assert.equal(await page.locator("label[for=upload-files]").count(), 1);
  await page.focus("#upload-files");
  assert.equal(await page.evaluate(() => document.activeElement.id), "upload-files");
  assert.match((await page.locator("#upload-help").textContent()).replace(/\s+/g, " "), /2 GiB in all, 512 MiB per file/);

  await upload(page);
  const said = await page.locator("#review-status").textContent();
  t.diagnostic(said);
  assert.match(said, /Uploaded \d+ DICOM file\(s\) \(2 file\(s\) that are not DICOM left out\)\. Opened /);
  const files = copies();
  assert.ok(files.some((f) => /^vascalc-serve-[0-9a-f]{16}\/1\/000001\.dcm$/.test(f)), files.join(" "));
  assert.ok(!files.some((f) => /notes|truth/.test(f)), "files that are not DICOM are not kept");

  // The slice with its overlay: excluded (blue) or candidate (yellow) lesions at 70 % over the
  // calcium window's grey, and the heart region's cyan outline.
  const shot = await page.locator("#slice-canvas").screenshot();
  const c = await countColours(browser.context, shot, {
    candidate: [240, 205, 50, 45], excluded: [105, 139, 212, 40], heart: [0, 229, 255, 10],
  });
  t.diagnostic(`overlay pixels ${JSON.stringify(c.counts)} of ${c.width}x${c.height}`);
  assert.ok(c.counts.heart > 0, "the heart region outlined");
  assert.ok(c.counts.candidate + c.counts.excluded > 0, "lesions drawn");

  // Closing the scan removes the copy (the empty launch folder stays until the server ends).
  await page.click("#close-scan");
  await page.waitForFunction(() => document.querySelector("#viewer").hidden);
  assert.equal(copies().length, 1, copies().join(" "));

  // Upload again (from a fresh page), then SIGTERM: the server stops gracefully and removes
  // its folder.
  await page.goto(`${server.url}review`);
  await upload(page);
  assert.ok(copies().length > 2);
  await page.close();
  const exited = new Promise((resolve) => server.process.on("exit", (code, signal) => resolve({ code, signal })));
  server.process.kill("SIGTERM");
  const { code, signal } = await exited;
  assert.equal(code, 0, `exit ${code} ${signal}`);
  assert.deepEqual(copies(), [], "nothing left under TMPDIR");
  assert.deepEqual(errors, []);
});
