//! The provider documents, line by line, on the native core: one table-driven test per provider.
//! Each row cites the line of the document it checks ("003:254": shared/seeds/003_*, line 254,
//! 1-based) with a quote of that line, and a check that exercises the public API and asserts
//! what the line says the behaviour is. Before the checks run, every quote is looked for on its
//! line (in `tests/data/seeds/`, this repository's copy of the documents, which
//! `the_documents_here_are_the_shared_ones` holds to `../shared/seeds` where that is on the
//! machine), so a row cannot drift from the line it claims.
//!
//! Where the documents contradict themselves or each other, or say less than the package has to
//! decide, the row checks the behaviour the package chose and says so in a comment ("CHOICE").
#![cfg(not(target_arch = "wasm32"))]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

mod common;
use common::{didit_example, seed_lines, seeds_dir};

use idv_handoff::callback::{parse_callback, Callback, CallbackOptions, ParamNames};
use idv_handoff::error::Error;
use idv_handoff::handoff::{
    build_handoff_url, build_return_url, check_not_expired, encode_state, HandoffOptions,
};
use idv_handoff::json::Json;
use idv_handoff::provider::{status_of, CallbackStatus as S, Provider, Reason, Source, STATUSES};
use idv_handoff::server::{
    config, create_request, keeps_answer, session_request, start, summary, ConfigOptions,
    ServerConfig, IDEMPOTENCY_TTL_SECONDS,
};
use idv_handoff::session::{
    answer_error, is_date, is_idempotency_key, next_step, normalize_request, session_from_json,
    Attempt, RequestOptions, RetryPolicy, Session, Step,
};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// The table and its runner

/// A row: the line it checks, a quote of that line, and the check.
struct Row {
    reference: &'static str,
    quote: &'static str,
    check: fn(),
}

fn row(reference: &'static str, quote: &'static str, check: fn()) -> Row {
    Row {
        reference,
        quote,
        check,
    }
}

/// Checks every row's quote against its line, then runs every check; reports all failures at once.
fn run_table(provider: &str, files: &[&str], rows: Vec<Row>) {
    let mut failures = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let seeds: Vec<(&str, Vec<String>)> = files.iter().map(|&f| (f, seed_lines(f))).collect();
    for r in &rows {
        if !seen.insert((r.reference, r.quote)) {
            failures.push(format!("{} {:?}: the same row twice", r.reference, r.quote));
        }
        let parsed = r
            .reference
            .split_once(':')
            .filter(|(file, _)| file.len() == 3)
            .and_then(|(file, line)| Some((file, line.parse::<usize>().ok()?)));
        let Some((file, line)) = parsed else {
            failures.push(format!("malformed reference {}", r.reference));
            continue;
        };
        let Some((_, lines)) = seeds.iter().find(|(f, _)| *f == file) else {
            failures.push(format!(
                "{}: not one of {provider}'s documents",
                r.reference
            ));
            continue;
        };
        let text = line.checked_sub(1).and_then(|i| lines.get(i));
        if !text.is_some_and(|t| t.contains(r.quote)) {
            failures.push(format!(
                "{} is {:?}, without {:?}",
                r.reference, text, r.quote
            ));
        }
        // A quote found on other lines too pins its row less: said, so it can be seen.
        let elsewhere: Vec<usize> = (1..=lines.len())
            .filter(|&n| n != line && lines[n - 1].contains(r.quote))
            .collect();
        if !elsewhere.is_empty() {
            println!(
                "note: {} {:?} is also on lines {elsewhere:?} of {file}",
                r.reference, r.quote
            );
        }
    }
    for r in &rows {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(r.check)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{} {:?}: {message}", r.reference, r.quote));
        }
    }
    println!("{provider}: {} rows", rows.len());
    assert!(
        failures.is_empty(),
        "{provider}: {} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers over the public API

fn core_json(value: &Value) -> Json {
    Json::parse(&value.to_string()).expect("the test's own JSON parses")
}

/// The body the core would send, or every problem.
fn normalize(provider: Provider, request: Value) -> Result<Value, Vec<Error>> {
    normalize_with(provider, request, &[])
}

fn normalize_with(
    provider: Provider,
    request: Value,
    app_schemes: &[String],
) -> Result<Value, Vec<Error>> {
    let options = RequestOptions {
        app_schemes,
        ..RequestOptions::default()
    };
    normalize_request(provider, &core_json(&request), &options)
        .map(|body| serde_json::from_str(&body).expect("the core writes JSON"))
}

/// The first problem of a refused request.
fn refused(provider: Provider, request: Value) -> Error {
    match normalize(provider, request.clone()) {
        Ok(body) => panic!("{request} was accepted as {body}"),
        Err(problems) => problems[0],
    }
}

fn invalid(field: &'static str) -> Error {
    Error::InvalidRequest { field }
}

/// `request` with `name` set to `value` (or removed, for `Value::Null`).
fn with(mut request: Value, name: &str, value: Value) -> Value {
    let object = request.as_object_mut().unwrap();
    if value.is_null() {
        object.remove(name);
    } else {
        object.insert(name.to_string(), value);
    }
    request
}

fn answer(provider: Provider, body: Value) -> Result<Session, Error> {
    session_from_json(provider, &core_json(&body), 200, false)
}

fn callback(input: &str) -> Result<Callback, Error> {
    parse_callback(input, &CallbackOptions::default())
}

fn callback_as(provider: Provider, input: &str) -> Result<Callback, Error> {
    parse_callback(
        input,
        &CallbackOptions {
            provider: Some(provider),
            ..CallbackOptions::default()
        },
    )
}

const RETURN: &str = "https://yourapp.com/idv/return";
const VERIFA_API: &str = "https://api.verifa.example";

fn config_options(provider: Provider, return_urls: &[String]) -> ConfigOptions<'_> {
    ConfigOptions {
        provider_url: (provider == Provider::Verifa).then_some(VERIFA_API),
        ..ConfigOptions::new(provider, return_urls)
    }
}

fn server(provider: Provider) -> ServerConfig {
    config(&config_options(provider, &[RETURN.to_string()])).expect("the configuration")
}

/// The server half's summary of a provider's answer to a session read: (status, final).
fn summarised(provider: Provider, answer: Value) -> Option<(String, bool)> {
    summary(&server(provider), &core_json(&answer)).map(|s| (s.status, s.final_))
}

/// The status route's verdict and the callback's, for one of Didit's session statuses.
fn didit_status(word: &str, name: &str, status: S, final_: bool) {
    assert_eq!(
        summarised(Provider::Didit, json!({ "status": word })),
        Some((name.to_string(), final_)),
        "the summary of {word:?}"
    );
    let query = format!(
        "verificationSessionId=11111111-2222-3333-4444-555555555555&status={}",
        word.replace(' ', "%20")
    );
    let cb = callback(&query).unwrap();
    assert_eq!(
        (cb.provider, cb.status, cb.raw_status.as_str()),
        (Provider::Didit, status, word)
    );
    assert_eq!(cb.status_name(), name);
}

fn answered(status: u16) -> Attempt<'static> {
    Attempt::Answered {
        status,
        retry_after: None,
        rate_limit_reset: None,
        deduplicated: false,
        code: None,
    }
}

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

/// What follows attempt `attempt` (of 3: two retries) for `provider`.
fn step(provider: Provider, attempt: u32, outcome: Attempt, deduplicated: bool) -> Step {
    next_step(
        attempt,
        outcome,
        RetryPolicy::for_provider(provider),
        deduplicated,
        NOW_MS,
        0.5,
    )
}

/// A create that may have reached the provider (5xx, timeout, lost connection) is re-sent only
/// when that cannot make a second session: the provider documents idempotency, or the proxy
/// said it deduplicates.
fn resent_when_possibly_created(provider: Provider, deduplicated: bool) -> bool {
    let outcomes = [
        answered(500),
        answered(503),
        Attempt::TimedOut,
        Attempt::NetworkError,
    ];
    let resent: Vec<bool> = outcomes
        .iter()
        .map(|&o| matches!(step(provider, 0, o, deduplicated), Step::Retry { .. }))
        .collect();
    assert!(
        resent.iter().all(|&r| r == resent[0]),
        "{provider:?}: {resent:?}"
    );
    resent[0]
}

