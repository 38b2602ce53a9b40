//! The one error type of the crate.
//!
//! Every refusal has a stable snake_case [`Error::code`] and a static message: no `format!`, so
//! error paths cost no formatting machinery in the wasm build, and callers can match on codes.

/// Why an input was refused. Each variant maps to one stable [`code`](Error::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// An argument (or the query of a callback) is longer than the module accepts.
    InputTooLong {
        /// The argument or option, as the caller names it (`input`, `sessionUrl`, `request`, …).
        field: &'static str,
    },
    /// An argument is not of a JavaScript type the function takes (a `URL` where a string is
    /// expected is fine; a number, `null`, a Symbol … are not).
    InvalidInput {
        /// The argument, as the caller names it (`input`, `sessionUrl`, `request`, …).
        field: &'static str,
    },
    /// An option has a value of the wrong type or outside its allowed values.
    InvalidOption {
        /// The option's name as the caller spells it (`provider`, `expectedState`, …).
        option: &'static str,
    },
    /// An options object has a key the function does not take (a typo such as
    /// `allowedRedirectOrigin` would otherwise silently turn a check off). The bindings name the
    /// key in `field`.
    UnknownOption,
    /// A recognised callback parameter appears more than once (aliases count as the same one).
    DuplicateParameter {
        /// The parameter's name as it appeared in the query.
        param: &'static str,
    },
    /// The callback has no session id, or an empty one.
    MissingSessionId,
    /// The session id has characters outside `[A-Za-z0-9._~-]` or is too long.
    InvalidSessionId,
    /// The session id differs from `expectedSessionId`.
    SessionMismatch,
    /// The callback has no status, or an empty one.
    MissingStatus,
    /// The status is not in the provider's vocabulary.
    InvalidStatus,
    /// The `state` parameter is malformed (charset or length).
    InvalidState,
    /// `expectedState` was given and the `state` parameter is absent or differs.
    StateMismatch,
    /// A URL does not parse, or is relative (nothing is ever resolved against a base).
    InvalidUrl {
        /// Which URL: `sessionUrl` or `redirectUrl`.
        field: &'static str,
    },
    /// A URL is not `https:` (nor an allowed `http://localhost` or `http://127.0.0.1`).
    InsecureUrl {
        /// Which URL.
        field: &'static str,
    },
    /// A URL carries a username or password, or an `@` in its authority.
    CredentialsInUrl {
        /// Which URL.
        field: &'static str,
    },
    /// A URL has backslashes, whitespace or control characters, lacks `//`, or needed any
    /// other repair to parse.
    SuspiciousUrl {
        /// Which URL.
        field: &'static str,
    },
    /// The redirect URL's origin is not one of `allowedRedirectOrigins`.
    RedirectOriginNotAllowed,
    /// The session URL's host is not one of `allowedSessionHosts`.
    SessionHostNotAllowed,
    /// The server half: the request's return URL is not one of its `returnUrls` (same origin
    /// and path); a session could otherwise send the person anywhere afterwards.
    ReturnUrlNotAllowed,
    /// The server half: the provider does not know the session (its read answered 404).
    SessionNotFound,
    /// The server half: a browser on an origin it was not configured with called its JSON routes.
    OriginNotAllowed,
    /// The server half: no route at this path and method.
    RouteNotFound,
    /// `completeHandoff` found no handoff started in this tab (confirm server-side instead).
    NoPendingHandoff,
    /// The return was already used in this browser: the handoff it ends was completed here
    /// before (a replay, or a reload of the return URL).
    HandoffReplayed,
    /// The pending handoff is older than `maxAgeMs`.
    HandoffExpired,
    /// `sessionStorage` (or `crypto`) is not available: not a browser, or storage is disabled.
    StorageUnavailable,
    /// The session's hosted page has expired (`expiresAt` is past).
    SessionExpired,
    /// A session request field is missing, of the wrong type or invalid (checked before any
    /// byte is sent).
    InvalidRequest {
        /// The field, in snake_case.
        field: &'static str,
    },
    /// A session request has a field the provider does not document.
    UnknownField {
        /// Its position among the request's own keys (the bindings report its name).
        index: u16,
    },
    /// HTTP 400 (or Verifa's 422) from the proxy: the provider refused the request body.
    BadRequest {
        /// The field the server named, if it is one of the request's fields.
        field: Option<&'static str>,
        /// The HTTP status.
        status: u16,
    },
    /// HTTP 401: the proxy's API key is missing or invalid.
    Unauthorized,
    /// HTTP 402: the provider account's token balance is spent.
    PaymentRequired,
    /// HTTP 404 from deepidv: the workflow id is unknown to it.
    WorkflowNotFound,
    /// The Idempotency-Key was used before with another body: the server half's 422 with its
    /// code `idempotency_conflict`. (A bare 422 from Verifa is its generic "Unprocessable Entity
    /// Error", 004, which a reused key also gets: `invalid_request` with status 422.)
    IdempotencyConflict,
    /// HTTP 429 after the retries: rate limited.
    RateLimited {
        /// How long the server asked to wait, when it said.
        retry_after_ms: Option<u32>,
    },
    /// HTTP 5xx after the retries, or another status the provider does not document.
    UpstreamError {
        /// The last status.
        status: u16,
    },
    /// The proxy could not be reached, after the retries.
    NetworkError,
    /// An attempt took longer than `timeoutMs`, after the retries.
    Timeout,
    /// The caller's `signal` aborted the call.
    Aborted,
    /// The proxy's answer is not a session: not JSON, no id, no https session URL, or a
    /// redirect (none is followed).
    InvalidResponse {
        /// The HTTP status of that answer.
        status: u16,
    },
    /// A fault inside the module's WebAssembly (a trap, or the host failing under it). The
    /// JavaScript layer gives the module a fresh instance, so the next call works; the cause is
    /// kept on the error.
    Internal,
}

