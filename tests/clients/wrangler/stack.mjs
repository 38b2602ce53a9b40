// wrangler 4 `wrangler dev` (local workerd), run with Node 24 (wrangler 4 needs Node >= 22.12).
export default {
  description: "wrangler 4 dev (local workerd), Node 24",
  async run(ctx) {
    const port = await ctx.freePort();
    const inspector = await ctx.freePort();
    const url = `http://127.0.0.1:${port}/`;
    await ctx.check("wrangler dev", async () => {
      await ctx.server(
        ctx.node24,
        ["node_modules/wrangler/bin/wrangler.js", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
        { url, env: ctx.env24, timeout: 90_000, label: "wrangler-dev" },
      );
      return { report: await ctx.fetchJson(url) };
    });
  },
};
