// Journeys (issue 16): the demo (app, proxy worker, stand-in provider in workerd) with a decision
// that lags the return by LAG_MS (the stand-in's DECISION_LAG_MS test hook), as a person goes
// through it, in two engines:
//
// - Chromium: the system /usr/bin/chromium driven by playwright-core (helpers/chromium.mjs);
// - WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver under xvfb-run
//   (helpers/webdriver.mjs). Playwright's own WebKit build cannot be had here: `npm
//   playwright-webkit` is playwright-core plus an install step that downloads the browser from
//   Microsoft's CDN, which this machine cannot reach (only the package registries).
//
// The journeys:
//   a. back on the result page before the decision: "Checking with the provider…", then the final
//      status once the stand-in decides (and "Still in review" when it never does);
//   b. desktop and phone (two browser contexts; two WebKit sessions): the desktop shows a QR code,
//      the phone opens its URL and finishes on the hosted page, sees "You're done here" and
//      nothing of the result; the desktop learns the final status by polling;
//   c. forged returns (another state; a made-up session id) end on the error page;
//   d. a blocked popup falls back to this tab with the state kept; an unblocked one sends the new
//      tab to the hosted page and the starting page learns the result by polling.
//
// Every wait is bounded: Playwright's by a context default, WebDriver's by `until`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import jsQR from "jsqr";
import { startDemo } from "../../www/demo.mjs";
import { launchChromium } from "./helpers/chromium.mjs";
import { freePortPair } from "./helpers/ports.mjs";
import { startBrowser } from "./helpers/webdriver.mjs";

/** How long the stand-in takes to decide after the hosted page's outcome. */
const LAG_MS = 2_000;
/** Playwright's wait for anything (a page, a selector, a URL). */
const WAIT_MS = 15_000;
/** How long the app's pages poll (awaitResult's timeoutMs, set through localStorage). */
const POLL_MS = 30_000;
/** A decision that never comes (Didit's In Review): the pages give up after this. */
const SHORT_POLL_MS = 2_500;

const PERSON = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };

// Per provider: the hosted page's path, the button of a good outcome, and the final status.
const MODES = {
  deepidv: { hosted: "/hosted/", choice: "#success", final: "submitted", text: /^Verification submitted/ },
  didit: { hosted: "/session/", choice: "#approved", final: "approved", text: /^Verification approved/ },
  verifa: { hosted: "/capture/", choice: "#completed", final: "completed", text: /^Verification completed/ },
};

const demos = {};
let browser;
before(async () => {
  for (const mode of Object.keys(MODES)) {
    const [port, providerPort] = await freePortPair();
    demos[mode] = await startDemo({ mode, port, providerPort, provider: { DECISION_LAG_MS: String(LAG_MS) } });
  }
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all(Object.values(demos).map((d) => d.close()));
});

/** The QR code's pixels, read from its <img> through a canvas: { width, height, data (base64 RGBA) }. */
const QR_PIXELS = `
  const img = document.getElementById("qr");
  if (!img || !img.complete || img.naturalWidth === 0) return null;
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(img, 0, 0);
  const bytes = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return { width: canvas.width, height: canvas.height, data: btoa(binary) };`;

/** The text the QR code holds (decoded here by jsqr, independently of whoever drew it). */
function decodeQr(pixels) {
  assert.ok(pixels, "the QR code image is loaded");
  const rgba = new Uint8ClampedArray(Buffer.from(pixels.data, "base64"));
  const code = jsQR(rgba, pixels.width, pixels.height);
  assert.ok(code, `a QR code is readable in the ${pixels.width}×${pixels.height} image`);
  return code.data;
}

/** The state a deepidv hosted URL carries on its return URL. */
const stateOf = (hostedUrl) => new URL(new URL(hostedUrl).searchParams.get("redirect_url")).searchParams.get("state");

// ---------------------------------------------------------------------------------------------
// Chromium (playwright-core)

