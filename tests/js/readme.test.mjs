// README.md's code, held to the package: every ```js block parses as a module; every name it
// imports from idv-handoff or idv-handoff/server is one the installed package exports; the
// examples whose result README writes in a comment (`// { … }` after a call) give that result;
// and the server blocks run in Node: the Worker quick start, the node:http mounting, the Next.js
// route (behind next start's localhost, with publicOrigin) and the hooks block, with a stand-in
// for the remote provider (global fetch, as deepidv's documents answer) because these machines
// cannot reach it. The browser blocks run in Chromium: readme-browser.test.mjs. The other
// runtimes' recipes (wrangler, Deno, Bun, Express, Hono) run as apps in tests/clients.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { transform } from "esbuild";
import * as client from "idv-handoff";
import * as server from "idv-handoff/server";
import { ROOT } from "./helpers/paths.mjs";

const README = readFileSync(`${ROOT}README.md`, "utf8");
const BLOCKS = [...README.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => ({
  code: m[1],
  line: README.slice(0, m.index).split("\n").length,
}));
// Modules written here resolve idv-handoff from the workspace's node_modules.
const WORK = `${ROOT}target/readme-blocks/`;
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

const blockWith = (text) => {
  const block = BLOCKS.find((b) => b.code.includes(text));
  assert.ok(block, `README has a js block with ${text}`);
  return block;
};

test("README has its code blocks", () => {
  assert.ok(BLOCKS.length >= 15, `${BLOCKS.length} js blocks`);
});

test("every js block parses as a module", async () => {
  for (const { code, line } of BLOCKS) {
    await assert.doesNotReject(transform(code, { loader: "js", format: "esm" }), `README line ${line}`);
  }
});

test("every name imported from the package is one it exports", () => {
  const modules = { "idv-handoff": client, "idv-handoff/server": server, "npm:idv-handoff/server": server };
  let checked = 0;
  for (const { code, line } of BLOCKS) {
    for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
      const module = modules[m[2]];
      if (!module) continue;
      for (const name of m[1].split(",").map((s) => s.replace(/\/\/.*$/gm, "").trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
        assert.ok(name in module, `README line ${line}: ${m[2]} exports no ${name}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 20, `${checked} imported names checked`);
});

test("the examples give the results README writes after them", () => {
  const { normalizeSessionRequest, parseCallback, buildHandoffUrl } = client;
  const normalized = blockWith("normalizeSessionRequest({ firstName");
  const call = normalized.code.split("\n")[0].replace(/;$/, "");
  assert.deepEqual(eval(call), JSON.parse(
    normalized.code.split("\n")[1].replace(/^\/\/ /, "").replace(/(\w+):/g, '"$1":'),
  ));
  const parsed = blockWith('parseCallback("https://yourapp.com/done?session_id=abc123');
  const result = parseCallback("https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch");
  // The commented result: each `key: value` line (undefined values are absent keys).
  for (const m of parsed.code.matchAll(/^\/\/\s+(\w+): ("[^"]*"|undefined)/gm)) {
    assert.equal(result[m[1]], m[2] === "undefined" ? undefined : JSON.parse(m[2]), m[1]);
  }
  const built = buildHandoffUrl("https://app.deepidv.com/s/abc", { redirectUrl: "https://yourapp.com/done", state: client.createState(), allowedRedirectOrigins: ["https://yourapp.com"] });
  const written = /\/\/ "([^"…]*)…"/.exec(blockWith('buildHandoffUrl("https://app.deepidv.com/s/abc"').code)[1];
  assert.ok(built.startsWith(written), `${built} starts with ${written}`);
});

/** A stand-in for deepidv's API (000, 002) behind global fetch, for the quick starts. */
function fakeDeepidv() {
  const seen = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url);
    if (url.origin !== "https://api.deepidv.com") return real(input, init);
    seen.push({ method: init.method ?? "GET", path: url.pathname, key: new Headers(init.headers).get("x-api-key"), body: init.body });
    if (init.method === "POST") {
      return Response.json({ idv_id: "sess_1", session_url: "https://app.deepidv.com/s/sess_1", links: [] });
    }
    return Response.json({ sessionRecord: { id: "sess_1", status: "SUBMITTED" }, resourceLinks: {} });
  };
  return { seen, restore: () => (globalThis.fetch = real) };
}

const REQUEST = {
  first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567",
  redirect_url: "https://yourapp.com/idv/return",
};

/** The create and the status read through `handle`, and a foreign return URL refused. */
async function exercise(call, seen) {
  const created = await call("POST", "/api/idv/sessions", REQUEST);
  assert.equal(created.status, 200, created.text);
  assert.equal(JSON.parse(created.text).idv_id, "sess_1");
  const again = await call("POST", "/api/idv/sessions", REQUEST);
  assert.equal(again.text, created.text);
  assert.equal(seen.filter((s) => s.method === "POST").length, 1, "one provider create for one key");
  assert.equal(seen[0].key, "sk_readme");
  const foreign = await call("POST", "/api/idv/sessions", { ...REQUEST, redirect_url: "https://evil.example/idv/return" }, "k-2");
  assert.equal(foreign.status, 400);
  assert.equal(JSON.parse(foreign.text).code, "return_url_not_allowed");
  const status = await call("GET", "/api/idv/sessions/sess_1");
  assert.equal(status.status, 200);
  const summary = JSON.parse(status.text);
  assert.deepEqual([summary.provider, summary.id, summary.status, summary.final], ["deepidv", "sess_1", "submitted", true]);
  for (const answer of [created, foreign, status]) assert.ok(!answer.text.includes("sk_readme"));
}

test("the Worker quick start answers a create and a status read", async () => {
  const { code } = blockWith('import { createIdvHandler } from "idv-handoff/server";\n\nlet handle;');
  writeFileSync(`${WORK}worker.mjs`, code);
  const worker = (await import(`${WORK}worker.mjs`)).default;
  const fake = fakeDeepidv();
  const waited = [];
  const ctx = { waitUntil: (p) => waited.push(p) };
  try {
    await exercise(async (method, path, body, key = "k-1") => {
      const request = new Request(`https://yourapp.com${path}`, {
        method,
        headers: body ? { "Content-Type": "application/json", "Idempotency-Key": key } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const response = await worker.fetch(request, { IDV_API_KEY: "sk_readme" }, ctx);
      return { status: response.status, text: await response.text() };
    }, fake.seen);
    assert.ok(waited.length >= 1, "creates run under ctx.waitUntil");
  } finally {
    fake.restore();
  }
});

test("the node:http mounting answers a create and a status read", async () => {
  const { code } = blockWith('import { createServer } from "node:http";');
  assert.match(code, /publicOrigin: "https:\/\/yourapp.com"/);
  // The block listens on 3000; here on a free port, and it is closed afterwards.
  const source = code.replace(".listen(3000);", '.listen(0, "127.0.0.1");').replace(/^(createServer\(.*)$/m, "export const listening = $1");
  writeFileSync(`${WORK}node-http.mjs`, source);
  process.env.IDV_API_KEY = "sk_readme";
  const fake = fakeDeepidv();
  const { listening } = await import(`${WORK}node-http.mjs`);
  await new Promise((ok) => (listening.listening ? ok() : listening.once("listening", ok)));
  const port = listening.address().port;
  try {
    await exercise((method, path, body, key = "k-1") => new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: body ? { "Content-Type": "application/json", "Idempotency-Key": key } : {} }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject);
      req.end(body ? JSON.stringify(body) : undefined);
    }), fake.seen);
  } finally {
    fake.restore();
    listening.closeAllConnections();
    await new Promise((ok) => listening.close(ok));
  }
});

