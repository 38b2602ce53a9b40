//! Reading the arguments of the exports: each JS value's type checked, and its size bounded,
//! before its content is copied into wasm memory.
//!
//! Why this is not left to wasm-bindgen's `&str` arguments: its glue copies a string into wasm
//! memory assuming it is one. Handed a `URL` (or a number, or `null`), it reads `length` as
//! `undefined`, asks the allocator to resize its zero-sized placeholder pointer, and throws only
//! after that; a few such calls corrupted the allocator's free list, and the next allocation
//! looped forever. Here a value is a string only after `typeof` says so, and its length is read
//! before it is copied.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::host;
use crate::error::Error;
use crate::provider::Provider;

#[wasm_bindgen]
extern "C" {
    /// The host's WHATWG `URL`.
    #[wasm_bindgen(js_name = URL)]
    pub(super) type Url;
    #[wasm_bindgen(catch, constructor, js_class = URL)]
    fn new(input: &str) -> Result<Url, JsValue>;
    #[wasm_bindgen(catch, method, getter)]
    fn href(this: &Url) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, getter)]
    pub(super) fn search(this: &Url) -> Result<JsValue, JsValue>;

    /// The host's `URLSearchParams`.
    #[wasm_bindgen(js_name = URLSearchParams)]
    pub(super) type UrlSearchParams;
    #[wasm_bindgen(catch, method, js_name = toString)]
    pub(super) fn serialize(this: &UrlSearchParams) -> Result<JsValue, JsValue>;

    /// The host's `AbortSignal` (createSession's `signal`).
    #[wasm_bindgen(js_name = AbortSignal)]
    pub(super) type AbortSignal;
}

/// `new URL(input).href`, or `None` if it does not parse (no base: relative input does not): the
/// URL parser of `web_url` in the wasm build, the very parser that will navigate.
pub(crate) fn canonical_url(input: &str) -> Option<String> {
    Url::new(input).ok()?.href().ok()?.as_string()
}

/// The longest URL accepted anywhere (a session URL, a return URL, a proxy URL), in UTF-16
/// units: far beyond any real one, and within what servers accept in a request line.
pub(super) const MAX_URL_LEN: usize = 8 * 1024;
/// The longest other option string (a state, an id, a language, an allowlist entry).
pub(super) const MAX_OPTION_LEN: usize = 2048;
/// The most entries an allowlist option may have.
pub(super) const MAX_LIST_LEN: usize = 256;

/// The string `value` holds, if it is a string of at most `max_len` UTF-16 units: `Ok(None)` for
/// a longer one (its content never crosses), `Err(())` for anything that is not a string.
pub(super) fn bounded_string(value: &JsValue, max_len: usize) -> Result<Option<String>, ()> {
    // One host call in the common case; the type is asked only of a value it refused.
    match super::short_string(value, max_len as u32) {
        Some(text) => Ok(Some(text)),
        None if value.is_string() => Ok(None),
        None => Err(()),
    }
}

/// A string argument of at most `max_len` UTF-16 units.
pub(super) fn string_arg(
    value: &JsValue,
    field: &'static str,
    max_len: usize,
) -> Result<String, Error> {
    match bounded_string(value, max_len) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(Error::InputTooLong { field }),
        Err(()) => Err(Error::InvalidInput { field }),
    }
}

/// A URL argument: a string, or a `URL` object (read as its `href`, so both give one answer).
pub(super) fn url_arg(value: &JsValue, field: &'static str) -> Result<String, Error> {
    match url_of(value) {
        Some(href) => string_arg(&href, field, MAX_URL_LEN),
        None => string_arg(value, field, MAX_URL_LEN),
    }
}

/// The `href` of a `URL` object; `None` for anything else.
fn url_of(value: &JsValue) -> Option<JsValue> {
    // A throwing getter (a hostile subclass) reads as a value of no type this module takes.
    value
        .dyn_ref::<Url>()
        .map(|url| url.href().unwrap_or(JsValue::UNDEFINED))
}

