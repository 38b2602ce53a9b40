//! The JavaScript API: the one layer that turns JS values into core types and back.
//!
//! Every export takes its arguments as plain `JsValue`s and checks their JavaScript type here,
//! before any of their content is copied into wasm memory: wasm-bindgen's own `&str` arguments
//! assume a string and misbehave on anything else (see [`args`]). Options objects are read key by
//! key into named Rust structs ([`args::Options`]), refusing keys a function does not know;
//! results are plain JS objects built field by field ([`JsObject`]); every refusal becomes an
//! `IdvError` (`From<Error> for JsValue`).

mod args;
mod callback;
mod handoff;
mod host;
mod result;
#[cfg(feature = "server")]
mod server;
mod session;

pub use self::callback::*;
pub use self::handoff::*;
pub use self::result::*;
#[cfg(feature = "server")]
pub use self::server::*;
pub use self::session::*;

pub(crate) use self::args::canonical_url;

use alloc::string::String;
use wasm_bindgen::prelude::*;

use crate::error::Error;

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    /// The error class every export throws (`objects.js`).
    type IdvError;
    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str, details: &JsValue) -> IdvError;

    /// `value` if it is a string of at most `max_len` UTF-16 units (so that only such a string
    /// is ever copied into wasm memory), else `None`.
    #[wasm_bindgen(js_name = shortString)]
    fn short_string(value: &JsValue, max_len: u32) -> Option<String>;

    /// Whether `value` is a plain object: see [`args::is_plain_object`].
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
}

/// Rust's default allocator on wasm32 (std's own), declared for the no_std build.
#[cfg(not(feature = "std"))]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// Without std (the npm build), a panic traps: no message is formatted, nothing is unwound. The
/// core is written not to panic on any input; a trap surfaces in JavaScript, where
/// `pkg-template/api.js` gives the module a fresh instance.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

impl From<Error> for JsValue {
    /// The `IdvError` a core error becomes.
    fn from(error: Error) -> JsValue {
        idv_error(error, None, error.field())
    }
}

/// The `IdvError`: `code` and `message` (the error's own, unless the caller has a server's
/// words), then `field`, `param`, `status` and `retryAfterMs` where they apply. `field` is given
/// here for the names only the bindings know (an unknown option key, a server's field).
fn idv_error(error: Error, message: Option<&str>, field: Option<&str>) -> JsValue {
    idv_error_with(error, message, field, None)
}

/// The same, with `errors`: every problem of a request, when the caller asked for them all.
fn idv_error_with(
    error: Error,
    message: Option<&str>,
    field: Option<&str>,
    errors: Option<JsValue>,
) -> JsValue {
    let details = JsObject::new();
    details
        .set_opt("field", field)
        .set_opt("param", error.param())
        .set_opt("status", error.status())
        .set_opt("retryAfterMs", error.retry_after_ms())
        .set_opt("errors", errors);
    let message = message.unwrap_or(error.message());
    IdvError::new(error.code(), message, &details.0).into()
}

/// The plain object a result's JSON text (written by the core's `ObjectWriter`, with named
/// members) stands for: one string crosses, and the host's JSON parser builds the object, several
/// times faster than setting its properties one crossing at a time.
fn plain_object(text: &str) -> JsValue {
    // The core wrote the text: it is JSON.
    host::json_parse(text).unwrap_or(JsValue::UNDEFINED)
}

/// A plain JS object, built one named field at a time.
struct JsObject(JsValue);

impl JsObject {
    fn new() -> JsObject {
        JsObject(host::PlainObject::new().into())
    }

    fn set(&self, key: &str, value: impl Into<JsValue>) -> &JsObject {
        host::set(&self.0, key, &value.into());
        self
    }

    /// Sets the field only when there is a value: an absent one stays absent.
    fn set_opt<T: Into<JsValue>>(&self, key: &str, value: Option<T>) -> &JsObject {
        if let Some(value) = value {
            self.set(key, value);
        }
        self
    }

    fn into_value(self) -> JsValue {
        self.0
    }
}
