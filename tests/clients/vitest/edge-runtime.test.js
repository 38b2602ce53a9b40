// @vitest-environment edge-runtime
import { test } from "vitest";
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks, printResult } from "./checks.mjs";

test("idv-handoff in Vitest (edge-runtime environment: Vercel's Edge VM)", () => {
  printResult(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }, { label: "edge-runtime", resolved: typeof import.meta.resolve === "function" ? import.meta.resolve("idv-handoff") : null }));
});