/// Whether `value` is a plain object, one a function may take its options (or a request) from:
/// made by `{…}` (or with a `null` prototype). Not `null`, a primitive, a function, an array, a
/// `URL` or any other class's instance: those are mistakes a caller wants to hear about. (The
/// test is one host call, `isPlainObject` in objects.js: `typeof` and `Object.getPrototypeOf`,
/// whose Proxy trap may throw, meaning "not one".)
pub(super) fn is_plain_object(value: &JsValue) -> bool {
    super::is_plain_object(value)
}

/// An options argument: absent, or an object whose own enumerable keys are all known to the
/// function. Values are read by key, each checked for its type, and only for keys the object
/// has (so an absent option costs no crossing).
///
/// A nested options object (`params`) names its keys by their path (`params.status`): errors
/// name them so, and the key read is the part after the last dot.
pub(super) struct Options {
    object: JsValue,
    /// Its own keys, as `Object.keys` gave them (each is read with the host's own string).
    keys: Option<host::KeyList>,
    /// For `known[i]`, 1 + its position in `keys`; 0 when the object does not have it.
    given: [u8; MAX_OPTIONS],
    known: &'static [&'static str],
}

/// The most options a function takes (createIdvHandler's 18, and room to grow).
const MAX_OPTIONS: usize = 24;

/// The keys an options object may have, at most [`MAX_OPTIONS`]: checked when the list is
/// compiled (a `const` made by [`Known::new`]), so a longer list is a build error, never a write
/// past [`Options`]' table.
#[derive(Clone, Copy)]
pub(super) struct Known(&'static [&'static str]);

impl Known {
    pub(super) const fn new(keys: &'static [&'static str]) -> Known {
        assert!(
            keys.len() <= MAX_OPTIONS,
            "more option keys than Options can hold"
        );
        Known(keys)
    }
}

