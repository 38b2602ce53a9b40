//! The server half's decisions, for its JavaScript shell (`pkg-template/server.js`): each call
//! takes the handler's options (read and checked again each time: no state lives in the wasm
//! between calls) and one request's facts, and returns what to do as a plain object.
//!
//! The API key never enters the wasm: the shell adds it to the provider request under the header
//! name it is given here.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::args::{Known, Options, MAX_OPTION_LEN};
use super::plain_object;
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::server::{
    config, create_request, decimal, forwarded_header_ok, keeps_answer, over_http, refusal_body,
    result_location, returned_session, session_request, start, state_cookie, state_of_cookies,
    summary, summary_body, ConfigOptions, CookieState, Refusal, Returned, Route, ServerConfig,
    IDEMPOTENCY_TTL_SECONDS, MAX_PROVIDER_ANSWER_BYTES,
};
use crate::session::{DEDUPLICATED, DEDUPLICATION_HEADER};

/// The options of `createIdvHandler` this layer reads (the shell keeps `apiKey`, `store`,
/// `timeoutMs` and the hooks: they never enter the wasm).
const HANDLER_OPTIONS: Known = Known::new(&[
    "provider",
    "apiKey",
    "providerUrl",
    "returnUrls",
    "allowedAppSchemes",
    "allowedOrigins",
    "publicOrigin",
    "sessionHosts",
    "allowInsecureLocalhost",
    "apiPath",
    "startPath",
    "resultUrl",
    "params",
    "createPath",
    "sessionPath",
    "statuses",
    "store",
    "timeoutMs",
    "beforeCreate",
    "beforeStatus",
]);
const PARAM_KEYS: Known = Known::new(&["params.sessionId", "params.status", "params.reason"]);
const SESSION_PATH_KEYS: Known = Known::new(&["sessionPath.before", "sessionPath.after"]);

/// Reads and checks the handler's options into its configuration.
#[inline(never)]
fn handler_config(options: &JsValue) -> Result<ServerConfig, JsValue> {
    let options = Options::read(options, HANDLER_OPTIONS, "options")?;
    let provider = options
        .provider("provider")?
        .ok_or(Error::InvalidOption { option: "provider" })?;
    let provider_url = options.url("providerUrl")?;
    let return_urls = options.strings("returnUrls", true)?.unwrap_or_default();
    let app_schemes = options
        .strings("allowedAppSchemes", false)?
        .unwrap_or_default();
    let allowed_origins = options.strings("allowedOrigins", true)?.unwrap_or_default();
    let public_origin = options.url("publicOrigin")?;
    let session_hosts = options.strings("sessionHosts", false)?;
    let allow_insecure_localhost = options.flag("allowInsecureLocalhost")?;
    let api_path = options.string("apiPath", MAX_OPTION_LEN)?;
    let start_path = options.string("startPath", MAX_OPTION_LEN)?;
    let result_url = options.url("resultUrl")?;
    let params = match options.nested("params", PARAM_KEYS)? {
        Some(params) => {
            let name = |key| params.string(key, MAX_OPTION_LEN);
            let session_id = name("params.sessionId")?;
            let status = name("params.status")?;
            let reason = name("params.reason")?;
            match (session_id, status) {
                (Some(s), Some(t)) if !s.is_empty() && !t.is_empty() => Some((s, t, reason)),
                _ => return Err(Error::InvalidOption { option: "params" }.into()),
            }
        }
        None => None,
    };
    let create_path = options.string("createPath", MAX_OPTION_LEN)?;
    let session_path = match options.nested("sessionPath", SESSION_PATH_KEYS)? {
        Some(path) => {
            let before = path.string("sessionPath.before", MAX_OPTION_LEN)?;
            let after = path
                .string("sessionPath.after", MAX_OPTION_LEN)?
                .unwrap_or_default();
            Some((
                before.ok_or(Error::InvalidOption {
                    option: "sessionPath",
                })?,
                after,
            ))
        }
        None => None,
    };
    let statuses = options.strings("statuses", false)?.map(|words| {
        // `word` for a status that can still change, `word!` for a final one.
        words
            .into_iter()
            .map(|w| match w.strip_suffix('!') {
                Some(word) => (String::from(word), true),
                None => (w, false),
            })
            .collect::<Vec<_>>()
    });
    let config_options = ConfigOptions {
        provider,
        provider_url: provider_url.as_deref(),
        return_urls: &return_urls,
        app_schemes: &app_schemes,
        allowed_origins: &allowed_origins,
        public_origin: public_origin.as_deref(),
        session_hosts: session_hosts.as_deref(),
        allow_insecure_localhost,
        api_path: api_path.as_deref(),
        start_path: start_path.as_deref(),
        result_url: result_url.as_deref(),
        params: params
            .as_ref()
            .map(|(s, t, r)| (s.as_str(), t.as_str(), r.as_deref())),
        create_path: create_path.as_deref(),
        session_path: session_path.as_ref().map(|(b, a)| (b.as_str(), a.as_str())),
        statuses,
    };
    Ok(config(&config_options)?)
}

