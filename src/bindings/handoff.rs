//! `buildHandoffUrl`, `buildReturnUrl`, `createState`, and the browser flow `beginHandoff` /
//! `completeHandoff`.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use super::args::{url_arg, Known, Options, MAX_OPTION_LEN};
use super::callback::{callback_object_of, CallbackOptionValues, ParamNameValues};
use super::{host, JsObject};
use crate::callback::{is_token, MAX_SESSION_ID_LEN, MAX_STATE_LEN, PARAM_NAMES};
use crate::error::Error;
use crate::handoff::{
    build_hosted_url, build_return_url as build_return, check_not_expired, encode_state,
    is_made_state, with_return_url, STATE_BYTES, STATE_PARAM,
};
use crate::provider::Provider;
use crate::query::{edit_query, pairs, query_of};

#[wasm_bindgen(module = "/src/bindings/objects.js")]
extern "C" {
    /// Stores the pending handoff's record in sessionStorage (as JSON).
    #[wasm_bindgen(catch, js_name = keepPendingHandoff)]
    fn keep_pending_handoff(record: &JsValue) -> Result<(), JsValue>;
    /// Takes the pending handoff's record out of sessionStorage (one use): `undefined` when
    /// there is none, or when what is stored is not JSON.
    #[wasm_bindgen(catch, js_name = takePendingHandoff)]
    fn take_pending_handoff() -> Result<JsValue, JsValue>;
    /// Remembers the state of the handoff this tab is completing.
    #[wasm_bindgen(catch, js_name = markHandoffUsed)]
    fn mark_handoff_used(state: &str) -> Result<(), JsValue>;
    /// The state of the last handoff this tab completed, if any.
    #[wasm_bindgen(catch, js_name = usedHandoffState)]
    fn used_handoff_state() -> Result<Option<String>, JsValue>;
    /// `location.href`.
    #[wasm_bindgen(catch, js_name = currentAddress)]
    fn current_address() -> Result<String, JsValue>;
    /// `history.replaceState` to `url`, keeping the page's own history state.
    #[wasm_bindgen(catch, js_name = replaceAddress)]
    fn replace_address(url: &str) -> Result<(), JsValue>;
    /// `location.assign(url)`.
    #[wasm_bindgen(catch, js_name = navigateTo)]
    fn navigate_to(url: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// Randomness for states and Idempotency-Keys (any context: unlike `randomUUID`, it needs no
    /// secure context).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<(), JsValue>;
}

/// Fills `bytes` from the host's cryptographic randomness.
pub(super) fn random_bytes(bytes: &mut [u8]) -> Result<(), Error> {
    get_random_values(bytes).map_err(|_| Error::StorageUnavailable)
}

/// The options of `buildHandoffUrl`, in the order in which they are checked.
const HANDOFF_OPTIONS: Known = Known::new(&[
    "provider",
    "redirectUrl",
    "state",
    "allowedRedirectOrigins",
    "allowedSessionHosts",
    "allowInsecureLocalhost",
    "language",
    "expiresAt",
]);
/// Those of `beginHandoff`: the same but `state` (it makes its own), then its own.
const BEGIN_OPTIONS: Known = Known::new(&[
    "provider",
    "redirectUrl",
    "allowedRedirectOrigins",
    "allowedSessionHosts",
    "allowInsecureLocalhost",
    "language",
    "expiresAt",
    "sessionId",
    "navigate",
    "returnUrl",
]);
/// Those of `buildReturnUrl`.
const RETURN_OPTIONS: Known = Known::new(&[
    "state",
    "allowedRedirectOrigins",
    "allowInsecureLocalhost",
    "allowedAppSchemes",
]);
/// Those of `completeHandoff`.
const COMPLETE_OPTIONS: Known = Known::new(&["maxAgeMs", "provider", "params"]);

/// The options of `buildHandoffUrl` (and `beginHandoff`).
struct HandoffOptionValues {
    provider: Provider,
    redirect_url: Option<String>,
    state: Option<String>,
    allowed_redirect_origins: Option<Vec<String>>,
    allowed_session_hosts: Option<Vec<String>>,
    allow_insecure_localhost: bool,
    language: Option<String>,
}

impl HandoffOptionValues {
    /// Reads the options (`state` only where `options` knows it), refusing an expired session.
    fn read(options: &Options, with_state: bool) -> Result<Self, Error> {
        let provider = options.provider("provider")?.unwrap_or(Provider::Deepidv);
        let redirect_url = options.url("redirectUrl")?;
        let state = if with_state {
            options.string("state", MAX_OPTION_LEN)?
        } else {
            None
        };
        let values = HandoffOptionValues {
            provider,
            redirect_url,
            state,
            allowed_redirect_origins: options.strings("allowedRedirectOrigins", true)?,
            allowed_session_hosts: options.strings("allowedSessionHosts", false)?,
            allow_insecure_localhost: options.flag("allowInsecureLocalhost")?,
            language: options.string("language", MAX_OPTION_LEN)?,
        };
        if let Some(expires_at) = options.string("expiresAt", MAX_OPTION_LEN)? {
            check_not_expired(&expires_at, host::now())?;
        }
        Ok(values)
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
            &[],
        )?;
        Ok(with_return_url(&hosted, &return_url))
    }
}

