// Node (the machine's Node 20): idv-handoff/server mounted with node:http (toNodeListener, the
// README's adapter), Express 5 (the same adapter) and Hono (@hono/node-server); each server its
// own process, checked against the stand-in provider (lib/server-checks.mjs). Then the adapter
// alone (probe.mjs): headers on several lines, two Set-Cookie, a 1 MiB body in, a body streamed
// out.
import { request as httpRequest } from "node:http";
import { createHash, randomBytes } from "node:crypto";

const SERVERS = [
  ["node:http", "node-http.mjs"],
  ["express", "express.mjs"],
  ["hono (@hono/node-server)", "hono.mjs"],
];

/** POSTs `body` with a header on two lines; resolves to the answer and when each piece came. */
function probeCall(base, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/probe?x=1`, { method: "POST", timeout: 20_000 }, (res) => {
      const pieces = [];
      res.on("data", (chunk) => pieces.push({ at: Date.now(), text: chunk.toString("utf8") }));
      res.on("end", () => resolve({ res, pieces }));
      res.on("error", reject);
    });
    req.setHeader("X-Multi", ["1", "2"]);
    req.setHeader("Content-Type", "application/octet-stream");
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("the probe did not answer in 20 s")));
    req.end(body);
  });
}

export default {
  description: "node 20: idv-handoff/server under node:http, Express 5 and Hono, against the stand-in provider",
  async run(ctx) {
    const provider = await ctx.standIn();
    for (const [name, file] of SERVERS) {
      const port = await ctx.freePort();
      const base = `http://127.0.0.1:${port}`;
      const app = await ctx.step(`start ${name}`, () =>
        ctx.server(process.execPath, [file], { url: `${base}/`, env: provider.env(base), label: file.replace(".mjs", "") }),
      );
      await ctx.serverCheck(name, { base, provider, app });
      app.value?.kill();
    }

    await ctx.check("node:http adapter (probe)", async () => {
      const port = await ctx.freePort();
      const base = `http://127.0.0.1:${port}`;
      await ctx.server(process.execPath, ["probe.mjs"], { url: `${base}/`, env: { PORT: String(port) }, label: "probe" });
      const body = randomBytes(1 << 20);
      const { res, pieces } = await probeCall(base, body);
      const text = pieces.map((p) => p.text).join("");
      const firstLineAt = pieces.find((p, i) => pieces.slice(0, i + 1).map((q) => q.text).join("").includes("\n"))?.at;
      const got = {
        status: res.statusCode,
        setCookie: res.headers["set-cookie"],
        xList: res.headers["x-list"],
        seen: JSON.parse(text.split("\n")[0]),
        rest: text.split("\n").slice(1).join("\n"),
        // The first piece came before the handler had written the second (400 ms later).
        streamed: pieces.at(-1).at - firstLineAt >= 300,
      };
      const want = {
        status: 207,
        setCookie: ["a=1; Path=/; HttpOnly", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"],
        xList: "1, 2",
        seen: { method: "POST", url: `${base}/probe?x=1`, multi: "1, 2", bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") },
        rest: "end\n",
        streamed: true,
      };
      const problems = Object.keys(want).filter((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]));
      return {
        passed: problems.length === 0,
        error: problems.map((k) => `${k}: got ${JSON.stringify(got[k])}, want ${JSON.stringify(want[k])}`).join("\n"),
        info: got,
      };
    });
  },
};