/** A browser context (a person's browser: its own cookies and storage) with bounded waits. */
async function person({ pollMs = POLL_MS, blockPopups = false, phone = false } = {}) {
  const context = await browser.newContext(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {});
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  await context.addInitScript((ms) => {
    try {
      localStorage.setItem("idv-demo:wait-ms", String(ms));
    } catch {
      // about:blank and opaque origins have none
    }
  }, pollMs);
  // What a browser does when it blocks a popup: window.open returns null.
  if (blockPopups) await context.addInitScript(() => (window.open = () => null));
  const errors = [];
  context.on("page", (page) => page.on("pageerror", (e) => errors.push(`${page.url()}: ${e}`)));
  return { context, errors };
}

async function fillForm(page, demo) {
  await page.goto(`${demo.url}/`);
  await page.waitForSelector("form[data-ready]");
  for (const [field, value] of Object.entries(PERSON)) await page.fill(`#${field}`, value);
}

/** Starts the handoff with "Start verification": the new tab, at the hosted page. */
async function startInNewTab(context, page, demo, mode) {
  const opened = context.waitForEvent("page");
  await page.click("#submit");
  const tab = await opened;
  await tab.waitForURL(`${demo.providerUrl}${MODES[mode].hosted}**`);
  return tab;
}

for (const mode of Object.keys(MODES)) {
  test(`Chromium a (${mode}): back before the decision, the result page checks, then shows the final status`, { timeout: 60_000 }, async () => {
    const demo = demos[mode];
    const { context, errors } = await person();
    try {
      const page = await context.newPage();
      await fillForm(page, demo);
      const tab = await startInNewTab(context, page, demo, mode);
      const decided = Date.now();
      await tab.click(MODES[mode].choice);
      await tab.waitForURL(`${demo.url}/result`);
      await tab.waitForSelector("body[data-state=checking]");
      assert.match(await tab.textContent("#checking-text"), /^Checking with the provider…/);
      assert.equal(await tab.getAttribute("body", "data-done"), null, "no status before the decision");
      if (mode === "didit") assert.equal(await tab.textContent("#hint-status"), "in_review", "Didit sent the status it had: In Review");
      await tab.waitForSelector("body[data-done]", { timeout: POLL_MS });
      assert.equal(await tab.getAttribute("body", "data-done"), `confirmed-${MODES[mode].final}`);
      assert.equal(await tab.getAttribute("body", "data-final"), "true");
      assert.match(await tab.textContent("#confirmed-text"), MODES[mode].text);
      assert.ok(await tab.isHidden("#checking"));
      assert.ok(Date.now() - decided >= LAG_MS, "resolved only once the provider decided");
      // The starting page learnt it too, by polling.
      await page.waitForSelector("body[data-done]", { timeout: POLL_MS });
      assert.equal(await page.getAttribute("body", "data-done"), `confirmed-${MODES[mode].final}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("Chromium a (didit): a decision that does not come by the timeout is still in review", { timeout: 60_000 }, async () => {
  const demo = demos.didit;
  const { context, errors } = await person({ pollMs: SHORT_POLL_MS });
  try {
    const page = await context.newPage();
    await fillForm(page, demo);
    const tab = await startInNewTab(context, page, demo, "didit");
    await tab.click("#in_review");
    await tab.waitForURL(`${demo.url}/result`);
    await tab.waitForSelector("body[data-state=checking]");
    await tab.waitForSelector("body[data-done]", { timeout: SHORT_POLL_MS + WAIT_MS });
    assert.equal(await tab.getAttribute("body", "data-done"), "confirmed-in_review");
    assert.equal(await tab.getAttribute("body", "data-final"), "false");
    assert.match(await tab.textContent("#confirmed-text"), /^Still in review: we'll email you/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

for (const mode of Object.keys(MODES)) {
  test(`Chromium b (${mode}): started on the desktop, finished on the phone by the QR code; the desktop learns the result by polling`, { timeout: 60_000 }, async () => {
    const demo = demos[mode];
    const desktop = await person();
    const phone = await person({ phone: true });
    try {
      const page = await desktop.context.newPage();
      await fillForm(page, demo);
      await page.click("#phone-start");
      await page.waitForSelector("#qr-box:not([hidden])");
      await page.waitForFunction(() => document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0);
      assert.equal(await page.getAttribute("body", "data-waiting"), "phone");
      const url = decodeQr(await page.evaluate(`(() => {${QR_PIXELS}})()`));
      assert.equal(url, await page.getAttribute("#qr-link", "href"), "the QR code holds the link shown");
      assert.ok(url.startsWith(`${demo.providerUrl}${MODES[mode].hosted}`), url);
      if (mode === "verifa") assert.match(await page.getAttribute("#qr", "src"), /^data:image\/png;base64,/, "Verifa's own QR code");
      if (mode === "didit") assert.match(await page.textContent("#sent-body"), /"callback_method": "both"/);
      assert.equal(desktop.context.pages().length, 1, "no tab opened for the phone path");

      const mobile = await phone.context.newPage();
      await mobile.goto(url);
      const returned = mobile.waitForResponse((r) => r.url().startsWith(`${demo.url}/idv/return`));
      await mobile.click(MODES[mode].choice);
      assert.equal((await returned).status(), 200);
      await mobile.waitForSelector("#done");
      assert.equal(await mobile.textContent("h1"), "You're done here");
      assert.ok(new URL(mobile.url()).pathname === "/idv/return", "the phone stays on the return route");
      assert.doesNotMatch(await mobile.textContent("body"), /submitted|approved|completed|confirmed|in review|declined/i, "nothing of the result on the phone");
      assert.equal(await page.getAttribute("body", "data-done"), null, "the desktop does not have it before the decision");

      await page.waitForSelector("body[data-done]", { timeout: POLL_MS });
      assert.equal(await page.getAttribute("body", "data-done"), `confirmed-${MODES[mode].final}`);
      assert.equal(await page.getAttribute("body", "data-final"), "true");
      assert.match(await page.textContent("#confirmed-text"), MODES[mode].text);
      assert.deepEqual([...desktop.errors, ...phone.errors], []);
    } finally {
      await desktop.context.close();
      await phone.context.close();
    }
  });
}

test("Chromium c: forged returns end on the error page", { timeout: 60_000 }, async (t) => {
  const demo = demos.deepidv;
  const noResult = /submitted|verified|approved|confirmed by the provider|you're done here/i;

  await t.test("the return URL with another state, in the browser that started: state_mismatch", async () => {
    const { context } = await person();
    try {
      const page = await context.newPage();
      await fillForm(page, demo);
      const tab = await startInNewTab(context, page, demo, "deepidv");
      const id = new URL(tab.url()).pathname.split("/").pop();
      const state = stateOf(tab.url());
      const other = state.startsWith("A") ? `B${state.slice(1)}` : `A${state.slice(1)}`;
      const forged = await context.newPage();
      const response = await forged.goto(`${demo.url}/idv/return?session_id=${id}&status=success&state=${other}`);
      assert.equal(response.status(), 400);
      assert.equal(await forged.textContent("#code"), "state_mismatch");
      assert.doesNotMatch(await forged.textContent("body"), noResult);
    } finally {
      await context.close();
    }
  });

  await t.test("a made-up session id with the right state: session_not_found", async () => {
    const { context } = await person();
    try {
      const page = await context.newPage();
      await fillForm(page, demo);
      const tab = await startInNewTab(context, page, demo, "deepidv");
      const forged = await context.newPage();
      const response = await forged.goto(`${demo.url}/idv/return?session_id=${randomUUID()}&status=success&state=${stateOf(tab.url())}`);
      assert.equal(response.status(), 400);
      assert.equal(await forged.textContent("#code"), "session_not_found");
      assert.doesNotMatch(await forged.textContent("body"), noResult);
    } finally {
      await context.close();
    }
  });

  await t.test("a made-up session id in a browser that started nothing: session_not_found, not \"you're done here\"", async () => {
    const { context } = await person();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${demo.url}/idv/return?session_id=${randomUUID()}&status=success&state=${"A".repeat(43)}`);
      assert.equal(response.status(), 400);
      assert.equal(await page.textContent("#code"), "session_not_found");
      assert.doesNotMatch(await page.textContent("body"), noResult);
      // The result page opened with a crafted callback confirms nothing either.
      await page.goto(`${demo.url}/result?session_id=${randomUUID()}&status=success`);
      await page.waitForSelector("body[data-done=refused]");
      assert.equal(await page.getAttribute("body", "data-code"), "no_pending_handoff");
      assert.ok(await page.isHidden("#confirmed"));
    } finally {
      await context.close();
    }
  });
});

