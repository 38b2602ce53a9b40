// The boundary no input can break, as one table shared by Node (boundary/node-worker.mjs) and the
// browsers (boundary/index.html): every export, every argument position, ten values of the wrong
// (or surprising) type, each called REPEAT times, each outcome checked against the contract:
//
// - a URL argument (`input`, `sessionUrl`, `redirectUrl`, `proxyUrl`) takes a string or a `URL`
//   (the same answer as its href string; parseCallback reads a URL's query, and also takes a
//   URLSearchParams); any other type is "invalid_input" naming the argument;
// - `request` is a plain object (a `{}` literal or null-prototype), else "invalid_input" "request";
// - `options` is undefined, null or a plain object, else "invalid_option" "options"; an unknown
//   key is "invalid_option" naming the key, a known option of the wrong type names the option;
// - arguments are checked left to right; a string URL argument over 8192 UTF-16 units is
//   "input_too_long" naming it (parseCallback: a query over 8 KiB, a whole input over 16 KiB);
// - beginHandoff/completeHandoff end in "storage_unavailable" in Node once their arguments are
//   valid; in a browser page they use sessionStorage (cleared before each completeHandoff call).
//
// Every outcome is a return value or an IdvError: a TypeError, any other exception or a hang is a
// failure. After each cell, the known-good calls (NORMAL) must still answer exactly.
//
// Plain ESM with no import: it runs in Node and in a browser page. `runBoundary(api, { env })`
// takes the package's exports and "node" or "browser".

export const REPEAT = 1000;

// ---------------------------------------------------------------------------------------------
// Known-good inputs and their exact answers.

const CALLBACK_URL = "https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch";
const CALLBACK = {
  provider: "deepidv", sessionId: "abc123", status: "failed", reason: "face_mismatch",
  rawStatus: "failed", rawReason: "face_mismatch",
};
const SESSION_URL = "https://app.deepidv.com/s/abc";
const HANDOFF_OPTIONS = { redirectUrl: "https://yourapp.com/done", state: "s1", allowedRedirectOrigins: ["https://yourapp.com"] };
const HANDOFF_URL = "https://app.deepidv.com/s/abc?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1";
const RETURN_URL = "https://yourapp.com/done";
const RETURN_OPTIONS = { state: "s1" };
/** beginHandoff's options: buildHandoffUrl's without `state` (it makes its own). */
const BEGIN_OPTIONS = { redirectUrl: "https://yourapp.com/done", allowedRedirectOrigins: ["https://yourapp.com"] };
const PERSON = { firstName: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };
const BODY = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };
const PROXY_URL = "https://proxy.example/idv";
/** What the stubbed proxy answers (deepidv's documented 200), and the Session made from it. */
const PROXY_ANSWER = {
  idv_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  session_url: "https://app.deepidv.com/s/a1b2c3d4",
  externalId: "user-12345",
  links: [],
};
const SESSION = {
  id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  sessionUrl: "https://app.deepidv.com/s/a1b2c3d4",
  externalId: "user-12345",
  links: [],
  raw: PROXY_ANSWER,
};
const STATE = /^[A-Za-z0-9_-]{43}$/;

/** The known-good calls, checked after every cell: a fault must never outlive the call. */
export const NORMAL = [
  ["parseCallback(callback URL)", (api) => api.parseCallback(CALLBACK_URL), returns(CALLBACK)],
  ["buildHandoffUrl(session URL, options)", (api) => api.buildHandoffUrl(SESSION_URL, HANDOFF_OPTIONS), returns(HANDOFF_URL)],
  ["buildReturnUrl(redirect URL, { state })", (api) => api.buildReturnUrl(RETURN_URL, RETURN_OPTIONS), returns("https://yourapp.com/done?state=s1")],
  ["normalizeSessionRequest(person)", (api) => api.normalizeSessionRequest(PERSON), returns(BODY)],
  ["createState()", (api) => api.createState(), matches(STATE)],
];

// ---------------------------------------------------------------------------------------------
// Expected outcomes.

function returns(value) {
  return { returns: value };
}
function matches(pattern) {
  return { matches: pattern };
}
/** An IdvError with this code and exactly this `field` (undefined: none). */
function err(code, field) {
  return { code, field };
}
/** Different answers in Node (no sessionStorage) and in a browser page. */
function perEnv(node, browser) {
  return { node, browser };
}

const input = err("invalid_input", "input");
const sessionUrl = err("invalid_input", "sessionUrl");
const redirectUrl = err("invalid_input", "redirectUrl");
const proxyUrl = err("invalid_input", "proxyUrl");
const request = err("invalid_input", "request");
const options = err("invalid_option", "options");
const noRedirectUrl = err("invalid_option", "redirectUrl");
const noStorage = err("storage_unavailable");
/** beginHandoff in a page: the handoff URL with a fresh 43-character state on the return URL. */
const begun = (session) =>
  matches(new RegExp(`^${escape(session)}\\?redirect_url=https%3A%2F%2Fyourapp\\.com%2Fdone%3Fstate%3D[A-Za-z0-9_-]{43}$`));

// ---------------------------------------------------------------------------------------------
// The matrix: each argument position, the other positions given valid values.

export const VALUE_NAMES = ["URL", "42", "null", "undefined", "{}", "[]", "Symbol", "10n", "function", "true"];

function makeValues() {
  return {
    URL: new URL("https://x.example/"),
    42: 42,
    null: null,
    undefined: undefined,
    "{}": {},
    "[]": [],
    Symbol: Symbol("s"),
    "10n": 10n,
    function: () => 1,
    true: true,
  };
}

