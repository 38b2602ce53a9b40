// Hostile inputs through the package in Node, one row each: every open-redirect trick of the
// handoff URL, homographs, encoded and numeric hosts, IPv6 literals, overlong input, NUL bytes,
// lone surrogates, bidi controls, `%00` in ids, 10 000 parameters. Each row ends in its exact
// error code, or in a documented accepted result (`accepts`, with the exact value returned).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildHandoffUrl, parseCallback, normalizeSessionRequest, IdvError } from "idv-handoff";
import { ROOT } from "./helpers/paths.mjs";

const SESSION = "https://app.deepidv.com/s/abc";
const ORIGINS = ["https://yourapp.com"];
const MB = 1 << 20;
/** What buildHandoffUrl returns for SESSION and a redirect URL whose canonical form is `href`. */
const handoff = (href) => `${SESSION}?redirect_url=${new URLSearchParams({ u: href }).toString().slice(2)}`;
const PERSON = { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567" };
const BODY = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };
// reason, rawReason and state are absent when the callback has none.
const callback = (sessionId, status = "success", extra = {}) => ({ provider: "deepidv", sessionId, status, rawStatus: status, ...extra });

/** The redirect URL `url`, checked against the allowlist `ORIGINS` unless `origins` says otherwise. */
const redirect = (url, origins = ORIGINS) => () =>
  buildHandoffUrl(SESSION, origins ? { redirectUrl: url, allowedRedirectOrigins: origins } : { redirectUrl: url });
const sessionUrl = (url, options = {}) => () => buildHandoffUrl(url, { redirectUrl: "https://yourapp.com/done", ...options });
const parse = (input, options) => () => parseCallback(input, options);
const normalize = (fields) => () => normalizeSessionRequest({ ...PERSON, ...fields });

const tenThousand = (make) => Array.from({ length: 10_000 }, (_, i) => make(i));
const MANY_PARAMS = `${SESSION}?${tenThousand((i) => `p${i}=${i}`).join("&")}`;
const SOME_PARAMS = `${SESSION}?${tenThousand((i) => `p${i}=${i}`).slice(0, 500).join("&")}`;
const MANY_FIELDS = Object.fromEntries(tenThousand((i) => [`f${i}`, "x"]));

