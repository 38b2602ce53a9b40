// `make bench`: idv-handoff measured against DESIGN.md's budgets ("Budgets"), each figure beside
// its alternative measured in the same run. Prints one table and writes bench/results.json and
// bench/twiggy.txt. A benchmark, not a test: every budget is printed as within or OVER, never
// asserted, and nothing here fails on a timing.
//
//   1 bytes       the default entry (index.js, the wasm inlined) as esbuild bundles it for the
//                 browser (--bundle --minify --format=esm --platform=browser), raw, gzip -9 and
//                 brotli: budget 40 KB gzip. What each entry loads (default, workerd, edge-light,
//                 cjs, init), the alternatives bundled the same way, and the bytes per bundler
//                 that the client layer recorded (target/clients/results.json; not rebuilt here).
//                 bench/twiggy.txt: where the shipped .wasm's bytes go (size.mjs).
//   2 return page a cold page parsing its own callback with the package, beside the same page
//                 with a hand-written parser: Chromium throttled to 150 ms / 1.6 Mbit/s, gzip,
//                 navigation start to the result in the DOM, interleaved fresh loads, medians:
//                 budget 1.5x, goal 1.1x (return-page.mjs).
//   3 per call    parseCallback beside oauth4webapi's validateAuthResponse on a return URL of
//                 the same length, in Node and in Chromium, interleaved rounds, median µs per
//                 call: budget 2.5x, goal 1x; buildHandoffUrl, normalizeSessionRequest and
//                 parseCallback beside the hand-written baseline (calls.mjs, baseline.mjs).
//   4 cold start  import() of the default entry to the first parse in Chromium (no .wasm
//                 fetch: it is inlined), and `new WebAssembly.Module` of the .wasm alone.
//     edge        the reference proxy (www/proxy/worker.js, bundled with the workerd condition)
//                 in workerd beside a pass-through worker: req/s, budget 0.9x, goal 0.95x; and
//                 CPU time per request, from the workerd process's CPU time (edge/edge.mjs).
//   5 scaling     parseCallback's cost per query byte, beside the hand-written baseline.
//
// The package measured: `--pkg <dir>`, else $IDV_PKG_DIR, else node_modules/idv-handoff
// (installed from the packed tarball by scripts/bench.sh), reached by its npm name (pkg.mjs).
// Takes about 2 to 3 minutes on 2 cores.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { runChromium } from "./chromium.mjs";
import { runEdge } from "./edge/edge.mjs";
import { packageDir, packageInfo, stageResolveDir } from "./pkg.mjs";
import { BROWSER_IMPORTS, measureSizes, twiggyReport } from "./size.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BENCH_DIR = `${ROOT}bench/`;

/** DESIGN.md's budgets ("Budgets"), with their goals where it gives one. */
const BUDGET = {
  browserGzip: { max: 40 * 1024 },
  returnPageRatio: { max: 1.5, goal: 1.1 },
  parseCallbackRatio: { max: 2.5, goal: 1 },
  edgeRatio: { min: 0.9, goal: 0.95 },
};

const log = (message) => process.stderr.write(`bench: ${message}\n`);

// ---- formatting ----
const int = (n) => Math.round(n).toLocaleString("en-US");
const sizes = (s) => `${int(s.raw)} / ${int(s.gzip)} / ${int(s.brotli)}`;
const ratio = (r) => `${r.toFixed(2)}x`;
const ms = (n) => `${n.toFixed(1)} ms`;
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
const verdict = (ok) => (ok ? "within" : "OVER");

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join(" | ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of rows) console.log(line(row));
}

// ---- the table's rows, per part ----

