// webpack 5, zero-config (src/index.js -> dist/main.js), production mode; page in Chromium.
export default {
  description: "webpack 5 browser bundle (zero config, --mode production)",
  async run(ctx) {
    const build = await ctx.step("webpack --mode production", () => ctx.exec(ctx.bin("webpack"), ["--mode", "production"]));
    await ctx.check("page", async () => {
      build.need();
      const dist = ctx.path("dist");
      const page = await ctx.page(await ctx.serve(dist));
      return { ...page, info: { wasmEmitted: ctx.wasmFilesIn(dist) } };
    });
  },
};
