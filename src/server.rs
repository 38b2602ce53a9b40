//! The server half (`idv-handoff/server`): what the integrator's proxy accepts, sends to the
//! provider and answers. Its JavaScript shell (`pkg-template/server.js`) does the I/O (reading
//! the request, the idempotency store, `fetch` with the API key, writing the response); every
//! decision is here, from the provider tables ([`crate::provider`]).
//!
//! Routes: `POST {api}/sessions` (create), `GET {api}/sessions/:id` (the authoritative status),
//! `GET {start}` (the handoff begins: the state in a cookie, then the hosted page) and a `GET`
//! on the path of each configured return URL (the person is back).

use alloc::string::String;
use alloc::vec::Vec;

use crate::callback::{is_token, parse_callback, CallbackOptions, ParamNames, MAX_SESSION_ID_LEN};
use crate::error::Error;
use crate::handoff::{build_hosted_url, is_made_state, REDIRECT_PARAM, STATE_PARAM};
use crate::json::{Json, ObjectWriter};
use crate::provider::Provider;
use crate::query::{pairs, query_of};
use crate::session::{
    is_app_scheme, is_app_url, is_idempotency_key, normalize_request, RequestOptions,
};
use crate::web_url::{canonical_host, canonical_origin, parse_strict, HttpAllowed, ParsedUrl};

/// The name of the cookie that keeps the handoff's state: `__Host-` pins it to this host over
/// HTTPS (no `Domain`, path `/`).
pub const STATE_COOKIE: &str = "__Host-idv-state";
/// Its name in development over http on loopback (`allowInsecureLocalhost`), without `Secure`:
/// WebKit keeps no `Secure` cookie on `http://127.0.0.1`, so the `__Host-` one would be lost and
/// every return would look like another device's. Never read over https.
pub const DEV_STATE_COOKIE: &str = "idv-state";
/// How long a handoff may take, in seconds: the state cookie's `Max-Age`.
pub const HANDOFF_MAX_AGE_SECONDS: u32 = 3600;
/// How long a create's answer is replayed for its Idempotency-Key: 24 hours, as Verifa
/// documents for its own keys (004).
pub const IDEMPOTENCY_TTL_SECONDS: u32 = 24 * 60 * 60;
/// The largest answer read from the provider.
pub const MAX_PROVIDER_ANSWER_BYTES: usize = 1024 * 1024;

/// The server half's configuration, checked once when the handler is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Whose API.
    pub provider: Provider,
    /// The provider's API base URL, without a trailing `/`.
    pub provider_url: String,
    /// The only return URLs a session may carry (origin and path; the query may differ).
    pub return_urls: Vec<ParsedUrl>,
    /// Return URLs in a mobile app's own scheme (Didit: "Custom URL schemes (e.g. myapp://) are
    /// supported for mobile callbacks", 003), up to their query: a session may carry one of these
    /// with any query (it carries the state).
    pub app_return_urls: Vec<String>,
    /// The custom schemes allowed for those.
    pub app_schemes: Vec<String>,
    /// Origins other than the proxy's own that may call the JSON routes (CORS).
    pub allowed_origins: Vec<String>,
    /// The proxy's own origin as the browser sees it, when `request.url` does not say it (a
    /// framework behind a proxy that sees `http://localhost`, a `node:http` adapter).
    pub public_origin: Option<String>,
    /// Hosts of the provider's hosted pages the start route sends people to.
    pub session_hosts: Vec<String>,
    /// http on loopback, for development.
    pub allow_insecure_localhost: bool,
    /// The path of the JSON routes (`/api/idv`).
    pub api_path: String,
    /// The path of the start route (`/idv/start`).
    pub start_path: String,
    /// Where the return route sends the person once the session is confirmed.
    pub result_url: String,
    /// The names of the return parameters (required for Verifa, which documents none).
    pub params: Option<(String, String, Option<String>)>,
    /// The path that creates a session, and the one that reads it (before and after its id).
    pub create_path: String,
    /// The path that reads a session: the text before and after its id.
    pub session_path: (String, String),
    /// The provider's session statuses and whether each is final.
    pub statuses: Vec<(String, bool)>,
}

