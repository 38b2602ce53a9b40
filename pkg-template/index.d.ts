// idv-handoff: the public API. Every function checks the JavaScript type of each argument and
// throws an IdvError ("invalid_input" or "invalid_option", naming it) for a wrong one.

/** A provider whose hosted flow idv-handoff knows. */
export type Provider = "deepidv" | "didit" | "verifa";

/** A callback status, normalised to snake_case (Didit's "In Review" is "in_review"). */
export type CallbackStatus =
  | "success" | "failed" | "abandoned"
  | "not_started" | "in_progress" | "approved" | "declined" | "in_review"
  | "expired" | "kyc_expired" | "resubmitted" | "awaiting_user";

/** deepidv's documented reasons; any other value arrives as "unknown" with `rawReason` kept. */
export type CallbackReason =
  | "document_unreadable" | "face_mismatch" | "session_expired"
  | "internal_error" | "user_cancelled" | "unknown";

/** Every `IdvError.code`. */
export type IdvErrorCode =
  | "input_too_long" | "invalid_input" | "invalid_option" | "duplicate_parameter"
  | "missing_session_id" | "invalid_session_id" | "session_mismatch"
  | "missing_status" | "invalid_status" | "invalid_state" | "state_mismatch"
  | "invalid_url" | "insecure_url" | "credentials_in_url" | "suspicious_url"
  | "redirect_origin_not_allowed" | "session_host_not_allowed" | "return_url_not_allowed" | "session_not_found"
  | "origin_not_allowed" | "not_found"
  | "no_pending_handoff" | "handoff_replayed" | "handoff_expired" | "storage_unavailable" | "session_expired"
  | "invalid_request" | "unauthorized" | "payment_required" | "workflow_not_found"
  | "idempotency_conflict" | "rate_limited" | "upstream_error" | "network_error" | "timeout"
  | "aborted" | "invalid_response" | "internal_error";

/**
 * The error every idv-handoff function throws: `instanceof Error`, with a stable `code`.
 * "internal_error" is a fault inside the WebAssembly module (its `cause` says which); the module
 * recovers, so the next call works.
 */
export class IdvError extends Error {
  private constructor();
  readonly name: "IdvError";
  readonly code: IdvErrorCode;
  /** The option, URL (`sessionUrl`, `redirectUrl`) or request field the error is about. */
  readonly field?: string;
  /** The callback parameter the error is about (`duplicate_parameter`). */
  readonly param?: string;
  /** The HTTP status the error comes from (createSession). */
  readonly status?: number;
  /** How long the server asked to wait (`rate_limited`), when it said. */
  readonly retryAfterMs?: number;
  /** With `reportAll`: every problem of the request, the first of which is this error's own. */
  readonly errors?: readonly { code: IdvErrorCode; field?: string; message: string }[];
}

/** Options of `parseCallback`. */
export interface ParseCallbackOptions {
  /**
   * Read the parameters as this provider's. Default: Didit when `verificationSessionId` is
   * present, else deepidv. "verifa" needs `params` (`invalid_option` without): Verifa
   * documents no return parameters.
   */
  provider?: Provider;
  /** The session id this browser started; a different one throws `session_mismatch`. */
  expectedSessionId?: string;
  /** The one-time state this browser stored; an absent or different one throws `state_mismatch`. */
  expectedState?: string;
  /** The names of the return parameters, for a provider that does not document them (Verifa: required). */
  params?: ParamNames;
}

/** The names a provider gives its return parameters; `state` keeps its name. */
export interface ParamNames {
  sessionId: string;
  status: string;
  reason?: string;
}

/** The fields every Callback has (a plain object: a field without a value is absent). */
export interface CallbackFields {
  /** `[A-Za-z0-9._~-]{1,128}`. */
  sessionId: string;
  /** The status exactly as the provider sent it, e.g. "SUBMITTED" or "In Review". */
  rawStatus: string;
  /** Absent when the provider sent none, and always when the status is "success". */
  reason?: CallbackReason;
  /** The reason as sent: sanitised (letters, digits, space, `_ - .`; others become `_`), at most 64 characters. */
  rawReason?: string;
  /** The `state` parameter, `[A-Za-z0-9._~-]{1,512}`, if present. */
  state?: string;
}

/**
 * What came back on the return URL: an unconfirmed hint. Anyone can craft this query; confirm
 * the session with the provider, server-side, before acting on it. deepidv and Didit statuses
 * come from their documented vocabularies; Verifa documents none, so its status is the raw one
 * (`[A-Za-z0-9 _-]{1,64}`) in lowercase snake_case.
 */
export type Callback =
  | (CallbackFields & { provider: "deepidv" | "didit"; status: CallbackStatus })
  | (CallbackFields & { provider: "verifa"; status: string });

