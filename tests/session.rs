//! createSession's rules on the native core: the request, the retry policy, the answer.
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::json::Json as CoreJson;
use idv_handoff::provider::Provider;
use idv_handoff::session::{
    http_date_ms, is_e164, is_idempotency_key, is_plausible_email, next_step,
    normalize_session_request, retry_after_ms, session_from_json, uuid_v4, Attempt, RetryPolicy,
    Step, Value,
};
use idv_handoff::Error;
use serde_json::{json, Value as Json};

use Value::{Absent, Bool, Other, Str};

fn valid() -> Vec<(&'static str, Value<'static>)> {
    vec![
        ("first_name", Str("John")),
        ("last_name", Str("Doe")),
        ("email", Str("john.doe@example.com")),
        ("phone", Str("+15192223333")),
    ]
}

fn body(fields: &[(&str, Value)]) -> Result<Json, Error> {
    normalize_session_request(fields, false).map(|b| serde_json::from_str(&b).unwrap())
}

#[test]
fn the_documented_example_becomes_the_documented_body() {
    let mut fields = valid();
    fields.extend([
        ("external_id", Str("user-12345")),
        ("workflow_id", Str("wf_abc123")),
    ]);
    assert_eq!(
        body(&fields).unwrap(),
        json!({"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com",
               "phone": "+15192223333", "external_id": "user-12345", "workflow_id": "wf_abc123"})
    );
}

#[test]
fn camel_case_is_accepted_and_wins_over_snake_case() {
    let fields = [
        ("firstName", Str("Jane")),
        ("first_name", Str("Ignored")),
        ("lastName", Str("Doe")),
        ("email", Str("jane@example.com")),
        ("phone", Str("+15551234567")),
        (
            "redirectUrl",
            Str("https://YourApp.com/verification-complete"),
        ),
        ("externalId", Str("user_abc123")),
        ("sendEmailInvite", Bool(true)),
        ("send_phone_invite", Bool(false)),
        ("workflowId", Str("wf_standard_kyc")),
    ];
    assert_eq!(
        body(&fields).unwrap(),
        json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+15551234567",
               "external_id": "user_abc123", "send_email_invite": true, "send_phone_invite": false,
               "workflow_id": "wf_standard_kyc", "redirect_url": "https://yourapp.com/verification-complete"})
    );
}

#[test]
fn absent_camel_case_falls_back_to_snake_case() {
    let mut fields = valid();
    fields.push(("externalId", Absent));
    fields.push(("external_id", Str("x-1")));
    assert_eq!(body(&fields).unwrap()["external_id"], "x-1");
}

#[test]
fn unknown_fields_are_refused_with_their_position() {
    for (extra, index) in [
        ("apiKey", 4),
        ("api_key", 4),
        ("x-api-key", 4),
        ("FirstName", 4),
        ("", 4),
    ] {
        let mut fields = valid();
        fields.push((extra, Str("secret")));
        assert_eq!(body(&fields), Err(Error::UnknownField { index }), "{extra}");
    }
}

#[test]
fn each_field_rule_names_its_field() {
    let long = "x".repeat(257);
    let long_email = format!("{}@example.com", "a".repeat(250));
    let cases: Vec<(&str, Value, &str)> = vec![
        ("first_name", Absent, "first_name"),
        ("first_name", Str(""), "first_name"),
        ("first_name", Str("   "), "first_name"),
        ("first_name", Str("Jo\nhn"), "first_name"),
        ("first_name", Str(&long), "first_name"),
        ("first_name", Other, "first_name"),
        ("last_name", Bool(true), "last_name"),
        ("email", Str("john"), "email"),
        ("email", Str("john@"), "email"),
        ("email", Str("@example.com"), "email"),
        ("email", Str("john@example"), "email"),
        ("email", Str("john@@example.com"), "email"),
        ("email", Str("jo hn@example.com"), "email"),
        ("email", Str("john@exa mple.com"), "email"),
        ("email", Str("john@-example.com"), "email"),
        ("email", Str("john@example..com"), "email"),
        ("email", Str(&long_email), "email"),
        ("phone", Str("15192223333"), "phone"),
        ("phone", Str("+05192223333"), "phone"),
        ("phone", Str("+1 519 222 3333"), "phone"),
        ("phone", Str("+1-519-222-3333"), "phone"),
        ("phone", Str("+1234567890123456"), "phone"),
        ("phone", Str("+1"), "phone"),
        ("phone", Str("+１５１９２２２３３３３"), "phone"),
        ("phone", Absent, "phone"),
        ("external_id", Str(""), "external_id"),
        ("external_id", Other, "external_id"),
        ("workflow_id", Str(" "), "workflow_id"),
        ("send_email_invite", Str("true"), "send_email_invite"),
        ("send_phone_invite", Other, "send_phone_invite"),
        (
            "redirect_url",
            Str("http://yourapp.com/done"),
            "redirect_url",
        ),
        (
            "redirect_url",
            Str("https://user@yourapp.com/"),
            "redirect_url",
        ),
        ("redirect_url", Str("javascript:alert(1)"), "redirect_url"),
        ("redirect_url", Str("/done"), "redirect_url"),
        ("redirect_url", Bool(true), "redirect_url"),
    ];
    for (name, value, field) in cases {
        let mut fields: Vec<_> = valid().into_iter().filter(|(n, _)| *n != name).collect();
        fields.push((name, value));
        assert_eq!(
            body(&fields),
            Err(Error::InvalidRequest { field }),
            "{name} = {value:?}"
        );
    }
}