/// Builds the hosted-page URL, after checking it (and for deepidv the return URL it carries)
/// against every open-redirect trick.
#[wasm_bindgen(js_name = buildHandoffUrl, skip_typescript)]
pub fn build_handoff_url(session_url: JsValue, options: JsValue) -> Result<String, JsValue> {
    let session_url = url_arg(&session_url, "sessionUrl")?;
    let options = Options::read(&options, HANDOFF_OPTIONS, "options")?;
    Ok(HandoffOptionValues::read(&options, true)?.build(&session_url)?)
}

/// Checks a return URL and puts the state on it: what Didit (`callback`) and Verifa
/// (`redirect_url`) take when the session is created.
#[wasm_bindgen(js_name = buildReturnUrl, skip_typescript)]
pub fn build_return_url(redirect_url: JsValue, options: JsValue) -> Result<String, JsValue> {
    let redirect_url = url_arg(&redirect_url, "redirectUrl")?;
    let options = Options::read(&options, RETURN_OPTIONS, "options")?;
    let state = options.string("state", MAX_OPTION_LEN)?;
    let origins = options.strings("allowedRedirectOrigins", true)?;
    let insecure = options.flag("allowInsecureLocalhost")?;
    let app_schemes = options.app_schemes()?;
    Ok(build_return(
        &redirect_url,
        state.as_deref(),
        origins.as_deref(),
        insecure,
        &app_schemes,
    )?)
}

/// A fresh one-time state: 256 random bits from `crypto.getRandomValues`, base64url.
#[wasm_bindgen(js_name = createState, skip_typescript)]
pub fn create_state() -> Result<String, JsValue> {
    Ok(new_state()?)
}

fn new_state() -> Result<String, Error> {
    let mut bytes = [0u8; STATE_BYTES];
    random_bytes(&mut bytes)?;
    Ok(encode_state(&bytes))
}

/// Browser only: keeps `{state, sessionId, createdAt}` in sessionStorage and returns the
/// handoff URL (or goes there, with `navigate: true`). deepidv: it makes the state and puts it
/// on the return URL. Didit and Verifa: the state is the one on `returnUrl`, the return URL
/// given when the session was created (`buildReturnUrl`).
#[wasm_bindgen(js_name = beginHandoff, skip_typescript)]
pub fn begin_handoff(session_url: JsValue, options: JsValue) -> Result<String, JsValue> {
    let session_url = url_arg(&session_url, "sessionUrl")?;
    let options = Options::read(&options, BEGIN_OPTIONS, "options")?;
    let mut values = HandoffOptionValues::read(&options, false)?;
    let session_id = options.string("sessionId", MAX_OPTION_LEN)?;
    if session_id
        .as_deref()
        .is_some_and(|id| !is_token(id, MAX_SESSION_ID_LEN))
    {
        return Err(Error::InvalidOption {
            option: "sessionId",
        }
        .into());
    }
    let navigate = options.flag("navigate")?;
    let return_url = options.url("returnUrl")?;
    let state = match (values.provider, return_url) {
        (Provider::Deepidv, None) => {
            let state = new_state()?;
            values.state = Some(state.clone());
            state
        }
        (_, Some(return_url)) if values.provider != Provider::Deepidv => {
            state_of_return_url(&return_url, &values)?
        }
        _ => {
            return Err(Error::InvalidOption {
                option: "returnUrl",
            }
            .into())
        }
    };
    let url = values.build(&session_url)?;
    let record = pending_record(&state, session_id.as_deref(), host::now());
    keep_pending_handoff(&record).map_err(|_| Error::StorageUnavailable)?;
    if navigate {
        navigate_to(&url).map_err(|_| Error::StorageUnavailable)?;
    }
    Ok(url)
}

