// Deno 2 (npm package `deno`): `deno run main.mjs` with NO permission flags; the package comes from
// node_modules through package.json, Deno's default for a folder that has one.
export default {
  description: "deno 2: deno run (no permission flags), package from node_modules",
  async run(ctx) {
    const env = { DENO_DIR: ctx.path(".deno") };
    const version = await ctx.exec(ctx.bin("deno"), ["--version"], { env });
    ctx.note(version.stdout.split("\n")[0]);
    await ctx.check("deno run", () => ctx.script(ctx.bin("deno"), ["run", "main.mjs"], { env }));
  },
};
