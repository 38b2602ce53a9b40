// Part 4 of `make bench`: requests/s, latency and CPU time per request of the reference proxy worker's
// POST /api/idv/sessions (www/proxy/worker.js: the server half, createIdvHandler) in real workerd,
// twice: with its idempotency records in a Durable Object (as `make demo` and a deployment run
// it) and in the isolate's memory (memoryStore), against the local stand-in
// provider (www/provider/worker.js), beside a bare pass-through worker (passthrough-worker.js)
// forwarding the same requests to the same provider, in the same run, with autocannon on
// loopback. Runs are interleaved and bounded in time.
//
// The three workers share one workerd process (one Miniflare), so both sides of the comparison
// compete for the same threads with the provider alike, and each measured worker is reached on
// a direct socket of its own (until 2026-11-22 the proxy was reached through Miniflare's entry
// URL, which puts Miniflare's router worker in front of it: that hop alone cost it about 0.15x). They are configured as in `make demo`
// (www/demo.mjs): the proxy and the pass-through get PROVIDER_URL and IDV_API_KEY; the
// provider's rate limit and token balance are raised so that no request is refused. The proxy
// is bundled as wrangler bundles it: the `workerd` export condition (index.workerd.js), its .wasm
// kept as a module beside it.
//
// CPU time per request: the workerd process's user + system CPU time (/proc/<pid>/stat) over a
// run, divided by the requests it completed. That process runs the measured worker and the
// provider it forwards to, and workerd's own HTTP handling, so the figure is the whole request's;
// the proxy's own share is the difference from the pass-through's, measured the same way.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { median } from "../median.mjs";
import { resolvePackageFrom } from "../pkg.mjs";
import { bundleWorker } from "../../scripts/bundle-worker.mjs";

const HOST = "127.0.0.1";
const API_KEY = "bench-api-key";
/** The date www/demo.mjs runs the workers with. */
const COMPATIBILITY_DATE = "2025-09-01";
const CONNECTIONS = 8;
const WARMUP_S = 2;
const RUN_S = 2;
/** Runs per worker, alternating which goes first, so drift hits both alike. */
const ROUNDS = 10;

/** What createSession sends: the snake_case JSON body, with a fresh Idempotency-Key each time. */
const BODY = JSON.stringify({
  first_name: "Jane",
  last_name: "Doe",
  email: "jane.doe@example.com",
  phone: "+15551234567",
  external_id: "user_abc123",
  send_email_invite: false,
  redirect_url: "https://yourapp.com/idv/return",
});
/** The proxy's own bindings, as www/demo.mjs gives them (its return URL is APP_URL/idv/return). */
const PROXY_BINDINGS = { APP_URL: "https://yourapp.com", DEV: "true" };
const request = () => ({
  method: "POST",
  headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
  body: BODY,
});

/** A free loopback port, for the provider, whose URL the other workers must know up front. */
function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().once("error", fail);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Starts the three workers; resolves to the URLs of the two measured endpoints. */
async function startWorkers({ root, pkgDir, resolveDir, workerPath }) {
  const providerPort = await freePort();
  const providerUrl = `http://${HOST}:${providerPort}`;
  const upstream = { PROVIDER_URL: providerUrl, IDV_API_KEY: API_KEY };
  // Bundled as wrangler (and www/demo.mjs) would; `idv-handoff` resolved from `resolveDir` (the
  // package measured: pkg.mjs).
  const scriptPath = await bundleWorker(workerPath, resolve(root, "target/bench/edge"), { pkgDir, plugins: [resolvePackageFrom(resolveDir)] });
  // The proxy twice: its idempotency records in the Durable Object store, and in memory.
  const proxyWorker = (name, extra) => ({
    name,
    modules: true,
    scriptPath,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ...upstream, ...PROXY_BINDINGS },
    unsafeDirectSockets: [{ host: HOST, port: 0 }],
    ...extra,
  });
  const mf = new Miniflare({
    host: HOST,
    port: 0,
    workers: [
      proxyWorker("proxy", { durableObjects: { IDEMPOTENCY: "IdvIdempotencyStore" } }),
      proxyWorker("proxyMemory"),
      {
        name: "passthrough",
        modules: true,
        scriptPath: fileURLToPath(new URL("./passthrough-worker.js", import.meta.url)),
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: upstream,
        unsafeDirectSockets: [{ host: HOST, port: 0 }],
      },
      {
        name: "provider",
        modules: true,
        scriptPath: resolve(root, "www/provider/worker.js"),
        compatibilityDate: COMPATIBILITY_DATE,
        durableObjects: { PROVIDER: "ProviderState" },
        bindings: { API_KEY, PUBLIC_URL: providerUrl, RATE_LIMIT: "1000000000", TOKEN_BALANCE: "1000000000" },
        unsafeDirectSockets: [{ host: HOST, port: providerPort }],
      },
    ],
    // workerd logs every connection the load generator drops at the end of a run; keep the rest.
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) {
        stream.on("data", (chunk) => {
          for (const line of String(chunk).split("\n")) {
            if (line && !/disconnected|Connection reset by peer|^stack: /.test(line)) process.stderr.write(`workerd: ${line}\n`);
          }
        });
      }
    },
  });
  await mf.ready;
  // Both measured workers on a direct socket of their own: Miniflare's entry URL would put its
  // own router worker in front of one of them only.
  const passthrough = await mf.unsafeGetDirectURL("passthrough");
  const proxy = await mf.unsafeGetDirectURL("proxy");
  const proxyMemory = await mf.unsafeGetDirectURL("proxyMemory");
  return {
    urls: {
      passthrough: new URL("/api/idv/sessions", passthrough).href,
      proxy: new URL("/api/idv/sessions", proxy).href,
      proxyMemory: new URL("/api/idv/sessions", proxyMemory).href,
    },
    dispose: () => mf.dispose(),
  };
}