/// The key of an option named by its path: `status` of `params.status`.
fn key_of(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl Options {
    /// Reads the options argument `value`: `undefined` or `null` mean no options; an object is
    /// refused at its first own key that is not in `known` (`invalid_option` naming it), and
    /// anything else with `invalid_option` naming `field` (`options`, or the nested option).
    pub(super) fn read(
        value: &JsValue,
        known: Known,
        field: &'static str,
    ) -> Result<Options, JsValue> {
        let known = known.0;
        let mut options = Options {
            object: value.clone(),
            keys: None,
            given: [0; MAX_OPTIONS],
            known,
        };
        if value.is_undefined() || value.is_null() {
            return Ok(options);
        }
        let invalid = Error::InvalidOption { option: field };
        if !is_plain_object(value) {
            return Err(invalid.into());
        }
        let keys = host::own_keys(value).map_err(|_| invalid)?;
        for i in 0..keys.length() {
            let key = bounded_string(&keys.get(i), MAX_OPTION_LEN).ok().flatten();
            let position = key
                .as_deref()
                .and_then(|key| known.iter().position(|k| key_of(k) == key));
            match position {
                // One of the known keys: it comes once, so `i` is below `known.len()`.
                Some(k) => options.given[k] = i as u8 + 1,
                // Its name, under the nested option's when there is one.
                None => {
                    let mut name = String::new();
                    if field != "options" {
                        name.push_str(field);
                        name.push('.');
                    }
                    name.push_str(key.as_deref().unwrap_or("(a key too long to show)"));
                    return Err(super::idv_error(Error::UnknownOption, None, Some(&name)));
                }
            }
        }
        options.keys = Some(keys);
        Ok(options)
    }

    /// The value of `name`, one of the known options; `None` when not given, `undefined` or
    /// `null`.
    #[inline(never)]
    pub(super) fn value(&self, name: &'static str) -> Result<Option<JsValue>, Error> {
        let i = self.known.iter().position(|k| *k == name);
        debug_assert!(i.is_some(), "{name} is not a known option");
        let (Some(keys), Some(&slot @ 1..)) = (&self.keys, i.and_then(|i| self.given.get(i)))
        else {
            return Ok(None);
        };
        // A getter may throw: that option is then refused, like any other bad value.
        let value = host::get(&self.object, &keys.get(u32::from(slot) - 1))
            .map_err(|_| Error::InvalidOption { option: name })?;
        Ok((!value.is_null_or_undefined()).then_some(value))
    }

    /// A string option of at most `max_len` UTF-16 units.
    #[inline(never)]
    pub(super) fn string(
        &self,
        name: &'static str,
        max_len: usize,
    ) -> Result<Option<String>, Error> {
        match self.value(name)? {
            None => Ok(None),
            Some(value) => match bounded_string(&value, max_len) {
                Ok(Some(text)) => Ok(Some(text)),
                _ => Err(Error::InvalidOption { option: name }),
            },
        }
    }

    /// A URL option: a string or a `URL` object, at most [`MAX_URL_LEN`] units
    /// (`input_too_long` past it).
    #[inline(never)]
    pub(super) fn url(&self, name: &'static str) -> Result<Option<String>, Error> {
        let Some(value) = self.value(name)? else {
            return Ok(None);
        };
        let value = url_of(&value).unwrap_or(value);
        match bounded_string(&value, MAX_URL_LEN) {
            Ok(Some(text)) => Ok(Some(text)),
            Ok(None) => Err(Error::InputTooLong { field: name }),
            Err(()) => Err(Error::InvalidOption { option: name }),
        }
    }

    /// A boolean option (`false` when not given).
    #[inline(never)]
    pub(super) fn flag(&self, name: &'static str) -> Result<bool, Error> {
        match self.value(name)? {
            None => Ok(false),
            Some(value) => value.as_bool().ok_or(Error::InvalidOption { option: name }),
        }
    }

    /// A finite number option.
    #[inline(never)]
    pub(super) fn number(&self, name: &'static str) -> Result<Option<f64>, Error> {
        match self.value(name)? {
            None => Ok(None),
            Some(value) => match value.as_f64() {
                Some(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(Error::InvalidOption { option: name }),
            },
        }
    }

    /// An array of strings (each a string, or a `URL` object when `urls`), at most
    /// [`MAX_LIST_LEN`] entries of at most [`MAX_OPTION_LEN`] units each.
    #[inline(never)]
    pub(super) fn strings(
        &self,
        name: &'static str,
        urls: bool,
    ) -> Result<Option<Vec<String>>, Error> {
        let invalid = Error::InvalidOption { option: name };
        let Some(value) = self.value(name)? else {
            return Ok(None);
        };
        if !host::is_array(&value) {
            return Err(invalid);
        }
        // `length` read as any property is (a Proxy of an array may throw).
        let len = host::get(&value, &JsValue::from_str("length"))
            .ok()
            .and_then(|len| len.as_f64())
            .filter(|len| *len <= MAX_LIST_LEN as f64)
            .ok_or(invalid)? as u32;
        let mut out = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item = host::get_index(&value, i).map_err(|_| invalid)?;
            let item = if urls {
                url_of(&item).unwrap_or(item)
            } else {
                item
            };
            match bounded_string(&item, MAX_OPTION_LEN) {
                Ok(Some(text)) => out.push(text),
                _ => return Err(invalid),
            }
        }
        Ok(Some(out))
    }

    /// `allowedAppSchemes`: custom schemes a mobile app registers ([`is_app_scheme`]), none
    /// when not given.
    ///
    /// [`is_app_scheme`]: crate::session::is_app_scheme
    #[inline(never)]
    pub(super) fn app_schemes(&self) -> Result<Vec<String>, Error> {
        let schemes = self
            .strings("allowedAppSchemes", false)?
            .unwrap_or_default();
        if schemes
            .iter()
            .all(|scheme| crate::session::is_app_scheme(scheme))
        {
            Ok(schemes)
        } else {
            Err(Error::InvalidOption {
                option: "allowedAppSchemes",
            })
        }
    }

    /// A provider name.
    #[inline(never)]
    pub(super) fn provider(&self, name: &'static str) -> Result<Option<Provider>, Error> {
        match self.value(name)? {
            None => Ok(None),
            Some(value) => value
                .as_string()
                .and_then(|text| Provider::from_name(&text))
                .map(Some)
                .ok_or(Error::InvalidOption { option: name }),
        }
    }

    /// A nested options object (`params`), whose keys are all in `known` (named by their path).
    pub(super) fn nested(
        &self,
        name: &'static str,
        known: Known,
    ) -> Result<Option<Options>, JsValue> {
        match self.value(name)? {
            None => Ok(None),
            Some(value) => Options::read(&value, known, name).map(Some),
        }
    }
}
