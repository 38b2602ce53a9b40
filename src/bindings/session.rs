//! `normalizeSessionRequest`, and the two steps `createSession` (pkg-template/session.js) takes
//! around each `fetch`: the plan before the first attempt, the decision after each.
//!
//! The I/O loop (fetch, timers, abort) is a few lines of JavaScript, so that no async runtime
//! is compiled into the wasm (wasm-bindgen-futures and gloo-net measured at +5.5 and +10 KB
//! gzip); every decision it acts on is made here, by the core.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{
    bool_option, count_option, get_random_values, option, positive_option, present, string_option,
    to_js, to_js_with,
};
use crate::error::Error;
use crate::session::{
    bounded_message, field_name, is_idempotency_key, next_step,
    normalize_session_request as normalize, session_from_answer, uuid_v4, AnswerFields, Attempt,
    RetryPolicy, Step, Value,
};
use crate::web_url::{parse_strict, HttpAllowed};

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    fn entries(value: &JsValue) -> Option<js_sys::Array>;
    #[wasm_bindgen(js_name = sessionObject)]
    fn session_object(
        id: &str,
        session_url: &str,
        external_id: Option<&str>,
        links: &JsValue,
    ) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `SessionRequest` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "SessionRequest")]
    pub type SessionRequest;
    /// `NormalizeSessionRequestOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "NormalizeSessionRequestOptions")]
    pub type NormalizeSessionRequestOptions;
    /// `SessionRequestBody` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "SessionRequestBody")]
    pub type SessionRequestBody;
}

/// Validates a request and returns its JSON body; an unknown field is reported by its name.
fn request_body(request: &JsValue, allow_insecure_localhost: bool) -> Result<String, JsValue> {
    let pairs =
        entries(request).ok_or_else(|| to_js(Error::InvalidRequest { field: "request" }))?;
    let mut keys = Vec::with_capacity(pairs.length() as usize);
    let mut values = Vec::with_capacity(keys.capacity());
    for pair in pairs.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        keys.push(pair.get(0).as_string().unwrap_or_default());
        values.push(pair.get(1));
    }
    let texts: Vec<Option<String>> = values.iter().map(JsValue::as_string).collect();
    let fields: Vec<(&str, Value)> = keys
        .iter()
        .zip(values.iter().zip(&texts))
        .map(|(key, (value, text))| {
            let value = match (text, value.as_bool()) {
                (Some(text), _) => Value::Str(text),
                (None, Some(flag)) => Value::Bool(flag),
                _ if value.is_undefined() || value.is_null() => Value::Absent,
                _ => Value::Other,
            };
            (key.as_str(), value)
        })
        .collect();
    normalize(&fields, allow_insecure_localhost).map_err(|error| match error {
        Error::UnknownField { index } => {
            let name = keys.get(usize::from(index)).map(String::as_str);
            to_js_with(error, error.message(), name)
        }
        _ => to_js(error),
    })
}

/// Validates a session request as the provider documents it (either spelling; camelCase wins)
/// and returns the snake_case body to send. For proxies: never trust what a browser sends.
#[wasm_bindgen(js_name = normalizeSessionRequest)]
pub fn normalize_session_request(
    request: &SessionRequest,
    options: Option<NormalizeSessionRequestOptions>,
) -> Result<SessionRequestBody, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let insecure = bool_option(&options, "allowInsecureLocalhost").map_err(to_js)?;
    let body = request_body(request, insecure)?;
    js_sys::JSON::parse(&body).map(JsCast::unchecked_into)
}

/// Ten seconds per attempt.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;
/// More retries than this would hold a person on a spinner for minutes.
const MAX_RETRIES: u32 = 10;

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    #[wasm_bindgen(js_name = sessionPlan)]
    fn session_plan(
        url: &str,
        body: &str,
        key: &str,
        timeout_ms: f64,
        max_retries: u32,
        max_delay_ms: u32,
        allow_insecure_localhost: bool,
    ) -> JsValue;
}

