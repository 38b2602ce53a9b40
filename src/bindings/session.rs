//! `normalizeSessionRequest`, and the two steps `createSession` (pkg-template/session.js) takes
//! around each `fetch`: the plan before the first attempt, the decision after each.
//!
//! The I/O loop (fetch, timers, abort) is a few lines of JavaScript, so that no async runtime
//! is compiled into the wasm; every decision it acts on is made here, by the core. The plan is a
//! plain object the loop hands back at each step: no wasm state lives between calls.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{
    bounded_string, is_plain_object, url_arg, AbortSignal, Known, Options, MAX_OPTION_LEN,
};
use super::handoff::random_bytes;
use super::{host, idv_error, idv_error_with, plain_object, JsObject};
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::provider::Provider;
use crate::session::RequestOptions;
use crate::session::{
    bounded_message, is_date, is_idempotency_key, next_step, normalize_request, request_field,
    session_from_json, uuid_v4, Attempt, RetryPolicy, Step, DEDUPLICATED, DEDUPLICATION_HEADER,
};
use crate::web_url::{parse_strict, HttpAllowed};

/// The options of `normalizeSessionRequest`.
const REQUEST_OPTIONS: Known = Known::new(&[
    "provider",
    "allowInsecureLocalhost",
    "allowedAppSchemes",
    "reportAll",
]);
/// The options of `createSession`, in the order they are checked: `allowInsecureProxy` before
/// the proxy URL, then those of `normalizeSessionRequest` before the request, then the rest.
const CREATE_OPTIONS: Known = Known::new(&[
    "allowInsecureProxy",
    "provider",
    "allowInsecureLocalhost",
    "allowedAppSchemes",
    "reportAll",
    "apiVersion",
    "idempotencyKey",
    "timeoutMs",
    "maxRetries",
    "maxDelayMs",
    "signal",
]);
/// The members of a plan (see [`create_session_plan`]).
const PLAN_KEYS: Known = Known::new(&[
    "url",
    "init",
    "timeoutMs",
    "maxRetries",
    "maxDelayMs",
    "provider",
    "allowInsecureLocalhost",
    "signal",
    "proxyDeduplicates",
]);
/// The members of an attempt's outcome (see [`create_session_step`]).
const OUTCOME_KEYS: Known = Known::new(&["status", "body", "headers", "failure"]);

/// The options `normalizeSessionRequest` and `createSession` share, as read.
struct RequestOptionValues {
    provider: Provider,
    allow_insecure_localhost: bool,
    app_schemes: Vec<String>,
    report_all: bool,
}

impl RequestOptionValues {
    /// Reads `provider` (deepidv when absent), `allowInsecureLocalhost`, `allowedAppSchemes`
    /// (each a scheme an app may register: [`is_app_scheme`](crate::session::is_app_scheme)) and `reportAll`, in that order.
    fn read(options: &Options) -> Result<RequestOptionValues, Error> {
        let provider = options.provider("provider")?.unwrap_or(Provider::Deepidv);
        let allow_insecure_localhost = options.flag("allowInsecureLocalhost")?;
        let app_schemes = options.app_schemes()?;
        Ok(RequestOptionValues {
            provider,
            allow_insecure_localhost,
            app_schemes,
            report_all: options.flag("reportAll")?,
        })
    }

    /// Validates `request` for the provider and returns the JSON body to send. The request
    /// crosses as the text the host's `JSON.stringify` makes of it (bounded by the provider's
    /// largest body). The error names the first problem (an unknown field by its name); with
    /// `reportAll`, its `errors` lists every one.
    fn body_of(&self, request: &JsValue) -> Result<String, JsValue> {
        const FIELD: &str = "request";
        if !is_plain_object(request) {
            return Err(Error::InvalidInput { field: FIELD }.into());
        }
        let max = self.provider.max_request_bytes();
        // A cycle, a BigInt or a throwing getter or toJSON: not a request.
        let refused = Error::InvalidRequest { field: FIELD };
        let text = host::json_stringify(request).map_err(|_| refused)?;
        let text = match bounded_string(&text, max) {
            Ok(Some(text)) if text.len() <= max => text,
            Ok(_) => return Err(Error::InputTooLong { field: FIELD }.into()),
            // `undefined`: a toJSON that returns nothing.
            Err(()) => return Err(refused.into()),
        };
        let json = Json::parse(&text).ok_or(refused)?;
        let options = RequestOptions {
            allow_insecure_localhost: self.allow_insecure_localhost,
            app_schemes: &self.app_schemes,
        };
        normalize_request(self.provider, &json, &options)
            .map_err(|problems| self.refusal(&problems, &json))
    }

