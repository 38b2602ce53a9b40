// Bun (npm package `bun`): `bun main.mjs`.
export default {
  description: "bun: bun main.mjs",
  async run(ctx) {
    const version = await ctx.exec(ctx.bin("bun"), ["--version"]);
    ctx.note(`bun ${version.stdout.trim()}`);
    await ctx.check("bun run", () => ctx.script(ctx.bin("bun"), ["main.mjs"]));
  },
};
