// esbuild --bundle --format=esm (platform browser, its default); page in Chromium.
export default {
  description: "esbuild --bundle --format=esm (browser platform)",
  async run(ctx) {
    const build = await ctx.step("esbuild --bundle", () =>
      ctx.exec(ctx.bin("esbuild"), ["src/main.js", "--bundle", "--format=esm", "--outdir=public", "--metafile=meta.json"]),
    );
    await ctx.check("page", async () => {
      build.need();
      const dir = ctx.path("public");
      const meta = ctx.readJson(ctx.path("meta.json"));
      const inputs = Object.keys(meta?.inputs ?? {}).filter((f) => f.includes("idv-handoff"));
      const page = await ctx.page(await ctx.serve(dir));
      return { ...page, info: { packageFilesBundled: inputs, wasmEmitted: ctx.wasmFilesIn(dir) } };
    });
  },
};
