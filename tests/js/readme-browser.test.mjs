// README.md's browser code, run in headless Chromium at the URLs it names: the page is
// https://yourapp.com (Playwright answers for it), its API is README's own Worker quick start
// (createIdvHandler, run here in Node), and the remote provider is a stand-in behind Node's
// global fetch, answering as deepidv's documents do (000, 002), because these machines cannot
// reach it. Each block runs as it is written, with the package's exports in scope (its import
// lines are checked by readme.test.mjs) and the few names it leaves to the reader (`show`,
// `button`, `proxyUrl`…) defined before it. What each block must do is checked after it: the
// hosted page reached through /idv/start, the state cookie, the result page, the summaries
// shown, the new tab.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import * as client from "idv-handoff";
import { createIdvHandler } from "idv-handoff/server";
import { launchChromium } from "./helpers/chromium.mjs";
import { ROOT } from "./helpers/paths.mjs";

const README = readFileSync(`${ROOT}README.md`, "utf8");
const BLOCKS = [...README.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const APP = "https://yourapp.com";
const HOSTED = "https://app.deepidv.com";
const API_KEY = "sk_readme_browser";
const WORK = `${ROOT}target/readme-browser/`;

/** The README block that contains `text` (exactly one). */
function blockWith(text) {
  const found = BLOCKS.filter((b) => b.includes(text));
  assert.equal(found.length, 1, `one README js block contains ${JSON.stringify(text)}`);
  return found[0];
}

/** The block's code without its imports from the package (their names are put in scope). */
const bodyOf = (code) => code.replace(/^import\s*\{[^}]*\}\s*from\s*"idv-handoff";?[^\n]*\n/gm, "");

// ---------------------------------------------------------------------------------------------
// deepidv's API behind Node's global fetch: each create a new session; a read answers SUBMITTED.
const sessions = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.origin === "https://verification.didit.me") return didit(url, init);
  if (url.origin !== "https://api.deepidv.com") return realFetch(input, init);
  assert.equal(new Headers(init.headers).get("x-api-key"), API_KEY);
  if (init.method === "POST") {
    const id = `sess_${sessions.length + 1}`;
    sessions.push({ id, body: JSON.parse(init.body) });
    // "externalId … only returned if provided in the request" (000).
    const { external_id: externalId } = JSON.parse(init.body);
    return Response.json({ idv_id: id, session_url: `${HOSTED}/s/${id}`, ...(externalId ? { externalId } : {}), links: [] }, { status: 201 });
  }
  const id = url.pathname.split("/").pop();
  if (!sessions.some((s) => s.id === id)) return Response.json({ message: "Session not found" }, { status: 404 });
  return Response.json({ sessionRecord: { id, status: "SUBMITTED" }, resourceLinks: {} });
};

/** Didit's API (003): a create answers the session with its hosted URL and its callback. */
function didit(url, init) {
  assert.equal(new Headers(init.headers).get("x-api-key"), API_KEY);
  assert.equal(`${init.method} ${url.pathname}`, "POST /v3/session/");
  const body = JSON.parse(init.body);
  const id = `4c5c7f3a-1f82-4f3b-8d8e-${String(sessions.length + 1).padStart(12, "0")}`;
  sessions.push({ id, body });
  return Response.json(
    { session_id: id, session_number: sessions.length, session_token: "3FaJ9wLqX2Mz", url: "https://verify.didit.me/session/3FaJ9wLqX2Mz", vendor_data: null, metadata: null, status: "Not Started", workflow_id: body.workflow_id, callback: body.callback ?? null },
    { status: 201 },
  );
}

let browser;
/** The servers the pages call: README's Worker quick start, and one that also takes the return URLs of README's other examples. */
const servers = {};

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  // The server: README's Worker quick start, as it is written.
  writeFileSync(`${WORK}worker.mjs`, blockWith("// worker.js"));
  const worker = (await import(`${WORK}worker.mjs`)).default;
  servers.quickStart = (request) => worker.fetch(request, { IDV_API_KEY: API_KEY }, { waitUntil() {} });
  // README's other examples come back to /verification-complete and /done.
  servers.didit = createIdvHandler({ provider: "didit", apiKey: API_KEY, returnUrls: [`${APP}/verification-complete`] });
  servers.examples = createIdvHandler({
    provider: "deepidv",
    apiKey: API_KEY,
    returnUrls: [`${APP}/idv/return`, `${APP}/verification-complete`, `${APP}/done`],
  });
  browser = await launchChromium();
});

after(async () => {
  globalThis.fetch = realFetch;
  await browser?.close();
  rmSync(WORK, { recursive: true, force: true });
});