/// What a request is, for the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `OPTIONS` on a JSON route: a CORS preflight.
    Preflight,
    /// `POST {api}/sessions`.
    Create,
    /// `GET {api}/sessions/:id`, with the id as it came (checked by [`session_request`]).
    Status(String),
    /// `GET {start}`.
    Start,
    /// `GET` on the path of a return URL.
    Return,
    /// A JSON route with another method, or an unknown path under `{api}`.
    NotFound,
    /// Not the handler's: a path it does not serve.
    Elsewhere,
}

impl ServerConfig {
    /// Which route `method` and `path` name.
    pub fn route(&self, method: &str, path: &str) -> Route {
        let api = self.api_path.as_str();
        let under_api = path
            .strip_prefix(api)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'));
        if let Some(rest) = under_api {
            return match (method, rest.strip_prefix("/sessions")) {
                ("OPTIONS", _) => Route::Preflight,
                ("POST", Some("")) => Route::Create,
                ("GET", Some(id)) => match id.strip_prefix('/') {
                    Some(id) if !id.is_empty() => Route::Status(String::from(id)),
                    _ => Route::NotFound,
                },
                _ => Route::NotFound,
            };
        }
        if method == "GET" && path == self.start_path {
            return Route::Start;
        }
        if method == "GET" && self.return_urls.iter().any(|url| url_path(url) == path) {
            return Route::Return;
        }
        Route::Elsewhere
    }

    /// Whether a request from `origin` may call the JSON routes: no `Origin` (same-origin
    /// navigations, servers), the proxy's own origin (the configured [`public_origin`], else
    /// `request_origin`, the origin of the request's URL), or one of [`allowed_origins`].
    ///
    /// [`public_origin`]: ServerConfig::public_origin
    /// [`allowed_origins`]: ServerConfig::allowed_origins
    pub fn origin_allowed(&self, origin: Option<&str>, request_origin: &str) -> bool {
        let own = self.public_origin.as_deref().unwrap_or(request_origin);
        match origin {
            None => true,
            Some(origin) => origin == own || self.allowed_origins.iter().any(|o| o == origin),
        }
    }

    /// Whether `url` (canonical) is one of the configured return URLs: the same origin and
    /// path; its query may differ (it carries the state).
    pub fn is_return_url(&self, url: &ParsedUrl) -> bool {
        self.return_urls
            .iter()
            .any(|allowed| allowed.origin() == url.origin() && url_path(allowed) == url_path(url))
    }
}

/// The path of a canonical URL (between its host and its query).
fn url_path(url: &ParsedUrl) -> &str {
    let after_origin = url.href().get(url.origin().len()..).unwrap_or("");
    let end = after_origin.find(['?', '#']).unwrap_or(after_origin.len());
    after_origin.get(..end).unwrap_or("")
}

/// The request member that carries the return URL, for `provider`: deepidv `redirect_url`
/// (000), Didit `callback` (003), Verifa `redirect_url` (004).
fn return_url_member(provider: Provider) -> &'static str {
    match provider {
        Provider::Didit => "callback",
        _ => "redirect_url",
    }
}

/// A create the handler forwards: the provider's URL and body, and the fingerprint the
/// idempotency store compares (the checked body: two requests that mean the same, the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// `{provider}{create path}`.
    pub url: String,
    /// The checked body, in the provider's snake_case form.
    pub body: String,
}

/// A refusal the handler answers itself: an HTTP status, and the `IdvError` it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The error (its code, message and field go in the JSON body).
    pub error: Error,
}

impl Refusal {
    fn new(status: u16, error: Error) -> Refusal {
        Refusal { status, error }
    }
}

/// A problem of a request, with the field it names (an unknown field by the request's own key).
pub type Problem = (Error, Option<String>);

