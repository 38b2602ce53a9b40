// Bun (npm package `bun`): `Bun.serve({ fetch: handler })` with idv-handoff/server, checked against
// the stand-in provider.
export default {
  description: "bun: Bun.serve({ fetch: idv-handoff/server handler }), against the stand-in provider",
  async run(ctx) {
    const provider = await ctx.standIn();
    const port = await ctx.freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = await ctx.step("bun server.mjs", () =>
      ctx.server(ctx.bin("bun"), ["server.mjs"], { url: `${base}/`, env: provider.env(base), label: "bun-serve" }),
    );
    await ctx.serverCheck("Bun.serve", { base, provider, app });
  },
};
