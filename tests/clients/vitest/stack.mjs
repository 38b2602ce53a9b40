// Vitest 5 (needs Node >= 22.12: run with the harness's Node 24), no config; environments per
// file: node (default), jsdom, edge-runtime (@edge-runtime/vm).
export default {
  description: "vitest 5 (Node 24): node, jsdom and edge-runtime environments",
  async run(ctx) {
    const jsonFile = ctx.path("vitest-results.json");
    await ctx.testRunner({
      cmd: ctx.node24,
      args: ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`],
      env: ctx.env24,
      jsonFile,
      files: { node: "node.test.js", jsdom: "jsdom.test.js", "edge-runtime": "edge-runtime.test.js" },
    });
  },
};
