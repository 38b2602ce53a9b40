//! The server half's decisions (src/server.rs), natively: routes, the create's checks and return
//! URL pinning, what is kept for an Idempotency-Key, the status summary of each provider, the
//! start and return routes and the configuration's refusals. The JS shell around them is tested
//! in Node and workerd (tests/js/server.test.mjs).

#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::error::Error;
use idv_handoff::handoff::encode_state;
use idv_handoff::json::Json;
use idv_handoff::provider::Provider;
use idv_handoff::server::{
    config, create_request, keeps_answer, over_http, refusal_body, result_location,
    returned_session, session_request, snake_case, start, state_cookie, state_of_cookies, summary,
    summary_body, ConfigOptions, CookieState, Returned, Route, ServerConfig, STATE_COOKIE,
};
use serde_json::{json, Value};

const RETURN: &str = "https://yourapp.com/idv/return";

fn options(provider: Provider, return_urls: &[String]) -> ConfigOptions<'_> {
    ConfigOptions {
        provider_url: (provider == Provider::Verifa).then_some("https://api.verifa.example"),
        ..ConfigOptions::new(provider, return_urls)
    }
}

fn server(provider: Provider) -> ServerConfig {
    config(&options(provider, &[RETURN.to_string()])).unwrap()
}

fn state() -> String {
    encode_state(&[7u8; 32])
}

#[test]
fn routes_by_method_and_path() {
    let s = server(Provider::Deepidv);
    assert_eq!(s.route("POST", "/api/idv/sessions"), Route::Create);
    assert_eq!(
        s.route("GET", "/api/idv/sessions/abc"),
        Route::Status("abc".into())
    );
    assert_eq!(s.route("OPTIONS", "/api/idv/sessions"), Route::Preflight);
    assert_eq!(s.route("GET", "/api/idv/sessions"), Route::NotFound);
    assert_eq!(s.route("GET", "/api/idv/sessions/"), Route::NotFound);
    assert_eq!(s.route("PUT", "/api/idv/sessions"), Route::NotFound);
    assert_eq!(s.route("POST", "/api/idv/other"), Route::NotFound);
    assert_eq!(s.route("GET", "/idv/start"), Route::Start);
    assert_eq!(s.route("GET", "/idv/return"), Route::Return);
    assert_eq!(s.route("POST", "/idv/return"), Route::Elsewhere);
    // A path that merely begins with the API path is not under it.
    assert_eq!(s.route("POST", "/api/idvx/sessions"), Route::Elsewhere);
    assert_eq!(s.route("GET", "/"), Route::Elsewhere);
}

#[test]
fn cors_allows_own_and_configured_origins_only() {
    let origins = ["https://app.example".to_string()];
    let returns = [RETURN.to_string()];
    let mut o = options(Provider::Deepidv, &returns);
    o.allowed_origins = &origins;
    let s = config(&o).unwrap();
    let own = "https://yourapp.com";
    assert!(s.origin_allowed(None, own));
    assert!(s.origin_allowed(Some(own), own));
    assert!(s.origin_allowed(Some("https://app.example"), own));
    assert!(!s.origin_allowed(Some("https://evil.example"), own));
    assert!(!s.origin_allowed(Some("https://app.example.evil.example"), own));
    assert!(!s.origin_allowed(Some("null"), own));
    // With publicOrigin, the request URL's origin is not the handler's own (a framework that
    // sees http://localhost, or an adapter that took a host from the request line).
    let mut o = options(Provider::Deepidv, &returns);
    o.public_origin = Some("https://yourapp.com");
    let s = config(&o).unwrap();
    assert!(s.origin_allowed(Some("https://yourapp.com"), "http://localhost:3000"));
    assert!(!s.origin_allowed(Some("http://evil.example"), "http://evil.example"));
    o.public_origin = Some("https://yourapp.com/path");
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption {
            option: "publicOrigin"
        }
    );
}

fn deepidv_body(redirect: &str) -> String {
    json!({
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "phone": "+14155550100", "redirect_url": redirect
    })
    .to_string()
}

