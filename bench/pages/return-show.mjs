// What both return pages do with their parser: parse this page's own URL, put the outcome in the
// DOM, and note when it got there (performance.now(): ms since navigation start). Bundled into
// each page's one script (return-wasm.mjs, return-js.mjs).
export function showReturn(parse) {
  const out = document.getElementById("result");
  const expectedState = document.documentElement.dataset.state;
  try {
    const { sessionId, status, reason } = parse(location.href, expectedState);
    out.textContent = `Verification ${status}${reason ? ` (${reason})` : ""}, session ${sessionId}`;
  } catch (e) {
    out.textContent = `Could not read the return: ${e.code ?? e.message}`;
  }
  window.returnShownAt = performance.now();
}