const APP_PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "idv-handoff": "/node_modules/idv-handoff/index.js" } }</script>
<button id="button">Verify</button>
<img id="qr" alt="">
`;

/**
 * A browser context in which https://yourapp.com (its API answered by `servers[server]`) and the
 * hosted page answer.
 */
async function newContext(server = "examples") {
  const context = await browser.newContext();
  const errors = [];
  context.on("weberror", (e) => errors.push(String(e.error())));
  await context.route(`${APP}/**`, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.pathname.startsWith("/node_modules/")) {
      const body = readFileSync(`${ROOT}${decodeURIComponent(url.pathname.slice(1))}`);
      return route.fulfill({ status: 200, contentType: "text/javascript", body });
    }
    if (url.pathname.startsWith("/api/idv/") || url.pathname.startsWith("/idv/")) {
      const headers = Object.fromEntries(Object.entries(await request.allHeaders()).filter(([name]) => !name.startsWith(":")));
      const method = request.method();
      const response = await servers[server](
        new Request(url, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : request.postDataBuffer() }),
      );
      const location = response.headers.get("Location");
      if (location !== null && request.isNavigationRequest()) {
        // Playwright routes no request a fulfilled redirect makes: the page goes on by a
        // location.replace instead, with the redirect's cookie.
        const target = new URL(location, url).href;
        const cookie = response.headers.get("Set-Cookie");
        return route.fulfill({
          status: 200,
          headers: { "Content-Type": "text/html; charset=utf-8", ...(cookie ? { "Set-Cookie": cookie } : {}) },
          body: `<!doctype html><script>location.replace(${JSON.stringify(target)})</script>`,
        });
      }
      return route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) });
    }
    return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: APP_PAGE });
  });
  await context.route("https://verify.didit.me/**", (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>Didit</title><p>hosted page</p>" }),
  );
  await context.route(`${HOSTED}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>deepidv</title><p>hosted page</p>" }),
  );
  return { context, errors };
}

/** Runs `fn({ page, context })` in a new context (see newContext); no page may log an error. */
async function inContext(...args) {
  const fn = args.pop();
  const { context, errors } = await newContext(...args);
  try {
    await fn({ page: await context.newPage(), context });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}

/**
 * Runs `code` as a module script in `page`, with every export of the package in scope and
 * `scaffold` before it; `then` (code) runs after it inside the same scope. Resolves to what
 * `then` put in `window.__readme` (or the error the block threw).
 */
async function run(page, code, { scaffold = "", then = "", wait = true } = {}) {
  const names = Object.keys(client).join(", ");
  const content = `import { ${names} } from "idv-handoff";
window.__readme = undefined;
try {
${scaffold}
${bodyOf(code)}
${then}
} catch (e) {
  window.__readme = { threw: { name: e?.name, code: e?.code, message: e?.message } };
}
`;
  await page.addScriptTag({ type: "module", content });
  if (!wait) return undefined;
  await page.waitForFunction(() => window.__readme !== undefined, null, { timeout: 20_000 });
  return page.evaluate(() => window.__readme);
}

/** The state the hosted URL's return URL carries. */
const stateOf = (hosted) => new URL(new URL(hosted).searchParams.get("redirect_url")).searchParams.get("state");

test("the quick start: create, hand off through /idv/start, come back through /idv/return, awaitResult", { timeout: 60_000 }, async () => {
  const code = blockWith("// The button's click handler:");
  const [start, result] = code.split(/^\/\/ The result page/m);
  assert.ok(result, "the quick start has its result page part");
  await inContext("quickStart", async ({ page, context }) => {
    await page.goto(`${APP}/verify`);
    const before = sessions.length;
    // The click handler's part: it ends by leaving for /idv/start, which sends the page on.
    await run(page, start, { wait: false });
    await page.waitForURL(`${HOSTED}/s/**`, { timeout: 20_000 });
    assert.equal(sessions.length, before + 1, "one session created");
    const hosted = page.url();
    const state = stateOf(hosted);
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    const cookies = await context.cookies(APP);
    assert.deepEqual(cookies.map((c) => [c.name, c.value, c.secure, c.httpOnly]), [["__Host-idv-state", state, true, true]]);
    // The provider sends the person back: the return URL with its own parameters added.
    const back = new URL(new URL(hosted).searchParams.get("redirect_url"));
    back.searchParams.set("session_id", sessions.at(-1).id);
    back.searchParams.set("status", "success");
    await page.goto(back.href);
    assert.equal(new URL(page.url()).pathname, "/", "the return route sent the person to the result page");
    assert.equal(new URL(page.url()).searchParams.get("session_id"), sessions.at(-1).id);
    // The result page's part.
    const summary = await run(page, `// The result page${result}`, { then: "window.__readme = { sessionId, result };" });
    assert.equal(summary.sessionId, sessions.at(-1).id);
    assert.deepEqual(
      [summary.result.provider, summary.result.id, summary.result.status, summary.result.final],
      ["deepidv", sessions.at(-1).id, "submitted", true],
    );
  });
});

test("awaitResult's block shows each update, then the confirmed status", { timeout: 60_000 }, async () => {
  await inContext(async ({ page }) => {
    await page.goto(`${APP}/result`);
    sessions.push({ id: "sess_await", body: {} });
    const shown = await run(page, blockWith("const summary = await awaitResult(new URL("), {
      scaffold: 'const sessionId = "sess_await"; const controller = new AbortController(); const shownTexts = []; const show = (text) => shownTexts.push(text);',
      then: "window.__readme = shownTexts;",
    });
    assert.deepEqual(shown, ["checking… (submitted)", "submitted"]);
  });
});

test("the other device's block: a QR code of the hosted page, then awaitResult", { timeout: 60_000 }, async () => {
  await inContext(async ({ page }) => {
    await page.goto(`${APP}/verify`);
    const shown = await run(page, blockWith("qrImage.src = session.qrCodeDataUrl"), {
      scaffold: `const session = await createSession("${APP}/api/idv/sessions", { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", redirectUrl: "${APP}/idv/return" });
  const qrImage = document.getElementById("qr");
  const statusUrl = "${APP}/api/idv/sessions/" + session.id;
  // A QR library's API (qrcode's toDataURL): here it records what it was asked to encode.
  const encoded = [];
  const QRCode = { toDataURL: async (text) => (encoded.push(text), "data:image/png;base64,iVBORw0KGgo=") };`,
      then: "window.__readme = { src: qrImage.src, encoded, sessionUrl: session.sessionUrl, summary };",
    });
    assert.deepEqual(shown.encoded, [shown.sessionUrl], "deepidv gives no QR code: the hosted URL is encoded");
    assert.equal(shown.src, "data:image/png;base64,iVBORw0KGgo=");
    assert.equal(shown.summary.status, "submitted");
    assert.equal(shown.summary.final, true);
  });
});

test("openHandoffWindow's block: the tab opens in the click, goes to the hosted page, the opener learns the result", { timeout: 60_000 }, async () => {
  await inContext(async ({ page, context }) => {
    await page.goto(`${APP}/verify`);
    await run(page, blockWith("const tab = openHandoffWindow();"), {
      scaffold: `const button = document.getElementById("button");
  const proxyUrl = "${APP}/api/idv/sessions";
  const request = { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", redirectUrl: "${APP}/idv/return" };
  const returnUrl = "${APP}/idv/return";
  window.__shown = [];
  const show = (text) => window.__shown.push(text);`,
      then: "window.__readme = { ready: true };",
    });
    const popup = context.waitForEvent("page", { timeout: 20_000 });
    await page.click("#button");
    const tab = await popup;
    await tab.waitForURL(`${HOSTED}/s/**`, { timeout: 20_000 });
    await page.waitForFunction(() => window.__shown.length === 2, null, { timeout: 20_000 });
    assert.deepEqual(await page.evaluate(() => window.__shown), ["Continue in the new tab.", "submitted"]);
    assert.equal(await tab.evaluate(() => window.opener), null, "the hosted page has no handle on the app");
    // The pending handoff moved into the new tab: it is there when the tab comes back to the app.
    const state = stateOf(tab.url());
    await tab.goto(`${APP}/idv/return-page`);
    const pending = await tab.evaluate(() => sessionStorage.getItem("idv-handoff:pending"));
    assert.equal(JSON.parse(pending).state, state);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("idv-handoff:pending")), null, "and left this tab");
  });
});