/// Before any byte is sent: checks the proxy URL, the request and the options, and returns the
/// plan every attempt follows (the same body and Idempotency-Key each time).
#[wasm_bindgen(js_name = __createSessionPlan, skip_typescript)]
pub fn create_session_plan(
    proxy_url: &str,
    request: &JsValue,
    options: &JsValue,
) -> Result<JsValue, JsValue> {
    let insecure_proxy = bool_option(options, "allowInsecureProxy").map_err(to_js)?;
    let http = if insecure_proxy {
        HttpAllowed::Anywhere
    } else {
        HttpAllowed::Never
    };
    let proxy = parse_strict(proxy_url, "proxyUrl", http).map_err(to_js)?;
    let insecure = bool_option(options, "allowInsecureLocalhost").map_err(to_js)?;
    let body = request_body(request, insecure)?;
    let plan = || -> Result<JsValue, Error> {
        let key = match string_option(options, "idempotencyKey")? {
            Some(key) if is_idempotency_key(&key) => key,
            Some(_) => {
                return Err(Error::InvalidOption {
                    option: "idempotencyKey",
                })
            }
            None => {
                let mut bytes = [0u8; 16];
                get_random_values(&mut bytes);
                uuid_v4(bytes)
            }
        };
        let defaults = RetryPolicy::default();
        let timeout_ms = positive_option(options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let max_retries =
            count_option(options, "maxRetries", MAX_RETRIES)?.unwrap_or(defaults.max_retries);
        let max_delay_ms =
            count_option(options, "maxDelayMs", u32::MAX)?.unwrap_or(defaults.max_delay_ms);
        Ok(session_plan(
            proxy.href(),
            &body,
            &key,
            timeout_ms,
            max_retries,
            max_delay_ms,
            insecure,
        ))
    };
    plan().map_err(to_js)
}

/// After an attempt: the Session (on a 2xx answer that is one), a number of milliseconds to
/// wait before the next attempt, or a thrown `IdvError`.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = __createSessionStep, skip_typescript)]
pub fn create_session_step(
    plan: &JsValue,
    attempt: u32,
    failure: Option<String>,
    status: u16,
    text: &str,
    retry_after: Option<String>,
    rate_limit_reset: Option<String>,
    now_ms: f64,
    random: f64,
) -> Result<JsValue, JsValue> {
    let outcome = match failure.as_deref() {
        Some("aborted") => Attempt::Aborted,
        Some("timeout") => Attempt::TimedOut,
        Some(_) => Attempt::NetworkError,
        None => Attempt::Answered {
            status,
            retry_after: retry_after.as_deref(),
            rate_limit_reset: rate_limit_reset.as_deref(),
        },
    };
    let policy = RetryPolicy {
        max_retries: option(plan, "maxRetries").as_f64().unwrap_or(0.0) as u32,
        max_delay_ms: option(plan, "maxDelayMs").as_f64().unwrap_or(0.0) as u32,
    };
    match next_step(attempt, outcome, policy, now_ms, random) {
        Step::Retry { delay_ms } => Ok(JsValue::from(delay_ms)),
        Step::Accept => {
            let insecure = option(plan, "allowInsecureLocalhost").is_truthy();
            session_of_answer(text, status, insecure).map_err(to_js)
        }
        Step::Fail(Error::BadRequest { .. }) => Err(rejection(text)),
        Step::Fail(error) => Err(to_js(error)),
    }
}

/// The session in a 2xx answer's JSON body.
fn session_of_answer(
    text: &str,
    status: u16,
    allow_insecure_localhost: bool,
) -> Result<JsValue, Error> {
    let invalid = Error::InvalidResponse { status };
    let answer = js_sys::JSON::parse(text).map_err(|_| invalid)?;
    if entries(&answer).is_none() {
        return Err(invalid);
    }
    let text_of = |key| option(&answer, key).as_string();
    let (idv_id, id, session_url, session_url_camel, external_id_camel, external_id) = (
        text_of("idv_id"),
        text_of("id"),
        text_of("session_url"),
        text_of("sessionUrl"),
        text_of("externalId"),
        text_of("external_id"),
    );
    let session = session_from_answer(
        &AnswerFields {
            idv_id: idv_id.as_deref(),
            id: id.as_deref(),
            session_url: session_url.as_deref(),
            session_url_camel: session_url_camel.as_deref(),
            external_id_camel: external_id_camel.as_deref(),
            external_id: external_id.as_deref(),
        },
        status,
        allow_insecure_localhost,
    )?;
    let links = match present(&answer, "links") {
        Some(links) if js_sys::Array::is_array(&links) => links,
        Some(_) => return Err(invalid),
        None => js_sys::Array::new().into(),
    };
    Ok(session_object(
        &session.id,
        &session.session_url,
        session.external_id.as_deref(),
        &links,
    ))
}

/// A 400 keeps the server's own message (bounded) and the field it names, when it is one of
/// the request's; the proxy of this project answers `{ code, field, message }`.
fn rejection(text: &str) -> JsValue {
    let body = js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED);
    let message = option(&body, "message")
        .as_string()
        .or_else(|| option(&body, "error").as_string())
        .map(|m| bounded_message(&m))
        .filter(|m| !m.is_empty());
    let field = option(&body, "field")
        .as_string()
        .and_then(|f| field_name(&f));
    let error = Error::BadRequest { field };
    to_js_with(error, message.as_deref().unwrap_or(error.message()), field)
}
