//! The request each provider documents, validated and put in its snake_case JSON form before
//! any byte is sent. The module never accepts, stores or sends an API key: an `apiKey` field is
//! refused like any other unknown field.

use alloc::string::String;
use alloc::vec;
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

/// The request field `name` stands for in `provider`'s request, as errors name it (snake_case;
/// a nested Didit field with dots, `contact_details.phone`): how a field a provider's answer
/// names is kept, and only when it is one of its request's.
pub fn request_field(provider: Provider, name: &str) -> Option<&'static str> {
    let shapes: &[&[Field]] = match provider {
        Provider::Deepidv => &[DEEPIDV_FIELDS],
        Provider::Didit => &[DIDIT_FIELDS, DIDIT_CONTACT, DIDIT_EXPECTED],
        Provider::Verifa => &[VERIFA_FIELDS],
    };
    shapes
        .iter()
        .flat_map(|shape| shape.iter())
        .find(|(field, alias, _, _)| *field == name || *alias == name)
        .map(|(field, _, _, _)| *field)
}

/// Longest name, id or other free text accepted, in characters.
pub const MAX_TEXT_LEN: usize = 256;
/// The most items a list field may have (Verifa's `checks`): far more than any workflow has.
pub const MAX_LIST_LEN: usize = 64;
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
    let options = RequestOptions {
        allow_insecure_localhost,
        ..RequestOptions::default()
    };
    normalize_request(Provider::Deepidv, &Json::Object(members), &options)
        .map_err(|problems| problems[0])
}

/// Free text: at most `max` characters, no control characters (Unicode `Cc`), and not blank:
/// something to see besides white space and characters that show nothing ([`is_blank`]). A name
/// made only of U+00A0, U+200B or U+3000 is no name.
pub(crate) fn is_text(s: &str, max: usize) -> bool {
    // Its characters are its bytes that do not continue a UTF-8 sequence (`10xxxxxx`).
    let chars = s.bytes().filter(|b| b & 0xc0 != 0x80).count();
    chars <= max && !s.chars().any(char::is_control) && !s.chars().all(is_blank)
}

/// White space (Unicode `White_Space`), or a character that renders as nothing: Unicode's
/// `Default_Ignorable_Code_Point` (format controls, joiners, variation selectors, tags) and the
/// fillers that render blank.
pub fn is_blank(c: char) -> bool {
    /// Unicode 16 `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt), and the Braille
    /// blank, as ranges.
    const INVISIBLE: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),   // soft hyphen
        (0x034F, 0x034F),   // combining grapheme joiner
        (0x061C, 0x061C),   // Arabic letter mark
        (0x115F, 0x1160),   // Hangul choseong and jungseong fillers
        (0x17B4, 0x17B5),   // Khmer inherent vowels
        (0x180B, 0x180F),   // Mongolian free variation selectors, vowel separator
        (0x200B, 0x200F),   // zero width space, non-joiner, joiner, LRM, RLM
        (0x202A, 0x202E),   // bidi embeddings and overrides
        (0x2060, 0x206F),   // word joiner, invisible operators, bidi isolates, deprecated formats
        (0x2800, 0x2800),   // Braille pattern blank
        (0x3164, 0x3164),   // Hangul filler
        (0xFE00, 0xFE0F),   // variation selectors
        (0xFEFF, 0xFEFF),   // zero width no-break space (byte order mark)
        (0xFFA0, 0xFFA0),   // halfwidth Hangul filler
        (0xFFF0, 0xFFF8),   // unassigned specials
        (0x1BCA0, 0x1BCA3), // shorthand format controls
        (0x1D173, 0x1D17A), // musical symbol format controls
        (0xE0000, 0xE0FFF), // tags, variation selectors supplement
    ];
    let code = u32::from(c);
    c.is_whitespace()
        || INVISIBLE
            .iter()
            .any(|&(first, last)| (first..=last).contains(&code))
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

/// What the integrator allows in a request beyond the documents' strict defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestOptions<'a> {
    /// `http://localhost` and `http://127.0.0.1` URLs (development only).
    pub allow_insecure_localhost: bool,
    /// Custom URL schemes a return URL may use, for mobile apps: Didit's `callback` ("Custom URL
    /// schemes (e.g. myapp://) are supported for mobile callbacks", 003). None by default.
    pub app_schemes: &'a [String],
}

