//! Name/value pairs as the browser tests compare them.

use idv_handoff::query::pairs;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

/// The `[name, value]` pairs of anything iterable that yields them (`URLSearchParams`, a WPT
/// `output` array).
pub fn js_pairs(iterable: &JsValue) -> Vec<(String, String)> {
    Array::from(iterable)
        .iter()
        .map(|pair| {
            let pair: Array = pair.unchecked_into();
            (
                pair.get(0).as_string().unwrap(),
                pair.get(1).as_string().unwrap(),
            )
        })
        .collect()
}

/// The pairs the crate's decoder reads from `query`.
pub fn our_pairs(query: &str) -> Vec<(String, String)> {
    pairs(query).collect()
}
