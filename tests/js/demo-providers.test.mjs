// The demo in its Didit and Verifa modes (PROVIDER=didit|verifa): the same app, proxy worker
// and stand-in provider in workerd, and the same journey in headless Chromium as for deepidv,
// with each provider's own request shape, hosted page, return parameters and statuses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo } from "../../www/demo.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { outDir } from "./helpers/paths.mjs";
import { freePortPair } from "./helpers/ports.mjs";
import { startInNewTab } from "./helpers/handoff-tab.mjs";

const SHOTS = outDir("demo");
const PERSON = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };

const demos = {};
let browser;
before(async () => {
  for (const mode of ["didit", "verifa"]) {
    const [port, providerPort] = await freePortPair();
    demos[mode] = await startDemo({ mode, port, providerPort });
  }
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all(Object.values(demos).map((d) => d.close()));
});

/** How long the result page waits for a decision that does not come (Didit's In Review). */
const WAIT_MS = 1_500;

/**
 * The form, the provider's hosted page (in the new tab the app opens), the choice there, and the
 * result page (in that tab); `request` is the body the app sent to its proxy.
 */
async function journey(mode, choice, reason) {
  const demo = demos[mode];
  const { page: start, errors } = await openPage(browser);
  await start.context().addInitScript((ms) => {
    try {
      localStorage.setItem("idv-demo:wait-ms", String(ms));
    } catch {
      // about:blank has none
    }
  }, WAIT_MS);
  let request;
  start.on("request", (r) => {
    if (r.method() === "POST" && r.url() === `${demo.url}/api/idv/sessions`) request = JSON.parse(r.postData());
  });
  await start.goto(`${demo.url}/`);
  await start.waitForSelector("form[data-ready]");
  for (const [field, value] of Object.entries(PERSON)) await start.fill(`#${field}`, value);
  const page = await startInNewTab(start, `${demo.providerUrl}/`, { errors });
  const hosted = page.url();
  if (reason) await page.selectOption("#reason", reason);
  await page.click(`#${choice}`);
  await page.waitForURL(`${demo.url}/result`);
  await page.waitForSelector("body[data-done]", { timeout: WAIT_MS + 15_000 });
  return { page, errors, hosted, request };
}

const JOURNEYS = [
  // Didit sends its own words back (Approved, Declined, In Review, Abandoned): the hint is them
  // normalised; the confirmation is the decision the proxy fetched.
  ["didit", "approved", undefined, { status: "approved", confirmed: "approved", text: "Verification approved." }],
  ["didit", "declined", undefined, { status: "declined", confirmed: "declined", text: "Verification declined." }],
  // In Review is not final: the result page waits for a decision (WAIT_MS here), then says so.
  ["didit", "in_review", undefined, { status: "in_review", confirmed: "in_review", text: "Still in review: we'll email you", final: false }],
  ["didit", "abandoned", undefined, { status: "abandoned", confirmed: "abandoned", text: "Verification abandoned" }],
  // Verifa's return parameters are named by the app (params); its statuses are its own words.
  ["verifa", "completed", undefined, { status: "completed", confirmed: "completed", text: "Verification completed" }],
  ["verifa", "failed", "face_mismatch", { status: "failed", confirmed: "failed", text: "Verification failed", reason: "face_mismatch" }],
  ["verifa", "failed", "liveness_failed", { status: "failed", confirmed: "failed", text: "Verification failed", reason: "unknown", raw: "liveness_failed" }],
  ["verifa", "cancelled", undefined, { status: "cancelled", confirmed: "cancelled", text: "Verification cancelled" }],
];

