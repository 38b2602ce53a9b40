// Next.js 16 App Router, `next build` (Turbopack) + `next start`: idv-handoff/server mounted in
// route handlers, once in the Node.js runtime (app/api/idv/[...path], app/idv/start,
// app/idv/return) and once in the Edge runtime (the same under app/edge/), each checked against
// the stand-in provider, on one `next start`.
export default {
  description: "next 16: idv-handoff/server in route handlers, nodejs and edge runtimes (next build + next start)",
  timeout: 240,
  async run(ctx) {
    const build = await ctx.step("next build", () => ctx.exec(ctx.bin("next"), ["build"], { timeout: 180_000, label: "next-build" }));
    // Which routes Next built for the Edge runtime: the three under app/edge/, and only those.
    await ctx.check("runtimes (middleware-manifest.json)", async () => {
      build.need();
      const edge = Object.keys(ctx.readJson(ctx.path(".next", "server", "middleware-manifest.json"))?.functions ?? {}).sort();
      const want = ["/edge/api/idv/[...path]/route", "/edge/idv/return/route", "/edge/idv/start/route"];
      const passed = JSON.stringify(edge) === JSON.stringify(want);
      return { passed, error: `Edge functions: ${JSON.stringify(edge)}, want ${JSON.stringify(want)}`, info: { edge } };
    });
    const provider = await ctx.standIn();
    const port = await ctx.freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...provider.env(base), APP_ORIGIN: base, EDGE_RETURN_URL: `${base}/edge/idv/return` };
    const app = build.ok
      ? await ctx.step("next start", () =>
          ctx.server(ctx.bin("next"), ["start", "--port", String(port), "--hostname", "127.0.0.1"], { url: `${base}/api/none`, env, label: "next-start" }),
        )
      : build;
    await ctx.serverCheck("route handlers (nodejs runtime)", { base, provider, app });
    await ctx.serverCheck("route handlers (edge runtime)", {
      base,
      provider,
      app,
      paths: { api: "/edge/api/idv", start: "/edge/idv/start", ret: "/edge/idv/return" },
    });
  },
};
