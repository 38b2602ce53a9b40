// `make bench`: size, per-call speed, cold start, edge throughput and scaling of idv-handoff,
// each beside its alternative measured in the same run. Prints one table and writes
// bench/results.json (and bench/twiggy.txt). A benchmark, not a test: budgets are printed as
// over or within, never asserted; only the size budget, which is deterministic, is also a test
// (tests/js/size.test.mjs).
//
// Measures the package as users get it: node_modules/idv-handoff, installed from the packed
// tarball of pkg/ by scripts/bench.sh.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runChromium } from "./chromium.mjs";
import { runEdge } from "./edge/edge.mjs";
import { measureSizes, twiggyReport } from "./size.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BENCH_DIR = `${ROOT}bench/`;
const PKG_DIR = `${ROOT}node_modules/idv-handoff/`;

/** DESIGN.md's budgets, with their goals. */
const BUDGET = {
  browserGzip: { max: 20 * 1024, goal: 15 * 1024 },
  parseCallbackRatio: { max: 2, goal: 1 },
  edgeRatio: { min: 0.8, goal: 0.95 },
};

const log = (message) => process.stderr.write(`bench: ${message}\n`);

// ---- formatting ----
const int = (n) => Math.round(n).toLocaleString("en-US");
const sizes = (s) => `${int(s.raw)} / ${int(s.gzip)} / ${int(s.brotli)}`;
const ratio = (r) => `${r.toFixed(2)}x`;
const ms = (n) => `${n.toFixed(1)} ms`;
const verdict = (ok) => (ok ? "within" : "OVER");

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join(" | ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of rows) console.log(line(row));
}

// ---- the table's rows, per part ----

function sizeRows({ entries, bundled, alternatives }) {
  const rows = [];
  for (const [name, e] of Object.entries(entries)) {
    const jsFiles = e.files.length - 1;
    rows.push(["1 size", `${name} entry: wasm`, sizes(e.wasm)]);
    rows.push(["1 size", `${name} entry: JS (${jsFiles} files)`, sizes(e.js)]);
    const total = ["1 size", `${name} entry: total`, sizes(e.total)];
    if (name === "browser") {
      const { max, goal } = BUDGET.browserGzip;
      total.push("", "", `gzip <= ${int(max)} (${int(goal)}): ${verdict(e.total.gzip <= max)}`);
    }
    rows.push(total);
  }
  rows.push(["1 size", "browser, bundled + minified like the others: total", sizes(bundled.total)]);
  for (const alt of alternatives) {
    const what = `${alt.pkg}${alt.version ? ` ${alt.version}` : ""} {${alt.imports}}, esbuild --minify`;
    if (alt.error) rows.push(["1 size", what, "", alt.error]);
    else rows.push(["1 size", what, "", sizes(alt.js), ratio(bundled.total.gzip / alt.js.gzip)]);
  }
  return rows;
}

function callRows(runtime, results) {
  return results
    .filter((r) => r.part === "calls")
    .map((r) => {
      const row = [`2 ${runtime}`, `${r.name} ns/op`, int(r.oursNsPerOp), `baseline ${int(r.baselineNsPerOp)}`, ratio(r.ratio)];
      if (r.name === "parseCallback") {
        const { max, goal } = BUDGET.parseCallbackRatio;
        row.push(`<= ${max}x (${goal}x): ${verdict(r.ratio <= max)}`);
      }
      return row;
    });
}

function coldRows(cold) {
  return [
    [
      "3 Chromium",
      `import() to first parse, median of ${cold.loads} fresh loads`,
      `${ms(cold.importToFirstParseMs)} (wasm in at ${ms(cold.wasmArrivedMs)})`,
      `wasm compile alone ${ms(cold.wasmCompileMs)}`,
    ],
  ];
}

