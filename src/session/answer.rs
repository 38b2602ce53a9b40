//! The session read back from a provider's successful answer, one shape for every provider.

use alloc::string::String;

use crate::callback::is_token;
use crate::error::Error;
use crate::json::Json;
use crate::provider::Provider;
use crate::session::request::{is_base64, is_text, MAX_TEXT_LEN};
use crate::time::rfc3339_ms;
use crate::web_url::{parse_strict, HttpAllowed};

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

/// The members each provider's answer is read from, by [`Provider`] index: the six of
/// [`AnswerFields`] in its order, then Verifa's `expires_at` and `qr_code_data_url` (`""`: none).
const ANSWER_KEYS: [[&str; 8]; 3] = [
    [
        "idv_id",
        "id",
        "session_url",
        "sessionUrl",
        "externalId",
        "external_id",
        "",
        "",
    ],
    ["", "session_id", "url", "", "", "", "", ""],
    [
        "",
        "id",
        "capture_url",
        "",
        "",
        "external_ref",
        "expires_at",
        "qr_code_data_url",
    ],
];

/// Reads the session from a 2xx answer's JSON body, for `provider`: deepidv's `idv_id`/`id` and
/// `session_url`/`sessionUrl` (`links` an array when present), Didit's `session_id` and `url`,
/// Verifa's `id`, `capture_url`, `expires_at` and `qr_code_data_url`. Each member read must be a
/// string or null (null counts as absent).
pub fn session_from_json(
    provider: Provider,
    answer: &Json,
    status: u16,
    allow_insecure_localhost: bool,
) -> Result<Session, Error> {
    let invalid = Error::InvalidResponse { status };
    if !matches!(answer, Json::Object(_))
        || (provider == Provider::Deepidv
            && answer
                .get("links")
                .is_some_and(|links| !matches!(links, Json::Array(_))))
    {
        return Err(invalid);
    }
    let mut values = [None; 8];
    for (value, key) in values.iter_mut().zip(match provider {
        Provider::Deepidv => ANSWER_KEYS[0],
        Provider::Didit => ANSWER_KEYS[1],
        Provider::Verifa => ANSWER_KEYS[2],
    }) {
        *value = match answer.get(key).filter(|_| !key.is_empty()) {
            None | Some(Json::Null) => None,
            Some(Json::Str(s)) => Some(s.as_str()),
            Some(_) => return Err(invalid),
        };
    }
    let [idv_id, id, session_url, session_url_camel, external_id_camel, external_id, expires_at, qr] =
        values;
    let fields = AnswerFields {
        idv_id,
        id,
        session_url,
        session_url_camel,
        external_id_camel,
        external_id,
    };
    let mut session = session_from_answer(&fields, status, allow_insecure_localhost)?;
    session.expires_at = match expires_at {
        Some(at) if rfc3339_ms(at).is_some() => Some(String::from(at)),
        Some(_) => return Err(invalid),
        None => None,
    };
    session.qr_code_data_url = match qr {
        Some(qr) if is_png_data_url(qr) => Some(String::from(qr)),
        Some(_) => return Err(invalid),
        None => None,
    };
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