#[test]
fn create_forwards_the_checked_body_to_the_documented_path() {
    let s = server(Provider::Deepidv);
    let req = create_request(&s, &deepidv_body(&format!("{RETURN}?state=x")), Some("k-1")).unwrap();
    assert_eq!(req.url, "https://api.deepidv.com/v1/sessions");
    let body: Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["first_name"], "Ada");
    assert_eq!(body["redirect_url"], format!("{RETURN}?state=x"));

    let d = server(Provider::Didit);
    let didit = json!({
        "workflow_id": "11111111-2222-4333-8444-555555555555",
        "callback": RETURN,
    })
    .to_string();
    let req = create_request(&d, &didit, None).unwrap();
    assert_eq!(req.url, "https://verification.didit.me/v3/session/");
    let body: Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["callback"], RETURN);
}

#[test]
fn create_refuses_a_foreign_return_url_before_the_provider() {
    let s = server(Provider::Deepidv);
    for foreign in [
        "https://evil.example/idv/return",
        "https://yourapp.com/elsewhere",
        "https://yourapp.com:8443/idv/return",
        "https://yourapp.com/idv/return/more",
        "https://yourapp.com.evil.example/idv/return",
    ] {
        let (refusal, _) = create_request(&s, &deepidv_body(foreign), None).unwrap_err();
        assert_eq!(
            (refusal.status, refusal.error),
            (400, Error::ReturnUrlNotAllowed),
            "{foreign}"
        );
    }
    // Didit's return URL is `callback`: pinned the same way.
    let d = server(Provider::Didit);
    let didit = json!({
        "workflow_id": "11111111-2222-4333-8444-555555555555",
        "callback": "https://evil.example/idv/return",
    })
    .to_string();
    let (refusal, _) = create_request(&d, &didit, None).unwrap_err();
    assert_eq!(refusal.error, Error::ReturnUrlNotAllowed);
}

/// "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks" (003): a Didit
/// session may return to the app, pinned like any return URL, when the integrator allows the
/// scheme.
#[test]
fn didit_app_scheme_callbacks_are_pinned_too() {
    let returns = ["myapp://verified".to_string(), RETURN.to_string()];
    let schemes = ["myapp".to_string()];
    let mut o = options(Provider::Didit, &returns);
    // Without the scheme allowed, such a return URL is not one.
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption {
            option: "returnUrls"
        }
    );
    o.app_schemes = &schemes;
    let s = config(&o).unwrap();
    let body = |callback: &str| {
        json!({"workflow_id": "11111111-2222-4333-8444-555555555555", "callback": callback})
            .to_string()
    };
    let req = create_request(&s, &body("myapp://verified?state=abc"), None).unwrap();
    let sent: Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(sent["callback"], "myapp://verified?state=abc");
    for other in [
        "myapp://elsewhere",
        "otherapp://verified",
        "myapp://verified/more",
    ] {
        let refused = create_request(&s, &body(other), None).unwrap_err().0;
        assert_eq!(refused.status, 400, "{other}");
    }
    let bad = ["https".to_string()];
    o.app_schemes = &bad;
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption {
            option: "allowedAppSchemes"
        }
    );
}

#[test]
fn create_caps_the_body_per_provider() {
    for provider in Provider::ALL {
        let s = server(*provider);
        let big = " ".repeat(provider.max_request_bytes() + 1);
        let (refusal, _) = create_request(&s, &big, None).unwrap_err();
        assert_eq!(refusal.status, 413, "{provider:?}");
        assert_eq!(refusal.error, Error::InputTooLong { field: "request" });
    }
}

#[test]
fn create_names_every_problem_of_the_request() {
    let s = server(Provider::Deepidv);
    let body = json!({"first_name": "", "email": "no", "apiKey": "sk_live"}).to_string();
    let (refusal, problems) = create_request(&s, &body, None).unwrap_err();
    assert_eq!(refusal.status, 400);
    let fields: Vec<_> = problems.iter().map(|(_, f)| f.clone()).collect();
    assert!(fields.contains(&Some("apiKey".into())), "{fields:?}");
    assert!(fields.contains(&Some("email".into())), "{fields:?}");
    assert!(problems.len() >= 3, "{problems:?}");
    let answer: Value = serde_json::from_str(&refusal_body(refusal.error, &problems)).unwrap();
    assert_eq!(answer["errors"].as_array().unwrap().len(), problems.len());
    assert!(!answer.to_string().contains("sk_live"));
    // Not JSON, and a malformed key.
    let (refusal, _) = create_request(&s, "{", None).unwrap_err();
    assert_eq!(refusal.error, Error::InvalidRequest { field: "request" });
    let (refusal, _) = create_request(&s, &deepidv_body(RETURN), Some("a b")).unwrap_err();
    assert_eq!(
        refusal.error,
        Error::InvalidRequest {
            field: "Idempotency-Key"
        }
    );
}

