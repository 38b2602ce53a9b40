//! Providers: the one table of what the module knows of each: names, statuses and reasons,
//! their APIs (base URL, paths, the API key's header), their session statuses and which are
//! final. Each fact is from the documents (`shared/seeds/000_*`..`002_*` deepidv, `003_*` Didit,
//! `004_*` Verifa) or, where they are silent, an assumption marked [`Source::Assumed`], listed
//! in README's "Beyond the documents" and overridable in the server half's options.

/// An identity verification provider whose hosted flow the module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// deepidv: callback `session_id` (or `sessionId`), `status`, `reason`.
    Deepidv,
    /// Didit: callback `verificationSessionId` and `status` in Didit's own words.
    Didit,
    /// Verifa: sessions with `capture_url` and `expires_at`; its return parameters are not
    /// documented, so callbacks need the caller's parameter names.
    Verifa,
}

impl Provider {
    /// The provider's name as used in options and results.
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::Deepidv => "deepidv",
            Provider::Didit => "didit",
            Provider::Verifa => "verifa",
        }
    }

    /// The largest session request body accepted for this provider, in bytes of JSON: what its
    /// documented fields can hold, with room to spare. deepidv: nine short fields (`000_*`);
    /// Didit: `portrait_image` is up to 2 MB decoded, about 2.7 MB of base64 (`003_*`); Verifa:
    /// six fields, `metadata` of any size (`004_*` sets no bound: this one is ours).
    pub const fn max_request_bytes(self) -> usize {
        match self {
            Provider::Deepidv => 16 * 1024,
            Provider::Didit => 3 * 1024 * 1024,
            Provider::Verifa => 64 * 1024,
        }
    }

    /// Whether the provider documents idempotent creates: only Verifa ("Idempotency-Key …
    /// Cached for 24 hours. Sending the same key with different parameters returns 422", 004).
    /// deepidv and Didit document none: every create is a session, and costs a token.
    pub const fn documents_idempotency(self) -> bool {
        matches!(self, Provider::Verifa)
    }

    /// Every provider.
    pub const ALL: &'static [Provider] = &[Provider::Deepidv, Provider::Didit, Provider::Verifa];

    /// Looks up a provider by the name used in options.
    pub fn from_name(name: &str) -> Option<Provider> {
        match name {
            "deepidv" => Some(Provider::Deepidv),
            "didit" => Some(Provider::Didit),
            "verifa" => Some(Provider::Verifa),
            _ => None,
        }
    }
}

/// Where a fact about a provider comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A provider document says so (the seed file's number).
    Documented(&'static str),
    /// The documents are silent: the module assumes it (README, "Beyond the documents").
    Assumed,
}

/// A provider's API, as the server half calls it.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// The base URL of its API, when its documents give one.
    pub base_url: Option<(&'static str, Source)>,
    /// The path that creates a session (POST).
    pub create_path: (&'static str, Source),
    /// The path that reads a session (GET): the text before and after its id.
    pub session_path: ((&'static str, &'static str), Source),
    /// The header that carries the API key.
    pub key_header: &'static str,
    /// Request headers the browser may send that are forwarded to the provider.
    pub forwarded_headers: &'static [&'static str],
    /// Where the session's status is in its answer: a member path.
    pub status_member: (&'static [&'static str], Source),
    /// Where a reason for the status is, when the provider gives one.
    pub reason_member: Option<(&'static [&'static str], Source)>,
    /// The session statuses: the provider's word, and whether it is final (the person's part is
    /// over and the provider will not change it by itself).
    pub statuses: (&'static [(&'static str, bool)], Source),
}

/// deepidv: `POST https://api.deepidv.com/v1/sessions` with `x-api-key` (000); a session's
/// record holds `status` ∈ PENDING, SUBMITTED, VERIFIED, REJECTED, VOIDED (002: PENDING and
/// SUBMITTED are managed by the API, the others set by you). The REST path of the guide's
/// `client.sessions.retrieve(id)` is not in the documents.
const DEEPIDV_API: Api = Api {
    base_url: Some(("https://api.deepidv.com", Source::Documented("000"))),
    create_path: ("/v1/sessions", Source::Documented("000")),
    session_path: (("/v1/sessions/", ""), Source::Assumed),
    key_header: "x-api-key",
    forwarded_headers: &[],
    status_member: (&["sessionRecord", "status"], Source::Documented("002")),
    reason_member: None,
    statuses: (
        &[
            ("PENDING", false),
            ("SUBMITTED", true),
            ("VERIFIED", true),
            ("REJECTED", true),
            ("VOIDED", true),
        ],
        Source::Documented("002"),
    ),
};

