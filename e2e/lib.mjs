// What the browser tests share: the paths the Rust runner (crates/vascalc/tests/cli/browser.rs) passes
// in environment variables, the vascalc binary, and Debian's Chromium with flags that work in a
// container (no sandbox, no GPU, no network services, a fresh profile per launch).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

/** An environment variable the runner sets; throws naming it when missing. */
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through \`cargo test --test browser\``);
  return v;
}

/** `vascalc ARGS`; returns stdout, throws with stderr on failure. */
export function vascalc(args, opts = {}) {
  return execFileSync(env("VASCALC_BIN"), args, { encoding: "utf8", ...opts });
}

/**
 * Starts `vascalc serve --port 0` on `db` (with `extraEnv` added to the environment); resolves
 * with the process and its URL.
 */
export function serve(db, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(env("VASCALC_BIN"), ["serve", "--port", "0", "--quiet", "--db", db], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...extraEnv },
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no URL after 20 s: ${out}`)), 20000);
    p.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve({ process: p, url: m[0] });
      }
    });
    p.on("exit", (code) => reject(new Error(`vascalc serve exited ${code}: ${out}`)));
  });
}

/** A fresh temporary folder under the runner's (removed by the runner). */
export function tempDir(tag) {
  return mkdtempSync(join(process.env.VASCALC_E2E_TMP || tmpdir(), `${tag}-`));
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium with a fresh profile; `close()` also removes the profile. */
export async function launch() {
  const profile = tempDir("chromium-profile");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env("VASCALC_CHROMIUM"),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Pages of a PDF, counted from its page objects (Chromium writes them uncompressed). */
export function pdfPageCount(buffer) {
  const text = buffer.toString("latin1");
  return (text.match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

/** The text of a PDF through poppler's pdftotext, or null when it is not installed. */
export function pdfText(path) {
  try {
    return execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" });
  } catch (e) {
    if (e.code === "ENOENT") return null;
    throw e;
  }
}

/**
 * Counts the pixels of a PNG (a screenshot) in each colour class, decoded by the browser itself:
 * the PNG is drawn on a canvas in a blank page and read back there (only the counts cross over).
 * `classes`: { name: [r, g, b, tolerance] }. Returns { width, height, counts: { name: n } }.
 */
export async function countColours(context, png, classes) {
  const page = await context.newPage();
  try {
    const url = `data:image/png;base64,${png.toString("base64")}`;
    return await page.evaluate(
      async ([src, classes]) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const counts = Object.fromEntries(Object.keys(classes).map((k) => [k, 0]));
        for (let i = 0; i < d.length; i += 4) {
          for (const [name, [r, gr, b, tol]] of Object.entries(classes)) {
            if (
              Math.abs(d[i] - r) <= tol &&
              Math.abs(d[i + 1] - gr) <= tol &&
              Math.abs(d[i + 2] - b) <= tol
            ) {
              counts[name]++;
            }
          }
        }
        return { width: c.width, height: c.height, counts };
      },
      [url, classes],
    );
  } finally {
    await page.close();
  }
}
