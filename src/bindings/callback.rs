//! `parseCallback`.

use alloc::string::String;
use wasm_bindgen::prelude::*;

use super::{provider_of, to_js};
use crate::callback::{self as core_callback, CallbackOptions, ParamNames, MAX_INPUT_LEN};
use crate::error::Error;

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    /// The Callback object from its seven fields joined by U+001F: one string to decode per
    /// call instead of seven (no field can hold U+001F: every one is from a vocabulary or a
    /// checked charset).
    #[wasm_bindgen(js_name = callbackObject)]
    fn callback_object(fields: &str) -> Callback;

    /// `[provider, expectedSessionId, expectedState, params, text]`: the options read in one
    /// crossing with no key strings to decode (parseCallback is the hot call), as `optionValues`
    /// gives them: each `undefined` when absent, `null` when not a string .
    /// `params` comes as its names `[sessionId, status, reason?]`, each a non-empty string, or
    /// `null` when one is not. `text` is the text of `input`, a string, `URL` (its search) or
    /// `URLSearchParams`: `null` for a string longer than `max_len` UTF-16 units (refused before
    /// it is copied into wasm memory: it is also longer than `max_len` UTF-8 bytes), `undefined`
    /// for anything else.
    #[wasm_bindgen(js_name = callbackOptionValues)]
    fn callback_option_values(options: &JsValue, input: &JsValue, max_len: u32) -> super::Array;
}

#[wasm_bindgen]
extern "C" {
    /// A URL string, a query string (with or without `?`), a `URL` or a `URLSearchParams`.
    #[wasm_bindgen(typescript_type = "string | URL | URLSearchParams")]
    pub type CallbackInput;

    /// `ParseCallbackOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "ParseCallbackOptions")]
    pub type ParseCallbackOptions;

    /// `Callback` in `types.d.ts`: a plain object.
    #[wasm_bindgen(typescript_type = "Callback")]
    pub type Callback;
}

/// Parses and validates the query a provider appends to the return URL.
///
/// The result is a hint, not a verdict: confirm the session server-side before acting on it.
#[wasm_bindgen(js_name = parseCallback)]
pub fn parse_callback(
    input: &CallbackInput,
    options: Option<ParseCallbackOptions>,
) -> Result<Callback, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    parse_callback_inner(input, &options).map_err(to_js)
}

fn parse_callback_inner(input: &JsValue, options: &JsValue) -> Result<Callback, Error> {
    let values = callback_option_values(options, input, MAX_INPUT_LEN as u32);
    let text = values.get(4);
    let text = match text.as_string() {
        Some(text) => text,
        None if text.is_null() => return Err(Error::InputTooLong),
        None => return Err(Error::InvalidInput),
    };
    // Each value read once (a crossing each: this is the hot call) and checked in order.
    let provider = values.get(0);
    let provider = match provider_of(&provider) {
        None if !provider.is_undefined() => {
            return Err(Error::InvalidOption { option: "provider" })
        }
        provider => provider,
    };
    let string = |i, option| {
        let value = values.get(i);
        match value.as_string() {
            None if value.is_null() => Err(Error::InvalidOption { option }),
            value => Ok(value),
        }
    };
    let expected_session_id = string(1, "expectedSessionId")?;
    let expected_state = string(2, "expectedState")?;
    let names = values.get(3);
    if names.is_null() {
        return Err(Error::InvalidOption { option: "params" });
    }
    let names = ParamNamesOption::of(names);
    callback_object_of(
        &text,
        &CallbackOptions {
            provider,
            expected_session_id: expected_session_id.as_deref(),
            expected_state: expected_state.as_deref(),
            params: names.as_ref().map(ParamNamesOption::borrow),
        },
    )
}

/// The `params` option (`{ sessionId, status, reason? }`), read into owned names.
pub(super) struct ParamNamesOption {
    session_id: String,
    status: String,
    reason: Option<String>,
}

impl ParamNamesOption {
    /// The names as `paramNames` (objects.js) gives them, once checked (not `null`): two or
    /// three strings, or absent.
    pub(super) fn of(names: JsValue) -> Option<Self> {
        if names.is_undefined() {
            return None;
        }
        let names: super::Array = names.unchecked_into();
        let name = |i| names.get(i).as_string();
        Some(ParamNamesOption {
            session_id: name(0).unwrap_or_default(),
            status: name(1).unwrap_or_default(),
            reason: name(2),
        })
    }

    pub(super) fn borrow(&self) -> ParamNames<'_> {
        ParamNames {
            session_id: &self.session_id,
            status: &self.status,
            reason: self.reason.as_deref(),
        }
    }
}

/// Parses `text` with the core and hands the result to JavaScript as a plain object.
pub(super) fn callback_object_of(text: &str, options: &CallbackOptions) -> Result<Callback, Error> {
    let cb = core_callback::parse_callback(text, options)?;
    let fields = [
        cb.provider.as_str(),
        &cb.session_id,
        &cb.status_name(),
        cb.reason.map_or("", |r| r.as_str()),
        &cb.raw_status,
        cb.raw_reason.as_deref().unwrap_or(""),
        cb.state.as_deref().unwrap_or(""),
    ];
    // Each field ends with the separator: the last, empty, piece is ignored by callbackObject.
    let mut joined = String::new();
    for field in fields {
        joined.push_str(field);
        joined.push('\u{1f}');
    }
    Ok(callback_object(&joined))
}
