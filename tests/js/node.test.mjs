// The package as a Node user gets it: `import ... from "idv-handoff"` from node_modules, no init.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCallback, IdvError } from "idv-handoff";

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof IdvError, "an IdvError");
    assert.ok(e instanceof Error, "an Error");
    assert.equal(e.name, "IdvError");
    assert.equal(typeof e.message, "string");
    assert.ok(e.stack.includes("IdvError"));
    return e.code;
  }
  assert.fail("did not throw");
}

test("returns a plain object with every field", () => {
  const cb = parseCallback("https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch&state=s1");
  assert.deepEqual(cb, {
    provider: "deepidv",
    sessionId: "abc123",
    status: "failed",
    reason: "face_mismatch",
    rawStatus: "failed",
    rawReason: "face_mismatch",
    state: "s1",
  });
  assert.equal(Object.getPrototypeOf(cb), Object.prototype);
  assert.deepEqual(JSON.parse(JSON.stringify(cb)).sessionId, "abc123");
});

test("accepts a URL string, a query with or without ?, a URL and URLSearchParams", () => {
  const inputs = [
    "https://yourapp.com/done?session_id=abc&status=success",
    "?session_id=abc&status=success",
    "session_id=abc&status=success",
    new URL("https://yourapp.com/done?session_id=abc&status=success"),
    new URLSearchParams({ session_id: "abc", status: "success" }),
  ];
  for (const input of inputs) {
    const cb = parseCallback(input);
    assert.equal(cb.sessionId, "abc", String(input));
    assert.equal(cb.status, "success", String(input));
  }
});

test("deepidv's guide form status=SUBMITTED&sessionId= means success", () => {
  const cb = parseCallback("https://yourapp.com/verification-complete?status=SUBMITTED&sessionId=abc123");
  assert.equal(cb.status, "success");
  assert.equal(cb.rawStatus, "SUBMITTED");
  assert.equal(cb.sessionId, "abc123");
});

test("unknown future reasons fall back to unknown with the raw value kept", () => {
  const cb = parseCallback("?session_id=a&status=failed&reason=liveness_spoof");
  assert.equal(cb.reason, "unknown");
  assert.equal(cb.rawReason, "liveness_spoof");
  const hostile = parseCallback("?session_id=a&status=failed&reason=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
  assert.equal(hostile.rawReason, "_img src_x onerror_alert_1__");
  assert.equal(parseCallback("?session_id=a&status=success&reason=face_mismatch").reason, undefined);
  assert.equal(parseCallback("?session_id=a&status=abandoned").reason, undefined);
});

test("Didit is detected by verificationSessionId and keeps its exact vocabulary", () => {
  const cb = parseCallback("https://yourapp.com/cb?verificationSessionId=11111111-2222-3333-4444-555555555555&status=Kyc%20Expired");
  assert.equal(cb.provider, "didit");
  assert.equal(cb.status, "kyc_expired");
  assert.equal(cb.rawStatus, "Kyc Expired");
  assert.equal(codeOf(() => parseCallback("?verificationSessionId=x&status=approved")), "invalid_status");
  const forced = parseCallback("?verificationSessionId=x&status=Approved", { provider: "didit" });
  assert.equal(forced.status, "approved");
});

test("each validation rule throws its code", () => {
  const cases = [
    ["?status=success", undefined, "missing_session_id"],
    ["?session_id=&status=success", undefined, "missing_session_id"],
    ["?session_id=a", undefined, "missing_status"],
    ["?session_id=a&status=", undefined, "missing_status"],
    ["?session_id=a&status=verified", undefined, "invalid_status"],
    ["?session_id=a&status=success&session_id=b", undefined, "duplicate_parameter"],
    ["?session_id=a%20b&status=success", undefined, "invalid_session_id"],
    [`?session_id=${"a".repeat(129)}&status=success`, undefined, "invalid_session_id"],
    [`?session_id=a&status=success&pad=${"x".repeat(8192)}`, undefined, "input_too_long"],
    ["?session_id=a&status=success", { expectedSessionId: "b" }, "session_mismatch"],
    ["?session_id=a&status=success", { expectedState: "s" }, "state_mismatch"],
    ["?session_id=a&status=success&state=t", { expectedState: "s" }, "state_mismatch"],
    ["?session_id=a&status=success&state=%22", undefined, "invalid_state"],
    ["?session_id=a&status=success", { provider: "acme" }, "invalid_option"],
    ["?session_id=a&status=success", { expectedState: 42 }, "invalid_option"],
  ];
  for (const [input, options, code] of cases) {
    assert.equal(codeOf(() => parseCallback(input, options)), code, `${input.slice(0, 60)} ${JSON.stringify(options)}`);
  }
  assert.equal(codeOf(() => parseCallback(42)), "invalid_input");
  assert.equal(codeOf(() => parseCallback({ search: "?session_id=a&status=success" })), "invalid_input");
  assert.equal(codeOf(() => parseCallback("x".repeat(1 << 20))), "input_too_long");
});

test("errors name the parameter or option they are about", () => {
  assert.throws(
    () => parseCallback("?session_id=a&sessionId=a&status=success"),
    (e) => e.code === "duplicate_parameter" && e.param === "sessionId" && e.field === undefined,
  );
  assert.throws(
    () => parseCallback("?session_id=a&status=success", { provider: 1 }),
    (e) => e.code === "invalid_option" && e.field === "provider" && e.param === undefined,
  );
});

test("a matching expectedState and expectedSessionId pass", () => {
  const cb = parseCallback("?session_id=a&status=success&state=xyz", { expectedState: "xyz", expectedSessionId: "a" });
  assert.equal(cb.state, "xyz");
});

// Differential: values decoded by parseCallback equal what Node's own URLSearchParams decodes.
function* generatedQueries(seed, count) {
  const pieces = ["a", "Z", "9", "-", ".", "_", "~", "%61", "%2D", "%7E", "+", "%20", "%", "%zz", "%C3%A9", "é", "\uFEFF", "\uD800", "/", "%2F", "&x=1", "=", "%3D"];
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0), s >>> 8);
  for (let i = 0; i < count; i++) {
    let id = "";
    const n = 1 + (next() % 8);
    for (let j = 0; j < n; j++) id += pieces[next() % pieces.length];
    const junk = pieces[next() % pieces.length];
    yield next() % 2 ? `session_id=${id}&status=failed&${junk}` : `${junk}&status=failed&session_id=${id}`;
  }
}