/// A query value, percent-encoded.
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn is_retry(s: Step) -> bool {
    matches!(s, Step::Retry { .. })
}

// ---------------------------------------------------------------------------------------------
// deepidv (000: REST Create Session; 001: the same, with redirect_url and the return; 002: the
// hosted-session guide)

fn deepidv_person() -> Value {
    json!({"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "phone": "+15192223333"})
}

fn deepidv_answer() -> Value {
    // The example answer of 000 (lines 11-16 and 73-78).
    json!({"idv_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "session_url": "https://app.deepidv.com", "externalId": "user-12345", "links": []})
}

#[rustfmt::skip]
fn deepidv_rows() -> Vec<Row> {
    use Provider::Deepidv as D;
    vec![
        row("000:10", "--url https://api.deepidv.com/v1/sessions", || {
            let api = D.api();
            assert_eq!(api.base_url, Some(("https://api.deepidv.com", Source::Documented("000"))));
            assert_eq!(api.create_path, ("/v1/sessions", Source::Documented("000")));
            let create = create_request(&server(D), &deepidv_person().to_string(), None).unwrap();
            assert_eq!(create.url, "https://api.deepidv.com/v1/sessions");
        }),
        row("000:25", "x-api-keyYesYour API key", || {
            assert_eq!(D.api().key_header, "x-api-key");
            // The key goes in its header, never in the body: a request carrying it is refused.
            let request = with(deepidv_person(), "x-api-key", json!("sk_live_123"));
            assert!(matches!(refused(D, request), Error::UnknownField { .. }));
        }),
        row("000:30", "Both camelCase and snake_case parameter names are accepted", || {
            let camel = json!({"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "phone": "+15551234567",
                "externalId": "user_abc123", "sendEmailInvite": true, "sendPhoneInvite": false, "workflowId": "wf_standard_kyc",
                "redirectUrl": "https://yourapp.com/verification-complete"});
            assert_eq!(
                normalize(D, camel).unwrap(),
                json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+15551234567",
                    "external_id": "user_abc123", "send_email_invite": true, "send_phone_invite": false,
                    "workflow_id": "wf_standard_kyc", "redirect_url": "https://yourapp.com/verification-complete"})
            );
        }),
        row("000:30", "the camelCase value takes priority", || {
            let both = with(deepidv_person(), "firstName", json!("Jane"));
            let both = with(both, "externalId", json!("camel"));
            let both = with(both, "external_id", json!("snake"));
            let body = normalize(D, both).unwrap();
            assert_eq!((body["first_name"].as_str(), body["external_id"].as_str()), (Some("Jane"), Some("camel")));
        }),
        row("000:32", "first_namefirstNamestringYes", || {
            assert_eq!(refused(D, with(deepidv_person(), "first_name", Value::Null)), invalid("first_name"));
            assert_eq!(refused(D, with(deepidv_person(), "first_name", json!(7))), invalid("first_name"));
            assert_eq!(refused(D, with(deepidv_person(), "first_name", json!("  "))), invalid("first_name"));
        }),
        row("000:33", "last_namelastNamestringYes", || {
            assert_eq!(refused(D, with(deepidv_person(), "last_name", Value::Null)), invalid("last_name"));
            assert_eq!(refused(D, with(deepidv_person(), "lastName", json!(false))), invalid("last_name"));
        }),
        row("000:34", "emailstringYes", || {
            assert_eq!(refused(D, with(deepidv_person(), "email", Value::Null)), invalid("email"));
            for bad in ["john", "john@", "@example.com", "john@example"] {
                assert_eq!(refused(D, with(deepidv_person(), "email", json!(bad))), invalid("email"), "{bad}");
            }
        }),
        row("000:35", "phone number in E.164 format (e.g. +15192223333)", || {
            assert_eq!(normalize(D, deepidv_person()).unwrap()["phone"], "+15192223333");
            for bad in ["15192223333", "+1 519 222 3333", "+1-519-222-3333", "+05192223333", "+1234567890123456"] {
                assert_eq!(refused(D, with(deepidv_person(), "phone", json!(bad))), invalid("phone"), "{bad}");
            }
            assert_eq!(refused(D, with(deepidv_person(), "phone", Value::Null)), invalid("phone"));
        }),
        row("000:36", "external_idexternalIdstringNo", || {
            let body = normalize(D, deepidv_person()).unwrap();
            assert!(body.get("external_id").is_none(), "{body}");
            assert_eq!(refused(D, with(deepidv_person(), "external_id", json!(12345))), invalid("external_id"));
        }),
        row("000:37", "sendEmailInvitebooleanNoSend an email invitation to the applicant. Defaults to true", || {
            // Absent stays absent: the provider's own default (true) applies.
            assert!(normalize(D, deepidv_person()).unwrap().get("send_email_invite").is_none());
            let off = with(deepidv_person(), "send_email_invite", json!(false));
            assert_eq!(normalize(D, off).unwrap()["send_email_invite"], false);
            assert_eq!(refused(D, with(deepidv_person(), "sendEmailInvite", json!("true"))), invalid("send_email_invite"));
        }),
        row("000:38", "sendPhoneInvitebooleanNoSend an SMS invitation to the applicant. Defaults to true", || {
            assert!(normalize(D, deepidv_person()).unwrap().get("send_phone_invite").is_none());
            let off = with(deepidv_person(), "sendPhoneInvite", json!(false));
            assert_eq!(normalize(D, off).unwrap()["send_phone_invite"], false);
            assert_eq!(refused(D, with(deepidv_person(), "send_phone_invite", json!(1))), invalid("send_phone_invite"));
        }),
        row("000:39", "If omitted, runs as a standalone verification", || {
            let body = normalize(D, deepidv_person()).unwrap();
            assert!(body.get("workflow_id").is_none(), "{body}");
            assert_eq!(refused(D, with(deepidv_person(), "workflow_id", json!(""))), invalid("workflow_id"));
        }),
        row("000:52", "\"workflow_id\": \"wf_abc123\"", || {
            // The example request (lines 46-53) is sent as it is: a workflow id need not be a
            // UUID for deepidv (Didit's must: 003:102).
            let example = json!({"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com",
                "phone": "+15192223333", "external_id": "user-12345", "workflow_id": "wf_abc123"});
            assert_eq!(normalize(D, example.clone()).unwrap(), example);
        }),
        row("000:13", "\"session_url\": \"https://app.deepidv.com\",", || {
            // The hosted pages the server half's start route may send people to, by default.
            assert_eq!(server(D).session_hosts, vec!["app.deepidv.com".to_string()]);
            let state = encode_state(&[9u8; 32]);
            let handoff = |host: &str| {
                let inner = format!("{RETURN}?state={state}");
                let hosted = format!("https://{host}/s/abc?redirect_url={}", encode(&inner));
                format!("handoff={}", encode(&hosted))
            };
            assert_eq!(start(&server(D), &handoff("app.deepidv.com")).unwrap().state, state);
            assert_eq!(start(&server(D), &handoff("app.deepidv.com.evil.example")), Err(Error::SessionHostNotAllowed));
        }),
        row("000:60", "idv_idstringUnique identifier for the created session", || {
            let session = answer(D, deepidv_answer()).unwrap();
            assert_eq!(session.id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
            assert_eq!(answer(D, with(deepidv_answer(), "idv_id", Value::Null)), Err(Error::InvalidResponse { status: 200 }));
        }),
        row("000:61", "session_urlstringBase URL where the applicant completes verification", || {
            // CHOICE: 000 calls session_url a "Base URL" (its example is the bare host), the
            // guide the "URL to send the user to" (002:31, 002:38): the package hands off to it
            // as the session's own page.
            assert_eq!(answer(D, deepidv_answer()).unwrap().session_url, "https://app.deepidv.com/");
            for bad in [json!("http://app.deepidv.com"), json!("javascript:alert(1)"), json!(7), Value::Null] {
                let body = with(deepidv_answer(), "session_url", bad.clone());
                assert_eq!(answer(D, body), Err(Error::InvalidResponse { status: 200 }), "{bad}");
            }
        }),
        row("000:62", "externalIdstringYour external ID (only returned if provided in the request)", || {
            assert_eq!(answer(D, deepidv_answer()).unwrap().external_id.as_deref(), Some("user-12345"));
            assert_eq!(answer(D, with(deepidv_answer(), "externalId", Value::Null)).unwrap().external_id, None);
        }),
        row("000:63", "linksarrayAssociated verification links", || {
            let links = json!([{"url": "https://x.example/", "type": "doc"}]);
            assert!(answer(D, with(deepidv_answer(), "links", links)).is_ok());
            for bad in [json!("x"), json!({}), json!(1)] {
                let body = with(deepidv_answer(), "links", bad.clone());
                assert_eq!(answer(D, body), Err(Error::InvalidResponse { status: 200 }), "{bad}");
            }
        }),
        row("000:68", "400 Bad RequestInvalid request body", || {
            let error = answer_error(D, 400, None);
            assert_eq!(error, Error::BadRequest { field: None, status: 400 });
            assert_eq!((error.code(), error.status()), ("invalid_request", Some(400)));
            assert_eq!(step(D, 0, answered(400), true), Step::Fail(error));
        }),
        row("000:69", "401 UnauthorizedMissing or invalid API key", || {
            assert_eq!(answer_error(D, 401, None), Error::Unauthorized);
            assert_eq!((Error::Unauthorized.code(), Error::Unauthorized.status()), ("unauthorized", Some(401)));
            assert_eq!(step(D, 0, answered(401), true), Step::Fail(Error::Unauthorized));
        }),
        row("000:70", "402 Payment RequiredInsufficient token balance", || {
            assert_eq!(answer_error(D, 402, None), Error::PaymentRequired);
            assert_eq!(Error::PaymentRequired.code(), "payment_required");
            assert_eq!(step(D, 0, answered(402), true), Step::Fail(Error::PaymentRequired));
        }),
        row("000:71", "404 Not FoundWorkflow ID not found", || {
            assert_eq!(answer_error(D, 404, None), Error::WorkflowNotFound);
            assert_eq!((Error::WorkflowNotFound.code(), Error::WorkflowNotFound.status()), ("workflow_not_found", Some(404)));
        }),
        row("000:72", "429 Too Many RequestsRate limit exceeded", || {
            let limited = |attempt| {
                let outcome = Attempt::Answered { status: 429, retry_after: Some("2"), rate_limit_reset: None, deduplicated: false, code: None };
                step(D, attempt, outcome, false)
            };
            // Refused before any session was made: waited out and sent again, even for deepidv.
            assert_eq!(limited(0), Step::Retry { delay_ms: 2000 });
            assert_eq!(limited(2), Step::Fail(Error::RateLimited { retry_after_ms: Some(2000) }));
            assert_eq!(Error::RateLimited { retry_after_ms: None }.code(), "rate_limited");
        }),
        row("000:18", "Creates a new identity verification session", || {
            // Every create is a new session (and costs a token, 000:70); deepidv documents no
            // Idempotency-Key (its headers, lines 24-26): a create that may have arrived is not
            // sent again, unless the proxy says it deduplicates.
            assert!(!D.documents_idempotency());
            assert!(!resent_when_possibly_created(D, false));
            assert!(resent_when_possibly_created(D, true));
            assert_eq!(step(D, 0, answered(500), false), Step::Fail(Error::UpstreamError { status: 500 }));
        }),
        row("001:16", "HTTPS URL to redirect the end-user to after the verification session ends. Must be a valid HTTPS URL", || {
            let body = normalize(D, with(deepidv_person(), "redirectUrl", json!("https://YourApp.com:443/done"))).unwrap();
            assert_eq!(body["redirect_url"], "https://yourapp.com/done");
            for bad in ["http://yourapp.com/done", "/done", "https://user@yourapp.com/", "javascript:alert(1)"] {
                assert_eq!(refused(D, with(deepidv_person(), "redirect_url", json!(bad))), invalid("redirect_url"), "{bad}");
            }
        }),
        row("001:19", "id | string | Unique identifier for the created session", || {
            // CHOICE: 000:60 names the id `idv_id`, 001:19 (and the guide, 002:30) `id`: both are
            // read, `idv_id` first when an answer has both.
            let by_id = with(with(deepidv_answer(), "idv_id", Value::Null), "id", json!("s-1"));
            assert_eq!(answer(D, by_id).unwrap().id, "s-1");
            let both = with(deepidv_answer(), "id", json!("s-2"));
            assert_eq!(answer(D, both).unwrap().id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
        }),
        row("001:30", "the returned session_url will include it as an encoded query parameter", || {
            // CHOICE: buildHandoffUrl puts the return URL (with the state) in the hosted URL's
            // `redirect_url` itself, replacing one already there.
            let url = build_handoff_url(
                "https://app.deepidv.com/s/abc?redirect_url=https%3A%2F%2Fold.example%2F&x=1",
                &HandoffOptions { redirect_url: "https://yourapp.com/done", state: Some("st1"), ..HandoffOptions::default() },
            )
            .unwrap();
            let query = url.split_once('?').unwrap().1;
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let redirects: Vec<&str> = pairs.iter().filter(|(n, _)| n == "redirect_url").map(|(_, v)| v.as_str()).collect();
            assert_eq!(redirects, ["https://yourapp.com/done?state=st1"], "{url}");
            assert!(pairs.contains(&("x".into(), "1".into())), "{url}");
            assert!(!query.contains("https://"), "not encoded: {url}");
        }),
        row("001:34", "session_id | string | The session ID", || {
            let cb = callback("https://yourapp.com/done?session_id=abc123&status=failed").unwrap();
            assert_eq!((cb.provider, cb.session_id.as_str()), (Provider::Deepidv, "abc123"));
            assert_eq!(callback("status=failed"), Err(Error::MissingSessionId));
            assert_eq!(callback("session_id=a%2Fb&status=failed"), Err(Error::InvalidSessionId));
        }),
        row("001:35", "status | string | The outcome of the session", || {
            assert_eq!(callback("session_id=abc123"), Err(Error::MissingStatus));
            for bad in ["SUCCESS", "Success", "done", "Approved"] {
                assert_eq!(callback(&format!("session_id=abc123&status={bad}")), Err(Error::InvalidStatus), "{bad}");
            }
        }),
        row("001:36", "(omitted when status is success)", || {
            let cb = callback("session_id=a&status=success&reason=face_mismatch").unwrap();
            assert_eq!((cb.reason, cb.raw_reason), (None, None));
        }),
        row("001:39", "success | Verification session was completed and submitted successfully", || {
            let cb = callback("session_id=a&status=success").unwrap();
            assert_eq!((cb.status, cb.status.as_str(), cb.reason), (S::Success, "success", None));
        }),
        row("001:40", "failed | Session encountered an error during the verification process", || {
            assert_eq!(callback("session_id=a&status=failed").unwrap().status, S::Failed);
        }),
        row("001:41", "abandoned | User manually exited the session without completing", || {
            assert_eq!(callback("session_id=a&status=abandoned").unwrap().status, S::Abandoned);
        }),
        row("001:44", "document_unreadable | The uploaded ID document could not be processed", || {
            assert_eq!(callback("session_id=a&status=failed&reason=document_unreadable").unwrap().reason, Some(Reason::DocumentUnreadable));
        }),
        row("001:45", "face_mismatch | Liveness/selfie did not match the document photo", || {
            assert_eq!(callback("session_id=a&status=failed&reason=face_mismatch").unwrap().reason, Some(Reason::FaceMismatch));
        }),
        row("001:46", "session_expired | The session timed out", || {
            assert_eq!(callback("session_id=a&status=failed&reason=session_expired").unwrap().reason, Some(Reason::SessionExpired));
        }),
        row("001:47", "internal_error | An unexpected server-side error occurred", || {
            assert_eq!(callback("session_id=a&status=failed&reason=internal_error").unwrap().reason, Some(Reason::InternalError));
        }),
        row("001:48", "user_cancelled | User explicitly chose to leave/cancel the verification", || {
            assert_eq!(callback("session_id=a&status=abandoned&reason=user_cancelled").unwrap().reason, Some(Reason::UserCancelled));
        }),
        row("001:49", "unknown | Catch-all for any unclassified failure", || {
            let cb = callback("session_id=a&status=failed&reason=unknown").unwrap();
            assert_eq!((cb.reason, cb.raw_reason.as_deref()), (Some(Reason::Unknown), Some("unknown")));
            assert_eq!(Reason::ALL.len(), 6);
        }),
        row("001:52", "values may be added in the future", || {
            // "…your integration should handle unknown reasons gracefully": a new one is
            // `unknown`, its raw value kept (sanitised).
            let cb = callback("session_id=a&status=failed&reason=liveness_timeout").unwrap();
            assert_eq!((cb.reason, cb.raw_reason.as_deref()), (Some(Reason::Unknown), Some("liveness_timeout")));
            let cb = callback("session_id=a&status=failed&reason=%3Cb%3E").unwrap();
            assert_eq!((cb.reason, cb.raw_reason.as_deref()), (Some(Reason::Unknown), Some("_b_")));
        }),
        row("002:46", "status=SUBMITTED&sessionId=abc123", || {
            // CHOICE: the guide's return (`status=SUBMITTED`, `sessionId`) contradicts 001's list
            // (`session_id`; success | failed | abandoned): both are read, SUBMITTED as success;
            // the two spellings of the id together are refused as a duplicate.
            let cb = callback("https://yourapp.com/verification-complete?status=SUBMITTED&sessionId=abc123").unwrap();
            assert_eq!((cb.session_id.as_str(), cb.status, cb.raw_status.as_str()), ("abc123", S::Success, "SUBMITTED"));
            assert_eq!(status_of(D, "SUBMITTED"), Some(("SUBMITTED", S::Success)));
            assert_eq!(callback("session_id=a&sessionId=a&status=success"), Err(Error::DuplicateParameter { param: "sessionId" }));
        }),
        row("002:54", "console.log(record.status); // \"SUBMITTED\"", || {
            // The server half reads the session's status from `sessionRecord.status`.
            assert_eq!(D.api().status_member, (&["sessionRecord", "status"][..], Source::Documented("002")));
            assert_eq!(summarised(D, json!({"status": "SUBMITTED"})), None);
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "SUBMITTED"}})), Some(("submitted".into(), true)));
        }),
        row("002:142", "PENDINGSession created, user hasn", || {
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "PENDING"}})), Some(("pending".into(), false)));
        }),
        row("002:144", "VERIFIEDApproved by your teamYou (via updateStatus)", || {
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "VERIFIED"}})), Some(("verified".into(), true)));
            // Status words are the record's, exactly.
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "verified"}})), None);
        }),
        row("002:145", "REJECTEDRejected by your teamYou (via updateStatus)", || {
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "REJECTED"}})), Some(("rejected".into(), true)));
        }),
        row("002:146", "VOIDEDCancelled / invalidatedYou (via updateStatus)", || {
            assert_eq!(summarised(D, json!({"sessionRecord": {"status": "VOIDED"}})), Some(("voided".into(), true)));
            let documented: Vec<&str> = D.api().statuses.0.iter().map(|(w, _)| *w).collect();
            assert_eq!(documented, ["PENDING", "SUBMITTED", "VERIFIED", "REJECTED", "VOIDED"]);
        }),
    ]
}

