// A route handler in the default (Node.js) runtime.
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks } from "../../../checks.mjs";

export function GET(request) {
  const report = runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError });
  return Response.json({ ...report, path: new URL(request.url).pathname });
}
