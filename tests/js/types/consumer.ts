// Compiled by types.test.mjs with `tsc --strict`: the declarations a TypeScript user gets.
// Each @ts-expect-error line must fail to type-check; if the types loosened (to any, or to
// plain string), the directive itself would become an error and the test would fail.
import { parseCallback, IdvError } from "idv-handoff";
import type { Callback, CallbackReason, CallbackStatus, IdvErrorCode, ParseCallbackOptions, Provider } from "idv-handoff";

const options: ParseCallbackOptions = { provider: "didit", expectedState: "s", expectedSessionId: "id" };
const cb: Callback = parseCallback(new URL("https://yourapp.com/r?session_id=a&status=success"), options);
const fromParams: Callback = parseCallback(new URLSearchParams("session_id=a&status=success"));
const status: CallbackStatus = cb.status;
const provider: Provider = fromParams.provider;
const reason: CallbackReason | undefined = cb.reason;
const rawStatus: string = cb.rawStatus;
const state: string | undefined = cb.state;

// Exact type equality, so a declaration widened to string or any fails here.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const returnsCallback: Equals<ReturnType<typeof parseCallback>, Callback> = true;
const statusIsTheUnion: Equals<Callback["status"], CallbackStatus> = true;
const reasonIsTheUnion: Equals<Callback["reason"], CallbackReason | undefined> = true;
const codeIsTheUnion: Equals<IdvError["code"], IdvErrorCode> = true;

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
    // @ts-expect-error: codes are a closed union
    const notACode: typeof e.code = "nope";
    console.log(code, asError, param, field, notACode);
  }
}

console.log(returnsCallback, statusIsTheUnion, reasonIsTheUnion, codeIsTheUnion);
console.log(status, provider, reason, rawStatus, state, notAStatus, mustBeString);