/// This repository's copy of the documents is the team's: wherever `../shared/seeds` is beside
/// the checkout (the development machines), the files must be the same, byte for byte, so that a
/// document changed there fails here until the copy (and the rows) follow.
#[test]
fn the_documents_here_are_the_shared_ones() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !shared.is_dir() {
        println!(
            "note: {} absent: the copy is not compared",
            shared.display()
        );
        return;
    }
    let files = |dir: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        names.sort();
        names
    };
    assert_eq!(files(&seeds_dir()), files(&shared));
    for name in files(&shared) {
        assert!(
            std::fs::read(shared.join(&name)).unwrap()
                == std::fs::read(seeds_dir().join(&name)).unwrap(),
            "tests/data/seeds/{name} differs from {}",
            shared.join(&name).display()
        );
    }
}

#[test]
fn deepidv_documents() {
    run_table("deepidv", &["000", "001", "002"], deepidv_rows());
}

// ---------------------------------------------------------------------------------------------
// Didit (003: Create Session, POST /v3/session/)

const WORKFLOW: &str = "11111111-2222-3333-4444-555555555555";

fn didit_minimal() -> Value {
    json!({ "workflow_id": WORKFLOW })
}

/// A minimal Didit request with the nested object `parent` set to `value`: its body or problems.
fn didit_nested(parent: &str, value: Value) -> Result<Value, Vec<Error>> {
    normalize(Provider::Didit, with(didit_minimal(), parent, value))
}

