// The boundary no input can break: every export and every argument position, given each of ten
// values of the wrong (or surprising) type 1,000 times, answers exactly what the contract says
// (a return value or an IdvError with its code and field; never a TypeError, another exception
// or a hang), and the known-good calls still answer exactly after each. The table and its
// runner are boundary/matrix.mjs, shared by:
// - Node: in a worker thread (boundary/node-worker.mjs), so that a hang inside the wasm (a
//   synchronous loop no test timeout can interrupt) fails the test instead of blocking it;
// - a trap inside the wasm, one export at a time, each in its own worker
//   (boundary/trap-worker.mjs): internal_error with the RuntimeError as cause, then recovery;
// - Chromium, Firefox ESR and WebKitGTK through WebDriver (helpers/webdriver.mjs), loading the
//   package's default entry in a plain page (boundary/index.html) through an import map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../../scripts/static-server.mjs";
import { BROWSERS, startBrowser } from "./helpers/webdriver.mjs";
import { CELLS, EXTRAS, VALUE_NAMES } from "./boundary/matrix.mjs";

const BOUNDARY_DIR = fileURLToPath(new URL("./boundary/", import.meta.url));
const PACKAGE_DIR = dirname(fileURLToPath(import.meta.resolve("idv-handoff")));
const ROWS = CELLS.length + EXTRAS.length;
/** A row takes about a second at most; one that makes no progress for this long has hung. */
const STALL_MS = 20_000;
/** The whole matrix in one environment (it takes 12-20 s here). */
const RUN_MS = 120_000;

/** The failures of a run, as the assertion message. */
function report(where, failures) {
  return `${failures.length} failure(s) in ${where}:\n  ${failures.join("\n  ")}`;
}

/**
 * Runs a worker of boundary/ to its { result }. It fails if the worker throws, exits without a
 * result, reports no progress for STALL_MS, or runs past `limitMs`: then it is terminated (which
 * interrupts even a loop inside the wasm) and the error names the row it was on.
 */
function runWorker(file, workerData, limitMs) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`./boundary/${file}`, import.meta.url), { workerData });
    const started = Date.now();
    let progress = "(before the first row)";
    const failures = [];
    const sofar = () => (failures.length ? `; failures before it:\n  ${failures.slice(0, 20).join("\n  ")}` : "");
    let lastProgressAt = Date.now();
    let settled = false;
    const finish = (error, result) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      worker.terminate().finally(() => (error ? reject(error) : resolve(result)));
    };
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgressAt > STALL_MS) {
        finish(new Error(`${file} hung: no progress for ${STALL_MS / 1000} s, in row "${progress}"${sofar()}`));
      } else if (Date.now() - started > limitMs) {
        finish(new Error(`${file} ran past ${limitMs / 1000} s, in row "${progress}"${sofar()}`));
      }
    }, 250);
    worker.on("message", (message) => {
      if (message.progress !== undefined) {
        progress = message.progress;
        lastProgressAt = Date.now();
      } else if (message.failure !== undefined) {
        failures.push(message.failure);
      } else if (message.result !== undefined) {
        finish(null, message.result);
      }
    });
    worker.on("error", (e) => finish(new Error(`${file} threw in row "${progress}": ${e.stack ?? e}${sofar()}`)));
    worker.on("exit", (code) => finish(new Error(`${file} exited (${code}) without a result, in row "${progress}"${sofar()}`)));
  });
}

test("the matrix covers every argument position with all ten values", () => {
  const positions = new Set(CELLS.map(([position]) => position));
  assert.equal(positions.size, 15);
  for (const position of positions) {
    assert.deepEqual(CELLS.filter(([p]) => p === position).map(([, value]) => value), VALUE_NAMES, position);
  }
});

test("Node: every export, every argument, ten wrong types 1,000 times each: exact outcomes, no hang", { timeout: RUN_MS + 30_000 }, async () => {
  const result = await runWorker("node-worker.mjs", {}, RUN_MS);
  assert.deepEqual(result.failures, [], report("Node", result.failures));
  assert.equal(result.rows, ROWS);
  console.log(`Node: ${result.rows} rows, ${result.calls} calls in ${result.ms} ms; slowest: ${result.slowest.join("; ")}`);
});

// A fault inside the wasm, for each export: it traps on its first allocation (no memory left to
// grow into), throws internal_error with the RuntimeError as cause, and the next calls work.
const TRAPPING = [
  "parseCallback",
  "buildHandoffUrl",
  "buildReturnUrl",
  "createState",
  "beginHandoff",
  "completeHandoff",
  "normalizeSessionRequest",
  "createSession",
];
for (const name of TRAPPING) {
  test(`Node: a trap inside the wasm in ${name} is IdvError internal_error (cause: RuntimeError), then 1,000 normal calls answer exactly`, { timeout: 60_000 }, async () => {
    const result = await runWorker("trap-worker.mjs", { name }, 30_000);
    assert.deepEqual(result.failures, [], report(`the trap test of ${name}`, result.failures));
    assert.match(result.step ?? "", /IdvError internal_error, cause RuntimeError/);
  });
}

/** Polls the page's window.__boundary until it is done; fails on a stall or past RUN_MS. */
async function pollPage(browser) {
  const started = Date.now();
  let state = null;
  let lastChange = Date.now();
  let lastSeen = "";
  let lastError = null;
  for (;;) {
    try {
      state = await browser.execute("return window.__boundary ? JSON.parse(JSON.stringify(window.__boundary)) : null;");
      lastError = null;
    } catch (e) {
      lastError = e; // a page stuck in a call does not answer: its last progress says where
    }
    if (state?.done) return state;
    const seen = `${state?.progress}`;
    if (seen !== lastSeen) {
      lastSeen = seen;
      lastChange = Date.now();
    }
    const where = [
      `row "${state?.progress ?? "(page not started)"}"`,
      lastError && `WebDriver: ${lastError.message}`,
      state?.pageErrors?.length && `page errors: ${state.pageErrors.join(" | ")}`,
      state?.failuresSoFar?.length && `failures before it:\n  ${state.failuresSoFar.join("\n  ")}`,
    ].filter(Boolean).join("; ");
    if (Date.now() - lastChange > STALL_MS) throw new Error(`${browser.label} (${browser.browser}): the page hung, no progress for ${STALL_MS / 1000} s, in ${where}`);
    if (Date.now() - started > RUN_MS) throw new Error(`${browser.label} (${browser.browser}): no result within ${RUN_MS / 1000} s, in ${where}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

for (const name of Object.keys(BROWSERS)) {
  test(`${BROWSERS[name].label}: the same matrix in a page, through WebDriver`, { timeout: RUN_MS + 60_000 }, async () => {
    const server = await serveStatic({ "/": BOUNDARY_DIR, "/node_modules/idv-handoff/": PACKAGE_DIR });
    let browser;
    try {
      browser = await startBrowser(name);
      await browser.navigate(`${server.url}/index.html`);
      const state = await pollPage(browser);
      const where = `${browser.label} (${browser.browser})`;
      assert.equal(state.error, null, `${where}: the page failed: ${state.error}`);
      assert.deepEqual(state.pageErrors, [], `${where}: errors in the page: ${state.pageErrors.join(" | ")}`);
      assert.deepEqual(state.result.failures, [], report(where, state.result.failures));
      assert.equal(state.result.rows, ROWS);
      console.log(`${where}: ${state.result.rows} rows, ${state.result.calls} calls in ${state.result.ms} ms; slowest: ${state.result.slowest.join("; ")}`);
    } finally {
      await browser?.close();
      await server.close();
    }
  });
}
