// A route handler in the Edge runtime.
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks } from "../../../checks.mjs";

export const runtime = "edge";

export function GET(request) {
  const report = runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError });
  return Response.json({ ...report, path: new URL(request.url).pathname });
}