/// Didit: `POST https://verification.didit.me/v3/session/` with `x-api-key`, and "GET
/// /v3/session/{sessionId}/decision/" (003). The decision's body is not documented: its
/// `status` is assumed to be the session's, in the session's vocabulary (003, ten statuses).
const DIDIT_API: Api = Api {
    base_url: Some(("https://verification.didit.me", Source::Documented("003"))),
    create_path: ("/v3/session/", Source::Documented("003")),
    session_path: (("/v3/session/", "/decision/"), Source::Documented("003")),
    key_header: "x-api-key",
    forwarded_headers: &[],
    status_member: (&["status"], Source::Assumed),
    reason_member: None,
    statuses: (
        &[
            ("Not Started", false),
            ("In Progress", false),
            ("Approved", true),
            ("Declined", true),
            ("In Review", false),
            ("Expired", true),
            ("Abandoned", true),
            ("Kyc Expired", true),
            ("Resubmitted", false),
            ("Awaiting User", false),
        ],
        Source::Documented("003"),
    ),
};

/// Verifa: its create takes `X-API-Key`, `Idempotency-Key` and `Verifa-Version` (004); its base
/// URL, paths, status words and failure reason are not documented.
const VERIFA_API: Api = Api {
    base_url: None,
    create_path: ("/v1/sessions", Source::Assumed),
    session_path: (("/v1/sessions/", ""), Source::Assumed),
    key_header: "X-API-Key",
    forwarded_headers: &["Idempotency-Key", "Verifa-Version"],
    status_member: (&["status"], Source::Documented("004")),
    reason_member: Some((&["failure_reason"], Source::Assumed)),
    statuses: (
        &[
            ("created", false),
            ("completed", true),
            ("failed", true),
            ("cancelled", true),
            ("expired", true),
        ],
        Source::Assumed,
    ),
};

impl Provider {
    /// The provider's API.
    pub const fn api(self) -> &'static Api {
        match self {
            Provider::Deepidv => &DEEPIDV_API,
            Provider::Didit => &DIDIT_API,
            Provider::Verifa => &VERIFA_API,
        }
    }
}

/// A callback status, normalised to one snake_case vocabulary across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackStatus {
    /// deepidv: the session was completed and submitted.
    Success,
    /// deepidv: the session ended with an error.
    Failed,
    /// deepidv and Didit: the user left without completing.
    Abandoned,
    /// Didit: Not Started.
    NotStarted,
    /// Didit: In Progress.
    InProgress,
    /// Didit: Approved.
    Approved,
    /// Didit: Declined.
    Declined,
    /// Didit: In Review.
    InReview,
    /// Didit: Expired.
    Expired,
    /// Didit: Kyc Expired.
    KycExpired,
    /// Didit: Resubmitted.
    Resubmitted,
    /// Didit: Awaiting User.
    AwaitingUser,
    /// A status of a provider that documents no vocabulary (Verifa): see `Callback::status_name`.
    Other,
}

impl CallbackStatus {
    /// The normalised snake_case name.
    pub const fn as_str(self) -> &'static str {
        // Indexed by the discriminant: a match compiles to a jump table of constants, larger.
        const NAMES: [&str; 13] = [
            "success",
            "failed",
            "abandoned",
            "not_started",
            "in_progress",
            "approved",
            "declined",
            "in_review",
            "expired",
            "kyc_expired",
            "resubmitted",
            "awaiting_user",
            "other",
        ];
        NAMES[self as usize]
    }
}

/// Each provider's status values exactly as sent (case-sensitive), and what they mean.
///
/// deepidv documents `success | failed | abandoned` for the redirect (`001_*`), while its
/// hosted-session guide (`002_*`) shows `status=SUBMITTED`, its record status for a completed
/// flow: both are accepted, `SUBMITTED` meaning success.
pub const STATUSES: &[(Provider, &str, CallbackStatus)] = &[
    (Provider::Deepidv, "success", CallbackStatus::Success),
    (Provider::Deepidv, "SUBMITTED", CallbackStatus::Success),
    (Provider::Deepidv, "failed", CallbackStatus::Failed),
    (Provider::Deepidv, "abandoned", CallbackStatus::Abandoned),
    (Provider::Didit, "Not Started", CallbackStatus::NotStarted),
    (Provider::Didit, "In Progress", CallbackStatus::InProgress),
    (Provider::Didit, "Approved", CallbackStatus::Approved),
    (Provider::Didit, "Declined", CallbackStatus::Declined),
    (Provider::Didit, "In Review", CallbackStatus::InReview),
    (Provider::Didit, "Expired", CallbackStatus::Expired),
    (Provider::Didit, "Abandoned", CallbackStatus::Abandoned),
    (Provider::Didit, "Kyc Expired", CallbackStatus::KycExpired),
    (Provider::Didit, "Resubmitted", CallbackStatus::Resubmitted),
    (
        Provider::Didit,
        "Awaiting User",
        CallbackStatus::AwaitingUser,
    ),
];