#[test]
fn plausible_emails_and_strict_e164_accept_the_documented_examples() {
    for email in [
        "john.doe@example.com",
        "jane@example.com",
        "a+tag@sub.example.co.uk",
        "ü@bücher.de",
    ] {
        assert!(is_plausible_email(email), "{email}");
    }
    for phone in [
        "+15192223333",
        "+15551234567",
        "+14155552671",
        "+442071838750",
        "+123456789012345",
    ] {
        assert!(is_e164(phone), "{phone}");
    }
}

#[test]
fn a_localhost_redirect_passes_only_when_allowed() {
    let mut fields = valid();
    fields.push(("redirect_url", Str("http://127.0.0.1:8787/idv/return")));
    assert_eq!(
        normalize_session_request(&fields, false),
        Err(Error::InvalidRequest {
            field: "redirect_url"
        })
    );
    let body: Json =
        serde_json::from_str(&normalize_session_request(&fields, true).unwrap()).unwrap();
    assert_eq!(body["redirect_url"], "http://127.0.0.1:8787/idv/return");
}

#[test]
fn strings_are_escaped_in_the_json_body() {
    let mut fields = valid();
    fields[0] = ("first_name", Str("Jo\"hn\\ \u{e9}"));
    assert_eq!(body(&fields).unwrap()["first_name"], "Jo\"hn\\ \u{e9}");
}

/// deepidv's policy: a provider that documents no idempotency.
const POLICY: RetryPolicy = RetryPolicy {
    max_retries: 2,
    max_delay_ms: 10_000,
    provider: Provider::Deepidv,
};
/// Verifa's: "Idempotency-Key … Cached for 24 hours" (004).
const IDEMPOTENT: RetryPolicy = RetryPolicy {
    provider: Provider::Verifa,
    ..POLICY
};
const NOW: f64 = 1_700_000_000_000.0;

fn answered(status: u16) -> Attempt<'static> {
    answered_with(status, false, None)
}