    /// The `IdvError` for a request's problems (at least one).
    fn refusal(&self, problems: &[Error], request: &Json) -> JsValue {
        // An unknown top-level field is named by the caller's own key.
        let field_of = |error: &Error| match (error, request) {
            (Error::UnknownField { index }, Json::Object(members)) => members
                .get(usize::from(*index))
                .map(|(name, _)| name.as_str()),
            _ => error.field(),
        };
        let first = problems
            .first()
            .copied()
            .unwrap_or(Error::InvalidRequest { field: "request" });
        let errors = self.report_all.then(|| {
            let mut list = String::from("[");
            for (i, error) in problems.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                let mut item = ObjectWriter::new();
                item.string("code", error.code())
                    .optional("field", field_of(error))
                    .string("message", error.message());
                list.push_str(&item.finish());
            }
            list.push(']');
            plain_object(&list)
        });
        idv_error_with(first, None, field_of(&first), errors)
    }
}

/// Validates a session request as the provider documents it (deepidv: either spelling,
/// camelCase winning; Didit and Verifa: their own shapes) and returns the body to send. For
/// proxies: never trust what a browser sends.
#[wasm_bindgen(js_name = normalizeSessionRequest, skip_typescript)]
pub fn normalize_session_request(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    if !is_plain_object(&request) {
        return Err(Error::InvalidInput { field: "request" }.into());
    }
    let options = Options::read(&options, REQUEST_OPTIONS, "options")?;
    let body = RequestOptionValues::read(&options)?.body_of(&request)?;
    // The core wrote valid JSON: the host's parser makes the plain object.
    Ok(plain_object(&body))
}

/// Ten seconds per attempt.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;
/// More retries than this would hold a person on a spinner for minutes.
const MAX_RETRIES: u32 = 10;
/// The largest answer read for a session (a Verifa QR code is the bulk of one).
const MAX_ANSWER_LEN: usize = 1024 * 1024;

