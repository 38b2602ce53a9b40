//! The JavaScript API in real browsers (Chromium, Firefox ESR, WebKitGTK) through
//! wasm-bindgen-test: errors arrive as `IdvError`, results as plain objects, and the query
//! decoder agrees with the browser's own `URLSearchParams`.
#![cfg(target_arch = "wasm32")]

#[path = "support/pairs.rs"]
mod support_pairs;
use support_pairs::{js_pairs, our_pairs};
#[path = "support/reason.rs"]
mod reason;
use reason::sanitised_reason;

use idv_handoff::bindings::parse_callback;
use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::UrlSearchParams;

wasm_bindgen_test_configure!(run_in_browser);

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn text(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

fn parse(input: impl Into<JsValue>, opts: Option<JsValue>) -> Result<JsValue, JsValue> {
    parse_callback(input.into(), opts.unwrap_or(JsValue::UNDEFINED))
}

/// The error's code, after checking it is an `IdvError` that is also an `Error`.
fn code_of(err: JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(text(&err, "name").as_deref(), Some("IdvError"));
    assert!(text(&err, "message").is_some_and(|m| !m.is_empty()));
    text(&err, "code").unwrap()
}

#[wasm_bindgen_test]
fn returns_a_plain_object_with_every_field() {
    let cb = parse(
        "https://yourapp.com/done?session_id=abc&status=failed&reason=face_mismatch&state=s1",
        None,
    )
    .unwrap();
    assert_eq!(
        Object::get_prototype_of(&cb),
        Object::get_prototype_of(&Object::new())
    );
    assert_eq!(text(&cb, "provider").as_deref(), Some("deepidv"));
    assert_eq!(text(&cb, "sessionId").as_deref(), Some("abc"));
    assert_eq!(text(&cb, "status").as_deref(), Some("failed"));
    assert_eq!(text(&cb, "rawStatus").as_deref(), Some("failed"));
    assert_eq!(text(&cb, "reason").as_deref(), Some("face_mismatch"));
    assert_eq!(text(&cb, "rawReason").as_deref(), Some("face_mismatch"));
    assert_eq!(text(&cb, "state").as_deref(), Some("s1"));
    let keys: Vec<String> = Object::keys(cb.unchecked_ref::<Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "provider",
            "sessionId",
            "status",
            "reason",
            "rawStatus",
            "rawReason",
            "state"
        ]
    );
}

#[wasm_bindgen_test]
fn accepts_url_and_url_search_params_objects() {
    let url = web_sys::Url::new("https://yourapp.com/r?verificationSessionId=x1&status=In+Review")
        .unwrap();
    let cb = parse(url, None).unwrap();
    assert_eq!(text(&cb, "provider").as_deref(), Some("didit"));
    assert_eq!(text(&cb, "status").as_deref(), Some("in_review"));
    assert_eq!(text(&cb, "rawStatus").as_deref(), Some("In Review"));

    let params = UrlSearchParams::new_with_str("status=SUBMITTED&sessionId=abc123").unwrap();
    let cb = parse(params, None).unwrap();
    assert_eq!(text(&cb, "status").as_deref(), Some("success"));
    assert_eq!(text(&cb, "sessionId").as_deref(), Some("abc123"));
}

#[wasm_bindgen_test]
fn each_rule_throws_its_code() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        ("status=success", &[], "missing_session_id"),
        ("session_id=a", &[], "missing_status"),
        ("session_id=a&status=nope", &[], "invalid_status"),
        (
            "session_id=a&status=success&status=failed",
            &[],
            "duplicate_parameter",
        ),
        ("session_id=a%2F&status=success", &[], "invalid_session_id"),
        (
            "session_id=a&status=success",
            &[("expectedSessionId", "b")],
            "session_mismatch",
        ),
        (
            "session_id=a&status=success&state=x",
            &[("expectedState", "y")],
            "state_mismatch",
        ),
        (
            "session_id=a&status=success&state=%3C",
            &[],
            "invalid_state",
        ),
        (
            "session_id=a&status=success",
            &[("provider", "acme")],
            "invalid_option",
        ),
    ];
    for (query, opts, code) in cases {
        let err = parse(*query, Some(options(opts))).unwrap_err();
        assert_eq!(code_of(err), *code, "{query}");
    }
    let err = parse(
        format!("session_id=a&status=success&p={}", "x".repeat(9000)),
        None,
    )
    .unwrap_err();
    assert_eq!(code_of(err), "input_too_long");
    let err = parse(JsValue::from_f64(1.0), None).unwrap_err();
    assert_eq!(code_of(err), "invalid_input");
}

