import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks, printResult } from "./checks.mjs";

test("idv-handoff in Jest (ESM, node environment)", () => {
  printResult(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }, { label: "node", resolved: typeof import.meta.resolve === "function" ? import.meta.resolve("idv-handoff") : null }));
});
