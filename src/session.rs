//! Creating a verification session through the integrator's proxy: the request, validated and
//! put in the provider's snake_case form before any byte is sent; the retry policy over the
//! proxy's answers; and the session read back from a successful answer.
//!
//! The module never accepts, stores or sends an API key: the proxy adds it server-side. An
//! `apiKey` field is refused like any other unknown field.

use alloc::string::String;

use crate::callback::is_token;
use crate::error::Error;
use crate::web_url::{parse_strict, HttpAllowed};

/// A request field's value as the caller gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// `undefined` or `null`: treated as not given.
    Absent,
    /// A string.
    Str(&'a str),
    /// A boolean.
    Bool(bool),
    /// Anything else (a number, an object, …): always refused.
    Other,
}

/// What a field holds, and so how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Email,
    Phone,
    Id,
    Flag,
    RedirectUrl,
}

/// deepidv's request fields (`000_*`, `001_*`): the snake_case name sent, the camelCase alias
/// accepted (it wins when both are given, as the provider documents), whether it is required.
const FIELDS: &[(&str, &str, Kind, bool)] = &[
    ("first_name", "firstName", Kind::Name, true),
    ("last_name", "lastName", Kind::Name, true),
    ("email", "email", Kind::Email, true),
    ("phone", "phone", Kind::Phone, true),
    ("external_id", "externalId", Kind::Id, false),
    ("send_email_invite", "sendEmailInvite", Kind::Flag, false),
    ("send_phone_invite", "sendPhoneInvite", Kind::Flag, false),
    ("workflow_id", "workflowId", Kind::Id, false),
    ("redirect_url", "redirectUrl", Kind::RedirectUrl, false),
];

/// The snake_case name of a request field given in either spelling.
pub fn field_name(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|(snake, camel, _, _)| *snake == name || *camel == name)
        .map(|(snake, _, _, _)| *snake)
}

/// Longest name, id or other free text accepted, in characters.
pub const MAX_TEXT_LEN: usize = 256;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Validates a session request (fields in either spelling) and returns the JSON body the
/// provider expects, in its snake_case form, absent fields left out.
///
/// `allow_insecure_localhost` admits an `http://localhost` or `http://127.0.0.1` redirect URL
/// (development only).
pub fn normalize_session_request(
    fields: &[(&str, Value)],
    allow_insecure_localhost: bool,
) -> Result<String, Error> {
    for (index, (name, _)) in fields.iter().enumerate() {
        if field_name(name).is_none() {
            return Err(Error::UnknownField {
                index: u16::try_from(index).unwrap_or(u16::MAX),
            });
        }
    }
    let given = |name: &str| {
        fields
            .iter()
            .find(|(n, v)| *n == name && *v != Value::Absent)
            .map(|(_, v)| *v)
    };
    let mut body = String::with_capacity(256);
    body.push('{');
    for &(snake, camel, kind, required) in FIELDS {
        let field = snake;
        let Some(value) = given(camel).or_else(|| given(snake)) else {
            if required {
                return Err(Error::InvalidRequest { field });
            }
            continue;
        };
        if body.len() > 1 {
            body.push(',');
        }
        push_json_string(&mut body, snake);
        body.push(':');
        match (kind, value) {
            (Kind::Flag, Value::Bool(flag)) => body.push_str(if flag { "true" } else { "false" }),
            (Kind::RedirectUrl, Value::Str(url)) => {
                let http = HttpAllowed::localhost_if(allow_insecure_localhost);
                let url =
                    parse_strict(url, field, http).map_err(|_| Error::InvalidRequest { field })?;
                push_json_string(&mut body, url.href());
            }
            (Kind::Name | Kind::Id, Value::Str(text)) if is_text(text, MAX_TEXT_LEN) => {
                push_json_string(&mut body, text)
            }
            (Kind::Email, Value::Str(email)) if is_plausible_email(email) => {
                push_json_string(&mut body, email)
            }
            (Kind::Phone, Value::Str(phone)) if is_e164(phone) => {
                push_json_string(&mut body, phone)
            }
            _ => return Err(Error::InvalidRequest { field }),
        }
    }
    body.push('}');
    Ok(body)
}

