//! `parseCallback`.

use alloc::string::String;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{string_arg, Known, Options, Url, UrlSearchParams, MAX_OPTION_LEN};
use super::plain_object;
use crate::callback::{
    self as core_callback, Callback, CallbackOptions, ParamNames, MAX_INPUT_LEN,
};
use crate::error::Error;
use crate::json::ObjectWriter;
use crate::provider::{Provider, Reason};

/// The options of `parseCallback`.
const CALLBACK_OPTIONS: Known =
    Known::new(&["provider", "expectedSessionId", "expectedState", "params"]);
/// The keys of its `params` option.
const PARAM_KEYS: Known = Known::new(&["params.sessionId", "params.status", "params.reason"]);

/// Parses and validates the query a provider appends to the return URL.
///
/// The result is a hint, not a verdict: confirm the session server-side before acting on it.
#[wasm_bindgen(js_name = parseCallback, skip_typescript)]
pub fn parse_callback(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let query = callback_text(&input)?;
    let options =
        CallbackOptionValues::read(&Options::read(&options, CALLBACK_OPTIONS, "options")?)?;
    Ok(callback_object_of(&query, &options.borrow(None, None))?)
}

/// The text of a callback `input`: a string (a URL or a query), a `URL` (its `search`: the
/// query is the callback, never the fragment) or a `URLSearchParams` (serialised).
fn callback_text(input: &JsValue) -> Result<String, Error> {
    const FIELD: &str = "input";
    // A string is the common case: it is looked at first.
    let text = if input.is_string() {
        input.clone()
    } else if let Some(url) = input.dyn_ref::<Url>() {
        url.search().unwrap_or(JsValue::UNDEFINED)
    } else if let Some(params) = input.dyn_ref::<UrlSearchParams>() {
        params.serialize().unwrap_or(JsValue::UNDEFINED)
    } else {
        return Err(Error::InvalidInput { field: FIELD });
    };
    // A string longer than MAX_INPUT_LEN UTF-16 units has more UTF-8 bytes than that too: it is
    // refused before it is copied. The core counts the bytes of the rest.
    string_arg(&text, FIELD, MAX_INPUT_LEN)
}

/// The options of `parseCallback` (and the ones `completeHandoff` shares with it), owned.
pub(super) struct CallbackOptionValues {
    pub(super) provider: Option<Provider>,
    pub(super) expected_session_id: Option<String>,
    pub(super) expected_state: Option<String>,
    pub(super) params: Option<ParamNameValues>,
}

/// The `params` option: the names of the return parameters.
pub(super) struct ParamNameValues {
    pub(super) session_id: String,
    pub(super) status: String,
    pub(super) reason: Option<String>,
}

impl CallbackOptionValues {
    /// No options.
    pub(super) fn none() -> CallbackOptionValues {
        CallbackOptionValues {
            provider: None,
            expected_session_id: None,
            expected_state: None,
            params: None,
        }
    }

    /// Reads `provider`, `expectedSessionId`, `expectedState` and `params` from `options`, in
    /// that order (the first bad one is the one reported).
    pub(super) fn read(options: &Options) -> Result<CallbackOptionValues, JsValue> {
        Ok(CallbackOptionValues {
            provider: options.provider("provider")?,
            expected_session_id: options.string("expectedSessionId", MAX_OPTION_LEN)?,
            expected_state: options.string("expectedState", MAX_OPTION_LEN)?,
            params: ParamNameValues::read(options)?,
        })
    }

    /// The core's options; `expected_*` given here replace those of the caller's options
    /// (`completeHandoff` knows them from the pending handoff).
    pub(super) fn borrow<'a>(
        &'a self,
        expected_session_id: Option<&'a str>,
        expected_state: Option<&'a str>,
    ) -> CallbackOptions<'a> {
        CallbackOptions {
            provider: self.provider,
            expected_session_id: expected_session_id.or(self.expected_session_id.as_deref()),
            expected_state: expected_state.or(self.expected_state.as_deref()),
            params: self.params.as_ref().map(|p| ParamNames {
                session_id: &p.session_id,
                status: &p.status,
                reason: p.reason.as_deref(),
            }),
        }
    }
}

impl ParamNameValues {
    /// `params`: `sessionId` and `status` required, `reason` optional, each a non-empty string.
    pub(super) fn read(options: &Options) -> Result<Option<ParamNameValues>, JsValue> {
        let Some(params) = options.nested("params", PARAM_KEYS)? else {
            return Ok(None);
        };
        let name = |name| -> Result<Option<String>, Error> {
            match params.string(name, MAX_OPTION_LEN)? {
                Some(text) if text.is_empty() => Err(Error::InvalidOption { option: name }),
                text => Ok(text),
            }
        };
        let required = |option| Error::InvalidOption { option };
        Ok(Some(ParamNameValues {
            session_id: name("params.sessionId")?.ok_or(required("params.sessionId"))?,
            status: name("params.status")?.ok_or(required("params.status"))?,
            reason: name("params.reason")?,
        }))
    }
}

/// Parses `text` with the core and hands the result to JavaScript as a plain object.
pub(super) fn callback_object_of(text: &str, options: &CallbackOptions) -> Result<JsValue, Error> {
    Ok(callback_object(&core_callback::parse_callback(
        text, options,
    )?))
}

/// The Callback, a plain object: `provider`, `sessionId`, `status`, `rawStatus`, and `reason`,
/// `rawReason` and `state` when there are any.
fn callback_object(cb: &Callback) -> JsValue {
    let text = ObjectWriter::new()
        .string("provider", cb.provider.as_str())
        .string("sessionId", &cb.session_id)
        .string("status", &cb.status_name())
        .optional("reason", cb.reason.map(Reason::as_str))
        .string("rawStatus", &cb.raw_status)
        .optional("rawReason", cb.raw_reason.as_deref())
        .optional("state", cb.state.as_deref())
        .finish();
    plain_object(&text)
}
