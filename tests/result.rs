//! awaitResult's decisions (src/result.rs): the schedule, what each answer of the status route
//! means, and how the time limit ends the loop (with the last summary, never an error for time).

#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::error::Error;
use idv_handoff::result::{
    check_summary, delay_ms, next_read, Next, Read, DEFAULT_TIMEOUT_MS, FIRST_DELAY_MS,
    MAX_DELAY_MS,
};

const PENDING: &str =
    r#"{"provider":"deepidv","id":"abc","status":"pending","final":false,"raw":{}}"#;
const VERIFIED: &str = r#"{"provider":"deepidv","id":"abc","status":"verified","final":true,"raw":{"sessionRecord":{}}}"#;

fn answered(status: u16, body: &str) -> Read<'_> {
    Read::Answered {
        status,
        retry_after: None,
        body,
    }
}

fn step(attempt: u32, elapsed: f64, read: Read, has_summary: bool) -> idv_handoff::result::Step {
    next_read(
        attempt,
        elapsed,
        read,
        DEFAULT_TIMEOUT_MS,
        has_summary,
        0.0,
        0.5,
    )
}

#[test]
fn the_schedule_grows_from_about_one_and_a_half_seconds_to_ten() {
    // Without jitter (random 0.5): 1.5 s, then half again each time, capped at 10 s.
    let plain: Vec<u32> = (0..8).map(|a| delay_ms(a, 0.5)).collect();
    assert_eq!(plain, [1500, 2250, 3375, 5062, 7593, 10000, 10000, 10000]);
    // Jitter stays within ±25 % and under the cap, for any random value.
    for attempt in 0..40 {
        let nominal = f64::from(FIRST_DELAY_MS) * 1.5f64.powi(attempt.min(16) as i32);
        for r in [0.0, 0.1, 0.5, 0.9, 0.999_999, 1.0, -3.0, 7.0, f64::NAN] {
            let d = f64::from(delay_ms(attempt, r));
            assert!(d <= f64::from(MAX_DELAY_MS), "{attempt} {r} {d}");
            assert!(
                d >= nominal.min(f64::from(MAX_DELAY_MS)) * 0.75 - 1.0,
                "{attempt} {r}"
            );
            assert!(d <= nominal * 1.25 + 1.0, "{attempt} {r}");
        }
    }
    assert!(delay_ms(0, 0.0) >= 1000 && delay_ms(0, 1.0) <= 2000);
}

#[test]
fn at_the_cap_the_reads_stay_spread() {
    // Pages that reached the cap do not read in step: 7.5 to 10 s, as the random value says.
    for attempt in [6, 10, 40] {
        assert_eq!(delay_ms(attempt, 0.0), 7500, "{attempt}");
        assert_eq!(delay_ms(attempt, 0.25), 8750, "{attempt}");
        assert_eq!(delay_ms(attempt, 0.9), MAX_DELAY_MS, "{attempt}");
    }
}

#[test]
fn a_final_summary_resolves_at_once() {
    let s = step(0, 0.0, answered(200, VERIFIED), false);
    assert_eq!(s.next, Next::Resolve);
    let summary = s.summary.unwrap();
    assert!(summary.final_);
    assert_eq!(summary.text, VERIFIED);
}

#[test]
fn a_pending_summary_waits_and_is_handed_on() {
    let s = step(2, 5_000.0, answered(200, PENDING), false);
    assert_eq!(s.next, Next::Wait(delay_ms(2, 0.5)));
    assert!(!s.summary.unwrap().final_);
}

#[test]
fn when_time_is_up_the_last_summary_is_the_answer_never_an_error() {
    // A pending summary near the end: resolve with it.
    let s = step(9, 89_000.0, answered(200, PENDING), false);
    assert_eq!(s.next, Next::Resolve);
    assert!(s.summary.is_some());
    // A failure near the end after an earlier summary: resolve (with that earlier one).
    for read in [Read::NetworkError, answered(502, ""), answered(503, "")] {
        let s = step(9, 89_000.0, read, true);
        assert_eq!(s.next, Next::Resolve, "{read:?}");
        assert!(s.summary.is_none());
    }
    // No summary ever: the failure that kept it away.
    assert_eq!(
        step(9, 89_000.0, Read::NetworkError, false).next,
        Next::Fail(Error::NetworkError)
    );
    assert_eq!(
        step(9, 89_000.0, answered(502, ""), false).next,
        Next::Fail(Error::UpstreamError { status: 502 })
    );
    // timeoutMs 0: one read, whatever it brings.
    let s = next_read(0, 0.0, answered(200, PENDING), 0, false, 0.0, 0.5);
    assert_eq!(s.next, Next::Resolve);
}