/** A language Didit documents for its hosted page. */
export type DiditLanguage =
  | "en" | "ar" | "bg" | "bn" | "bs" | "ca" | "cnr" | "cs" | "da" | "de" | "el" | "es" | "et" | "fa"
  | "fi" | "fr" | "he" | "hi" | "hr" | "hu" | "hy" | "id" | "it" | "ja" | "ka" | "kk" | "ko" | "ky"
  | "lt" | "lv" | "mk" | "mn" | "ms" | "nl" | "no" | "pl" | "pt-BR" | "pt" | "ro" | "ru" | "sk"
  | "sl" | "so" | "sq" | "sr" | "sv" | "th" | "tr" | "uk" | "uz" | "vi" | "zh-CN" | "zh-TW" | "zh";

/** Options of `buildHandoffUrl`. */
export interface HandoffUrlOptions {
  /**
   * Whose hosted page: "deepidv" (default) takes the return URL in the hosted URL; "didit" and
   * "verifa" took it when the session was created (`buildReturnUrl`), so `redirectUrl` and
   * `state` are refused for them.
   */
  provider?: Provider;
  /** deepidv (required): where the provider sends the person back: https, canonical, no credentials. */
  redirectUrl?: string;
  /** deepidv: a one-time state, `[A-Za-z0-9._~-]{1,512}`, put on the return URL as its `state` parameter. */
  state?: string;
  /** When the session expires (RFC 3339, e.g. Verifa's `expires_at`, `Session.expiresAt`): past it, `session_expired`. */
  expiresAt?: string;
  /** If given, the redirect URL's origin must be exactly one of these (e.g. "https://yourapp.com"). */
  allowedRedirectOrigins?: readonly string[];
  /** If given, the session URL's host (with a non-default port, if any) must be exactly one of these. */
  allowedSessionHosts?: readonly string[];
  /** Development only: also accept http://localhost and http://127.0.0.1 URLs. */
  allowInsecureLocalhost?: boolean;
  /** Didit: the hosted page's language, put in the session URL's path as Didit documents. */
  language?: DiditLanguage;
}

/** Options of `buildReturnUrl`. */
export interface ReturnUrlOptions {
  /** The state to put on the return URL, usually `createState()`. */
  state?: string;
  /** If given, the return URL's origin must be exactly one of these. */
  allowedRedirectOrigins?: readonly string[];
  /** Development only: also accept http://localhost and http://127.0.0.1. */
  allowInsecureLocalhost?: boolean;
  /** Custom URL schemes your mobile app registers (e.g. ["myapp"]): `myapp://verified` is then a return URL. */
  allowedAppSchemes?: readonly string[];
}

/** Options of `beginHandoff`: those of `buildHandoffUrl` except `state`, which it makes (deepidv). */
export interface BeginHandoffOptions extends Omit<HandoffUrlOptions, "state"> {
  /**
   * Didit and Verifa: the return URL given when the session was created (`buildReturnUrl` with
   * a `createState()` state); its state is the one kept for the return.
   */
  returnUrl?: string;
  /** The session being handed off; the callback must then carry the same id. */
  sessionId?: string;
  /** Go to the handoff URL with `location.assign` after storing the state. */
  navigate?: boolean;
}

/** Options of `completeHandoff`. */
export interface CompleteHandoffOptions {
  /** How old the pending handoff may be. Default: 3 600 000 (one hour). */
  maxAgeMs?: number;
  /** Read the callback as this provider's (default: detected). */
  provider?: Provider;
  /** The names of the return parameters (Verifa: required). */
  params?: ParamNames;
}

/**
 * A deepidv session request, each field in snake_case or camelCase (camelCase wins when both are
 * given). No other field is accepted: an API key never belongs here.
 */
export interface SessionRequest {
  first_name?: string; firstName?: string;
  last_name?: string; lastName?: string;
  /** A plausible address. */
  email?: string;
  /** Strict E.164: `+`, a country code 1-9, at most 15 digits, e.g. "+15192223333". */
  phone?: string;
  external_id?: string; externalId?: string;
  send_email_invite?: boolean; sendEmailInvite?: boolean;
  send_phone_invite?: boolean; sendPhoneInvite?: boolean;
  workflow_id?: string; workflowId?: string;
  /** https, checked like `buildHandoffUrl`'s redirect URL. */
  redirect_url?: string; redirectUrl?: string;
}

/** The body sent to the provider: snake_case, absent fields left out. */
export interface SessionRequestBody {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  external_id?: string;
  send_email_invite?: boolean;
  send_phone_invite?: boolean;
  workflow_id?: string;
  redirect_url?: string;
}