/// Finds a provider's status by its exact raw spelling; returns the table's own string too.
pub fn status_of(provider: Provider, raw: &str) -> Option<(&'static str, CallbackStatus)> {
    STATUSES
        .iter()
        .find(|(p, r, _)| *p == provider && *r == raw)
        .map(|&(_, r, s)| (r, s))
}

/// deepidv's documented failure reasons. New values may be added by the provider: anything
/// else is [`Reason::Unknown`], with the raw value kept by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The uploaded ID document could not be processed.
    DocumentUnreadable,
    /// Liveness or selfie did not match the document photo.
    FaceMismatch,
    /// The session timed out before the user completed it.
    SessionExpired,
    /// An unexpected server-side error occurred.
    InternalError,
    /// The user chose to leave or cancel.
    UserCancelled,
    /// Unclassified, or a value this version does not know.
    Unknown,
}

impl Reason {
    /// Every reason, in the provider's documented order.
    pub const ALL: &'static [Reason] = &[
        Reason::DocumentUnreadable,
        Reason::FaceMismatch,
        Reason::SessionExpired,
        Reason::InternalError,
        Reason::UserCancelled,
        Reason::Unknown,
    ];

    /// The documented snake_case name.
    pub const fn as_str(self) -> &'static str {
        // Indexed by the discriminant, as `CallbackStatus::as_str`.
        const NAMES: [&str; 6] = [
            "document_unreadable",
            "face_mismatch",
            "session_expired",
            "internal_error",
            "user_cancelled",
            "unknown",
        ];
        NAMES[self as usize]
    }

    /// Maps a raw reason to a documented one; unknown or future values give `Unknown`.
    pub fn from_raw(raw: &str) -> Reason {
        match raw {
            "document_unreadable" => Reason::DocumentUnreadable,
            "face_mismatch" => Reason::FaceMismatch,
            "session_expired" => Reason::SessionExpired,
            "internal_error" => Reason::InternalError,
            "user_cancelled" => Reason::UserCancelled,
            _ => Reason::Unknown,
        }
    }
}

/// The interface languages Didit documents for `language` (ISO 639-1, some with a region),
/// space-separated: one string costs the wasm less than a table of 54 `&str`.
const DIDIT_LANGUAGE_LIST: &str = "en ar bg bn bs ca cnr cs da de el es et fa fi fr he hi hr hu \
    hy id it ja ka kk ko ky lt lv mk mn ms nl no pl pt-BR pt ro ru sk sl so sq sr sv th tr uk uz \
    vi zh-CN zh-TW zh";

/// The interface languages Didit documents for `language`.
pub fn didit_languages() -> impl Iterator<Item = &'static str> {
    DIDIT_LANGUAGE_LIST.split(' ')
}

/// Whether `language` is one of [`didit_languages`].
pub fn is_didit_language(language: &str) -> bool {
    didit_languages().any(|known| known == language)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name tables of `as_str` are indexed by discriminant: each variant keeps its name.
    #[test]
    fn as_str_names_each_variant() {
        use CallbackStatus as S;
        let statuses = [
            (S::Success, "success"),
            (S::Failed, "failed"),
            (S::Abandoned, "abandoned"),
            (S::NotStarted, "not_started"),
            (S::InProgress, "in_progress"),
            (S::Approved, "approved"),
            (S::Declined, "declined"),
            (S::InReview, "in_review"),
            (S::Expired, "expired"),
            (S::KycExpired, "kyc_expired"),
            (S::Resubmitted, "resubmitted"),
            (S::AwaitingUser, "awaiting_user"),
            (S::Other, "other"),
        ];
        for (status, name) in statuses {
            assert_eq!(status.as_str(), name, "{status:?}");
        }
        let reasons = [
            (Reason::DocumentUnreadable, "document_unreadable"),
            (Reason::FaceMismatch, "face_mismatch"),
            (Reason::SessionExpired, "session_expired"),
            (Reason::InternalError, "internal_error"),
            (Reason::UserCancelled, "user_cancelled"),
            (Reason::Unknown, "unknown"),
        ];
        for (reason, name) in reasons {
            assert_eq!(reason.as_str(), name, "{reason:?}");
        }
    }
}