#[test]
fn retry_after_is_honoured_on_429_and_503() {
    for status in [429, 503] {
        let read = Read::Answered {
            status,
            retry_after: Some("7"),
            body: "",
        };
        assert_eq!(step(0, 0.0, read, true).next, Next::Wait(7_000), "{status}");
        // Asking past the time limit ends the loop: the last summary, or the refusal.
        let read = Read::Answered {
            status,
            retry_after: Some("120"),
            body: "",
        };
        assert_eq!(step(0, 0.0, read, true).next, Next::Resolve);
        let expected = if status == 429 {
            Error::RateLimited {
                retry_after_ms: Some(120_000),
            }
        } else {
            Error::UpstreamError { status: 503 }
        };
        assert_eq!(step(0, 0.0, read, false).next, Next::Fail(expected));
    }
    // An HTTP date.
    let read = Read::Answered {
        status: 429,
        retry_after: Some("Thu, 01 Jan 1970 00:00:05 GMT"),
        body: "",
    };
    assert_eq!(
        next_read(0, 0.0, read, DEFAULT_TIMEOUT_MS, false, 1_000.0, 0.5).next,
        Next::Wait(4_000)
    );
    // Without Retry-After: the schedule.
    assert_eq!(
        step(3, 0.0, answered(429, ""), false).next,
        Next::Wait(delay_ms(3, 0.5))
    );
}

#[test]
fn server_errors_and_lost_connections_are_retried() {
    for read in [
        Read::NetworkError,
        answered(500, ""),
        answered(502, "<html>"),
        answered(504, ""),
    ] {
        assert_eq!(
            step(1, 1_000.0, read, false).next,
            Next::Wait(delay_ms(1, 0.5)),
            "{read:?}"
        );
    }
}

#[test]
fn refusals_are_errors_at_once() {
    let cases = [
        (404, Error::SessionNotFound),
        (400, Error::InvalidSessionId),
        (401, Error::Unauthorized),
        (403, Error::OriginNotAllowed),
        (302, Error::InvalidResponse { status: 302 }),
        (418, Error::InvalidResponse { status: 418 }),
    ];
    for (status, error) in cases {
        assert_eq!(
            step(0, 0.0, answered(status, "{}"), true).next,
            Next::Fail(error),
            "{status}"
        );
    }
    assert_eq!(
        step(0, 0.0, Read::Aborted, true).next,
        Next::Fail(Error::Aborted)
    );
}

#[test]
fn a_summary_is_checked_member_by_member() {
    assert!(check_summary(PENDING).is_some());
    let with_reason = r#"{"provider":"verifa","id":"s1","status":"failed","final":true,"reason":"face_mismatch","raw":{}}"#;
    assert!(check_summary(with_reason).is_some());
    let bad = [
        "",
        "not json",
        "[]",
        r#"{"provider":"acme","id":"abc","status":"pending","final":false,"raw":{}}"#,
        r#"{"provider":"deepidv","id":"a/b","status":"pending","final":false,"raw":{}}"#,
        r#"{"provider":"deepidv","id":"abc","status":"Pending","final":false,"raw":{}}"#,
        r#"{"provider":"deepidv","id":"abc","status":"pending","final":"false","raw":{}}"#,
        r#"{"provider":"deepidv","id":"abc","status":"pending","raw":{}}"#,
        r#"{"provider":"deepidv","id":"abc","status":"pending","final":false}"#,
        r#"{"provider":"deepidv","id":"abc","status":"pending","final":false,"reason":5,"raw":{}}"#,
    ];
    for body in bad {
        assert!(check_summary(body).is_none(), "{body}");
        assert_eq!(
            step(0, 0.0, answered(200, body), false).next,
            Next::Fail(Error::InvalidResponse { status: 200 }),
            "{body}"
        );
    }
    let huge = format!(
        r#"{{"provider":"deepidv","id":"abc","status":"pending","final":false,"raw":"{}"}}"#,
        "x".repeat(1024 * 1024)
    );
    assert!(check_summary(&huge).is_none());
}
