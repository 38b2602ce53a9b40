//! The JavaScript built-ins the bindings call, declared here rather than taken from js-sys:
//! js-sys brings its closure and future glue into the wasm's function table, unused here, where
//! it stays (measured: about 2 KB of wasm).
//!
//! Each call that may run user code (a getter, a Proxy trap, `toJSON`) is `catch`: an exception
//! comes back as an `Err`, never through the wasm's frames.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Reflect.get(target, key)`.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub(super) fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    /// `Reflect.set(target, key, value)`, on objects the bindings made (it cannot throw there).
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub(super) fn set(target: &JsValue, key: &str, value: &JsValue) -> bool;
    /// `Object.keys(object)`: its own enumerable string keys, an array.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub(super) fn own_keys(object: &JsValue) -> Result<KeyList, JsValue>;
    /// The array `Object.keys` makes (a real array: reading it cannot throw).
    #[wasm_bindgen(js_name = Array)]
    pub(super) type KeyList;
    #[wasm_bindgen(method, getter)]
    pub(super) fn length(this: &KeyList) -> u32;
    #[wasm_bindgen(method, indexing_getter)]
    pub(super) fn get(this: &KeyList, index: u32) -> JsValue;
    /// `Array.isArray(value)`.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    pub(super) fn is_array(value: &JsValue) -> bool;
    /// `JSON.stringify(value)`: a string, or `undefined` for a value it leaves out.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    pub(super) fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    /// `JSON.parse(text)`.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(super) fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    /// A fetch `Response`'s headers.
    #[wasm_bindgen(js_name = Headers)]
    pub(super) type Headers;
    /// `headers.get(name)`: the value, or `null`.
    #[wasm_bindgen(catch, method, js_name = get)]
    fn get_header(this: &Headers, name: &str) -> Result<JsValue, JsValue>;

    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(super) fn now() -> f64;
    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub(super) fn random() -> f64;

    /// A plain object or array, made with `new Object()` / `new Array()`.
    #[wasm_bindgen(js_name = Object)]
    pub(super) type PlainObject;
    #[wasm_bindgen(constructor, js_class = Object)]
    pub(super) fn new() -> PlainObject;
    #[wasm_bindgen(js_name = Array)]
    pub(super) type PlainArray;
    #[wasm_bindgen(constructor, js_class = Array)]
    pub(super) fn new() -> PlainArray;

}

/// The value of the header `name` in `headers` (a `Headers`), at most 1 KiB of it.
pub(super) fn header(headers: &JsValue, name: &str) -> Option<alloc::string::String> {
    use wasm_bindgen::JsCast;
    let value = headers.dyn_ref::<Headers>()?.get_header(name).ok()?;
    super::short_string(&value, 1024)
}

/// The value at `index` of an array-like `target`.
pub(super) fn get_index(target: &JsValue, index: u32) -> Result<JsValue, JsValue> {
    get(target, &JsValue::from(index))
}
