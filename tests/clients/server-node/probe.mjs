// toNodeListener alone, with a Fetch handler that tells what it got (method, URL, a header sent
// on two lines, the body's size and SHA-256) and answers two Set-Cookie headers, a header of two
// values and a body in two pieces 400 ms apart (the second after the first was sent).
import { createServer } from "node:http";
import { toNodeListener } from "./to-node.mjs";

async function probe(request) {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const sha256 = Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
  const seen = { method: request.method, url: request.url, multi: request.headers.get("x-multi"), bytes: bytes.byteLength, sha256 };
  const text = new TextEncoder();
  const body = new ReadableStream({
    async start(controller) {
      controller.enqueue(text.encode(`${JSON.stringify(seen)}\n`));
      await new Promise((ok) => setTimeout(ok, 400));
      controller.enqueue(text.encode("end\n"));
      controller.close();
    },
  });
  const headers = new Headers({ "Content-Type": "text/plain; charset=utf-8" });
  headers.append("Set-Cookie", "a=1; Path=/; HttpOnly");
  headers.append("Set-Cookie", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT");
  headers.append("X-List", "1");
  headers.append("X-List", "2");
  return new Response(body, { status: 207, headers });
}

createServer(toNodeListener(probe)).listen(Number(process.env.PORT), "127.0.0.1");
