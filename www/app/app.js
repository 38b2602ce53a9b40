// The demo app's start page: a form → createSession through the proxy → the hosted page, two ways.
//
// - "Start verification": openHandoffWindow() opens a blank tab in the click's own task (Safari
//   blocks a window opened after an await), then the session is created, beginHandoff keeps its
//   state, and navigate() sends the new tab through the proxy's /idv/start (which keeps the state
//   in a cookie as well) to the hosted page, taking the pending handoff with it. This page then
//   says "continue in the new tab" and learns the result by awaitResult. When the browser blocked
//   the tab, this tab goes instead: the state is kept either way, and the return lands on /result.
// - "Continue on my phone": the session is created and its hosted URL shown as a QR code (Verifa's
//   own qrCodeDataUrl; else made here by the npm package qrcode, bundled by www/demo.mjs). The
//   phone returns to /idv/return without any pending handoff: the proxy confirms the session and
//   answers "You're done here"; this page learns the result by awaitResult.
//
// The provider is the proxy's (GET /api/idv/config); the same form serves all three. awaitResult
// waits up to 10 minutes here (the person is busy elsewhere); "idv-demo:wait-ms" in localStorage
// changes it (the tests do).
import {
  createSession,
  normalizeSessionRequest,
  beginHandoff,
  buildHandoffUrl,
  buildReturnUrl,
  createState,
  openHandoffWindow,
  awaitResult,
  IdvError,
} from "idv-handoff";
import { checkingText, resultText, isGood, waitMs } from "./status.js";

const $ = (id) => document.getElementById(id);
const form = $("verify");
const banner = $("banner");
const buttons = [$("submit"), $("phone-start")];

// The demo runs on 127.0.0.1 (http, or https with HTTPS=1) beside a stand-in provider on http:
// a real app is on https, as is its provider, and drops the "insecure" flags.
const DEV = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
let config;

const MESSAGES = {
  first_name: "Enter your first name.",
  last_name: "Enter your last name.",
  email: "Enter an email address like name@example.com.",
  phone: "Enter the number in international format: + then country code and number, digits only.",
  external_id: "Leave it empty or enter a reference.",
  workflow_id: "Choose a workflow.",
};

// Where each provider's request fields show their errors on this form.
const INPUT_OF = {
  "expected_details.first_name": "first_name",
  "expected_details.last_name": "last_name",
  "contact_details.email": "email",
  "contact_details.phone": "phone",
  external_ref: "external_id",
  vendor_data: "external_id",
};

function showFieldError(field, text) {
  const slot = form.querySelector(`.error[data-for="${field}"]`);
  const input = form.elements.namedItem(field);
  if (slot) slot.textContent = text;
  if (input) input.setAttribute("aria-invalid", text ? "true" : "false");
}

function clearErrors() {
  for (const field of Object.keys(MESSAGES)) showFieldError(field, "");
  banner.className = "";
  banner.textContent = "";
  delete banner.dataset.code;
}

function showBanner(text) {
  banner.className = "banner error";
  banner.textContent = text;
}

const enable = (on) => buttons.forEach((b) => (b.disabled = !on));

/** Errors as people expect them: next to the field, or one sentence above the button. */
function showError(e) {
  if (!(e instanceof IdvError)) {
    showBanner("Something went wrong. Please try again.");
    throw e;
  }
  const input = INPUT_OF[e.field] ?? e.field;
  if (e.code === "invalid_request" && input && MESSAGES[input]) {
    showFieldError(input, e.status ? `${MESSAGES[input]} (${e.message})` : MESSAGES[input]);
    form.elements.namedItem(input)?.focus();
  } else if (e.code === "rate_limited") {
    const seconds = Math.max(1, Math.ceil((e.retryAfterMs ?? 1000) / 1000));
    showBanner(`Too many attempts right now. Please wait ${seconds} s and try again.`);
    banner.dataset.code = e.code;
    enable(false);
    setTimeout(() => enable(true), seconds * 1000);
    return;
  } else if (e.code === "workflow_not_found") {
    showFieldError("workflow_id", "The provider does not know this workflow.");
  } else if (e.code === "network_error" || e.code === "timeout" || e.code === "upstream_error") {
    showBanner("The verification service is not reachable. Please try again in a moment.");
  } else {
    showBanner(`Verification could not start (${e.code}).`);
  }
  banner.dataset.code = e.code;
}

/**
 * The provider's request from the form. Didit and Verifa take the return URL (with the state)
 * when the session is created; deepidv takes it in the hosted URL (beginHandoff).
 */
function requestOf(data, returnUrl) {
  const { provider, workflowId } = config;
  if (provider === "deepidv") {
    const request = { firstName: data.first_name, lastName: data.last_name, email: data.email, phone: data.phone };
    if (data.external_id) request.externalId = data.external_id;
    if (data.workflow_id) request.workflowId = data.workflow_id;
    return request;
  }
  if (provider === "didit") {
    return {
      workflow_id: data.workflow_id ? data.workflow_id : workflowId,
      vendor_data: data.external_id || undefined,
      callback: returnUrl,
      // "both: allow either device to trigger the callback" (003): the device that started (this
      // tab's new tab) or the one that finished (the phone of the QR code).
      callback_method: "both",
      contact_details: { email: data.email, phone: data.phone },
      expected_details: { first_name: data.first_name, last_name: data.last_name },
    };
  }
  return {
    external_ref: data.external_id || undefined,
    redirect_url: returnUrl,
    metadata: { first_name: data.first_name, last_name: data.last_name, email: data.email, phone: data.phone },
  };
}