function sizeRows({ browserBundle: b, entries, alternatives, clients }) {
  const { max } = BUDGET.browserGzip;
  const rows = [
    [
      "1 bytes",
      `default entry, esbuild-bundled for the browser {${BROWSER_IMPORTS.length} imports}`,
      sizes(b),
      `.wasm file alone ${sizes(b.wasmFile)}`,
      "",
      `gzip <= ${int(max)}: ${verdict(b.gzip <= max)}`,
    ],
    ["1 bytes", "  of which the wasm as a string literal (raw)", int(b.inlinedWasmRaw)],
  ];
  for (const e of entries) {
    const files = e.files.length;
    rows.push([
      "1 bytes",
      `entry ${e.name}: ${e.file}${files > 1 ? ` + the ${files - 1} files it loads` : " alone"} (wasm ${e.wasmHow})`,
      sizes(e.total),
      e.wasm.raw ? `of which .wasm ${sizes(e.wasm)}` : "",
    ]);
  }
  for (const alt of alternatives) {
    const what = `${alt.pkg}${alt.version ? ` ${alt.version}` : ""} {${alt.imports}}, bundled alike`;
    if (alt.error) rows.push(["1 bytes", what, "", alt.error]);
    else rows.push(["1 bytes", what, "", sizes(alt.js), ratio(b.gzip / alt.js.gzip)]);
  }
  if (clients.missing) {
    rows.push(["1 per bundler", "bytes per bundler (tests/clients)", clients.missing]);
  } else {
    const from = clients.samePackage
      ? "this package"
      : `NOT this package: ${basename(clients.tarball ?? "?")}, ${clients.differingFiles.length} files differ`;
    rows.push(["1 per bundler", "JS + wasm a page loaded (app code included), tests/clients", "", `${clients.date.slice(0, 16)}, ${from}`]);
    for (const r of clients.rows) {
      const files = `${r.files} file${r.files === 1 ? "" : "s"}${r.wasm?.raw ? `, wasm ${int(r.wasm.raw)} raw` : ""}`;
      rows.push(["1 per bundler", `  ${r.stack}: ${r.check}${r.ok ? "" : " (check FAILED)"}`, sizes(r.total), files]);
    }
  }
  return rows;
}

function returnPageRows(rp) {
  if (rp.error) return [["2 return page", "not measured", rp.error.split("\n")[0]]];
  const { max, goal } = BUDGET.returnPageRatio;
  const { latency, downloadThroughput } = rp.network;
  return [
    [
      "2 return page",
      `navigation to result in DOM, ${rp.loadsEach} cold loads each, ${latency} ms + ${((downloadThroughput * 8) / 1e6).toFixed(1)} Mbit/s`,
      ms(rp.wasm.shownMs),
      `hand-written ${ms(rp.js.shownMs)}`,
      ratio(rp.ratio),
      `<= ${max}x (${goal}x): ${verdict(rp.ratio <= max)}`,
    ],
    [
      "2 return page",
      "  its one script arrived (bytes raw / gzip sent)",
      `${ms(rp.wasm.scriptArrivedMs)} (${int(rp.wasm.scriptBytes.raw)} / ${int(rp.wasm.scriptBytes.gzip)})`,
      `${ms(rp.js.scriptArrivedMs)} (${int(rp.js.scriptBytes.raw)} / ${int(rp.js.scriptBytes.gzip)})`,
    ],
  ];
}

function callRows(runtime, calls) {
  if (calls.error) return [[`3 ${runtime}`, "per call", `not measured: ${calls.error.split("\n")[0]}`]];
  const rows = [];
  if (!calls.results.some((r) => r.part === "oauth")) {
    rows.push([`3 ${runtime}`, "parseCallback beside oauth4webapi", "not measured: oauth4webapi missing (cd bench && npm install)"]);
  }
  for (const r of calls.results.filter((c) => c.part === "oauth" || c.part === "calls")) {
    const what = r.part === "oauth" ? "parseCallback {expectedState}, 91 B query" : r.name;
    const row = [`3 ${runtime}`, `${what}, per call`, us(r.oursNsPerOp), `${r.beside} ${us(r.baselineNsPerOp)}`, ratio(r.ratio)];
    if (r.part === "oauth") {
      const { max, goal } = BUDGET.parseCallbackRatio;
      row.push(`<= ${max}x (${goal}x): ${verdict(r.ratio <= max)}`);
    }
    rows.push(row);
  }
  return rows;
}

