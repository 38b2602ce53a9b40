// The return page: completeHandoff gives the hint (checked against this tab's state), then
// awaitResult reads the proxy's status route until the provider's decision is final: the page
// says "Checking with the provider…" meanwhile, and "Still in review: we'll email you" when the
// decision has not come by the timeout (90 s; the demo's "idv-demo:wait-ms" in localStorage
// changes it).
import { completeHandoff, awaitResult, IdvError } from "idv-handoff";
import { checkingText, resultText, isGood, waitMs } from "./status.js";

// The demo runs on 127.0.0.1 (http, or https with HTTPS=1) beside a stand-in provider on http:
// a real app is on https, as is its provider, and drops the "insecure" flags.
const DEV = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
const config = fetch("/api/idv/config").then((r) => r.json());

const $ = (id) => document.getElementById(id);

function refuse(text) {
  $("checking").hidden = true;
  $("refused").hidden = false;
  $("refused-text").textContent = text;
  document.body.dataset.done = "refused";
}

const REFUSALS = {
  no_pending_handoff:
    "This result was not started in this tab (another device, another tab, or a link used twice). Check your verification status in your account.",
  handoff_replayed: "This return link was already used in this tab. Check your verification status in your account.",
};

async function show() {
  const { provider, params } = await config;
  let hint;
  try {
    hint = completeHandoff({ provider, params });
  } catch (e) {
    if (!(e instanceof IdvError)) throw e;
    document.body.dataset.code = e.code;
    refuse(REFUSALS[e.code] ?? `This return link could not be checked (${e.code}).`);
    return;
  }
  $("hint").hidden = false;
  $("hint-status").textContent = hint.status;
  $("hint-reason").textContent = hint.reason ?? "none";
  $("hint-raw").textContent = `status=${hint.rawStatus}${hint.rawReason ? `, reason=${hint.rawReason}` : ""}`;
  $("hint-session").textContent = hint.sessionId;

  // deepidv leaves a failed or abandoned flow's record PENDING, and nothing will change it by
  // itself: one read, no waiting for a decision that will not come. (The hint only picks how
  // long to wait; what is shown is the provider's answer.)
  const settled = provider === "deepidv" && (hint.status === "failed" || hint.status === "abandoned");
  $("checking").hidden = false;
  $("checking-text").textContent = checkingText();
  document.body.dataset.state = "checking";
  let summary;
  try {
    summary = await awaitResult(new URL(`/api/idv/sessions/${encodeURIComponent(hint.sessionId)}`, location.href), {
      timeoutMs: settled ? 0 : waitMs(90_000),
      allowInsecureProxy: DEV,
      onUpdate: (latest) => ($("checking-text").textContent = checkingText(latest)),
    });
  } catch (e) {
    if (!(e instanceof IdvError)) throw e;
    document.body.dataset.code = e.code;
    return refuse(
      e.code === "session_not_found" ? "The provider does not confirm this session." : `The provider could not be asked (${e.code}). Please try again later.`,
    );
  }
  $("checking").hidden = true;
  delete document.body.dataset.state;
  $("confirmed").hidden = false;
  $("confirmed").classList.toggle("refused", !isGood(summary));
  $("confirmed-text").textContent = resultText(summary, { settled });
  document.body.dataset.final = String(summary.final);
  document.body.dataset.done = `confirmed-${summary.status}`;
}

show();
