//! web-platform-tests `url/resources/urltestdata.json` and `urlencoded-parser-data.json`
//! (`tests/data/wpt/`) through the wasm build in Chromium, Firefox ESR and WebKitGTK, where the
//! URL layer is the browser's own `URL`: the same cases as `tests/wpt_url.rs` (the http(s)
//! cases without a base), with an exact list of expected failures for each engine, and every
//! WPT `failure` input refused by `build_handoff_url`.
#![cfg(target_arch = "wasm32")]

#[path = "support/scheme.rs"]
mod scheme;
use scheme::scheme_of;
#[path = "support/pairs.rs"]
mod support_pairs;
use support_pairs::{js_pairs, our_pairs};

use std::collections::BTreeSet;

use idv_handoff::handoff::{build_handoff_url, HandoffOptions};
#[path = "support/wpt_url.rs"]
mod wpt_url;

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::UrlSearchParams;

wasm_bindgen_test_configure!(run_in_browser);

const URL_DATA: &str = include_str!("data/wpt/urltestdata.json");
const URLENCODED_DATA: &str = include_str!("data/wpt/urlencoded-parser-data.json");

/// The engines `make test` runs, and the inputs of the http(s) cases each one's `URL`
/// gets wrong at this WPT revision (each entry a known engine bug, not a bug of the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    fn current() -> Engine {
        let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
        let agent = Reflect::get(&navigator, &"userAgent".into())
            .unwrap()
            .as_string()
            .unwrap();
        if agent.contains("Firefox/") {
            Engine::Firefox
        } else if agent.contains("Chrome/") {
            Engine::Chromium
        } else {
            assert!(agent.contains("AppleWebKit/"), "unknown engine: {agent}");
            Engine::WebKit
        }
    }

    fn expected_url_failures(self) -> &'static [&'static str] {
        match self {
            Engine::Chromium => CHROMIUM_URL_FAILURES,
            Engine::Firefox => FIREFOX_URL_FAILURES,
            Engine::WebKit => WEBKIT_URL_FAILURES,
        }
    }
}

/// Chromium: punycode labels that decode to a number are not read as the IPv4 the host then
/// ends in; spaces (raw or `%20`) in a host are percent-encoded instead of refused; `*` in a
/// host is percent-encoded.
const CHROMIUM_URL_FAILURES: &[&str] = &[
    "http://a.b.c.xn--pokxncvks",
    "http://10.0.0.xn--pokxncvks",
    "http://a.b.c.XN--pokxncvks",
    "http://a.b.c.Xn--pokxncvks",
    "http://10.0.0.XN--pokxncvks",
    "http://10.0.0.xN--pokxncvks",
    "https://x x:12",
    "http://a b/",
    "http://ho%20st/",
    "http://!\"$&'()*+,-.;=_`{}~/",
];
/// Firefox ESR: refuses a host made of the ASCII punctuation the standard allows in hosts.
const FIREFOX_URL_FAILURES: &[&str] = &["http://!\"$&'()*+,-.;=_`{}~/"];
/// WebKitGTK: none.
const WEBKIT_URL_FAILURES: &[&str] = &[];

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn text(obj: &JsValue, key: &str) -> String {
    get(obj, key).as_string().unwrap_or_default()
}

fn objects(data: &str) -> Vec<JsValue> {
    let all: Array = JSON::parse(data).unwrap().unchecked_into();
    all.iter().filter(JsValue::is_object).collect()
}

fn is_failure(case: &JsValue) -> bool {
    get(case, "failure").as_bool() == Some(true)
}

/// What the URL layer got wrong on one case, if anything (as in `tests/wpt_url.rs`).
fn mismatch(case: &JsValue) -> Option<String> {
    wpt_url::mismatch(|key| get(case, key).as_string(), is_failure(case))
}

#[wasm_bindgen_test]
fn the_http_cases_through_the_browsers_url() {
    let engine = Engine::current();
    let cases: Vec<JsValue> = objects(URL_DATA)
        .into_iter()
        .filter(|c| get(c, "base").is_null())
        .filter(|c| {
            matches!(
                scheme_of(&text(c, "input")).as_deref(),
                Some("http" | "https")
            )
        })
        .collect();
    assert!(cases.len() >= 250, "only {} http(s) cases", cases.len());
    let mut report = String::new();
    let failures: BTreeSet<String> = cases
        .iter()
        .filter_map(|case| {
            let m = mismatch(case)?;
            report.push_str(&format!("\n  {:?}: {m}", text(case, "input")));
            Some(text(case, "input"))
        })
        .collect();
    let expected: BTreeSet<String> = engine
        .expected_url_failures()
        .iter()
        .map(|s| s.to_string())
        .collect();
    console_log!(
        "WPT urltestdata, {engine:?}: {} http(s) cases run, {} passed, {} expected failures",
        cases.len(),
        cases.len() - failures.len(),
        expected.len()
    );
    assert_eq!(failures, expected, "{engine:?}:{report}");
}

#[wasm_bindgen_test]
fn every_wpt_failure_input_is_refused_by_build_handoff_url() {
    let failing: Vec<String> = objects(URL_DATA)
        .iter()
        .filter(|c| is_failure(c))
        .map(|c| text(c, "input"))
        .collect();
    assert!(failing.len() >= 250, "only {} failure cases", failing.len());
    let mut accepted = Vec::new();
    for input in &failing {
        for localhost in [false, true] {
            let as_redirect = HandoffOptions {
                redirect_url: input,
                allow_insecure_localhost: localhost,
                ..Default::default()
            };
            if let Ok(url) = build_handoff_url("https://app.deepidv.com/s/abc", &as_redirect) {
                accepted.push(format!(
                    "redirect URL {input:?} (localhost {localhost}): {url}"
                ));
            }
            let as_session = HandoffOptions {
                redirect_url: "https://yourapp.com/done",
                allow_insecure_localhost: localhost,
                ..Default::default()
            };
            if let Ok(url) = build_handoff_url(input, &as_session) {
                accepted.push(format!(
                    "session URL {input:?} (localhost {localhost}): {url}"
                ));
            }
        }
    }
    assert!(
        accepted.is_empty(),
        "{:?}: accepted\n{}",
        Engine::current(),
        accepted.join("\n")
    );
}

/// The decoder (compiled to wasm) and the browser's own `URLSearchParams` both give the
/// expected pairs of every urlencoded case.
#[wasm_bindgen_test]
fn the_urlencoded_cases_in_the_decoder_and_the_browser() {
    let cases = objects(URLENCODED_DATA);
    assert_eq!(cases.len(), 35);
    for case in &cases {
        let input = text(case, "input");
        let expected = js_pairs(&get(case, "output"));
        assert_eq!(our_pairs(&input), expected, "decoder, input {input:?}");
        let browsers = js_pairs(&UrlSearchParams::new_with_str(&input).unwrap());
        assert_eq!(browsers, expected, "URLSearchParams, input {input:?}");
    }
}