/// Checks a browser's create (`body`, at most the provider's bound, and its Idempotency-Key)
/// and returns what to send the provider: the request validated by the core, its return URL
/// one of the configured ones. Every problem of the request is returned when it is refused.
pub fn create_request(
    config: &ServerConfig,
    body: &str,
    idempotency_key: Option<&str>,
) -> Result<CreateRequest, (Refusal, Vec<Problem>)> {
    let refuse = |status, error| (Refusal::new(status, error), Vec::new());
    if body.len() > config.provider.max_request_bytes() {
        return Err(refuse(413, Error::InputTooLong { field: "request" }));
    }
    if idempotency_key.is_some_and(|key| !is_idempotency_key(key)) {
        return Err(refuse(
            400,
            Error::InvalidRequest {
                field: "Idempotency-Key",
            },
        ));
    }
    let json = Json::parse(body).ok_or(refuse(400, Error::InvalidRequest { field: "request" }))?;
    let options = RequestOptions {
        allow_insecure_localhost: config.allow_insecure_localhost,
        app_schemes: &config.app_schemes,
    };
    let checked = normalize_request(config.provider, &json, &options).map_err(|problems| {
        let named = problems
            .iter()
            .map(|&error| {
                let name = match (error, &json) {
                    (Error::UnknownField { index }, Json::Object(members)) => members
                        .get(usize::from(index))
                        .map(|(name, _)| name.clone()),
                    _ => error.field().map(String::from),
                };
                (error, name)
            })
            .collect();
        (Refusal::new(400, problems[0]), named)
    })?;
    // The checked body holds the return URL canonical, under the provider's own name.
    let return_url = Json::parse(&checked).as_ref().and_then(|b| {
        b.get(return_url_member(config.provider))
            .and_then(Json::as_str)
            .map(String::from)
    });
    if let Some(return_url) = return_url {
        let http = HttpAllowed::localhost_if(config.allow_insecure_localhost);
        let allowed = match parse_strict(&return_url, "redirectUrl", http) {
            Ok(url) => config.is_return_url(&url),
            // A mobile app's own scheme (the core accepted it only if allowed): up to its query.
            Err(_) => {
                let before_query = return_url.split(['?', '#']).next().unwrap_or("");
                config.app_return_urls.iter().any(|u| u == before_query)
            }
        };
        if !allowed {
            return Err(refuse(400, Error::ReturnUrlNotAllowed));
        }
    }
    let mut url = config.provider_url.clone();
    url.push_str(&config.create_path);
    Ok(CreateRequest { url, body: checked })
}

/// Whether `value` may be forwarded to the provider as request header `name` (one of its API's
/// `forwarded_headers`): an `Idempotency-Key` as the create's own (1-255 visible ASCII),
/// `Verifa-Version` a `YYYY-MM-DD` date ("API version date", 004). Anything else is refused
/// before the provider (400, naming the header).
pub fn forwarded_header_ok(name: &str, value: &str) -> bool {
    match name {
        "Idempotency-Key" => is_idempotency_key(value),
        "Verifa-Version" => crate::time::is_date(value),
        _ => false,
    }
}

/// Whether the handler keeps a provider's answer to a create for its Idempotency-Key: a session
/// (2xx) or a refusal of the request (4xx but 429), which the same request would get again. A
/// 429, a 5xx or no answer at all is not kept: the same key tries again.
pub fn keeps_answer(status: u16) -> bool {
    (200..500).contains(&status) && status != 429
}

/// The URL that reads session `id` from the provider, after checking the id.
pub fn session_request(config: &ServerConfig, id: &str) -> Result<String, Refusal> {
    if !is_token(id, MAX_SESSION_ID_LEN) {
        return Err(Refusal::new(400, Error::InvalidSessionId));
    }
    let (before, after) = &config.session_path;
    let mut url = config.provider_url.clone();
    for piece in [before.as_str(), id, after.as_str()] {
        url.push_str(piece);
    }
    Ok(url)
}

/// The authoritative status of a session, from the provider's answer to its read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The provider's status word in snake_case (`Kyc Expired` is `kyc_expired`).
    pub status: String,
    /// Whether the person's part is over and the provider will not change it by itself.
    pub final_: bool,
    /// The provider's reason, where it gives one.
    pub reason: Option<String>,
}

