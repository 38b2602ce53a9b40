// wrangler 4 `wrangler dev` (local workerd) under Node 24 (wrangler 4 needs Node >= 22.12): a
// Worker mounting idv-handoff/server with the Durable Object idempotency store, its secrets in
// .dev.vars, checked against the stand-in provider.
import { existsSync, readdirSync, writeFileSync } from "node:fs";

export default {
  description: "wrangler 4 dev (local workerd): idv-handoff/server, Durable Object store, Node 24",
  async run(ctx) {
    const provider = await ctx.standIn();
    const port = await ctx.freePort();
    const inspector = await ctx.freePort();
    const base = `http://127.0.0.1:${port}`;
    const { PORT, ...vars } = provider.env(base);
    writeFileSync(ctx.path(".dev.vars"), Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(""));
    const app = await ctx.step("wrangler dev", () =>
      ctx.server(
        ctx.node24,
        ["node_modules/wrangler/bin/wrangler.js", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
        { url: `${base}/`, env: ctx.env24, timeout: 90_000, label: "wrangler-dev" },
      ),
    );
    await ctx.serverCheck("worker (durableObjectStore)", { base, provider, app });
    // The key was kept in a Durable Object (wrangler dev keeps each object in its own SQLite file):
    // one object for each of the two Idempotency-Keys that reached the store (the other creates
    // were refused before it, or never reached the handler's create).
    await ctx.check("Durable Object store used", async () => {
      app.need();
      const dir = ctx.path(".wrangler", "state", "v3", "do", "idv-client-server-wrangler-IdvIdempotencyStore");
      const objects = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
      return { passed: objects.length === 2, error: `${objects.length} Durable Objects in ${dir}, want 2`, info: { objects } };
    });
  },
};