test("createSession's block answers the session README shows", { timeout: 60_000 }, async () => {
  await inContext(async ({ page }) => {
    await page.goto(`${APP}/verify`);
    const code = blockWith('redirectUrl: "https://yourapp.com/verification-complete", externalId: "user_abc123"');
    const session = await run(page, code, { then: "window.__readme = session;" });
    assert.equal(session.sessionUrl, `${HOSTED}/s/${session.id}`);
    assert.equal(session.externalId, "user_abc123");
    assert.deepEqual(session.links, []);
    assert.equal(sessions.find((s) => s.id === session.id).body.external_id, "user_abc123");
  });
});

test("the browser flow in two calls: beginHandoff navigates, completeHandoff reads the return and the server confirms", { timeout: 60_000 }, async () => {
  const code = blockWith("// Page that starts verification");
  const [start, back] = code.split(/^\/\/ https:\/\/yourapp\.com\/verification-complete:/m);
  assert.ok(back, "the block has its return page part");
  await inContext(async ({ page }) => {
    await page.goto(`${APP}/verify`);
    await run(page, start, {
      scaffold: `const session = await createSession("${APP}/api/idv/sessions", { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", redirectUrl: "${APP}/verification-complete" });`,
      wait: false,
    });
    await page.waitForURL(`${HOSTED}/s/**`, { timeout: 20_000 });
    const hosted = page.url();
    const id = new URL(hosted).pathname.split("/").pop();
    const returned = new URL(new URL(hosted).searchParams.get("redirect_url"));
    assert.equal(returned.origin + returned.pathname, `${APP}/verification-complete`);
    returned.searchParams.set("session_id", id);
    returned.searchParams.set("status", "failed");
    returned.searchParams.set("reason", "face_mismatch");
    await page.goto(returned.href);
    const seen = await run(page, back, {
      // The block's `confirmed` lives in its try: the page's fetch, seen through this one.
      scaffold: `const shownHints = []; const showPending = (hint) => shownHints.push(hint);
  let answered;
  const fetch = (...args) => window.fetch(...args).then((response) => (answered = response.clone(), response));`,
      then: "window.__readme = { hints: shownHints, confirmed: await answered.json(), address: location.href };",
    });
    assert.equal(seen.threw, undefined, JSON.stringify(seen.threw));
    assert.deepEqual([seen.hints[0].sessionId, seen.hints[0].status, seen.hints[0].reason], [id, "failed", "face_mismatch"]);
    assert.equal(seen.confirmed.status, "submitted");
    assert.equal(seen.address, `${APP}/verification-complete`, "the callback left the address bar");
    // The same return again in this tab: a replay, told apart from another device.
    await page.goto(returned.href);
    const again = await run(page, back, { scaffold: "const showPending = () => {};", then: "window.__readme = { done: true };" });
    assert.equal(again.threw?.code, "handoff_replayed");
  });
});

