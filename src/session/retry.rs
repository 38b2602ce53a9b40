//! Whether and when `createSession` tries again, from how an attempt ended.

use crate::error::Error;
use crate::time::{decimal, http_date_ms};

/// How often and how long `createSession` retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The longest single wait; a server asking for longer ends the call (`rate_limited`).
    pub max_delay_ms: u32,
}

/// The first backoff ceiling; it doubles with each retry, up to `max_delay_ms`.
pub const BACKOFF_BASE_MS: u32 = 250;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            max_delay_ms: 30_000,
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

/// Decides what follows attempt number `attempt` (0 for the first). 400, 401, 402, 404 and 422
/// are final; 409, 429, 5xx, network failures and timeouts are retried up to the policy's
/// count: 429 after the wait the server asks for (`Retry-After`, else `X-RateLimit-Reset`),
/// the others with exponential backoff and full jitter (`random` in [0, 1)).
pub fn next_step(
    attempt: u32,
    outcome: Attempt,
    policy: RetryPolicy,
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
    let final_error = match outcome {
        Attempt::Aborted => return Step::Fail(Error::Aborted),
        Attempt::NetworkError => Error::NetworkError,
        Attempt::TimedOut => Error::Timeout,
        Attempt::Answered {
            status,
            retry_after,
            rate_limit_reset,
        } => match status {
            200..=299 => return Step::Accept,
            300..=399 => return Step::Fail(Error::InvalidResponse { status }),
            400 => return Step::Fail(Error::BadRequest { field: None }),
            401 => return Step::Fail(Error::Unauthorized),
            402 => return Step::Fail(Error::PaymentRequired),
            404 => return Step::Fail(Error::WorkflowNotFound),
            422 => return Step::Fail(Error::IdempotencyConflict),
            429 => {
                let wait = retry_after
                    .and_then(|v| retry_after_ms(v, now_ms))
                    .or_else(|| rate_limit_reset.and_then(|v| reset_ms(v, now_ms)));
                let error = Error::RateLimited {
                    retry_after_ms: wait,
                };
                return match wait {
                    _ if last => Step::Fail(error),
                    Some(ms) if ms > policy.max_delay_ms => Step::Fail(error),
                    Some(ms) => Step::Retry { delay_ms: ms },
                    None => backoff(),
                };
            }
            409 | 500..=599 => Error::UpstreamError { status },
            _ => return Step::Fail(Error::UpstreamError { status }),
        },
    };
    if last {
        Step::Fail(final_error)
    } else {
        backoff()
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