#[test]
fn keeps_sessions_and_refusals_but_not_transient_failures() {
    for status in [200, 201, 400, 401, 404, 409, 422] {
        assert!(keeps_answer(status), "{status}");
    }
    for status in [429, 500, 502, 503, 504, 0, 199] {
        assert!(!keeps_answer(status), "{status}");
    }
}

#[test]
fn session_request_checks_the_id_and_builds_each_providers_path() {
    assert_eq!(
        session_request(&server(Provider::Deepidv), "abc_1").unwrap(),
        "https://api.deepidv.com/v1/sessions/abc_1"
    );
    assert_eq!(
        session_request(&server(Provider::Didit), "abc").unwrap(),
        "https://verification.didit.me/v3/session/abc/decision/"
    );
    for bad in ["", "../x", "a/b", "a?b", "a%2Fb", &"a".repeat(129)] {
        let refusal = session_request(&server(Provider::Deepidv), bad).unwrap_err();
        assert_eq!(
            (refusal.status, refusal.error),
            (400, Error::InvalidSessionId)
        );
    }
}

/// Every documented status, with `final` as issue 15 lists it.
#[test]
fn statuses_and_final_for_the_three_providers() {
    let cases: &[(Provider, Value, &str, bool)] = &[
        (
            Provider::Deepidv,
            json!({"sessionRecord": {"status": "PENDING"}}),
            "pending",
            false,
        ),
        (
            Provider::Deepidv,
            json!({"sessionRecord": {"status": "SUBMITTED"}}),
            "submitted",
            true,
        ),
        (
            Provider::Deepidv,
            json!({"sessionRecord": {"status": "VERIFIED"}}),
            "verified",
            true,
        ),
        (
            Provider::Deepidv,
            json!({"sessionRecord": {"status": "REJECTED"}}),
            "rejected",
            true,
        ),
        (
            Provider::Deepidv,
            json!({"sessionRecord": {"status": "VOIDED"}}),
            "voided",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "Not Started"}),
            "not_started",
            false,
        ),
        (
            Provider::Didit,
            json!({"status": "In Progress"}),
            "in_progress",
            false,
        ),
        (
            Provider::Didit,
            json!({"status": "Approved"}),
            "approved",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "Declined"}),
            "declined",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "In Review"}),
            "in_review",
            false,
        ),
        (
            Provider::Didit,
            json!({"status": "Expired"}),
            "expired",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "Abandoned"}),
            "abandoned",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "Kyc Expired"}),
            "kyc_expired",
            true,
        ),
        (
            Provider::Didit,
            json!({"status": "Resubmitted"}),
            "resubmitted",
            false,
        ),
        (
            Provider::Didit,
            json!({"status": "Awaiting User"}),
            "awaiting_user",
            false,
        ),
        (
            Provider::Verifa,
            json!({"status": "created"}),
            "created",
            false,
        ),
        (
            Provider::Verifa,
            json!({"status": "completed"}),
            "completed",
            true,
        ),
        (
            Provider::Verifa,
            json!({"status": "failed", "failure_reason": "document_expired"}),
            "failed",
            true,
        ),
    ];
    for (provider, answer, status, final_) in cases {
        let s = server(*provider);
        let json = Json::parse(&answer.to_string()).unwrap();
        let summary = summary(&s, &json).unwrap_or_else(|| panic!("{answer}"));
        assert_eq!(
            (summary.status.as_str(), summary.final_),
            (*status, *final_),
            "{answer}"
        );
        let body: Value =
            serde_json::from_str(&summary_body(&s, "id1", &summary, &answer.to_string())).unwrap();
        assert_eq!(body["provider"], provider.as_str());
        assert_eq!(body["id"], "id1");
        assert_eq!(body["status"], *status);
        assert_eq!(body["final"], *final_);
        assert_eq!(&body["raw"], answer);
    }
    let verifa = server(Provider::Verifa);
    let failed = Json::parse(r#"{"status":"failed","failure_reason":"document_expired"}"#);
    assert_eq!(
        summary(&verifa, &failed.unwrap())
            .unwrap()
            .reason
            .as_deref(),
        Some("document_expired")
    );
    // A status the table does not know, or none: no summary (the handler answers 502).
    for answer in [r#"{"status":"Approved"}"#, r#"{"sessionRecord":{}}"#, "[]"] {
        let json = Json::parse(answer).unwrap();
        assert_eq!(summary(&server(Provider::Deepidv), &json), None, "{answer}");
    }
    assert_eq!(snake_case("Kyc Expired"), "kyc_expired");
}