/// The state on a creation-time return URL: the URL must pass the same checks as any return
/// URL, and the state must be one `createState` makes (256 bits, base64url).
fn state_of_return_url(return_url: &str, values: &HandoffOptionValues) -> Result<String, Error> {
    let canonical = build_return(
        return_url,
        None,
        values.allowed_redirect_origins.as_deref(),
        values.allow_insecure_localhost,
        &[],
    )?;
    let mut states = pairs(query_of(&canonical)).filter(|(name, _)| name == STATE_PARAM);
    match (states.next(), states.next()) {
        (Some((_, state)), None) if is_made_state(&state) => Ok(state),
        _ => Err(Error::InvalidOption {
            option: "returnUrl",
        }),
    }
}

/// The record beginHandoff keeps in sessionStorage: `{ state, sessionId?, createdAt }`.
fn pending_record(state: &str, session_id: Option<&str>, created_at: f64) -> JsValue {
    let record = JsObject::new();
    record
        .set("state", state)
        .set_opt("sessionId", session_id)
        .set("createdAt", created_at);
    record.into_value()
}

/// The keys of a pending handoff's record.
const PENDING_KEYS: Known = Known::new(&["state", "sessionId", "createdAt"]);

/// A pending handoff read back: its state, session id and creation time, if the record is
/// whole (anything else stored under the key reads as no handoff).
struct PendingHandoff {
    state: String,
    session_id: Option<String>,
    created_at: f64,
}

impl PendingHandoff {
    fn read(record: &JsValue) -> Option<PendingHandoff> {
        let record = Options::read(record, PENDING_KEYS, "record").ok()?;
        let state = record.string("state", MAX_STATE_LEN).ok()??;
        let session_id = record.string("sessionId", MAX_SESSION_ID_LEN).ok()?;
        let created_at = record.number("createdAt").ok()??;
        let whole = is_token(&state, MAX_STATE_LEN)
            && session_id
                .as_deref()
                .is_none_or(|id| is_token(id, MAX_SESSION_ID_LEN));
        whole.then_some(PendingHandoff {
            state,
            session_id,
            created_at,
        })
    }
}

/// An hour: long enough for a document, a selfie and a liveness check.
const DEFAULT_MAX_AGE_MS: f64 = 3_600_000.0;

/// Browser only: reads the callback from `location`, checks it against the handoff this tab
/// began (one use: the record is removed whatever the outcome), removes the callback
/// parameters from the address bar, and returns the Callback (still a hint).
#[wasm_bindgen(js_name = completeHandoff, skip_typescript)]
pub fn complete_handoff(options: JsValue) -> Result<JsValue, JsValue> {
    let options = Options::read(&options, COMPLETE_OPTIONS, "options")?;
    let max_age_ms = options.number("maxAgeMs")?;
    if max_age_ms.is_some_and(|ms| ms <= 0.0) {
        return Err(Error::InvalidOption { option: "maxAgeMs" }.into());
    }
    let callback_options = CallbackOptionValues {
        provider: options.provider("provider")?,
        params: ParamNameValues::read(&options)?,
        ..CallbackOptionValues::none()
    };
    let record = take_pending_handoff().map_err(|_| Error::StorageUnavailable)?;
    let href = current_address().map_err(|_| Error::StorageUnavailable)?;
    // Whatever the outcome, the callback leaves the address bar: it is not to be bookmarked,
    // shared, sent as a referrer or replayed by a reload.
    let mut cleaned = edit_query(&href, &PARAM_NAMES, None);
    if let Some(names) = &callback_options.params {
        let reason = names.reason.as_deref().unwrap_or(&names.status);
        cleaned = edit_query(&cleaned, &[&names.session_id, &names.status, reason], None);
    }
    if cleaned != href {
        replace_address(&cleaned).map_err(|_| Error::StorageUnavailable)?;
    }
    let Some(pending) = PendingHandoff::read(&record) else {
        // None pending: a replay of the return this tab already completed, or a browser that
        // began no handoff (the person finished on another device, or in another tab).
        let used = used_handoff_state().map_err(|_| Error::StorageUnavailable)?;
        let state = pairs(query_of(&href)).find(|(name, _)| name == STATE_PARAM);
        let replayed = used.is_some_and(|used| state.is_some_and(|(_, state)| state == used));
        return Err(if replayed {
            Error::HandoffReplayed
        } else {
            Error::NoPendingHandoff
        }
        .into());
    };
    mark_handoff_used(&pending.state).map_err(|_| Error::StorageUnavailable)?;
    if host::now() - pending.created_at > max_age_ms.unwrap_or(DEFAULT_MAX_AGE_MS) {
        return Err(Error::HandoffExpired.into());
    }
    Ok(callback_object_of(
        &href,
        &callback_options.borrow(pending.session_id.as_deref(), Some(&pending.state)),
    )?)
}
