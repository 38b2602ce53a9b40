// The return page: completeHandoff gives the hint (checked against this tab's state), then the
// proxy asks the provider for the authoritative answer.
import { completeHandoff, IdvError } from "idv-handoff";

const $ = (id) => document.getElementById(id);

function refuse(text) {
  $("refused").hidden = false;
  $("refused-text").textContent = text;
  document.body.dataset.done = "refused";
}

const CONFIRMED = {
  success: "Verification submitted: the provider has your documents and will review them.",
  failed: "Verification failed",
  abandoned: "Verification abandoned: you left before finishing.",
};

async function show() {
  let hint;
  try {
    hint = completeHandoff();
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
  const record = (await answer.json()).sessionRecord;
  const outcome = record.outcome;
  if (!outcome) return refuse("The provider has no result for this session yet.");
  $("confirmed").hidden = false;
  $("confirmed").classList.toggle("refused", outcome.status !== "success");
  $("confirmed-text").textContent =
    outcome.status === "failed" ? `${CONFIRMED.failed}: ${outcome.reason}.` : CONFIRMED[outcome.status] ?? outcome.status;
  document.body.dataset.done = `confirmed-${outcome.status}`;
}

show();
