// The same return page with what an integrator would write by hand instead: URLSearchParams
// and the same checks (session id charset and length, the status vocabulary, an unknown reason
// read as "unknown" with the raw one kept, the state compared). Bundled by esbuild like the
// other page.
import { showReturn } from "./return-show.mjs";

const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const STATUSES = new Set(["success", "failed", "abandoned"]);
const REASONS = new Set(["document_unreadable", "face_mismatch", "session_expired", "internal_error", "user_cancelled"]);

function parseReturn(href, expectedState) {
  const params = new URLSearchParams(new URL(href).search);
  const sessionId = params.get("session_id");
  if (!sessionId || !SESSION_ID.test(sessionId)) throw new Error("invalid_session_id");
  const status = params.get("status");
  if (!STATUSES.has(status)) throw new Error("invalid_status");
  if (!expectedState || params.get("state") !== expectedState) throw new Error("state_mismatch");
  const rawReason = status === "success" ? undefined : (params.get("reason") ?? undefined);
  const reason = rawReason === undefined ? undefined : REASONS.has(rawReason) ? rawReason : "unknown";
  return { sessionId, status, reason, rawReason, state: expectedState };
}

showReturn(parseReturn);
