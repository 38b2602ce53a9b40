//! The session read back from a provider's successful answer, one shape for every provider.

use alloc::string::String;

use crate::callback::is_token;
use crate::error::Error;
use crate::json::Json;
use crate::provider::Provider;
use crate::session::request::{image_kind, is_base64, is_text, ImageKind, MAX_TEXT_LEN};
use crate::time::rfc3339_ms;
use crate::web_url::{parse_strict, HttpAllowed};

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
    /// A QR code of the hosted page for another device (Verifa), a `data:image/png;base64,`
    /// URL (Verifa's bare base64 is given this prefix).
    pub qr_code_data_url: Option<String>,
    /// The return URL the session will send the person to, as the provider holds it (Didit's
    /// `callback`): for a session Didit reused, the one given when it was first created.
    pub return_url: Option<String>,
}

/// Where a provider's create answer keeps each field of the session, in every spelling its
/// documents use (the first one present wins).
struct AnswerShape {
    id: &'static [&'static str],
    session_url: &'static [&'static str],
    external_id: &'static [&'static str],
    expires_at: &'static [&'static str],
    qr_code: &'static [&'static str],
    return_url: &'static [&'static str],
}

/// deepidv: `idv_id` (000) or `id` (001), `session_url` (000, 001) or `sessionUrl` (the guide,
/// 002), `externalId` (000, 001) or `external_id`.
const DEEPIDV_ANSWER: AnswerShape = AnswerShape {
    id: &["idv_id", "id"],
    session_url: &["session_url", "sessionUrl"],
    external_id: &["externalId", "external_id"],
    expires_at: &[],
    qr_code: &[],
    return_url: &[],
};

/// Didit (003): `session_id`, `url`, and `callback`, the return URL the session holds.
const DIDIT_ANSWER: AnswerShape = AnswerShape {
    id: &["session_id"],
    session_url: &["url"],
    external_id: &[],
    expires_at: &[],
    qr_code: &[],
    return_url: &["callback"],
};

/// Verifa (004): `id`, `capture_url`, `external_ref`, `expires_at`, `qr_code_data_url`, each
/// also in camelCase, which `Key-Inflection` may ask for ("Response key casing. Defaults to
/// snake").
const VERIFA_ANSWER: AnswerShape = AnswerShape {
    id: &["id"],
    session_url: &["capture_url", "captureUrl"],
    external_id: &["external_ref", "externalRef"],
    expires_at: &["expires_at", "expiresAt"],
    qr_code: &["qr_code_data_url", "qrCodeDataUrl"],
    return_url: &[],
};

impl AnswerShape {
    fn of(provider: Provider) -> &'static AnswerShape {
        match provider {
            Provider::Deepidv => &DEEPIDV_ANSWER,
            Provider::Didit => &DIDIT_ANSWER,
            Provider::Verifa => &VERIFA_ANSWER,
        }
    }
}

/// The first of `names` that `answer` has, as a string; `Ok(None)` when none is there (or
/// null), an error when one is there with another type.
fn member<'a>(answer: &'a Json, names: &[&str], invalid: Error) -> Result<Option<&'a str>, Error> {
    for name in names {
        match answer.get(name) {
            None | Some(Json::Null) => continue,
            Some(Json::Str(s)) => return Ok(Some(s)),
            Some(_) => return Err(invalid),
        }
    }
    Ok(None)
}