#[test]
fn status_words_are_configurable_where_assumed() {
    let returns = [RETURN.to_string()];
    let mut o = options(Provider::Verifa, &returns);
    o.statuses = Some(vec![
        ("requires_input".into(), false),
        ("verified".into(), true),
    ]);
    let s = config(&o).unwrap();
    let json = Json::parse(r#"{"status":"verified"}"#).unwrap();
    let summary = summary(&s, &json).unwrap();
    assert_eq!(
        (summary.status.as_str(), summary.final_),
        ("verified", true)
    );
    o.statuses = Some(vec![]);
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption { option: "statuses" }
    );
}

#[test]
fn start_keeps_the_state_and_checks_the_hosted_page() {
    let s = server(Provider::Deepidv);
    let state = state();
    let return_url = format!("{RETURN}?state={state}");
    let hosted = format!(
        "https://app.deepidv.com/s/abc?redirect_url={}",
        urlencoding(&return_url)
    );
    let query = format!("handoff={}", urlencoding(&hosted));
    let started = start(&s, &query).unwrap();
    assert_eq!(started.state, state);
    assert!(started
        .location
        .starts_with("https://app.deepidv.com/s/abc?"));
    // Another host, a foreign return URL, a state createState did not make, two handoffs.
    let evil = format!(
        "https://evil.example/s?redirect_url={}",
        urlencoding(&return_url)
    );
    assert!(start(&s, &format!("handoff={}", urlencoding(&evil))).is_err());
    let foreign = format!(
        "https://app.deepidv.com/s/abc?redirect_url={}",
        urlencoding(&format!("https://evil.example/idv/return?state={state}"))
    );
    assert_eq!(
        start(&s, &format!("handoff={}", urlencoding(&foreign))),
        Err(Error::ReturnUrlNotAllowed)
    );
    let short = format!(
        "https://app.deepidv.com/s/abc?redirect_url={}",
        urlencoding(&format!("{RETURN}?state=abc"))
    );
    assert_eq!(
        start(&s, &format!("handoff={}", urlencoding(&short))),
        Err(Error::InvalidState)
    );
    assert!(start(&s, &format!("{query}&{query}")).is_err());
    // Didit: the state comes beside the hosted URL.
    let d = server(Provider::Didit);
    let hosted = "https://verify.didit.me/session/abc";
    let q = format!("handoff={}&state={state}", urlencoding(hosted));
    assert_eq!(start(&d, &q).unwrap().state, state);
    assert_eq!(
        start(&d, &format!("handoff={}", urlencoding(hosted))),
        Err(Error::InvalidState)
    );
}

#[test]
fn the_state_cookie_is_host_only_secure_and_one_use() {
    let state = state();
    let set = state_cookie(CookieState::Pending(&state), false);
    assert!(set.starts_with(&format!("{STATE_COOKIE}={state};")));
    for part in [
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=3600",
    ] {
        assert!(set.contains(part), "{set}");
    }
    let used = state_cookie(CookieState::Used(&state), false);
    assert!(
        used.starts_with(&format!("{STATE_COOKIE}=used.{state};")),
        "{used}"
    );
    let header = format!("a=b; {STATE_COOKIE}={state}; c=d");
    assert_eq!(
        state_of_cookies(&header, false),
        Some(CookieState::Pending(&state))
    );
    let header = format!("{STATE_COOKIE}=used.{state}");
    assert_eq!(
        state_of_cookies(&header, false),
        Some(CookieState::Used(&state))
    );
    assert_eq!(
        state_of_cookies(&format!("{STATE_COOKIE}=short"), false),
        None
    );
    assert_eq!(
        state_of_cookies(&format!("{STATE_COOKIE}=used.short"), false),
        None
    );
    assert_eq!(state_of_cookies("idv-state=x", false), None);
    // Development over http on loopback: a cookie without Secure (WebKit keeps no Secure cookie
    // on http://127.0.0.1), under another name, and only read there.
    let dev = state_cookie(CookieState::Pending(&state), true);
    assert_eq!(
        dev,
        format!("idv-state={state}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600")
    );
    let header = format!("idv-state={state}");
    assert_eq!(
        state_of_cookies(&header, true),
        Some(CookieState::Pending(&state))
    );
    assert_eq!(state_of_cookies(&header, false), None);
    let s = server(Provider::Deepidv);
    assert!(!over_http(&s, "http://127.0.0.1:8787/idv/return"));
    let local = ["http://127.0.0.1:8787/idv/return".to_string()];
    let mut o = options(Provider::Deepidv, &local);
    o.allow_insecure_localhost = true;
    let dev_config = config(&o).unwrap();
    assert!(over_http(&dev_config, "http://127.0.0.1:8787/idv/return"));
    assert!(!over_http(&dev_config, "https://127.0.0.1:8787/idv/return"));
}