/** How each argument position is called with the value `v`. */
const POSITIONS = {
  "parseCallback input": (api, v) => api.parseCallback(v),
  "parseCallback options": (api, v) => api.parseCallback(CALLBACK_URL, v),
  "buildHandoffUrl sessionUrl": (api, v) => api.buildHandoffUrl(v, HANDOFF_OPTIONS),
  "buildHandoffUrl options": (api, v) => api.buildHandoffUrl(SESSION_URL, v),
  "buildReturnUrl redirectUrl": (api, v) => api.buildReturnUrl(v, RETURN_OPTIONS),
  "buildReturnUrl options": (api, v) => api.buildReturnUrl(RETURN_URL, v),
  // createState takes no argument: one given is ignored, as JavaScript does.
  "createState (extra argument)": (api, v) => api.createState(v),
  "beginHandoff sessionUrl": (api, v) => api.beginHandoff(v, BEGIN_OPTIONS),
  "beginHandoff options": (api, v) => api.beginHandoff(SESSION_URL, v),
  "completeHandoff options": (api, v) => api.completeHandoff(v),
  "normalizeSessionRequest request": (api, v) => api.normalizeSessionRequest(v),
  "normalizeSessionRequest options": (api, v) => api.normalizeSessionRequest(PERSON, v),
  "createSession proxyUrl": (api, v) => api.createSession(v, PERSON),
  "createSession request": (api, v) => api.createSession(PROXY_URL, v),
  "createSession options": (api, v) => api.createSession(PROXY_URL, PERSON, v),
};

