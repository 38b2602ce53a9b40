// Jest 30 with ES modules, as its docs say: `node --experimental-vm-modules node_modules/jest/bin/jest.js`.
// No config: the default testEnvironment (node) and, per file, `@jest-environment jsdom`.
export default {
  description: "jest 30, ESM (node --experimental-vm-modules): node and jsdom environments",
  async run(ctx) {
    const jsonFile = ctx.path("jest-results.json");
    await ctx.testRunner({
      cmd: process.execPath,
      args: ["--experimental-vm-modules", "node_modules/jest/bin/jest.js", "--json", `--outputFile=${jsonFile}`],
      jsonFile,
      files: { node: "node.test.mjs", jsdom: "jsdom.test.mjs" },
    });
  },
};
