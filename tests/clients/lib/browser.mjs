// Headless Debian Chromium through playwright-core (from the harness's own install: see
// _harness/package.json). One browser per run, one fresh context per page check.
import { createRequire } from "node:module";
import { gzipSync, brotliCompressSync, constants as z } from "node:zlib";

// The flags of the other browser tests (they keep Chromium off the closed network).
import { CHROMIUM_ARGS } from "../../js/helpers/chromium.mjs";

let browserPromise = null;
let harnessPackageJson = null;

export function setHarness(packageJsonPath) {
  harnessPackageJson = packageJsonPath;
}

function browser() {
  if (!browserPromise) {
    const { chromium } = createRequire(harnessPackageJson)("playwright-core");
    browserPromise = chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }
  return browserPromise;
}

export async function closeBrowser() {
  if (!browserPromise) return;
  const b = await browserPromise.catch(() => null);
  browserPromise = null;
  await b?.close().catch(() => {});
}

/** gzip -9 and brotli (quality 11) sizes of one body. */
export function compressedSizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [z.BROTLI_PARAM_QUALITY]: 11, [z.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

function kindOf(url, contentType, resourceType) {
  const path = new URL(url).pathname;
  if (/wasm/.test(contentType) || /\.wasm$/.test(path)) return "wasm";
  if (resourceType === "script" || /javascript|ecmascript/.test(contentType) || /\.[mc]?js$/.test(path)) return "js";
  return null;
}

/**
 * Opens `url`, waits for `selector` (the app's report), and returns
 * { report, errors, requests, bytes } where bytes sums the JS and wasm the page loaded.
 * Throws with the page's errors (uncaught exceptions, console errors, failed requests)
 * when the report does not appear within `timeout` ms.
 */
export async function checkPage(url, { timeout = 30_000, selector = "#idv-result", track } = {}) {
  const b = await browser();
  const context = await b.newContext();
  track?.(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  const bodies = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.stack ?? e}`.split("\n").slice(0, 8).join("\n")));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (res) => {
    const req = res.request();
    const contentType = res.headers()["content-type"] ?? "";
    const kind = kindOf(res.url(), contentType, req.resourceType());
    requests.push({ url: res.url(), status: res.status(), type: req.resourceType(), contentType });
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`);
    if (kind && res.status() === 200) {
      bodies.push(
        res.body().then(
          (buf) => ({ url: res.url(), kind, ...compressedSizes(buf) }),
          () => null,
        ),
      );
    }
  });
  // An uncaught error (a failed import, a rejected top-level await) ends the wait early: the
  // report will not come.
  let onFirstError;
  const firstError = new Promise((resolve) => (onFirstError = resolve));
  page.on("pageerror", () => onFirstError());
  const isNoise = (e) => /favicon\.ico/.test(e);
  try {
    await page.goto(url, { waitUntil: "load", timeout });
    let text;
    try {
      const found = page.waitForSelector(selector, { state: "attached", timeout });
      const failedEarly = firstError.then(() => page.waitForTimeout(1500)).then(() => "error");
      found.catch(() => {});
      const el = await Promise.race([found, failedEarly]);
      if (el === "error") throw new Error("uncaught error");
      text = await el.textContent();
    } catch (e) {
      await page.waitForTimeout(300);
      const shown = [...new Set(errors.filter((e) => !isNoise(e)))];
      // Uncaught errors first: they are the cause; failed requests and console lines follow.
      shown.sort((a, b) => b.startsWith("uncaught") - a.startsWith("uncaught"));
      const err = new Error(
        shown.length
          ? `${shown.join("\n")}\n(no ${selector} on ${url})`
          : `no ${selector} on ${url} within ${timeout / 1000} s; the page reported no error`,
      );
      err.details = { errors, requests };
      throw err;
    }
    const files = (await Promise.all(bodies)).filter(Boolean);
    const sum = (kind, k) => files.filter((f) => !kind || f.kind === kind).reduce((a, f) => a + f[k], 0);
    const bytes = {
      files: files.map((f) => ({ ...f, url: new URL(f.url).pathname })),
      raw: sum(null, "raw"),
      gzip: sum(null, "gzip"),
      brotli: sum(null, "brotli"),
      wasm: { raw: sum("wasm", "raw"), gzip: sum("wasm", "gzip"), brotli: sum("wasm", "brotli") },
    };
    let report;
    try {
      report = JSON.parse(text);
    } catch {
      throw new Error(`${selector} is not JSON: ${text.slice(0, 300)}`);
    }
    return { report, errors, requests, bytes };
  } finally {
    await context.close().catch(() => {});
  }
}
