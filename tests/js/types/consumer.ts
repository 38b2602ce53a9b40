// Compiled by types.test.mjs with `tsc --strict`: the declarations a TypeScript user gets.
// Each @ts-expect-error line must fail to type-check; if the types loosened (to any, or to
// plain string), the directive itself would become an error and the test would fail.
import { parseCallback, IdvError, createSession, normalizeSessionRequest, buildHandoffUrl, beginHandoff, completeHandoff, createState } from "idv-handoff";
import type {
  Callback, CallbackReason, CallbackStatus, IdvErrorCode, ParseCallbackOptions, Provider, Session, SessionRequest,
  SessionRequestBody, CreateSessionOptions, HandoffUrlOptions, DiditSessionRequest, VerifaSessionRequest,
} from "idv-handoff";

const options: ParseCallbackOptions = { provider: "didit", expectedState: "s", expectedSessionId: "id" };
const cb: Callback = parseCallback(new URL("https://yourapp.com/r?session_id=a&status=success"), options);
const fromParams: Callback = parseCallback(new URLSearchParams("session_id=a&status=success"));
const status: CallbackStatus | string = cb.status;
if (cb.provider !== "verifa") {
  const documented: CallbackStatus = cb.status;
  console.log(documented);
}
const verifaCallback = parseCallback("?s=1&st=done", { provider: "verifa", params: { sessionId: "s", status: "st" } });
const provider: Provider = fromParams.provider;
const reason: CallbackReason | undefined = cb.reason;
const rawStatus: string = cb.rawStatus;
const state: string | undefined = cb.state;

// Exact type equality, so a declaration widened to string or any fails here.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const returnsCallback: Equals<ReturnType<typeof parseCallback>, Callback> = true;
const statusIsTheUnion: Equals<Exclude<Callback, { provider: "verifa" }>["status"], CallbackStatus> = true;
const verifaStatusIsText: Equals<Extract<Callback, { provider: "verifa" }>["status"], string> = true;
const reasonIsTheUnion: Equals<Callback["reason"], CallbackReason | undefined> = true;
const codeIsTheUnion: Equals<IdvError["code"], IdvErrorCode> = true;

const request: SessionRequest = { firstName: "Jane", last_name: "Doe", email: "j@example.com", phone: "+15551234567" };
const sessionOptions: CreateSessionOptions = { idempotencyKey: "k", maxRetries: 1, timeoutMs: 5000, signal: AbortSignal.timeout(1) };
const pending: Promise<Session> = createSession("https://yourapp.com/api/idv/sessions", request, sessionOptions);
const body = normalizeSessionRequest(request) as SessionRequestBody;
const diditBody: DiditSessionRequest | SessionRequestBody | VerifaSessionRequest = normalizeSessionRequest(
  { workflow_id: "11111111-2222-3333-4444-555555555555", contact_details: { phone: "+14155552671" } },
  { provider: "didit" },
);
const verifa: Promise<Session> = createSession("https://yourapp.com/api", { country: "GB" }, { provider: "verifa", apiVersion: "2026-02-01" });
verifa.then((s) => console.log(s.expiresAt, s.qrCodeDataUrl, s.raw, diditBody));
const handoffOptions: HandoffUrlOptions = { redirectUrl: "https://yourapp.com/done", language: "pt-BR", state: createState() };
const handoffUrl: string = buildHandoffUrl("https://verify.didit.me/session/abc", handoffOptions);
const begun: string = beginHandoff("https://app.deepidv.com/s", { redirectUrl: "https://yourapp.com/done", navigate: false });
const completed: Callback = completeHandoff({ maxAgeMs: 1000 });
const sessionIsExact: Equals<Awaited<ReturnType<typeof createSession>>, Session> = true;
// @ts-expect-error: an API key is not a request field
const withKey: SessionRequest = { ...request, apiKey: "secret" };
// @ts-expect-error: beginHandoff makes the state itself
beginHandoff("https://app.deepidv.com/s", { redirectUrl: "https://yourapp.com/done", state: "mine" });
// @ts-expect-error: not one of Didit's languages
const notALanguage: HandoffUrlOptions = { redirectUrl: "https://yourapp.com/", language: "xx" };
// @ts-expect-error: initSync is internal to the wasm glue, not part of the package's API
import("idv-handoff").then((m) => m.initSync);
console.log(pending, body, handoffUrl, begun, completed, sessionIsExact, withKey, notALanguage);

// @ts-expect-error: statuses are a closed union
const notAStatus: CallbackStatus = "verified";
// @ts-expect-error: providers are a closed union
parseCallback("?session_id=a&status=success", { provider: "acme" });
// @ts-expect-error: the reason may be absent
const mustBeString: string = cb.reason;
// @ts-expect-error: numbers are not inputs
parseCallback(42);

try {
  parseCallback("?status=success");
} catch (e) {
  if (e instanceof IdvError) {
    const code: IdvErrorCode = e.code;
    const asError: Error = e;
    const param: string | undefined = e.param;
    const field: string | undefined = e.field;
    const status: number | undefined = e.status;
    const retryAfterMs: number | undefined = e.retryAfterMs;
    console.log(status, retryAfterMs);
    // @ts-expect-error: codes are a closed union
    const notACode: typeof e.code = "nope";
    console.log(code, asError, param, field, notACode);
  }
}

console.log(returnsCallback, statusIsTheUnion, verifaStatusIsText, reasonIsTheUnion, codeIsTheUnion, verifaCallback);
console.log(status, provider, reason, rawStatus, state, notAStatus, mustBeString);
