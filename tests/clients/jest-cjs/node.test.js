const { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } = require("idv-handoff");
const { runChecks, printResult } = require("./checks.cjs");

test("idv-handoff in Jest (CommonJS, node environment)", () => {
  printResult(
    runChecks(
      { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError },
      { label: "node", resolved: require.resolve("idv-handoff") },
    ),
  );
});
