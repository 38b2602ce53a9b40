//! buildHandoffUrl with each browser's own URL parser (the shared table of
//! `tests/data/handoff-cases.json`), and the sessionStorage flow of beginHandoff and
//! completeHandoff, in Chromium, Firefox ESR and WebKitGTK.
#![cfg(target_arch = "wasm32")]

use idv_handoff::bindings::{begin_handoff, build_handoff_url, complete_handoff, create_state};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TABLE: &str = include_str!("data/handoff-cases.json");
const PENDING_KEY: &str = "idv-handoff:pending";

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn text(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn history() -> web_sys::History {
    web_sys::window().unwrap().history().unwrap()
}

fn href() -> String {
    web_sys::window().unwrap().location().href().unwrap()
}

/// Puts a callback query on this test page's own URL, as a provider's redirect would.
fn arrive_with(query: &str) {
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    history()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}")))
        .unwrap();
}

#[wasm_bindgen_test]
fn every_case_of_the_shared_table_with_the_browsers_url() {
    let table = JSON::parse(TABLE).unwrap();
    let cases: Array = get(&table, "cases").unchecked_into();
    assert!(cases.length() >= 70);
    for case in cases.iter() {
        let name = text(&case, "name").unwrap();
        let session_url = text(&case, "sessionUrl").unwrap();
        let options = get(&case, "options");
        match (
            build_handoff_url(session_url.clone().into(), options),
            text(&case, "expect"),
        ) {
            (Ok(url), Some(expect)) => assert_eq!(url, expect, "{name}"),
            (Err(e), None) => {
                assert!(e.is_instance_of::<js_sys::Error>(), "{name}");
                assert_eq!(text(&e, "code"), text(&case, "error"), "{name}");
                assert_eq!(text(&e, "field"), text(&case, "field"), "{name}: field");
            }
            (got, _) => panic!("{name}: got {got:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn create_state_is_43_base64url_characters_and_fresh_each_time() {
    let a = create_state().unwrap();
    let b = create_state().unwrap();
    assert_eq!(a.len(), 43);
    assert!(
        a.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
        "{a}"
    );
    assert_ne!(a, b);
}

fn begin(session_id: Option<&str>) -> String {
    let mut opts = vec![
        (
            "redirectUrl",
            JsValue::from(href().split('?').next().unwrap()),
        ),
        ("allowInsecureLocalhost", true.into()),
    ];
    if let Some(id) = session_id {
        opts.push(("sessionId", id.into()));
    }
    begin_handoff("https://app.deepidv.com/s/abc".into(), object(&opts)).unwrap()
}

/// The state that beginHandoff put on the return URL inside the handoff URL.
fn state_in(handoff: &str) -> String {
    let url = web_sys::Url::new(handoff).unwrap();
    let redirect = web_sys::Url::new(&url.search_params().get("redirect_url").unwrap()).unwrap();
    redirect.search_params().get("state").unwrap()
}

fn complete(options: &[(&str, JsValue)]) -> Result<JsValue, String> {
    complete_handoff(object(options)).map_err(|e| text(&e, "code").unwrap())
}

#[wasm_bindgen_test]
fn begin_then_complete_returns_the_callback_once() {
    let handoff = begin(Some("abc"));
    let record = JSON::parse(&storage().get_item(PENDING_KEY).unwrap().unwrap()).unwrap();
    let state = state_in(&handoff);
    assert_eq!(text(&record, "state").as_deref(), Some(state.as_str()));
    assert_eq!(text(&record, "sessionId").as_deref(), Some("abc"));
    assert!(get(&record, "createdAt").as_f64().unwrap() > 1.6e12);

    arrive_with(&format!(
        "?keep=1&session_id=abc&status=failed&reason=face_mismatch&state={state}#h"
    ));
    let cb = complete(&[]).unwrap();
    assert_eq!(text(&cb, "status").as_deref(), Some("failed"));
    assert_eq!(text(&cb, "state").as_deref(), Some(state.as_str()));
    // The callback left the address bar; the rest of the URL stayed.
    assert!(href().ends_with("?keep=1#h"), "{}", href());
    // One use: the record is gone, and the same callback again is a replay.
    assert_eq!(storage().get_item(PENDING_KEY).unwrap(), None);
    arrive_with(&format!("?session_id=abc&status=failed&state={state}"));
    assert_eq!(complete(&[]).unwrap_err(), "handoff_replayed");
    // A return with another state, in a tab with nothing pending: another device's.
    arrive_with("?session_id=abc&status=failed&state=another-device-state");
    assert_eq!(complete(&[]).unwrap_err(), "no_pending_handoff");
}

#[wasm_bindgen_test]
fn a_wrong_state_is_refused_and_still_consumes_the_record() {
    begin(None);
    arrive_with("?session_id=abc&status=success&state=forged");
    assert_eq!(complete(&[]).unwrap_err(), "state_mismatch");
    assert_eq!(storage().get_item(PENDING_KEY).unwrap(), None);
    assert!(!href().contains("session_id"), "{}", href());
}

#[wasm_bindgen_test]
fn another_session_id_is_refused() {
    let state = state_in(&begin(Some("abc")));
    arrive_with(&format!("?session_id=other&status=success&state={state}"));
    assert_eq!(complete(&[]).unwrap_err(), "session_mismatch");
}

#[wasm_bindgen_test]
fn an_old_handoff_is_expired() {
    let state = state_in(&begin(None));
    // Age the stored record by two hours.
    let record = JSON::parse(&storage().get_item(PENDING_KEY).unwrap().unwrap()).unwrap();
    let created = get(&record, "createdAt").as_f64().unwrap();
    Reflect::set(
        &record,
        &"createdAt".into(),
        &(created - 7_200_000.0).into(),
    )
    .unwrap();
    storage()
        .set_item(
            PENDING_KEY,
            &String::from(JSON::stringify(&record).unwrap()),
        )
        .unwrap();
    arrive_with(&format!("?session_id=abc&status=success&state={state}"));
    assert_eq!(complete(&[]).unwrap_err(), "handoff_expired");

    // The same age passes with a longer maxAgeMs.
    let state = state_in(&begin(None));
    arrive_with(&format!("?session_id=abc&status=success&state={state}"));
    assert!(complete(&[("maxAgeMs", 10_000_000.0.into())]).is_ok());
}

#[wasm_bindgen_test]
fn a_corrupt_record_is_no_pending_handoff() {
    for record in [
        "{",
        "null",
        "{\"state\":\"a b\",\"createdAt\":1}",
        "{\"state\":\"abc\"}",
        "{\"state\":\"abc\",\"createdAt\":1,\"sessionId\":5}",
    ] {
        storage().set_item(PENDING_KEY, record).unwrap();
        arrive_with("?session_id=abc&status=success&state=abc");
        assert_eq!(complete(&[]).unwrap_err(), "no_pending_handoff", "{record}");
    }
}

#[wasm_bindgen_test]
fn begin_refuses_a_caller_state_and_bad_options() {
    let cases: [(&[(&str, JsValue)], &str); 4] = [
        (
            &[
                ("redirectUrl", "https://yourapp.com/".into()),
                ("state", "mine".into()),
            ],
            "state",
        ),
        (
            &[
                ("redirectUrl", "https://yourapp.com/".into()),
                ("sessionId", "a b".into()),
            ],
            "sessionId",
        ),
        (
            &[
                ("redirectUrl", "https://yourapp.com/".into()),
                ("navigate", "yes".into()),
            ],
            "navigate",
        ),
        (&[], "redirectUrl"),
    ];
    for (opts, field) in cases {
        let err = begin_handoff("https://app.deepidv.com/s".into(), object(opts)).unwrap_err();
        assert_eq!(text(&err, "code").as_deref(), Some("invalid_option"));
        assert_eq!(text(&err, "field").as_deref(), Some(field));
    }
}

#[wasm_bindgen_test]
fn didit_begin_takes_the_state_of_the_creation_time_return_url() {
    let state = create_state().unwrap();
    // This page's URL without its query or fragment (the test runner puts one on it).
    let here = href();
    let base = here.split(['?', '#']).next().unwrap();
    let return_url = format!("{base}?state={state}");
    let options = object(&[
        ("provider", "didit".into()),
        ("returnUrl", return_url.as_str().into()),
        ("sessionId", "11111111-2222-3333-4444-555555555555".into()),
        ("allowInsecureLocalhost", true.into()),
    ]);
    let handoff = begin_handoff(
        "https://verify.didit.me/session/3FaJ9wLqX2Mz".into(),
        options,
    )
    .unwrap();
    assert_eq!(handoff, "https://verify.didit.me/session/3FaJ9wLqX2Mz");
    let record = JSON::parse(&storage().get_item(PENDING_KEY).unwrap().unwrap()).unwrap();
    assert_eq!(text(&record, "state"), Some(state.clone()));

    // Didit appends verificationSessionId and status to the callback it was given.
    arrive_with(&format!(
        "?state={state}&verificationSessionId=11111111-2222-3333-4444-555555555555&status=In+Review"
    ));
    let cb = complete(&[]).unwrap();
    assert_eq!(text(&cb, "provider").as_deref(), Some("didit"));
    assert_eq!(text(&cb, "status").as_deref(), Some("in_review"));

    // A return URL without a state made by createState is refused.
    for bad in [
        base.to_string(),
        format!("{base}?state=short"),
        format!("{base}?state={state}&state={state}"),
    ] {
        let options = object(&[
            ("provider", "verifa".into()),
            ("returnUrl", bad.as_str().into()),
            ("allowInsecureLocalhost", true.into()),
        ]);
        let err = begin_handoff("https://capture.verifa.example/c/1".into(), options).unwrap_err();
        assert_eq!(text(&err, "field").as_deref(), Some("returnUrl"), "{bad}");
    }
}