/** A Didit session request (`POST /v3/session/`), in Didit's snake_case. */
export interface DiditSessionRequest {
  /** Required: the workflow's UUID. */
  workflow_id: string;
  vendor_data?: string;
  /** https, or a custom app scheme such as "myapp://verified" for mobile apps. */
  callback?: string;
  callback_method?: "initiator" | "completer" | "both";
  /** Any JSON, stored with the session. */
  metadata?: unknown;
  language?: DiditLanguage;
  contact_details?: {
    email?: string;
    send_notification_emails?: boolean;
    email_lang?: DiditLanguage;
    /** Strict E.164. */
    phone?: string;
  };
  expected_details?: {
    first_name?: string;
    last_name?: string;
    /** YYYY-MM-DD. */
    date_of_birth?: string;
    /** ISO 3166-1 alpha-3, e.g. "USA". */
    nationality?: string;
    /** ISO 3166-1 alpha-3. */
    id_country?: string;
    /** e.g. ["P", "ID"]. */
    expected_document_types?: string[];
  };
  /** Base64 (JPEG, PNG, WebP or TIFF), at most 2 MB. */
  portrait_image?: string;
}

/** A Verifa session request, in Verifa's snake_case. */
export interface VerifaSessionRequest {
  external_ref?: string;
  metadata?: Record<string, unknown>;
  /** ISO 3166-1 alpha-2, e.g. "GB". */
  country?: string;
  checks?: string[];
  workflow_id?: string;
  /** https, checked like `buildHandoffUrl`'s redirect URL. */
  redirect_url?: string;
}

/** Options of `normalizeSessionRequest`. */
export interface NormalizeSessionRequestOptions {
  /** Whose request shape: "deepidv" (default), "didit" or "verifa". */
  provider?: Provider;
  /** Development only: accept an http://localhost or http://127.0.0.1 redirect URL. */
  allowInsecureLocalhost?: boolean;
  /**
   * Didit: custom URL schemes your mobile app registers (e.g. ["myapp"]), which a `callback`
   * may use ("Custom URL schemes (e.g. myapp://) are supported for mobile callbacks"). None by
   * default; a scheme a browser would run is refused.
   */
  allowedAppSchemes?: readonly string[];
  /** Report every invalid field: the IdvError's `errors` lists them all (a form can show each). */
  reportAll?: boolean;
}

/** Options of `createSession`. */
export interface CreateSessionOptions extends NormalizeSessionRequestOptions {
  /** The Idempotency-Key of this call (1-255 visible ASCII characters). Default: a fresh random UUID. */
  idempotencyKey?: string;
  /** Retries of 409, 429, 5xx, network failures and timeouts, with the same key. Default 2, at most 10. */
  maxRetries?: number;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  /** The longest single wait between attempts; a 429 asking for longer ends the call. Default 30 000. */
  maxDelayMs?: number;
  /** Aborts the call (`aborted`), including a wait between attempts. */
  signal?: AbortSignal;
  /** Development only: accept an http:// proxy URL. */
  allowInsecureProxy?: boolean;
  /** Verifa only: the API version date (YYYY-MM-DD), sent as `Verifa-Version`. */
  apiVersion?: string;
}

/** A created session: one shape for every provider, so an app can switch by configuration. */
export interface Session {
  /** The provider's session id (deepidv `idv_id` or `id`, Didit `session_id`, Verifa `id`). */
  id: string;
  /** The hosted page to hand the person off to (deepidv `session_url`, Didit `url`, Verifa `capture_url`), canonical https. */
  sessionUrl: string;
  /** Your reference, when the provider echoed it (deepidv `externalId`, Verifa `external_ref`). */
  externalId?: string;
  /** deepidv: its associated links, as sent ([] when absent). */
  links?: unknown[];
  /** Verifa: when the hosted page stops working (RFC 3339, as sent). */
  expiresAt?: string;
  /** Verifa: a QR code of the hosted page, a `data:image/png;base64,` URL. */
  qrCodeDataUrl?: string;
  /**
   * Didit: the return URL the session holds (its `callback`), https. A create for a
   * `vendor_data` that has an unfinished session returns that session, with the callback it was
   * created with: hand off with this one (`beginHandoff(..., { returnUrl: session.returnUrl })`).
   */
  returnUrl?: string;
  /** The provider's answer, as sent. */
  raw: Record<string, unknown>;
}

/**
 * Creates a verification session through your own backend proxy, which holds the API key: a
 * POST of the validated snake_case body with `Content-Type: application/json` and an
 * `Idempotency-Key` (the same on every retry). Redirects are not followed.
 */
export function createSession(
  proxyUrl: string,
  request: SessionRequest | DiditSessionRequest | VerifaSessionRequest,
  options?: CreateSessionOptions,
): Promise<Session>;

