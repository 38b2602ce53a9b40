// buildHandoffUrl through the package in Node (Node's URL), and beginHandoff/completeHandoff in
// headless Chromium across a real navigation to another origin (the hosted page) and back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildHandoffUrl, buildReturnUrl, createState, beginHandoff, completeHandoff, IdvError } from "idv-handoff";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { ROOT } from "./helpers/paths.mjs";

const { cases } = JSON.parse(readFileSync(`${ROOT}tests/data/handoff-cases.json`, "utf8"));

test(`buildHandoffUrl: the ${cases.length} cases of the shared table`, () => {
  assert.ok(cases.length >= 70);
  for (const c of cases) {
    if ("expect" in c) {
      assert.equal(buildHandoffUrl(c.sessionUrl, c.options), c.expect, c.name);
    } else {
      assert.throws(
        () => buildHandoffUrl(c.sessionUrl, c.options),
        (e) => e instanceof IdvError && e.code === c.error && e.field === c.field,
        c.name,
      );
    }
  }
});

test("buildHandoffUrl refuses options of the wrong type", () => {
  const bad = [
    [{}, "redirectUrl"],
    [{ redirectUrl: 5 }, "redirectUrl"],
    [{ redirectUrl: "https://yourapp.com/", allowedRedirectOrigins: "https://yourapp.com" }, "allowedRedirectOrigins"],
    [{ redirectUrl: "https://yourapp.com/", allowedSessionHosts: [1] }, "allowedSessionHosts"],
    [{ redirectUrl: "https://yourapp.com/", allowInsecureLocalhost: "yes" }, "allowInsecureLocalhost"],
  ];
  for (const [options, field] of bad) {
    assert.throws(
      () => buildHandoffUrl("https://app.deepidv.com/s", options),
      (e) => e.code === "invalid_option" && e.field === field,
      field,
    );
  }
});

test("Didit and Verifa: the hosted URL is checked, the return URL was fixed at creation", () => {
  assert.equal(
    buildHandoffUrl("https://verify.didit.me/session/3FaJ9wLqX2Mz", { provider: "didit", language: "de", allowedSessionHosts: ["verify.didit.me"] }),
    "https://verify.didit.me/de/session/3FaJ9wLqX2Mz",
  );
  assert.equal(buildHandoffUrl("https://capture.verifa.example/c/ses_1", { provider: "verifa" }), "https://capture.verifa.example/c/ses_1");
  const refused = [
    [{ provider: "didit", redirectUrl: "https://yourapp.com/" }, "invalid_option", "redirectUrl"],
    [{ provider: "verifa", state: createState() }, "invalid_option", "state"],
    [{ provider: "verifa", allowedSessionHosts: ["capture.verifa.example"] }, "session_host_not_allowed", undefined, "https://evil.example/c"],
    [{ provider: "didit" }, "suspicious_url", "sessionUrl", "https:verify.didit.me/session/x"],
    [{ provider: "acme" }, "invalid_option", "provider"],
    [{}, "invalid_option", "redirectUrl"],
  ];
  for (const [options, code, field, url = "https://capture.verifa.example/c/ses_1"] of refused) {
    assert.throws(() => buildHandoffUrl(url, options), (e) => e.code === code && e.field === field, JSON.stringify(options));
  }
});

test("an expired session is refused before navigating", () => {
  const url = "https://capture.verifa.example/c/ses_1";
  assert.throws(() => buildHandoffUrl(url, { provider: "verifa", expiresAt: "2020-01-01T00:00:00Z" }), (e) => e.code === "session_expired");
  assert.equal(buildHandoffUrl(url, { provider: "verifa", expiresAt: "2999-01-01T00:00:00Z" }), url);
  assert.throws(() => buildHandoffUrl(url, { provider: "verifa", expiresAt: "soon" }), (e) => e.code === "invalid_option" && e.field === "expiresAt");
  assert.throws(
    () => buildHandoffUrl("https://app.deepidv.com/s", { redirectUrl: "https://yourapp.com/", expiresAt: "2020-01-01T00:00:00+02:00" }),
    (e) => e.code === "session_expired",
  );
});

test("buildReturnUrl puts the state on a checked return URL", () => {
  const state = createState();
  assert.equal(buildReturnUrl("https://YourApp.com/cb?x=1", { state }), `https://yourapp.com/cb?x=1&state=${state}`);
  assert.equal(buildReturnUrl("https://yourapp.com/cb"), "https://yourapp.com/cb");
  assert.throws(() => buildReturnUrl("https://evil.example/cb", { state, allowedRedirectOrigins: ["https://yourapp.com"] }), (e) => e.code === "redirect_origin_not_allowed");
  assert.throws(() => buildReturnUrl(" javascript:alert(1)", { state }), (e) => e.code === "suspicious_url" && e.field === "redirectUrl");
  assert.throws(() => buildReturnUrl("https://yourapp.com/", { state: "<x>" }), (e) => e.code === "invalid_option" && e.field === "state");
});