test("the errors block: a forged state is state_mismatch, handled; any other refusal is thrown on", { timeout: 60_000 }, async () => {
  await inContext(async ({ page }) => {
    const state = client.createState();
    await page.goto(`${APP}/done?session_id=abc123&status=success&state=${client.createState()}`);
    const code = blockWith('if (e instanceof IdvError && e.code === "state_mismatch") showStartAgain();');
    const handled = await run(page, code, {
      scaffold: `const stored = { state: "${state}" }; let startAgain = 0; const showStartAgain = () => startAgain++;`,
      then: "window.__readme = { startAgain };",
    });
    assert.deepEqual(handled, { startAgain: 1 });
    await page.goto(`${APP}/done?session_id=%3Cscript%3E&status=success&state=${state}`);
    const thrown = await run(page, code, { scaffold: `const stored = { state: "${state}" }; const showStartAgain = () => {};`, then: "window.__readme = {};" });
    assert.equal(thrown.threw.code, "invalid_session_id");
  });
});

test("Didit's block: the return URL with its state given at creation, the hosted page in Spanish, completeHandoff on the way back", { timeout: 60_000 }, async () => {
  const code = blockWith('{ workflow_id: WORKFLOW, callback: returnUrl }, { provider: "didit" }');
  const [start, back] = code.split(/^\/\/ back on /m);
  assert.ok(back, "the block has its return part");
  await inContext("didit", async ({ page }) => {
    await page.goto(`${APP}/verify`);
    const WORKFLOW = "11111111-2222-3333-4444-555555555555";
    await run(page, start, { scaffold: `const proxyUrl = "${APP}/api/idv/sessions"; const WORKFLOW = "${WORKFLOW}";`, wait: false });
    await page.waitForURL("https://verify.didit.me/**", { timeout: 20_000 });
    assert.equal(page.url(), "https://verify.didit.me/es/session/3FaJ9wLqX2Mz");
    const { id, body } = sessions.at(-1);
    assert.equal(body.workflow_id, WORKFLOW);
    const callback = new URL(body.callback);
    assert.equal(callback.origin + callback.pathname, `${APP}/verification-complete`);
    // "Didit appends ?verificationSessionId={session_id}&status={status} to this URL" (003).
    callback.searchParams.set("verificationSessionId", id);
    callback.searchParams.set("status", "Approved");
    await page.goto(callback.href);
    const hint = await run(page, `// back on ${back}`, { then: "window.__readme = hint;" });
    assert.equal(hint.threw, undefined, JSON.stringify(hint.threw));
    assert.deepEqual([hint.provider, hint.sessionId, hint.status, hint.rawStatus], ["didit", id, "approved", "Approved"]);
  });
});