function coldRows(cold) {
  if (cold.error) return [["4 cold start", "not measured", cold.error.split("\n")[0]]];
  return [
    [
      "4 cold start",
      `Chromium: import() of index.js to first parse, ${cold.loads} fresh loads`,
      ms(cold.importToFirstParseMs),
      `${cold.modules} modules fetched (loopback) by ${ms(cold.lastModuleArrivedMs)}`,
    ],
    [
      "4 cold start",
      "  of which from the last module's arrival to the first parse",
      ms(cold.afterLastModuleMs),
      `new WebAssembly.Module of the .wasm alone ${ms(cold.wasmCompileMs)}`,
    ],
  ];
}

function edgeRows(edge) {
  const part = "4 edge";
  if (edge.skipped) return [[part, "POST /api/idv/sessions", edge.skipped]];
  if (edge.error) return [[part, "POST /api/idv/sessions", `not measured: ${edge.error.split("\n")[0]}`]];
  const { proxy, passthrough } = edge;
  const { min, goal } = BUDGET.edgeRatio;
  const failures = (s) => (s.non2xx || s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : "");
  const rows = [
    [
      part,
      `workerd: POST /api/idv/sessions through createIdvHandler (Durable Object store) req/s, ${edge.connections} conns, ${edge.rounds} x ${edge.secondsPerRun} s each`,
      `${int(proxy.requestsPerSecond)}${failures(proxy)}`,
      `pass-through ${int(passthrough.requestsPerSecond)}${failures(passthrough)}`,
      ratio(edge.ratio),
      `>= ${min}x (${goal}x): ${verdict(edge.ratio >= min)}`,
    ],
    [part, "  p50 / p99 latency", `${proxy.p50Ms} / ${proxy.p99Ms} ms`, `pass-through ${passthrough.p50Ms} / ${passthrough.p99Ms} ms`],
  ];
  const memory = edge.proxyMemory;
  if (memory) {
    rows.push([
      part,
      "  the same, idempotency records in memory (memoryStore), req/s",
      `${int(memory.requestsPerSecond)}${failures(memory)}`,
      `pass-through ${int(passthrough.requestsPerSecond)}`,
      ratio(edge.ratioMemory),
      `>= ${min}x (${goal}x): ${verdict(edge.ratioMemory >= min)}`,
    ]);
  }
  if (proxy.cpuMsPerRequest !== undefined) {
    rows.push([
      part,
      "  CPU per request (workerd process, worker + provider)",
      `${proxy.cpuMsPerRequest.toFixed(3)} ms`,
      `pass-through ${passthrough.cpuMsPerRequest.toFixed(3)} ms`,
      `proxy's own +${edge.extraCpuMsPerRequest.toFixed(3)} ms`,
    ]);
    if (memory) {
      rows.push([
        part,
        "  CPU per request, memoryStore",
        `${memory.cpuMsPerRequest.toFixed(3)} ms`,
        `pass-through ${passthrough.cpuMsPerRequest.toFixed(3)} ms`,
        `proxy's own +${edge.extraCpuMsPerRequestMemory.toFixed(3)} ms`,
      ]);
    }
  } else {
    rows.push([part, "  CPU per request", edge.cpu]);
  }
  return rows;
}

/** Cost per query byte, and per extra byte from one size to the next: flat means linear. */
function scalingRows(runtime, calls) {
  if (calls.error) return [];
  const scaling = calls.results.filter((r) => r.part === "scaling");
  return scaling.map((r, i) => {
    const prev = scaling[i - 1];
    const marginal = (side) => (r[side] - prev[side]) / (r.queryBytes - prev.queryBytes);
    const extra = (side) => (prev ? `, +${marginal(side).toFixed(1)} ns/extra B` : "");
    return [
      `5 ${runtime}`,
      `${r.name}, per call`,
      `${us(r.oursNsPerOp)}${extra("oursNsPerOp")}`,
      `hand-written ${us(r.baselineNsPerOp)}${extra("baselineNsPerOp")}`,
      ratio(r.ratio),
    ];
  });
}

