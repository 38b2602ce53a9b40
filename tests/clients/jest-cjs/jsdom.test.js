/**
 * @jest-environment jsdom
 */
const { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } = require("idv-handoff");
const { runChecks, printResult } = require("./checks.cjs");

test("idv-handoff in Jest (CommonJS, jsdom environment)", () => {
  printResult(
    runChecks(
      { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError },
      { label: "jsdom", resolved: require.resolve("idv-handoff") },
    ),
  );
});
