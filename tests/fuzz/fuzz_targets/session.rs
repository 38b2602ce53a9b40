//! The session request normaliser on any request.
//!
//! An input that starts with `{`, `[` or `"` is a JSON request, read by the core's JSON reader
//! and checked for every provider (`normalize_request`). Any other input is a deepidv request
//! as a list of fields (`normalize_session_request`), one a line: `name=` then a type letter
//! and the value: `s` a string (the rest of the line), `t` / `f` a boolean, `-` undefined or
//! null, `o` anything else.
//!
//! Invariants: nothing panics; what the JSON reader accepts is JSON to a standard parser too,
//! and writes back to text that reads back to the same value; a request with a field the
//! provider does not document is refused; an accepted body is a JSON object of the provider's
//! documented fields only, with the required ones; for deepidv field lists, each value is the
//! one given (camelCase winning over snake_case) and the redirect URL is canonical https (http
//! only to localhost, and only when allowed) without userinfo.
#![no_main]

use idv_handoff::json::Json as CoreJson;
use idv_handoff::provider::Provider;
use idv_handoff::session::{
    normalize_request, normalize_session_request, Field, RequestOptions, Value, DEEPIDV_FIELDS, DIDIT_FIELDS,
    VERIFA_FIELDS,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;

/// The documented fields: snake_case, camelCase.
const FIELDS: [(&str, &str); 9] = [
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("email", "email"),
    ("phone", "phone"),
    ("external_id", "externalId"),
    ("send_email_invite", "sendEmailInvite"),
    ("send_phone_invite", "sendPhoneInvite"),
    ("workflow_id", "workflowId"),
    ("redirect_url", "redirectUrl"),
];
const REQUIRED: [&str; 4] = ["first_name", "last_name", "email", "phone"];

fn field(line: &str) -> (&str, Value<'_>) {
    let (name, typed) = line.split_once('=').unwrap_or((line, "-"));
    let value = match typed.split_at_checked(1) {
        Some(("s", text)) => Value::Str(text),
        Some(("t", _)) => Value::Bool(true),
        Some(("f", _)) => Value::Bool(false),
        Some(("o", _)) => Value::Other,
        _ => Value::Absent,
    };
    (name, value)
}

/// What the caller gave for a field: camelCase first, then snake_case; absent values skipped.
fn given<'a>(fields: &[(&str, Value<'a>)], snake: &str, camel: &str) -> Option<Value<'a>> {
    let find = |name: &str| {
        fields
            .iter()
            .find(|(n, v)| *n == name && *v != Value::Absent)
            .map(|(_, v)| *v)
    };
    find(camel).or_else(|| find(snake))
}

fn check(fields: &[(&str, Value)], localhost: bool) {
    let result = normalize_session_request(fields, localhost);
    let unknown = fields
        .iter()
        .any(|(name, _)| !FIELDS.iter().any(|(s, c)| s == name || c == name));
    if unknown {
        assert!(
            result.is_err(),
            "an undocumented field was accepted: {fields:?}"
        );
        return;
    }
    let Ok(body) = result else { return };
    let json: Json = serde_json::from_str(&body).expect("the body is JSON");
    let object = json.as_object().expect("the body is an object");
    for key in object.keys() {
        assert!(
            FIELDS.iter().any(|(s, _)| s == key),
            "undocumented key {key} in {body}"
        );
    }
    for required in REQUIRED {
        assert!(
            object.contains_key(required),
            "{required} missing from {body}"
        );
    }
    for (snake, camel) in FIELDS {
        let sent = object.get(snake);
        match given(fields, snake, camel) {
            None => assert!(sent.is_none(), "{snake} sent but not given"),
            Some(Value::Bool(b)) => assert_eq!(sent, Some(&Json::Bool(b)), "{snake}"),
            Some(Value::Str(text)) if snake == "redirect_url" => {
                let sent = sent
                    .and_then(Json::as_str)
                    .expect("redirect_url is a string");
                let url = url::Url::parse(text).expect("an accepted redirect URL parses");
                assert_eq!(sent, url.as_str(), "the canonical redirect URL is sent");
                let http_local = localhost
                    && url.scheme() == "http"
                    && matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
                assert!(url.scheme() == "https" || http_local, "insecure {sent}");
                assert!(
                    url.username().is_empty() && url.password().is_none(),
                    "{sent}"
                );
            }
            Some(Value::Str(text)) => {
                assert_eq!(sent.and_then(Json::as_str), Some(text), "{snake}")
            }
            Some(other) => panic!("{snake}: {other:?} accepted"),
        }
    }
}

/// A JSON request for each provider: only documented fields, the required ones, in the body.
fn check_json(text: &str) {
    let Some(request) = CoreJson::parse(text) else {
        return;
    };
    assert!(
        serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
        "the core read JSON that serde_json refuses: {text:?}"
    );
    assert_eq!(CoreJson::parse(&request.to_text()).as_ref(), Some(&request));
    let shapes: [(Provider, &[Field]); 3] = [
        (Provider::Deepidv, DEEPIDV_FIELDS),
        (Provider::Didit, DIDIT_FIELDS),
        (Provider::Verifa, VERIFA_FIELDS),
    ];
    for (provider, shape) in shapes {
        for localhost in [false, true] {
            let options = RequestOptions {
                allow_insecure_localhost: localhost,
                ..RequestOptions::default()
            };
            let Ok(body) = normalize_request(provider, &request, &options) else {
                continue;
            };
            let json: Json = serde_json::from_str(&body).expect("the body is JSON");
            let object = json.as_object().expect("the body is an object");
            for key in object.keys() {
                assert!(
                    shape.iter().any(|(snake, ..)| snake == key),
                    "{provider:?}: undocumented key {key} in {body}"
                );
            }
            for (snake, _, _, required) in shape {
                assert!(
                    !required || object.contains_key(*snake),
                    "{provider:?}: {snake} missing"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if text.starts_with(['{', '[', '"']) {
        check_json(&text);
        return;
    }
    let fields: Vec<(&str, Value)> = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(field)
        .collect();
    check(&fields, false);
    check(&fields, true);
});