/** The unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
  } catch {
    return 100;
  }
})();

/** The workerd processes Miniflare started: children of this process named workerd. */
function workerdPids() {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/s);
      const ppid = Number(rest.split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** User + system CPU seconds the processes have used so far (all their threads). */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const rest = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    ticks += Number(rest[11]) + Number(rest[12]); // utime, stime: fields 14 and 15
  }
  return ticks / CLOCK_TICKS_PER_S;
}

/** One bounded load run: autocannon's own figures, and the workerd CPU time per request. */
async function load(url, seconds, pids = []) {
  const cpuBefore = cpuSeconds(pids);
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, ...request() }) }],
  });
  const cpu = cpuSeconds(pids) - cpuBefore;
  const completed = r.requests.total;
  return {
    requestsPerSecond: r.requests.average,
    completed,
    cpuMsPerRequest: pids.length && completed ? (cpu * 1000) / completed : undefined,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

function summary(runs) {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuMsPerRequest: runs[0].cpuMsPerRequest === undefined ? undefined : median(runs.map((r) => r.cpuMsPerRequest)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    runs,
  };
}

/**
 * Runs part 4 if the proxy worker exists (`workerPath`); otherwise returns `{ skipped }`
 * saying why. A worker that does not create the session is reported as `{ error }`: a
 * benchmark of refusals would measure nothing useful.
 */
export async function runEdge({ root, pkgDir, resolveDir, workerPath }) {
  const worker = relative(root, workerPath);
  if (!existsSync(workerPath)) return { skipped: "proxy worker not built yet", worker };
  const { urls, dispose } = await startWorkers({ root, pkgDir, resolveDir, workerPath });
  const pids = workerdPids();
  try {
    for (const [name, url] of Object.entries(urls)) {
      const res = await fetch(url, request());
      const text = await res.text();
      if (res.status !== 200) {
        return { error: `the ${name} worker answered ${res.status}: ${text.slice(0, 200)}`, worker };
      }
    }
    for (const url of Object.values(urls)) await load(url, WARMUP_S, pids);
    const runs = { passthrough: [], proxy: [], proxyMemory: [] };
    const names = Object.keys(runs);
    for (let round = 0; round < ROUNDS; round++) {
      // Each worker first, middle and last in turn, so drift hits all alike.
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) runs[name].push(await load(urls[name], RUN_S, pids));
    }
    const ratioOf = (name) => median(runs[name].map((r, i) => r.requestsPerSecond / runs.passthrough[i].requestsPerSecond));
    const extraCpu = (name) => median(runs[name].map((r, i) => r.cpuMsPerRequest - runs.passthrough[i].cpuMsPerRequest));
    return {
      worker,
      connections: CONNECTIONS,
      secondsPerRun: RUN_S,
      rounds: ROUNDS,
      cpu: pids.length
        ? `workerd process (pid ${pids.join(", ")}) user+system CPU over each run / requests completed; it also runs the provider`
        : "not measured: no workerd child process found",
      passthrough: summary(runs.passthrough),
      proxy: summary(runs.proxy),
      proxyMemory: summary(runs.proxyMemory),
      // Each round's runs are back to back: their ratio is the least disturbed by drift.
      ratio: ratioOf("proxy"),
      ratioMemory: ratioOf("proxyMemory"),
      // The proxy's own CPU time per request: its runs' workerd CPU per request less the
      // pass-through's in the same round (the Durable Object's work included).
      extraCpuMsPerRequest: pids.length ? extraCpu("proxy") : undefined,
      extraCpuMsPerRequestMemory: pids.length ? extraCpu("proxyMemory") : undefined,
    };
  } finally {
    await dispose();
  }
}
