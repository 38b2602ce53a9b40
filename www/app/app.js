// The demo app: a form → createSession through the proxy → beginHandoff → the hosted page
// (through the proxy's /idv/start, which keeps the state in a cookie for the return).
import { createSession, beginHandoff, IdvError } from "idv-handoff";

const form = document.getElementById("verify");
const banner = document.getElementById("banner");
const submit = document.getElementById("submit");

// The demo runs on http://127.0.0.1; a real app is on https and drops the two "insecure" flags.
const DEV = location.protocol === "http:";
const config = fetch("/api/idv/config").then((r) => r.json());

const MESSAGES = {
  first_name: "Enter your first name.",
  last_name: "Enter your last name.",
  email: "Enter an email address like name@example.com.",
  phone: "Enter the number in international format: + then country code and number, digits only.",
  external_id: "Leave it empty or enter a reference.",
  workflow_id: "Choose a workflow.",
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

/** Errors as people expect them: next to the field, or one sentence above the button. */
function showError(e) {
  if (!(e instanceof IdvError)) {
    showBanner("Something went wrong. Please try again.");
    throw e;
  }
  if (e.code === "invalid_request" && e.field && MESSAGES[e.field]) {
    showFieldError(e.field, e.status ? `${MESSAGES[e.field]} (${e.message})` : MESSAGES[e.field]);
    form.elements.namedItem(e.field)?.focus();
  } else if (e.code === "rate_limited") {
    const seconds = Math.max(1, Math.ceil((e.retryAfterMs ?? 1000) / 1000));
    showBanner(`Too many attempts right now. Please wait ${seconds} s and try again.`);
    banner.dataset.code = e.code;
    submit.disabled = true;
    setTimeout(() => (submit.disabled = false), seconds * 1000);
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

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  submit.disabled = true;
  const data = Object.fromEntries(new FormData(form));
  const request = { firstName: data.first_name, lastName: data.last_name, email: data.email, phone: data.phone };
  if (data.external_id) request.externalId = data.external_id;
  if (data.workflow_id) request.workflowId = data.workflow_id;
  try {
    const session = await createSession(new URL("/api/idv/sessions", location.href).href, request, {
      allowInsecureProxy: DEV,
      allowInsecureLocalhost: DEV,
      maxDelayMs: 3_000,
    });
    const handoff = beginHandoff(session.sessionUrl, {
      redirectUrl: new URL("/idv/return", location.href).href,
      sessionId: session.id,
      allowedRedirectOrigins: [location.origin],
      allowedSessionHosts: (await config).sessionHosts,
      allowInsecureLocalhost: DEV,
    });
    // The proxy keeps the state in an HttpOnly cookie as well, then forwards to the hosted page.
    location.assign(`/idv/start?handoff=${encodeURIComponent(handoff)}`);
  } catch (e) {
    submit.disabled = false;
    showError(e);
  }
});

submit.disabled = false;
form.dataset.ready = "1";
