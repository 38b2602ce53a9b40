/** A provider whose hosted flow idv-handoff knows. */
export type Provider = "deepidv" | "didit";

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
  | "redirect_origin_not_allowed" | "session_host_not_allowed"
  | "no_pending_handoff" | "handoff_expired" | "storage_unavailable";

/** The error every idv-handoff function throws: `instanceof Error`, with a stable `code`. */
export class IdvError extends Error {
  private constructor();
  readonly name: "IdvError";
  readonly code: IdvErrorCode;
  /** The option, URL (`sessionUrl`, `redirectUrl`) or request field the error is about. */
  readonly field?: string;
  /** The callback parameter the error is about (`duplicate_parameter`). */
  readonly param?: string;
}

/** Options of `parseCallback`. */
export interface ParseCallbackOptions {
  /** Read the parameters as this provider's. Default: Didit when `verificationSessionId` is present, else deepidv. */
  provider?: Provider;
  /** The session id this browser started; a different one throws `session_mismatch`. */
  expectedSessionId?: string;
  /** The one-time state this browser stored; an absent or different one throws `state_mismatch`. */
  expectedState?: string;
}

/**
 * What came back on the return URL: an unconfirmed hint. Anyone can craft this query; confirm
 * the session with the provider, server-side, before acting on it.
 */
export interface Callback {
  provider: Provider;
  /** `[A-Za-z0-9._~-]{1,128}`. */
  sessionId: string;
  status: CallbackStatus;
  /** The status exactly as the provider sent it, e.g. "SUBMITTED" or "In Review". */
  rawStatus: string;
  /** Absent when the provider sent none, and always when the status is "success". */
  reason: CallbackReason | undefined;
  /** The reason as sent: sanitised (letters, digits, space, `_ - .`; others become `_`), at most 64 characters. */
  rawReason: string | undefined;
  /** The `state` parameter, `[A-Za-z0-9._~-]{1,512}`, if present. */
  state: string | undefined;
}

/** A language Didit documents for its hosted page. */
export type DiditLanguage =
  | "en" | "ar" | "bg" | "bn" | "bs" | "ca" | "cnr" | "cs" | "da" | "de" | "el" | "es" | "et" | "fa"
  | "fi" | "fr" | "he" | "hi" | "hr" | "hu" | "hy" | "id" | "it" | "ja" | "ka" | "kk" | "ko" | "ky"
  | "lt" | "lv" | "mk" | "mn" | "ms" | "nl" | "no" | "pl" | "pt-BR" | "pt" | "ro" | "ru" | "sk"
  | "sl" | "so" | "sq" | "sr" | "sv" | "th" | "tr" | "uk" | "uz" | "vi" | "zh-CN" | "zh-TW" | "zh";

/** Options of `buildHandoffUrl`. */
export interface HandoffUrlOptions {
  /** Where the provider sends the person back: https, canonical, no credentials. */
  redirectUrl: string;
  /** A one-time state, `[A-Za-z0-9._~-]{1,512}`, put on the return URL as its `state` parameter. */
  state?: string;
  /** If given, the redirect URL's origin must be exactly one of these (e.g. "https://yourapp.com"). */
  allowedRedirectOrigins?: readonly string[];
  /** If given, the session URL's host (with a non-default port, if any) must be exactly one of these. */
  allowedSessionHosts?: readonly string[];
  /** Development only: also accept http://localhost and http://127.0.0.1 URLs. */
  allowInsecureLocalhost?: boolean;
  /** Didit: the hosted page's language, put in the session URL's path as Didit documents. */
  language?: DiditLanguage;
}

/** Options of `beginHandoff`: those of `buildHandoffUrl` except `state`, which it makes. */
export interface BeginHandoffOptions extends Omit<HandoffUrlOptions, "state"> {
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
}