/// Free text: not blank, at most `max` characters, no control characters. (ASCII notions of
/// blank and letter throughout this module: Unicode's tables would cost the wasm build more
/// than everything else in it.)
fn is_text(s: &str, max: usize) -> bool {
    !s.trim_ascii().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// `local@domain.tld`: one `@`, a local part of 1 to 64 characters without spaces, quotes or
/// brackets, and a domain of at least two non-empty labels of letters, digits and hyphens
/// (non-ASCII allowed, for IDN) that neither start nor end with a hyphen.
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| !c.is_control() && !c.is_ascii_whitespace() && !is_email_special(c));
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
    });
    s.len() <= MAX_EMAIL_LEN && local_ok && domain.bytes().any(|b| b == b'.') && labels_ok
}

/// Characters an unquoted local part cannot hold (RFC 5322 specials).
fn is_email_special(c: char) -> bool {
    matches!(
        c,
        '@' | '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']'
    )
}

/// Strict E.164: `+`, a country code starting 1-9, at most 15 digits in all, nothing else.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Appends `s` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A random (version 4) UUID from 16 random bytes: the default Idempotency-Key.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// An Idempotency-Key a caller may choose: 1 to 255 visible ASCII characters (Verifa's limit,
/// and a valid header value everywhere).
pub fn is_idempotency_key(s: &str) -> bool {
    (1..=255).contains(&s.len()) && s.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// How often and how long `createSession` retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The longest single wait; a server asking for longer ends the call (`rate_limited`).
    pub max_delay_ms: u32,
}

/// The first backoff ceiling; it doubles with each retry, up to `max_delay_ms`.
pub const BACKOFF_BASE_MS: u32 = 250;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            max_delay_ms: 30_000,
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt<'a> {
    /// The proxy answered (a redirect counts as an answer: it is never followed).
    Answered {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header.
        retry_after: Option<&'a str>,
        /// The `X-RateLimit-Reset` header (Unix seconds).
        rate_limit_reset: Option<&'a str>,
    },
    /// The request failed before an answer (DNS, connection, CORS).
    NetworkError,
    /// The attempt took longer than `timeoutMs`.
    TimedOut,
    /// The caller's signal aborted the call.
    Aborted,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A 2xx answer: read the session from it.
    Accept,
    /// Try again with the same Idempotency-Key after this many milliseconds.
    Retry {
        /// The wait.
        delay_ms: u32,
    },
    /// Stop with this error.
    Fail(Error),
}

/// Decides what follows attempt number `attempt` (0 for the first). 400, 401, 402, 404 and 422
/// are final; 409, 429, 5xx, network failures and timeouts are retried up to the policy's
/// count: 429 after the wait the server asks for (`Retry-After`, else `X-RateLimit-Reset`),
/// the others with exponential backoff and full jitter (`random` in [0, 1)).
pub fn next_step(
    attempt: u32,
    outcome: Attempt,
    policy: RetryPolicy,
    now_ms: f64,
    random: f64,
) -> Step {
    let last = attempt >= policy.max_retries;
    let backoff = || {
        let ceiling = u64::from(BACKOFF_BASE_MS) << attempt.min(20);
        let ceiling = ceiling.min(u64::from(policy.max_delay_ms)) as f64;
        Step::Retry {
            delay_ms: (random.clamp(0.0, 1.0) * ceiling) as u32,
        }
    };
    let final_error = match outcome {
        Attempt::Aborted => return Step::Fail(Error::Aborted),
        Attempt::NetworkError => Error::NetworkError,
        Attempt::TimedOut => Error::Timeout,
        Attempt::Answered {
            status,
            retry_after,
            rate_limit_reset,
        } => match status {
            200..=299 => return Step::Accept,
            300..=399 => return Step::Fail(Error::InvalidResponse { status }),
            400 => return Step::Fail(Error::BadRequest { field: None }),
            401 => return Step::Fail(Error::Unauthorized),
            402 => return Step::Fail(Error::PaymentRequired),
            404 => return Step::Fail(Error::WorkflowNotFound),
            422 => return Step::Fail(Error::IdempotencyConflict),
            429 => {
                let wait = retry_after
                    .and_then(|v| retry_after_ms(v, now_ms))
                    .or_else(|| rate_limit_reset.and_then(|v| reset_ms(v, now_ms)));
                let error = Error::RateLimited {
                    retry_after_ms: wait,
                };
                return match wait {
                    _ if last => Step::Fail(error),
                    Some(ms) if ms > policy.max_delay_ms => Step::Fail(error),
                    Some(ms) => Step::Retry { delay_ms: ms },
                    None => backoff(),
                };
            }
            409 | 500..=599 => Error::UpstreamError { status },
            _ => return Step::Fail(Error::UpstreamError { status }),
        },
    };
    if last {
        Step::Fail(final_error)
    } else {
        backoff()
    }
}

