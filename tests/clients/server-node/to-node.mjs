// A Fetch handler, `(Request) => Promise<Response>`, as a node:http request listener (and as
// Express middleware): the request body streamed in, the answer streamed out, every header kept
// (each Set-Cookie apart). `origin`: your public origin when a proxy in front terminates TLS;
// else the Host header's, over http.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export function toNodeListener(handler, { origin } = {}) {
  return async (req, res) => {
    try {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      // Origin and path joined as text: `new URL("//other.host/…", base)` would take the host
      // from the path.
      const request = new Request(`${origin ?? `http://${req.headers.host}`}${req.originalUrl ?? req.url}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? null : Readable.toWeb(req),
        duplex: "half",
      });
      const response = await handler(request);
      res.writeHead(response.status, [...response.headers].flat());
      if (response.body) await pipeline(Readable.fromWeb(response.body), res);
      else res.end();
    } catch (error) {
      if (res.headersSent) res.destroy(error);
      else res.writeHead(500).end();
    }
  };
}
