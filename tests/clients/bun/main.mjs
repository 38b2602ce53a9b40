import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks, printResult } from "./checks.mjs";

printResult(
  runChecks(
    { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError },
    { resolved: import.meta.resolve("idv-handoff") },
  ),
);
