//! `normalizeSessionRequest`, and the two steps `createSession` (pkg-template/session.js) takes
//! around each `fetch`: the plan before the first attempt, the decision after each.
//!
//! The I/O loop (fetch, timers, abort) is a few lines of JavaScript, so that no async runtime
//! is compiled into the wasm (wasm-bindgen-futures and gloo-net measured at +5.5 and +10 KB
//! gzip); every decision it acts on is made here, by the core.

use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{get_random_values, to_js, to_js_with, OptionValues};
use crate::error::Error;
use crate::json::Json;
use crate::provider::Provider;
use crate::session::{
    bounded_message, field_name, is_date, is_idempotency_key, next_step, normalize_request,
    session_from_json, uuid_v4, Attempt, RetryPolicy, Step,
};
use crate::web_url::{parse_strict, HttpAllowed};

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    /// The Session object, with `JSON.parse(text)` as `raw` and, for deepidv, its `links` (an
    /// empty array when absent). `text` is the answer the core read: a JSON text the strict
    /// reader accepted, so `JSON.parse` takes it too.
    #[wasm_bindgen(js_name = sessionObject)]
    fn session_object(
        id: &str,
        session_url: &str,
        external_id: Option<&str>,
        expires_at: Option<&str>,
        qr_code_data_url: Option<&str>,
        text: &str,
        with_links: bool,
    ) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `SessionRequest` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "SessionRequest | DiditSessionRequest | VerifaSessionRequest")]
    pub type SessionRequest;
    /// `NormalizeSessionRequestOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "NormalizeSessionRequestOptions")]
    pub type NormalizeSessionRequestOptions;
    /// `SessionRequestBody` in `types.d.ts`.
    #[wasm_bindgen(
        typescript_type = "SessionRequestBody | DiditSessionRequest | VerifaSessionRequest"
    )]
    pub type SessionRequestBody;
}

/// `normalizeSessionRequest`'s options, which `createSession` reads too (see [`PLAN_KEYS`]).
const REQUEST_KEYS: &str = "pprovider,ballowInsecureLocalhost";

/// Checks the `provider` (deepidv when absent) and `allowInsecureLocalhost` options, the two of
/// `values` from index `at`, validates the request for that provider and returns them with its
/// JSON body. The request crosses as the text `JSON.stringify` makes of it; an unknown
/// top-level field is reported by its name.
fn request_body(
    request: &JsValue,
    values: &OptionValues,
    at: u32,
) -> Result<(String, Provider, bool), JsValue> {
    values.check(at as usize..at as usize + 2).map_err(to_js)?;
    let provider = values.provider(at).unwrap_or(Provider::Deepidv);
    let insecure = values.bool(at + 1);
    let refused = || to_js(Error::InvalidRequest { field: "request" });
    let text = super::json_stringify(request)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(refused)?;
    let json = Json::parse(&text).ok_or_else(refused)?;
    let body =
        normalize_request(provider, &json, insecure).map_err(|error| match (error, &json) {
            (Error::UnknownField { index }, Json::Object(members)) => {
                let name = members
                    .get(usize::from(index))
                    .map(|(name, _)| name.as_str());
                to_js_with(error, error.message(), name)
            }
            _ => to_js(error),
        })?;
    Ok((body, provider, insecure))
}

/// Validates a session request as the provider documents it (deepidv: either spelling,
/// camelCase winning; Didit and Verifa: their own shapes) and returns the body to send. For
/// proxies: never trust what a browser sends.
#[wasm_bindgen(js_name = normalizeSessionRequest)]
pub fn normalize_session_request(
    request: &SessionRequest,
    options: Option<NormalizeSessionRequestOptions>,
) -> Result<SessionRequestBody, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let values = OptionValues::read(&options, REQUEST_KEYS);
    let (body, _, _) = request_body(request, &values, 0)?;
    super::json_parse(&body).map(JsCast::unchecked_into)
}

/// Ten seconds per attempt.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;
/// More retries than this would hold a person on a spinner for minutes.
const MAX_RETRIES: u32 = 10;

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = sessionPlan)]
    fn session_plan(
        url: &str,
        body: &str,
        key: &str,
        api_version: Option<&str>,
        timeout_ms: f64,
        max_retries: u32,
        max_delay_ms: u32,
        provider: u8,
        allow_insecure_localhost: bool,
    ) -> JsValue;
}

/// `createSession`'s options, in the order they are checked: `allowInsecureProxy` before the proxy
/// URL, then those of [`REQUEST_KEYS`] before the request, then the rest.
const PLAN_KEYS: &str = "ballowInsecureProxy,pprovider,ballowInsecureLocalhost,sapiVersion,\
sidempotencyKey,ntimeoutMs,wmaxRetries,wmaxDelayMs";