/// A handler's configuration, read and checked once, when the handler is made: the shell holds
/// it and hands it to every call, so no request reads the options again (that read was most of
/// the core's time per request). It lives in this instance's memory: after a fault the shell
/// makes it again in the fresh instance (pkg-template/server-handler.js).
#[wasm_bindgen(skip_typescript)]
pub struct ServerHandler {
    config: ServerConfig,
}

/// Reads and checks the handler's options.
#[wasm_bindgen(js_name = serverHandler, skip_typescript)]
pub fn server_handler(options: JsValue) -> Result<ServerHandler, JsValue> {
    Ok(ServerHandler {
        config: handler_config(&options)?,
    })
}

/// What the shell needs of the configuration: `{ provider, keyHeader, forwardedHeaders,
/// maxBodyBytes, maxAnswerBytes, idempotencyTtlSeconds, dedupHeader, dedupValue, answerHeaders }`.
#[wasm_bindgen(js_name = serverSetup, skip_typescript)]
pub fn server_setup(handler: &ServerHandler) -> JsValue {
    let config = &handler.config;
    let api = config.provider.api();
    let mut text = ObjectWriter::new();
    text.string("provider", config.provider.as_str())
        .string("keyHeader", api.key_header)
        .json("forwardedHeaders", &string_list(api.forwarded_headers))
        .json(
            "maxBodyBytes",
            &decimal(config.provider.max_request_bytes() as u32),
        )
        .json("maxAnswerBytes", &decimal(MAX_PROVIDER_ANSWER_BYTES as u32))
        .json("idempotencyTtlSeconds", &decimal(IDEMPOTENCY_TTL_SECONDS))
        .string("dedupHeader", DEDUPLICATION_HEADER)
        .string("dedupValue", DEDUPLICATED)
        .json("answerHeaders", &string_list(ANSWER_HEADERS));
    plain_object(&text.finish())
}

/// The provider answer headers passed on to the browser (the rate limit it documents, 004).
const ANSWER_HEADERS: &[&str] = &[
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
];

fn string_list(items: &[&str]) -> String {
    let mut list = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        crate::json::push_string(&mut list, item);
    }
    list.push(']');
    list
}

/// The keys of a request's facts.
const REQUEST_KEYS: Known = Known::new(&["method", "url", "origin"]);

/// Which route a request takes, and its CORS answer: `{ route, sessionId?, cors? }` where route
/// is `preflight`, `create`, `status`, `start`, `return`, `notFound`, `forbidden` (an origin not
/// allowed) or `elsewhere`, and `cors` the headers to add (`null` when none).
#[wasm_bindgen(js_name = serverRoute, skip_typescript)]
pub fn server_route(handler: &ServerHandler, request: JsValue) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let request = Options::read(&request, REQUEST_KEYS, "request")?;
    // What a client sent is bounded, never trusted: a method no route has, a URL too long to
    // be one of ours, an Origin too long to be allowed are answered (404, 403), not thrown.
    let method = request
        .string("method", 16)
        .ok()
        .flatten()
        .unwrap_or_default();
    let url = request.url("url").ok().flatten().unwrap_or_default();
    let origin = request.value("origin")?.map(|origin| {
        super::args::bounded_string(&origin, MAX_OPTION_LEN)
            .ok()
            .flatten()
            .unwrap_or_default()
    });
    let parsed = crate::web_url::ParsedUrl::parse(&url);
    let (path, own_origin) = match &parsed {
        Some(url) => (path_of(url.href(), url.origin()), url.origin()),
        None => ("", ""),
    };
    let route = config.route(&method, path);
    let json_route = matches!(
        route,
        Route::Preflight | Route::Create | Route::Status(_) | Route::NotFound
    );
    let mut out = ObjectWriter::new();
    if json_route && !config.origin_allowed(origin.as_deref(), own_origin) {
        out.string("route", "forbidden");
        return Ok(plain_object(&out.finish()));
    }
    let name = match &route {
        Route::Preflight => "preflight",
        Route::Create => "create",
        Route::Status(_) => "status",
        Route::Start => "start",
        Route::Return => "return",
        Route::NotFound => "notFound",
        Route::Elsewhere => "elsewhere",
    };
    out.string("route", name);
    if let Route::Status(id) = &route {
        out.string("sessionId", id);
    }
    match origin.as_deref() {
        Some(origin) if json_route => {
            out.json("cors", &cors_headers(origin, config));
        }
        _ => {
            out.json("cors", "null");
        }
    }
    Ok(plain_object(&out.finish()))
}