/// Reads a session's status from the provider's answer (a JSON body) as its table says.
/// `None` when the answer has no status the table knows: the handler answers 502.
pub fn summary(config: &ServerConfig, answer: &Json) -> Option<Summary> {
    let api = config.provider.api();
    let member = |path: &[&str]| {
        let mut value = answer;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str()
    };
    let word = member(api.status_member.0)?;
    let (known, final_) = config
        .statuses
        .iter()
        .find(|(w, _)| w == word)
        .map(|(w, f)| (w.as_str(), *f))?;
    let reason = api
        .reason_member
        .and_then(|(path, _)| member(path))
        .filter(|r| is_token(r, 64))
        .map(String::from);
    Some(Summary {
        status: snake_case(known),
        final_,
        reason,
    })
}

/// `Kyc Expired` → `kyc_expired`, `PENDING` → `pending`.
pub fn snake_case(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The JSON body of the status route: `{ provider, id, status, final, reason?, raw }`.
pub fn summary_body(config: &ServerConfig, id: &str, summary: &Summary, raw: &str) -> String {
    let mut body = ObjectWriter::new();
    body.string("provider", config.provider.as_str())
        .string("id", id)
        .string("status", &summary.status)
        .json("final", if summary.final_ { "true" } else { "false" })
        .optional("reason", summary.reason.as_deref())
        .json("raw", raw);
    body.finish()
}

/// The JSON body of a refusal: `{ code, message, field? }`, and for a request with more than
/// one problem, `errors`: each `{ code, field?, message }` (the first is the refusal's own).
pub fn refusal_body(error: Error, problems: &[Problem]) -> String {
    let mut body = ObjectWriter::new();
    let field = problems
        .first()
        .and_then(|(_, f)| f.as_deref())
        .or(error.field());
    body.string("code", error.code())
        .string("message", error.message())
        .optional("field", field);
    if problems.len() > 1 {
        let mut list = String::from("[");
        for (i, (error, field)) in problems.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let mut item = ObjectWriter::new();
            item.string("code", error.code())
                .optional("field", field.as_deref())
                .string("message", error.message());
            list.push_str(&item.finish());
        }
        list.push(']');
        body.json("errors", &list);
    }
    body.finish()
}

/// Where the start route sends the person, and the state its cookie keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The hosted page (checked).
    pub location: String,
    /// The handoff's state.
    pub state: String,
}

/// The start route, `GET {start}?handoff=<hosted URL>[&state=<state>]`: the hosted URL must be
/// on an allowed host, and the state one `createState` made. deepidv's hosted URL carries the
/// return URL (with the state) in `redirect_url`, which must be one of the return URLs; Didit
/// and Verifa took the return URL at creation, so the state comes as `state`.
pub fn start(config: &ServerConfig, query: &str) -> Result<Start, Error> {
    let param = |name: &str| {
        let mut values = pairs(query).filter(|(n, _)| n == name).map(|(_, v)| v);
        match (values.next(), values.next()) {
            (Some(value), None) => Some(value),
            _ => None,
        }
    };
    let handoff = param("handoff").ok_or(Error::InvalidUrl { field: "handoff" })?;
    let location = build_hosted_url(
        &handoff,
        Some(&config.session_hosts),
        config.allow_insecure_localhost,
        None,
    )?;
    let state = if config.provider == Provider::Deepidv {
        let mut redirects = pairs(query_of(&location)).filter(|(n, _)| n == REDIRECT_PARAM);
        let return_url = match (redirects.next(), redirects.next()) {
            (Some((_, url)), None) => url,
            _ => return Err(Error::ReturnUrlNotAllowed),
        };
        let http = HttpAllowed::localhost_if(config.allow_insecure_localhost);
        let return_url = parse_strict(&return_url, "redirectUrl", http)?;
        if !config.is_return_url(&return_url) {
            return Err(Error::ReturnUrlNotAllowed);
        }
        let mut states = pairs(query_of(return_url.href())).filter(|(n, _)| n == STATE_PARAM);
        match (states.next(), states.next()) {
            (Some((_, state)), None) => state,
            _ => return Err(Error::InvalidState),
        }
    } else {
        param(STATE_PARAM).ok_or(Error::InvalidState)?
    };
    if !is_made_state(&state) {
        return Err(Error::InvalidState);
    }
    Ok(Start { location, state })
}