// [position, value, expected]: one row per cell, 15 positions x 10 values.
export const CELLS = [
  ["parseCallback input", "URL", err("missing_session_id")], // its query (empty) is what is read
  ["parseCallback input", "42", input],
  ["parseCallback input", "null", input],
  ["parseCallback input", "undefined", input],
  ["parseCallback input", "{}", input],
  ["parseCallback input", "[]", input],
  ["parseCallback input", "Symbol", input],
  ["parseCallback input", "10n", input],
  ["parseCallback input", "function", input],
  ["parseCallback input", "true", input],

  ["parseCallback options", "URL", options],
  ["parseCallback options", "42", options],
  ["parseCallback options", "null", returns(CALLBACK)],
  ["parseCallback options", "undefined", returns(CALLBACK)],
  ["parseCallback options", "{}", returns(CALLBACK)],
  ["parseCallback options", "[]", options],
  ["parseCallback options", "Symbol", options],
  ["parseCallback options", "10n", options],
  ["parseCallback options", "function", options],
  ["parseCallback options", "true", options],

  ["buildHandoffUrl sessionUrl", "URL", returns("https://x.example/?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1")],
  ["buildHandoffUrl sessionUrl", "42", sessionUrl],
  ["buildHandoffUrl sessionUrl", "null", sessionUrl],
  ["buildHandoffUrl sessionUrl", "undefined", sessionUrl],
  ["buildHandoffUrl sessionUrl", "{}", sessionUrl],
  ["buildHandoffUrl sessionUrl", "[]", sessionUrl],
  ["buildHandoffUrl sessionUrl", "Symbol", sessionUrl],
  ["buildHandoffUrl sessionUrl", "10n", sessionUrl],
  ["buildHandoffUrl sessionUrl", "function", sessionUrl],
  ["buildHandoffUrl sessionUrl", "true", sessionUrl],

  ["buildHandoffUrl options", "URL", options],
  ["buildHandoffUrl options", "42", options],
  ["buildHandoffUrl options", "null", noRedirectUrl], // deepidv needs redirectUrl
  ["buildHandoffUrl options", "undefined", noRedirectUrl],
  ["buildHandoffUrl options", "{}", noRedirectUrl],
  ["buildHandoffUrl options", "[]", options],
  ["buildHandoffUrl options", "Symbol", options],
  ["buildHandoffUrl options", "10n", options],
  ["buildHandoffUrl options", "function", options],
  ["buildHandoffUrl options", "true", options],

  ["buildReturnUrl redirectUrl", "URL", returns("https://x.example/?state=s1")],
  ["buildReturnUrl redirectUrl", "42", redirectUrl],
  ["buildReturnUrl redirectUrl", "null", redirectUrl],
  ["buildReturnUrl redirectUrl", "undefined", redirectUrl],
  ["buildReturnUrl redirectUrl", "{}", redirectUrl],
  ["buildReturnUrl redirectUrl", "[]", redirectUrl],
  ["buildReturnUrl redirectUrl", "Symbol", redirectUrl],
  ["buildReturnUrl redirectUrl", "10n", redirectUrl],
  ["buildReturnUrl redirectUrl", "function", redirectUrl],
  ["buildReturnUrl redirectUrl", "true", redirectUrl],

  ["buildReturnUrl options", "URL", options],
  ["buildReturnUrl options", "42", options],
  ["buildReturnUrl options", "null", returns(RETURN_URL)], // no state: the URL as given
  ["buildReturnUrl options", "undefined", returns(RETURN_URL)],
  ["buildReturnUrl options", "{}", returns(RETURN_URL)],
  ["buildReturnUrl options", "[]", options],
  ["buildReturnUrl options", "Symbol", options],
  ["buildReturnUrl options", "10n", options],
  ["buildReturnUrl options", "function", options],
  ["buildReturnUrl options", "true", options],

  ["createState (extra argument)", "URL", matches(STATE)],
  ["createState (extra argument)", "42", matches(STATE)],
  ["createState (extra argument)", "null", matches(STATE)],
  ["createState (extra argument)", "undefined", matches(STATE)],
  ["createState (extra argument)", "{}", matches(STATE)],
  ["createState (extra argument)", "[]", matches(STATE)],
  ["createState (extra argument)", "Symbol", matches(STATE)],
  ["createState (extra argument)", "10n", matches(STATE)],
  ["createState (extra argument)", "function", matches(STATE)],
  ["createState (extra argument)", "true", matches(STATE)],

  ["beginHandoff sessionUrl", "URL", perEnv(noStorage, begun("https://x.example/"))],
  ["beginHandoff sessionUrl", "42", sessionUrl],
  ["beginHandoff sessionUrl", "null", sessionUrl],
  ["beginHandoff sessionUrl", "undefined", sessionUrl],
  ["beginHandoff sessionUrl", "{}", sessionUrl],
  ["beginHandoff sessionUrl", "[]", sessionUrl],
  ["beginHandoff sessionUrl", "Symbol", sessionUrl],
  ["beginHandoff sessionUrl", "10n", sessionUrl],
  ["beginHandoff sessionUrl", "function", sessionUrl],
  ["beginHandoff sessionUrl", "true", sessionUrl],

  ["beginHandoff options", "URL", options],
  ["beginHandoff options", "42", options],
  ["beginHandoff options", "null", noRedirectUrl],
  ["beginHandoff options", "undefined", noRedirectUrl],
  ["beginHandoff options", "{}", noRedirectUrl],
  ["beginHandoff options", "[]", options],
  ["beginHandoff options", "Symbol", options],
  ["beginHandoff options", "10n", options],
  ["beginHandoff options", "function", options],
  ["beginHandoff options", "true", options],

  // In a page, nothing is stored (sessionStorage is cleared before each call): no_pending_handoff.
  ["completeHandoff options", "URL", options],
  ["completeHandoff options", "42", options],
  ["completeHandoff options", "null", perEnv(noStorage, err("no_pending_handoff"))],
  ["completeHandoff options", "undefined", perEnv(noStorage, err("no_pending_handoff"))],
  ["completeHandoff options", "{}", perEnv(noStorage, err("no_pending_handoff"))],
  ["completeHandoff options", "[]", options],
  ["completeHandoff options", "Symbol", options],
  ["completeHandoff options", "10n", options],
  ["completeHandoff options", "function", options],
  ["completeHandoff options", "true", options],

  ["normalizeSessionRequest request", "URL", request],
  ["normalizeSessionRequest request", "42", request],
  ["normalizeSessionRequest request", "null", request],
  ["normalizeSessionRequest request", "undefined", request],
  ["normalizeSessionRequest request", "{}", err("invalid_request", "first_name")], // deepidv's first required field
  ["normalizeSessionRequest request", "[]", request],
  ["normalizeSessionRequest request", "Symbol", request],
  ["normalizeSessionRequest request", "10n", request],
  ["normalizeSessionRequest request", "function", request],
  ["normalizeSessionRequest request", "true", request],

  ["normalizeSessionRequest options", "URL", options],
  ["normalizeSessionRequest options", "42", options],
  ["normalizeSessionRequest options", "null", returns(BODY)],
  ["normalizeSessionRequest options", "undefined", returns(BODY)],
  ["normalizeSessionRequest options", "{}", returns(BODY)],
  ["normalizeSessionRequest options", "[]", options],
  ["normalizeSessionRequest options", "Symbol", options],
  ["normalizeSessionRequest options", "10n", options],
  ["normalizeSessionRequest options", "function", options],
  ["normalizeSessionRequest options", "true", options],

  // createSession: errors are rejections; the stubbed fetch answers accepted calls (one fetch
  // each, to exactly the proxy URL), and a refused call must never reach it.
  ["createSession proxyUrl", "URL", returns(SESSION)],
  ["createSession proxyUrl", "42", proxyUrl],
  ["createSession proxyUrl", "null", proxyUrl],
  ["createSession proxyUrl", "undefined", proxyUrl],
  ["createSession proxyUrl", "{}", proxyUrl],
  ["createSession proxyUrl", "[]", proxyUrl],
  ["createSession proxyUrl", "Symbol", proxyUrl],
  ["createSession proxyUrl", "10n", proxyUrl],
  ["createSession proxyUrl", "function", proxyUrl],
  ["createSession proxyUrl", "true", proxyUrl],

  ["createSession request", "URL", request],
  ["createSession request", "42", request],
  ["createSession request", "null", request],
  ["createSession request", "undefined", request],
  ["createSession request", "{}", err("invalid_request", "first_name")],
  ["createSession request", "[]", request],
  ["createSession request", "Symbol", request],
  ["createSession request", "10n", request],
  ["createSession request", "function", request],
  ["createSession request", "true", request],

  ["createSession options", "URL", options],
  ["createSession options", "42", options],
  ["createSession options", "null", returns(SESSION)],
  ["createSession options", "undefined", returns(SESSION)],
  ["createSession options", "{}", returns(SESSION)],
  ["createSession options", "[]", options],
  ["createSession options", "Symbol", options],
  ["createSession options", "10n", options],
  ["createSession options", "function", options],
  ["createSession options", "true", options],
];

// ---------------------------------------------------------------------------------------------
// Beyond the matrix: unknown keys, wrong option types, throwing getters and Proxies, huge and
// boundary-length strings, a 10 000-entry allowlist, lone surrogates, argument order.

const boom = () => {
  throw new Error("boom from the caller's object");
};
/** A plain object whose property `key` is a getter that throws. */
function throwingGetter(key, base = {}) {
  const o = { ...base };
  Object.defineProperty(o, key, { get: boom, enumerable: true, configurable: true });
  return o;
}
/** A Proxy of `target` whose `trap` throws. */
const throwingProxy = (trap, target = {}) => new Proxy(target, { [trap]: boom });
const withLength = (n) => `https://x.example/${"a".repeat(n - 18)}`; // a URL of exactly n units
const HUGE = `https://x.example/${"a".repeat(1e6)}`;
const HUGE_URL = new URL(HUGE);
const HUGE_QUERY = new URLSearchParams({ x: "a".repeat(1e6) });
const QUERY = "session_id=abc&status=success&x="; // 32 units
const query = (n) => QUERY + "a".repeat(n - QUERY.length); // a query of exactly n units
const page = (n) => {
  const tail = "?session_id=abc&status=success";
  return `https://yourapp.com/${"a".repeat(n - 20 - tail.length)}${tail}`; // a URL of n units
};
const parsed = (extra = {}) => ({
  provider: "deepidv", sessionId: "abc", status: "success", rawStatus: "success", ...extra,
});
const TEN_THOUSAND_ORIGINS = Array.from({ length: 10_000 }, (_, i) => `https://a${i}.example`);
class OptionsClass {
  constructor() {
    this.state = "s1";
  }
}
const nullProto = (fields) => Object.assign(Object.create(null), fields);

