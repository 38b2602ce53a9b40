//! The JavaScript API: the one layer that turns JS values into core types and back.
//!
//! Options are read in one `optionValues` crossing a call and checked here (no serde); results
//! are built by one call into `objects.js` each; every [`Error`] becomes an `IdvError` with its
//! stable code. One import per option key would be the obvious typed alternative: it costs
//! about a hundred bytes of glue and wasm per key, which the size budget cannot spare.

mod callback;
mod handoff;
mod session;

pub use self::callback::*;
pub use self::handoff::*;
pub use self::session::*;

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::provider::Provider;
use crate::text::AsciiSplit;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    #[wasm_bindgen(js_name = idvError)]
    fn idv_error(
        code: &str,
        message: &str,
        field: Option<&str>,
        param: Option<&str>,
        status: Option<u16>,
        retry_after_ms: Option<u32>,
    ) -> JsValue;

    /// The options named in `keys`, read in one crossing and checked against their kinds: see
    /// [`OptionValues`].
    #[wasm_bindgen(js_name = optionValues)]
    fn option_values(options: &JsValue, keys: &str) -> Array;

    /// `new URL(input).href`, or `undefined` if it does not parse: the URL backend of
    /// `web_url` in the wasm build.
    #[wasm_bindgen(js_name = canonicalUrl)]
    pub(crate) fn canonical_url(input: &str) -> Option<String>;
}

#[wasm_bindgen]
extern "C" {
    /// A JavaScript array, read by index only (js-sys's `Array` would bring js-sys, whose
    /// closure and typed-array glue stays in the wasm's function table even when unused).
    #[wasm_bindgen(typescript_type = "unknown[]")]
    type Array;
    #[wasm_bindgen(method, indexing_getter)]
    fn get(this: &Array, index: u32) -> JsValue;

    /// `JSON.stringify`: `undefined` for a value it cannot write, an exception for a cycle.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;

    /// Randomness for states and Idempotency-Keys (any context: unlike `randomUUID`, it needs
    /// no secure context).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

// A first-fit free list (lol_alloc) instead of Rust's default dlmalloc: 0.4 KB gzip smaller than
// talc, which it replaced; every call allocates a few small, short-lived blocks, which a free list
// that merges neighbours serves well. Used in the tests too, so the shipped allocator is the tested
// one. The wasm module has one thread (no shared memory), which `AssumeSingleThreaded` requires.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread per instance.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Without std (the npm build), a panic traps: no message is formatted, nothing is unwound.
/// The core is written not to panic on any input; a trap would surface as a JS `RuntimeError`.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Converts a core error into the `IdvError` that JavaScript callers catch.
fn to_js(error: Error) -> JsValue {
    to_js_with(error, error.message(), error.field())
}

/// The same, with a message and field that only the caller knows (a server's words, an unknown
/// request key).
fn to_js_with(error: Error, message: &str, field: Option<&str>) -> JsValue {
    idv_error(
        code(error),
        message,
        field,
        error.param(),
        error.status(),
        error.retry_after_ms(),
    )
}

/// `error.code()`, kept out of line: inlined, its match merges with the others of `to_js_with`
/// into one jump table of constants; alone it is a lookup table.
#[inline(never)]
fn code(error: Error) -> &'static str {
    error.code()
}

/// A call's options, read in one crossing with `optionValues` (objects.js), where reading them
/// key by key would cost a crossing, a key string to decode and a `Result` to carry each.
///
/// `keys` lists them comma-separated, each name behind its kind: `s` string, `a` array of
/// strings, `b` boolean, `n` positive number, `w` whole number up to `u32::MAX`, `p` provider
/// name, `m` the names of a `params` option (as `ParamNamesOption::of` reads them). JavaScript checks each value's type (an ill-typed one comes back `null`, an absent one
/// `undefined`); [`check`] then refuses the first bad one of a range in order, so the getters
/// below cannot fail.
///
/// [`check`]: OptionValues::check
struct OptionValues {
    values: Array,
    keys: &'static str,
}

impl OptionValues {
    fn read(options: &JsValue, keys: &'static str) -> Self {
        OptionValues {
            values: option_values(options, keys),
            keys,
        }
    }

    /// Refuses the first option of `range` (indices into `keys`) of the wrong kind, naming it.
    fn check(&self, range: core::ops::Range<usize>) -> Result<(), Error> {
        self.check_and(range, true)
    }

    /// The same, refusing the last option of `range` too unless `valid`: a check of its value
    /// that only the caller can make, so that it comes before those of the options after it.
    fn check_and(&self, range: core::ops::Range<usize>, valid: bool) -> Result<(), Error> {
        for (i, key) in self.keys.split_byte(b',').enumerate() {
            if !range.contains(&i) {
                continue;
            }
            let value = self.values.get(i as u32);
            let ok = match key.as_bytes().first() {
                Some(b'p') => value.is_undefined() || provider_of(&value).is_some(),
                _ => !value.is_null(),
            };
            if !ok || (!valid && i + 1 == range.end) {
                let option = key.get(1..).unwrap_or_default();
                return Err(Error::InvalidOption { option });
            }
        }
        Ok(())
    }

    fn string(&self, i: u32) -> Option<String> {
        self.values.get(i).as_string()
    }

    fn bool(&self, i: u32) -> bool {
        self.values.get(i).as_bool() == Some(true)
    }

    fn number(&self, i: u32) -> Option<f64> {
        self.values.get(i).as_f64()
    }

    /// The value as JavaScript checked it, for a kind read elsewhere (`m`).
    fn value(&self, i: u32) -> JsValue {
        self.values.get(i)
    }

    fn provider(&self, i: u32) -> Option<Provider> {
        provider_of(&self.values.get(i))
    }

    /// A checked array of strings: JavaScript copied it, so reading it again reads the same,
    /// and its first non-string is the `undefined` past its end (no `length` import).
    fn strings(&self, i: u32) -> Option<Vec<String>> {
        let value = self.values.get(i);
        (!value.is_undefined()).then(|| {
            let items: &Array = value.unchecked_ref();
            let mut out = Vec::new();
            while let Some(item) = items.get(out.len() as u32).as_string() {
                out.push(item);
            }
            out
        })
    }
}

fn provider_of(value: &JsValue) -> Option<Provider> {
    Provider::from_name(&value.as_string()?)
}