#[wasm_bindgen_test]
fn duplicate_parameter_and_invalid_option_name_what_they_are_about() {
    let err = parse("session_id=a&status=success&status=failed", None).unwrap_err();
    assert_eq!(text(&err, "param").as_deref(), Some("status"));
    let o = Object::new();
    Reflect::set(&o, &"expectedState".into(), &JsValue::from_f64(5.0)).unwrap();
    let err = parse("session_id=a&status=success", Some(o.into())).unwrap_err();
    assert_eq!(text(&err, "code").as_deref(), Some("invalid_option"));
    assert_eq!(text(&err, "field").as_deref(), Some("expectedState"));
}

/// A small deterministic generator, so a failure names a reproducible query.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

const PIECES: &[&str] = &[
    "a",
    "b",
    "Z",
    "0",
    "=",
    "&",
    "+",
    "%",
    "%2",
    "%41",
    "%4d",
    "%zz",
    "%%",
    "%C3%A9",
    "%C3",
    "%FF",
    "%EF%BB%BF",
    "\u{FEFF}",
    "é",
    "†",
    " ",
    "%20",
    "%26",
    "%3D",
    "%2B",
    "session_id",
    "status",
    "reason",
    "state",
    "~",
    ".",
    "-",
    "%00",
    "\u{1F600}",
    "%F0%9F%98%80",
    "%ED%A0%80",
];

fn generated_query(rng: &mut XorShift) -> String {
    let len = rng.next() % 24;
    (0..len)
        .map(|_| PIECES[rng.next() % PIECES.len()])
        .collect()
}

#[wasm_bindgen_test]
fn decoder_agrees_with_the_browsers_url_search_params() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2000 {
        let query = generated_query(&mut rng);
        let host = UrlSearchParams::new_with_str(&query).unwrap();
        let host_pairs = js_pairs(&host);
        let ours = our_pairs(&query);
        assert_eq!(ours, host_pairs, "query {query:?}");
    }
}

/// Through the whole binding, lone surrogates included (a JS string can hold them; both sides
/// turn them into U+FFFD): the reason the browser decodes is the reason parseCallback keeps.
#[wasm_bindgen_test]
fn parse_callback_reads_values_as_the_browser_decodes_them() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for i in 0..1000 {
        let reason = generated_query(&mut rng).replace('&', "%26");
        let prefix = JsString::from("session_id=s1&status=failed&reason=");
        let mut query = prefix.concat(&JsString::from(reason.as_str()));
        if i % 3 == 0 {
            query = query.concat(&JsString::from_char_code1(0xD800));
        }
        // Hand the browser the JS string itself, lone surrogate and all.
        let ctor = Reflect::get(&js_sys::global(), &"URLSearchParams".into()).unwrap();
        let host: UrlSearchParams =
            Reflect::construct::<fn() -> JsValue>(ctor.unchecked_ref(), &Array::of1(&query))
                .unwrap()
                .unchecked_into();
        let expected = host.get("reason").unwrap();
        let cb = parse(query, None).unwrap();
        if expected.is_empty() {
            assert_eq!(text(&cb, "rawReason"), None);
        } else {
            assert_eq!(
                text(&cb, "rawReason"),
                Some(sanitised_reason(&expected)),
                "reason {reason:?}"
            );
        }
    }
}

/// The allocator gives memory back: after a warm-up, thousands more calls with inputs of varied
/// sizes (up to 8 KB, results and errors) leave the wasm memory the size it was. A leak of even
/// a few bytes a call, or a free list that fragments, would grow it by whole 64 KiB pages.
#[wasm_bindgen_test]
fn memory_stays_the_same_size_over_many_calls() {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let size = || {
        memory
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut calls = |n: u32| {
        for i in 0..n {
            let padding = "p".repeat(rng.next() % 8000);
            let status = if i % 3 == 0 { "nope" } else { "failed" };
            let query = format!("?session_id=s{i}&status={status}&reason=r%C3%A9{i}&x={padding}");
            let result = parse(query.as_str(), Some(options(&[("expectedState", "")])));
            let _ = result.map_err(code_of);
            parse(query.as_str(), None).map(drop).unwrap_or_else(|e| {
                code_of(e);
            });
        }
    };
    calls(300);
    let before = size();
    calls(3000);
    assert_eq!(size(), before, "the wasm memory grew from {before} bytes");
}