/** [label, call(api), expected, calls]: calls defaults to REPEAT. */
export const EXTRAS = [
  // Arguments are checked left to right: the first bad one is reported.
  ["order: createSession(5, 5, 5)", (api) => api.createSession(5, 5, 5), proxyUrl],
  ["order: createSession(proxy, 5, 5)", (api) => api.createSession(PROXY_URL, 5, 5), request],
  ["order: normalizeSessionRequest(5, 5)", (api) => api.normalizeSessionRequest(5, 5), request],
  ["order: parseCallback(5, 5)", (api) => api.parseCallback(5, 5), input],
  ["order: buildHandoffUrl(5, 5)", (api) => api.buildHandoffUrl(5, 5), sessionUrl],
  ["order: buildHandoffUrl(5, { unknown key })", (api) => api.buildHandoffUrl(5, { allowedRedirectOrigin: [] }), sessionUrl],
  ["order: buildReturnUrl(5, 5)", (api) => api.buildReturnUrl(5, 5), redirectUrl],
  ["order: beginHandoff(5, 5)", (api) => api.beginHandoff(5, 5), sessionUrl],

  // A URL object gives the same answer as its href string (the matrix's URL cells, as strings).
  ["string twin: buildHandoffUrl(\"https://x.example/\")", (api) => api.buildHandoffUrl("https://x.example/", HANDOFF_OPTIONS), returns("https://x.example/?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1")],
  ["string twin: buildReturnUrl(\"https://x.example/\")", (api) => api.buildReturnUrl("https://x.example/", RETURN_OPTIONS), returns("https://x.example/?state=s1")],
  ["string twin: createSession(\"https://x.example/\")", (api) => api.createSession("https://x.example/", PERSON), returns(SESSION)],
  ["string twin: parseCallback(\"\") (a URL's empty query)", (api) => api.parseCallback(""), err("missing_session_id")],
  ["parseCallback(URL of the callback)", (api) => api.parseCallback(new URL(CALLBACK_URL)), returns(CALLBACK)],
  ["parseCallback(URLSearchParams of the callback)", (api) => api.parseCallback(new URL(CALLBACK_URL).searchParams), returns(CALLBACK)],

  // Plain objects: null-prototype accepted; class instances and inherited fields are not.
  ["null-prototype options", (api) => api.buildReturnUrl(RETURN_URL, nullProto({ state: "s1" })), returns("https://yourapp.com/done?state=s1")],
  ["null-prototype request", (api) => api.normalizeSessionRequest(nullProto(PERSON)), returns(BODY)],
  ["class instance as options", (api) => api.buildReturnUrl(RETURN_URL, new OptionsClass()), options],
  ["class instance as request", (api) => api.normalizeSessionRequest(new (class Person { constructor() { Object.assign(this, PERSON); } })()), request],
  ["request inheriting its fields", (api) => api.normalizeSessionRequest(Object.create(PERSON)), request],
  ["String object as a URL", (api) => api.buildReturnUrl(new String(RETURN_URL)), redirectUrl],
  ["object with toString as a URL", (api) => api.buildReturnUrl({ toString: () => RETURN_URL }), redirectUrl],
  ["object with href as a URL", (api) => api.buildHandoffUrl({ href: SESSION_URL }, HANDOFF_OPTIONS), sessionUrl],

  // An option the function does not take: field names it.
  ["unknown option: parseCallback expectedStat", (api) => api.parseCallback(CALLBACK_URL, { expectedStat: "x" }), err("invalid_option", "expectedStat")],
  ["unknown option: buildHandoffUrl allowedRedirectOrigin", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedRedirectOrigin: ["https://yourapp.com"] }), err("invalid_option", "allowedRedirectOrigin")],
  ["unknown option: buildReturnUrl allowedRedirectOrigin", (api) => api.buildReturnUrl(RETURN_URL, { allowedRedirectOrigin: ["https://yourapp.com"] }), err("invalid_option", "allowedRedirectOrigin")],
  ["unknown option: beginHandoff state (buildHandoffUrl's, not beginHandoff's)", (api) => api.beginHandoff(SESSION_URL, { ...BEGIN_OPTIONS, state: "s1" }), err("invalid_option", "state")],
  ["unknown option: beginHandoff allowedRedirectOrigin", (api) => api.beginHandoff(SESSION_URL, { redirectUrl: RETURN_URL, allowedRedirectOrigin: [] }), err("invalid_option", "allowedRedirectOrigin")],
  ["unknown option: completeHandoff maxAge", (api) => api.completeHandoff({ maxAge: 5 }), err("invalid_option", "maxAge")],
  ["unknown option: normalizeSessionRequest providr", (api) => api.normalizeSessionRequest(PERSON, { providr: "deepidv" }), err("invalid_option", "providr")],
  ["unknown option: createSession timeout", (api) => api.createSession(PROXY_URL, PERSON, { timeout: 5 }), err("invalid_option", "timeout")],
  ["unknown option with a lone surrogate: named as received (U+FFFD)", (api) => api.buildReturnUrl(RETURN_URL, { "a\uD800": 1 }), err("invalid_option", "a\uFFFD")],

  // A known option of the wrong type: field names the option.
  ["wrong type: parseCallback provider 5", (api) => api.parseCallback(CALLBACK_URL, { provider: 5 }), err("invalid_option", "provider")],
  ["wrong type: parseCallback expectedState 5", (api) => api.parseCallback(CALLBACK_URL, { expectedState: 5 }), err("invalid_option", "expectedState")],
  ["wrong type: parseCallback expectedSessionId {}", (api) => api.parseCallback(CALLBACK_URL, { expectedSessionId: {} }), err("invalid_option", "expectedSessionId")],
  ["wrong type: parseCallback params \"x\"", (api) => api.parseCallback(CALLBACK_URL, { params: "x" }), err("invalid_option", "params")],
  ["wrong type: buildHandoffUrl redirectUrl 5", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, redirectUrl: 5 }), err("invalid_option", "redirectUrl")],
  ["wrong type: buildHandoffUrl allowedRedirectOrigins string", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedRedirectOrigins: "https://yourapp.com" }), err("invalid_option", "allowedRedirectOrigins")],
  ["wrong type: buildHandoffUrl allowedRedirectOrigins [5]", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedRedirectOrigins: [5] }), err("invalid_option", "allowedRedirectOrigins")],
  ["wrong type: buildHandoffUrl allowedSessionHosts string", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedSessionHosts: "app.deepidv.com" }), err("invalid_option", "allowedSessionHosts")],
  ["wrong type: buildHandoffUrl allowInsecureLocalhost \"yes\"", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowInsecureLocalhost: "yes" }), err("invalid_option", "allowInsecureLocalhost")],
  ["wrong type: buildHandoffUrl state 5", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, state: 5 }), err("invalid_option", "state")],
  ["wrong type: buildHandoffUrl expiresAt 5", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, expiresAt: 5 }), err("invalid_option", "expiresAt")],
  ["wrong type: buildHandoffUrl provider true", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, provider: true }), err("invalid_option", "provider")],
  ["wrong type: buildReturnUrl state 5", (api) => api.buildReturnUrl(RETURN_URL, { state: 5 }), err("invalid_option", "state")],
  ["wrong type: buildReturnUrl allowInsecureLocalhost 1", (api) => api.buildReturnUrl(RETURN_URL, { allowInsecureLocalhost: 1 }), err("invalid_option", "allowInsecureLocalhost")],
  ["wrong type: buildReturnUrl allowedRedirectOrigins {}", (api) => api.buildReturnUrl(RETURN_URL, { allowedRedirectOrigins: {} }), err("invalid_option", "allowedRedirectOrigins")],
  ["wrong type: beginHandoff navigate \"yes\"", (api) => api.beginHandoff(SESSION_URL, { ...BEGIN_OPTIONS, navigate: "yes" }), err("invalid_option", "navigate")],
  ["wrong type: beginHandoff sessionId 5", (api) => api.beginHandoff(SESSION_URL, { ...BEGIN_OPTIONS, sessionId: 5 }), err("invalid_option", "sessionId")],
  ["wrong type: beginHandoff returnUrl 5", (api) => api.beginHandoff(SESSION_URL, { ...BEGIN_OPTIONS, returnUrl: 5 }), err("invalid_option", "returnUrl")],
  ["wrong type: completeHandoff maxAgeMs \"5\"", (api) => api.completeHandoff({ maxAgeMs: "5" }), err("invalid_option", "maxAgeMs")],
  ["wrong type: completeHandoff provider 5", (api) => api.completeHandoff({ provider: 5 }), err("invalid_option", "provider")],
  ["wrong type: completeHandoff params 5", (api) => api.completeHandoff({ params: 5 }), err("invalid_option", "params")],
  ["wrong type: normalizeSessionRequest provider 5", (api) => api.normalizeSessionRequest(PERSON, { provider: 5 }), err("invalid_option", "provider")],
  ["wrong type: normalizeSessionRequest allowInsecureLocalhost \"true\"", (api) => api.normalizeSessionRequest(PERSON, { allowInsecureLocalhost: "true" }), err("invalid_option", "allowInsecureLocalhost")],
  ["wrong type: createSession maxRetries \"2\"", (api) => api.createSession(PROXY_URL, PERSON, { maxRetries: "2" }), err("invalid_option", "maxRetries")],
  ["wrong type: createSession timeoutMs \"1\"", (api) => api.createSession(PROXY_URL, PERSON, { timeoutMs: "1" }), err("invalid_option", "timeoutMs")],
  ["wrong type: createSession maxDelayMs 10n", (api) => api.createSession(PROXY_URL, PERSON, { maxDelayMs: 10n }), err("invalid_option", "maxDelayMs")],
  ["wrong type: createSession signal {}", (api) => api.createSession(PROXY_URL, PERSON, { signal: {} }), err("invalid_option", "signal")],
  ["wrong type: createSession idempotencyKey 5", (api) => api.createSession(PROXY_URL, PERSON, { idempotencyKey: 5 }), err("invalid_option", "idempotencyKey")],
  ["wrong type: createSession allowInsecureProxy \"1\"", (api) => api.createSession(PROXY_URL, PERSON, { allowInsecureProxy: "1" }), err("invalid_option", "allowInsecureProxy")],
  ["wrong type: createSession apiVersion 5", (api) => api.createSession(PROXY_URL, PERSON, { apiVersion: 5 }), err("invalid_option", "apiVersion")],

  // Getters that throw: the option they stand for is invalid; never a leaked exception.
  ["throwing getter: parseCallback expectedState", (api) => api.parseCallback(CALLBACK_URL, throwingGetter("expectedState")), err("invalid_option", "expectedState")],
  ["throwing getter: buildHandoffUrl redirectUrl", (api) => api.buildHandoffUrl(SESSION_URL, throwingGetter("redirectUrl")), err("invalid_option", "redirectUrl")],
  ["throwing getter: buildReturnUrl state", (api) => api.buildReturnUrl(RETURN_URL, throwingGetter("state")), err("invalid_option", "state")],
  ["throwing getter: beginHandoff navigate", (api) => api.beginHandoff(SESSION_URL, throwingGetter("navigate", BEGIN_OPTIONS)), err("invalid_option", "navigate")],
  ["throwing getter: completeHandoff maxAgeMs", (api) => api.completeHandoff(throwingGetter("maxAgeMs")), err("invalid_option", "maxAgeMs")],
  ["throwing getter: normalizeSessionRequest provider", (api) => api.normalizeSessionRequest(PERSON, throwingGetter("provider")), err("invalid_option", "provider")],
  ["throwing getter: createSession signal", (api) => api.createSession(PROXY_URL, PERSON, throwingGetter("signal")), err("invalid_option", "signal")],
  ["throwing getter under an unknown key", (api) => api.buildReturnUrl(RETURN_URL, throwingGetter("zzz")), err("invalid_option", "zzz")],
  ["throwing getter in a request (firstName)", (api) => api.normalizeSessionRequest(throwingGetter("firstName", PERSON)), err("invalid_request", "request")],
  ["throwing getter in a createSession request (email)", (api) => api.createSession(PROXY_URL, throwingGetter("email", PERSON)), err("invalid_request", "request")],
  ["throwing href getter on a URL", (api) => api.buildReturnUrl(Object.defineProperty(new URL(RETURN_URL), "href", { get: boom })), redirectUrl],

  // Proxies whose traps throw.
  ["Proxy options, ownKeys throws", (api) => api.buildReturnUrl(RETURN_URL, throwingProxy("ownKeys", { state: "s1" })), options],
  ["Proxy options, get throws", (api) => api.buildReturnUrl(RETURN_URL, throwingProxy("get", { state: "s1" })), err("invalid_option", "state")],
  ["Proxy options, getPrototypeOf throws", (api) => api.buildReturnUrl(RETURN_URL, throwingProxy("getPrototypeOf", { state: "s1" })), options],
  ["Proxy options, getOwnPropertyDescriptor throws", (api) => api.buildReturnUrl(RETURN_URL, throwingProxy("getOwnPropertyDescriptor", { state: "s1" })), options],
  ["Proxy createSession options, ownKeys throws", (api) => api.createSession(PROXY_URL, PERSON, throwingProxy("ownKeys")), options],
  ["Proxy parseCallback options, get throws", (api) => api.parseCallback(CALLBACK_URL, throwingProxy("get", { expectedState: "x" })), err("invalid_option", "expectedState")],
  ["Proxy request, ownKeys throws", (api) => api.normalizeSessionRequest(throwingProxy("ownKeys", PERSON)), err("invalid_request", "request")],
  ["Proxy request, get throws", (api) => api.normalizeSessionRequest(throwingProxy("get", PERSON)), err("invalid_request", "request")],
  ["Proxy request, getPrototypeOf throws", (api) => api.normalizeSessionRequest(throwingProxy("getPrototypeOf", PERSON)), request],
  ["Proxy createSession request, get throws", (api) => api.createSession(PROXY_URL, throwingProxy("get", PERSON)), err("invalid_request", "request")],
  ["Proxy of a URL as input, get throws", (api) => api.parseCallback(throwingProxy("get", new URL(CALLBACK_URL))), input],
  ["Proxy of a URL as input, getPrototypeOf throws", (api) => api.parseCallback(throwingProxy("getPrototypeOf", new URL(CALLBACK_URL))), input],
  ["Proxy of a URL as sessionUrl, get throws", (api) => api.buildHandoffUrl(throwingProxy("get", new URL(SESSION_URL)), HANDOFF_OPTIONS), sessionUrl],
  ["Proxy of a URL as sessionUrl (beginHandoff), getPrototypeOf throws", (api) => api.beginHandoff(throwingProxy("getPrototypeOf", new URL(SESSION_URL)), BEGIN_OPTIONS), sessionUrl],
  ["Proxy of a URL as redirectUrl, ownKeys throws", (api) => api.buildReturnUrl(throwingProxy("ownKeys", new URL(RETURN_URL))), redirectUrl],
  ["Proxy of a URL as redirectUrl, getPrototypeOf throws", (api) => api.buildReturnUrl(throwingProxy("getPrototypeOf", new URL(RETURN_URL))), redirectUrl],
  ["Proxy of a URL as proxyUrl, getPrototypeOf throws", (api) => api.createSession(throwingProxy("getPrototypeOf", new URL(PROXY_URL)), PERSON), proxyUrl],
  ["Proxy of a URL as proxyUrl, get throws", (api) => api.createSession(throwingProxy("get", new URL(PROXY_URL)), PERSON), proxyUrl],

  // Huge strings (1e6 units) as each URL argument, and as a URL's href.
  ["1e6 units: parseCallback input", (api) => api.parseCallback(HUGE), err("input_too_long", "input")],
  // (100 calls: the URLSearchParams is serialised on each, about 7 ms.)
  ["1e6 units: parseCallback URLSearchParams", (api) => api.parseCallback(HUGE_QUERY), err("input_too_long", "input"), 100],
  ["1e6 units: buildHandoffUrl sessionUrl", (api) => api.buildHandoffUrl(HUGE, HANDOFF_OPTIONS), err("input_too_long", "sessionUrl")],
  ["1e6 units: buildReturnUrl redirectUrl", (api) => api.buildReturnUrl(HUGE, RETURN_OPTIONS), err("input_too_long", "redirectUrl")],
  ["1e6 units: beginHandoff sessionUrl", (api) => api.beginHandoff(HUGE, BEGIN_OPTIONS), err("input_too_long", "sessionUrl")],
  ["1e6 units: createSession proxyUrl", (api) => api.createSession(HUGE, PERSON), err("input_too_long", "proxyUrl")],
  ["1e6 units: URL object as sessionUrl", (api) => api.buildHandoffUrl(HUGE_URL, HANDOFF_OPTIONS), err("input_too_long", "sessionUrl")],
  ["1e6 units: URL object as redirectUrl", (api) => api.buildReturnUrl(HUGE_URL, RETURN_OPTIONS), err("input_too_long", "redirectUrl")],
  ["1e6 units: URL object as proxyUrl", (api) => api.createSession(HUGE_URL, PERSON), err("input_too_long", "proxyUrl")],

  // The limits, exactly (ASCII, so UTF-16 units and UTF-8 bytes agree).
  ["8192 units: buildReturnUrl accepts", (api) => api.buildReturnUrl(withLength(8192)), returns(withLength(8192))],
  ["8193 units: buildReturnUrl refuses", (api) => api.buildReturnUrl(withLength(8193)), err("input_too_long", "redirectUrl")],
  ["8192 units: buildHandoffUrl accepts", (api) => api.buildHandoffUrl(withLength(8192), HANDOFF_OPTIONS), returns(`${withLength(8192)}?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1`)],
  ["8193 units: buildHandoffUrl refuses", (api) => api.buildHandoffUrl(withLength(8193), HANDOFF_OPTIONS), err("input_too_long", "sessionUrl")],
  ["8193 units: beginHandoff refuses", (api) => api.beginHandoff(withLength(8193), BEGIN_OPTIONS), err("input_too_long", "sessionUrl")],
  ["8192 units: createSession accepts", (api) => api.createSession(withLength(8192), PERSON), returns(SESSION)],
  ["8193 units: createSession refuses", (api) => api.createSession(withLength(8193), PERSON), err("input_too_long", "proxyUrl")],
  ["16384-unit callback URL (short query): accepted", (api) => api.parseCallback(page(16384)), returns(parsed())],
  ["16385-unit callback URL: refused", (api) => api.parseCallback(page(16385)), err("input_too_long", "input")],
  ["8192-unit query: accepted", (api) => api.parseCallback(query(8192)), returns(parsed())],
  ["8193-unit query: refused (README: a query over 8 KiB)", (api) => api.parseCallback(query(8193)), err("input_too_long", "input")],

  // A 10 000-entry allowlist.
  ["10 000 allowedRedirectOrigins: buildHandoffUrl", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedRedirectOrigins: TEN_THOUSAND_ORIGINS }), err("invalid_option", "allowedRedirectOrigins")],
  ["10 000 allowedRedirectOrigins: buildReturnUrl", (api) => api.buildReturnUrl(RETURN_URL, { allowedRedirectOrigins: TEN_THOUSAND_ORIGINS }), err("invalid_option", "allowedRedirectOrigins")],
  ["10 000 allowedRedirectOrigins: beginHandoff", (api) => api.beginHandoff(SESSION_URL, { ...BEGIN_OPTIONS, allowedRedirectOrigins: TEN_THOUSAND_ORIGINS }), err("invalid_option", "allowedRedirectOrigins")],
  ["10 000 allowedSessionHosts: buildHandoffUrl", (api) => api.buildHandoffUrl(SESSION_URL, { ...HANDOFF_OPTIONS, allowedSessionHosts: TEN_THOUSAND_ORIGINS }), err("invalid_option", "allowedSessionHosts")],

  // Lone surrogates: they cross into wasm as U+FFFD.
  ["lone surrogate in a redirect URL path: U+FFFD, percent-encoded", (api) => api.buildReturnUrl("https://yourapp.com/a\uD800b", RETURN_OPTIONS), returns("https://yourapp.com/a%EF%BF%BDb?state=s1")],
  ["lone surrogate in a redirect URL host", (api) => api.buildReturnUrl("https://your\uD800app.com/", RETURN_OPTIONS), err("invalid_url", "redirectUrl")],
  ["lone surrogate in a session URL path", (api) => api.buildHandoffUrl("https://app.deepidv.com/s/\uDC00", HANDOFF_OPTIONS), returns("https://app.deepidv.com/s/%EF%BF%BD?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1")],
  ["lone surrogate in the callback's session id", (api) => api.parseCallback("session_id=ab\uD800c&status=success"), err("invalid_session_id")],
  ["lone surrogate as the whole callback", (api) => api.parseCallback("\uD800"), err("missing_session_id")],
  ["lone surrogate in a state option", (api) => api.buildReturnUrl(RETURN_URL, { state: "s\uD800" }), err("invalid_option", "state")],
  ["lone surrogate in an allowlist entry", (api) => api.buildReturnUrl(RETURN_URL, { allowedRedirectOrigins: ["https://yourapp.com\uD800"] }), err("invalid_option", "allowedRedirectOrigins")],
  ["lone surrogate in a proxy URL path", (api) => api.createSession("https://proxy.example/\uD800", PERSON), returns(SESSION)],
];