test("Chromium d: a blocked popup falls back to this tab and the handoff completes, its state kept", { timeout: 60_000 }, async () => {
  const demo = demos.deepidv;
  const { context, errors } = await person({ blockPopups: true });
  try {
    const page = await context.newPage();
    await fillForm(page, demo);
    let opened = 0;
    context.on("page", () => opened++);
    await page.click("#submit");
    await page.waitForURL(`${demo.providerUrl}/hosted/**`);
    assert.equal(opened, 0, "no tab was opened");
    // The state is kept: in the proxy's cookie, and in this tab for completeHandoff.
    // Over http on loopback (development), the state cookie is `idv-state`, without Secure.
    const cookie = (await context.cookies(demo.url)).find((c) => c.name === "idv-state");
    assert.equal(cookie?.value, stateOf(page.url()));
    await page.click("#success");
    await page.waitForURL(`${demo.url}/result`);
    await page.waitForSelector("body[data-state=checking]");
    await page.waitForSelector("body[data-done]", { timeout: POLL_MS });
    assert.equal(await page.getAttribute("body", "data-code"), null, "completeHandoff found this tab's handoff");
    assert.ok(await page.isVisible("#hint"));
    assert.equal(await page.getAttribute("body", "data-done"), "confirmed-submitted");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("Chromium d: an unblocked popup is sent to the hosted page; the starting page waits and learns the result", { timeout: 60_000 }, async () => {
  const demo = demos.deepidv;
  const { context, errors } = await person();
  try {
    const page = await context.newPage();
    await fillForm(page, demo);
    const tab = await startInNewTab(context, page, demo, "deepidv");
    assert.equal(await tab.evaluate(() => window.opener), null, "the hosted page has no handle on the app");
    assert.equal(page.url(), `${demo.url}/`, "the starting tab stayed");
    assert.equal(await page.getAttribute("body", "data-handoff"), "new-tab");
    assert.equal(await page.textContent("#waiting-title"), "Continue in the new tab");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("idv-handoff:pending")), null, "the pending handoff moved to the new tab");
    await tab.click("#success");
    await tab.waitForURL(`${demo.url}/result`);
    await tab.waitForSelector("body[data-done]", { timeout: POLL_MS });
    assert.equal(await tab.getAttribute("body", "data-code"), null, "the new tab completed the handoff");
    assert.equal(await tab.getAttribute("body", "data-done"), "confirmed-submitted");
    await page.waitForSelector("body[data-done]", { timeout: POLL_MS });
    assert.equal(await page.getAttribute("body", "data-done"), "confirmed-submitted");
    assert.match(await page.textContent("#confirmed-text"), /^Verification submitted/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------------
// WebKit (WebKitGTK through WebDriver)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `script` (a function body) in the WebDriver session until it returns a truthy value. */
async function until(wd, script, what, timeoutMs = WAIT_MS) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await wd.execute(script).catch(() => null); // a page between two documents
    if (value) return value;
    if (Date.now() > end) throw new Error(`${wd.label}: not within ${timeoutMs} ms: ${what} (at ${await wd.url().catch(() => "?")})`);
    await sleep(150);
  }
}

async function untilUrl(wd, prefix, timeoutMs = WAIT_MS) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const url = await wd.url().catch(() => "");
    if (url.startsWith(prefix)) return url;
    if (Date.now() > end) throw new Error(`${wd.label}: not at ${prefix} within ${timeoutMs} ms (at ${url})`);
    await sleep(150);
  }
}

const attribute = (wd, selector, name) => wd.execute(`return document.querySelector(arguments[0])?.getAttribute(arguments[1]) ?? null`, [selector, name]);
const text = (wd, selector) => wd.execute(`return document.querySelector(arguments[0])?.textContent ?? null`, [selector]);

async function wdFillForm(wd, demo) {
  await wd.navigate(`${demo.url}/`);
  await wd.execute(`localStorage.setItem("idv-demo:wait-ms", arguments[0])`, [String(POLL_MS)]);
  await until(wd, `return document.querySelector("form[data-ready]") !== null`, "the form is ready");
  await wd.execute(`for (const [field, value] of Object.entries(arguments[0])) document.getElementById(field).value = value;`, [PERSON]);
}

/** The window other than `known`, once there is one. */
async function newWindow(wd, known) {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const other = (await wd.windows()).find((h) => h !== known);
    if (other) return other;
    if (Date.now() > end) throw new Error(`${wd.label}: no new window within ${WAIT_MS} ms`);
    await sleep(150);
  }
}

