//! Creating a verification session through the integrator's proxy: the request, validated and
//! put in the provider's snake_case form before any byte is sent; the retry policy over the
//! proxy's answers; and the session read back from a successful answer.
//!
//! The module never accepts, stores or sends an API key: the proxy adds it server-side. An
//! `apiKey` field is refused like any other unknown field.

use alloc::string::String;
use alloc::vec::Vec;

use crate::callback::is_token;
use crate::error::Error;
use crate::json::Json;
use crate::provider::{Provider, DIDIT_LANGUAGES};
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

/// The snake_case name of a deepidv request field given in either spelling.
pub fn field_name(name: &str) -> Option<&'static str> {
    DEEPIDV_FIELDS
        .iter()
        .find(|(snake, camel, _, _)| *snake == name || *camel == name)
        .map(|(snake, _, _, _)| *snake)
}

/// Longest name, id or other free text accepted, in characters.
pub const MAX_TEXT_LEN: usize = 256;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Validates a deepidv session request given as a list of fields (either spelling) and returns
/// the JSON body the provider expects: [`normalize_request`] for callers that hold the fields
/// rather than JSON.
pub fn normalize_session_request(
    fields: &[(&str, Value)],
    allow_insecure_localhost: bool,
) -> Result<String, Error> {
    let members = fields
        .iter()
        .map(|&(name, value)| {
            let value = match value {
                Value::Absent => Json::Null,
                Value::Str(s) => Json::Str(String::from(s)),
                Value::Bool(b) => Json::Bool(b),
                // No deepidv rule takes an array: it stands for "anything else".
                Value::Other => Json::Array(Vec::new()),
            };
            (String::from(name), value)
        })
        .collect();
    normalize_request(
        Provider::Deepidv,
        &Json::Object(members),
        allow_insecure_localhost,
    )
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

/// Validates a request for `provider`, given as JSON (what `JSON.stringify` makes of the
/// caller's object), and returns the body to send. `null` members count as not given.
///
/// deepidv takes its fields in either spelling ([`normalize_session_request`]); Didit and
/// Verifa take their own snake_case shapes ([`DIDIT_FIELDS`], [`VERIFA_FIELDS`]), nested objects
/// included. Unknown fields are refused everywhere: an API key never belongs in a request.
pub fn normalize_request(
    provider: Provider,
    request: &Json,
    allow_insecure_localhost: bool,
) -> Result<String, Error> {
    let Json::Object(members) = request else {
        return Err(Error::InvalidRequest { field: "request" });
    };
    let shape = match provider {
        Provider::Deepidv => DEEPIDV_FIELDS,
        Provider::Didit => DIDIT_FIELDS,
        Provider::Verifa => VERIFA_FIELDS,
    };
    let body = check_object(members, shape, allow_insecure_localhost, None)?;
    Ok(body.to_text())
}

/// How a field of a provider's request is checked.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Free text ([`MAX_TEXT_LEN`] characters, not blank, no controls).
    Text,
    /// A UUID (`8-4-4-4-12` hexadecimal digits).
    Uuid,
    /// A plausible email address.
    Email,
    /// Strict E.164.
    Phone,
    /// `true` or `false`.
    Flag,
    /// One of Didit's interface languages.
    DiditLanguage,
    /// One of a fixed list.
    OneOf(&'static [&'static str]),
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// ISO 3166-1 alpha-2 (two capital letters).
    Alpha2,
    /// ISO 3166-1 alpha-3 (three capital letters).
    Alpha3,
    /// A list of short codes (`[A-Za-z0-9_-]{1,64}` each).
    Codes,
    /// An https URL (http on localhost when allowed), sent in canonical form.
    HttpsUrl,
    /// An https URL, or a custom app scheme (`myapp://…`) for mobile returns.
    ReturnUrl,
    /// Base64 of at most this many bytes.
    Base64(usize),
    /// Any JSON value, kept as given.
    AnyJson,
    /// A JSON object of anything.
    AnyObject,
    /// A nested object with these fields.
    Object(&'static [Field]),
}

/// A request field: the name sent (dotted for nested fields, as errors report it), a second
/// spelling accepted (the name itself when there is none; it wins when both are given), its
/// rule, and whether it is required.
pub type Field = (&'static str, &'static str, Rule, bool);