fn didit_answer() -> Value {
    // The example answer of 003 (lines 33-47).
    json!({
        "session_id": WORKFLOW, "session_number": 43762, "session_token": "3FaJ9wLqX2Mz",
        "url": "https://verify.didit.me/en/session/3FaJ9wLqX2Mz", "vendor_data": "user-123",
        "metadata": {"user_type": "premium", "account_id": "ABC123"}, "status": "Not Started",
        "workflow_id": WORKFLOW, "workflow_version": 3, "callback": "https://example.com/verification/callback"
    })
}

/// The 54 languages of lines 159-212, as the package must take them.
const DIDIT_LANGUAGES: [&str; 54] = [
    "en", "ar", "bg", "bn", "bs", "ca", "cnr", "cs", "da", "de", "el", "es", "et", "fa", "fi",
    "fr", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ky", "lt", "lv", "mk",
    "mn", "ms", "nl", "no", "pl", "pt-BR", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv",
    "th", "tr", "uk", "uz", "vi", "zh-CN", "zh-TW", "zh",
];

#[rustfmt::skip]
fn didit_rows() -> Vec<Row> {
    use Provider::Didit as D;
    vec![
        row("003:9", "curl -X POST 'https://verification.didit.me/v3/session/'", || {
            assert_eq!(D.api().base_url, Some(("https://verification.didit.me", Source::Documented("003"))));
            assert_eq!(D.api().key_header, "x-api-key");
            let create = create_request(&server(D), &didit_minimal().to_string(), None).unwrap();
            assert_eq!(create.url, "https://verification.didit.me/v3/session/");
        }),
        row("003:260", "Use this id when calling GET /v3/session/{sessionId}/decision/.", || {
            assert_eq!(D.api().session_path, (("/v3/session/", "/decision/"), Source::Documented("003")));
            assert_eq!(session_request(&server(D), WORKFLOW).unwrap(), format!("https://verification.didit.me/v3/session/{WORKFLOW}/decision/"));
            let refusal = session_request(&server(D), "../x").unwrap_err();
            assert_eq!((refusal.status, refusal.error), (400, Error::InvalidSessionId));
        }),
        row("003:13", "\"workflow_id\": \"11111111-2222-3333-4444-555555555555\",", || {
            // The documented example request is sent exactly as it is.
            assert_eq!(normalize(D, didit_example()).unwrap(), didit_example());
        }),
        row("003:102", "string<uuid>", || {
            assert_eq!(normalize(D, didit_minimal()).unwrap(), didit_minimal());
            for bad in ["wf_abc", "11111111-2222-3333-4444-55555555555", "11111111222233334444555555555555", "g1111111-2222-3333-4444-555555555555"] {
                assert_eq!(refused(D, json!({"workflow_id": bad})), invalid("workflow_id"), "{bad}");
            }
        }),
        row("003:103", "required", || {
            assert_eq!(normalize(D, json!({})), Err(vec![invalid("workflow_id")]));
            assert_eq!(refused(D, json!({"vendor_data": "user-123"})), invalid("workflow_id"));
        }),
        row("003:62", "\"workflow_id\": \"YOUR_KYC_WORKFLOW_ID\",", || {
            // CHOICE: the second example's placeholder is no UUID; 003:102 types the field
            // string<uuid>, so the package refuses it.
            assert_eq!(refused(D, json!({"workflow_id": "YOUR_KYC_WORKFLOW_ID", "vendor_data": "user-42"})), invalid("workflow_id"));
        }),
        row("003:114", "A unique identifier for the user being verified, such as a UUID, email, or internal user ID.", || {
            for ok in ["user-123", "jane@example.com", WORKFLOW] {
                assert_eq!(normalize(D, with(didit_minimal(), "vendor_data", json!(ok))).unwrap()["vendor_data"], ok);
            }
            assert_eq!(refused(D, with(didit_minimal(), "vendor_data", json!(123))), invalid("vendor_data"));
        }),
        row("003:123", "Didit automatically appends verificationSessionId and status", || {
            // Detected by its parameter: no provider option needed.
            let cb = callback(&format!("https://example.com/verification/callback?verificationSessionId={WORKFLOW}&status=Approved")).unwrap();
            assert_eq!((cb.provider, cb.session_id.as_str()), (D, WORKFLOW));
            // deepidv's parameter names are not Didit's.
            assert_eq!(callback_as(D, "session_id=a&status=Approved"), Err(Error::MissingSessionId));
        }),
        row("003:123", "(Approved, Declined, In Review)", || {
            for (raw, status) in [("Approved", S::Approved), ("Declined", S::Declined), ("In%20Review", S::InReview), ("In+Review", S::InReview)] {
                assert_eq!(callback(&format!("verificationSessionId=a&status={raw}")).unwrap().status, status, "{raw}");
            }
            for bad in ["approved", "APPROVED", "In%20review", "InReview", "success"] {
                assert_eq!(callback(&format!("verificationSessionId=a&status={bad}")), Err(Error::InvalidStatus), "{bad}");
            }
        }),
        row("003:123", "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks", || {
            // Only for the schemes the integrator allows; never one a browser would run.
            let mobile = with(didit_minimal(), "callback", json!("myapp://verified/done"));
            assert_eq!(normalize(D, mobile.clone()).unwrap_err(), vec![invalid("callback")]);
            let apps = ["myapp".to_string()];
            assert_eq!(normalize_with(D, mobile.clone(), &apps).unwrap(), mobile);
            let other = with(didit_minimal(), "callback", json!("otherapp://verified"));
            assert_eq!(normalize_with(D, other, &apps).unwrap_err(), vec![invalid("callback")]);
            let script = ["javascript".to_string()];
            let js = with(didit_minimal(), "callback", json!("javascript://x/%0aalert(1)"));
            assert_eq!(normalize_with(D, js, &script).unwrap_err(), vec![invalid("callback")]);
            assert_eq!(build_return_url("myapp://verified", Some("st1"), None, false, &apps).unwrap(), "myapp://verified?state=st1");
            assert!(build_return_url("myapp://verified", None, None, false, &[]).is_err());
        }),
        row("003:133", "Use initiator to redirect only the device that started the flow, completer for the device that finishes it, or both", || {
            for method in ["initiator", "completer", "both"] {
                assert_eq!(normalize(D, with(didit_minimal(), "callback_method", json!(method))).unwrap()["callback_method"], method);
            }
            for bad in ["sometimes", "Both", ""] {
                assert_eq!(refused(D, with(didit_minimal(), "callback_method", json!(bad))), invalid("callback_method"), "{bad}");
            }
        }),
        row("003:131", "default:initiator", || {
            // Absent stays absent: Didit's own default applies.
            assert!(normalize(D, didit_minimal()).unwrap().get("callback_method").is_none());
        }),
        row("003:146", "Any JSON value is accepted (object, string, number, array)", || {
            for value in [json!({"a": 1}), json!("ref-1"), json!(42), json!([1, "two"]), json!(true)] {
                assert_eq!(normalize(D, with(didit_minimal(), "metadata", value.clone())).unwrap()["metadata"], value);
            }
        }),
        row("003:156", "Language code (ISO 639-1) for the verification process interface.", || {
            assert_eq!(normalize(D, with(didit_minimal(), "language", json!("es"))).unwrap()["language"], "es");
            for bad in ["xx", "EN", "en-US", "english", "pt-br"] {
                assert_eq!(refused(D, with(didit_minimal(), "language", json!(bad))), invalid("language"), "{bad}");
            }
        }),
        row("003:195", "pt-BR,", || {
            // Every language of lines 159-212 (compared with the document), and in
            // contact_details.email_lang too. CHOICE: 003:156 says ISO 639-1, but the list has
            // cnr (639-3) and regional tags (pt-BR, zh-CN, zh-TW): the list is what is taken.
            let lines = seed_lines("003");
            let listed: Vec<&str> = lines[158..212].iter().map(|l| l.trim().trim_end_matches(',')).collect();
            assert_eq!(listed, DIDIT_LANGUAGES);
            for language in DIDIT_LANGUAGES {
                assert!(normalize(D, with(didit_minimal(), "language", json!(language))).is_ok(), "{language}");
                assert!(didit_nested("contact_details", json!({"email_lang": language})).is_ok(), "{language}");
            }
        }),
        row("003:224", "\"email\": \"john.doe@example.com\",", || {
            assert_eq!(didit_nested("contact_details", json!({"email": "nope"})), Err(vec![invalid("contact_details.email")]));
        }),
        row("003:225", "\"send_notification_emails\": true,", || {
            assert_eq!(didit_nested("contact_details", json!({"send_notification_emails": "yes"})), Err(vec![invalid("contact_details.send_notification_emails")]));
        }),
        row("003:226", "\"email_lang\": \"en\",", || {
            assert_eq!(didit_nested("contact_details", json!({"email_lang": "english"})), Err(vec![invalid("contact_details.email_lang")]));
        }),
        row("003:227", "\"phone\": \"+14155552671\"", || {
            assert!(didit_nested("contact_details", json!({"phone": "+14155552671"})).is_ok());
            for bad in ["4155552671", "+1 415 555 2671", "555-1234"] {
                assert_eq!(didit_nested("contact_details", json!({"phone": bad})), Err(vec![invalid("contact_details.phone")]), "{bad}");
            }
            // A member the document does not list is refused, named by its object.
            assert_eq!(didit_nested("contact_details", json!({"api_key": "x"})), Err(vec![invalid("contact_details")]));
        }),
        row("003:238", "\"date_of_birth\": \"1990-05-15\",", || {
            assert!(didit_nested("expected_details", json!({"date_of_birth": "1990-05-15"})).is_ok());
            for bad in ["15/05/1990", "1990-5-15", "1990-02-30", "1990-05-15T00:00:00Z", "19900515"] {
                assert_eq!(didit_nested("expected_details", json!({"date_of_birth": bad})), Err(vec![invalid("expected_details.date_of_birth")]), "{bad}");
            }
        }),
        row("003:239", "\"nationality\": \"USA\",", || {
            assert!(didit_nested("expected_details", json!({"nationality": "USA"})).is_ok());
            for bad in ["US", "usa", "U.S"] {
                assert_eq!(didit_nested("expected_details", json!({"nationality": bad})), Err(vec![invalid("expected_details.nationality")]), "{bad}");
            }
        }),
        row("003:240", "\"id_country\": \"USA\",", || {
            assert!(didit_nested("expected_details", json!({"id_country": "GBR"})).is_ok());
            for bad in ["GB", "gbr", "GBRR"] {
                assert_eq!(didit_nested("expected_details", json!({"id_country": bad})), Err(vec![invalid("expected_details.id_country")]), "{bad}");
            }
        }),
        row("003:241", "\"expected_document_types\": [\"P\", \"ID\"]", || {
            assert!(didit_nested("expected_details", json!({"expected_document_types": ["P", "ID"]})).is_ok());
            for bad in [json!("P"), json!(["P", ""]), json!([1])] {
                assert_eq!(didit_nested("expected_details", json!({"expected_document_types": bad})), Err(vec![invalid("expected_details.expected_document_types")]), "{bad}");
            }
        }),
        row("003:246", "(max 2MB; JPEG, PNG, WebP, or TIFF)", || {
            let portrait = |image: &str| normalize(D, with(didit_minimal(), "portrait_image", json!(image)));
            for image in ["/9j/4AAQSkZJRgABAQ==", "iVBORw0KGgoAAAANSUhEUg==", "UklGRiQAAABXRUJQVlA4IA==", "SUkqAAgAAAA=", "TU0AKgAAAAg="] {
                assert!(portrait(image).is_ok(), "{image}");
            }
            for bad in ["R0lGODlhAQABAAAAACw=", "JVBERi0xLjQK", "PHN2Zz48L3N2Zz4=", "not base64!"] {
                assert_eq!(portrait(bad), Err(vec![invalid("portrait_image")]), "{bad}");
            }
            // CHOICE: "2MB" read as 2 MiB of decoded image: a PNG of exactly 2 097 152 bytes is
            // taken, one byte more is not.
            let png_2mb = String::from("iVBORw0KGgoA") + &"A".repeat(2 * 1024 * 1024 / 3 * 4 - 12) + "AAA=";
            assert!(portrait(&png_2mb).is_ok());
            let over = png_2mb.replace("AAA=", "AAAA") + "AA==";
            assert_eq!(portrait(&over), Err(vec![invalid("portrait_image")]));
        }),
        row("003:250", "\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=\"", || {
            let example = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
            assert_eq!(normalize(D, with(didit_minimal(), "portrait_image", json!(example))).unwrap()["portrait_image"], example);
        }),
        row("003:34", "\"session_id\": \"11111111-2222-3333-4444-555555555555\",", || {
            let session = answer(D, didit_answer()).unwrap();
            assert_eq!(session.id, WORKFLOW);
            assert_eq!(session.session_url, "https://verify.didit.me/en/session/3FaJ9wLqX2Mz");
            assert_eq!((session.external_id, session.expires_at, session.qr_code_data_url), (None, None, None));
            // `session_id` and `url` are Didit's names: deepidv's and Verifa's are not read.
            let renamed = with(with(didit_answer(), "session_id", Value::Null), "id", json!("x"));
            assert_eq!(answer(D, renamed), Err(Error::InvalidResponse { status: 200 }));
            let no_url = with(didit_answer(), "url", Value::Null);
            assert_eq!(answer(D, no_url), Err(Error::InvalidResponse { status: 200 }));
        }),
        row("003:37", "\"url\": \"https://verify.didit.me/en/session/3FaJ9wLqX2Mz\",", || {
            assert_eq!(server(D).session_hosts, vec!["verify.didit.me".to_string()]);
            let state = encode_state(&[9u8; 32]);
            let handoff = |url: &str| format!("handoff={}&state={state}", encode(url));
            assert!(start(&server(D), &handoff("https://verify.didit.me/en/session/3FaJ9wLqX2Mz")).is_ok());
            assert_eq!(start(&server(D), &handoff("https://evil.example/session/x")), Err(Error::SessionHostNotAllowed));
        }),
        row("003:290", "https://verify.didit.me/{language}/session/{session_token}", || {
            let hosted = |url: &str, language| build_handoff_url(url, &HandoffOptions { redirect_url: RETURN, language, ..HandoffOptions::default() });
            let es = hosted("https://verify.didit.me/session/3FaJ9wLqX2Mz", Some("es")).unwrap();
            assert!(es.starts_with("https://verify.didit.me/es/session/3FaJ9wLqX2Mz?"), "{es}");
            // A language already in the path is replaced; one Didit does not list is refused.
            let de = hosted("https://verify.didit.me/en/session/3FaJ9wLqX2Mz", Some("de")).unwrap();
            assert!(de.starts_with("https://verify.didit.me/de/session/3FaJ9wLqX2Mz?"), "{de}");
            assert_eq!(hosted("https://verify.didit.me/session/3FaJ9wLqX2Mz", Some("xx")), Err(Error::InvalidOption { option: "language" }));
            // Without a language the path is left as it is.
            let plain = hosted("https://verify.didit.me/session/3FaJ9wLqX2Mz", None).unwrap();
            assert!(plain.starts_with("https://verify.didit.me/session/3FaJ9wLqX2Mz?"), "{plain}");
        }),
        row("003:254", "or returned, if an unfinished session with the same vendor_data already exists", || {
            // A reused session keeps the callback it was created with: the Session carries it
            // (https only), so the handoff can use that one.
            let session = answer(D, didit_answer()).unwrap();
            assert_eq!(session.return_url.as_deref(), Some("https://example.com/verification/callback"));
            let mobile = with(didit_answer(), "callback", json!("myapp://done"));
            assert_eq!(answer(D, mobile).unwrap().return_url, None);
        }),
        row("003:342", "Falls back to the workflow's configured callback URL when not provided in the request; null when neither is set.", || {
            assert_eq!(answer(D, with(didit_answer(), "callback", Value::Null)).unwrap().return_url, None);
        }),
        row("003:82", "Create Session generates a verification URL and session token.", || {
            // Every create is a session; Didit documents no idempotency: a create that may have
            // arrived is not sent again, unless the proxy says it deduplicates.
            assert!(!D.documents_idempotency());
            assert!(!resent_when_possibly_created(D, false));
            assert!(resent_when_possibly_created(D, true));
            assert!(D.api().forwarded_headers.is_empty());
            // Didit lists no error statuses: a 404 is not deepidv's "Workflow ID not found".
            assert_eq!(answer_error(D, 404, None), Error::UpstreamError { status: 404 });
        }),
        row("003:66", "Response (201 Created):", || {
            assert_eq!(step(D, 0, answered(201), false), Step::Accept);
            assert!(session_from_json(D, &core_json(&didit_answer()), 201, false).is_ok());
        }),
        row("003:324", "Not Started,", || didit_status("Not Started", "not_started", S::NotStarted, false)),
        row("003:325", "In Progress,", || didit_status("In Progress", "in_progress", S::InProgress, false)),
        row("003:326", "Approved,", || didit_status("Approved", "approved", S::Approved, true)),
        row("003:327", "Declined,", || didit_status("Declined", "declined", S::Declined, true)),
        // "In Review" waits for a person at Didit: not final.
        row("003:328", "In Review,", || didit_status("In Review", "in_review", S::InReview, false)),
        row("003:329", "Expired,", || didit_status("Expired", "expired", S::Expired, true)),
        row("003:330", "Abandoned,", || didit_status("Abandoned", "abandoned", S::Abandoned, true)),
        row("003:331", "Kyc Expired,", || didit_status("Kyc Expired", "kyc_expired", S::KycExpired, true)),
        row("003:332", "Resubmitted,", || didit_status("Resubmitted", "resubmitted", S::Resubmitted, false)),
        row("003:333", "Awaiting User", || {
            didit_status("Awaiting User", "awaiting_user", S::AwaitingUser, false);
            let words: Vec<&str> = STATUSES.iter().filter(|(p, _, _)| *p == D).map(|(_, w, _)| *w).collect();
            assert_eq!(words.len(), 10);
            assert_eq!(D.api().statuses.0.len(), 10);
            assert_eq!(summarised(D, json!({"status": "Unknown"})), None);
        }),
    ]
}

