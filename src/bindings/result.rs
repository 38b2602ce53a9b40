//! The two steps of `awaitResult` (pkg-template/result.js): the plan before the first read of
//! the status route, and the decision after each read ([`crate::result`]). As for
//! `createSession`, the loop is JavaScript and no state lives in the wasm between calls.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{url_arg, AbortSignal, Known, Options, MAX_OPTION_LEN};
use super::{host, plain_object, JsObject};
use crate::error::Error;
use crate::result::{next_read, Next, Read, DEFAULT_TIMEOUT_MS, MAX_SUMMARY_BYTES};
use crate::web_url::{parse_strict, HttpAllowed};

/// The options of `awaitResult`, in the order they are checked.
const AWAIT_OPTIONS: Known = Known::new(&["allowInsecureProxy", "timeoutMs", "signal", "onUpdate"]);
/// The members of its plan.
const PLAN_KEYS: Known = Known::new(&["url", "timeoutMs", "signal", "onUpdate"]);
/// The members of a read's outcome.
const OUTCOME_KEYS: Known = Known::new(&["status", "body", "headers", "failure"]);
/// The longest `timeoutMs`: a day (a person's review may take that; a page rarely stays open).
const MAX_TIMEOUT_MS: f64 = 86_400_000.0;

/// Checks the status URL (https, or http on loopback with `allowInsecureProxy`; no credentials)
/// and the options, and returns the plan every read follows: `{ url, timeoutMs, signal?,
/// onUpdate? }`.
#[wasm_bindgen(js_name = awaitResultPlan, skip_typescript)]
pub fn await_result_plan(status_url: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let status_url = url_arg(&status_url, "statusUrl")?;
    let options = Options::read(&options, AWAIT_OPTIONS, "options")?;
    let http = HttpAllowed::localhost_if(options.flag("allowInsecureProxy")?);
    let url = parse_strict(&status_url, "statusUrl", http)?;
    let timeout_ms = match options.number("timeoutMs")? {
        Some(ms) if (0.0..=MAX_TIMEOUT_MS).contains(&ms) => ms,
        Some(_) => {
            return Err(Error::InvalidOption {
                option: "timeoutMs",
            }
            .into())
        }
        None => f64::from(DEFAULT_TIMEOUT_MS),
    };
    let signal = options.value("signal")?;
    if signal
        .as_ref()
        .is_some_and(|signal| !signal.is_instance_of::<AbortSignal>())
    {
        return Err(Error::InvalidOption { option: "signal" }.into());
    }
    let on_update = options.value("onUpdate")?;
    if on_update.as_ref().is_some_and(|f| !f.is_function()) {
        return Err(Error::InvalidOption { option: "onUpdate" }.into());
    }
    let plan = JsObject::new();
    plan.set("url", url.href())
        .set("timeoutMs", timeout_ms)
        .set_opt("signal", signal)
        .set_opt("onUpdate", on_update);
    Ok(plan.into_value())
}

/// After read number `attempt` (0 for the first), `elapsed_ms` after the first began:
/// `{ summary?, done }` and, when not done, `retryInMs`; or a thrown `IdvError`. `outcome` is
/// `{ status, body, headers }` for an answer, or `{ failure }`: `"aborted"` or `"network"`;
/// `has_summary` says whether an earlier read brought a summary (the loop keeps the latest).
#[wasm_bindgen(js_name = awaitResultStep, skip_typescript)]
pub fn await_result_step(
    plan: JsValue,
    attempt: u32,
    elapsed_ms: f64,
    outcome: JsValue,
    has_summary: bool,
) -> Result<JsValue, JsValue> {
    let plan = Options::read(&plan, PLAN_KEYS, "plan")?;
    let timeout_ms = plan
        .number("timeoutMs")?
        .unwrap_or(f64::from(DEFAULT_TIMEOUT_MS))
        .clamp(0.0, MAX_TIMEOUT_MS) as u32;
    let outcome = Options::read(&outcome, OUTCOME_KEYS, "outcome")?;
    let headers = outcome.value("headers")?;
    let retry_after = headers
        .as_ref()
        .and_then(|h| host::header(h, "Retry-After"));
    // An answer over the bound is read as no summary (invalid_response), never copied in.
    let body = outcome
        .string("body", MAX_SUMMARY_BYTES)
        .ok()
        .flatten()
        .unwrap_or_default();
    let read = match outcome.string("failure", MAX_OPTION_LEN)?.as_deref() {
        None => Read::Answered {
            status: outcome.number("status")?.unwrap_or(0.0) as u16,
            retry_after: retry_after.as_deref(),
            body: &body,
        },
        Some("aborted") => Read::Aborted,
        Some(_) => Read::NetworkError,
    };
    let step = next_read(
        attempt,
        elapsed_ms,
        read,
        timeout_ms,
        has_summary,
        host::now(),
        host::random(),
    );
    let result = JsObject::new();
    if let Some(summary) = &step.summary {
        result.set("summary", plain_object(&summary.text));
    }
    match step.next {
        Next::Resolve => {
            result.set("done", true);
        }
        Next::Wait(ms) => {
            result.set("done", false).set("retryInMs", ms);
        }
        Next::Fail(error) => return Err(error.into()),
    }
    Ok(result.into_value())
}