impl Error {
    /// The stable machine-readable code, as exposed to JavaScript in `IdvError.code`.
    pub const fn code(self) -> &'static str {
        match self {
            Error::InputTooLong { .. } => "input_too_long",
            Error::InvalidInput { .. } => "invalid_input",
            Error::InvalidOption { .. } | Error::UnknownOption => "invalid_option",
            Error::DuplicateParameter { .. } => "duplicate_parameter",
            Error::MissingSessionId => "missing_session_id",
            Error::InvalidSessionId => "invalid_session_id",
            Error::SessionMismatch => "session_mismatch",
            Error::MissingStatus => "missing_status",
            Error::InvalidStatus => "invalid_status",
            Error::InvalidState => "invalid_state",
            Error::StateMismatch => "state_mismatch",
            Error::InvalidUrl { .. } => "invalid_url",
            Error::InsecureUrl { .. } => "insecure_url",
            Error::CredentialsInUrl { .. } => "credentials_in_url",
            Error::SuspiciousUrl { .. } => "suspicious_url",
            Error::RedirectOriginNotAllowed => "redirect_origin_not_allowed",
            Error::SessionHostNotAllowed => "session_host_not_allowed",
            Error::ReturnUrlNotAllowed => "return_url_not_allowed",
            Error::SessionNotFound => "session_not_found",
            Error::OriginNotAllowed => "origin_not_allowed",
            Error::RouteNotFound => "not_found",
            Error::NoPendingHandoff => "no_pending_handoff",
            Error::HandoffReplayed => "handoff_replayed",
            Error::HandoffExpired => "handoff_expired",
            Error::StorageUnavailable => "storage_unavailable",
            Error::SessionExpired => "session_expired",
            Error::InvalidRequest { .. }
            | Error::UnknownField { .. }
            | Error::BadRequest { .. } => "invalid_request",
            Error::Unauthorized => "unauthorized",
            Error::PaymentRequired => "payment_required",
            Error::WorkflowNotFound => "workflow_not_found",
            Error::IdempotencyConflict => "idempotency_conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::UpstreamError { .. } => "upstream_error",
            Error::NetworkError => "network_error",
            Error::Timeout => "timeout",
            Error::Aborted => "aborted",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::Internal => "internal_error",
        }
    }

    /// A short human-readable explanation; static, so it never echoes hostile input.
    pub const fn message(self) -> &'static str {
        match self {
            Error::InputTooLong { .. } => "an argument is longer than allowed",
            Error::InvalidInput { .. } => "an argument is not of a type this function takes",
            Error::InvalidOption { .. } => "an option has an invalid value",
            Error::UnknownOption => "an option is not one this function takes",
            Error::DuplicateParameter { .. } => "a callback parameter appears more than once",
            Error::MissingSessionId => "the callback has no session id",
            Error::InvalidSessionId => "the session id has invalid characters or is too long",
            Error::SessionMismatch => "the session id is not the expected one",
            Error::MissingStatus => "the callback has no status",
            Error::InvalidStatus => "the status is not one the provider documents",
            Error::InvalidState => "the state parameter has invalid characters or is too long",
            Error::StateMismatch => "the state does not match the one this browser started with",
            Error::InvalidUrl { .. } => "the URL does not parse as an absolute URL",
            Error::InsecureUrl { .. } => "the URL must use https",
            Error::CredentialsInUrl { .. } => "the URL must not carry a username or password",
            Error::SuspiciousUrl { .. } => "the URL is not in canonical form (whitespace, backslashes, controls or other repairs)",
            Error::RedirectOriginNotAllowed => "the redirect URL's origin is not in allowedRedirectOrigins",
            Error::SessionHostNotAllowed => "the session URL's host is not in allowedSessionHosts",
            Error::ReturnUrlNotAllowed => "the return URL is not one this proxy was configured with",
            Error::SessionNotFound => "the provider does not know this session",
            Error::OriginNotAllowed => "this origin may not call the verification API",
            Error::RouteNotFound => "no such route",
            Error::NoPendingHandoff => "no handoff was started in this tab; confirm the session server-side",
            Error::HandoffReplayed => "this return was already used in this browser",
            Error::HandoffExpired => "the handoff started too long ago",
            Error::StorageUnavailable => "sessionStorage is not available here",
            Error::SessionExpired => "the session has expired: create a new one",
            Error::InvalidRequest { .. } => "a session request field is missing or invalid",
            Error::UnknownField { .. } => "a session request field is not one the provider documents",
            Error::BadRequest { .. } => "the provider refused the session request",
            Error::Unauthorized => "the proxy's API key is missing or invalid",
            Error::PaymentRequired => "the provider account has no tokens left",
            Error::WorkflowNotFound => "the workflow id is not known to the provider",
            Error::IdempotencyConflict => "the Idempotency-Key was already used with another request",
            Error::RateLimited { .. } => "rate limited: try again later",
            Error::UpstreamError { .. } => "the proxy or provider failed",
            Error::NetworkError => "the proxy could not be reached",
            Error::Timeout => "the proxy did not answer in time",
            Error::Aborted => "the call was aborted",
            Error::InvalidResponse { .. } => "the proxy's answer is not a session",
            Error::Internal => "idv-handoff failed inside its WebAssembly module and has recovered",
        }
    }

    /// The callback parameter the error is about, where there is one.
    pub const fn param(self) -> Option<&'static str> {
        match self {
            Error::DuplicateParameter { param } => Some(param),
            _ => None,
        }
    }

    /// The option or request field the error is about, where there is one.
    pub const fn field(self) -> Option<&'static str> {
        match self {
            Error::InvalidOption { option } => Some(option),
            Error::InputTooLong { field }
            | Error::InvalidInput { field }
            | Error::InvalidUrl { field }
            | Error::InsecureUrl { field }
            | Error::CredentialsInUrl { field }
            | Error::SuspiciousUrl { field }
            | Error::InvalidRequest { field } => Some(field),
            Error::BadRequest { field, .. } => field,
            _ => None,
        }
    }

    /// The HTTP status the error comes from, where it comes from one.
    pub const fn status(self) -> Option<u16> {
        match self {
            Error::BadRequest { status, .. } => Some(status),
            Error::Unauthorized => Some(401),
            Error::PaymentRequired => Some(402),
            Error::WorkflowNotFound => Some(404),
            Error::IdempotencyConflict => Some(422),
            Error::RateLimited { .. } => Some(429),
            Error::UpstreamError { status } | Error::InvalidResponse { status } => Some(status),
            _ => None,
        }
    }

    /// How long to wait before trying again, where the server said.
    pub const fn retry_after_ms(self) -> Option<u32> {
        match self {
            Error::RateLimited { retry_after_ms } => retry_after_ms,
            _ => None,
        }
    }

    /// Every error, one of each variant: the source for tests that check all codes are
    /// documented and typed.
    pub const ALL: &'static [Error] = &[
        Error::InputTooLong { field: "" },
        Error::InvalidInput { field: "" },
        Error::InvalidOption { option: "" },
        Error::UnknownOption,
        Error::DuplicateParameter { param: "" },
        Error::MissingSessionId,
        Error::InvalidSessionId,
        Error::SessionMismatch,
        Error::MissingStatus,
        Error::InvalidStatus,
        Error::InvalidState,
        Error::StateMismatch,
        Error::InvalidUrl { field: "" },
        Error::InsecureUrl { field: "" },
        Error::CredentialsInUrl { field: "" },
        Error::SuspiciousUrl { field: "" },
        Error::RedirectOriginNotAllowed,
        Error::SessionHostNotAllowed,
        Error::ReturnUrlNotAllowed,
        Error::SessionNotFound,
        Error::OriginNotAllowed,
        Error::RouteNotFound,
        Error::NoPendingHandoff,
        Error::HandoffReplayed,
        Error::HandoffExpired,
        Error::StorageUnavailable,
        Error::SessionExpired,
        Error::InvalidRequest { field: "" },
        Error::UnknownField { index: 0 },
        Error::BadRequest {
            field: None,
            status: 400,
        },
        Error::Unauthorized,
        Error::PaymentRequired,
        Error::WorkflowNotFound,
        Error::IdempotencyConflict,
        Error::RateLimited {
            retry_after_ms: None,
        },
        Error::UpstreamError { status: 500 },
        Error::NetworkError,
        Error::Timeout,
        Error::Aborted,
        Error::InvalidResponse { status: 200 },
        Error::Internal,
    ];
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}