/// The path of a canonical href.
fn path_of<'a>(href: &'a str, origin: &str) -> &'a str {
    let rest = href.get(origin.len()..).unwrap_or("/");
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest.get(..end).unwrap_or("/")
}

/// The CORS headers for an allowed `origin` (a JSON object text).
fn cors_headers(origin: &str, config: &ServerConfig) -> String {
    let mut allow_headers = String::from("Content-Type, Idempotency-Key");
    for header in config.provider.api().forwarded_headers {
        if *header != "Idempotency-Key" {
            allow_headers.push_str(", ");
            allow_headers.push_str(header);
        }
    }
    let mut expose = String::new();
    for header in ANSWER_HEADERS.iter().chain([&DEDUPLICATION_HEADER]) {
        if !expose.is_empty() {
            expose.push_str(", ");
        }
        expose.push_str(header);
    }
    let mut headers = ObjectWriter::new();
    headers
        .string("Access-Control-Allow-Origin", origin)
        .string("Access-Control-Allow-Methods", "GET, POST")
        .string("Access-Control-Allow-Headers", &allow_headers)
        .string("Access-Control-Expose-Headers", &expose)
        .string("Access-Control-Max-Age", "600")
        .string("Vary", "Origin");
    headers.finish()
}

/// A create's request facts.
const CREATE_KEYS: Known = Known::new(&["body", "idempotencyKey", "headers"]);

/// `POST {api}/sessions`: `{ refuse: { status, body } }`, or `{ url, body }` to send the provider
/// (with the key header and the forwarded ones the shell adds).
#[wasm_bindgen(js_name = serverCreate, skip_typescript)]
pub fn server_create(handler: &ServerHandler, request: JsValue) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let request = Options::read(&request, CREATE_KEYS, "request")?;
    let max = config.provider.max_request_bytes();
    // `null`: the shell stopped reading a body longer than the bound.
    let body = match request.string("body", max) {
        Ok(Some(body)) => body,
        _ => {
            let mut out = ObjectWriter::new();
            out.json(
                "refuse",
                &refusal_text(Refusal {
                    status: 413,
                    error: Error::InputTooLong { field: "request" },
                }),
            );
            return Ok(plain_object(&out.finish()));
        }
    };
    // A key too long to be one is refused as a malformed one (400), not thrown.
    let key = request.value("idempotencyKey")?.map(|key| {
        super::args::bounded_string(&key, 1024)
            .ok()
            .flatten()
            .unwrap_or_else(|| String::from(" "))
    });
    // The headers the provider documents for its create, as the browser sent them (`headers`:
    // name → value), each checked; only those are forwarded.
    let sent = request.value("headers")?;
    let mut forward = ObjectWriter::new();
    for name in config.provider.api().forwarded_headers {
        let value = sent
            .as_ref()
            .and_then(|h| super::host::get(h, &JsValue::from_str(name)).ok())
            .filter(|v| !v.is_null_or_undefined());
        let Some(value) = value else { continue };
        match super::args::bounded_string(&value, 1024) {
            Ok(Some(value)) if forwarded_header_ok(name, &value) => {
                forward.string(name, &value);
            }
            _ => {
                let mut out = ObjectWriter::new();
                out.json(
                    "refuse",
                    &refusal_text(Refusal {
                        status: 400,
                        error: Error::InvalidRequest { field: name },
                    }),
                );
                return Ok(plain_object(&out.finish()));
            }
        }
    }
    let mut out = ObjectWriter::new();
    match create_request(config, &body, key.as_deref()) {
        Ok(create) => {
            out.string("url", &create.url)
                .string("body", &create.body)
                .json("forward", &forward.finish());
        }
        Err((refused, problems)) => {
            let mut inner = ObjectWriter::new();
            inner
                .json("status", &decimal(u32::from(refused.status)))
                .string("body", &refusal_body(refused.error, &problems));
            out.json("refuse", &inner.finish());
        }
    }
    Ok(plain_object(&out.finish()))
}

fn refusal_text(refused: Refusal) -> String {
    let mut inner = ObjectWriter::new();
    inner
        .json("status", &decimal(u32::from(refused.status)))
        .string("body", &refusal_body(refused.error, &[]));
    inner.finish()
}

/// After the provider answered a create: whether the answer is kept for its Idempotency-Key.
#[wasm_bindgen(js_name = serverKeepsAnswer, skip_typescript)]
pub fn server_keeps_answer(status: u16) -> bool {
    keeps_answer(status)
}

/// `GET {api}/sessions/:id`, before the provider: `{ refuse }` or `{ url }`.
#[wasm_bindgen(js_name = serverStatusRequest, skip_typescript)]
pub fn server_status_request(handler: &ServerHandler, id: JsValue) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let id = id.as_string().unwrap_or_default();
    let mut out = ObjectWriter::new();
    match session_request(config, &id) {
        Ok(url) => {
            out.string("url", &url);
        }
        Err(refused) => {
            out.json("refuse", &refusal_text(refused));
        }
    }
    Ok(plain_object(&out.finish()))
}

