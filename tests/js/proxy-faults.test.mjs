// Faults and load on the reference proxy worker (hardening issue, part 5). The proxy runs in
// real workerd (startDemo with providerUrl); the provider behind it is a fault-injecting stand-in
// for deepidv's POST /v1/sessions, a plain Node HTTP server on loopback, scripted per scenario:
// slow answers (past the client's timeoutMs, the session created first), dropped connections
// (the session created, then the socket destroyed), 500s, 429 storms, faults that outlast the
// retries, and a mix. Each scenario sends 200 concurrent createSession calls through the proxy
// and checks, counting at the provider, that every call settles, that retries reuse one
// Idempotency-Key, that each key makes exactly one session, and that nothing is lost or
// duplicated; every answer the proxy gives is checked to be well-formed JSON. One figures line
// per scenario is printed (console.log).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { startDemo } from "../../www/demo.mjs";
import { outDir } from "./helpers/paths.mjs";
import { freePort } from "./helpers/ports.mjs";
import { createSession, IdvError } from "idv-handoff";

const API_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
const CLIENTS = 200;
const PERSON = { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Longest any one createSession call may take before it counts as hung. */
const HANG_MS = 25_000;

/**
 * deepidv's POST /v1/sessions (and GET /v1/sessions/:id), idempotent on Idempotency-Key, with
 * scripted faults: `plan(attempt, externalId)` (attempt counts from 1, per key) returns null
 * (answer 200) or a fault: { kind: "500" | "429" | "slow" | "drop", ... }. "slow" and "drop"
 * create the session before they answer late or hang up, as a real provider that fails after
 * committing would; "500" and "429" refuse before creating anything.
 */
async function startFaultyProvider(apiKey) {
  let plan = () => null;
  let stats;
  const timers = new Set();
  const reset = (next = () => null) => {
    plan = next;
    stats = {
      requests: 0, // POST /v1/sessions received
      unauthorized: 0,
      noKey: 0,
      conflicts: 0,
      faults: {}, // by kind
      keys: new Map(), // Idempotency-Key → { attempts, body, externalId, session, times: [] }
      created: 0, // sessions created (creation events)
      externals: new Map(), // external_id → Set of Idempotency-Keys it came with
      ids: new Map(), // session id → key
      late: { cancelled: 0, written: 0 }, // slow answers: the proxy had hung up, or took them
    };
  };
  reset();
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = createServer((req, res) => {
    req.on("error", () => {});
    res.on("error", () => {});
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const json = (status, body, headers = {}) => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
      };
      const url = new URL(req.url, "http://provider");
      if (req.headers["x-api-key"] !== apiKey) {
        stats.unauthorized++;
        return json(401, { code: "unauthorized", message: "Invalid API key" });
      }
      const get = url.pathname.match(/^\/v1\/sessions\/([^/]+)$/);
      if (req.method === "GET" && get) {
        if (get[1] === "drop-me") return req.socket.destroy();
        const key = stats.ids.get(get[1]);
        if (!key) return json(404, { code: "session_not_found", message: "No such session" });
        return json(200, { id: get[1], sessionRecord: {} });
      }
      if (req.method !== "POST" || url.pathname !== "/v1/sessions") return json(404, { code: "not_found" });
      stats.requests++;
      const key = req.headers["idempotency-key"];
      if (!key) {
        stats.noKey++;
        return json(400, { code: "invalid_request", message: "Idempotency-Key is required" });
      }
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return json(400, { code: "invalid_request", message: "Not JSON" });
      }
      let entry = stats.keys.get(key);
      if (!entry) {
        entry = { attempts: 0, body: text, externalId: body.external_id, session: undefined, times: [] };
        stats.keys.set(key, entry);
      }
      entry.attempts++;
      entry.times.push(Date.now());
      if (entry.body !== text) {
        stats.conflicts++;
        return json(422, { code: "idempotency_conflict", message: "Key reused with another body" });
      }
      if (!stats.externals.has(body.external_id)) stats.externals.set(body.external_id, new Set());
      stats.externals.get(body.external_id).add(key);
      const create = () => {
        if (!entry.session) {
          const id = randomUUID();
          entry.session = { idv_id: id, session_url: `https://app.deepidv.com/s/${id}`, external_id: body.external_id, links: [] };
          stats.created++;
          stats.ids.set(id, key);
        }
        return entry.session;
      };
      const fault = plan(entry.attempts, body.external_id);
      if (fault) stats.faults[fault.kind] = (stats.faults[fault.kind] ?? 0) + 1;
      switch (fault?.kind) {
        case "500":
          return json(500, { code: "internal_error", message: "Something went wrong" });
        case "429": {
          const headers = { "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0" };
          headers["X-RateLimit-Reset"] = String(fault.reset ?? Math.ceil(Date.now() / 1000));
          if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
          return json(429, { code: "rate_limited", message: "Too many requests" }, headers);
        }
        case "slow": {
          const session = create();
          const late = stats.late;
          let hungUp = false;
          res.on("close", () => (hungUp ||= !res.writableEnded));
          return later(fault.ms, () => {
            if (hungUp || res.destroyed) late.cancelled++;
            else late.written++;
            json(200, session);
          });
        }
        case "drop":
          create();
          return req.socket.destroy();
        default:
          return json(200, create());
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get stats() {
      return stats;
    },
    reset,
    /** Resolves once every late answer has been sent (or dropped). */
    async settled(limitMs = 10_000) {
      for (let waited = 0; timers.size && waited < limitMs; waited += 50) await new Promise((ok) => setTimeout(ok, 50));
      assert.equal(timers.size, 0, "late answers still pending");
    },
    /** Changes the faults, keeping the sessions and counters. */
    setPlan(next) {
      plan = next;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

let provider;
let demo;
let sessionsUrl;
/** Every answer createSession got from the proxy, recorded by a wrapper around global fetch. */
let observed;
const realFetch = globalThis.fetch;
/**
 * What the worker logged (Miniflare prints workerd's output line by line through console.log
 * and console.error): its `console.error("proxy error", e)` lines are counted here by message
 * instead of flooding the test output with stacks; other lines pass through.
 */
const workerLog = { errors: {}, other: [] };
const realConsole = { log: console.log, error: console.error };
function captureWorkerLog(level) {
  let inError = false;
  console[level] = (...args) => {
    const line = args.map(String).join(" ").replace(/\x1b\[[0-9;]*m/g, "");
    if (line.startsWith("proxy-faults[")) return realConsole[level](...args);
    if (line.startsWith("proxy error ")) {
      const what = line.slice("proxy error ".length).replace(/ \{$/, "");
      workerLog.errors[what] = (workerLog.errors[what] ?? 0) + 1;
      inError = true;
      return;
    }
    // The rest of a logged error: its stack and properties, up to the closing brace.
    if (inError && (/^\s/.test(line) || line === "}")) {
      if (line === "}") inError = false;
      return;
    }
    inError = false;
    workerLog.other.push(line);
    realConsole[level](...args);
  };
}
/** Waits (up to 3 s) until the worker has logged `count` proxy errors in all; returns the tally. */
async function workerErrors(count) {
  const total = () => Object.values(workerLog.errors).reduce((a, b) => a + b, 0);
  for (let waited = 0; total() < count && waited < 3_000; waited += 50) await new Promise((ok) => setTimeout(ok, 50));
  return { ...workerLog.errors };
}

before(async () => {
  captureWorkerLog("log");
  captureWorkerLog("error");
  provider = await startFaultyProvider(API_KEY);
  const port = await freePort();
  const providerPort = await freePort(); // unused: the stand-in provider is not started
  demo = await startDemo({ port, providerPort, providerUrl: provider.url, apiKey: API_KEY, out: `${outDir("proxy-faults")}demo/` });
  sessionsUrl = `${demo.url}/api/idv/sessions`;
  // createSession calls the global fetch; the wrapper sees each attempt and each answer.
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!observed || !url.startsWith(sessionsUrl)) return realFetch(input, init);
    observed.attempts++;
    let response;
    try {
      response = await realFetch(input, init);
    } catch (e) {
      const kind = init?.signal?.aborted ? "client timeout" : "client network";
      observed.failures[kind] = (observed.failures[kind] ?? 0) + 1;
      throw e;
    }
    const status = response.status;
    const headers = response.headers;
    observed.reads.push(
      response
        .clone()
        .text()
        .then(
          (text) => observed.answers.push({ status, headers, text }),
          () => (observed.failures["client timeout (body)"] = (observed.failures["client timeout (body)"] ?? 0) + 1),
        ),
    );
    return response;
  };
});

after(async () => {
  globalThis.fetch = realFetch;
  await demo?.close();
  await provider?.close();
  Object.assign(console, realConsole);
});

/** Checks one error answer of the proxy: JSON, a code, no stack trace, no API key. */
function assertWellFormedError(status, headers, text, what) {
  assert.match(headers.get("content-type") ?? "", /^application\/json/, `${what}: Content-Type`);
  let body;
  assert.doesNotThrow(() => (body = JSON.parse(text)), `${what}: not JSON: ${text.slice(0, 200)}`);
  assert.equal(typeof body, "object", what);
  assert.equal(typeof body.code, "string", `${what}: no code in ${text.slice(0, 200)}`);
  assert.ok(!text.includes(API_KEY), `${what}: the API key leaked`);
  assert.ok(!/\bat .+:\d+:\d+|Error:|stack/i.test(text), `${what}: a stack trace or error text leaked: ${text.slice(0, 200)}`);
  return body;
}

/** Checks every answer the proxy gave during a scenario; returns counts by "status code". */
function checkAnswers() {
  const byStatus = {};
  for (const { status, headers, text } of observed.answers) {
    let label = String(status);
    if (status === 200) {
      const body = JSON.parse(text);
      assert.match(body.idv_id, UUID);
      assert.equal(body.session_url, `https://app.deepidv.com/s/${body.idv_id}`);
    } else {
      const body = assertWellFormedError(status, headers, text, `proxy answer ${status}`);
      label += ` ${body.code}`;
      if (status === 429) {
        // The proxy passes the provider's rate-limit headers through.
        assert.equal(headers.get("x-ratelimit-limit"), "100");
        assert.equal(headers.get("x-ratelimit-remaining"), "0");
        assert.ok(headers.get("x-ratelimit-reset"));
      }
    }
    byStatus[label] = (byStatus[label] ?? 0) + 1;
  }
  return byStatus;
}

/**
 * Runs `count` concurrent createSession calls (options per client from `optionsOf(i)`), each
 * with its own externalId so the provider can tell which keys each client used; returns the
 * outcomes in client order, each { externalId, session } or { externalId, error }.
 */
async function runClients(name, count, optionsOf, extraLoad = async () => {}) {
  observed = { attempts: 0, failures: {}, answers: [], reads: [] };
  workerLog.errors = {};
  const started = Date.now();
  const calls = Array.from({ length: count }, (_, i) => {
    const { group = "c", ...options } = optionsOf(i);
    const externalId = `${name}-${group}-${i}`;
    let timer;
    const hang = new Promise((ok) => (timer = setTimeout(() => ok({ externalId, hung: true }), HANG_MS)));
    const call = createSession(sessionsUrl, { ...PERSON, externalId }, { allowInsecureProxy: true, ...options }).then(
      (session) => ({ externalId, group, session }),
      (error) => ({ externalId, group, error }),
    );
    return Promise.race([call, hang]).finally(() => clearTimeout(timer));
  });
  const [outcomes] = await Promise.all([Promise.all(calls), extraLoad()]);
  const wallMs = Date.now() - started;
  await Promise.allSettled(observed.reads);
  const hung = outcomes.filter((o) => o.hung);
  assert.equal(hung.length, 0, `calls still pending after ${HANG_MS} ms: ${hung.map((o) => o.externalId).join(", ")}`);
  for (const o of outcomes) {
    if (o.error) assert.ok(o.error instanceof IdvError, `${o.externalId}: not an IdvError: ${o.error}`);
  }
  return { outcomes, wallMs };
}

/**
 * The checks every scenario shares: one Idempotency-Key per client at the provider, one session
 * per key, each successful call holding its key's session, no session lost or duplicated.
 */
function checkIdempotency(outcomes) {
  const { stats } = provider;
  assert.equal(stats.unauthorized, 0, "the proxy always sends the API key");
  assert.equal(stats.noKey, 0, "the proxy always forwards the Idempotency-Key");
  assert.equal(stats.conflicts, 0, "a key never came back with another body");
  const ids = new Set();
  for (const o of outcomes) {
    const keys = stats.externals.get(o.externalId);
    if (!keys) {
      // Never reached the provider: only possible for a call that failed.
      assert.ok(o.error, `${o.externalId} succeeded without reaching the provider`);
      continue;
    }
    assert.equal(keys.size, 1, `${o.externalId}: its retries used ${keys.size} Idempotency-Keys`);
    const [key] = keys;
    assert.match(key, UUID, "createSession's own key is a UUID");
    const entry = stats.keys.get(key);
    assert.ok(entry.attempts >= 1);
    if (o.session) {
      assert.ok(entry.session, `${o.externalId}: a session the provider never created`);
      assert.equal(o.session.id, entry.session.idv_id, `${o.externalId}: not its key's session`);
      assert.equal(o.session.sessionUrl, entry.session.session_url);
      assert.equal(o.session.externalId, o.externalId);
      assert.ok(!ids.has(o.session.id), `${o.externalId}: session ${o.session.id} returned twice`);
      ids.add(o.session.id);
    }
  }
  // Each creation is a distinct key's one session: creation events == keys holding a session.
  const withSession = [...stats.keys.values()].filter((e) => e.session).length;
  assert.equal(stats.created, withSession, "a key created more than one session");
  assert.equal(stats.ids.size, stats.created);
  // Every key the provider saw belongs to exactly one client of this run.
  assert.equal(stats.externals.size, stats.keys.size, "one key per client");
  return ids;
}

/**
 * The worker's own log: one "proxy error" line per proxy_error answer (plus `extra`), each a
 * lost provider connection, never anything else (no exception of its own code).
 */
async function checkWorkerLog(answers, extra = 0) {
  const expected = (answers["500 proxy_error"] ?? 0) + extra;
  const logged = await workerErrors(expected);
  const total = Object.values(logged).reduce((a, b) => a + b, 0);
  assert.equal(total, expected, `the worker logged ${JSON.stringify(logged)}`);
  for (const what of Object.keys(logged)) assert.equal(what, "Error: Network connection lost.", "an unexpected error in the worker");
  return logged;
}

function figures(name, { outcomes, wallMs }, answers, logged = workerLog.errors) {
  const { stats } = provider;
  const errors = {};
  for (const o of outcomes) {
    if (o.error) {
      const label = `${o.error.code}${o.error.status ? ` ${o.error.status}` : ""}`;
      errors[label] = (errors[label] ?? 0) + 1;
    }
  }
  const errorCount = outcomes.filter((o) => o.error).length;
  const list = (o) => Object.entries(o).map(([k, v]) => `${k} ×${v}`).join(", ") || "none";
  console.log(
    `proxy-faults[${name}]: ${outcomes.length} clients, ${observed.attempts} attempts (${observed.attempts - outcomes.length} retries), ` +
      `${stats.requests} provider requests, ${stats.created} sessions created, ${outcomes.length - errorCount} sessions returned, ` +
      `${errorCount} errors (${list(errors)}); provider faults: ${list(stats.faults)}; proxy answers: ${list(answers)}; ` +
      `client-side failures: ${list(observed.failures)}; worker logged: ${list(logged)}; ${(wallMs / 1000).toFixed(1)} s`,
  );
  return errors;
}

/** All succeeded, and the provider made exactly as many sessions as there were clients. */
function assertAllCreated(outcomes, ids) {
  const failed = outcomes.filter((o) => o.error);
  assert.deepEqual(failed.map((o) => `${o.externalId}: ${o.error.code} ${o.error.status ?? ""}`), []);
  assert.equal(ids.size, CLIENTS);
  assert.equal(provider.stats.created, CLIENTS, "sessions created at the provider");
  assert.equal(provider.stats.keys.size, CLIENTS, "distinct keys at the provider");
}

test("slow provider: answers past timeoutMs are retried with the same key, one session each", { timeout: 60_000 }, async () => {
  // The first attempt of each key: the session is created at once, the answer comes 3 s later,
  // after the client (timeoutMs 1.2 s) has given up; the retry gets the same session.
  provider.reset((attempt) => (attempt === 1 ? { kind: "slow", ms: 3_000 } : null));
  const run = await runClients("slow", CLIENTS, () => ({ timeoutMs: 1_200, maxRetries: 5, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  figures("slow", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  for (const entry of provider.stats.keys.values()) assert.ok(entry.attempts >= 2, "the slow first answer was not waited for");
  // When a client gives up, does workerd cancel the subrequest to the provider? Observed: it
  // does not, the late answers are read; counted, not asserted, as either is harmless here.
  await provider.settled();
  const { late } = provider.stats;
  console.log(`proxy-faults[slow]: late answers: ${late.cancelled} to a connection the proxy had closed, ${late.written} written`);
  assert.equal(late.cancelled + late.written, CLIENTS);
  assert.ok((observed.failures["client timeout"] ?? 0) >= CLIENTS, "each client timed out at least once");
  // An attempt can be cut by the client before the proxy forwards it, never the other way round.
  assert.ok(provider.stats.requests <= observed.attempts, "the proxy sent requests nobody made");
});

test("dropped connections: the provider hangs up after creating; retries find the same session", { timeout: 60_000 }, async () => {
  provider.reset((attempt) => (attempt <= 2 ? { kind: "drop" } : null));
  const run = await runClients("drop", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  figures("drop", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  // workerd turns a dropped provider connection into an exception, which the proxy answers as
  // its own fixed 500 { code: "proxy_error" }: retried by the client like any 5xx.
  assert.equal(answers["500 proxy_error"], 2 * CLIENTS, JSON.stringify(answers));
  assert.equal(answers["200"], CLIENTS);
  // Nothing lost or duplicated between the client and the provider.
  assert.equal(provider.stats.requests, observed.attempts, "requests at the provider == attempts by the clients");
  assert.equal(provider.stats.requests, 3 * CLIENTS);
});

test("500s: retried with backoff, one session each", { timeout: 60_000 }, async () => {
  provider.reset((attempt) => (attempt <= 2 ? { kind: "500" } : null));
  const run = await runClients("500s", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  figures("500s", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  assert.equal(answers["500 internal_error"], 2 * CLIENTS, JSON.stringify(answers));
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(provider.stats.requests, 3 * CLIENTS);
});

test("429 storm: Retry-After and X-RateLimit-Reset pass through the proxy and are honoured", { timeout: 60_000 }, async () => {
  // Attempt 1: Retry-After: 0; attempt 2: X-RateLimit-Reset only (the next whole second);
  // attempt 3: Retry-After: 1; then 200.
  provider.reset((attempt) =>
    attempt === 1 ? { kind: "429", retryAfter: 0 } : attempt === 2 ? { kind: "429" } : attempt === 3 ? { kind: "429", retryAfter: 1 } : null,
  );
  const run = await runClients("429", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 1_500 }));
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  figures("429", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  assert.equal(answers["429 rate_limited"], 3 * CLIENTS, JSON.stringify(answers));
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(provider.stats.requests, 4 * CLIENTS);
  for (const entry of provider.stats.keys.values()) {
    // Retry-After: 1 was waited for (a little slack for timer granularity).
    assert.ok(entry.times[3] - entry.times[2] >= 950, `waited only ${entry.times[3] - entry.times[2]} ms after Retry-After: 1`);
  }
});

test("429 storm, global limit: 60 sessions a second for 200 clients at once", { timeout: 60_000 }, async () => {
  // A fixed one-second window for everyone (not per key): over the limit, 429 with
  // Retry-After: 1, so the refused clients come back together in the next window.
  const LIMIT = 60;
  const admitted = new Map();
  provider.reset(() => {
    const window = Math.floor(Date.now() / 1000);
    const used = admitted.get(window) ?? 0;
    if (used >= LIMIT) return { kind: "429", retryAfter: 1, reset: window + 1 };
    admitted.set(window, used + 1);
    return null;
  });
  const run = await runClients("storm", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 6, maxDelayMs: 1_500 }));
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  figures("storm", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(answers["429 rate_limited"], provider.stats.requests - CLIENTS);
  assert.ok(Math.max(...admitted.values()) <= LIMIT);
  assert.ok(admitted.size >= Math.ceil(CLIENTS / LIMIT), `sessions made over ${admitted.size} windows`);
});

test("faults outlast the retries: documented codes, well-formed answers, then recovery with the same key", { timeout: 60_000 }, async () => {
  const GROUPS = ["always500", "alwaysDrop", "alwaysSlow", "long429", "zero429"];
  const groupOf = (externalId) => externalId.split("-")[1];
  provider.reset((attempt, externalId) => {
    switch (groupOf(externalId)) {
      case "always500": return { kind: "500" };
      case "alwaysDrop": return { kind: "drop" };
      case "alwaysSlow": return { kind: "slow", ms: 3_000 };
      case "long429": return { kind: "429", retryAfter: 5 };
      case "zero429": return { kind: "429", retryAfter: 0 };
    }
    return null;
  });
  const run = await runClients("outlast", CLIENTS, (i) => {
    const group = GROUPS[i % GROUPS.length];
    // The slow group alone has a short timeout, so that the others' answers under load are
    // never mistaken for timeouts.
    return { group, maxRetries: 2, maxDelayMs: 100, timeoutMs: group === "alwaysSlow" ? 500 : 10_000 };
  });
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers);
  const errors = figures("outlast", run, answers, logged);
  checkIdempotency(run.outcomes);
  const per = CLIENTS / GROUPS.length;
  assert.deepEqual(errors, {
    "upstream_error 500": 2 * per, // the provider's 500s, and its dropped connections (proxy_error)
    timeout: per,
    "rate_limited 429": 2 * per,
  });
  for (const o of run.outcomes) {
    const { code, retryAfterMs } = o.error;
    const attempts = provider.stats.keys.get([...provider.stats.externals.get(o.externalId)][0]).attempts;
    switch (o.group) {
      case "always500":
      case "alwaysDrop":
        assert.equal(code, "upstream_error");
        assert.equal(attempts, 3);
        break;
      case "alwaysSlow":
        assert.equal(code, "timeout");
        assert.ok(attempts >= 1 && attempts <= 3);
        break;
      case "long429":
        // Retry-After (5 s) is longer than maxDelayMs: final at once, with the wait.
        assert.equal(code, "rate_limited");
        assert.equal(retryAfterMs, 5_000);
        assert.equal(attempts, 1);
        break;
      case "zero429":
        assert.equal(code, "rate_limited");
        assert.equal(retryAfterMs, 0);
        assert.equal(attempts, 3);
        break;
    }
  }
  assert.equal(answers["500 proxy_error"], 3 * per);
  assert.equal(answers["500 internal_error"], 3 * per);
  // The sessions created but never delivered: the dropped and the slow ones.
  const undelivered = new Map();
  for (const [key, entry] of provider.stats.keys) if (entry.session) undelivered.set(key, entry.session.idv_id);
  assert.equal(undelivered.size, 2 * per);

  // Recovery: faults over, each client calls again with its own key (as an app would after an
  // error): the undelivered sessions come back as they were, the others are created now, and
  // still one session per key.
  provider.setPlan(() => null);
  const keys = run.outcomes.map((o) => [...provider.stats.externals.get(o.externalId)][0]);
  const recovered = await Promise.all(
    run.outcomes.map((o, i) =>
      createSession(sessionsUrl, { ...PERSON, externalId: o.externalId }, { allowInsecureProxy: true, idempotencyKey: keys[i], maxRetries: 2, maxDelayMs: 100 }),
    ),
  );
  const ids = new Set(recovered.map((s) => s.id));
  assert.equal(ids.size, CLIENTS);
  recovered.forEach((session, i) => {
    assert.equal(session.id, provider.stats.keys.get(keys[i]).session.idv_id);
    if (undelivered.has(keys[i])) assert.equal(session.id, undelivered.get(keys[i]), "the committed session came back");
  });
  assert.equal(provider.stats.created, CLIENTS, "recovery created only the sessions that did not exist");
  assert.equal(provider.stats.keys.size, CLIENTS);
  console.log(`proxy-faults[outlast]: recovery with the same keys: ${CLIENTS} sessions returned, ${undelivered.size} of them created during the faults, ${provider.stats.created} sessions in all`);
});

test("mixed faults under load, with malformed requests straight to the proxy", { timeout: 60_000 }, async () => {
  // Client i: per i % 5, no fault, one slow answer, one dropped connection, two 500s, or two
  // 429s (Retry-After: 0).
  const KINDS = ["clean", "slow", "drop", "e500", "r429"];
  provider.reset((attempt, externalId) => {
    switch (externalId.split("-")[1]) {
      case "slow": return attempt === 1 ? { kind: "slow", ms: 2_500 } : null;
      case "drop": return attempt === 1 ? { kind: "drop" } : null;
      case "e500": return attempt <= 2 ? { kind: "500" } : null;
      case "r429": return attempt <= 2 ? { kind: "429", retryAfter: 0 } : null;
    }
    return null;
  });
  const malformed = [];
  const run = await runClients(
    "mixed",
    CLIENTS,
    (i) => ({ group: KINDS[i % KINDS.length], timeoutMs: 1_200, maxRetries: 5, maxDelayMs: 100 }),
    async () => {
      // While the clients run: requests the proxy must refuse, each with a well-formed answer.
      await new Promise((ok) => setTimeout(ok, 50));
      const post = (body, headers = {}) =>
        realFetch(sessionsUrl, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), ...headers }, body });
      const cases = [
        ["not JSON", 400, "invalid_request", () => post("{not json")],
        ["empty body", 400, "invalid_request", () => post("")],
        ["JSON array", 400, "invalid_input", () => post("[]")],
        ["missing fields", 400, "invalid_request", () => post("{}")],
        ["bad phone", 400, "invalid_request", () => post(JSON.stringify({ ...PERSON, phone: "555-1234" }))],
        ["an apiKey field", 400, "invalid_request", () => post(JSON.stringify({ ...PERSON, apiKey: "sk_live_x" }))],
        ["huge name", 400, "input_too_long", () => post(JSON.stringify({ ...PERSON, firstName: "J".repeat(100_000) }))],
        ["foreign origin", 403, "origin_not_allowed", () => post(JSON.stringify(PERSON), { Origin: "https://evil.example" })],
        ["PUT", 404, "not_found", () => realFetch(sessionsUrl, { method: "PUT", body: "{}" })],
        ["bad session id", 400, "invalid_session_id", () => realFetch(`${sessionsUrl}/bad!id`)],
        ["unknown session", 404, "session_not_confirmed", () => realFetch(`${sessionsUrl}/no-such-session`)],
        ["provider hangs up", 500, "proxy_error", () => realFetch(`${sessionsUrl}/drop-me`)],
      ];
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          cases.map(async ([what, status, code, send]) => {
            const response = await send();
            const text = await response.text();
            malformed.push(what);
            assert.equal(response.status, status, `${what}: ${text.slice(0, 200)}`);
            const body = assertWellFormedError(response.status, response.headers, text, what);
            assert.equal(body.code, code, what);
            if (code === "invalid_request" && what !== "not JSON" && what !== "empty body") assert.equal(typeof body.field, "string", what);
          }),
        );
      }
    },
  );
  const answers = checkAnswers();
  const logged = await checkWorkerLog(answers, 3); // the three GETs the provider hung up on
  figures("mixed", run, answers, logged);
  assertAllCreated(run.outcomes, checkIdempotency(run.outcomes));
  for (const o of run.outcomes) {
    const attempts = provider.stats.keys.get([...provider.stats.externals.get(o.externalId)][0]).attempts;
    const least = { clean: 1, slow: 2, drop: 2, e500: 3, r429: 3 }[o.group];
    assert.ok(attempts >= least, `${o.externalId}: ${attempts} attempts`);
  }
  // The refused requests never reached the provider's POST (the malformed ones carry keys that
  // would show up in its stats).
  assert.equal(provider.stats.keys.size, CLIENTS);
  console.log(`proxy-faults[mixed]: ${malformed.length} malformed requests during the load, all refused with well-formed JSON`);
});