/**
 * The server half's status route answer (`GET /api/idv/sessions/:id`): the provider's own
 * status, authoritative.
 */
export interface Summary {
  provider: Provider;
  /** The session id. */
  id: string;
  /** The provider's status word in snake_case (deepidv "pending", Didit "in_review", …). */
  status: string;
  /** True once the person's part is over and the provider will not change the status by itself. */
  final: boolean;
  /** The provider's reason, where it gives one (Verifa `failure_reason`). */
  reason?: string;
  /** The provider's answer, as sent. */
  raw: unknown;
}

/** Options of `awaitResult`. */
export interface AwaitResultOptions {
  /** How long to poll, in ms (default 90 000, at most a day); then the last summary is the answer. */
  timeoutMs?: number;
  /** Aborts promptly: the promise rejects with an IdvError "aborted". */
  signal?: AbortSignal;
  /** Called with every summary read, final or not. */
  onUpdate?: (summary: Summary) => void;
  /** Development only: accept an http:// status URL on loopback (localhost, 127.0.0.1, [::1]). */
  allowInsecureProxy?: boolean;
}

/**
 * Reads the server half's status route until the provider's decision is final, and resolves with
 * that summary: at once, then after about 1.5 s, growing by half each time to at most 10 s (with
 * jitter); `Retry-After` honoured on 429 and 503, 5xx and network failures retried. When
 * `timeoutMs` passes first it resolves with the last summary (`final: false`, e.g. a manual
 * review), never rejecting for time; it rejects only when no summary ever came (the last
 * failure: "network_error", "upstream_error", "rate_limited"), on "session_not_found" (404),
 * "invalid_session_id" (400), "unauthorized" (401), "origin_not_allowed" (403),
 * "invalid_response", or "aborted".
 */
export function awaitResult(statusUrl: string | URL, options?: AwaitResultOptions): Promise<Summary>;

/** A tab opened by `openHandoffWindow`. */
export interface HandoffWindow {
  /** Whether the new tab is open (false when the browser blocked it or it was closed). */
  readonly opened: boolean;
  /**
   * Sends the new tab to `url` (https, or a path of this site such as the server half's start
   * route), moving this tab's pending handoff (`beginHandoff`) into it; when the tab was blocked
   * or closed, this tab goes instead. Returns which one went. Throws an IdvError, sending no tab
   * anywhere, for anything else: `invalid_input` (not a string or URL), `invalid_url`,
   * `insecure_url` (neither https nor this site: `javascript:`, `http:` elsewhere).
   */
  navigate(url: string | URL): "new-tab" | "same-tab";
  /** Closes the new tab (the session could not be created). */
  close(): void;
}

/**
 * Browser only: call it in the click handler before any `await` (Safari blocks windows opened
 * later), then create the session and `navigate` it to the hosted page. Falls back to this tab.
 */
export function openHandoffWindow(): HandoffWindow;

/**
 * Parses and validates the query a provider appends to the return URL. The result is a hint,
 * not a verdict: confirm the session server-side before acting on it. A string is a whole URL or
 * a query (with or without `?`); of a URL, only the query is read, never the fragment.
 */
export function parseCallback(input: string | URL | URLSearchParams, options?: ParseCallbackOptions): Callback;

/**
 * The hosted-page URL, after checking it (and, for deepidv, the return URL it carries, with the
 * state) against every open-redirect trick. A `URL` object gives the same answer as its string.
 */
export function buildHandoffUrl(sessionUrl: string | URL, options: HandoffUrlOptions): string;

/**
 * Checks a return URL and puts the state on it: what Didit (`callback`) and Verifa
 * (`redirect_url`) take when the session is created.
 */
export function buildReturnUrl(redirectUrl: string | URL, options?: ReturnUrlOptions): string;

/** A fresh one-time state: 256 random bits from `crypto.getRandomValues`, base64url (43 characters). */
export function createState(): string;

/**
 * Browser only: keeps `{ state, sessionId, createdAt }` in sessionStorage and returns the handoff
 * URL (or goes there, with `navigate: true`).
 */
export function beginHandoff(sessionUrl: string | URL, options: BeginHandoffOptions): string;

/**
 * Browser only: reads the callback from `location`, checks it against the handoff this tab began
 * (one use), removes the callback parameters from the address bar, and returns the Callback
 * (still a hint).
 */
export function completeHandoff(options?: CompleteHandoffOptions): Callback;

/**
 * Validates a session request as the provider documents it and returns the body to send. For
 * proxies: never trust what a browser sends.
 */
export function normalizeSessionRequest(
  request: SessionRequest | DiditSessionRequest | VerifaSessionRequest,
  options?: NormalizeSessionRequestOptions,
): SessionRequestBody | DiditSessionRequest | VerifaSessionRequest;