/**
 * Both buttons: checked at once (a field error opens no tab), then, for "tab", the new tab
 * opened before the first await; the rest is asynchronous.
 */
function start(how) {
  clearErrors();
  const data = Object.fromEntries(new FormData(form));
  const returnTo = new URL("/idv/return", location.href).href;
  const origins = [location.origin];
  let request;
  let returnUrl;
  try {
    if (config.provider !== "deepidv") {
      returnUrl = buildReturnUrl(returnTo, { state: createState(), allowedRedirectOrigins: origins, allowInsecureLocalhost: DEV });
    }
    request = requestOf(data, returnUrl);
    normalizeSessionRequest(request, { provider: config.provider, allowInsecureLocalhost: DEV });
  } catch (e) {
    showError(e);
    return;
  }
  const tab = how === "tab" ? openHandoffWindow() : null;
  enable(false);
  handOff(how, tab, request, { returnUrl, returnTo, origins }).catch((e) => {
    tab?.close();
    enable(true);
    showError(e);
  });
}

async function handOff(how, tab, request, { returnUrl, returnTo, origins }) {
  const { provider, sessionHosts } = config;
  const session = await createSession(new URL("/api/idv/sessions", location.href).href, request, {
    provider,
    allowInsecureProxy: DEV,
    allowInsecureLocalhost: DEV,
    maxDelayMs: 3_000,
  });
  $("sent").hidden = false;
  $("sent-body").textContent = JSON.stringify(request, null, 2);
  // A Didit create for a person with an unfinished session returns that session, which keeps
  // the return URL (and state) it was created with: hand off with the one the session holds.
  if (session.returnUrl) returnUrl = session.returnUrl;
  const checks = {
    provider,
    expiresAt: session.expiresAt,
    allowedRedirectOrigins: origins,
    allowedSessionHosts: sessionHosts,
    allowInsecureLocalhost: DEV,
  };
  if (how === "phone") {
    // The phone starts no handoff: no state is kept (its return reaches a browser with none, and
    // the proxy answers "You're done here"). The hosted URL is checked all the same.
    const url = buildHandoffUrl(session.sessionUrl, { ...checks, ...(returnUrl ? {} : { redirectUrl: returnTo }) });
    await showQr(session, url);
    return follow(session, "phone");
  }
  const handoff = beginHandoff(session.sessionUrl, {
    ...checks,
    ...(returnUrl ? { returnUrl } : { redirectUrl: returnTo }),
    sessionId: session.id,
  });
  // The proxy keeps the state in an HttpOnly cookie as well, then forwards to the hosted page.
  const state = returnUrl ? `&state=${new URL(returnUrl).searchParams.get("state")}` : "";
  const went = tab.navigate(`/idv/start?handoff=${encodeURIComponent(handoff)}${state}`);
  document.body.dataset.handoff = went;
  // "same-tab": this page is leaving for the hosted page; the return lands on /result here.
  if (went === "new-tab") return follow(session, "tab");
}

/** The QR code of `url`: Verifa's own (a PNG data URL), or one made here. */
async function showQr(session, url) {
  let image = session.qrCodeDataUrl;
  if (!image) {
    const { toDataURL } = await import("qrcode");
    image = await toDataURL(url, { errorCorrectionLevel: "M", margin: 4, scale: 4 });
  }
  $("qr").src = image;
  $("qr-link").href = url;
  $("qr-link").textContent = url;
  $("qr-box").hidden = false;
}

const WAITING = {
  tab: ["Continue in the new tab", "The verification opened in a new tab. Finish it there; this page shows the result when the provider has it."],
  phone: ["Continue on your phone", "Scan the code with your phone's camera and finish the verification there; this page shows the result when the provider has it."],
};

/** This page waits for the provider's decision on `session` while the person is elsewhere. */
async function follow(session, how) {
  form.hidden = true;
  $("waiting").hidden = false;
  [$("waiting-title").textContent, $("waiting-text").textContent] = WAITING[how];
  $("checking-text").textContent = checkingText();
  document.body.dataset.waiting = how;
  let summary;
  try {
    summary = await awaitResult(new URL(`/api/idv/sessions/${encodeURIComponent(session.id)}`, location.href), {
      timeoutMs: waitMs(600_000),
      allowInsecureProxy: DEV,
      onUpdate: (latest) => ($("checking-text").textContent = checkingText(latest)),
    });
  } catch (e) {
    if (!(e instanceof IdvError)) throw e;
    $("checking").hidden = true;
    $("refused").hidden = false;
    $("refused-text").textContent = `The provider could not be asked (${e.code}). Check your verification status later.`;
    document.body.dataset.done = "refused";
    return;
  }
  $("checking").hidden = true;
  $("confirmed").hidden = false;
  $("confirmed").classList.toggle("refused", !isGood(summary));
  $("confirmed-text").textContent = resultText(summary);
  document.body.dataset.final = String(summary.final);
  document.body.dataset.done = `confirmed-${summary.status}`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start("tab");
});
$("phone-start").addEventListener("click", () => start("phone"));

// Ready once the proxy said which provider it speaks: the buttons then do all their checks
// synchronously, in the click's own task.
fetch("/api/idv/config")
  .then((r) => r.json())
  .then((c) => {
    config = c;
    enable(true);
    form.dataset.ready = "1";
  });
