// The demo in its Didit and Verifa modes (PROVIDER=didit|verifa): the same app, proxy worker
// and stand-in provider in workerd, and the same journey in headless Chromium as for deepidv,
// with each provider's own request shape, hosted page, return parameters and statuses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo } from "../../www/demo.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { outDir } from "./helpers/paths.mjs";
import { freePortPair } from "./helpers/ports.mjs";

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

/** The form, the provider's hosted page, the choice there, and the result page. */
async function journey(mode, choice, reason) {
  const demo = demos[mode];
  const { page, errors } = await openPage(browser);
  await page.goto(`${demo.url}/`);
  await page.waitForSelector("form[data-ready]");
  for (const [field, value] of Object.entries(PERSON)) await page.fill(`#${field}`, value);
  await page.click("#submit");
  await page.waitForURL(`${demo.providerUrl}/**`);
  const hosted = page.url();
  if (reason) await page.selectOption("#reason", reason);
  await page.click(`#${choice}`);
  await page.waitForURL(`${demo.url}/result`);
  await page.waitForSelector("body[data-done]");
  return { page, errors, hosted };
}

const JOURNEYS = [
  // Didit sends its own words back (Approved, Declined, In Review, Abandoned): the hint is them
  // normalised; the confirmation is the decision the proxy fetched.
  ["didit", "approved", undefined, { status: "approved", confirmed: "approved", text: "Verification approved." }],
  ["didit", "declined", undefined, { status: "declined", confirmed: "declined", text: "Verification declined." }],
  ["didit", "in_review", undefined, { status: "in_review", confirmed: "in_review", text: "Verification in review" }],
  ["didit", "abandoned", undefined, { status: "abandoned", confirmed: "abandoned", text: "Verification abandoned" }],
  // Verifa's return parameters are named by the app (params); its statuses are its own words.
  ["verifa", "completed", undefined, { status: "completed", confirmed: "completed", text: "Verification completed" }],
  ["verifa", "failed", "face_mismatch", { status: "failed", confirmed: "failed", text: "Verification failed", reason: "face_mismatch" }],
  ["verifa", "failed", "liveness_failed", { status: "failed", confirmed: "failed", text: "Verification failed", reason: "unknown", raw: "liveness_failed" }],
  ["verifa", "cancelled", undefined, { status: "cancelled", confirmed: "cancelled", text: "Verification cancelled" }],
];

for (const [mode, choice, reason, want] of JOURNEYS) {
  test(`${mode} journey: ${choice}${reason ? ` (${reason})` : ""}`, async () => {
    const { page, errors, hosted } = await journey(mode, choice, reason);
    if (mode === "didit") assert.match(hosted, /\/session\/[A-Za-z0-9_-]{12}$/, "Didit's hosted URL shape");
    if (mode === "verifa") assert.match(hosted, /\/capture\/ses_[0-9a-f]+$/, "Verifa's capture URL shape");
    assert.equal(await page.getAttribute("body", "data-done"), `confirmed-${want.confirmed}`);
    assert.equal(await page.textContent("#hint-status"), want.status);
    assert.equal(await page.textContent("#hint-reason"), want.reason ?? "none");
    if (want.raw) assert.match(await page.textContent("#hint-raw"), new RegExp(`reason=${want.raw}`));
    assert.ok((await page.textContent("#confirmed-text")).startsWith(want.text), await page.textContent("#confirmed-text"));
    assert.equal(page.url(), `${demos[mode].url}/result`, "the callback left the address bar");
    await page.screenshot({ path: `${SHOTS}${mode}-${choice}${reason ? `-${reason}` : ""}.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

for (const mode of ["didit", "verifa"]) {
  test(`${mode}: a forged return without the state cookie ends on the error page`, async () => {
    const { page } = await openPage(browser);
    const query = mode === "didit" ? "verificationSessionId=11111111-2222-3333-4444-555555555555&status=Approved" : "verifa_session=ses_1&verifa_status=completed";
    const response = await page.goto(`${demos[mode].url}/idv/return?${query}&state=${"A".repeat(43)}`);
    assert.equal(response.status(), 400);
    assert.equal(await page.textContent("#code"), "no_pending_handoff");
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