fn answered_with(status: u16, deduplicated: bool, code: Option<&'static str>) -> Attempt<'static> {
    Attempt::Answered {
        status,
        retry_after: None,
        rate_limit_reset: None,
        deduplicated,
        code,
    }
}

/// `next_step` for a proxy that has not said it deduplicates.
fn step(attempt: u32, outcome: Attempt, policy: RetryPolicy) -> Step {
    next_step(attempt, outcome, policy, false, NOW, 0.5)
}

#[test]
fn documented_errors_are_final_and_mapped_per_provider() {
    let bad = |status| Error::BadRequest {
        field: None,
        status,
    };
    let upstream = |status| Error::UpstreamError { status };
    // [status, deepidv (000), Didit (003 documents no error), Verifa (004)]
    let cases = [
        (200, Step::Accept, Step::Accept, Step::Accept),
        (201, Step::Accept, Step::Accept, Step::Accept),
        (
            302,
            Step::Fail(Error::InvalidResponse { status: 302 }),
            Step::Fail(Error::InvalidResponse { status: 302 }),
            Step::Fail(Error::InvalidResponse { status: 302 }),
        ),
        (
            400,
            Step::Fail(bad(400)),
            Step::Fail(bad(400)),
            Step::Fail(bad(400)),
        ),
        (
            401,
            Step::Fail(Error::Unauthorized),
            Step::Fail(Error::Unauthorized),
            Step::Fail(Error::Unauthorized),
        ),
        (
            402,
            Step::Fail(Error::PaymentRequired),
            Step::Fail(Error::PaymentRequired),
            Step::Fail(Error::PaymentRequired),
        ),
        // "404 Not Found: Workflow ID not found" is deepidv's (000); elsewhere it means nothing more.
        (
            404,
            Step::Fail(Error::WorkflowNotFound),
            Step::Fail(upstream(404)),
            Step::Fail(upstream(404)),
        ),
        // Verifa's 422 is its generic "Unprocessable Entity Error" (004).
        (
            422,
            Step::Fail(upstream(422)),
            Step::Fail(upstream(422)),
            Step::Fail(bad(422)),
        ),
        (
            403,
            Step::Fail(upstream(403)),
            Step::Fail(upstream(403)),
            Step::Fail(upstream(403)),
        ),
    ];
    for (status, deepidv, didit, verifa) in cases {
        for (provider, expected) in [
            (Provider::Deepidv, deepidv),
            (Provider::Didit, didit),
            (Provider::Verifa, verifa),
        ] {
            let policy = RetryPolicy { provider, ..POLICY };
            assert_eq!(
                step(0, answered(status), policy),
                expected,
                "{status} {provider:?}"
            );
        }
    }
    // The server half's own `code` says what a 422 is, whoever the provider.
    for provider in Provider::ALL {
        let policy = RetryPolicy {
            provider: *provider,
            ..POLICY
        };
        assert_eq!(
            step(
                0,
                answered_with(422, true, Some("idempotency_conflict")),
                policy
            ),
            Step::Fail(Error::IdempotencyConflict)
        );
    }
    assert_eq!(
        step(0, Attempt::Aborted, POLICY),
        Step::Fail(Error::Aborted)
    );
}

/// A create that may have reached the provider (a 5xx, a 409, a timeout, a lost connection) is
/// sent again only where a second one cannot make a second session: deepidv and Didit document
/// no idempotency ("Creates a new identity verification session and optionally sends email and
/// SMS invitations", 000), so only when the proxy said it deduplicates; Verifa does (004).
#[test]
fn creates_that_may_have_been_made_are_resent_only_when_idempotent() {
    let cases = [
        (answered(500), Error::UpstreamError { status: 500 }),
        (answered(503), Error::UpstreamError { status: 503 }),
        (answered(409), Error::UpstreamError { status: 409 }),
        (Attempt::NetworkError, Error::NetworkError),
        (Attempt::TimedOut, Error::Timeout),
    ];
    for (outcome, error) in cases {
        // deepidv and Didit behind a proxy that has said nothing: never re-sent.
        for provider in [Provider::Deepidv, Provider::Didit] {
            let policy = RetryPolicy { provider, ..POLICY };
            assert_eq!(
                step(0, outcome, policy),
                Step::Fail(error),
                "{outcome:?} {provider:?}"
            );
        }
        // Verifa, or a proxy that said it deduplicates: retried, then reported.
        for (policy, deduplicated) in [(IDEMPOTENT, false), (POLICY, true)] {
            for attempt in 0..2 {
                assert!(
                    matches!(
                        next_step(attempt, outcome, policy, deduplicated, NOW, 0.5),
                        Step::Retry { .. }
                    ),
                    "{outcome:?} {policy:?}"
                );
            }
            assert_eq!(
                next_step(2, outcome, policy, deduplicated, NOW, 0.5),
                Step::Fail(error),
                "{outcome:?}"
            );
        }
    }
    // A 429 made no session: retried for every provider.
    for provider in Provider::ALL {
        let policy = RetryPolicy {
            provider: *provider,
            ..POLICY
        };
        assert!(matches!(step(0, answered(429), policy), Step::Retry { .. }));
        assert_eq!(
            step(2, answered(429), policy),
            Step::Fail(Error::RateLimited {
                retry_after_ms: None
            })
        );
    }
    let none = RetryPolicy {
        max_retries: 0,
        ..IDEMPOTENT
    };
    assert_eq!(
        step(0, answered(500), none),
        Step::Fail(Error::UpstreamError { status: 500 })
    );
}

#[test]
fn backoff_is_exponential_with_full_jitter() {
    for attempt in 0..2 {
        let ceiling = 250u32 << attempt;
        let at = |random| next_step(attempt, answered(503), IDEMPOTENT, false, NOW, random);
        assert_eq!(at(0.0), Step::Retry { delay_ms: 0 });
        let Step::Retry { delay_ms } = at(0.999_999) else {
            panic!()
        };
        assert!(
            delay_ms < ceiling && delay_ms >= ceiling - 1,
            "{attempt}: {delay_ms}"
        );
        assert_eq!(
            at(0.5),
            Step::Retry {
                delay_ms: ceiling / 2
            }
        );
    }
    let long = RetryPolicy {
        max_retries: 30,
        max_delay_ms: 5_000,
        provider: Provider::Verifa,
    };
    assert_eq!(
        step(25, Attempt::NetworkError, long),
        Step::Retry { delay_ms: 2_500 }
    );
}

#[test]
fn rate_limits_wait_as_the_server_asks_within_the_cap() {
    let with = |retry_after, rate_limit_reset| Attempt::Answered {
        status: 429,
        retry_after,
        rate_limit_reset,
        deduplicated: false,
        code: None,
    };
    assert_eq!(
        step(0, with(Some("2"), None), POLICY),
        Step::Retry { delay_ms: 2_000 }
    );
    assert_eq!(
        step(0, with(Some(" 0 "), None), POLICY),
        Step::Retry { delay_ms: 0 }
    );
    let date = "Tue, 14 Nov 2023 22:13:23 GMT"; // NOW + 3 s
    assert_eq!(
        step(0, with(Some(date), None), POLICY),
        Step::Retry { delay_ms: 3_000 }
    );
    // X-RateLimit-Reset is used when Retry-After is absent or unreadable.
    assert_eq!(
        step(0, with(None, Some("1700000004")), POLICY),
        Step::Retry { delay_ms: 4_000 }
    );
    assert_eq!(
        step(0, with(Some("soon"), Some("1700000004")), POLICY),
        Step::Retry { delay_ms: 4_000 }
    );
    // A reset in the past means no wait.
    assert_eq!(
        step(0, with(None, Some("1600000000")), POLICY),
        Step::Retry { delay_ms: 0 }
    );
    // Past the cap, or on the last attempt, the caller gets rate_limited with the wait.
    assert_eq!(
        step(0, with(Some("60"), None), POLICY),
        Step::Fail(Error::RateLimited {
            retry_after_ms: Some(60_000)
        })
    );
    assert_eq!(
        step(2, with(Some("2"), None), POLICY),
        Step::Fail(Error::RateLimited {
            retry_after_ms: Some(2_000)
        })
    );
}

#[test]
fn http_dates_parse_as_imf_fixdate() {
    assert_eq!(
        http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000.0)
    );
    assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
    assert_eq!(
        http_date_ms("Tue, 29 Feb 2028 12:00:00 GMT"),
        Some(1_835_438_400_000.0)
    );
    for bad in [
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "06 Nov 1994",
        "",
        "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 01994 08:49:37 GMT",
        // IMF-fixdate: a day name, a 2-digit day, a real date.
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 31 Feb 2026 08:49:37 GMT",
        // Twelve digits once overflowed the day arithmetic (a panic in debug builds).
        "Sun, 31 Jan 999999999999 23:59:59 GMT",
    ] {
        assert_eq!(http_date_ms(bad), None, "{bad}");
    }
    assert_eq!(
        retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", NOW),
        Some(0)
    );
}

