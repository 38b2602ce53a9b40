// Parts 2, 3 and 5 in headless Chromium: the per-call bench page (the same calls.mjs as in
// Node) and the cold start, each page in a fresh browser context (its own renderer process,
// HTTP cache and compiled-code caches), served over HTTP from loopback.
import { fileURLToPath } from "node:url";
import { serveStatic } from "../scripts/static-server.mjs";
import { launchChromium } from "../tests/js/helpers/chromium.mjs";
import { median } from "./median.mjs";

const BENCH_DIR = fileURLToPath(new URL("./", import.meta.url));
const COLD_LOADS = 20;

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

/**
 * Runs the Chromium parts against the installed package in `pkgDir`. The cold-start loads
 * alternate between the two measures, so that both see the machine in the same state.
 */
export async function runChromium({ pkgDir }) {
  const server = await serveStatic({ "/bench/": BENCH_DIR, "/pkg/": pkgDir });
  const browser = await launchChromium();
  try {
    const calls = await loadFresh(browser, `${server.url}/bench/pages/calls.html`);
    const samples = { import: [], wasmArrived: [], compile: [] };
    const cold = (measure) => loadFresh(browser, `${server.url}/bench/pages/cold.html?measure=${measure}`);
    for (let i = 0; i < COLD_LOADS; i++) {
      const { ms, wasmArrivedMs } = await cold("import");
      samples.import.push(ms);
      samples.wasmArrived.push(wasmArrivedMs);
      samples.compile.push((await cold("compile")).ms);
    }
    return {
      version: browser.version(),
      calls,
      cold: {
        loads: COLD_LOADS,
        importToFirstParseMs: median(samples.import),
        wasmArrivedMs: median(samples.wasmArrived),
        wasmCompileMs: median(samples.compile),
        samples,
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
