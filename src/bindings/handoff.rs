//! `buildHandoffUrl`, `createState`, and the browser flow `beginHandoff` / `completeHandoff`.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::callback::{callback_object_of, Callback, ParamNamesOption};
use super::{get_random_values, to_js, OptionValues};
use crate::callback::{is_token, CallbackOptions, MAX_SESSION_ID_LEN, MAX_STATE_LEN, PARAM_NAMES};
use crate::error::Error;
use crate::handoff::{
    build_hosted_url, build_return_url as build_return, check_not_expired, encode_state,
    is_made_state, with_return_url, STATE_BYTES, STATE_PARAM,
};
use crate::provider::Provider;
use crate::query::{edit_query, pairs, query_of};

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    /// Keeps `{state, sessionId, createdAt}` in sessionStorage, then goes to `url` if given;
    /// false when sessionStorage is unavailable.
    #[wasm_bindgen(js_name = keepPending)]
    fn keep_pending(state: &str, session_id: Option<&str>, url: Option<&str>) -> bool;
    /// Takes the pending record out of sessionStorage and reads the address: `[href, state,
    /// sessionId, createdAt]` (the record's values as stored), `None` when sessionStorage is
    /// unavailable.
    #[wasm_bindgen(js_name = takePending)]
    fn take_pending() -> Option<super::Array>;
    #[wasm_bindgen(js_name = replaceAddress)]
    fn replace_address(url: &str);
}

/// The host facilities the browser flow uses, looked up when called (never at load, so the
/// module loads in workerd and Node, where some are absent).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    /// `HandoffUrlOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "HandoffUrlOptions")]
    pub type HandoffUrlOptions;
    /// `BeginHandoffOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "BeginHandoffOptions")]
    pub type BeginHandoffOptions;
    /// `ReturnUrlOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "ReturnUrlOptions")]
    pub type ReturnUrlOptions;
    /// `CompleteHandoffOptions` in `types.d.ts`.
    #[wasm_bindgen(typescript_type = "CompleteHandoffOptions")]
    pub type CompleteHandoffOptions;
}

/// The options of `buildHandoffUrl`, in the order in which they are checked: the first bad one
/// is the one reported.
macro_rules! handoff_keys {
    () => {
        "pprovider,sredirectUrl,sstate,aallowedRedirectOrigins,aallowedSessionHosts,\
         ballowInsecureLocalhost,slanguage,sexpiresAt"
    };
}
const HANDOFF_KEYS: &str = handoff_keys!();
/// Those of `beginHandoff`: the same eight (each call reads only its own options), then its own.
const BEGIN_KEYS: &str = concat!(handoff_keys!(), ",ssessionId,bnavigate,sreturnUrl");

/// The options of `buildHandoffUrl` (and `beginHandoff`), read into owned values.
struct OwnedHandoffOptions {
    provider: Provider,
    redirect_url: Option<String>,
    state: Option<String>,
    allowed_redirect_origins: Option<Vec<String>>,
    allowed_session_hosts: Option<Vec<String>>,
    allow_insecure_localhost: bool,
    language: Option<String>,
}

impl OwnedHandoffOptions {
    /// Reads [`HANDOFF_KEYS`] (the first eight of [`BEGIN_KEYS`]), refusing an expired
    /// session.
    fn read(values: &OptionValues) -> Result<Self, Error> {
        values.check(0..8)?;
        if let Some(expires_at) = values.string(7) {
            check_not_expired(&expires_at, date_now())?;
        }
        Ok(OwnedHandoffOptions {
            provider: values.provider(0).unwrap_or(Provider::Deepidv),
            redirect_url: values.string(1),
            state: values.string(2),
            allowed_redirect_origins: values.strings(3),
            allowed_session_hosts: values.strings(4),
            allow_insecure_localhost: values.bool(5),
            language: values.string(6),
        })
    }

