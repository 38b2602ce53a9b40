// vite 8: the dev server, and `vite build` served statically; each page in Chromium.
export default {
  description: "vite 8: dev server and vite build",
  async run(ctx) {
    await ctx.check("dev", async () => {
      const port = await ctx.freePort();
      const url = `http://127.0.0.1:${port}/`;
      await ctx.server(ctx.bin("vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], { url, label: "vite-dev" });
      const page = await ctx.page(url);
      const { bytes, ...rest } = page; // the dev server's files are not a bundle
      return rest;
    });
    const build = await ctx.step("vite build", () => ctx.exec(ctx.bin("vite"), ["build"]));
    await ctx.check("build", async () => {
      build.need();
      const dist = ctx.path("dist");
      const page = await ctx.page(await ctx.serve(dist));
      return { ...page, info: { wasmEmitted: ctx.wasmFilesIn(dist) } };
    });
  },
};