#[test]
fn didit_documents() {
    run_table("didit", &["003"], didit_rows());
}

// ---------------------------------------------------------------------------------------------
// Verifa (004: Create a verification session)

fn verifa_answer() -> Value {
    json!({
        "id": "ses_123", "status": "created", "capture_url": "https://capture.verifa.example/c/ses_123",
        "is_sandbox": true, "created_at": "2026-11-22T14:00:00Z", "expires_at": "2026-11-22T15:00:00Z",
        "external_ref": "order-42", "qr_code_data_url": null, "tags": []
    })
}

/// A 1x1 PNG, base64.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

const VERIFA_PARAMS: ParamNames<'static> = ParamNames {
    session_id: "verifa_session",
    status: "verifa_status",
    reason: Some("verifa_reason"),
};

#[rustfmt::skip]
fn verifa_rows() -> Vec<Row> {
    use Provider::Verifa as V;
    vec![
        row("004:1", "Create a verification session", || {
            // The document gives no host or path: the server half needs `providerUrl`, and its
            // create path is an assumption that can be overridden.
            assert_eq!(V.api().base_url, None);
            let returns = [RETURN.to_string()];
            let mut options = config_options(V, &returns);
            options.provider_url = None;
            assert_eq!(config(&options).unwrap_err(), Error::InvalidOption { option: "providerUrl" });
            assert_eq!(V.api().create_path, ("/v1/sessions", Source::Assumed));
            options.provider_url = Some(VERIFA_API);
            options.create_path = Some("/v2/verification-sessions");
            let create = create_request(&config(&options).unwrap(), "{}", None).unwrap();
            assert_eq!(create.url, "https://api.verifa.example/v2/verification-sessions");
        }),
        row("004:3", "returns a capture_url that you redirect (or embed)", || {
            assert_eq!(answer(V, verifa_answer()).unwrap().session_url, "https://capture.verifa.example/c/ses_123");
        }),
        row("004:9", "X-API-Keystring", || {
            assert_eq!(V.api().key_header, "X-API-Key");
            assert!(matches!(refused(V, json!({"X-API-Key": "vk_live_1"})), Error::UnknownField { index: 0 }));
        }),
        row("004:15", "Idempotency-KeystringOptional<=255 characters", || {
            assert!(V.api().forwarded_headers.contains(&"Idempotency-Key"));
            assert!(is_idempotency_key(&"k".repeat(255)));
            assert!(!is_idempotency_key(&"k".repeat(256)));
            assert!(!is_idempotency_key(""));
            let refusal = create_request(&server(V), "{}", Some(&"k".repeat(256))).unwrap_err().0;
            assert_eq!((refusal.status, refusal.error), (400, invalid("Idempotency-Key")));
            assert!(create_request(&server(V), "{}", Some(&"k".repeat(255))).is_ok());
        }),
        row("004:17", "Unique key for idempotent requests.", || {
            // Only Verifa documents idempotent creates: a create that may have arrived is sent
            // again with the same key, even without the proxy's word.
            assert!(V.documents_idempotency());
            assert_eq!(Provider::ALL.iter().filter(|p| p.documents_idempotency()).collect::<Vec<_>>(), [&V]);
            assert!(resent_when_possibly_created(V, false));
            assert!(!is_retry(step(V, 2, answered(500), false)), "the retries are bounded");
        }),
        row("004:17", "Cached for 24 hours.", || {
            // The server half replays a create's answer for its key as long.
            assert_eq!(IDEMPOTENCY_TTL_SECONDS, 24 * 60 * 60);
            for kept in [200, 201, 400, 401, 422] {
                assert!(keeps_answer(kept), "{kept}");
            }
            for not_kept in [429, 500, 503] {
                assert!(!keeps_answer(not_kept), "{not_kept}");
            }
        }),
        row("004:17", "Sending the same key with different parameters returns 422.", || {
            let conflict = answer_error(V, 422, Some("idempotency_conflict"));
            assert_eq!((conflict, conflict.code(), conflict.status()), (Error::IdempotencyConflict, "idempotency_conflict", Some(422)));
            // CHOICE: a 422 without the server half's code is read as Verifa's generic
            // "Unprocessable Entity Error" (004:88): `invalid_request`, status 422.
            assert_eq!(answer_error(V, 422, None), Error::BadRequest { field: None, status: 422 });
            assert_eq!(step(V, 0, answered(422), false), Step::Fail(Error::BadRequest { field: None, status: 422 }));
        }),
        row("004:19", "Verifa-VersiondateOptional", || {
            assert!(V.api().forwarded_headers.contains(&"Verifa-Version"));
            assert!(!Provider::Deepidv.api().forwarded_headers.contains(&"Verifa-Version"));
        }),
        row("004:21", "API version date string (e.g. 2026-02-01)", || {
            assert!(is_date("2026-02-01"));
            for bad in ["2026-02-30", "2026-2-1", "Feb 2026", "2026-02-01T00:00:00Z", "v1"] {
                assert!(!is_date(bad), "{bad}");
            }
        }),
        row("004:25", "Response key casing. Defaults to snake.", || {
            let session = answer(V, verifa_answer()).unwrap();
            assert_eq!((session.id.as_str(), session.expires_at.as_deref()), ("ses_123", Some("2026-11-22T15:00:00Z")));
        }),
        row("004:27", "Allowed values:", || {
            // CHOICE: the list of Key-Inflection values is empty; the package reads the camelCase
            // spelling of each member too, so an answer in either casing gives the same Session.
            let camel = json!({"id": "ses_123", "status": "created", "captureUrl": "https://capture.verifa.example/c/ses_123",
                "isSandbox": true, "createdAt": "2026-11-22T14:00:00Z", "expiresAt": "2026-11-22T15:00:00Z",
                "externalRef": "order-42", "qrCodeDataUrl": null, "tags": []});
            assert_eq!(answer(V, camel).unwrap(), answer(V, verifa_answer()).unwrap());
        }),
        row("004:31", "This endpoint expects an object.", || {
            assert_eq!(normalize(V, json!({})).unwrap(), json!({}));
            for bad in [json!([]), json!("x"), json!(null)] {
                assert_eq!(refused(V, bad.clone()), invalid("request"), "{bad}");
            }
        }),
        row("004:32", "external_refstringOptional", || {
            assert_eq!(normalize(V, json!({"external_ref": "order-42"})).unwrap(), json!({"external_ref": "order-42"}));
            assert_eq!(refused(V, json!({"external_ref": 42})), invalid("external_ref"));
        }),
        row("004:34", "metadatamap from strings to anyOptional", || {
            let metadata = json!({"plan": "pro", "n": 3, "nested": {"a": [1, null]}});
            assert_eq!(normalize(V, json!({"metadata": metadata.clone()})).unwrap()["metadata"], metadata);
            for bad in [json!(["not", "a map"]), json!("x"), json!(1)] {
                assert_eq!(refused(V, json!({"metadata": bad.clone()})), invalid("metadata"), "{bad}");
            }
        }),
        row("004:38", "countrystringOptional=2 characters", || {
            for bad in ["GBR", "G", ""] {
                assert_eq!(refused(V, json!({"country": bad})), invalid("country"), "{bad}");
            }
        }),
        row("004:40", "ISO 3166-1 alpha-2 country code for document expectations.", || {
            assert_eq!(normalize(V, json!({"country": "GB"})).unwrap(), json!({"country": "GB"}));
            for bad in ["gb", "G1", "Gb"] {
                assert_eq!(refused(V, json!({"country": bad})), invalid("country"), "{bad}");
            }
        }),
        row("004:42", "checkslist of stringsOptional", || {
            let checks = json!(["document", "liveness", "document.authenticity"]);
            assert_eq!(normalize(V, json!({"checks": checks.clone()})).unwrap()["checks"], checks);
            for bad in [json!("document"), json!([1]), json!(["document", ""])] {
                assert_eq!(refused(V, json!({"checks": bad.clone()})), invalid("checks"), "{bad}");
            }
        }),
        row("004:44", "Per-session check overrides. If omitted, the workflow", || {
            assert!(normalize(V, json!({"workflow_id": "wf_1"})).unwrap().get("checks").is_none());
        }),
        row("004:46", "workflow_idstringOptional", || {
            // Any string: unlike Didit's (003:102), Verifa's workflow id is not typed a UUID.
            assert_eq!(normalize(V, json!({"workflow_id": "wf_1"})).unwrap(), json!({"workflow_id": "wf_1"}));
            assert_eq!(refused(V, json!({"workflow_id": 1})), invalid("workflow_id"));
        }),
        row("004:48", "redirect_urlstringOptionalformat: \"uri\"", || {
            // CHOICE: format "uri" is read as https (a return page), canonical.
            assert_eq!(normalize(V, json!({"redirect_url": "https://YourApp.com/done"})).unwrap()["redirect_url"], "https://yourapp.com/done");
            for bad in ["http://yourapp.com/done", "myapp://done", "/done"] {
                assert_eq!(refused(V, json!({"redirect_url": bad})), invalid("redirect_url"), "{bad}");
            }
            // The server half pins it to its return URLs.
            assert!(create_request(&server(V), &json!({"redirect_url": RETURN}).to_string(), None).is_ok());
            let foreign = json!({"redirect_url": "https://evil.example/idv/return"}).to_string();
            assert_eq!(create_request(&server(V), &foreign, None).unwrap_err().0.error, Error::ReturnUrlNotAllowed);
        }),
        row("004:49", "URL to redirect the user to after capture is complete.", || {
            // What Verifa appends to it is not documented: a callback needs the caller's names.
            assert_eq!(callback_as(V, "session_id=a&status=completed"), Err(Error::InvalidOption { option: "params" }));
            let options = CallbackOptions { provider: Some(V), params: Some(VERIFA_PARAMS), ..CallbackOptions::default() };
            let cb = parse_callback("verifa_session=ses_123&verifa_status=Needs%20Review&verifa_reason=blurry", &options).unwrap();
            assert_eq!((cb.provider, cb.session_id.as_str(), cb.status), (V, "ses_123", S::Other));
            assert_eq!((cb.status_name().as_ref(), cb.raw_reason.as_deref()), ("needs_review", Some("blurry")));
        }),
        row("004:58", "Unix timestamp when the rate limit window resets.", || {
            let reset = format!("{}", (NOW_MS / 1000.0) as u64 + 5);
            let outcome = Attempt::Answered { status: 429, retry_after: None, rate_limit_reset: Some(&reset), deduplicated: false, code: None };
            assert_eq!(step(V, 0, outcome, false), Step::Retry { delay_ms: 5000 });
        }),
        row("004:63", "idstring", || {
            assert_eq!(answer(V, verifa_answer()).unwrap().id, "ses_123");
            assert_eq!(answer(V, with(verifa_answer(), "id", Value::Null)), Err(Error::InvalidResponse { status: 200 }));
            assert_eq!(answer(V, with(verifa_answer(), "id", json!(123))), Err(Error::InvalidResponse { status: 200 }));
        }),
        row("004:65", "statusenum", || {
            // The session's status is its `status` member; its words are not listed anywhere, so
            // the server half's are assumed and can be replaced.
            assert_eq!(V.api().status_member, (&["status"][..], Source::Documented("004")));
            assert_eq!(V.api().statuses.1, Source::Assumed);
            let returns = [RETURN.to_string()];
            let mut options = config_options(V, &returns);
            options.statuses = Some(vec![("requires_input".into(), false), ("verified".into(), true)]);
            let custom = config(&options).unwrap();
            let verified = summary(&custom, &core_json(&json!({"status": "verified"}))).unwrap();
            assert_eq!((verified.status.as_str(), verified.final_), ("verified", true));
            assert_eq!(summary(&custom, &core_json(&json!({"status": "completed"}))), None);
        }),
        row("004:66", "capture_urlstringformat: \"uri\"", || {
            // CHOICE: a hosted page is https (format "uri" alone would allow http).
            for bad in [json!("http://capture.verifa.example/c"), json!("javascript:alert(1)"), json!(1), Value::Null] {
                assert_eq!(answer(V, with(verifa_answer(), "capture_url", bad.clone())), Err(Error::InvalidResponse { status: 200 }), "{bad}");
            }
        }),
        row("004:71", "expires_atdatetime", || {
            assert_eq!(answer(V, verifa_answer()).unwrap().expires_at.as_deref(), Some("2026-11-22T15:00:00Z"));
            for bad in [json!("tomorrow"), json!("2026-11-22"), json!(1700000000)] {
                assert_eq!(answer(V, with(verifa_answer(), "expires_at", bad.clone())), Err(Error::InvalidResponse { status: 200 }), "{bad}");
            }
            // A hosted page past its expiry is not handed off to.
            assert_eq!(check_not_expired("2025-12-31T23:59:59Z", NOW_MS), Err(Error::SessionExpired));
            assert_eq!(check_not_expired("2026-01-01T00:00:01Z", NOW_MS), Ok(()));
        }),
        row("004:72", "external_refstring or null", || {
            assert_eq!(answer(V, verifa_answer()).unwrap().external_id.as_deref(), Some("order-42"));
            assert_eq!(answer(V, with(verifa_answer(), "external_ref", json!(null))).unwrap().external_id, None);
        }),
        row("004:73", "qr_code_data_urlstring or null", || {
            assert_eq!(answer(V, verifa_answer()).unwrap().qr_code_data_url, None);
            let data_url = format!("data:image/png;base64,{PNG}");
            let with_qr = with(verifa_answer(), "qr_code_data_url", json!(data_url));
            assert_eq!(answer(V, with_qr).unwrap().qr_code_data_url, Some(data_url));
        }),
        row("004:75", "Base64-encoded QR code PNG pointing to the capture URL.", || {
            // Bare base64 is given the data: prefix; anything but a PNG is refused.
            let bare = with(verifa_answer(), "qr_code_data_url", json!(PNG));
            assert_eq!(answer(V, bare).unwrap().qr_code_data_url, Some(format!("data:image/png;base64,{PNG}")));
            for bad in ["R0lGODlhAQABAAAAACw=", "data:text/html,<script>alert(1)</script>", "https://evil.example/qr.png", "data:image/png;base64,PHN2Zz48L3N2Zz4="] {
                assert_eq!(answer(V, with(verifa_answer(), "qr_code_data_url", json!(bad))), Err(Error::InvalidResponse { status: 200 }), "{bad}");
            }
        }),
        row("004:83", "400", || {
            assert_eq!(answer_error(V, 400, None), Error::BadRequest { field: None, status: 400 });
        }),
        row("004:85", "401", || {
            assert_eq!(answer_error(V, 401, None), Error::Unauthorized);
            // 402 and 404 are deepidv's: for Verifa they are no more than their HTTP meaning.
            assert_eq!(answer_error(V, 404, None), Error::UpstreamError { status: 404 });
        }),
        row("004:88", "Unprocessable Entity Error", || {
            let error = answer_error(V, 422, None);
            assert_eq!((error.code(), error.status()), ("invalid_request", Some(422)));
            // 422 is Verifa's: for deepidv it is no more than its HTTP meaning.
            assert_eq!(answer_error(Provider::Deepidv, 422, None), Error::UpstreamError { status: 422 });
        }),
        row("004:90", "Too Many Requests Error", || {
            assert!(is_retry(step(V, 0, answered(429), false)));
            assert_eq!(step(V, 2, answered(429), false), Step::Fail(Error::RateLimited { retry_after_ms: None }));
        }),
    ]
}

#[test]
fn verifa_documents() {
    run_table("verifa", &["004"], verifa_rows());
}
