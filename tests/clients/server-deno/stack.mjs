// Deno 2 (npm package `deno`): `Deno.serve(handler)` with idv-handoff/server from node_modules,
// permissions net and the four variables only, checked against the stand-in provider.
export default {
  description: "deno 2: Deno.serve(idv-handoff/server handler), against the stand-in provider",
  async run(ctx) {
    const provider = await ctx.standIn();
    const port = await ctx.freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...provider.env(base), DENO_DIR: ctx.path(".deno") };
    const app = await ctx.step("deno run server.mjs", () =>
      ctx.server(ctx.bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-env=IDV_API_KEY,RETURN_URL,PROVIDER_URL,PORT", "server.mjs"], {
        url: `${base}/`,
        env,
        label: "deno-serve",
      }),
    );
    await ctx.serverCheck("Deno.serve", { base, provider, app });
  },
};
