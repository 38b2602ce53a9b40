// parcel 2, zero config ("source": "src/index.html"; parcel build -> dist/); PARCEL_WORKERS=1 on 2 cores.
export default {
  description: "parcel 2 build (zero config)",
  async run(ctx) {
    const build = await ctx.step("parcel build", () =>
      ctx.exec(ctx.bin("parcel"), ["build", "--no-cache"], { env: { PARCEL_WORKERS: "1" } }),
    );
    await ctx.check("page", async () => {
      build.need();
      const dist = ctx.path("dist");
      const page = await ctx.page(await ctx.serve(dist));
      return { ...page, info: { wasmEmitted: ctx.wasmFilesIn(dist) } };
    });
  },
};