    /// deepidv: the return URL goes into the hosted URL. Didit and Verifa took it when the
    /// session was created, so a return URL (or state) here would be silently ignored by them:
    /// refused instead.
    fn build(&self, session_url: &str) -> Result<String, Error> {
        let deepidv = self.provider == Provider::Deepidv;
        let redirect_url = self.redirect_url.as_deref();
        if deepidv == redirect_url.is_none() {
            return Err(Error::InvalidOption {
                option: "redirectUrl",
            });
        }
        if !deepidv && self.state.is_some() {
            return Err(Error::InvalidOption { option: "state" });
        }
        // `build_handoff_url` in two steps, the second for deepidv only.
        let insecure = self.allow_insecure_localhost;
        let hosted = build_hosted_url(
            session_url,
            self.allowed_session_hosts.as_deref(),
            insecure,
            self.language.as_deref(),
        )?;
        let Some(redirect_url) = redirect_url else {
            return Ok(hosted);
        };
        let return_url = build_return(
            redirect_url,
            self.state.as_deref(),
            self.allowed_redirect_origins.as_deref(),
            insecure,
        )?;
        Ok(with_return_url(&hosted, &return_url))
    }
}

/// Builds the hosted-page URL, after checking it (and for deepidv the return URL it carries)
/// against every open-redirect trick.
#[wasm_bindgen(js_name = buildHandoffUrl)]
pub fn build_handoff_url(
    session_url: &str,
    options: &HandoffUrlOptions,
) -> Result<String, JsValue> {
    OwnedHandoffOptions::read(&OptionValues::read(options, HANDOFF_KEYS))
        .and_then(|o| o.build(session_url))
        .map_err(to_js)
}

/// Checks a return URL and puts the state on it: what Didit (`callback`) and Verifa
/// (`redirect_url`) take when the session is created.
#[wasm_bindgen(js_name = buildReturnUrl)]
pub fn build_return_url(
    redirect_url: &str,
    options: Option<ReturnUrlOptions>,
) -> Result<String, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let read = || -> Result<String, Error> {
        let values = OptionValues::read(
            &options,
            "sstate,aallowedRedirectOrigins,ballowInsecureLocalhost",
        );
        values.check(0..3)?;
        let (state, origins) = (values.string(0), values.strings(1));
        build_return(
            redirect_url,
            state.as_deref(),
            origins.as_deref(),
            values.bool(2),
        )
    };
    read().map_err(to_js)
}

/// A fresh one-time state: 256 random bits from `crypto.getRandomValues`, base64url.
#[wasm_bindgen(js_name = createState)]
pub fn create_state() -> String {
    let mut bytes = [0u8; STATE_BYTES];
    get_random_values(&mut bytes);
    encode_state(&bytes)
}

/// Browser only: keeps `{state, sessionId, createdAt}` in sessionStorage and returns the
/// handoff URL (or goes there, with `navigate: true`). deepidv: it makes the state and puts it
/// on the return URL. Didit and Verifa: the state is the one on `returnUrl`, the return URL
/// given when the session was created (`buildReturnUrl`).
#[wasm_bindgen(js_name = beginHandoff)]
pub fn begin_handoff(session_url: &str, options: &BeginHandoffOptions) -> Result<String, JsValue> {
    begin_handoff_inner(session_url, options).map_err(to_js)
}

fn begin_handoff_inner(session_url: &str, options: &JsValue) -> Result<String, Error> {
    let values = OptionValues::read(options, BEGIN_KEYS);
    let mut owned = OwnedHandoffOptions::read(&values)?;
    // The state must be one this tab made and kept, never one handed in.
    if owned.state.is_some() {
        return Err(Error::InvalidOption { option: "state" });
    }
    values.check(8..9)?;
    let session_id = values.string(8);
    if session_id
        .as_deref()
        .is_some_and(|id| !is_token(id, MAX_SESSION_ID_LEN))
    {
        return Err(Error::InvalidOption {
            option: "sessionId",
        });
    }
    values.check(9..11)?;
    let state = match (owned.provider, values.string(10)) {
        (Provider::Deepidv, None) => {
            let state = create_state();
            owned.state = Some(state.clone());
            state
        }
        (Provider::Deepidv, Some(_)) => {
            return Err(Error::InvalidOption {
                option: "returnUrl",
            })
        }
        (_, Some(return_url)) => state_of_return_url(&return_url, &owned)?,
        (_, None) => {
            return Err(Error::InvalidOption {
                option: "returnUrl",
            })
        }
    };
    let url = owned.build(session_url)?;
    let navigate = values.bool(9).then_some(url.as_str());
    if !keep_pending(&state, session_id.as_deref(), navigate) {
        return Err(Error::StorageUnavailable);
    }
    Ok(url)
}