// [name, run, expected]: expected is { code, field?, param? } or { accepts: exact result }.
const ROWS = [
  // The open-redirect tricks of the handoff issue (also in tests/data/handoff-cases.json).
  ["javascript: URL", redirect("javascript:alert(1)//https://yourapp.com/"), { code: "insecure_url", field: "redirectUrl" }],
  ["javascript: in mixed case", redirect("JaVaScRiPt:alert(1)"), { code: "insecure_url", field: "redirectUrl" }],
  ["data: URL", redirect("data:text/html,<script>alert(1)</script>"), { code: "insecure_url", field: "redirectUrl" }],
  ["blob: URL", redirect("blob:https://yourapp.com/0b5c5bd0-8d0e-4f55-9c43-1d1a9e1c6c1e"), { code: "insecure_url", field: "redirectUrl" }],
  ["plain http", redirect("http://yourapp.com/done"), { code: "insecure_url", field: "redirectUrl" }],
  ["leading space", redirect(" https://yourapp.com/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["tab inside the scheme", redirect("java\tscript:alert(1)"), { code: "suspicious_url", field: "redirectUrl" }],
  ["newline inside the host", redirect("https://your\napp.com/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["backslash before @", redirect("https://yourapp.com\\@evil.example/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["backslashes for slashes", redirect("https:\\\\evil.example/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["relative path", redirect("/done"), { code: "invalid_url", field: "redirectUrl" }],
  ["protocol-relative URL", redirect("//evil.example/x"), { code: "invalid_url", field: "redirectUrl" }],
  ["userinfo that looks like the host", redirect("https://yourapp.com@evil.example/"), { code: "credentials_in_url", field: "redirectUrl" }],
  ["username and password", redirect("https://user:pass@yourapp.com/"), { code: "credentials_in_url", field: "redirectUrl" }],
  ["empty userinfo", redirect("https://:@yourapp.com/"), { code: "credentials_in_url", field: "redirectUrl" }],
  ["missing //", redirect("https:evil.example/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["three slashes", redirect("https:///evil.example/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["dot segments", redirect("https://yourapp.com/a/../b"), { code: "suspicious_url", field: "redirectUrl" }],
  ["percent-encoded dot segments", redirect("https://yourapp.com/%2e%2e/admin"), { code: "suspicious_url", field: "redirectUrl" }],
  ["empty port", redirect("https://yourapp.com:/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["markup in the path", redirect("https://yourapp.com/<script>"), { code: "suspicious_url", field: "redirectUrl" }],
  ["trailing dot on the host", redirect("https://yourapp.com./"), { code: "redirect_origin_not_allowed" }],
  ["a subdomain", redirect("https://sub.yourapp.com/"), { code: "redirect_origin_not_allowed" }],
  ["the allowed host as a prefix", redirect("https://yourapp.com.evil.example/"), { code: "redirect_origin_not_allowed" }],
  ["@ after a fragment", redirect("https://evil.example#@yourapp.com"), { code: "redirect_origin_not_allowed" }],
  ["@ after a query", redirect("https://evil.example?@yourapp.com/"), { code: "redirect_origin_not_allowed" }],
  ["another port", redirect("https://yourapp.com:8443/"), { code: "redirect_origin_not_allowed" }],
  ["session URL on another host", sessionUrl("https://evil.example/s/abc", { allowedSessionHosts: ["app.deepidv.com"] }), { code: "session_host_not_allowed" }],
  ["session URL over http", sessionUrl("http://app.deepidv.com/s/abc"), { code: "insecure_url", field: "sessionUrl" }],
  ["scheme and host in capitals", redirect("HTTPS://YOURAPP.COM/done"), { accepts: handoff("https://yourapp.com/done") }],

  // IDN homographs and encoded hosts.
  ["IDN homograph (Cyrillic а)", redirect("https://yourаpp.com/done"), { code: "suspicious_url", field: "redirectUrl" }],
  ["the homograph's punycode: a host of its own", redirect("https://xn--yourpp-6nf.com/done"), { code: "redirect_origin_not_allowed" }],
  ["fullwidth full stop in the host", redirect("https://yourapp．com/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["ideographic full stop in the host", redirect("https://yourapp。com/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["percent-encoded dot in the host", redirect("https://yourapp%2ecom/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["percent-encoded letter in the host", redirect("https://%79ourapp.com/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["percent-encoded slash in the host", redirect("https://evil.example%2fyourapp.com/"), { code: "invalid_url", field: "redirectUrl" }],
  ["percent-encoded @ in the host", redirect("https://yourapp.com%40evil.example/"), { code: "invalid_url", field: "redirectUrl" }],
  ["an empty punycode label (Chromium's URL accepts it)", redirect("https://xn--/"), { code: "invalid_url", field: "redirectUrl" }],
  ["percent-encoded slashes in the path stay in the path", redirect("https://yourapp.com/%2F%2Fevil.example"), { accepts: handoff("https://yourapp.com/%2F%2Fevil.example") }],

  // IPv4 and IPv6 literals.
  ["IPv4 in hex", redirect("https://0x7f.0.0.1/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["IPv4 in octal", redirect("https://0177.0.0.1/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["IPv4 as one number", redirect("https://2130706433/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["IPv4 shorthand", redirect("https://127.1/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["canonical IPv6 literal, allowed", redirect("https://[::1]/done", ["https://[::1]"]), { accepts: handoff("https://[::1]/done") }],
  ["canonical IPv6 literal, not allowed", redirect("https://[2001:db8::1]/"), { code: "redirect_origin_not_allowed" }],
  ["non-canonical IPv6 (zeros written out)", redirect("https://[0:0::1]/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["IPv4-mapped IPv6 in dotted form", redirect("https://[::ffff:127.0.0.1]/"), { code: "suspicious_url", field: "redirectUrl" }],
  ["a port with a leading zero: the same origin", redirect("https://yourapp.com:0443/done"), { accepts: handoff("https://yourapp.com/done") }],

  // Overlong input.
  ["1 MB callback URL", parse(`https://yourapp.com/done?session_id=abc&status=success&x=${"a".repeat(MB)}`), { code: "input_too_long", field: "input" }],
  ["1 MB query as URLSearchParams", parse(new URLSearchParams({ session_id: "abc", status: "success", x: "a".repeat(MB) })), { code: "input_too_long", field: "input" }],
  ["1 MB name in a session request: over deepidv's bound before it is read", normalize({ firstName: "a".repeat(MB) }), { code: "input_too_long", field: "request" }],
  ["a name over 256 characters", normalize({ firstName: "a".repeat(257) }), { code: "invalid_request", field: "first_name" }],
  ["1 MB redirect URL", redirect(`https://yourapp.com/${"a".repeat(MB)}`), { code: "input_too_long", field: "redirectUrl" }],
  ["a redirect URL of 8 KiB is embedded whole", redirect(`https://yourapp.com/${"a".repeat(8192 - 20)}`), { accepts: handoff(`https://yourapp.com/${"a".repeat(8192 - 20)}`) }],
  ["1 MB session URL", sessionUrl(`${SESSION}/${"a".repeat(MB)}`), { code: "input_too_long", field: "sessionUrl" }],

  // NUL bytes and %00.
  ["NUL in the redirect URL", redirect("https://yourapp.com/done\0"), { code: "suspicious_url", field: "redirectUrl" }],
  ["NUL in the session id", parse("session_id=ab\0c&status=success"), { code: "invalid_session_id" }],
  ["%00 in the session id", parse("session_id=abc%00&status=success"), { code: "invalid_session_id" }],
  ["%00 as the whole session id", parse("session_id=%00&status=success"), { code: "invalid_session_id" }],
  ["%00 in the state", parse("session_id=abc&status=success&state=%00"), { code: "invalid_state" }],
  ["%00 in the status", parse("session_id=abc&status=success%00"), { code: "invalid_status" }],
  ["%00 in the reason: sanitised", parse("session_id=abc&status=failed&reason=face%00mismatch"), { accepts: callback("abc", "failed", { reason: "unknown", rawReason: "face_mismatch" }) }],
  ["%00 in a percent-encoded redirect path: kept encoded", redirect("https://yourapp.com/done%00"), { accepts: handoff("https://yourapp.com/done%00") }],
  ["NUL in a name", normalize({ firstName: "Ja\0ne" }), { code: "invalid_request", field: "first_name" }],

  // Lone surrogates: a JavaScript string that is not valid UTF-16 crosses into wasm with each
  // lone surrogate replaced by U+FFFD, as TextEncoder does.
  ["lone surrogate in the session id", parse("session_id=ab\uD800c&status=success"), { code: "invalid_session_id" }],
  ["lone surrogate in the reason: sanitised", parse("session_id=abc&status=failed&reason=a\uDC00b"), { accepts: callback("abc", "failed", { reason: "unknown", rawReason: "a_b" }) }],
  ["lone surrogate in the redirect path: U+FFFD, percent-encoded", redirect("https://yourapp.com/a\uD800b"), { accepts: handoff("https://yourapp.com/a%EF%BF%BDb") }],
  ["lone surrogate in the redirect host", redirect("https://your\uD800app.com/"), { code: "invalid_url", field: "redirectUrl" }],
  ["lone surrogate in a name: U+FFFD", normalize({ lastName: "Do\uDFFFe" }), { accepts: { ...BODY, last_name: "Do\uFFFDe" } }],

  // Bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends).
  ["bidi override in the redirect host", redirect("https://your\u202Eapp.com/"), { code: "invalid_url", field: "redirectUrl" }],
  ["bidi override in the redirect path: percent-encoded", redirect("https://yourapp.com/\u202Egnp.exe"), { accepts: handoff("https://yourapp.com/%E2%80%AEgnp.exe") }],
  ["bidi override in the session id", parse("session_id=\u202Eabc&status=success"), { code: "invalid_session_id" }],
  ["percent-encoded bidi override in the session id", parse("session_id=%E2%80%AEabc&status=success"), { code: "invalid_session_id" }],
  ["bidi override in the state", parse("session_id=abc&status=success&state=a\u2066b"), { code: "invalid_state" }],
  ["bidi override in the reason: sanitised", parse("session_id=abc&status=failed&reason=%E2%80%AEx"), { accepts: callback("abc", "failed", { reason: "unknown", rawReason: "_x" }) }],
  // Names in right-to-left scripts may carry bidi marks: they are format characters, not
  // control characters, and are kept as given.
  ["bidi mark in a name: kept", normalize({ firstName: "\u200FJane" }), { accepts: { ...BODY, first_name: "\u200FJane" } }],

  // Lookalikes and duplicates in the callback.
  ["homograph status (Cyrillic ѕ)", parse("session_id=abc&status=\u0455uccess"), { code: "invalid_status" }],
  ["status in capitals", parse("session_id=abc&status=SUCCESS"), { code: "invalid_status" }],
  ["session id through both aliases", parse("session_id=a&sessionId=b&status=success"), { code: "duplicate_parameter", param: "sessionId" }],
  ["duplicate hidden by percent-encoding", parse("%73ession_id=a&status=success&session%5Fid=b"), { code: "duplicate_parameter", param: "session_id" }],
  ["duplicate status", parse("session_id=a&status=failed&status=success"), { code: "duplicate_parameter", param: "status" }],
  ["state stripped by an attacker", parse("session_id=a&status=success", { expectedState: "st4te" }), { code: "state_mismatch" }],

  // 10 000 parameters.
  ["10 000 callback parameters", parse(`session_id=abc&status=success&${tenThousand((i) => `p${i}`).join("&")}`), { code: "input_too_long", field: "input" }],
  ["10 000 empty callback parameters", parse(`${"&".repeat(10_000)}session_id=abc&status=success`), { code: "input_too_long", field: "input" }],
  ["10 000 parameters as URLSearchParams", parse(new URLSearchParams(tenThousand((i) => [`p${i}`, "x"]))), { code: "input_too_long", field: "input" }],
  ["10 000 session URL parameters", sessionUrl(MANY_PARAMS), { code: "input_too_long", field: "sessionUrl" }],
  ["500 session URL parameters: kept verbatim", sessionUrl(SOME_PARAMS), { accepts: `${SOME_PARAMS}&redirect_url=https%3A%2F%2Fyourapp.com%2Fdone` }],
  ["10 000 fields in a session request", () => normalizeSessionRequest(MANY_FIELDS), { code: "input_too_long", field: "request" }],
  ["an unknown field is named", () => normalizeSessionRequest({ ...PERSON, f0: "x" }), { code: "invalid_request", field: "f0" }],
  ["an API key among the fields", normalize({ apiKey: "sk_live_x" }), { code: "invalid_request", field: "apiKey" }],
];

function outcome(run) {
  try {
    return { accepts: run() };
  } catch (e) {
    assert.ok(e instanceof IdvError && e instanceof Error, `not an IdvError: ${e}`);
    const got = { code: e.code };
    if (e.field !== undefined) got.field = e.field;
    if (e.param !== undefined) got.param = e.param;
    return got;
  }
}

// A row that hung would fail by the runner's timeout; how fast each is belongs to `make bench`.
for (const [name, run, expected] of ROWS) {
  test(`hostile input: ${name}`, () => {
    assert.deepEqual(outcome(run), expected);
  });
}

test("hostile inputs: the rows have distinct names", () => {
  assert.ok(ROWS.length >= 80);
  assert.equal(new Set(ROWS.map(([name]) => name)).size, ROWS.length);
});

test("every web-platform-tests URL input that must fail is refused by buildHandoffUrl, as either URL", () => {
  const data = JSON.parse(readFileSync(`${ROOT}tests/data/wpt/urltestdata.json`, "utf8"));
  const failing = data.filter((c) => typeof c === "object" && c.failure).map((c) => c.input);
  assert.ok(failing.length >= 250);
  for (const input of failing) {
    for (const allowInsecureLocalhost of [false, true]) {
      assert.throws(() => buildHandoffUrl(SESSION, { redirectUrl: input, allowInsecureLocalhost }), IdvError, input);
      assert.throws(() => buildHandoffUrl(input, { redirectUrl: "https://yourapp.com/", allowInsecureLocalhost }), IdvError, input);
    }
  }
});
