// The Chromium parts of `make bench`, in one headless Chromium: the return page (part 2,
// return-page.mjs), the per-call page (part 3, the same calls.mjs as in Node) and the cold start
// (import() of the default entry to the first parse). Every page in a fresh browser context (its
// own HTTP cache, connections and compiled-code caches), served over HTTP from loopback.
import { join } from "node:path";
import { serveStatic } from "../scripts/static-server.mjs";
import { launchChromium } from "../tests/js/helpers/chromium.mjs";
import { median } from "./median.mjs";
import { runReturnPage } from "./return-page.mjs";

const COLD_LOADS = 15;

/** Loads `url` in a fresh context and returns what the page put in `window.benchResult`. */
async function loadFresh(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 180_000, polling: 100 });
    const result = await page.evaluate(() => window.benchResult);
    if (result.error) throw new Error(`${url}: ${result.error}`);
    return result;
  } finally {
    await context.close();
  }
}

/** `fn()`, or { error } if it throws: one broken part must not hide the others. */
async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    return { error: String(e?.stack ?? e) };
  }
}

/** The cold-start loads, alternating between the two measures of pages/cold.html. */
async function coldStart(browser, serverUrl) {
  const samples = { import: [], lastModuleArrived: [], afterLastModule: [], compile: [] };
  let modules;
  const cold = (measure) => loadFresh(browser, `${serverUrl}/bench/pages/cold.html?measure=${measure}`);
  for (let i = 0; i < COLD_LOADS; i++) {
    const load = await cold("import");
    if (load.wasmFetched) throw new Error("the default entry fetched a .wasm file: it should have the wasm inlined");
    samples.import.push(load.ms);
    samples.lastModuleArrived.push(load.lastModuleArrivedMs);
    samples.afterLastModule.push(load.ms - load.lastModuleArrivedMs);
    modules = load.modules;
    samples.compile.push((await cold("compile")).ms);
  }
  return {
    loads: COLD_LOADS,
    modules,
    importToFirstParseMs: median(samples.import),
    lastModuleArrivedMs: median(samples.lastModuleArrived),
    // Evaluating the modules: the 200 KB string, its bytes, compiling and instantiating the wasm.
    afterLastModuleMs: median(samples.afterLastModule),
    wasmCompileMs: median(samples.compile),
    samples,
  };
}

/**
 * Runs the Chromium parts against the package in `pkgDir` (bundled through `resolveDir`,
 * pkg.mjs); a part that fails is returned as { error }. `log` reports progress.
 */
export async function runChromium({ pkgDir, benchDir, resolveDir, log = () => {} }) {
  const browser = await launchChromium();
  const server = await serveStatic({
    "/bench/": benchDir,
    "/pkg/": pkgDir,
    "/oauth4webapi/": join(benchDir, "node_modules/oauth4webapi/build"),
  });
  try {
    log("part 2: the return page, throttled");
    const returnPage = await attempt(() => runReturnPage({ browser, benchDir, resolveDir }));
    log("part 3 in Chromium: per call");
    const calls = await attempt(() => loadFresh(browser, `${server.url}/bench/pages/calls.html`));
    log("part 4: cold start in Chromium");
    const cold = await attempt(() => coldStart(browser, server.url));
    return { version: browser.version(), returnPage, calls, cold };
  } finally {
    await browser.close();
    await server.close();
  }
}
