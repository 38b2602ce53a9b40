// The page computes every check in the browser and shows the report for the runner.
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks, showInPage } from "../checks.mjs";

showInPage(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }));
