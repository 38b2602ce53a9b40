// A Cloudflare Worker that uses the package; `wrangler dev` runs it locally in workerd.
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks } from "../checks.mjs";

export default {
  async fetch() {
    return Response.json(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }));
  },
};
