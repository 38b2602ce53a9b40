// Jest 30 in its default mode: CommonJS test files that require() the package, no config, `jest`.
export default {
  description: "jest 30, default CommonJS mode (require): node and jsdom environments",
  async run(ctx) {
    const jsonFile = ctx.path("jest-results.json");
    await ctx.testRunner({
      cmd: ctx.bin("jest"),
      args: ["--json", `--outputFile=${jsonFile}`],
      jsonFile,
      files: { node: "node.test.js", jsdom: "jsdom.test.js" },
    });
  },
};