test("createState gives 256 fresh bits as base64url", () => {
  const states = new Set(Array.from({ length: 100 }, createState));
  assert.equal(states.size, 100);
  for (const s of states) assert.match(s, /^[A-Za-z0-9_-]{43}$/);
});

test("the browser-only helpers say so outside a browser", () => {
  assert.throws(() => beginHandoff("https://app.deepidv.com/s", { redirectUrl: "https://yourapp.com/" }), (e) => e.code === "storage_unavailable");
  assert.throws(() => completeHandoff(), (e) => e.code === "storage_unavailable");
});

let browser;
let app;
let provider;

before(async () => {
  app = await serveStatic({ "/": `${ROOT}tests/js/handoff-flow/app`, "/node_modules/": `${ROOT}node_modules` });
  provider = await serveStatic({ "/": `${ROOT}tests/js/handoff-flow/provider` });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await provider?.close();
});

/** Starts at the app, goes to the hosted page, clicks `outcome` there, and reads the return page. */
async function journey(page, outcome) {
  await page.goto(`${app.url}/?provider=${encodeURIComponent(provider.url)}`);
  await page.click("#verify:not([disabled])");
  await page.waitForURL(`${provider.url}/hosted.html**`);
  const handoff = new URL(page.url());
  await page.click(`#${outcome}`);
  await page.waitForURL(`${app.url}/return.html**`);
  await page.waitForSelector("#out[data-done]");
  return { handoff, result: JSON.parse(await page.textContent("#out")) };
}

test("a person goes to the hosted page and back: completeHandoff returns the callback once", async () => {
  const { page, errors } = await openPage(browser);
  const { handoff, result } = await journey(page, "failed");
  const redirect = new URL(handoff.searchParams.get("redirect_url"));
  assert.equal(redirect.origin + redirect.pathname, `${app.url}/return.html`);
  const state = redirect.searchParams.get("state");
  assert.match(state, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(result.ok, {
    provider: "deepidv",
    sessionId: "abc",
    status: "failed",
    reason: "face_mismatch",
    rawStatus: "failed",
    rawReason: "face_mismatch",
    state,
  });
  // The callback left the address bar, and the pending record left sessionStorage.
  assert.equal(page.url(), `${app.url}/return.html`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("idv-handoff:pending")), null);
  assert.deepEqual(errors, []);
  await page.close();
});

test("replaying the return URL is refused: the state is one use, and the tab knows it was used", async () => {
  const { page } = await openPage(browser);
  const { handoff } = await journey(page, "success");
  const redirect = new URL(handoff.searchParams.get("redirect_url"));
  redirect.searchParams.append("session_id", "abc");
  redirect.searchParams.append("status", "success");
  await page.goto(redirect.href);
  await page.waitForSelector("#out[data-done]");
  assert.deepEqual(JSON.parse(await page.textContent("#out")), { code: "handoff_replayed", isIdvError: true });
  // The same return in another tab (its own sessionStorage): another device's, not a replay.
  const { page: other } = await openPage(browser);
  await other.goto(redirect.href);
  await other.waitForSelector("#out[data-done]");
  assert.deepEqual(JSON.parse(await other.textContent("#out")), { code: "no_pending_handoff", isIdvError: true });
  await other.close();
  await page.close();
});

test("a tampered state on the way back is refused", async () => {
  const { page } = await openPage(browser);
  const { result } = await journey(page, "tamper");
  assert.deepEqual(result, { code: "state_mismatch", isIdvError: true });
  await page.close();
});

test("a forged return in a tab that never began a handoff is refused", async () => {
  const { page } = await openPage(browser);
  await page.goto(`${app.url}/return.html?session_id=abc&status=success&state=guess`);
  await page.waitForSelector("#out[data-done]");
  assert.deepEqual(JSON.parse(await page.textContent("#out")), { code: "no_pending_handoff", isIdvError: true });
  assert.equal(page.url(), `${app.url}/return.html`);
  await page.close();
});