/// The state cookie's value once its handoff has returned: `used.<state>`, kept for the rest of
/// the hour, so that a replay of that return in this browser is told apart from a return from
/// another device (which has no cookie at all).
const USED_PREFIX: &str = "used.";

/// The `Set-Cookie` value that keeps `state` for the return (`Pending`), or marks it used;
/// `over_http` for development over http on loopback ([`DEV_STATE_COOKIE`]).
pub fn state_cookie(state: CookieState, over_http: bool) -> String {
    let mut cookie = String::from(if over_http {
        DEV_STATE_COOKIE
    } else {
        STATE_COOKIE
    });
    cookie.push('=');
    if let CookieState::Used(_) = state {
        cookie.push_str(USED_PREFIX);
    }
    cookie.push_str(match state {
        CookieState::Pending(s) | CookieState::Used(s) => s,
    });
    cookie.push_str(if over_http {
        "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
    } else {
        "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age="
    });
    cookie.push_str(&decimal(HANDOFF_MAX_AGE_SECONDS));
    cookie
}

/// `n` in decimal digits (no_std has no `to_string` worth its bytes here).
pub fn decimal(mut n: u32) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

/// What the state cookie says of this browser's handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieState<'a> {
    /// A handoff started here and not yet returned: its state.
    Pending(&'a str),
    /// A handoff started here that has returned: its state.
    Used(&'a str),
}

/// The state cookie in a `Cookie` header, if it holds a state that `createState` made
/// (`over_http`: the development cookie, [`DEV_STATE_COOKIE`]).
pub fn state_of_cookies(header: &str, over_http: bool) -> Option<CookieState<'_>> {
    let name = if over_http {
        DEV_STATE_COOKIE
    } else {
        STATE_COOKIE
    };
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .find_map(|(_, value)| match value.strip_prefix(USED_PREFIX) {
            Some(state) if is_made_state(state) => Some(CookieState::Used(state)),
            None if is_made_state(value) => Some(CookieState::Pending(value)),
            _ => None,
        })
}

/// Whether a request to `url` is development over http (loopback, `allowInsecureLocalhost`):
/// the state cookie is then [`DEV_STATE_COOKIE`].
pub fn over_http(config: &ServerConfig, url: &str) -> bool {
    config.allow_insecure_localhost && url.starts_with("http:")
}

/// A return, checked: whose browser it reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returned {
    /// The browser that began the handoff, its state matching: the session id to confirm.
    Here(String),
    /// A browser that began no handoff (or another one): the person finished on another device
    /// than the one they started on (a QR code, an invitation, Didit's `callback_method`). The
    /// session id to confirm before saying "you're done here", and nothing more.
    OtherDevice(String),
}

/// The return route: the callback in `query` checked against the state the cookie kept (one
/// use: the handler marks it used once the state matched, whatever follows; a return with
/// another state leaves it pending, so a forged link cannot spoil the person's real return). A browser with no pending handoff is
/// another device; one whose handoff with this very state already returned sees a replay
/// ([`Error::HandoffReplayed`]); a state that differs from the pending one is forged
/// ([`Error::StateMismatch`]).
pub fn returned_session(
    config: &ServerConfig,
    query: &str,
    cookie: Option<CookieState>,
) -> Result<Returned, Error> {
    let params = config
        .params
        .as_ref()
        .map(|(session_id, status, reason)| ParamNames {
            session_id,
            status,
            reason: reason.as_deref(),
        });
    let parse = |expected_state| {
        parse_callback(
            query,
            &CallbackOptions {
                provider: Some(config.provider),
                expected_session_id: None,
                expected_state,
                params,
            },
        )
    };
    match cookie {
        Some(CookieState::Pending(state)) => Ok(Returned::Here(parse(Some(state))?.session_id)),
        Some(CookieState::Used(state)) => match parse(Some(state)) {
            Ok(_) => Err(Error::HandoffReplayed),
            Err(Error::StateMismatch) => Ok(Returned::OtherDevice(parse(None)?.session_id)),
            Err(error) => Err(error),
        },
        None => Ok(Returned::OtherDevice(parse(None)?.session_id)),
    }
}

