//! The request each provider documents, validated and put in its snake_case JSON form before
//! any byte is sent. The module never accepts, stores or sends an API key: an `apiKey` field is
//! refused like any other unknown field.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::json::{push_string, Json};
use crate::provider::{is_didit_language, Provider};
use crate::time::is_date;
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
///
/// Read byte by byte (no char decoding, no `chars().count()`): a character is a byte that does
/// not continue a UTF-8 sequence, and the controls (Unicode `Cc`) are the bytes below 0x20, 0x7F
/// and U+0080 to U+009F (0xC2 then 0x80 to 0x9F). Blank means only spaces: the other ASCII
/// whitespace is control.
pub(crate) fn is_text(s: &str, max: usize) -> bool {
    let (mut chars, mut blank, mut previous) = (0, true, 0u8);
    for &b in s.as_bytes() {
        if is_control_byte(previous, b) {
            return false;
        }
        chars += usize::from(b & 0xc0 != 0x80);
        blank &= b == b' ';
        previous = b;
    }
    !blank && chars <= max
}

/// Whether byte `b`, after byte `previous`, ends a control character (Unicode `Cc`) in UTF-8.
fn is_control_byte(previous: u8, b: u8) -> bool {
    b < 0x20 || b == 0x7f || (previous == 0xc2 && (0x80..0xa0).contains(&b))
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
    let mut body = String::new();
    check_object(members, shape, allow_insecure_localhost, None, &mut body)?;
    Ok(body)
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
    /// Didit's `callback_method`: `initiator`, `completer` or `both`.
    CallbackMethod,
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
    /// Base64 of an image of at most [`MAX_PORTRAIT_BYTES`].
    Portrait,
    /// Any JSON value, kept as given.
    AnyJson,
    /// A JSON object of anything.
    AnyObject,
    /// Didit's `contact_details` object (`DIDIT_CONTACT`).
    ContactDetails,
    /// Didit's `expected_details` object (`DIDIT_EXPECTED`).
    ExpectedDetails,
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

/// The largest `portrait_image` Didit takes, decoded.
pub const MAX_PORTRAIT_BYTES: usize = 2 * 1024 * 1024;

/// Didit's `POST /v3/session/` body (`003_*`).
pub const DIDIT_FIELDS: &[Field] = &[
    ("workflow_id", "workflow_id", Rule::Uuid, true),
    ("vendor_data", "vendor_data", Rule::Text, false),
    ("callback", "callback", Rule::ReturnUrl, false),
    (
        "callback_method",
        "callback_method",
        Rule::CallbackMethod,
        false,
    ),
    ("metadata", "metadata", Rule::AnyJson, false),
    ("language", "language", Rule::DiditLanguage, false),
    (
        "contact_details",
        "contact_details",
        Rule::ContactDetails,
        false,
    ),
    (
        "expected_details",
        "expected_details",
        Rule::ExpectedDetails,
        false,
    ),
    ("portrait_image", "portrait_image", Rule::Portrait, false),
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
    let start = field.rfind('.').map_or(0, |dot| dot + 1);
    field.get(start..).unwrap_or(field)
}

/// Checks an object against `shape` and appends it to `out` with only the given fields, named
/// as sent, in the shape's order. An unknown member is refused: at the top level by its position
/// (the caller names it), inside a nested object by that object's field (`parent`). Written as
/// it is checked: no checked copy of the tree is built.
fn check_object(
    members: &[(String, Json)],
    shape: &'static [Field],
    allow_insecure_localhost: bool,
    parent: Option<&'static str>,
    out: &mut String,
) -> Result<(), Error> {
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
            .find(|(n, v)| n == name && !matches!(v, Json::Null))
            .map(|(_, v)| v)
    };
    let mut separator = '{';
    for f @ &(field, _, rule, required) in shape {
        let [name, alias] = spellings(f);
        match given(alias).or_else(|| given(name)) {
            Some(value) => {
                out.push(separator);
                separator = ',';
                push_string(out, name);
                out.push(':');
                check(field, rule, value, allow_insecure_localhost, out)?;
            }
            None if required => return Err(Error::InvalidRequest { field }),
            None => {}
        }
    }
    if separator == '{' {
        out.push('{');
    }
    out.push('}');
    Ok(())
}

