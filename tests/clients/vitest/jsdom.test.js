// @vitest-environment jsdom
import { test } from "vitest";
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks, printResult } from "./checks.mjs";

test("idv-handoff in Vitest (jsdom environment)", () => {
  printResult(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }, { label: "jsdom", resolved: typeof import.meta.resolve === "function" ? import.meta.resolve("idv-handoff") : null }));
});
