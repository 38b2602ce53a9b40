// rollup 4 + @rollup/plugin-node-resolve({ browser: true }) (its documented browser setup).
export default {
  description: "rollup 4 + @rollup/plugin-node-resolve, browser: true, format es",
  async run(ctx) {
    const build = await ctx.step("rollup -c", () => ctx.exec(ctx.bin("rollup"), ["-c"]));
    await ctx.check("page", async () => {
      build.need();
      const dir = ctx.path("public");
      const page = await ctx.page(await ctx.serve(dir));
      return { ...page, info: { wasmEmitted: ctx.wasmFilesIn(dir) } };
    });
  },
};
