//! The JavaScript API: the one layer that turns JS values into core types and back.
//!
//! Options are read with typed getters (no serde), results are built by one JS call into
//! `objects.js`, and every [`Error`] becomes an `IdvError` with its stable code.

use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::callback::{self, CallbackOptions, MAX_INPUT_LEN};
use crate::error::Error;
use crate::provider::Provider;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    #[wasm_bindgen(js_name = idvError)]
    fn idv_error(code: &str, message: &str, field: Option<&str>, param: Option<&str>) -> JsValue;

    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = callbackObject)]
    fn callback_object(
        provider: &str,
        session_id: &str,
        status: &str,
        reason: Option<&str>,
        raw_status: &str,
        raw_reason: Option<&str>,
        state: Option<&str>,
    ) -> Callback;
}

#[wasm_bindgen]
extern "C" {
    /// A URL string, a query string (with or without `?`), a `URL` or a `URLSearchParams`.
    #[wasm_bindgen(typescript_type = "string | URL | URLSearchParams")]
    pub type CallbackInput;

    /// `ParseCallbackOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "ParseCallbackOptions")]
    pub type ParseCallbackOptions;
    #[wasm_bindgen(method, getter)]
    fn provider(this: &ParseCallbackOptions) -> JsValue;
    #[wasm_bindgen(method, getter = expectedSessionId)]
    fn expected_session_id(this: &ParseCallbackOptions) -> JsValue;
    #[wasm_bindgen(method, getter = expectedState)]
    fn expected_state(this: &ParseCallbackOptions) -> JsValue;

    /// `Callback` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "Callback")]
    pub type Callback;
}

/// Converts a core error into the `IdvError` that JavaScript callers catch.
fn to_js(error: Error) -> JsValue {
    idv_error(error.code(), error.message(), error.field(), error.param())
}

/// An optional string option: `undefined`/`null` is absent, a string is taken, anything else
/// is refused with `invalid_option` naming the option.
fn string_option(value: JsValue, option: &'static str) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or(Error::InvalidOption { option })
}

/// The text to parse from whichever input form was given. A string longer than the core's
/// limit in UTF-16 units is also longer in UTF-8 bytes, so it is refused before being copied
/// into wasm memory.
fn callback_text(input: &JsValue) -> Result<String, Error> {
    if let Some(s) = input.dyn_ref::<js_sys::JsString>() {
        if s.length() as usize > MAX_INPUT_LEN {
            return Err(Error::InputTooLong);
        }
        return Ok(String::from(s));
    }
    if let Some(url) = input.dyn_ref::<web_sys::Url>() {
        return Ok(url.search());
    }
    if let Some(params) = input.dyn_ref::<web_sys::UrlSearchParams>() {
        return Ok(String::from(params.to_string()));
    }
    Err(Error::InvalidInput)
}

/// Parses and validates the query a provider appends to the return URL.
///
/// The result is a hint, not a verdict: confirm the session server-side before acting on it.
#[wasm_bindgen(js_name = parseCallback)]
pub fn parse_callback(
    input: &CallbackInput,
    options: Option<ParseCallbackOptions>,
) -> Result<Callback, JsValue> {
    parse_callback_inner(input, options.as_ref()).map_err(to_js)
}

fn parse_callback_inner(
    input: &JsValue,
    options: Option<&ParseCallbackOptions>,
) -> Result<Callback, Error> {
    let text = callback_text(input)?;
    let (mut provider, mut expected_session_id, mut expected_state) = (None, None, None);
    if let Some(options) = options {
        if let Some(name) = string_option(options.provider(), "provider")? {
            provider = Some(
                Provider::from_name(&name).ok_or(Error::InvalidOption { option: "provider" })?,
            );
        }
        expected_session_id = string_option(options.expected_session_id(), "expectedSessionId")?;
        expected_state = string_option(options.expected_state(), "expectedState")?;
    }
    let cb = callback::parse_callback(
        &text,
        &CallbackOptions {
            provider,
            expected_session_id: expected_session_id.as_deref(),
            expected_state: expected_state.as_deref(),
        },
    )?;
    Ok(callback_object(
        cb.provider.as_str(),
        &cb.session_id,
        cb.status.as_str(),
        cb.reason.map(|r| r.as_str()),
        cb.raw_status,
        cb.raw_reason.as_deref(),
        cb.state.as_deref(),
    ))
}

// Talc instead of Rust's default dlmalloc: smaller and faster in wasm; used in tests too, so the
// shipped allocator is the tested one.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Without std (the npm build), a panic traps: no message is formatted, nothing is unwound.
/// The core is written not to panic on any input; a trap would surface as a JS `RuntimeError`.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