/// The provider's answer to a session read: `{ status, body }` for the browser, the summary
/// `{ provider, id, status, final, reason?, raw }` on success; 404 for a session the provider
/// does not know, 502 for any other answer or one that is not a session.
#[wasm_bindgen(js_name = serverStatusAnswer, skip_typescript)]
pub fn server_status_answer(
    handler: &ServerHandler,
    id: JsValue,
    status: u16,
    body: JsValue,
) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let id = id.as_string().unwrap_or_default();
    let text = super::short_string(&body, MAX_PROVIDER_ANSWER_BYTES as u32).unwrap_or_default();
    let answer = Json::parse(&text);
    let not_found = Refusal {
        status: 404,
        error: Error::SessionNotFound,
    };
    let failed = Refusal {
        status: 502,
        error: Error::UpstreamError { status },
    };
    let result = match (status, answer.as_ref().and_then(|a| summary(config, a))) {
        (200..=299, Some(summary)) => Ok(summary_body(config, &id, &summary, &text)),
        (404, _) => Err(not_found),
        _ => Err(failed),
    };
    let mut out = ObjectWriter::new();
    match result {
        Ok(body) => {
            out.json("status", "200").string("body", &body);
        }
        Err(refused) => {
            out.json("status", &decimal(u32::from(refused.status)))
                .string("body", &refusal_body(refused.error, &[]));
        }
    }
    Ok(plain_object(&out.finish()))
}

/// `GET {start}`: `{ location, cookie }`, or `{ error: { code, message } }` for the error page.
#[wasm_bindgen(js_name = serverStart, skip_typescript)]
pub fn server_start(handler: &ServerHandler, url: JsValue) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let url = url.as_string().unwrap_or_default();
    let mut out = ObjectWriter::new();
    match start(config, crate::query::query_of(&url)) {
        Ok(started) => {
            out.string("location", &started.location).string(
                "cookie",
                &state_cookie(
                    CookieState::Pending(&started.state),
                    over_http(config, &url),
                ),
            );
        }
        Err(error) => {
            out.json("error", &error_text(error));
        }
    }
    Ok(plain_object(&out.finish()))
}

fn error_text(error: Error) -> String {
    let mut inner = ObjectWriter::new();
    inner
        .string("code", error.code())
        .string("message", error.message());
    inner.finish()
}

/// The return route, before the provider: the callback checked against the state cookie
/// (`cookies`: the request's `Cookie` header). `{ sessionId, resultLocation, cookie }` in the
/// browser that began the handoff (`cookie` marks its state used: one use); `{ sessionId,
/// otherDevice: true }` in a browser that began none (confirm the session, then say "you're
/// done here"); or `{ error, cookie? }` for the error page (a pending state is used up by it).
#[wasm_bindgen(js_name = serverReturn, skip_typescript)]
pub fn server_return(
    handler: &ServerHandler,
    url: JsValue,
    cookies: JsValue,
) -> Result<JsValue, JsValue> {
    let config = &handler.config;
    let url = url.as_string().unwrap_or_default();
    let cookies = cookies.as_string().unwrap_or_default();
    let dev = over_http(config, &url);
    let cookie = state_of_cookies(&cookies, dev);
    let used = match cookie {
        Some(CookieState::Pending(state)) => Some(state_cookie(CookieState::Used(state), dev)),
        _ => None,
    };
    let mut out = ObjectWriter::new();
    let query = crate::query::query_of(&url);
    match returned_session(config, query, cookie) {
        Ok(Returned::Here(id)) => {
            out.string("sessionId", &id)
                .string("resultLocation", &result_location(config, query))
                .optional("cookie", used.as_deref());
        }
        Ok(Returned::OtherDevice(id)) => {
            out.string("sessionId", &id).json("otherDevice", "true");
        }
        // Another state than the pending one (a forged link) leaves the pending state alone.
        Err(error @ (Error::StateMismatch | Error::InvalidState)) => {
            out.json("error", &error_text(error));
        }
        Err(error) => {
            out.json("error", &error_text(error))
                .optional("cookie", used.as_deref());
        }
    }
    Ok(plain_object(&out.finish()))
}

/// The error a return whose session the provider did not confirm (its answer's status) ends on.
#[wasm_bindgen(js_name = serverUnconfirmed, skip_typescript)]
pub fn server_unconfirmed(status: u16) -> JsValue {
    let error = if status == 404 {
        Error::SessionNotFound
    } else {
        Error::UpstreamError { status }
    };
    plain_object(&error_text(error))
}