/// Before any byte is sent: checks the proxy URL, the request and the options, and returns the
/// plan every attempt follows (the same body and Idempotency-Key each time), a plain object:
/// `{ url, init, timeoutMs, maxRetries, maxDelayMs, provider, allowInsecureLocalhost, signal? }`,
/// `init` being what `fetch` takes and `signal` the caller's, checked.
#[wasm_bindgen(js_name = createSessionPlan, skip_typescript)]
pub fn create_session_plan(
    proxy_url: JsValue,
    request: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let proxy_url = url_arg(&proxy_url, "proxyUrl")?;
    if !is_plain_object(&request) {
        return Err(Error::InvalidInput { field: "request" }.into());
    }
    let options = Options::read(&options, CREATE_OPTIONS, "options")?;
    // http for a proxy on loopback only (development): an http proxy elsewhere would carry the
    // person's details in clear.
    let http = HttpAllowed::localhost_if(options.flag("allowInsecureProxy")?);
    let proxy = parse_strict(&proxy_url, "proxyUrl", http)?;
    let request_options = RequestOptionValues::read(&options)?;
    let body = request_options.body_of(&request)?;
    let (provider, insecure) = (
        request_options.provider,
        request_options.allow_insecure_localhost,
    );
    // Verifa-Version: the API version date Verifa documents (`004_*`).
    let api_version = options.string("apiVersion", MAX_OPTION_LEN)?;
    if api_version
        .as_deref()
        .is_some_and(|v| provider != Provider::Verifa || !is_date(v))
    {
        return Err(Error::InvalidOption {
            option: "apiVersion",
        }
        .into());
    }
    let key = match options.string("idempotencyKey", MAX_OPTION_LEN)? {
        Some(key) if is_idempotency_key(&key) => key,
        Some(_) => {
            return Err(Error::InvalidOption {
                option: "idempotencyKey",
            }
            .into())
        }
        None => {
            let mut bytes = [0u8; 16];
            random_bytes(&mut bytes)?;
            uuid_v4(bytes)
        }
    };
    let defaults = RetryPolicy::for_provider(provider);
    let timeout_ms = match options.number("timeoutMs")? {
        Some(ms) if ms > 0.0 => ms,
        Some(_) => {
            return Err(Error::InvalidOption {
                option: "timeoutMs",
            }
            .into())
        }
        None => DEFAULT_TIMEOUT_MS,
    };
    let max_retries = whole_number(&options, "maxRetries", MAX_RETRIES)?;
    let max_delay_ms = whole_number(&options, "maxDelayMs", u32::MAX)?;
    let signal = options.value("signal")?;
    if signal
        .as_ref()
        .is_some_and(|signal| !signal.is_instance_of::<AbortSignal>())
    {
        return Err(Error::InvalidOption { option: "signal" }.into());
    }

    let headers = JsObject::new();
    headers
        .set("Content-Type", "application/json")
        .set("Idempotency-Key", key.as_str())
        .set_opt("Verifa-Version", api_version.as_deref());
    let init = JsObject::new();
    // A redirect is an answer, never followed.
    init.set("method", "POST")
        .set("headers", headers.into_value())
        .set("body", body.as_str())
        .set("redirect", "manual");
    let plan = JsObject::new();
    plan.set("url", proxy.href())
        .set("init", init.into_value())
        .set("timeoutMs", timeout_ms)
        .set("maxRetries", max_retries.unwrap_or(defaults.max_retries))
        .set("maxDelayMs", max_delay_ms.unwrap_or(defaults.max_delay_ms))
        .set("provider", provider.as_str())
        .set("allowInsecureLocalhost", insecure)
        .set_opt("signal", signal);
    Ok(plan.into_value())
}

/// A whole-number option from 0 to `max`.
fn whole_number(options: &Options, key: &'static str, max: u32) -> Result<Option<u32>, Error> {
    match options.number(key)? {
        Some(n) if n >= 0.0 && n <= f64::from(max) && n == f64::from(n as u32) => {
            Ok(Some(n as u32))
        }
        Some(_) => Err(Error::InvalidOption { option: key }),
        None => Ok(None),
    }
}