/// deepidv's body (`000_*`, `001_*`): snake_case sent, camelCase accepted and winning, as the
/// provider documents.
pub const DEEPIDV_FIELDS: &[Field] = &[
    ("first_name", "firstName", Rule::Text, true),
    ("last_name", "lastName", Rule::Text, true),
    ("email", "email", Rule::Email, true),
    ("phone", "phone", Rule::Phone, true),
    ("external_id", "externalId", Rule::Text, false),
    ("send_email_invite", "sendEmailInvite", Rule::Flag, false),
    ("send_phone_invite", "sendPhoneInvite", Rule::Flag, false),
    ("workflow_id", "workflowId", Rule::Text, false),
    ("redirect_url", "redirectUrl", Rule::HttpsUrl, false),
];

const CALLBACK_METHODS: &[&str] = &["initiator", "completer", "both"];

/// Didit's `POST /v3/session/` body (`003_*`).
pub const DIDIT_FIELDS: &[Field] = &[
    ("workflow_id", "workflow_id", Rule::Uuid, true),
    ("vendor_data", "vendor_data", Rule::Text, false),
    ("callback", "callback", Rule::ReturnUrl, false),
    (
        "callback_method",
        "callback_method",
        Rule::OneOf(CALLBACK_METHODS),
        false,
    ),
    ("metadata", "metadata", Rule::AnyJson, false),
    ("language", "language", Rule::DiditLanguage, false),
    (
        "contact_details",
        "contact_details",
        Rule::Object(DIDIT_CONTACT),
        false,
    ),
    (
        "expected_details",
        "expected_details",
        Rule::Object(DIDIT_EXPECTED),
        false,
    ),
    (
        "portrait_image",
        "portrait_image",
        Rule::Base64(2 * 1024 * 1024),
        false,
    ),
];

const DIDIT_CONTACT: &[Field] = &[
    (
        "contact_details.email",
        "contact_details.email",
        Rule::Email,
        false,
    ),
    (
        "contact_details.send_notification_emails",
        "contact_details.send_notification_emails",
        Rule::Flag,
        false,
    ),
    (
        "contact_details.email_lang",
        "contact_details.email_lang",
        Rule::DiditLanguage,
        false,
    ),
    (
        "contact_details.phone",
        "contact_details.phone",
        Rule::Phone,
        false,
    ),
];

const DIDIT_EXPECTED: &[Field] = &[
    (
        "expected_details.first_name",
        "expected_details.first_name",
        Rule::Text,
        false,
    ),
    (
        "expected_details.last_name",
        "expected_details.last_name",
        Rule::Text,
        false,
    ),
    (
        "expected_details.date_of_birth",
        "expected_details.date_of_birth",
        Rule::Date,
        false,
    ),
    (
        "expected_details.nationality",
        "expected_details.nationality",
        Rule::Alpha3,
        false,
    ),
    (
        "expected_details.id_country",
        "expected_details.id_country",
        Rule::Alpha3,
        false,
    ),
    (
        "expected_details.expected_document_types",
        "expected_details.expected_document_types",
        Rule::Codes,
        false,
    ),
];

/// Verifa's create-session body (`004_*`).
pub const VERIFA_FIELDS: &[Field] = &[
    ("external_ref", "external_ref", Rule::Text, false),
    ("metadata", "metadata", Rule::AnyObject, false),
    ("country", "country", Rule::Alpha2, false),
    ("checks", "checks", Rule::Codes, false),
    ("workflow_id", "workflow_id", Rule::Text, false),
    ("redirect_url", "redirect_url", Rule::HttpsUrl, false),
];

/// The last segment of a dotted field name: the member name in the JSON object.
fn member_name(field: &str) -> &str {
    field.rsplit_once('.').map_or(field, |(_, name)| name)
}

