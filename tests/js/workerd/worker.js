// A Cloudflare-style worker that uses the package as an edge developer would.
import { parseCallback, IdvError } from "idv-handoff";

export default {
  async fetch(request) {
    try {
      return Response.json(parseCallback(new URL(request.url)));
    } catch (e) {
      const body = { code: e.code, isIdvError: e instanceof IdvError, isError: e instanceof Error };
      return Response.json(body, { status: 400 });
    }
  },
};