/// Validates a request for `provider`, given as JSON (what `JSON.stringify` makes of the
/// caller's object), and returns the body to send, or every problem found, in the order of the
/// provider's fields (a form can show them all; the first is what a single error reports).
/// `null` members count as not given.
///
/// deepidv takes its fields in either spelling ([`normalize_session_request`]); Didit and
/// Verifa take their own snake_case shapes ([`DIDIT_FIELDS`], [`VERIFA_FIELDS`]), nested objects
/// included. Unknown fields are refused everywhere: an API key never belongs in a request.
pub fn normalize_request(
    provider: Provider,
    request: &Json,
    options: &RequestOptions,
) -> Result<String, Vec<Error>> {
    let Json::Object(members) = request else {
        return Err(vec![Error::InvalidRequest { field: "request" }]);
    };
    let shape = match provider {
        Provider::Deepidv => DEEPIDV_FIELDS,
        Provider::Didit => DIDIT_FIELDS,
        Provider::Verifa => VERIFA_FIELDS,
    };
    let mut checker = Checker {
        options,
        problems: Vec::new(),
        out: String::new(),
    };
    checker.object(members, shape, None);
    if checker.problems.is_empty() {
        Ok(checker.out)
    } else {
        Err(checker.problems)
    }
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
    /// A list of strings, each free text ([`MAX_LIST_LEN`] at most).
    Texts,
    /// An https URL (http on localhost when allowed), sent in canonical form.
    HttpsUrl,
    /// An https URL, or a custom app scheme (`myapp://…`) for mobile returns.
    ReturnUrl,
    /// Base64 of a JPEG, PNG, WebP or TIFF image of at most [`MAX_PORTRAIT_BYTES`].
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
    // "checks: list of strings" (004): any name, as the workflow's checks are named.
    ("checks", "checks", Rule::Texts, false),
    ("workflow_id", "workflow_id", Rule::Text, false),
    ("redirect_url", "redirect_url", Rule::HttpsUrl, false),
];

/// The last segment of a dotted field name: the member name in the JSON object.
fn member_name(field: &str) -> &str {
    let start = field.rfind('.').map_or(0, |dot| dot + 1);
    field.get(start..).unwrap_or(field)
}

/// A request being checked: what is sent so far, and every problem found.
struct Checker<'a> {
    options: &'a RequestOptions<'a>,
    problems: Vec<Error>,
    out: String,
}

impl Checker<'_> {
    /// Checks an object against `shape` and appends it with only the given fields, named as
    /// sent, in the shape's order. An unknown member is a problem: at the top level by its
    /// position (the caller names it), inside a nested object by that object's field (`parent`).
    /// Written as it is checked: no checked copy of the tree is built.
    fn object(
        &mut self,
        members: &[(String, Json)],
        shape: &'static [Field],
        parent: Option<&'static str>,
    ) {
        let spellings = |&(field, alias, _, _): &Field| [member_name(field), member_name(alias)];
        for (index, (name, _)) in members.iter().enumerate() {
            if !shape.iter().any(|f| spellings(f).contains(&name.as_str())) {
                self.problems.push(match parent {
                    Some(field) => Error::InvalidRequest { field },
                    None => Error::UnknownField {
                        index: u16::try_from(index).unwrap_or(u16::MAX),
                    },
                });
                if parent.is_some() {
                    break;
                }
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
                    self.out.push(separator);
                    separator = ',';
                    push_string(&mut self.out, name);
                    self.out.push(':');
                    self.value(field, rule, value);
                }
                None if required => self.problems.push(Error::InvalidRequest { field }),
                None => {}
            }
        }
        if separator == '{' {
            self.out.push('{');
        }
        self.out.push('}');
    }

    /// Checks one value and appends what is sent (canonical URLs, everything else as given).
    fn value(&mut self, field: &'static str, rule: Rule, value: &Json) {
        let text = value.as_str();
        let ok = match (rule, value) {
            (Rule::AnyJson, _)
            | (Rule::Flag, Json::Bool(_))
            | (Rule::AnyObject, Json::Object(_)) => true,
            (Rule::ContactDetails | Rule::ExpectedDetails, Json::Object(members)) => {
                let shape = match rule {
                    Rule::ContactDetails => DIDIT_CONTACT,
                    _ => DIDIT_EXPECTED,
                };
                return self.object(members, shape, Some(field));
            }
            (Rule::Codes, Json::Array(items)) => items
                .iter()
                .all(|(_, item)| item.as_str().is_some_and(is_code)),
            (Rule::Texts, Json::Array(items)) => {
                items.len() <= MAX_LIST_LEN
                    && items
                        .iter()
                        .all(|(_, item)| item.as_str().is_some_and(|s| is_text(s, MAX_TEXT_LEN)))
            }
            (Rule::HttpsUrl | Rule::ReturnUrl, Json::Str(url)) => {
                let http = HttpAllowed::localhost_if(self.options.allow_insecure_localhost);
                match parse_strict(url, field, http) {
                    Ok(url) => {
                        push_string(&mut self.out, url.href());
                        return;
                    }
                    Err(_) => {
                        matches!(rule, Rule::ReturnUrl) && is_app_url(url, self.options.app_schemes)
                    }
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
                Rule::Portrait => is_base64(s, MAX_PORTRAIT_BYTES) && image_kind(s).is_some(),
                _ => false,
            }),
            _ => false,
        };
        if ok {
            value.write(&mut self.out);
        } else {
            self.problems.push(Error::InvalidRequest { field });
        }
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

/// The image formats a provider takes: Didit's `portrait_image` is "JPEG, PNG, WebP, or TIFF"
/// (003); Verifa's QR code is a PNG (004).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// WebP (`RIFF`, a size, `WEBP`).
    Webp,
    /// TIFF (`II*\0` or `MM\0*`).
    Tiff,
}