// ---------------------------------------------------------------------------------------------
// Running and checking.

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A readable form of any value, for failure messages (never throws, never huge). */
export function show(value) {
  try {
    if (typeof value === "string") return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…(${value.length} units)` : value);
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "symbol" || typeof value === "function") return String(value);
    if (value instanceof RegExp) return String(value);
    if (value instanceof Error) {
      const extra = ["code", "field", "param"].filter((k) => value[k] !== undefined).map((k) => `${k}=${JSON.stringify(value[k])}`);
      return `${value.constructor?.name ?? "Error"}(name=${value.name}${extra.length ? `, ${extra.join(", ")}` : ""}): ${value.message}`;
    }
    const text = JSON.stringify(value, (_, v) => (v === undefined ? "<undefined>" : typeof v === "bigint" ? `${v}n` : v));
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Exact structural equality of what the package returns: same own keys (undefined included). */
export function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

/** Null if `outcome` is what `expected` says, else why not. */
function mismatch(api, outcome, expected) {
  if (outcome.threw) {
    const e = outcome.error;
    if (expected.code === undefined) return `threw ${show(e)}; expected it to return ${show(expected.returns ?? expected.matches)}`;
    const isIdv = e instanceof api.IdvError && e instanceof Error && e.name === "IdvError";
    if (!isIdv || e.code !== expected.code || e.field !== expected.field) {
      return `threw ${isIdv ? "" : "a non-IdvError: "}${show(e)}; expected IdvError ${expected.code}${expected.field === undefined ? " (no field)" : ` field=${JSON.stringify(expected.field)}`}`;
    }
    return null;
  }
  const v = outcome.value;
  if (expected.code !== undefined) return `returned ${show(v)}; expected IdvError ${expected.code}${expected.field === undefined ? "" : ` field=${JSON.stringify(expected.field)}`}`;
  if (expected.matches) return typeof v === "string" && expected.matches.test(v) ? null : `returned ${show(v)}; expected a string matching ${expected.matches}`;
  return same(v, expected.returns) ? null : `returned ${show(v)}; expected ${show(expected.returns)}`;
}

/** One call: { threw, error } or { value }. createSession's must settle as a promise. */
async function callOnce(call, wasAsync) {
  let result;
  try {
    result = call();
  } catch (error) {
    if (wasAsync()) return { threw: true, error: new Error(`threw synchronously instead of rejecting: ${show(error)}`) };
    return { threw: true, error };
  }
  if (!wasAsync()) return { value: result };
  if (!result || typeof result.then !== "function") return { value: result, notAPromise: true };
  try {
    return { value: await result };
  } catch (error) {
    return { threw: true, error };
  }
}

/**
 * Runs every cell and extra row, REPEAT times each (or the row's own count), and the NORMAL
 * calls after each. `env`: "node" or "browser". `onProgress(label)` is told before each row (a
 * hang is then reported at its row), `onFailure(message)` of each failure as it is found. fetch is stubbed for the run: accepted createSession calls
 * get PROXY_ANSWER, and each row checks how many fetches it made (REPEAT if accepted, else 0).
 */
export async function runBoundary(api, { env, onProgress = () => {}, onFailure = () => {}, repeat = REPEAT } = {}) {
  if (env !== "node" && env !== "browser") throw new Error(`env must be "node" or "browser", not ${env}`);
  const started = Date.now();
  const failures = [];
  const fail = (message) => {
    failures.push(message);
    onFailure(message);
  };
  let calls = 0;
  const fetched = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    fetched.push({ url: String(url), method: init?.method });
    return new Response(JSON.stringify(PROXY_ANSWER), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  // completeHandoff in a page: nothing pending, so each call gives the same answer.
  const clearPending = env === "browser" ? () => globalThis.sessionStorage.clear() : () => {};

  // The exports as the rows call them: createSession's calls are awaited (and must return a
  // promise), and completeHandoff starts from an empty sessionStorage in a page.
  let usedAsync = false;
  const wrapped = {
    ...api,
    createSession: (...args) => {
      usedAsync = true;
      return api.createSession(...args);
    },
    completeHandoff: (...args) => {
      clearPending();
      return api.completeHandoff(...args);
    },
  };

  const values = makeValues();
  const rows = [
    ...CELLS.map(([position, valueName, expected]) => ({
      label: `${position} = ${valueName}`,
      fn: (a) => POSITIONS[position](a, values[valueName]),
      expected: expected.node !== undefined ? expected[env] : expected,
      proxy: position === "createSession proxyUrl" && valueName === "URL" ? "https://x.example/" : PROXY_URL,
      times: repeat,
    })),
    ...EXTRAS.map(([label, fn, expected, times]) => ({
      label,
      fn,
      expected: expected.node !== undefined ? expected[env] : expected,
      proxy: null,
      times: Math.min(times ?? repeat, repeat),
    })),
  ];
  try {
    for (const row of rows) {
      onProgress(row.label);
      const rowStarted = Date.now();
      let first = null;
      let bad = 0;
      fetched.length = 0;
      for (let i = 0; i < row.times; i++) {
        usedAsync = false;
        const outcome = await callOnce(() => row.fn(wrapped), () => usedAsync);
        calls++;
        const why = outcome.notAPromise ? `returned ${show(outcome.value)} instead of a Promise` : mismatch(api, outcome, row.expected);
        if (why) {
          bad++;
          first ??= `call ${i + 1}: ${why}`;
        }
      }
      if (first) fail(`${row.label}: ${bad}/${row.times} calls wrong; first: ${first}`);
      if (usedAsync) {
        const accepted = row.expected.code === undefined;
        const wantFetches = accepted ? row.times : 0;
        if (fetched.length !== wantFetches) fail(`${row.label}: ${fetched.length} fetches, expected ${wantFetches}`);
        else if (accepted && row.proxy && fetched.some((f) => f.url !== row.proxy || f.method !== "POST")) {
          fail(`${row.label}: fetched ${show(fetched.find((f) => f.url !== row.proxy || f.method !== "POST"))}, expected POST ${row.proxy}`);
        }
      }
      // The known-good calls, right after: whatever happened must not outlive the call.
      for (const [name, fn, expected] of NORMAL) {
        const outcome = await callOnce(() => fn(api), () => false);
        calls++;
        const why = mismatch(api, outcome, expected);
        if (why) fail(`after "${row.label}": normal call ${name} ${why}`);
      }
      row.ms = Date.now() - rowStarted;
      // Let the page answer WebDriver between rows (and Node's worker its messages).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  const slowest = rows
    .filter((r) => r.ms !== undefined)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((r) => `${r.label}: ${r.ms} ms`);
  return { env, cells: CELLS.length, extras: EXTRAS.length, rows: rows.length, calls, failures, ms: Date.now() - started, slowest };
}
