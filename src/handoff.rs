//! Building the hosted-page URL: the session URL with the return URL encoded in it, both checked
//! against every open-redirect trick, and the one-time state that binds the return to a browser.

use alloc::string::String;

use crate::callback::{is_token, MAX_STATE_LEN};
use crate::error::Error;
use crate::provider::is_didit_language;
use crate::query::edit_query;
use crate::session::is_app_url;
use crate::time::rfc3339_ms;
use crate::web_url::{
    canonical_host, canonical_origin, parse_strict, HttpAllowed, ParsedUrl, UrlParts,
};

/// The query parameter of the session URL that carries the return URL (deepidv, `001_*`).
pub const REDIRECT_PARAM: &str = "redirect_url";
/// The query parameter of the return URL that carries the state back.
pub const STATE_PARAM: &str = "state";
/// Bytes of randomness in a state made by [`encode_state`]'s callers: 256 bits.
pub const STATE_BYTES: usize = 32;

/// What `buildHandoffUrl` needs besides the session URL.
#[derive(Debug, Clone, Default)]
pub struct HandoffOptions<'a> {
    /// Where the provider sends the person back (required).
    pub redirect_url: &'a str,
    /// A one-time state to ride on the return URL as its `state` parameter.
    pub state: Option<&'a str>,
    /// If given, the redirect URL's origin must be exactly one of these.
    pub allowed_redirect_origins: Option<&'a [String]>,
    /// If given, the session URL's host (`URL.host`) must be exactly one of these.
    pub allowed_session_hosts: Option<&'a [String]>,
    /// Admit `http://localhost` and `http://127.0.0.1` (development only).
    pub allow_insecure_localhost: bool,
    /// Didit: the interface language, put in the session URL's path.
    pub language: Option<&'a str>,
}

/// Builds the hosted-page URL: the canonical session URL with `redirect_url=<canonical return
/// URL, with the state on it>` in its query (deepidv takes the return URL in the hosted URL).
/// Other query parameters are kept as they are; an existing `redirect_url` is replaced, never
/// duplicated.
pub fn build_handoff_url(session_url: &str, options: &HandoffOptions) -> Result<String, Error> {
    let session_href = build_hosted_url(
        session_url,
        options.allowed_session_hosts,
        options.allow_insecure_localhost,
        options.language,
    )?;
    let return_url = build_return_url(
        options.redirect_url,
        options.state,
        options.allowed_redirect_origins,
        options.allow_insecure_localhost,
        &[],
    )?;
    Ok(with_return_url(&session_href, &return_url))
}

/// Puts `return_url` in the hosted URL's `redirect_url` parameter (both already checked),
/// replacing one already there.
pub fn with_return_url(session_href: &str, return_url: &str) -> String {
    edit_query(
        session_href,
        &[REDIRECT_PARAM],
        Some((REDIRECT_PARAM, return_url)),
    )
}

/// Checks a hosted-page URL (Didit's `url`, Verifa's `capture_url`, deepidv's `session_url`)
/// and returns it canonical, with a Didit `language` put in its path.
pub fn build_hosted_url(
    session_url: &str,
    allowed_session_hosts: Option<&[String]>,
    allow_insecure_localhost: bool,
    language: Option<&str>,
) -> Result<String, Error> {
    let session = parse_strict(
        session_url,
        "sessionUrl",
        HttpAllowed::localhost_if(allow_insecure_localhost),
    )?;
    if let Some(allowed) = allowed_session_hosts {
        if !listed(
            allowed,
            canonical_host,
            "allowedSessionHosts",
            session.host(),
        )? {
            return Err(Error::SessionHostNotAllowed);
        }
    }
    match language {
        Some(language) => with_didit_language(&session, language),
        None => Ok(session.into_href()),
    }
}

/// Checks a return URL and returns it canonical, with `state` as its `state` parameter
/// (replacing one already there). deepidv gets it inside the hosted URL; Didit (`callback`)
/// and Verifa (`redirect_url`) take it when the session is created. A URL of one of
/// `app_schemes` (a mobile app's `myapp://…`, which Didit supports) is taken as written, with
/// the state put on it the same way; the origin allowlist is for web URLs.
pub fn build_return_url(
    redirect_url: &str,
    state: Option<&str>,
    allowed_redirect_origins: Option<&[String]>,
    allow_insecure_localhost: bool,
    app_schemes: &[String],
) -> Result<String, Error> {
    let href = if is_app_url(redirect_url, app_schemes) {
        String::from(redirect_url)
    } else {
        let redirect = parse_strict(
            redirect_url,
            "redirectUrl",
            HttpAllowed::localhost_if(allow_insecure_localhost),
        )?;
        if let Some(allowed) = allowed_redirect_origins {
            if !listed(
                allowed,
                canonical_origin,
                "allowedRedirectOrigins",
                redirect.origin(),
            )? {
                return Err(Error::RedirectOriginNotAllowed);
            }
        }
        redirect.into_href()
    };
    match state {
        Some(state) if is_token(state, MAX_STATE_LEN) => Ok(edit_query(
            &href,
            &[STATE_PARAM],
            Some((STATE_PARAM, state)),
        )),
        Some(_) => Err(Error::InvalidOption { option: "state" }),
        None => Ok(href),
    }
}