function edgeRows(edge) {
  const part = "4 workerd";
  if (edge.skipped) return [[part, "POST /api/idv/sessions", edge.skipped]];
  if (edge.error) return [[part, "POST /api/idv/sessions", `not measured: ${edge.error}`]];
  const { proxy, passthrough } = edge;
  const { min, goal } = BUDGET.edgeRatio;
  const failures = (s) => (s.non2xx || s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : "");
  return [
    [
      part,
      `POST /api/idv/sessions req/s, ${edge.connections} connections`,
      `${int(proxy.requestsPerSecond)}${failures(proxy)}`,
      `pass-through ${int(passthrough.requestsPerSecond)}${failures(passthrough)}`,
      ratio(edge.ratio),
      `>= ${min}x (${goal}x): ${verdict(edge.ratio >= min)}`,
    ],
    [part, "POST /api/idv/sessions p50 / p99", `${proxy.p50Ms} / ${proxy.p99Ms} ms`, `pass-through ${passthrough.p50Ms} / ${passthrough.p99Ms} ms`],
  ];
}

/** Cost per query byte, and per extra byte from one size to the next: flat means linear. */
function scalingRows(runtime, results) {
  const scaling = results.filter((r) => r.part === "scaling");
  return scaling.map((r, i) => {
    const prev = scaling[i - 1];
    const marginal = (side) => (r[side] - prev[side]) / (r.queryBytes - prev.queryBytes);
    const extra = (side) => (prev ? `, +${marginal(side).toFixed(1)}/extra B` : "");
    return [
      `5 ${runtime}`,
      `${r.name} ns/op`,
      `${int(r.oursNsPerOp)}${extra("oursNsPerOp")}`,
      `baseline ${int(r.baselineNsPerOp)}${extra("baselineNsPerOp")}`,
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

// ---- the run ----

const started = Date.now();
const environment = {
  date: new Date().toISOString(),
  commit: commitOf(),
  node: process.version,
  cpu: `${cpus()[0].model}, ${cpus().length} cores`,
  loadAverageAtStart: loadavg().map((l) => l.toFixed(2)).join(" "),
};

log("part 1: sizes, and twiggy (bench/twiggy.txt)");
const size = await measureSizes({ root: ROOT, pkgDir: PKG_DIR, benchDir: BENCH_DIR });
const twiggy = twiggyReport({ root: ROOT, pkgDir: PKG_DIR, outFile: `${BENCH_DIR}twiggy.txt` });

log("parts 2 and 5 in Node (a fresh process)");
const node = JSON.parse(execFileSync(process.execPath, [`${BENCH_DIR}calls-node.mjs`], { encoding: "utf8" }));

log("parts 2, 3 and 5 in headless Chromium");
const chromium = await runChromium({ pkgDir: PKG_DIR });
environment.chromium = chromium.version;

log("part 4: edge throughput in workerd");
const edge = await runEdge({ root: ROOT, pkgDir: PKG_DIR, workerPath: `${ROOT}www/proxy/worker.js` });

environment.seconds = Math.round((Date.now() - started) / 1000);
const results = {
  command: "make bench",
  environment,
  size: { ...size, twiggy },
  calls: { node, chromium: chromium.calls },
  coldStart: chromium.cold,
  edge,
};
writeFileSync(`${BENCH_DIR}results.json`, `${JSON.stringify(results, null, 2)}\n`);

console.log(
  `\nidv-handoff bench: ${environment.date}, commit ${environment.commit}, Node ${environment.node}, Chromium ${environment.chromium}, ` +
    `${environment.cpu}, load ${environment.loadAverageAtStart} at start, ${environment.seconds} s`,
);
console.log(
  "Sizes in bytes: raw / gzip -9 / brotli (Node zlib); for sizes, ratio = our bundled gzip / theirs.\n" +
    "Timings: medians over interleaved rounds; ratio = the median of the per-round ratios ours / beside,\n" +
    "so it can differ from the ratio of the two medians when the machine is noisy.\n",
);
printTable(
  ["part", "measure", "idv-handoff", "beside", "ratio", "budget (goal)"],
  [
    ...sizeRows(size),
    ...callRows("Node", node.results),
    ...callRows("Chromium", chromium.calls.results),
    ...coldRows(chromium.cold),
    ...edgeRows(edge),
    ...scalingRows("Node", node.results),
    ...scalingRows("Chromium", chromium.calls.results),
  ],
);
console.log("\nWrote bench/results.json and bench/twiggy.txt.");