for (const [mode, choice, reason, want] of JOURNEYS) {
  test(`${mode} journey: ${choice}${reason ? ` (${reason})` : ""}`, async () => {
    const { page, errors, hosted, request } = await journey(mode, choice, reason);
    if (mode === "didit") assert.match(hosted, /\/session\/[A-Za-z0-9_-]{12}$/, "Didit's hosted URL shape");
    // "both to allow either device to trigger the callback" (003): the new tab, or a phone.
    if (mode === "didit") assert.equal(request.callback_method, "both");
    assert.equal(await page.getAttribute("body", "data-final"), String(want.final ?? true));
    if (mode === "verifa") assert.match(hosted, /\/capture\/ses_[0-9a-f]+$/, "Verifa's capture URL shape");
    assert.equal(await page.getAttribute("body", "data-done"), `confirmed-${want.confirmed}`);
    assert.equal(await page.textContent("#hint-status"), want.status);
    assert.equal(await page.textContent("#hint-reason"), want.reason ?? "none");
    if (want.raw) assert.match(await page.textContent("#hint-raw"), new RegExp(`reason=${want.raw}`));
    assert.ok((await page.textContent("#confirmed-text")).startsWith(want.text), await page.textContent("#confirmed-text"));
    assert.equal(page.url(), `${demos[mode].url}/result`, "the callback left the address bar");
    await page.screenshot({ path: `${SHOTS}${mode}-${choice}${reason ? `-${reason}` : ""}.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

for (const mode of ["didit", "verifa"]) {
  test(`${mode}: a forged return of a made-up session ends on the error page`, async () => {
    const { page } = await openPage(browser);
    const query = mode === "didit" ? "verificationSessionId=11111111-2222-3333-4444-555555555555&status=Approved" : "verifa_session=ses_1&verifa_status=completed";
    const response = await page.goto(`${demos[mode].url}/idv/return?${query}&state=${"A".repeat(43)}`);
    assert.equal(response.status(), 400);
    assert.equal(await page.textContent("#code"), "session_not_found");
    assert.doesNotMatch(await page.textContent("body"), /approved|completed|confirmed by the provider/i);
    await page.close();
  });

  test(`${mode}: a field error from the provider's own shape lands next to the field`, async () => {
    const { page } = await openPage(browser);
    await page.goto(`${demos[mode].url}/`);
    await page.waitForSelector("form[data-ready]");
    for (const [field, value] of Object.entries({ ...PERSON, phone: "555" })) await page.fill(`#${field}`, value);
    if (mode === "verifa") await page.fill("#external_id", " ");
    await page.click("#submit");
    const field = mode === "didit" ? "phone" : "external_id";
    await page.waitForFunction((f) => document.querySelector(`.error[data-for="${f}"]`).textContent !== "", field);
    assert.equal(await page.getAttribute(`#${field}`, "aria-invalid"), "true");
    await page.close();
  });
}

// Didit: "If a session with the same vendor_data already exists and is unfinished, the existing
// session is returned" (003), with the callback, and so the state, it was created with. The
// second start must hand off with that return URL (session.returnUrl), or the return would end on
// state_mismatch: the person starts twice (a second tab, a reload) and finishes once.
test("didit: a second start for the same vendor_data reuses the unfinished session and its return still works", async () => {
  const demo = demos.didit;
  const { page: start, errors } = await openPage(browser);
  const created = [];
  start.context().on("response", async (r) => {
    if (r.request().method() === "POST" && r.url() === `${demo.url}/api/idv/sessions`) created.push(await r.json());
  });
  const begin = async () => {
    await start.goto(`${demo.url}/`);
    await start.waitForSelector("form[data-ready]");
    for (const [field, value] of Object.entries(PERSON)) await start.fill(`#${field}`, value);
    await start.fill("#external_id", "user-42");
    return startInNewTab(start, `${demo.providerUrl}/`, { errors });
  };
  const first = await begin();
  const firstHosted = first.url();
  await first.close(); // the person leaves the hosted page unfinished
  const second = await begin();
  assert.equal(created.length, 2);
  assert.equal(created[1].session_id, created[0].session_id, "the same session came back");
  assert.equal(second.url(), firstHosted);
  await second.click("#approved");
  await second.waitForURL(`${demo.url}/result`);
  await second.waitForSelector("body[data-done]", { timeout: 20_000 });
  assert.equal(await second.getAttribute("body", "data-code"), null, "no state_mismatch");
  assert.equal(await second.getAttribute("body", "data-done"), "confirmed-approved");
  assert.deepEqual(errors, []);
  await start.context().close();
});