/// Before any byte is sent: checks the proxy URL, the request and the options, and returns the
/// plan every attempt follows (the same body and Idempotency-Key each time).
#[wasm_bindgen(js_name = __createSessionPlan, skip_typescript)]
pub fn create_session_plan(
    proxy_url: &str,
    request: &JsValue,
    options: &JsValue,
) -> Result<JsValue, JsValue> {
    let values = OptionValues::read(options, PLAN_KEYS);
    values.check(0..1).map_err(to_js)?;
    let http = if values.bool(0) {
        HttpAllowed::Anywhere
    } else {
        HttpAllowed::Never
    };
    let proxy = parse_strict(proxy_url, "proxyUrl", http).map_err(to_js)?;
    let (body, provider, insecure) = request_body(request, &values, 1)?;
    // Each option is refused for its type or its value before the next is looked at.
    let plan = || -> Result<JsValue, Error> {
        // Verifa-Version: the API version date Verifa documents (`004_*`).
        let api_version = values.string(3);
        let verifa = provider == Provider::Verifa;
        let valid = api_version.as_deref().is_none_or(|v| verifa && is_date(v));
        values.check_and(3..4, valid)?;
        let key = values.string(4);
        values.check_and(4..5, key.as_deref().is_none_or(is_idempotency_key))?;
        let key = key.unwrap_or_else(|| {
            let mut bytes = [0u8; 16];
            get_random_values(&mut bytes);
            uuid_v4(bytes)
        });
        let defaults = RetryPolicy::default();
        let timeout_ms = values.number(5).unwrap_or(DEFAULT_TIMEOUT_MS);
        // A whole number up to u32::MAX once checked (in JavaScript), so `as` is exact.
        let max_retries = values.number(6).map_or(defaults.max_retries, |n| n as u32);
        values.check_and(5..7, max_retries <= MAX_RETRIES)?;
        values.check(7..8)?;
        let max_delay_ms = values.number(7).map_or(defaults.max_delay_ms, |n| n as u32);
        Ok(session_plan(
            proxy.href(),
            &body,
            &key,
            api_version.as_deref(),
            timeout_ms,
            max_retries,
            max_delay_ms,
            provider as u8,
            insecure,
        ))
    };
    plan().map_err(to_js)
}

/// How an attempt ended, in the numbers session.js passes: an answer, or why there is none.
const ANSWERED: u8 = 0;
const ABORTED: u8 = 1;
const TIMED_OUT: u8 = 2;

/// After an attempt: the Session (on a 2xx answer that is one), a number of milliseconds to
/// wait before the next attempt, or a thrown `IdvError`. The plan's policy comes back as plain
/// numbers (no object to read key by key); `provider` is its index in [`Provider::ALL`].
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = __createSessionStep, skip_typescript)]
pub fn create_session_step(
    max_retries: u32,
    max_delay_ms: u32,
    provider: u8,
    allow_insecure_localhost: bool,
    attempt: u32,
    failure: u8,
    status: u16,
    text: &JsValue,
    retry_after: &JsValue,
    rate_limit_reset: &JsValue,
    now_ms: f64,
    random: f64,
) -> Result<JsValue, JsValue> {
    // The strings cross as plain JS values: less JS glue than `&str` and `Option<String>`.
    let (retry_after, rate_limit_reset) = (retry_after.as_string(), rate_limit_reset.as_string());
    let text = text.as_string().unwrap_or_default();
    let outcome = match failure {
        ANSWERED => Attempt::Answered {
            status,
            retry_after: retry_after.as_deref(),
            rate_limit_reset: rate_limit_reset.as_deref(),
        },
        ABORTED => Attempt::Aborted,
        TIMED_OUT => Attempt::TimedOut,
        _ => Attempt::NetworkError,
    };
    let policy = RetryPolicy {
        max_retries,
        max_delay_ms,
    };
    match next_step(attempt, outcome, policy, now_ms, random) {
        Step::Retry { delay_ms } => Ok(JsValue::from(delay_ms)),
        Step::Accept => {
            let provider = Provider::ALL
                .get(usize::from(provider))
                .copied()
                .unwrap_or(Provider::Deepidv);
            session_of_answer(&text, status, provider, allow_insecure_localhost).map_err(to_js)
        }
        Step::Fail(Error::BadRequest { .. }) => Err(rejection(&text)),
        Step::Fail(error) => Err(to_js(error)),
    }
}

/// The session in a 2xx answer's JSON body, with the answer itself as `raw`.
fn session_of_answer(
    text: &str,
    status: u16,
    provider: Provider,
    allow_insecure_localhost: bool,
) -> Result<JsValue, Error> {
    let invalid = Error::InvalidResponse { status };
    let answer = Json::parse(text).ok_or(invalid)?;
    let session = session_from_json(provider, &answer, status, allow_insecure_localhost)?;
    Ok(session_object(
        &session.id,
        &session.session_url,
        session.external_id.as_deref(),
        session.expires_at.as_deref(),
        session.qr_code_data_url.as_deref(),
        text,
        provider == Provider::Deepidv,
    ))
}

/// A 400 keeps the server's own message (bounded) and the field it names, when it is one of
/// the request's; the proxy of this project answers `{ code, field, message }`.
fn rejection(text: &str) -> JsValue {
    let body = super::json_parse(text).unwrap_or(JsValue::UNDEFINED);
    // Read as options are: a member that is not a string reads as absent.
    let values = OptionValues::read(&body, "smessage,serror,sfield");
    let message = values
        .string(0)
        .or_else(|| values.string(1))
        .map(|m| bounded_message(&m))
        .filter(|m| !m.is_empty());
    let field = values.string(2).and_then(|f| field_name(&f));
    let error = Error::BadRequest { field };
    to_js_with(error, message.as_deref().unwrap_or(error.message()), field)
}