/// Checks an object against `shape` and returns it with only the given fields, named as sent,
/// in the shape's order. An unknown member is refused: at the top level by its position (the
/// caller names it), inside a nested object by that object's field (`parent`).
fn check_object(
    members: &[(String, Json)],
    shape: &'static [Field],
    allow_insecure_localhost: bool,
    parent: Option<&'static str>,
) -> Result<Json, Error> {
    let spellings = |&(field, alias, _, _): &Field| [member_name(field), member_name(alias)];
    for (index, (name, _)) in members.iter().enumerate() {
        if !shape.iter().any(|f| spellings(f).contains(&name.as_str())) {
            return Err(match parent {
                Some(field) => Error::InvalidRequest { field },
                None => Error::UnknownField {
                    index: u16::try_from(index).unwrap_or(u16::MAX),
                },
            });
        }
    }
    let given = |name: &str| {
        members
            .iter()
            .find(|(n, v)| n == name && *v != Json::Null)
            .map(|(_, v)| v)
    };
    let mut out = Vec::new();
    for f @ &(field, _, rule, required) in shape {
        let [name, alias] = spellings(f);
        match given(alias).or_else(|| given(name)) {
            Some(value) => out.push((
                String::from(name),
                check(field, rule, value, allow_insecure_localhost)?,
            )),
            None if required => return Err(Error::InvalidRequest { field }),
            None => {}
        }
    }
    Ok(Json::Object(out))
}

/// Checks one value; returns what is sent (canonical URLs, everything else as given).
fn check(
    field: &'static str,
    rule: Rule,
    value: &Json,
    allow_insecure_localhost: bool,
) -> Result<Json, Error> {
    let invalid = Error::InvalidRequest { field };
    let text = value.as_str();
    let ok = match (rule, value) {
        (Rule::AnyJson, _) | (Rule::Flag, Json::Bool(_)) | (Rule::AnyObject, Json::Object(_)) => {
            true
        }
        (Rule::Object(shape), Json::Object(members)) => {
            return check_object(members, shape, allow_insecure_localhost, Some(field));
        }
        (Rule::Codes, Json::Array(items)) => {
            items.iter().all(|item| item.as_str().is_some_and(is_code))
        }
        (Rule::HttpsUrl | Rule::ReturnUrl, Json::Str(url)) => {
            let http = HttpAllowed::localhost_if(allow_insecure_localhost);
            match parse_strict(url, field, http) {
                Ok(url) => return Ok(Json::Str(url.into_href())),
                Err(_) => matches!(rule, Rule::ReturnUrl) && is_app_return_url(url),
            }
        }
        (_, Json::Str(_)) => text.is_some_and(|s| match rule {
            Rule::Text => is_text(s, MAX_TEXT_LEN),
            Rule::Uuid => is_uuid(s),
            Rule::Email => is_plausible_email(s),
            Rule::Phone => is_e164(s),
            Rule::DiditLanguage => DIDIT_LANGUAGES.contains(&s),
            Rule::OneOf(values) => values.contains(&s),
            Rule::Date => is_date(s),
            Rule::Alpha2 => s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()),
            Rule::Alpha3 => s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()),
            Rule::Base64(max) => is_base64(s, max),
            _ => false,
        }),
        _ => false,
    };
    if ok {
        Ok(value.clone())
    } else {
        Err(invalid)
    }
}

fn is_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A real calendar date `YYYY-MM-DD` (leap years included).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: core::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Standard base64 with padding, decoding to at most `max_bytes`.
fn is_base64(s: &str, max_bytes: usize) -> bool {
    let body = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() % 4 == 0
        && s.len() - body.len() <= 2
        && s.len() / 4 * 3 - (s.len() - body.len()) <= max_bytes
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// A custom app scheme for a mobile return (`myapp://verified`): a scheme of its own (never one
/// a browser would run or navigate: those go through the https rules), `://`, and printable
/// ASCII without spaces or backslashes.
fn is_app_return_url(s: &str) -> bool {
    const BROWSER_SCHEMES: &[&str] = &[
        "http",
        "https",
        "javascript",
        "data",
        "blob",
        "file",
        "about",
        "vbscript",
        "ftp",
        "ws",
        "wss",
        "filesystem",
        "view-source",
        "chrome",
        "intent",
    ];
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix("//") else {
        return false;
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase())
        && scheme.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    scheme_ok
        && !BROWSER_SCHEMES.contains(&scheme)
        && s.len() <= 2048
        && rest.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
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
    Some(epoch_ms(
        year,
        month,
        day,
        hour * 3600 + minute * 60 + second,
    ))
}

/// Unix milliseconds of a UTC civil date and second of the day (Howard Hinnant's
/// days_from_civil).
fn epoch_ms(year: u64, month: u64, day: u64, second_of_day: u64) -> f64 {
    let (y, m) = (year as i64 - i64::from(month <= 2), month as i64);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 86_400 + second_of_day as i64) as f64 * 1000.0
}