/// The state on a creation-time return URL: the URL must pass the same checks as any return
/// URL, and the state must be one `createState` makes (256 bits, base64url).
fn state_of_return_url(return_url: &str, owned: &OwnedHandoffOptions) -> Result<String, Error> {
    let canonical = build_return(
        return_url,
        None,
        owned.allowed_redirect_origins.as_deref(),
        owned.allow_insecure_localhost,
    )?;
    // Exactly one `state`: the same loop over the pairs as the callback's (shared code).
    let (mut count, mut state) = (0, String::new());
    for (name, value) in pairs(query_of(&canonical)) {
        if name == STATE_PARAM {
            count += 1;
            state = value;
        }
    }
    if count == 1 && is_made_state(&state) {
        Ok(state)
    } else {
        Err(Error::InvalidOption {
            option: "returnUrl",
        })
    }
}

/// The pending handoff's state, session id and creation time (`[_, state, sessionId,
/// createdAt]` of [`take_pending`]), if the stored record is whole.
fn read_pending(record: &super::Array) -> Option<(String, Option<String>, f64)> {
    let state = record.get(1).as_string()?;
    let session_id = record.get(2);
    let absent = session_id.is_undefined() || session_id.is_null();
    let session_id = session_id.as_string();
    let created_at = record.get(3).as_f64()?;
    let whole = is_token(&state, MAX_STATE_LEN)
        && session_id
            .as_deref()
            .map_or(absent, |id| is_token(id, MAX_SESSION_ID_LEN))
        && created_at.is_finite();
    whole.then_some((state, session_id, created_at))
}

/// An hour: long enough for a document, a selfie and a liveness check.
const DEFAULT_MAX_AGE_MS: f64 = 3_600_000.0;

/// Browser only: reads the callback from `location`, checks it against the handoff this tab
/// began (one use: the record is removed whatever the outcome), removes the callback
/// parameters from the address bar, and returns the Callback (still a hint).
#[wasm_bindgen(js_name = completeHandoff)]
pub fn complete_handoff(options: Option<CompleteHandoffOptions>) -> Result<Callback, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    complete_handoff_inner(&options).map_err(to_js)
}

fn complete_handoff_inner(options: &JsValue) -> Result<Callback, Error> {
    let values = OptionValues::read(options, "nmaxAgeMs,pprovider,mparams");
    values.check(0..3)?;
    let max_age_ms = values.number(0).unwrap_or(DEFAULT_MAX_AGE_MS);
    let provider = values.provider(1);
    let names = ParamNamesOption::of(values.value(2));
    let record = take_pending().ok_or(Error::StorageUnavailable)?;
    let href = record.get(0).as_string().unwrap_or_default();
    // Whatever the outcome, the callback leaves the address bar: it is not to be bookmarked,
    // shared, sent as a referrer or replayed by a reload.
    // The caller's names in a second pass (removal is idempotent): no list to build.
    let mut cleaned = edit_query(&href, &PARAM_NAMES, None);
    if let Some(names) = names.as_ref().map(ParamNamesOption::borrow) {
        let reason = names.reason.unwrap_or(names.status);
        cleaned = edit_query(&cleaned, &[names.session_id, names.status, reason], None);
    }
    if cleaned != href {
        replace_address(&cleaned);
    }
    let (state, session_id, created_at) = read_pending(&record).ok_or(Error::NoPendingHandoff)?;
    if date_now() - created_at > max_age_ms {
        return Err(Error::HandoffExpired);
    }
    callback_object_of(
        &href,
        &CallbackOptions {
            provider,
            expected_session_id: session_id.as_deref(),
            expected_state: Some(&state),
            params: names.as_ref().map(ParamNamesOption::borrow),
        },
    )
}
