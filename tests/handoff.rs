//! buildHandoffUrl's rules on the native core (url crate backend), from the shared table
//! `tests/data/handoff-cases.json` that the browser and Node tests run too.
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::callback::{parse_callback, CallbackOptions};
use idv_handoff::handoff::{build_handoff_url, encode_state, HandoffOptions};
use idv_handoff::Error;
use serde_json::Value;

const TABLE: &str = include_str!("data/handoff-cases.json");

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
}

fn build(case: &Value) -> Result<String, Error> {
    let o = &case["options"];
    let origins = strings(&o["allowedRedirectOrigins"]);
    let hosts = strings(&o["allowedSessionHosts"]);
    let options = HandoffOptions {
        redirect_url: o["redirectUrl"].as_str().unwrap(),
        state: o["state"].as_str(),
        allowed_redirect_origins: origins.as_deref(),
        allowed_session_hosts: hosts.as_deref(),
        allow_insecure_localhost: o["allowInsecureLocalhost"].as_bool().unwrap_or(false),
        language: o["language"].as_str(),
    };
    build_handoff_url(case["sessionUrl"].as_str().unwrap(), &options)
}

fn cases() -> Vec<Value> {
    let table: Value = serde_json::from_str(TABLE).unwrap();
    table["cases"].as_array().unwrap().clone()
}

#[test]
fn every_case_of_the_shared_table() {
    let cases = cases();
    assert!(cases.len() >= 70);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        match (build(case), case.get("expect")) {
            (Ok(url), Some(expect)) => assert_eq!(url, expect.as_str().unwrap(), "{name}"),
            (Err(e), None) => {
                assert_eq!(e.code(), case["error"].as_str().unwrap(), "{name}");
                assert_eq!(
                    e.field(),
                    case.get("field").and_then(Value::as_str),
                    "{name}: field"
                );
            }
            (got, _) => panic!("{name}: got {got:?}"),
        }
    }
}

/// The value of `redirect_url` in a built handoff URL, decoded as the provider would.
fn embedded_redirect(handoff: &str) -> String {
    let url = url::Url::parse(handoff).unwrap();
    let values: Vec<String> = url
        .query_pairs()
        .filter(|(n, _)| n == "redirect_url")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(values.len(), 1, "{handoff}");
    values.into_iter().next().unwrap()
}

#[test]
fn the_embedded_url_parses_back_to_itself_and_the_state_comes_back() {
    for case in cases().iter().filter(|c| c.get("expect").is_some()) {
        let handoff = build(case).unwrap();
        let redirect = embedded_redirect(&handoff);
        // Canonical: the parser serialises it to exactly itself.
        assert_eq!(
            url::Url::parse(&redirect).unwrap().as_str(),
            redirect,
            "{}",
            case["name"]
        );
        // The provider appends its parameters; the state rides back with them.
        let mut back = url::Url::parse(&redirect).unwrap();
        back.query_pairs_mut()
            .append_pair("session_id", "abc")
            .append_pair("status", "success");
        let state = case["options"]["state"].as_str();
        let options = CallbackOptions {
            expected_state: state,
            ..Default::default()
        };
        let cb = parse_callback(back.as_str(), &options)
            .unwrap_or_else(|e| panic!("{}: {e:?}", case["name"]));
        assert_eq!(cb.state.as_deref(), state);
    }
}