/// Where the person goes once the session is confirmed: the result URL, with the callback's
/// query (for the result page's own display; the state is spent).
pub fn result_location(config: &ServerConfig, query: &str) -> String {
    let mut location = config.result_url.clone();
    let query = query.strip_prefix('?').unwrap_or(query);
    if !query.is_empty() {
        location.push(if location.contains('?') { '&' } else { '?' });
        location.push_str(query);
    }
    location
}

/// Builds the configuration from the integrator's options (each already of the right type),
/// refusing anything that would make the proxy unsafe: return URLs that are not https (or
/// loopback http in development), origins and hosts that are not bare.
pub struct ConfigOptions<'a> {
    /// Whose API.
    pub provider: Provider,
    /// The API base URL; the provider's documented one when absent.
    pub provider_url: Option<&'a str>,
    /// The only return URLs a session may carry.
    pub return_urls: &'a [String],
    /// Custom schemes a mobile app registers, allowed in `return_urls` (Didit).
    pub app_schemes: &'a [String],
    /// Origins that may call the JSON routes.
    pub allowed_origins: &'a [String],
    /// The proxy's public origin, when `request.url` may not carry it.
    pub public_origin: Option<&'a str>,
    /// Hosted page hosts (default: those the provider's documents show).
    pub session_hosts: Option<&'a [String]>,
    /// http on loopback.
    pub allow_insecure_localhost: bool,
    /// The JSON routes' path (`/api/idv`).
    pub api_path: Option<&'a str>,
    /// The start route's path (`/idv/start`).
    pub start_path: Option<&'a str>,
    /// Where a confirmed return goes (`/`).
    pub result_url: Option<&'a str>,
    /// The return parameters' names (Verifa: required for the return route).
    pub params: Option<(&'a str, &'a str, Option<&'a str>)>,
    /// Overrides of the assumed paths.
    pub create_path: Option<&'a str>,
    /// The session path, before and after the id.
    pub session_path: Option<(&'a str, &'a str)>,
    /// Overrides of the assumed status words: each word and whether it is final.
    pub statuses: Option<Vec<(String, bool)>>,
}

impl<'a> ConfigOptions<'a> {
    /// `provider` with `return_urls` and every other option left at its default.
    pub fn new(provider: Provider, return_urls: &'a [String]) -> Self {
        ConfigOptions {
            provider,
            provider_url: None,
            return_urls,
            app_schemes: &[],
            allowed_origins: &[],
            public_origin: None,
            session_hosts: None,
            allow_insecure_localhost: false,
            api_path: None,
            start_path: None,
            result_url: None,
            params: None,
            create_path: None,
            session_path: None,
            statuses: None,
        }
    }
}

/// The hosts of the provider's hosted pages, as its documents show them: deepidv's
/// `session_url` is on `app.deepidv.com` (000), Didit's `url` on `verify.didit.me` (003).
fn documented_session_hosts(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Deepidv => &["app.deepidv.com"],
        Provider::Didit => &["verify.didit.me"],
        Provider::Verifa => &[],
    }
}

/// A path option: `/` then path characters, no trailing `/` (except `/` alone for the
/// result URL).
fn is_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'))
}