/// Parses an RFC 3339 date-time (`2026-11-22T14:00:00Z`, `…+01:00`, fractions allowed) to Unix
/// ms.
pub fn rfc3339_ms(s: &str) -> Option<f64> {
    let (date, rest) = s.split_once(['T', 't'])?;
    if !is_date(date) {
        return None;
    }
    let mut parts = date.split('-').map(decimal);
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let (time, offset_minutes) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, 0i64)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (time, offset) = rest.split_at_checked(at)?;
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset.get(1..)?.split_once(':')?;
        let (h, m) = (
            decimal(h).filter(|_| h.len() == 2)?,
            decimal(m).filter(|_| m.len() == 2)?,
        );
        if h > 23 || m > 59 {
            return None;
        }
        (time, sign * (h * 60 + m) as i64)
    };
    let (time, fraction) = time.split_once('.').unwrap_or((time, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut hms = time.split(':').map(|p| decimal(p).filter(|_| p.len() == 2));
    let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let utc = epoch_ms(year, month, day, hour * 3600 + minute * 60 + second);
    Some(utc - (offset_minutes * 60_000) as f64)
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
    /// When the hosted page stops working (Verifa's `expires_at`), as sent.
    pub expires_at: Option<String>,
    /// A QR code of the hosted page for another device (Verifa), a `data:image/png` URL.
    pub qr_code_data_url: Option<String>,
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
        expires_at: None,
        qr_code_data_url: None,
    })
}

/// Reads the session from a 2xx answer's JSON body, for `provider`: deepidv's `idv_id`/`id` and
/// `session_url`/`sessionUrl` (`links` an array when present), Didit's `session_id` and `url`,
/// Verifa's `id`, `capture_url`, `expires_at` and `qr_code_data_url`.
pub fn session_from_json(
    provider: Provider,
    answer: &Json,
    status: u16,
    allow_insecure_localhost: bool,
) -> Result<Session, Error> {
    let invalid = Error::InvalidResponse { status };
    let text = |key| match answer.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(invalid),
    };
    if !matches!(answer, Json::Object(_)) {
        return Err(invalid);
    }
    let fields = match provider {
        Provider::Deepidv => {
            if answer
                .get("links")
                .is_some_and(|links| !matches!(links, Json::Array(_)))
            {
                return Err(invalid);
            }
            AnswerFields {
                idv_id: text("idv_id")?,
                id: text("id")?,
                session_url: text("session_url")?,
                session_url_camel: text("sessionUrl")?,
                external_id_camel: text("externalId")?,
                external_id: text("external_id")?,
            }
        }
        Provider::Didit => AnswerFields {
            id: text("session_id")?,
            session_url: text("url")?,
            ..AnswerFields::default()
        },
        Provider::Verifa => AnswerFields {
            id: text("id")?,
            session_url: text("capture_url")?,
            external_id: text("external_ref")?,
            ..AnswerFields::default()
        },
    };
    let mut session = session_from_answer(&fields, status, allow_insecure_localhost)?;
    if provider == Provider::Verifa {
        session.expires_at = text("expires_at")?
            .filter(|at| rfc3339_ms(at).is_some())
            .map(String::from);
        if text("expires_at")?.is_some() && session.expires_at.is_none() {
            return Err(invalid);
        }
        session.qr_code_data_url = match text("qr_code_data_url")? {
            Some(qr) if is_png_data_url(qr) => Some(String::from(qr)),
            Some(_) => return Err(invalid),
            None => None,
        };
    }
    Ok(session)
}

/// A `data:image/png;base64,` URL (a QR code to show, nothing a browser would run).
fn is_png_data_url(s: &str) -> bool {
    s.strip_prefix("data:image/png;base64,")
        .is_some_and(|body| is_base64(body, 1024 * 1024))
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