/// `Retry-After` in milliseconds from now: delay-seconds, or an HTTP date (IMF-fixdate).
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<u32> {
    let value = value.trim_ascii();
    if let Some(seconds) = decimal(value) {
        return Some(clamp_ms(seconds as f64 * 1000.0));
    }
    http_date_ms(value).map(|at| clamp_ms(at - now_ms))
}

/// `X-RateLimit-Reset` (Unix seconds, as Verifa documents) in milliseconds from now.
pub fn reset_ms(value: &str, now_ms: f64) -> Option<u32> {
    decimal(value.trim_ascii()).map(|seconds| clamp_ms(seconds as f64 * 1000.0 - now_ms))
}

fn clamp_ms(ms: f64) -> u32 {
    ms.clamp(0.0, f64::from(u32::MAX)) as u32
}

/// A non-negative decimal integer of at most 12 digits.
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) to Unix ms.
pub fn http_date_ms(s: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = s.split(' ');
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        decimal(parts.next()?)?,
        parts.next()?,
        decimal(parts.next()?)?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let mut hms = time.split(':').map(decimal);
    let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
    let (y, m) = (year as i64 - i64::from(month <= 2), month as i64);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64;
    Some(seconds as f64 * 1000.0)
}

/// The fields of a successful answer that make the session, in each spelling the provider
/// uses (`idv_id` in one document, `id` in another).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerFields<'a> {
    /// `idv_id`.
    pub idv_id: Option<&'a str>,
    /// `id`.
    pub id: Option<&'a str>,
    /// `session_url`.
    pub session_url: Option<&'a str>,
    /// `sessionUrl`.
    pub session_url_camel: Option<&'a str>,
    /// `externalId`.
    pub external_id_camel: Option<&'a str>,
    /// `external_id`.
    pub external_id: Option<&'a str>,
}

/// A created session, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The provider's session id, `[A-Za-z0-9._~-]{1,128}` (what the callback will carry).
    pub id: String,
    /// The hosted page, https (or, when allowed, http on localhost), canonical.
    pub session_url: String,
    /// The caller's external id, echoed.
    pub external_id: Option<String>,
}

/// Reads the session from a 2xx answer of HTTP status `status`: an id and an https session URL
/// are required, or it is `invalid_response`.
pub fn session_from_answer(
    fields: &AnswerFields,
    status: u16,
    allow_insecure_localhost: bool,
) -> Result<Session, Error> {
    let invalid = Error::InvalidResponse { status };
    let id = fields
        .idv_id
        .or(fields.id)
        .filter(|id| is_token(id, 128))
        .ok_or(invalid)?;
    let http = HttpAllowed::localhost_if(allow_insecure_localhost);
    let url = fields
        .session_url
        .or(fields.session_url_camel)
        .ok_or(invalid)?;
    let url = parse_strict(url, "sessionUrl", http).map_err(|_| invalid)?;
    let external_id = match fields.external_id_camel.or(fields.external_id) {
        Some(external) if is_text(external, MAX_TEXT_LEN) => Some(String::from(external)),
        Some(_) => return Err(invalid),
        None => None,
    };
    Ok(Session {
        id: String::from(id),
        session_url: url.into_href(),
        external_id,
    })
}

/// The message of a 400 answer, bounded: at most this many characters are kept.
pub const MAX_SERVER_MESSAGE_LEN: usize = 300;

/// Keeps a server's message for the caller: controls removed, cut to
/// [`MAX_SERVER_MESSAGE_LEN`] characters.
pub fn bounded_message(message: &str) -> String {
    message
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SERVER_MESSAGE_LEN)
        .collect()
}