/// The image format base64 text holds, read off the magic number its first bytes carry; `None`
/// when they are none of [`ImageKind`]'s (the text must already be [`is_base64`]).
pub fn image_kind(base64: &str) -> Option<ImageKind> {
    // The first 16 characters stand for the first 12 bytes: enough for every magic number.
    let mut head = Vec::with_capacity(12);
    let mut bits = (0u32, 0);
    for c in base64.bytes().take(16).take_while(|&c| c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        bits = (bits.0 << 6 | u32::from(value), bits.1 + 6);
        if bits.1 >= 8 {
            bits.1 -= 8;
            head.push((bits.0 >> bits.1) as u8);
        }
    }
    match head.as_slice() {
        [0xff, 0xd8, 0xff, ..] => Some(ImageKind::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some(ImageKind::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageKind::Webp),
        [b'I', b'I', b'*', 0, ..] | [b'M', b'M', 0, b'*', ..] => Some(ImageKind::Tiff),
        _ => None,
    }
}

/// A URL of one of the integrator's custom app schemes (`myapp://verified`, for a mobile
/// return): the scheme listed in `app_schemes` (each checked by [`is_app_scheme`]), `://`, and
/// printable ASCII without spaces or backslashes, at most 2048 bytes.
pub fn is_app_url(s: &str, app_schemes: &[String]) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix("//") else {
        return false;
    };
    app_schemes.iter().any(|allowed| allowed == scheme)
        && is_app_scheme(scheme)
        && s.len() <= 2048
        && rest.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// A scheme an app may register for its returns: lowercase `[a-z][a-z0-9+.-]*`, and never one
/// a browser would run or navigate (those go through the https rules).
pub fn is_app_scheme(scheme: &str) -> bool {
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
    scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase())
        && scheme.len() <= 64
        && scheme.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        })
        && !BROWSER_SCHEMES.contains(&scheme)
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

    /// Every character that shows nothing, alone or repeated or mixed with others of its kind, is
    /// not text; with one visible character among them, it is.
    #[test]
    fn blank_and_invisible_characters_are_not_text() {
        let blank: Vec<char> = [
            ' ',
            '\u{a0}',
            '\u{1680}',
            '\u{2000}',
            '\u{200a}',
            '\u{2028}',
            '\u{2029}',
            '\u{202f}',
            '\u{205f}',
            '\u{3000}',
            '\u{ad}',
            '\u{34f}',
            '\u{61c}',
            '\u{115f}',
            '\u{1160}',
            '\u{17b4}',
            '\u{180e}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2064}',
            '\u{206f}',
            '\u{2800}',
            '\u{3164}',
            '\u{fe0f}',
            '\u{feff}',
            '\u{ffa0}',
            '\u{1bca0}',
            '\u{1d173}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e01ef}',
        ]
        .into();
        for &c in &blank {
            assert!(is_blank(c), "{c:?}");
            for n in [1, 3] {
                assert!(
                    !is_text(&c.to_string().repeat(n), MAX_TEXT_LEN),
                    "{c:?} x{n}"
                );
            }
            assert!(
                is_text(&format!("{c}Jane{c}"), MAX_TEXT_LEN),
                "{c:?} around a name"
            );
        }
        let mixed: String = blank.iter().collect();
        assert!(!is_text(&mixed, MAX_TEXT_LEN));
        // Visible characters, of any script, and the controls that are refused outright.
        for visible in ['a', 'é', 'ß', '张', 'ب', 'Ж', '😀', '_', '-', '.'] {
            assert!(!is_blank(visible), "{visible:?}");
            assert!(is_text(&visible.to_string(), MAX_TEXT_LEN), "{visible:?}");
        }
        for control in ['\0', '\t', '\n', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(
                !is_text(&format!("Jane{control}"), MAX_TEXT_LEN),
                "{control:?}"
            );
        }
        assert!(is_text(&"é".repeat(MAX_TEXT_LEN), MAX_TEXT_LEN));
        assert!(!is_text(&"é".repeat(MAX_TEXT_LEN + 1), MAX_TEXT_LEN));
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
