// Test runners (Jest, Vitest): one run of the tool over several test files, each printing its
// report (checks.mjs' printResult with a `label`). One check per file: its report, or the failure
// the tool gave for that file (from its JSON reporter: Jest's --json, Vitest's json reporter).
import { basename } from "node:path";

const stripAnsi = (s) => String(s).replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/** The failure text per test file name from a Jest-style JSON report. */
function failuresByFile(json) {
  const out = {};
  for (const suite of json?.testResults ?? []) {
    const msgs = [];
    if (suite.message) msgs.push(suite.message);
    for (const a of suite.assertionResults ?? []) for (const m of a.failureMessages ?? []) msgs.push(m);
    if (msgs.length) {
      out[basename(suite.name)] = stripAnsi(msgs.join("\n"))
        .replace(/^\s*● Test suite failed to run\s*/m, "")
        .trim();
    }
  }
  return out;
}

/**
 * Runs `cmd args` (which writes a Jest-style JSON report to `jsonFile`) and records a check per
 * entry of `files` ({ label: "file.test.js" }).
 */
export async function testRunnerChecks(ctx, { cmd, args, env, jsonFile, files, timeout }) {
  const run = await ctx.step(`${basename(cmd)} ${args.filter((a) => !a.startsWith("--output")).join(" ")}`.slice(0, 120), () =>
    ctx.exec(cmd, args, { env, allowFail: true, timeout }),
  );
  const r = run.ok ? run.value : null;
  const reports = r ? ctx.resultsFromOutput(r.stdout, r.stderr) : [];
  let json = null;
  try {
    json = ctx.readJson(jsonFile);
  } catch {}
  const failures = failuresByFile(json);
  for (const [label, file] of Object.entries(files)) {
    await ctx.check(label, async () => {
      run.need();
      const report = reports.find((x) => x.label === label);
      if (report) return { report };
      const why = failures[file] ?? (json ? `${file}: no result (not run?)` : stripAnsi(r.output).split("\n").slice(-30).join("\n"));
      throw new Error(why);
    });
  }
}
