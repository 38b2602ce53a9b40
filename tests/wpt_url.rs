//! The URL layer (`web_url`, over the url crate natively) against web-platform-tests
//! `url/resources/urltestdata.json` (`tests/data/wpt/`, revision and licence in its header).
//! `tests/browser_wpt.rs` runs the same cases with each browser's own `URL`.
//!
//! The module never resolves a URL against a base, so the cases run here are the http(s) ones
//! without a base: each must parse to exactly the expected href, scheme, host, hostname,
//! credentials and origin, or be refused when WPT says `failure`, except for an exact list of
//! expected failures. And every input that WPT says must fail, of any scheme, with or without a
//! base, is refused by `build_handoff_url`, as either URL.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/scheme.rs"]
mod scheme;
use scheme::scheme_of;

use std::collections::BTreeSet;

use idv_handoff::handoff::{build_handoff_url, HandoffOptions};
#[path = "support/wpt_url.rs"]
mod wpt_url;

use idv_handoff::web_url::{parse_strict, HttpAllowed, ParsedUrl};
use serde_json::Value;

const DATA: &str = include_str!("data/wpt/urltestdata.json");

/// The inputs of the http(s) cases on which the url crate disagrees with WPT at this revision.
/// Empty: every case passes (a case that starts failing, or passing, fails the test).
const EXPECTED_FAILURES: &[&str] = &[];

fn cases() -> Vec<Value> {
    let data: Vec<Value> = serde_json::from_str(DATA).unwrap();
    data.into_iter().filter(Value::is_object).collect()
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap_or("")
}

/// The http(s) cases without a base: the ones this module's URL layer runs.
fn http_cases() -> Vec<Value> {
    cases()
        .into_iter()
        .filter(|c| c["base"].is_null())
        .filter(|c| {
            matches!(
                scheme_of(text(c, "input")).as_deref(),
                Some("http" | "https")
            )
        })
        .collect()
}

/// What the URL layer got wrong on one case, if anything.
fn mismatch(case: &Value) -> Option<String> {
    wpt_url::mismatch(
        |key| case[key].as_str().map(str::to_owned),
        case["failure"].as_bool() == Some(true),
    )
}

#[test]
fn the_http_cases_through_the_url_layer() {
    let cases = http_cases();
    let failures: BTreeSet<&str> = cases
        .iter()
        .filter(|case| {
            let m = mismatch(case);
            if let Some(m) = &m {
                eprintln!("{:?}: {m}", text(case, "input"));
            }
            m.is_some()
        })
        .map(|case| text(case, "input"))
        .collect();
    let refused = cases.iter().filter(|c| c["failure"] == true).count();
    println!(
        "WPT urltestdata, url crate: {} http(s) cases run ({} to parse, {} to refuse), {} passed, {} expected failures",
        cases.len(),
        cases.len() - refused,
        refused,
        cases.len() - failures.len(),
        EXPECTED_FAILURES.len()
    );
    assert!(cases.len() >= 250, "only {} http(s) cases", cases.len());
    assert_eq!(failures, EXPECTED_FAILURES.iter().copied().collect());
}

#[test]
fn every_wpt_failure_input_is_refused_by_build_handoff_url() {
    let failing: Vec<Value> = cases()
        .into_iter()
        .filter(|c| c["failure"] == true)
        .collect();
    assert!(failing.len() >= 250, "only {} failure cases", failing.len());
    for case in &failing {
        let input = text(case, "input");
        for localhost in [false, true] {
            let as_redirect = HandoffOptions {
                redirect_url: input,
                allow_insecure_localhost: localhost,
                ..Default::default()
            };
            let got = build_handoff_url("https://app.deepidv.com/s/abc", &as_redirect);
            assert!(got.is_err(), "redirect URL {input:?} accepted: {got:?}");
            let as_session = HandoffOptions {
                redirect_url: "https://yourapp.com/done",
                allow_insecure_localhost: localhost,
                ..Default::default()
            };
            let got = build_handoff_url(input, &as_session);
            assert!(got.is_err(), "session URL {input:?} accepted: {got:?}");
        }
    }
}

/// What the strict layer accepts among the WPT inputs is already canonical: the expected href,
/// which it accepts again unchanged.
#[test]
fn strictly_accepted_wpt_inputs_are_their_own_canonical_form() {
    let mut accepted = 0;
    for case in http_cases().iter().filter(|c| c["failure"] != true) {
        let Ok(url) = parse_strict(text(case, "input"), "redirectUrl", HttpAllowed::Anywhere)
        else {
            continue;
        };
        accepted += 1;
        assert_eq!(url.href(), text(case, "href"), "{:?}", text(case, "input"));
        let again = parse_strict(url.href(), "redirectUrl", HttpAllowed::Anywhere);
        assert_eq!(again.as_ref().map(ParsedUrl::href), Ok(url.href()));
    }
    println!("WPT urltestdata: {accepted} http(s) inputs pass the strict checks");
    assert!(accepted > 0);
}