test("the beforeCreate and beforeStatus block: no user 401, too many 429, someone else's session 404, yours answered", async () => {
  const code = blockWith("async beforeCreate(request) {").code;
  // The block's own helpers, left to the reader: a user from a header, a limit, an owner list.
  const source = `import { createIdvHandler } from "idv-handoff/server";
const currentUser = async (request) => (request.headers.get("X-User") ? { id: request.headers.get("X-User") } : null);
const tooManyAttempts = async (id) => id === "busy";
const ownsSession = async (request, sessionId) => request.headers.get("X-User") === "jane" && sessionId === "sess_1";
${code}
export { handle };
`;
  writeFileSync(`${WORK}hooks.mjs`, source);
  process.env.IDV_API_KEY = "sk_readme";
  const { handle } = await import(`${WORK}hooks.mjs`);
  const fake = fakeDeepidv();
  const call = async (method, path, user, body) => {
    const headers = { ...(user ? { "X-User": user } : {}), ...(body ? { "Content-Type": "application/json", "Idempotency-Key": "k-hooks" } : {}) };
    const response = await handle(new Request(`https://yourapp.com${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined }));
    return { status: response.status, text: await response.text(), retryAfter: response.headers.get("Retry-After") };
  };
  try {
    assert.deepEqual(await call("POST", "/api/idv/sessions", null, REQUEST), { status: 401, text: "sign in first", retryAfter: null });
    assert.deepEqual(await call("POST", "/api/idv/sessions", "busy", REQUEST), { status: 429, text: "try again later", retryAfter: "60" });
    assert.equal(fake.seen.length, 0, "refused before the provider");
    const created = await call("POST", "/api/idv/sessions", "jane", REQUEST);
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(await call("GET", "/api/idv/sessions/sess_1", "mallory"), { status: 404, text: "not yours", retryAfter: null });
    const mine = await call("GET", "/api/idv/sessions/sess_1", "jane");
    assert.equal(mine.status, 200);
    assert.equal(JSON.parse(mine.text).status, "submitted");
  } finally {
    fake.restore();
  }
});

test("the Next.js route block: with publicOrigin, the app's own origin may create and read behind next start's localhost", async () => {
  const code = blockWith('export const runtime = "nodejs"; // or "edge"').code;
  writeFileSync(`${WORK}route.mjs`, code);
  process.env.IDV_API_KEY = "sk_readme";
  const route = await import(`${WORK}route.mjs`);
  assert.equal(route.runtime, "nodejs");
  const fake = fakeDeepidv();
  try {
    // As `next start` hands it over: request.url on http://localhost:3000, the browser's Origin the app's.
    await exercise(async (method, path, body, key = "k-1") => {
      const request = new Request(`http://localhost:3000${path}`, {
        method,
        headers: { Origin: "https://yourapp.com", ...(body ? { "Content-Type": "application/json", "Idempotency-Key": key } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const response = await route[method](request, {});
      return { status: response.status, text: await response.text() };
    }, fake.seen);
    const preflight = await route.OPTIONS(new Request("http://localhost:3000/api/idv/sessions", { method: "OPTIONS", headers: { Origin: "https://yourapp.com", "Access-Control-Request-Method": "POST" } }));
    assert.equal(preflight.status, 204);
  } finally {
    fake.restore();
  }
});