/// After attempt number `attempt` (0 for the first) of `plan`: `{ session }` on a 2xx answer
/// that is a session, `{ retryInMs }` to try again after a wait, or a thrown `IdvError`.
/// `outcome` is `{ status, body, retryAfter, rateLimitReset }` for an answer (headers as
/// `Headers.get` gives them), or `{ failure }`: `"aborted"`, `"timeout"` or `"network"`.
#[wasm_bindgen(js_name = createSessionStep, skip_typescript)]
pub fn create_session_step(
    plan: JsValue,
    attempt: u32,
    outcome: JsValue,
) -> Result<JsValue, JsValue> {
    let plan_object = plan.clone();
    let plan = Options::read(&plan, PLAN_KEYS, "plan")?;
    let provider = plan.provider("provider")?.unwrap_or(Provider::Deepidv);
    let policy = RetryPolicy {
        max_retries: whole_number(&plan, "maxRetries", MAX_RETRIES)?.unwrap_or(0),
        max_delay_ms: whole_number(&plan, "maxDelayMs", u32::MAX)?.unwrap_or(0),
        provider,
    };
    let insecure = plan.flag("allowInsecureLocalhost")?;

    let outcome = Options::read(&outcome, OUTCOME_KEYS, "outcome")?;
    let status = outcome.number("status")?.unwrap_or(0.0) as u16;
    let headers = outcome.value("headers")?;
    let header = |name| headers.as_ref().and_then(|h| host::header(h, name));
    let (retry_after, rate_limit_reset) = (header("Retry-After"), header("X-RateLimit-Reset"));
    // What the proxy said of itself in any answer of this call is kept on the plan.
    let deduplicated = plan.flag("proxyDeduplicates")?
        || header(DEDUPLICATION_HEADER).is_some_and(|v| v.eq_ignore_ascii_case(DEDUPLICATED));
    if deduplicated {
        host::set(&plan_object, "proxyDeduplicates", &JsValue::TRUE);
    }
    // The answer's body, as JSON when it is: its session, or the provider's (or proxy's) words.
    let body = outcome.string("body", MAX_ANSWER_LEN).ok().flatten();
    let answer = body.as_deref().and_then(Json::parse);
    let member = |key| {
        answer
            .as_ref()
            .and_then(|a| a.get(key))
            .and_then(Json::as_str)
    };
    let attempt_outcome = match outcome.string("failure", MAX_OPTION_LEN)?.as_deref() {
        None => Attempt::Answered {
            status,
            retry_after: retry_after.as_deref(),
            rate_limit_reset: rate_limit_reset.as_deref(),
            deduplicated,
            code: member("code"),
        },
        Some("aborted") => Attempt::Aborted,
        Some("timeout") => Attempt::TimedOut,
        Some(_) => Attempt::NetworkError,
    };
    let result = JsObject::new();
    let step = next_step(
        attempt,
        attempt_outcome,
        policy,
        deduplicated,
        host::now(),
        host::random(),
    );
    match step {
        Step::Retry { delay_ms } => {
            result.set("retryInMs", delay_ms);
        }
        Step::Accept => {
            let invalid = Error::InvalidResponse { status };
            let (Some(text), Some(answer)) = (body.as_deref(), answer.as_ref()) else {
                return Err(invalid.into());
            };
            result.set(
                "session",
                session_of_answer(text, answer, status, provider, insecure)?,
            );
        }
        // The provider's (or proxy's) own words, and the request field it named, are kept.
        Step::Fail(error @ (Error::BadRequest { .. } | Error::UpstreamError { .. }))
        | Step::Fail(
            error @ (Error::Unauthorized
            | Error::PaymentRequired
            | Error::WorkflowNotFound
            | Error::IdempotencyConflict
            | Error::RateLimited { .. }),
        ) => {
            let message = member("message")
                .or_else(|| member("detail"))
                .or_else(|| member("error"))
                .map(bounded_message)
                .filter(|m| !m.is_empty());
            let field = member("field").and_then(|f| request_field(provider, f));
            let error = match error {
                Error::BadRequest { status, .. } => Error::BadRequest { field, status },
                error => error,
            };
            return Err(idv_error(
                error,
                message.as_deref(),
                field.or(error.field()),
            ));
        }
        Step::Fail(error) => return Err(error.into()),
    }
    Ok(result.into_value())
}

/// The Session, from a 2xx answer's JSON body: one shape for every provider, keys without a
/// value left out, the answer itself as `raw` (deepidv's `links` an array, `[]` when absent).
fn session_of_answer(
    text: &str,
    answer: &Json,
    status: u16,
    provider: Provider,
    allow_insecure_localhost: bool,
) -> Result<JsValue, Error> {
    let session = session_from_json(provider, answer, status, allow_insecure_localhost)?;
    let mut object = ObjectWriter::new();
    object
        .string("id", &session.id)
        .string("sessionUrl", &session.session_url)
        .optional("externalId", session.external_id.as_deref());
    if provider == Provider::Deepidv {
        let links = answer.get("links").filter(|links| **links != Json::Null);
        object.json(
            "links",
            &links.map_or_else(|| String::from("[]"), Json::to_text),
        );
    }
    // The answer as it came: the strict reader took it, so it is one JSON value.
    let text = object
        .optional("expiresAt", session.expires_at.as_deref())
        .optional("qrCodeDataUrl", session.qr_code_data_url.as_deref())
        .optional("returnUrl", session.return_url.as_deref())
        .json("raw", text)
        .finish();
    Ok(plain_object(&text))
}
