const { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } = require("idv-handoff");
const { runChecks, printResult } = require("./checks.cjs");

printResult(
  runChecks(
    { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError },
    { resolved: require.resolve("idv-handoff") },
  ),
);