/// Reads the session from a 2xx answer's JSON body (HTTP status `status`) as `provider`'s
/// documents shape it: an id and an https session URL are required, the rest is kept when
/// present and well formed, or it is `invalid_response`. deepidv's `links` must be an array.
pub fn session_from_json(
    provider: Provider,
    answer: &Json,
    status: u16,
    allow_insecure_localhost: bool,
) -> Result<Session, Error> {
    let invalid = Error::InvalidResponse { status };
    let shape = AnswerShape::of(provider);
    let links = answer.get("links").filter(|links| **links != Json::Null);
    if !matches!(answer, Json::Object(_))
        || (provider == Provider::Deepidv && links.is_some_and(|l| !matches!(l, Json::Array(_))))
    {
        return Err(invalid);
    }
    let id = member(answer, shape.id, invalid)?
        .filter(|id| is_token(id, 128))
        .ok_or(invalid)?;
    let http = HttpAllowed::localhost_if(allow_insecure_localhost);
    let url = member(answer, shape.session_url, invalid)?.ok_or(invalid)?;
    let url = parse_strict(url, "sessionUrl", http).map_err(|_| invalid)?;
    let external_id = match member(answer, shape.external_id, invalid)? {
        Some(external) if is_text(external, MAX_TEXT_LEN) => Some(String::from(external)),
        Some(_) => return Err(invalid),
        None => None,
    };
    let expires_at = match member(answer, shape.expires_at, invalid)? {
        Some(at) if rfc3339_ms(at).is_some() => Some(String::from(at)),
        Some(_) => return Err(invalid),
        None => None,
    };
    let qr_code_data_url = match member(answer, shape.qr_code, invalid)? {
        Some(qr) => Some(png_data_url(qr).ok_or(invalid)?),
        None => None,
    };
    // A return URL to use in a browser: https (or, when allowed, http on localhost). Another
    // (a mobile app's scheme) stays in the provider's answer only.
    let return_url = member(answer, shape.return_url, invalid)?
        .and_then(|url| parse_strict(url, "returnUrl", http).ok())
        .map(|url| url.into_href());
    Ok(Session {
        id: String::from(id),
        session_url: url.into_href(),
        external_id,
        expires_at,
        qr_code_data_url,
        return_url,
    })
}

/// The largest QR code image accepted, decoded.
const MAX_QR_BYTES: usize = 1024 * 1024;

/// A QR code as a `data:image/png;base64,` URL: one already (Verifa's field is named
/// `qr_code_data_url`), or bare base64 (its description: "Base64-encoded QR code PNG"), given
/// the prefix. Either way the bytes must be a PNG: nothing a browser would run.
fn png_data_url(qr: &str) -> Option<String> {
    const PREFIX: &str = "data:image/png;base64,";
    let base64 = qr.strip_prefix(PREFIX).unwrap_or(qr);
    if !is_base64(base64, MAX_QR_BYTES) || image_kind(base64) != Some(ImageKind::Png) {
        return None;
    }
    let mut url = String::with_capacity(PREFIX.len() + base64.len());
    url.push_str(PREFIX);
    url.push_str(base64);
    Some(url)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(provider: Provider, text: &str) -> Result<Session, Error> {
        session_from_json(provider, &Json::parse(text).unwrap(), 201, false)
    }

    #[test]
    fn a_member_named_empty_is_never_read() {
        for (provider, text) in [
            (
                Provider::Deepidv,
                r#"{"": 1, "id": "a", "session_url": "https://h.example/s"}"#,
            ),
            (
                Provider::Didit,
                r#"{"": 1, "session_id": "a", "url": "https://h.example/s"}"#,
            ),
            (
                Provider::Verifa,
                r#"{"": 1, "id": "a", "capture_url": "https://h.example/s"}"#,
            ),
        ] {
            assert_eq!(read(provider, text).unwrap().id, "a", "{text}");
        }
    }

    #[test]
    fn only_the_providers_own_members_are_read() {
        // Another provider's spelling is ignored, whatever its type.
        for (provider, text) in [
            (
                Provider::Didit,
                r#"{"session_id": "a", "url": "https://h.example/s", "id": 1, "idv_id": [], "session_url": 2, "sessionUrl": 3, "externalId": 4, "external_id": 5, "expires_at": 6, "qr_code_data_url": 7, "capture_url": 8, "external_ref": 9}"#,
            ),
            (
                Provider::Verifa,
                r#"{"id": "a", "capture_url": "https://h.example/s", "idv_id": 1, "session_id": 2, "url": 3, "session_url": 4, "sessionUrl": 5, "externalId": 6, "external_id": 7, "links": 8}"#,
            ),
            (
                Provider::Deepidv,
                r#"{"id": "a", "session_url": "https://h.example/s", "session_id": 1, "url": 2, "capture_url": 3, "external_ref": 4, "expires_at": 5, "qr_code_data_url": 6}"#,
            ),
        ] {
            let session = read(provider, text).unwrap();
            assert_eq!(
                (
                    session.id.as_str(),
                    session.expires_at,
                    session.qr_code_data_url
                ),
                ("a", None, None),
                "{text}"
            );
        }
        // Its own members must be strings or null.
        for key in ["external_ref", "expires_at", "qr_code_data_url"] {
            let text =
                format!(r#"{{"id": "a", "capture_url": "https://h.example/s", "{key}": 1}}"#);
            assert_eq!(
                read(Provider::Verifa, &text),
                Err(Error::InvalidResponse { status: 201 })
            );
        }
    }
}
