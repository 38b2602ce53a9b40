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
