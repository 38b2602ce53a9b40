//! `awaitResult`: the decisions of the loop that polls the server half's status route
//! (`GET {api}/sessions/:id`) until the provider's decision is final. The loop itself (fetch,
//! timers, the caller's signal) is JavaScript (`pkg-template/result.js`), like `createSession`'s.
//!
//! The schedule: the first read at once (the person is back, the decision may be there), then
//! waits growing from about 1.5 s by half each time to at most 10 s, each within ±25 % (jitter,
//! so that many pages returning together spread out): about 1.5, 2.3, 3.4, 5.1, 7.6, then 10 s.
//! Providers decide most sessions within seconds and some after a manual review of hours: the
//! first reads are quick, and after 20 s one read every 10 s costs little. A `Retry-After` on a
//! 429 or a 503 is honoured, a 5xx or a lost connection is retried, and when the time is up the
//! last summary is the answer (`final: false`), never an error for time.

use alloc::string::String;

use crate::callback::{is_token, MAX_SESSION_ID_LEN};
use crate::error::Error;
use crate::json::Json;
use crate::provider::Provider;
use crate::session::retry_after_ms;

/// The first wait, before its jitter.
pub const FIRST_DELAY_MS: u32 = 1_500;
/// The longest wait between two reads, before its jitter (and after it, at most this).
pub const MAX_DELAY_MS: u32 = 10_000;
/// How long `awaitResult` polls by default: 90 s.
pub const DEFAULT_TIMEOUT_MS: u32 = 90_000;
/// The largest summary read (the provider's `raw` answer included): 1 MiB, as the server half
/// reads from the provider.
pub const MAX_SUMMARY_BYTES: usize = 1024 * 1024;

/// How one read of the status route ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<'a> {
    /// The server answered.
    Answered {
        /// The HTTP status.
        status: u16,
        /// Its `Retry-After` header.
        retry_after: Option<&'a str>,
        /// Its body.
        body: &'a str,
    },
    /// No answer (DNS, connection, CORS, or no answer within the read's own time).
    NetworkError,
    /// The caller's signal aborted.
    Aborted,
}

/// What the loop does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Resolve with this summary (final, or the last one when the time is up).
    Resolve,
    /// Read again after this many milliseconds.
    Wait(u32),
    /// Reject with this error.
    Fail(Error),
}

/// A read's outcome: the summary it brought, if any (for `onUpdate` and as the latest), and
/// what follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// A summary the answer carried, checked: its JSON text.
    pub summary: Option<Summary>,
    /// What the loop does next.
    pub next: Next,
}

/// A summary of the status route, checked: `{ provider, id, status, final, reason?, raw }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Its JSON text, as it came (checked).
    pub text: String,
    /// Whether the provider's decision is final.
    pub final_: bool,
}

/// The wait before read number `attempt + 1` (`attempt` 0 being the first read), `random` in
/// [0, 1): the delay grows by half each time from [`FIRST_DELAY_MS`], within ±25 %, to at most
/// [`MAX_DELAY_MS`]. The growth stops at the cap before the jitter, so that pages polling at the
/// cap stay spread (7.5 to 10 s) instead of reading in step every 10 s.
pub fn delay_ms(attempt: u32, random: f64) -> u32 {
    let mut ceiling = f64::from(FIRST_DELAY_MS);
    for _ in 0..attempt.min(16) {
        ceiling *= 1.5;
    }
    let ceiling = ceiling.min(f64::from(MAX_DELAY_MS));
    let random = if random.is_nan() {
        0.5
    } else {
        random.clamp(0.0, 1.0)
    };
    let jittered = ceiling * (0.75 + 0.5 * random);
    (jittered as u32).min(MAX_DELAY_MS)
}

/// Decides what follows read number `attempt` (0 for the first), `elapsed_ms` after the first
/// began, with `timeout_ms` in all; `has_summary` says whether an earlier read brought one.
pub fn next_read(
    attempt: u32,
    elapsed_ms: f64,
    read: Read,
    timeout_ms: u32,
    has_summary: bool,
    now_ms: f64,
    random: f64,
) -> Step {
    let remaining = f64::from(timeout_ms) - elapsed_ms;
    // Wait `ms` if the time allows; otherwise the last summary is the answer, or, when none
    // ever came, the failure that kept it away.
    let wait = |ms: u32, failure: Error, summary: Option<Summary>| {
        let has_summary = has_summary || summary.is_some();
        let next = if f64::from(ms) < remaining {
            Next::Wait(ms)
        } else if has_summary {
            Next::Resolve
        } else {
            Next::Fail(failure)
        };
        Step { summary, next }
    };
    let fail = |error| Step {
        summary: None,
        next: Next::Fail(error),
    };
    let backoff = delay_ms(attempt, random);
    match read {
        Read::Aborted => fail(Error::Aborted),
        Read::NetworkError => wait(backoff, Error::NetworkError, None),
        Read::Answered {
            status,
            retry_after,
            body,
        } => match status {
            200 => match check_summary(body) {
                Some(summary) if summary.final_ => Step {
                    summary: Some(summary),
                    next: Next::Resolve,
                },
                Some(summary) => wait(backoff, Error::Timeout, Some(summary)),
                None => fail(Error::InvalidResponse { status }),
            },
            429 | 503 => {
                let asked = retry_after.and_then(|v| retry_after_ms(v, now_ms));
                let error = if status == 429 {
                    Error::RateLimited {
                        retry_after_ms: asked,
                    }
                } else {
                    Error::UpstreamError { status }
                };
                wait(asked.unwrap_or(backoff), error, None)
            }
            500..=599 => wait(backoff, Error::UpstreamError { status }, None),
            400 => fail(Error::InvalidSessionId),
            401 => fail(Error::Unauthorized),
            403 => fail(Error::OriginNotAllowed),
            404 => fail(Error::SessionNotFound),
            _ => fail(Error::InvalidResponse { status }),
        },
    }
}

/// Checks a status route's answer: a JSON object with a known `provider`, an `id`, a `status`
/// (snake_case, at most 64 characters), a boolean `final`, a `reason` if any, and `raw`.
pub fn check_summary(body: &str) -> Option<Summary> {
    if body.len() > MAX_SUMMARY_BYTES {
        return None;
    }
    let json = Json::parse(body)?;
    let text_of = |key| json.get(key).and_then(Json::as_str);
    let snake = |s: &str| {
        is_token(s, 64)
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    Provider::from_name(text_of("provider")?)?;
    if !is_token(text_of("id")?, MAX_SESSION_ID_LEN) || !snake(text_of("status")?) {
        return None;
    }
    let final_ = match json.get("final")? {
        Json::Bool(b) => *b,
        _ => return None,
    };
    match json.get("reason") {
        None => {}
        Some(Json::Str(reason)) if is_token(reason, 64) => {}
        Some(_) => return None,
    }
    json.get("raw")?;
    Some(Summary {
        text: String::from(body),
        final_,
    })
}
