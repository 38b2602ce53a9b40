// The demo end to end (issue "www"): the app, the reference proxy worker and the stand-in
// provider in real workerd, driven by headless Chromium as a person would use them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { startDemo } from "../../www/demo.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { outDir } from "./helpers/paths.mjs";
import { freePortPair } from "./helpers/ports.mjs";
import { startInNewTab } from "./helpers/handoff-tab.mjs";
import { createSession } from "idv-handoff";

const SHOTS = outDir("demo");
const API_KEY = `sk_test_${randomBytes(12).toString("hex")}`;

/** A free loopback port pair (the app, the provider). */
let demo;
let browser;
before(async () => {
  const [port, providerPort] = await freePortPair();
  demo = await startDemo({ port, providerPort, apiKey: API_KEY, provider: { EXPOSE_STATS: "1" } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

const PERSON = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };

async function fillForm(page, person = PERSON) {
  await page.goto(`${demo.url}/`);
  await page.waitForSelector("form[data-ready]");
  for (const [field, value] of Object.entries(person)) await page.fill(`#${field}`, value);
}

/**
 * A person's whole journey: the form, the hosted page (in the new tab the app opens), the
 * outcome, the result page (in that tab). `start` is the page the form was on.
 */
async function journey(outcome, reason) {
  const { page: start, errors } = await openPage(browser);
  await fillForm(start);
  const page = await startInNewTab(start, `${demo.providerUrl}/hosted/`, { errors });
  if (reason) await page.selectOption("#reason", reason);
  await page.click(`#${outcome}`);
  await page.waitForURL(`${demo.url}/result`);
  await page.waitForSelector("body[data-done]");
  return { page, start, errors };
}

// deepidv's record (002): SUBMITTED once the person completed the flow; a failed or abandoned
// flow leaves it PENDING (the only API-managed status besides SUBMITTED): the confirmed status is
// then "pending", whatever the unconfirmed hint said (read once: the result page does not wait for
// a decision after a flow that did not submit).
const OUTCOMES = [
  ["success", undefined, "submitted", "Verification submitted"],
  ...["document_unreadable", "face_mismatch", "session_expired", "internal_error", "user_cancelled", "unknown"].map(
    (reason) => ["failed", reason, "pending", "No result from the provider yet"],
  ),
  ["failed", "liveness_spoof_detected", "pending", "No result from the provider yet"],
  ["abandoned", undefined, "pending", "No result from the provider yet"],
];

for (const [outcome, reason, status, confirmed] of OUTCOMES) {
  test(`journey: ${outcome}${reason ? ` (${reason})` : ""}`, async () => {
    const { page, start, errors } = await journey(outcome, reason);
    assert.equal(await page.getAttribute("body", "data-done"), `confirmed-${status}`);
    assert.equal(await page.getAttribute("body", "data-final"), String(status === "submitted"));
    assert.equal(await page.textContent("#hint-status"), outcome);
    const expectedReason = outcome === "abandoned" ? "user_cancelled" : reason === "liveness_spoof_detected" ? "unknown" : reason ?? "none";
    assert.equal(await page.textContent("#hint-reason"), expectedReason);
    if (reason === "liveness_spoof_detected") assert.match(await page.textContent("#hint-raw"), /reason=liveness_spoof_detected/);
    assert.ok((await page.textContent("#confirmed-text")).startsWith(confirmed), await page.textContent("#confirmed-text"));
    // The callback left the address bar, and the state cookie was used up.
    assert.equal(page.url(), `${demo.url}/result`);
    // (Over http on loopback, in development, the state cookie is `idv-state` without Secure:
    // WebKit keeps no Secure cookie there. Over https it is __Host-idv-state: server.test.mjs.)
    assert.match((await page.context().cookies()).find((c) => c.name === "idv-state")?.value ?? "", /^used\./);
    // The starting page said where to go on, and learns the status by polling.
    assert.equal(await start.textContent("#waiting-title"), "Continue in the new tab");
    if (status === "submitted") {
      await start.waitForSelector("body[data-done]");
      assert.equal(await start.getAttribute("body", "data-done"), "confirmed-submitted");
    }
    await page.screenshot({ path: `${SHOTS}${outcome}${reason ? `-${reason}` : ""}.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

test("field errors are shown next to the field, and nothing is sent", async () => {
  const before = await stats();
  const { page } = await openPage(browser);
  await fillForm(page, { ...PERSON, phone: "555-1234" });
  await page.click("#submit");
  await page.waitForFunction(() => document.querySelector('.error[data-for="phone"]').textContent !== "");
  assert.match(await page.textContent('.error[data-for="phone"]'), /international format/);
  assert.equal(await page.getAttribute("#phone", "aria-invalid"), "true");
  assert.equal(await page.textContent('.error[data-for="email"]'), "");
  await page.fill("#phone", "+15551234567");
  await page.fill("#email", "jane@");
  await page.click("#submit");
  await page.waitForFunction(() => document.querySelector('.error[data-for="email"]').textContent !== "");
  assert.equal(await page.textContent('.error[data-for="phone"]'), "");
  assert.equal((await stats()).sessions, before.sessions);
  await page.close();
});

test("an unknown workflow is the provider's 404, shown next to the workflow", async () => {
  const { page } = await openPage(browser);
  await fillForm(page);
  await page.selectOption("#workflow_id", "wf_does_not_exist");
  await page.click("#submit");
  await page.waitForSelector("#banner[data-code]", { state: "attached" });
  assert.equal(await page.getAttribute("#banner", "data-code"), "workflow_not_found");
  assert.match(await page.textContent('.error[data-for="workflow_id"]'), /does not know/);
  await page.close();
});

test("a return in a browser that began no handoff (another device) says only \"You're done here\"; a made-up session ends on the error page", async () => {
  const { page } = await openPage(browser);
  // A session that exists, with a plausible state: no cookie, as on the phone of a QR code.
  const id = (await (await apiCreate()).json()).idv_id;
  const response = await page.goto(`${demo.url}/idv/return?session_id=${id}&status=success&state=${"A".repeat(43)}`);
  assert.equal(response.status(), 200);
  assert.equal(await page.textContent("h1"), "You're done here");
  assert.doesNotMatch(await page.textContent("body"), /submitted|pending|confirmed by the provider|verified|success/i);
  const madeUp = await page.goto(`${demo.url}/idv/return?session_id=${randomBytes(16).toString("hex")}&status=success&state=${"A".repeat(43)}`);
  assert.equal(madeUp.status(), 400);
  assert.equal(await page.textContent("#code"), "session_not_found");
  await page.close();
});

test("a replayed return ends on the error page", async () => {
  const { page: start } = await openPage(browser);
  let returnUrl;
  start.context().on("request", (r) => {
    if (r.url().startsWith(`${demo.url}/idv/return`)) returnUrl ??= r.url();
  });
  await fillForm(start);
  const page = await startInNewTab(start, `${demo.providerUrl}/hosted/`);
  await page.click("#success");
  await page.waitForSelector("body[data-done]");
  assert.ok(returnUrl, "the provider sent the person to /idv/return");
  const replay = await page.goto(returnUrl);
  assert.equal(replay.status(), 400);
  assert.equal(await page.textContent("#code"), "handoff_replayed");
  // The result page opened directly with the callback is refused too (the tab's state is used).
  await page.goto(`${demo.url}/result${new URL(returnUrl).search}`);
  await page.waitForSelector("body[data-done]");
  assert.equal(await page.getAttribute("body", "data-code"), "handoff_replayed");
  assert.equal(await page.locator("#confirmed").isHidden(), true);
  await start.context().close();
});

test("a tampered state cookie or callback ends on the error page", async () => {
  const { page: start } = await openPage(browser);
  await fillForm(start);
  const page = await startInNewTab(start, `${demo.providerUrl}/hosted/`);
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === "idv-state");
  assert.ok(cookie?.httpOnly && !cookie.secure && cookie.sameSite === "Lax", JSON.stringify(cookie));
  await page.context().addCookies([{ ...cookie, value: "B".repeat(43) }]);
  await page.click("#success");
  await page.waitForURL(`${demo.url}/idv/return**`);
  assert.equal(await page.textContent("#code"), "state_mismatch");
  await page.context().clearCookies();
  await start.context().close();
});

// The proxy worker's routes, called directly.
function apiCreate(body = PERSON, headers = {}) {
  return fetch(`${demo.url}/api/idv/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function stats() {
  return (await fetch(`${demo.providerUrl}/__stats`)).json();
}

test("proxy: the key is added server-side; the provider refuses a request without it", async () => {
  const direct = await fetch(`${demo.providerUrl}/v1/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(PERSON) });
  assert.equal(direct.status, 401);
  const proxied = await apiCreate();
  assert.equal(proxied.status, 200);
  const session = await proxied.json();
  assert.match(session.idv_id, /^[0-9a-f-]{36}$/);
  const record = await fetch(`${demo.url}/api/idv/sessions/${session.idv_id}`);
  assert.equal(record.status, 200);
  const confirmed = await record.json();
  assert.equal(confirmed.id, session.idv_id);
  assert.equal(confirmed.status, "pending");
  assert.equal(confirmed.raw.sessionRecord.id, session.idv_id);
  assert.equal((await fetch(`${demo.url}/api/idv/sessions/nope`)).status, 404);
  assert.equal((await fetch(`${demo.url}/api/idv/sessions/${encodeURIComponent("a/../b")}`)).status, 400);
});

test("proxy: invalid bodies are refused with code and field before the provider sees them", async () => {
  const before = await stats();
  const cases = [
    [{ ...PERSON, phone: "555" }, "invalid_request", "phone"],
    [{ ...PERSON, email: undefined }, "invalid_request", "email"],
    [{ ...PERSON, apiKey: "steal" }, "invalid_request", "apiKey"],
    ["{not json", "invalid_request", "request"],
  ];
  for (const [body, code, field] of cases) {
    const res = await apiCreate(body);
    assert.equal(res.status, 400);
    const json = await res.json();
    assert.equal(json.code, code);
    assert.equal(json.field, field);
  }
  assert.equal((await stats()).sessions, before.sessions);
});

test("proxy: CORS preflight for an allowed origin, refusal for another", async () => {
  const preflight = (origin) =>
    fetch(`${demo.url}/api/idv/sessions`, {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, idempotency-key" },
    });
  const same = await preflight(demo.url);
  assert.equal(same.status, 204);
  assert.equal(same.headers.get("access-control-allow-origin"), demo.url);
  assert.match(same.headers.get("access-control-allow-headers"), /Idempotency-Key/);
  assert.match(same.headers.get("access-control-expose-headers"), /Retry-After/);
  const other = await preflight("https://evil.example");
  assert.equal(other.status, 403);
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  const post = await apiCreate(PERSON, { Origin: "https://evil.example" });
  assert.equal(post.status, 403);
});

test("the API key reaches no page, script or response", async () => {
  const { page: start } = await openPage(browser);
  const bodies = [];
  start.context().on("response", async (r) => {
    try {
      bodies.push(`${r.url()} ${JSON.stringify(await r.allHeaders())} ${await r.text()}`);
    } catch {
      // Redirects have no body.
    }
  });
  await fillForm(start);
  const page = await startInNewTab(start, `${demo.providerUrl}/hosted/`);
  await page.click("#failed");
  await page.waitForSelector("body[data-done]");
  for (const path of ["/", "/app.js", "/status.js", "/vendor/qrcode.js", "/result.html", "/result.js", "/api/idv/config", "/node_modules/idv-handoff/index.js"]) {
    const res = await fetch(`${demo.url}${path}`);
    bodies.push(`${path} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  }
  bodies.push(await (await apiCreate()).text(), await (await apiCreate({ ...PERSON, phone: "1" })).text());
  assert.ok(bodies.length > 10);
  for (const body of bodies) assert.ok(!body.includes(API_KEY), `the key leaked: ${body.slice(0, 120)}`);
  await start.context().close();
});

test("idempotency end to end: a create whose answer came too late is not re-sent; called again with its key, it returns the one session", async () => {
  const [port, providerPort] = await freePortPair();
  const slow = await startDemo({ port, providerPort, apiKey: API_KEY, provider: { EXPOSE_STATS: "1", SLOW_CREATE_MS: "700" } });
  try {
    const person = { firstName: "A", lastName: "B", email: "a@b.example", phone: "+15551234567" };
    const options = { allowInsecureProxy: true, allowInsecureLocalhost: true, timeoutMs: 300, maxDelayMs: 50, idempotencyKey: "signup-7" };
    // deepidv documents no idempotency and no answer came back to say the proxy deduplicates:
    // the create (which the provider did make) is not sent again.
    const late = await createSession(`${slow.url}/api/idv/sessions`, person, options).catch((e) => e);
    assert.equal(late.code, "timeout");
    await new Promise((ok) => setTimeout(ok, 800));
    // The documented recovery: the same call, with the same key, gets the session made.
    const session = await createSession(`${slow.url}/api/idv/sessions`, person, { ...options, timeoutMs: 5_000 });
    assert.match(session.id, /^[0-9a-f-]{36}$/);
    const counted = await (await fetch(`${slow.providerUrl}/__stats`)).json();
    assert.equal(counted.sessions, 1, "a second session was created");
  } finally {
    await slow.close();
  }
});

test("a 429 is shown with the wait, and the person succeeds after it", async () => {
  const [port, providerPort] = await freePortPair();
  const limited = await startDemo({ port, providerPort, apiKey: API_KEY, provider: { RATE_LIMIT: "1", RATE_WINDOW_SECONDS: "4" } });
  const { page } = await openPage(browser);
  try {
    const first = await fetch(`${limited.url}/api/idv/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(PERSON) });
    assert.equal(first.status, 200);
    await page.goto(`${limited.url}/`);
    await page.waitForSelector("form[data-ready]");
    for (const [field, value] of Object.entries(PERSON)) await page.fill(`#${field}`, value);
    await page.click("#submit");
    await page.waitForSelector("#banner[data-code]", { state: "attached" });
    assert.equal(await page.getAttribute("#banner", "data-code"), "rate_limited");
    assert.match(await page.textContent("#banner"), /wait \d+ s/);
    await page.screenshot({ path: `${SHOTS}rate-limited.png`, fullPage: true });
    await page.waitForSelector("#submit:not([disabled])", { timeout: 10_000 });
    await startInNewTab(page, `${limited.providerUrl}/hosted/`);
  } finally {
    await page.context().close();
    await limited.close();
  }
});

test("sessions survive a restart of the demo (persisted state)", async () => {
  const persist = mkdtempSync(`${tmpdir()}/idv-demo-`);
  const [port, providerPort] = await freePortPair();
  const first = await startDemo({ port, providerPort, apiKey: API_KEY, persist });
  const id = (await (await fetch(`${first.url}/api/idv/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(PERSON) })).json()).idv_id;
  await first.close();
  const second = await startDemo({ port, providerPort, apiKey: API_KEY, persist });
  try {
    const record = await fetch(`${second.url}/api/idv/sessions/${id}`);
    assert.equal(record.status, 200);
  } finally {
    await second.close();
  }
});