#[test]
fn the_return_tells_this_browser_another_device_a_replay_and_a_forgery_apart() {
    let s = server(Provider::Deepidv);
    let state = state();
    let query = format!("session_id=abc&status=success&state={state}");
    // The browser that began it.
    assert_eq!(
        returned_session(&s, &query, Some(CookieState::Pending(&state))),
        Ok(Returned::Here("abc".into()))
    );
    // A browser that began no handoff: another device (the session is confirmed next).
    assert_eq!(
        returned_session(&s, &query, None),
        Ok(Returned::OtherDevice("abc".into()))
    );
    // The same return again where it was already used: a replay.
    assert_eq!(
        returned_session(&s, &query, Some(CookieState::Used(&state))),
        Err(Error::HandoffReplayed)
    );
    // This browser used another handoff's state earlier: this return is another device's.
    let other = encode_state(&[8u8; 32]);
    assert_eq!(
        returned_session(&s, &query, Some(CookieState::Used(&other))),
        Ok(Returned::OtherDevice("abc".into()))
    );
    // A pending handoff here with another state: forged.
    assert_eq!(
        returned_session(&s, &query, Some(CookieState::Pending(&other))),
        Err(Error::StateMismatch)
    );
    // Malformed returns are errors whoever receives them.
    for bad in [
        format!("state={state}"),
        "session_id=../x&status=success".into(),
    ] {
        assert!(returned_session(&s, &bad, None).is_err(), "{bad}");
        assert!(returned_session(&s, &bad, Some(CookieState::Pending(&state))).is_err());
    }
    assert_eq!(result_location(&s, "?session_id=abc"), "/?session_id=abc");
    assert_eq!(result_location(&s, ""), "/");
}

#[test]
fn configuration_refuses_what_would_make_the_proxy_unsafe() {
    let cases: &[(&str, &str)] = &[
        ("http://yourapp.com/idv/return", "returnUrls"),
        ("javascript:alert(1)", "returnUrls"),
        ("/idv/return", "returnUrls"),
    ];
    for (url, option) in cases {
        let returns = [url.to_string()];
        let err = config(&options(Provider::Deepidv, &returns)).unwrap_err();
        assert_eq!(err, Error::InvalidOption { option }, "{url}");
    }
    assert_eq!(
        config(&options(Provider::Deepidv, &[])).unwrap_err(),
        Error::InvalidOption {
            option: "returnUrls"
        }
    );
    // Verifa documents no base URL: it must be given.
    let returns = [RETURN.to_string()];
    let mut o = options(Provider::Verifa, &returns);
    o.provider_url = None;
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption {
            option: "providerUrl"
        }
    );
    let mut o = options(Provider::Deepidv, &returns);
    o.provider_url = Some("http://api.deepidv.com");
    assert!(config(&o).is_err());
    let origins = ["https://app.example/path".to_string()];
    let mut o = options(Provider::Deepidv, &returns);
    o.allowed_origins = &origins;
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption {
            option: "allowedOrigins"
        }
    );
    let mut o = options(Provider::Deepidv, &returns);
    o.api_path = Some("/api/idv/");
    assert_eq!(
        config(&o).unwrap_err(),
        Error::InvalidOption { option: "apiPath" }
    );
    // Loopback http, for development, only when allowed.
    let local = ["http://127.0.0.1:8787/idv/return".to_string()];
    let mut o = options(Provider::Deepidv, &local);
    assert!(config(&o).is_err());
    o.allow_insecure_localhost = true;
    assert!(config(&o).is_ok());
}

/// Percent-encodes a query value (everything but unreserved characters).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}