/** Closes every window but `home` and goes back to it (a failed step may have left a tab open). */
async function onlyHome(wd, home) {
  for (const handle of await wd.windows()) {
    if (handle === home) continue;
    await wd.switchTo(handle);
    await wd.session("DELETE", "/window");
  }
  await wd.switchTo(home);
}

// WebKitGTK keeps no Secure cookie on http://127.0.0.1 (Chromium does: a loopback origin is
// trustworthy), and the proxy's state cookie is __Host-, hence Secure: over http every return
// would reach it as "another device". So the WebKit journeys run against the demo over https
// (Miniflare's certificate for 127.0.0.1, accepted with acceptInsecureCerts), as `HTTPS=1 make
// demo` serves it; the stand-in provider stays on http.
test("WebKit a-d: the same journeys in WebKitGTK (WebDriver), the demo over https", { timeout: 150_000 }, async (t) => {
  const [port, providerPort] = await freePortPair();
  const demo = await startDemo({ port, providerPort, https: true, provider: { DECISION_LAG_MS: String(LAG_MS) } });
  const insecureCerts = { capabilities: { acceptInsecureCerts: true } };
  let desktop;
  let phone;
  try {
    assert.ok(demo.url.startsWith("https://"), demo.url);
    desktop = await startBrowser("webkit", insecureCerts);
    t.diagnostic(`${desktop.label}: ${desktop.browser}`);
    const home = await desktop.window();
    t.beforeEach(() => onlyHome(desktop, home));

    await t.test("a/d: the new tab goes to the hosted page; back before the decision, the result page checks, then shows the final status; the starting tab learns it by polling", async () => {
      await wdFillForm(desktop, demo);
      await desktop.click("#submit");
      const tab = await newWindow(desktop, home);
      // The tab opens at once (in the click); navigate() sends it on once the session exists.
      assert.equal(await until(desktop, `return document.body.dataset.handoff`, "the handoff went"), "new-tab");
      assert.equal(await text(desktop, "#waiting-title"), "Continue in the new tab");
      await desktop.switchTo(tab);
      await untilUrl(desktop, `${demo.providerUrl}/hosted/`);
      assert.equal(await desktop.execute("return window.opener"), null);
      const decided = Date.now();
      await desktop.click("#success");
      await untilUrl(desktop, `${demo.url}/result`);
      await until(desktop, `return document.body.dataset.state === "checking"`, "the result page is checking");
      assert.match(await text(desktop, "#checking-text"), /^Checking with the provider…/);
      await until(desktop, `return document.body.dataset.done`, "the result page has the status", POLL_MS);
      assert.equal(await attribute(desktop, "body", "data-done"), "confirmed-submitted");
      assert.equal(await attribute(desktop, "body", "data-final"), "true");
      assert.ok(Date.now() - decided >= LAG_MS);
      await desktop.session("DELETE", "/window");
      await desktop.switchTo(home);
      await until(desktop, `return document.body.dataset.done`, "the starting tab has the status", POLL_MS);
      assert.equal(await attribute(desktop, "body", "data-done"), "confirmed-submitted");
    });

    await t.test("d: a blocked popup falls back to this tab; the handoff completes with its state", async () => {
      await wdFillForm(desktop, demo);
      await desktop.execute(`window.open = () => null`);
      await desktop.click("#submit");
      const hosted = await untilUrl(desktop, `${demo.providerUrl}/hosted/`);
      assert.deepEqual(await desktop.windows(), [home], "no tab was opened");
      assert.ok(stateOf(hosted));
      await desktop.click("#success");
      await untilUrl(desktop, `${demo.url}/result`);
      await until(desktop, `return document.body.dataset.done`, "the result page has the status", POLL_MS);
      assert.equal(await attribute(desktop, "body", "data-code"), null, "completeHandoff found this tab's handoff");
      assert.equal(await attribute(desktop, "body", "data-done"), "confirmed-submitted");
    });

    await t.test("c: forged returns end on the error page", async () => {
      /** A handoff begun in this tab (popup blocked), at the hosted page: its URL. */
      const begin = async () => {
        await wdFillForm(desktop, demo);
        await desktop.execute(`window.open = () => null`);
        await desktop.click("#submit");
        return untilUrl(desktop, `${demo.providerUrl}/hosted/`);
      };
      // Another state (the error page uses the pending one up: a second handoff for the next).
      let hosted = await begin();
      const state = stateOf(hosted);
      const other = state.startsWith("A") ? `B${state.slice(1)}` : `A${state.slice(1)}`;
      await desktop.navigate(`${demo.url}/idv/return?session_id=${new URL(hosted).pathname.split("/").pop()}&status=success&state=${other}`);
      assert.equal(await text(desktop, "#code"), "state_mismatch");
      assert.doesNotMatch(await text(desktop, "body"), /submitted|you're done here/i);
      // A made-up session id with the right state.
      hosted = await begin();
      await desktop.navigate(`${demo.url}/idv/return?session_id=${randomUUID()}&status=success&state=${stateOf(hosted)}`);
      assert.equal(await text(desktop, "#code"), "session_not_found");
      assert.doesNotMatch(await text(desktop, "body"), /submitted|you're done here/i);
    });

    await t.test("b: started here, finished on the phone by the QR code; this page learns the result by polling", async () => {
      phone = await startBrowser("webkit", insecureCerts);
      await wdFillForm(desktop, demo);
      await desktop.click("#phone-start");
      const pixels = await until(desktop, QR_PIXELS, "the QR code is drawn");
      const url = decodeQr(pixels);
      assert.equal(url, await attribute(desktop, "#qr-link", "href"));
      assert.ok(url.startsWith(`${demo.providerUrl}/hosted/`), url);
      await phone.navigate(url);
      await phone.click("#success");
      await until(phone, `return document.getElementById("done") !== null`, "the phone's done page");
      assert.equal(await text(phone, "h1"), "You're done here");
      assert.ok((await phone.url()).startsWith(`${demo.url}/idv/return`));
      assert.doesNotMatch(await text(phone, "body"), /submitted|confirmed/i);
      assert.equal(await attribute(desktop, "body", "data-done"), null, "not before the decision");
      await until(desktop, `return document.body.dataset.done`, "the desktop has the status", POLL_MS);
      assert.equal(await attribute(desktop, "body", "data-done"), "confirmed-submitted");
    });
  } finally {
    await phone?.close();
    await desktop?.close();
    await demo.close();
  }
});