fn read_answer(provider: Provider, text: &str) -> Result<idv_handoff::session::Session, Error> {
    session_from_json(provider, &CoreJson::parse(text).unwrap(), 200, false)
}

#[test]
fn the_answer_gives_the_session_in_either_spelling() {
    // deepidv: `idv_id`, `session_url`, `externalId` (000); `id`, `sessionUrl` (001, 002).
    for text in [
        r#"{"idv_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "session_url": "https://app.deepidv.com", "externalId": "user-12345", "links": []}"#,
        r#"{"id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "sessionUrl": "https://app.deepidv.com", "external_id": "user-12345"}"#,
    ] {
        let session = read_answer(Provider::Deepidv, text).unwrap();
        assert_eq!(session.id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
        assert_eq!(session.session_url, "https://app.deepidv.com/");
        assert_eq!(session.external_id.as_deref(), Some("user-12345"));
    }
}

#[test]
fn an_answer_without_an_id_or_an_https_url_is_invalid() {
    let invalid = Err(Error::InvalidResponse { status: 200 });
    for text in [
        r#"{"session_url": "https://app.deepidv.com/s/1"}"#,
        r#"{"id": "", "session_url": "https://app.deepidv.com/s/1"}"#,
        r#"{"id": "<script>", "session_url": "https://app.deepidv.com/s/1"}"#,
        r#"{"id": "s1"}"#,
        r#"{"id": "s1", "session_url": "http://app.deepidv.com/s/1"}"#,
        r#"{"id": "s1", "session_url": "javascript:alert(1)"}"#,
        r#"{"id": "s1", "session_url": "/s/1"}"#,
        r#"{"id": "s1", "session_url": "https://user:pw@app.deepidv.com/s/1"}"#,
        r#"{"id": 1, "session_url": "https://app.deepidv.com/s/1"}"#,
        r#"{"id": "s1", "session_url": "https://app.deepidv.com/s/1", "externalId": "  "}"#,
        r#"{"id": "s1", "session_url": "https://app.deepidv.com/s/1", "links": {}}"#,
        r#"["s1"]"#,
    ] {
        assert_eq!(read_answer(Provider::Deepidv, text), invalid, "{text}");
    }
}

#[test]
fn idempotency_keys() {
    let key = uuid_v4([0xff; 16]);
    assert_eq!(key, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    assert!(is_idempotency_key(&key));
    assert!(is_idempotency_key(&"k".repeat(255)));
    for bad in ["", "has space", "tab\t", "é", &"k".repeat(256)] {
        assert!(!is_idempotency_key(bad), "{bad:?}");
    }
}