/// Checks one value and appends what is sent (canonical URLs, everything else as given).
fn check(
    field: &'static str,
    rule: Rule,
    value: &Json,
    allow_insecure_localhost: bool,
    out: &mut String,
) -> Result<(), Error> {
    let text = value.as_str();
    let ok = match (rule, value) {
        (Rule::AnyJson, _) | (Rule::Flag, Json::Bool(_)) | (Rule::AnyObject, Json::Object(_)) => {
            true
        }
        (Rule::ContactDetails | Rule::ExpectedDetails, Json::Object(members)) => {
            let shape = match rule {
                Rule::ContactDetails => DIDIT_CONTACT,
                _ => DIDIT_EXPECTED,
            };
            return check_object(members, shape, allow_insecure_localhost, Some(field), out);
        }
        (Rule::Codes, Json::Array(items)) => items
            .iter()
            .all(|(_, item)| item.as_str().is_some_and(is_code)),
        (Rule::HttpsUrl | Rule::ReturnUrl, Json::Str(url)) => {
            let http = HttpAllowed::localhost_if(allow_insecure_localhost);
            match parse_strict(url, field, http) {
                Ok(url) => {
                    push_string(out, url.href());
                    return Ok(());
                }
                Err(_) => matches!(rule, Rule::ReturnUrl) && is_app_return_url(url),
            }
        }
        (_, Json::Str(_)) => text.is_some_and(|s| match rule {
            Rule::Text => is_text(s, MAX_TEXT_LEN),
            Rule::Uuid => is_uuid(s),
            Rule::Email => is_plausible_email(s),
            Rule::Phone => is_e164(s),
            Rule::DiditLanguage => is_didit_language(s),
            Rule::CallbackMethod => CALLBACK_METHODS.contains(&s),
            Rule::Date => is_date(s),
            Rule::Alpha2 => s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()),
            Rule::Alpha3 => s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()),
            Rule::Portrait => is_base64(s, MAX_PORTRAIT_BYTES),
            _ => false,
        }),
        _ => false,
    };
    if ok {
        value.write(out);
        Ok(())
    } else {
        Err(Error::InvalidRequest { field })
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

/// Standard base64 with padding, decoding to at most `max_bytes`.
pub(crate) fn is_base64(s: &str, max_bytes: usize) -> bool {
    let b = s.as_bytes();
    let padding = b.iter().rev().take_while(|&&c| c == b'=').count();
    !b.is_empty()
        && b.len() % 4 == 0
        && padding <= 2
        && b.len() / 4 * 3 - padding <= max_bytes
        && b.iter()
            .take(b.len() - padding)
            .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// A custom app scheme for a mobile return (`myapp://verified`): a scheme of its own (never one
/// a browser would run or navigate: those go through the https rules), `://`, and printable
/// ASCII without spaces or backslashes.
fn is_app_return_url(s: &str) -> bool {
    // Space-separated, as the Didit languages are: smaller in the wasm than a table of `&str`.
    const BROWSER_SCHEMES: &str = "http https javascript data blob file about vbscript ftp ws wss \
        filesystem view-source chrome intent";
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
        && !BROWSER_SCHEMES.split(' ').any(|browser| browser == scheme)
        && s.len() <= 2048
        && rest.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to `len` characters from `alphabet`.
    pub(crate) fn strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = all.clone();
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn is_text_reads_bytes_as_the_char_definition_does() {
        let by_chars = |s: &str, max| {
            !s.trim_ascii().is_empty()
                && s.chars().count() <= max
                && !s.chars().any(char::is_control)
        };
        let alphabet = [
            ' ', 'a', '\t', '\n', '\u{c}', '\r', '\0', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}',
            '\u{9f}', '\u{a0}', '\u{bf}', '\u{c2}', 'é', '\u{202e}', '😀',
        ];
        for s in strings(&alphabet, 3) {
            for max in 0..4 {
                assert_eq!(is_text(&s, max), by_chars(&s, max), "{s:?} {max}");
            }
        }
    }

    #[test]
    fn is_base64_counts_padding_as_trimming_does() {
        let by_trimming = |s: &str, max: usize| {
            let body = s.trim_end_matches('=');
            !s.is_empty()
                && s.len() % 4 == 0
                && s.len() - body.len() <= 2
                && s.len() / 4 * 3 - (s.len() - body.len()) <= max
                && body
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        };
        for s in strings(&['A', 'z', '0', '+', '/', '=', '-', ' ', 'é'], 5) {
            for max in 0..5 {
                assert_eq!(is_base64(&s, max), by_trimming(&s, max), "{s:?} {max}");
            }
        }
    }
}
