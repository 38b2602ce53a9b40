// Node (the machine's Node 20): `import` from an ES module and `require` from CommonJS.
export default {
  description: "node: import (main.mjs) and require (main.cjs)",
  async run(ctx) {
    await ctx.check("import", () => ctx.script(process.execPath, ["main.mjs"]));
    await ctx.check("require", () => ctx.script(process.execPath, ["main.cjs"]));
  },
};
