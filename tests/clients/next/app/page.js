"use client";
// A client component: the checks run in the browser after hydration (useEffect), and the report
// appears only then, so the runner's wait for #idv-result proves hydration and the browser run.
import { useEffect, useState } from "react";
import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
import { runChecks } from "../checks.mjs";

export default function Page() {
  const [report, setReport] = useState(null);
  useEffect(() => {
    setReport(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }));
  }, []);
  return (
    <main>
      <h1>idv-handoff in Next.js</h1>
      {report && <pre id="idv-result">{JSON.stringify(report)}</pre>}
    </main>
  );
}