/// Checks the options and builds the configuration.
#[inline(never)]
pub fn config(options: &ConfigOptions) -> Result<ServerConfig, Error> {
    let api = options.provider.api();
    let http = HttpAllowed::localhost_if(options.allow_insecure_localhost);
    let provider_url = match (options.provider_url, api.base_url) {
        (Some(url), _) => url,
        (None, Some((url, _))) => url,
        (None, None) => {
            return Err(Error::InvalidOption {
                option: "providerUrl",
            })
        }
    };
    let provider_url =
        parse_strict(provider_url, "providerUrl", http).map_err(|_| Error::InvalidOption {
            option: "providerUrl",
        })?;
    let provider_url = String::from(provider_url.href().trim_end_matches('/'));
    if options.return_urls.is_empty() {
        return Err(Error::InvalidOption {
            option: "returnUrls",
        });
    }
    if !options.app_schemes.iter().all(|s| is_app_scheme(s)) {
        return Err(Error::InvalidOption {
            option: "allowedAppSchemes",
        });
    }
    let (mut return_urls, mut app_return_urls) = (Vec::new(), Vec::new());
    for url in options.return_urls {
        match parse_strict(url, "returnUrls", http) {
            Ok(parsed) => return_urls.push(parsed),
            Err(_) if is_app_url(url, options.app_schemes) && !url.contains(['?', '#']) => {
                app_return_urls.push(url.clone())
            }
            Err(_) => {
                return Err(Error::InvalidOption {
                    option: "returnUrls",
                })
            }
        }
    }
    let mut allowed_origins = Vec::new();
    for origin in options.allowed_origins {
        allowed_origins.push(canonical_origin(origin).ok_or(Error::InvalidOption {
            option: "allowedOrigins",
        })?);
    }
    let public_origin = match options.public_origin {
        Some(origin) => Some(canonical_origin(origin).ok_or(Error::InvalidOption {
            option: "publicOrigin",
        })?),
        None => None,
    };
    let mut session_hosts = Vec::new();
    match options.session_hosts {
        Some(hosts) => {
            for host in hosts {
                session_hosts.push(canonical_host(host).ok_or(Error::InvalidOption {
                    option: "sessionHosts",
                })?);
            }
        }
        None => session_hosts.extend(
            documented_session_hosts(options.provider)
                .iter()
                .map(|h| String::from(*h)),
        ),
    }
    let path = |value: Option<&str>, default: &str, option| match value {
        Some(path) if is_path(path) && path.len() > 1 && !path.ends_with('/') => {
            Ok(String::from(path))
        }
        Some(_) => Err(Error::InvalidOption { option }),
        None => Ok(String::from(default)),
    };
    let api_path = path(options.api_path, "/api/idv", "apiPath")?;
    let start_path = path(options.start_path, "/idv/start", "startPath")?;
    let result_url = match options.result_url {
        Some(url) if is_path(url) => String::from(url),
        Some(url) => parse_strict(url, "resultUrl", http)
            .map_err(|_| Error::InvalidOption {
                option: "resultUrl",
            })?
            .into_href(),
        None => String::from("/"),
    };
    let params = options.params.map(|(session_id, status, reason)| {
        (
            String::from(session_id),
            String::from(status),
            reason.map(String::from),
        )
    });
    let create_path = match options.create_path {
        Some(p) if is_path(p) => String::from(p),
        Some(_) => {
            return Err(Error::InvalidOption {
                option: "createPath",
            })
        }
        None => String::from(api.create_path.0),
    };
    let session_path = match options.session_path {
        Some((before, after)) if is_path(before) && (after.is_empty() || is_path(after)) => {
            (String::from(before), String::from(after))
        }
        Some(_) => {
            return Err(Error::InvalidOption {
                option: "sessionPath",
            })
        }
        None => (
            String::from(api.session_path.0 .0),
            String::from(api.session_path.0 .1),
        ),
    };
    let statuses = match &options.statuses {
        Some(statuses) if !statuses.is_empty() => statuses.clone(),
        Some(_) => return Err(Error::InvalidOption { option: "statuses" }),
        None => api
            .statuses
            .0
            .iter()
            .map(|(w, f)| (String::from(*w), *f))
            .collect(),
    };
    Ok(ServerConfig {
        provider: options.provider,
        provider_url,
        return_urls,
        app_return_urls,
        app_schemes: options.app_schemes.to_vec(),
        allowed_origins,
        public_origin,
        session_hosts,
        allow_insecure_localhost: options.allow_insecure_localhost,
        api_path,
        start_path,
        result_url,
        params,
        create_path,
        session_path,
        statuses,
    })
}