/** The commit measured, and whether what is built from differs from it. */
function commitOf() {
  const git = (...args) =>
    execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const changed = git("status", "--porcelain", "--", "src", "pkg-template", "Cargo.toml", "Cargo.lock", "www");
    return `${git("rev-parse", "--short", "HEAD")}${changed ? " with uncommitted changes" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

/** The per-call part in a fresh Node process (calls-node.mjs), or { error }. */
function callsInNode(entry) {
  try {
    return JSON.parse(execFileSync(process.execPath, [`${BENCH_DIR}calls-node.mjs`, entry], { encoding: "utf8", maxBuffer: 1 << 24 }));
  } catch (e) {
    return { error: String(e.stderr || e.message) };
  }
}

// ---- the run ----

const started = Date.now();
const pkgDir = packageDir(ROOT);
const resolveDir = stageResolveDir(ROOT, pkgDir);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const environment = {
  date: new Date().toISOString(),
  commit: commitOf(),
  package: packageInfo(pkgDir),
  node: process.version,
  cpu: `${cpus()[0].model}, ${cpus().length} cores`,
  loadAverageAtStart: load(),
};
log(`measuring ${pkgDir}`);

log("part 1: bytes, and twiggy (bench/twiggy.txt)");
const size = await measureSizes({ root: ROOT, pkgDir, benchDir: BENCH_DIR, resolveDir });
const twiggy = twiggyReport({ pkgDir, outFile: `${BENCH_DIR}twiggy.txt` });

log("part 3 in Node (a fresh process)");
const node = callsInNode(`${resolveDir}/default-entry.mjs`);

log("parts 2, 3 and 4 in headless Chromium");
const chromium = await runChromium({ pkgDir, benchDir: BENCH_DIR, resolveDir, log });
environment.chromium = chromium.version;

log("part 4: edge throughput in workerd");
const edge = await runEdge({ root: ROOT, pkgDir, resolveDir, workerPath: `${ROOT}www/proxy/worker.js` }).catch((e) => ({
  error: String(e?.stack ?? e),
}));

environment.seconds = Math.round((Date.now() - started) / 1000);
environment.loadAverageAtEnd = load();
const results = {
  command: "make bench",
  environment,
  budgets: BUDGET,
  size: { ...size, twiggy },
  returnPage: chromium.returnPage,
  calls: { node, chromium: chromium.calls },
  coldStart: chromium.cold,
  edge,
};
writeFileSync(`${BENCH_DIR}results.json`, `${JSON.stringify(results, null, 2)}\n`);

const { package: pkg } = environment;
console.log(
  `\nidv-handoff ${pkg.version} bench: ${environment.date}, package ${pkg.dir} (commit ${environment.commit}), ` +
    `${environment.seconds} s\nMachine: ${environment.cpu}, load average ${environment.loadAverageAtStart} at start, ` +
    `${environment.loadAverageAtEnd} at end (1, 5, 15 min); Node ${environment.node}, Chromium ${environment.chromium}`,
);
console.log(
  "Bytes: raw / gzip -9 / brotli (Node zlib); a bytes ratio is our bundled gzip / theirs.\n" +
    "Timings: medians; the return page's ratio is median / median, the per-call and edge ratios the\n" +
    "median of per-round ratios (ours / beside), which can differ from median / median on a noisy machine.\n" +
    "Budgets (DESIGN.md) are printed, never asserted.\n",
);
printTable(
  ["part", "measure", "idv-handoff", "beside", "ratio", "budget (goal)"],
  [
    ...sizeRows(size),
    ...returnPageRows(chromium.returnPage),
    ...callRows("Node", node),
    ...callRows("Chromium", chromium.calls),
    ...coldRows(chromium.cold),
    ...edgeRows(edge),
    ...scalingRows("Node", node),
    ...scalingRows("Chromium", chromium.calls),
  ],
);
console.log(
  `\nWrote bench/results.json and bench/twiggy.txt${twiggy.skipped ? ` (twiggy skipped: ${twiggy.skipped})` : ""}.`,
);