test("session ids decode exactly as URLSearchParams decodes them", () => {
  let accepted = 0;
  for (const q of generatedQueries(7, 3000)) {
    const host = new URLSearchParams(q).get("session_id");
    const valid = /^[A-Za-z0-9._~-]{1,128}$/.test(host);
    let got;
    try {
      got = parseCallback(q).sessionId;
    } catch (e) {
      got = e.code;
    }
    const want = valid ? host : host === "" ? "missing_session_id" : "invalid_session_id";
    // A generated junk piece may itself be a second recognised parameter.
    if (new URLSearchParams(q).getAll("session_id").length > 1) continue;
    assert.equal(got, want, q);
    if (valid) accepted++;
  }
  assert.ok(accepted > 300, `only ${accepted} valid ids generated`);
});

test("Verifa: the caller names the return parameters; the status is its own word", () => {
  const params = { sessionId: "verifa_session", status: "verifa_status", reason: "verifa_reason" };
  const cb = parseCallback("?verifa_session=ses_1&verifa_status=failed&verifa_reason=liveness_failed&state=s", { provider: "verifa", params });
  assert.deepEqual(cb, {
    provider: "verifa",
    sessionId: "ses_1",
    status: "failed",
    reason: "unknown",
    rawStatus: "failed",
    rawReason: "liveness_failed",
    state: "s",
  });
  assert.equal(codeOf(() => parseCallback("?verifa_session=ses_1&verifa_status=done", { provider: "verifa" })), "invalid_option");
  // Each bad name is named by its path in the options.
  const badParams = [
    [{}, "params.sessionId"],
    [{ sessionId: "s" }, "params.status"],
    [{ sessionId: "", status: "t" }, "params.sessionId"],
    [{ sessionId: "s", status: 5 }, "params.status"],
    [{ sessionId: "s", status: "t", session: "x" }, "params.session"],
    ["names", "params"],
  ];
  for (const [bad, field] of badParams) {
    assert.throws(() => parseCallback("?s=1&t=2", { provider: "verifa", params: bad }), (e) => e.code === "invalid_option" && e.field === field, JSON.stringify(bad));
  }
  // The reason's name may be absent (undefined or null), not empty or of another type.
  for (const reason of [undefined, null]) {
    assert.equal(parseCallback("?s=1&t=2", { provider: "verifa", params: { sessionId: "s", status: "t", reason } }).sessionId, "1");
  }
  for (const reason of ["", 5, false, {}]) {
    const params = { sessionId: "s", status: "t", reason };
    assert.throws(() => parseCallback("?s=1&t=2", { provider: "verifa", params }), (e) => e.code === "invalid_option" && e.field === "params.reason", String(reason));
  }
  assert.throws(
    () => parseCallback("?verifa_session=a&verifa_status=x&verifa_status=y", { provider: "verifa", params }),
    (e) => e.code === "duplicate_parameter" && e.param === "params.status",
  );
});
