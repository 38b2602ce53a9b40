// The return page: completeHandoff gives the hint (checked against this tab's state), then the
// proxy asks the provider for the authoritative answer.
import { completeHandoff, IdvError } from "idv-handoff";

const config = fetch("/api/idv/config").then((r) => r.json());

const $ = (id) => document.getElementById(id);

function refuse(text) {
  $("refused").hidden = false;
  $("refused-text").textContent = text;
  document.body.dataset.done = "refused";
}

// What the provider's answer (as the proxy sums it up) means for the person.
const CONFIRMED = {
  submitted: "Verification submitted: the provider has your documents and will review them.",
  approved: "Verification approved.",
  completed: "Verification completed: the provider has your documents.",
  in_review: "Verification in review: the provider will let you know.",
  failed: "Verification failed",
  declined: "Verification declined.",
  abandoned: "Verification abandoned: you left before finishing.",
  cancelled: "Verification cancelled: you left before finishing.",
  expired: "Verification expired: please start again.",
};
const GOOD = new Set(["submitted", "approved", "completed"]);

async function show() {
  const { provider, params } = await config;
  let hint;
  try {
    hint = completeHandoff({ provider, params });
  } catch (e) {
    if (!(e instanceof IdvError)) throw e;
    document.body.dataset.code = e.code;
    refuse(
      e.code === "no_pending_handoff"
        ? "This result was not started in this tab (another device, another tab, or a link used twice). Check your verification status in your account."
        : `This return link could not be checked (${e.code}).`,
    );
    return;
  }
  $("hint").hidden = false;
  $("hint-status").textContent = hint.status;
  $("hint-reason").textContent = hint.reason ?? "none";
  $("hint-raw").textContent = `status=${hint.rawStatus}${hint.rawReason ? `, reason=${hint.rawReason}` : ""}`;
  $("hint-session").textContent = hint.sessionId;

  const answer = await fetch(`/api/idv/sessions/${encodeURIComponent(hint.sessionId)}`);
  if (!answer.ok) return refuse("The provider does not confirm this session.");
  const confirmed = await answer.json();
  if (confirmed.status === "pending") return refuse("The provider has no result for this session yet.");
  $("confirmed").hidden = false;
  $("confirmed").classList.toggle("refused", !GOOD.has(confirmed.status));
  const text = CONFIRMED[confirmed.status] ?? confirmed.status;
  $("confirmed-text").textContent = confirmed.reason ? `${text}: ${confirmed.reason}.` : text;
  document.body.dataset.done = `confirmed-${confirmed.status}`;
}

show();