test("handoff options: null is absent, the first bad option in order is the one named, each read once", () => {
  const session = "https://app.deepidv.com/s";
  const redirectUrl = "https://yourapp.com/";
  const named = (f) => {
    try {
      f();
    } catch (e) {
      return `${e.code} ${e.field}`;
    }
    return "accepted";
  };
  const rows = [
    [{ redirectUrl, state: null, allowedRedirectOrigins: null, language: null, expiresAt: null }, "accepted"],
    [{ provider: "acme", redirectUrl: 5 }, "invalid_option provider"],
    [{ provider: 5 }, "invalid_option provider"],
    [{ redirectUrl: 5, state: 5 }, "invalid_option redirectUrl"],
    [{ redirectUrl, allowedSessionHosts: [, "app.deepidv.com"] }, "invalid_option allowedSessionHosts"],
    [{ redirectUrl, allowInsecureLocalhost: 1, language: 5 }, "invalid_option allowInsecureLocalhost"],
    [{ redirectUrl, language: 5, expiresAt: "soon" }, "invalid_option language"],
    [{ redirectUrl, expiresAt: 5 }, "invalid_option expiresAt"],
  ];
  for (const [options, expected] of rows) {
    assert.equal(named(() => buildHandoffUrl(session, options)), expected, JSON.stringify(options));
  }
  // Each call takes only its own options: another's is refused by its name (a typo must not
  // silently switch a check off).
  assert.equal(named(() => buildReturnUrl(redirectUrl, { provider: 5, redirectUrl: 5, language: 5 })), "invalid_option provider");
  assert.equal(named(() => buildHandoffUrl(session, { redirectUrl, allowedRedirectOrigin: ["https://yourapp.com"] })), "invalid_option allowedRedirectOrigin");
  assert.equal(named(() => beginHandoff(session, { redirectUrl, state: "s" })), "invalid_option state");
  assert.equal(named(() => buildReturnUrl(redirectUrl, { state: 5, allowedRedirectOrigins: 5 })), "invalid_option state");
  assert.equal(named(() => buildReturnUrl(redirectUrl, { allowedRedirectOrigins: [5], allowInsecureLocalhost: 5 })), "invalid_option allowedRedirectOrigins");
  // beginHandoff checks its own options after those of buildHandoffUrl, each in order.
  assert.equal(named(() => beginHandoff(session, { redirectUrl: 5, sessionId: 5 })), "invalid_option redirectUrl");
  assert.equal(named(() => beginHandoff(session, { redirectUrl, sessionId: "a b", navigate: 5 })), "invalid_option sessionId");
  assert.equal(named(() => beginHandoff(session, { redirectUrl, navigate: 5, returnUrl: 5 })), "invalid_option navigate");
  // Each call reads its own options, each once, in order, and only those the object has.
  const keysRead = (call, options) => {
    const seen = [];
    call(new Proxy(options, { get: (target, key) => (seen.push(key), target[key]) }));
    return seen.join(",");
  };
  const handoffOptions = {
    expiresAt: "2999-01-01T00:00:00Z",
    language: null,
    allowInsecureLocalhost: false,
    allowedSessionHosts: ["app.deepidv.com"],
    allowedRedirectOrigins: ["https://yourapp.com"],
    state: "s",
    redirectUrl,
    provider: "deepidv",
  };
  assert.equal(
    keysRead((options) => buildHandoffUrl(session, options), handoffOptions),
    "provider,redirectUrl,state,allowedRedirectOrigins,allowedSessionHosts,allowInsecureLocalhost,language,expiresAt",
  );
  assert.equal(keysRead((options) => buildHandoffUrl(session, options), { redirectUrl }), "redirectUrl");
  const returnOptions = { allowInsecureLocalhost: true, allowedRedirectOrigins: ["https://yourapp.com"], state: "s" };
  assert.equal(keysRead((options) => buildReturnUrl(redirectUrl, options), returnOptions), "state,allowedRedirectOrigins,allowInsecureLocalhost");
  // completeHandoff: its three options, each once, checked in order before any storage is
  // touched (Node has no sessionStorage: options that pass meet storage_unavailable).
  const completeOptions = { params: { sessionId: "s", status: "t" }, provider: "verifa", maxAgeMs: 1000 };
  assert.equal(keysRead((options) => named(() => completeHandoff(options)), completeOptions), "maxAgeMs,provider,params");
  const params = { sessionId: "verifa_session", status: "verifa_status" };
  assert.equal(named(() => completeHandoff({ maxAgeMs: 0, provider: 5, params: 5 })), "invalid_option maxAgeMs");
  assert.equal(named(() => completeHandoff({ provider: "acme", params: 5 })), "invalid_option provider");
  assert.equal(named(() => completeHandoff({ params: { ...params, status: "" } })), "invalid_option params.status");
  assert.equal(named(() => completeHandoff({ provider: "verifa", params, maxAgeMs: null })), "storage_unavailable undefined");
  // An allowlist item is read once: what is checked is what is used.
  let reads = 0;
  const origins = [];
  Object.defineProperty(origins, 0, { get: () => (reads++ ? 42 : "https://yourapp.com"), enumerable: true });
  assert.equal(buildHandoffUrl(session, { redirectUrl, allowedRedirectOrigins: origins }), `${session}?redirect_url=https%3A%2F%2Fyourapp.com%2F`);
  assert.equal(reads, 1);
});