#[test]
fn a_state_round_trips_for_many_generated_states() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    for _ in 0..500 {
        let mut bytes = [0u8; 32];
        for b in &mut bytes {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = seed as u8;
        }
        let state = encode_state(&bytes);
        let options = HandoffOptions {
            redirect_url: "https://yourapp.com/done?x=1",
            state: Some(&state),
            ..Default::default()
        };
        let handoff = build_handoff_url("https://app.deepidv.com/s/1", &options).unwrap();
        let back = format!(
            "{}&session_id=s&status=failed&reason=face_mismatch",
            embedded_redirect(&handoff)
        );
        let cb = parse_callback(
            &back,
            &CallbackOptions {
                expected_state: Some(&state),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(cb.state.as_deref(), Some(state.as_str()));
    }
}

#[test]
fn state_encoding_is_unpadded_base64url() {
    // RFC 4648 test vectors, in the URL-safe alphabet without padding.
    let vectors: [(&[u8], &str); 7] = [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
    ];
    for (bytes, encoded) in vectors {
        assert_eq!(encode_state(bytes), encoded);
    }
    assert_eq!(encode_state(&[0xfb, 0xff, 0xbf]), "-_-_");
    assert_eq!(encode_state(&[0u8; 32]).len(), 43);
}

use idv_handoff::handoff::{build_hosted_url, build_return_url, check_not_expired, is_made_state};

#[test]
fn return_urls_for_providers_that_take_them_at_creation() {
    let state = encode_state(&[7u8; 32]);
    assert_eq!(
        build_return_url(
            "https://YourApp.com/done?x=1&state=old",
            Some(&state),
            None,
            false,
            &[]
        )
        .unwrap(),
        format!("https://yourapp.com/done?x=1&state={state}")
    );
    assert_eq!(
        build_return_url("https://yourapp.com/done", None, None, false, &[]).unwrap(),
        "https://yourapp.com/done"
    );
    let allowed = ["https://yourapp.com".to_string()];
    assert_eq!(
        build_return_url(
            "https://evil.example/",
            Some(&state),
            Some(&allowed),
            false,
            &[]
        ),
        Err(Error::RedirectOriginNotAllowed)
    );
    assert_eq!(
        build_return_url("https://yourapp.com/", Some("a b"), None, false, &[]),
        Err(Error::InvalidOption { option: "state" })
    );
    assert_eq!(
        build_return_url(
            "https://yourapp.com@evil.example/",
            Some(&state),
            None,
            false,
            &[]
        ),
        Err(Error::CredentialsInUrl {
            field: "redirectUrl"
        })
    );
}

/// "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks" (003, Didit's
/// `callback`): a return URL of a scheme the integrator lists carries the state like any other;
/// an unlisted one, or one a browser would run, is refused.
#[test]
fn app_scheme_return_urls_behind_the_integrators_list() {
    let state = encode_state(&[7u8; 32]);
    let apps = ["myapp".to_string()];
    assert_eq!(
        build_return_url("myapp://verified", Some(&state), None, false, &apps).unwrap(),
        format!("myapp://verified?state={state}")
    );
    assert_eq!(
        build_return_url(
            "myapp://verified?x=1&state=old",
            Some(&state),
            None,
            false,
            &apps
        )
        .unwrap(),
        format!("myapp://verified?x=1&state={state}")
    );
    let field = "redirectUrl";
    for (url, apps, error) in [
        ("myapp://verified", &[][..], Error::InsecureUrl { field }),
        (
            "otherapp://verified",
            &apps[..],
            Error::InsecureUrl { field },
        ),
        ("myapp:verified", &apps[..], Error::InsecureUrl { field }),
        (
            "myapp://verified path",
            &apps[..],
            Error::SuspiciousUrl { field },
        ),
    ] {
        assert_eq!(
            build_return_url(url, Some(&state), None, false, apps),
            Err(error),
            "{url}"
        );
    }
    let javascript = ["javascript".to_string()];
    assert!(build_return_url("javascript://x", None, None, false, &javascript).is_err());
}

#[test]
fn hosted_urls_are_checked_without_a_return_url() {
    assert_eq!(
        build_hosted_url(
            "https://verify.didit.me/session/3FaJ9wLqX2Mz",
            None,
            false,
            Some("fr")
        )
        .unwrap(),
        "https://verify.didit.me/fr/session/3FaJ9wLqX2Mz"
    );
    let hosts = ["capture.verifa.example".to_string()];
    assert_eq!(
        build_hosted_url(
            "https://capture.verifa.example/c/ses_1?t=x",
            Some(&hosts),
            false,
            None
        )
        .unwrap(),
        "https://capture.verifa.example/c/ses_1?t=x"
    );
    assert_eq!(
        build_hosted_url("https://evil.example/c/ses_1", Some(&hosts), false, None),
        Err(Error::SessionHostNotAllowed)
    );
    assert_eq!(
        build_hosted_url("http://capture.verifa.example/", None, false, None),
        Err(Error::InsecureUrl {
            field: "sessionUrl"
        })
    );
}

#[test]
fn expired_sessions_are_refused() {
    let now = 1_800_000_000_000.0; // 2027-01-15
    assert_eq!(
        check_not_expired("2027-01-15T08:00:00Z", now),
        Err(Error::SessionExpired)
    );
    assert_eq!(
        check_not_expired("2026-11-22T15:00:00+01:00", now),
        Err(Error::SessionExpired)
    );
    assert_eq!(check_not_expired("2027-01-15T09:00:00Z", now), Ok(()));
    assert_eq!(
        check_not_expired("tomorrow", now),
        Err(Error::InvalidOption {
            option: "expiresAt"
        })
    );
}

#[test]
fn made_states_are_recognised() {
    assert!(is_made_state(&encode_state(&[0xfb; 32])));
    for not in [
        "",
        "short",
        &"a".repeat(44),
        &format!("{}.", "a".repeat(42)),
        &format!("{}~", "a".repeat(42)),
    ] {
        assert!(!is_made_state(not), "{not}");
    }
}
