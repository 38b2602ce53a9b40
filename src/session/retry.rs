//! Whether and when `createSession` tries again, from how an attempt ended, and what a final
//! answer means.

use crate::error::Error;
use crate::provider::Provider;
use crate::time::{decimal, http_date_ms};

/// How often and how long `createSession` retries, and whether a create may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The longest single wait; a server asking for longer ends the call (`rate_limited`).
    pub max_delay_ms: u32,
    /// Whose create it is: whether it documents idempotency decides what may be re-sent.
    pub provider: Provider,
}

/// The first backoff ceiling; it doubles with each retry, up to `max_delay_ms`.
pub const BACKOFF_BASE_MS: u32 = 250;

/// The header by which a proxy says it deduplicates creates by `Idempotency-Key` (the server
/// half of this package sends it on every answer): `Idv-Idempotency: deduplicated`. Only then
/// is a create re-sent that may have reached a provider that documents no idempotency.
pub const DEDUPLICATION_HEADER: &str = "Idv-Idempotency";
/// Its value.
pub const DEDUPLICATED: &str = "deduplicated";

impl RetryPolicy {
    /// Two retries, waits of at most 30 s, for `provider`.
    pub fn for_provider(provider: Provider) -> Self {
        RetryPolicy {
            max_retries: 2,
            max_delay_ms: 30_000,
            provider,
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt<'a> {
    /// The proxy answered (a redirect counts as an answer: it is never followed).
    Answered {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header.
        retry_after: Option<&'a str>,
        /// The `X-RateLimit-Reset` header (Unix seconds).
        rate_limit_reset: Option<&'a str>,
        /// Whether the answer said the proxy deduplicates ([`DEDUPLICATION_HEADER`]).
        deduplicated: bool,
        /// The `code` of the answer's JSON body, when this package's server half answered.
        code: Option<&'a str>,
    },
    /// The request failed before an answer (DNS, connection, CORS).
    NetworkError,
    /// The attempt took longer than `timeoutMs`.
    TimedOut,
    /// The caller's signal aborted the call.
    Aborted,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A 2xx answer: read the session from it.
    Accept,
    /// Try again with the same Idempotency-Key after this many milliseconds.
    Retry {
        /// The wait.
        delay_ms: u32,
    },
    /// Stop with this error.
    Fail(Error),
}

/// Decides what follows attempt number `attempt` (0 for the first).
///
/// A 429 was refused before any session was made: it is retried after the wait the server asks
/// for (`Retry-After`, else `X-RateLimit-Reset`). A 5xx, a 409, a timeout or a lost connection
/// may come after the provider made the session: the create is sent again (same
/// Idempotency-Key, exponential backoff with full jitter, `random` in [0, 1)) only when that
/// cannot make a second one: the provider documents idempotency (Verifa) or the proxy said it
/// deduplicates in an answer of this call (`deduplicated`, which the caller carries from one
/// attempt to the next). Anything else is final: [`answer_error`].
pub fn next_step(
    attempt: u32,
    outcome: Attempt,
    policy: RetryPolicy,
    deduplicated: bool,
    now_ms: f64,
    random: f64,
) -> Step {
    let last = attempt >= policy.max_retries;
    let backoff = || {
        let ceiling = u64::from(BACKOFF_BASE_MS) << attempt.min(20);
        let ceiling = ceiling.min(u64::from(policy.max_delay_ms)) as f64;
        Step::Retry {
            delay_ms: (random.clamp(0.0, 1.0) * ceiling) as u32,
        }
    };
    let resendable = policy.provider.documents_idempotency() || deduplicated;
    let maybe_created = |error| {
        if last || !resendable {
            Step::Fail(error)
        } else {
            backoff()
        }
    };
    match outcome {
        Attempt::Aborted => Step::Fail(Error::Aborted),
        Attempt::NetworkError => maybe_created(Error::NetworkError),
        Attempt::TimedOut => maybe_created(Error::Timeout),
        Attempt::Answered {
            status,
            retry_after,
            rate_limit_reset,
            code,
            ..
        } => match status {
            200..=299 => Step::Accept,
            300..=399 => Step::Fail(Error::InvalidResponse { status }),
            429 => {
                let wait = retry_after
                    .and_then(|v| retry_after_ms(v, now_ms))
                    .or_else(|| rate_limit_reset.and_then(|v| reset_ms(v, now_ms)));
                let error = Error::RateLimited {
                    retry_after_ms: wait,
                };
                match wait {
                    _ if last => Step::Fail(error),
                    Some(ms) if ms > policy.max_delay_ms => Step::Fail(error),
                    Some(ms) => Step::Retry { delay_ms: ms },
                    None => backoff(),
                }
            }
            409 | 500..=599 => maybe_created(Error::UpstreamError { status }),
            _ => Step::Fail(answer_error(policy.provider, status, code)),
        },
    }
}

/// What a final error answer means for `provider`: its documents' statuses (deepidv 000: 400,
/// 401, 402, 404 "Workflow ID not found", 429; Verifa 004: 400, 401, 422 "Unprocessable
/// Entity", 429; Didit 003 lists none), the HTTP meaning of the rest, and the `code` of this
/// package's server half where it answered itself (`idempotency_conflict`: a key reused with
/// another body). The field the provider named is the caller's to add (`BadRequest`).
pub fn answer_error(provider: Provider, status: u16, code: Option<&str>) -> Error {
    match (status, provider, code) {
        (_, _, Some("idempotency_conflict")) => Error::IdempotencyConflict,
        (400, _, _) => Error::BadRequest {
            field: None,
            status: 400,
        },
        (401, _, _) => Error::Unauthorized,
        (402, _, _) => Error::PaymentRequired,
        (404, Provider::Deepidv, _) => Error::WorkflowNotFound,
        // Verifa's 422 is its generic "Unprocessable Entity Error", which a reused
        // Idempotency-Key also gets: a request it refused.
        (422, Provider::Verifa, _) => Error::BadRequest {
            field: None,
            status: 422,
        },
        _ => Error::UpstreamError { status },
    }
}

/// `Retry-After` in milliseconds from now: delay-seconds, or an HTTP date (IMF-fixdate).
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<u32> {
    let value = value.trim_ascii();
    if let Some(seconds) = decimal(value) {
        return Some(clamp_ms(seconds as f64 * 1000.0));
    }
    http_date_ms(value).map(|at| clamp_ms(at - now_ms))
}

/// `X-RateLimit-Reset` (Unix seconds, as Verifa documents) in milliseconds from now.
pub fn reset_ms(value: &str, now_ms: f64) -> Option<u32> {
    decimal(value.trim_ascii()).map(|seconds| clamp_ms(seconds as f64 * 1000.0 - now_ms))
}

fn clamp_ms(ms: f64) -> u32 {
    ms.clamp(0.0, f64::from(u32::MAX)) as u32
}