/// Refuses a session whose hosted page has expired (Verifa's `expires_at`, RFC 3339) at
/// `now_ms`: sending a person to a dead page helps no one.
pub fn check_not_expired(expires_at: &str, now_ms: f64) -> Result<(), Error> {
    let expiry = rfc3339_ms(expires_at).ok_or(Error::InvalidOption {
        option: "expiresAt",
    })?;
    if now_ms >= expiry {
        return Err(Error::SessionExpired);
    }
    Ok(())
}

/// Whether `value` is one of the allowlist's `entries`, canonicalised. Every entry is, even
/// after a match: one that is not a bare origin (or host) is an error in the caller's
/// configuration, reported as such rather than silently never matching.
fn listed(
    entries: &[String],
    canonical: fn(&str) -> Option<String>,
    option: &'static str,
    value: &str,
) -> Result<bool, Error> {
    let mut found = false;
    for entry in entries {
        found |= canonical(entry).ok_or(Error::InvalidOption { option })? == value;
    }
    Ok(found)
}

/// Puts a Didit language in the session URL's path: Didit documents its hosted URL as
/// `/{language}/session/{token}`, or `/session/{token}` without one.
fn with_didit_language(session: &ParsedUrl, language: &str) -> Result<String, Error> {
    if !is_didit_language(language) {
        return Err(Error::InvalidOption { option: "language" });
    }
    let href = session.href();
    let parts = UrlParts::split(href).ok_or(Error::InvalidOption { option: "language" })?;
    // `/session/{token}` or `/{language}/session/{token}`: a token with a `/` in it is refused
    // as any other extra segment would be.
    let path = parts.path;
    let token = match path.strip_prefix("/session/") {
        Some(token) => Some(token),
        None => path
            .get(1..)
            .and_then(|p| p.split_once('/'))
            .filter(|(current, _)| is_didit_language(current))
            .and_then(|(_, rest)| rest.strip_prefix("session/")),
    };
    let token = token
        .filter(|token| is_token(token, 128))
        .ok_or(Error::InvalidOption { option: "language" })?;
    let mut out = String::with_capacity(href.len() + language.len() + 1);
    for piece in [
        parts.scheme,
        "://",
        parts.authority,
        "/",
        language,
        "/session/",
        token,
    ] {
        out.push_str(piece);
    }
    if let Some(query) = parts.query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = parts.fragment {
        out.push('#');
        out.push_str(fragment);
    }
    Ok(out)
}

/// Whether `s` is a state as [`encode_state`] makes them from [`STATE_BYTES`] random bytes:
/// 43 characters of the base64url alphabet.
pub fn is_made_state(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Encodes state bytes as unpadded base64url (RFC 4648 §5): 32 bytes give 43 characters, all
/// within the callback's state charset.
pub fn encode_state(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    // Bits in, six at a time out; the last group is padded with zero bits.
    let (mut acc, mut bits) = (0u32, 0);
    for &b in bytes {
        acc = acc << 8 | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(ALPHABET[(acc >> bits & 63) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[(acc << (6 - bits) & 63) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reading of the path that `with_didit_language` replaced: its segments, exactly
    /// `session/{token}` or `{language}/session/{token}`.
    fn token_by_segments(path: &str) -> Option<&str> {
        let mut segments = path.split('/').skip(1);
        let token = match (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) {
            (Some("session"), Some(token), None, None) => token,
            (Some(current), Some("session"), Some(token), None) if is_didit_language(current) => {
                token
            }
            _ => return None,
        };
        is_token(token, 128).then_some(token)
    }

    /// `completeHandoff` removes the built-in callback names, then the caller's, in two passes
    /// of `edit_query`: the same address as one pass removing both.
    #[test]
    fn callback_names_removed_in_two_passes_as_in_one() {
        let first = crate::callback::PARAM_NAMES;
        let second = ["sid", "st", "st"];
        let mut both = Vec::from(first);
        both.extend(second);
        for href in [
            "https://yourapp.com/done",
            "https://yourapp.com/done?",
            "https://yourapp.com/done?#",
            "https://yourapp.com/done?session_id=a&status=b#x?sid=1",
            "https://yourapp.com/done?sid=a&&st=b&keep=1&",
            "https://yourapp.com/done?keep=%20&state=x&s%69d=1&st#frag",
            "https://yourapp.com/done?=&&keep&sid=&st==#",
            "https://yourapp.com/done?status=1&sid=2",
        ] {
            let two = edit_query(&edit_query(href, &first, None), &second, None);
            assert_eq!(two, edit_query(href, &both, None), "{href}");
        }
    }

    #[test]
    fn didit_language_paths_read_as_by_segments() {
        let paths = [
            "/session/3FaJ9wLqX2Mz",
            "/en/session/3FaJ9wLqX2Mz",
            "/pt-BR/session/abc",
            "/session/",
            "/session",
            "/",
            "",
            "/session/a/b",
            "/en/session/a/b",
            "/en/session/",
            "/xx/session/abc",
            "/session/session/abc",
            "//session/abc",
            "/en//session/abc",
            "/en/sessionX/abc",
            "/en/en/session/abc",
            "/session/a.b~c_d-e",
            "/session/a%20b",
        ];
        for path in paths {
            let href = format!("https://verify.didit.me{path}?x=1#top");
            let session = ParsedUrl::parse(&href).unwrap();
            let expected = token_by_segments(UrlParts::split(session.href()).unwrap().path)
                .map(|token| format!("https://verify.didit.me/de/session/{token}?x=1#top"));
            assert_eq!(with_didit_language(&session, "de").ok(), expected, "{path}");
        }
    }
}
