// The demo app: a form → createSession through the proxy → beginHandoff → the hosted page
// (through the proxy's /idv/start, which keeps the state in a cookie for the return). The
// provider is the proxy's (GET /api/idv/config); the same form serves all three.
import { createSession, beginHandoff, buildReturnUrl, createState, IdvError } from "idv-handoff";

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
  const { provider, sessionHosts, workflowId } = await config;
  const returnTo = new URL("/idv/return", location.href).href;
  const origins = [location.origin];
  try {
    let request;
    let returnUrl;
    if (provider === "deepidv") {
      request = { firstName: data.first_name, lastName: data.last_name, email: data.email, phone: data.phone };
      if (data.external_id) request.externalId = data.external_id;
      if (data.workflow_id) request.workflowId = data.workflow_id;
    } else {
      // Didit and Verifa take the return URL when the session is created: the state rides on it.
      returnUrl = buildReturnUrl(returnTo, { state: createState(), allowedRedirectOrigins: origins, allowInsecureLocalhost: DEV });
      request =
        provider === "didit"
          ? {
              workflow_id: data.workflow_id ? data.workflow_id : workflowId,
              vendor_data: data.external_id || undefined,
              callback: returnUrl,
              contact_details: { email: data.email, phone: data.phone },
              expected_details: { first_name: data.first_name, last_name: data.last_name },
            }
          : {
              external_ref: data.external_id || undefined,
              redirect_url: returnUrl,
              metadata: { first_name: data.first_name, last_name: data.last_name, email: data.email, phone: data.phone },
            };
    }
    const session = await createSession(new URL("/api/idv/sessions", location.href).href, request, {
      provider,
      allowInsecureProxy: DEV,
      allowInsecureLocalhost: DEV,
      maxDelayMs: 3_000,
    });
    const handoff = beginHandoff(session.sessionUrl, {
      provider,
      ...(returnUrl ? { returnUrl } : { redirectUrl: returnTo }),
      sessionId: session.id,
      expiresAt: session.expiresAt,
      allowedRedirectOrigins: origins,
      allowedSessionHosts: sessionHosts,
      allowInsecureLocalhost: DEV,
    });
    // The proxy keeps the state in an HttpOnly cookie as well, then forwards to the hosted page.
    const state = returnUrl ? `&state=${new URL(returnUrl).searchParams.get("state")}` : "";
    location.assign(`/idv/start?handoff=${encodeURIComponent(handoff)}${state}`);
  } catch (e) {
    submit.disabled = false;
    showError(e);
  }
});

submit.disabled = false;
form.dataset.ready = "1";
