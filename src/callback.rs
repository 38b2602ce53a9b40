//! Parsing the callback query that the provider appends to the return URL.
//!
//! The query is attacker-controlled: anyone can send a browser to
//! `/return?session_id=…&status=success`. Every value is bounded and validated here, and the
//! result is only a hint until the server confirms the session with the provider.

use alloc::string::String;

use alloc::borrow::Cow;

use crate::error::Error;
use crate::provider::{status_of, CallbackStatus, Provider, Reason};
use crate::query::{decode, needs_decoding, query_of, raw_pairs};

/// Longest input (a whole URL or query string) accepted, in UTF-8 bytes.
pub const MAX_INPUT_LEN: usize = 16 * 1024;
/// Longest query accepted, in UTF-8 bytes.
pub const MAX_QUERY_LEN: usize = 8 * 1024;
/// Longest session id accepted.
pub const MAX_SESSION_ID_LEN: usize = 128;
/// Longest `state` accepted.
pub const MAX_STATE_LEN: usize = 512;
/// `rawReason` is cut to this many characters.
pub const MAX_RAW_REASON_LEN: usize = 64;

/// What the caller knows and expects when parsing a callback.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallbackOptions<'a> {
    /// Force a provider; `None` detects Didit by `verificationSessionId`, else deepidv.
    pub provider: Option<Provider>,
    /// The session id this browser started; a different one is refused.
    pub expected_session_id: Option<&'a str>,
    /// The one-time state this browser stored; an absent or different one is refused.
    pub expected_state: Option<&'a str>,
    /// The names of the parameters, for a provider that does not document them (Verifa,
    /// required there); they replace the built-in names. `state` keeps its name.
    pub params: Option<ParamNames<'a>>,
}

/// The names a provider gives its return parameters.
#[derive(Debug, Clone, Copy)]
pub struct ParamNames<'a> {
    /// The session id's parameter.
    pub session_id: &'a str,
    /// The status's parameter.
    pub status: &'a str,
    /// The reason's parameter, if the provider sends one.
    pub reason: Option<&'a str>,
}

/// A validated callback: an unconfirmed hint of how the hosted session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The provider the parameters were read as.
    pub provider: Provider,
    /// The session id, within `[A-Za-z0-9._~-]{1,128}`.
    pub session_id: String,
    /// The status, normalised to snake_case.
    pub status: CallbackStatus,
    /// The status exactly as the provider sent it (one of its documented values, or for a
    /// provider without a documented vocabulary `[A-Za-z0-9 _-]{1,64}`).
    pub raw_status: String,
    /// The reason, for statuses other than success; unknown values map to `Unknown`.
    pub reason: Option<Reason>,
    /// The reason as sent, sanitised and cut to [`MAX_RAW_REASON_LEN`] characters.
    pub raw_reason: Option<String>,
    /// The `state` parameter, if present and non-empty.
    pub state: Option<String>,
}

/// Which value a recognised parameter carries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    SessionId,
    Status,
    Reason,
    State,
}

/// Recognised parameter names, the value each carries, and which provider reads it.
/// Two names for one slot (deepidv's `session_id` and `sessionId`) count as one parameter when
/// checking for duplicates.
const PARAMS: &[(&str, Slot, Option<Provider>)] = &[
    ("session_id", Slot::SessionId, Some(Provider::Deepidv)),
    ("sessionId", Slot::SessionId, Some(Provider::Deepidv)),
    (
        "verificationSessionId",
        Slot::SessionId,
        Some(Provider::Didit),
    ),
    ("status", Slot::Status, None),
    ("reason", Slot::Reason, Some(Provider::Deepidv)),
    ("state", Slot::State, None),
];
const DIDIT_DETECTOR: usize = 2;

/// Every recognised callback parameter name: what `completeHandoff` removes from the address bar.
pub const PARAM_NAMES: [&str; PARAMS.len()] = [
    PARAMS[0].0,
    PARAMS[1].0,
    PARAMS[2].0,
    PARAMS[3].0,
    PARAMS[4].0,
    PARAMS[5].0,
];

/// Parses and validates a callback given as a URL or query string.
pub fn parse_callback(input: &str, options: &CallbackOptions) -> Result<Callback, Error> {
    if input.len() > MAX_INPUT_LEN {
        return Err(Error::InputTooLong { field: "input" });
    }
    parse_callback_query(query_of(input), options)
}

/// Parses and validates a callback query (without the leading `?`).
pub fn parse_callback_query(query: &str, options: &CallbackOptions) -> Result<Callback, Error> {
    if query.len() > MAX_QUERY_LEN {
        return Err(Error::InputTooLong { field: "input" });
    }

    // The recognised names: the built-in table, or the caller's names for the provider.
    let custom;
    let table: &[(&str, Slot, Option<Provider>)] = match options.params {
        Some(p) => {
            custom = [
                (p.session_id, Slot::SessionId, None),
                (p.status, Slot::Status, None),
                ("state", Slot::State, None),
                (p.reason.unwrap_or_default(), Slot::Reason, None),
            ];
            &custom[..if p.reason.is_some() { 4 } else { 3 }]
        }
        None => PARAMS,
    };

    // One pass over the query: how often each recognised name came, and its raw value. Values
    // stay borrowed until picked (only those are decoded), and a name read twice is refused
    // below, so keeping the last value is as good as keeping the first.
    // Indices are avoided (zip, find): the compiler cannot bound them, and each bounds check
    // brings a panic's formatting into the wasm.
    let mut seen = [(0u32, ""); PARAMS.len()];
    for (name, value) in raw_pairs(query) {
        // Most names need no decoding: compared as written, they cost no copy.
        let decoded;
        let name = if needs_decoding(name) {
            decoded = decode(name);
            decoded.as_str()
        } else {
            name
        };
        if let Some((_, seen)) = table
            .iter()
            .zip(&mut seen)
            .find(|((n, _, _), _)| *n == name)
        {
            *seen = (seen.0 + 1, value);
        }
    }

    let detected = if options.params.is_none() && seen[DIDIT_DETECTOR].0 > 0 {
        Provider::Didit
    } else {
        Provider::Deepidv
    };
    let provider = options.provider.unwrap_or(detected);
    // Verifa documents no return parameters: only the caller can name them.
    if provider == Provider::Verifa && options.params.is_none() {
        return Err(Error::InvalidOption { option: "params" });
    }

    // Pick each slot's value among the names this provider reads; aliases count together.
    let mut slots: [Option<&str>; 4] = [None; 4];
    for ((&(_, slot, reader), &(count, value)), &(builtin, _, _)) in
        table.iter().zip(&seen).zip(PARAMS)
    {
        if reader.is_some_and(|p| p != provider) || count == 0 {
            continue;
        }
        let target = &mut slots[slot as usize];
        if count > 1 || target.is_some() {
            // The caller's names are not 'static: a duplicate is named by its option.
            let param = match (options.params, slot) {
                (None, _) => builtin,
                (Some(_), Slot::SessionId) => "params.sessionId",
                (Some(_), Slot::Status) => "params.status",
                (Some(_), Slot::Reason) => "params.reason",
                (Some(_), Slot::State) => "state",
            };
            return Err(Error::DuplicateParameter { param });
        }
        *target = Some(value);
    }
    // An absent value and an empty one mean the same for every slot: both decode to "".
    let [session_id, raw_status, reason, state] = slots.map(|s| decode(s.unwrap_or_default()));

    // The state binds the callback to this browser: check it before believing anything else.
    if let Some(expected) = options.expected_state {
        if state.is_empty() || !constant_time_eq(state.as_bytes(), expected.as_bytes()) {
            return Err(Error::StateMismatch);
        }
    }
    if !state.is_empty() && !is_token(&state, MAX_STATE_LEN) {
        return Err(Error::InvalidState);
    }

    if session_id.is_empty() {
        return Err(Error::MissingSessionId);
    }
    if !is_token(&session_id, MAX_SESSION_ID_LEN) {
        return Err(Error::InvalidSessionId);
    }
    if options
        .expected_session_id
        .is_some_and(|expected| expected != session_id)
    {
        return Err(Error::SessionMismatch);
    }

    if raw_status.is_empty() {
        return Err(Error::MissingStatus);
    }
    let status = if provider == Provider::Verifa {
        // No documented vocabulary: any short plain word, normalised to snake_case.
        let plain = raw_status.len() <= 64
            && raw_status
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'));
        plain
            .then_some(CallbackStatus::Other)
            .ok_or(Error::InvalidStatus)?
    } else {
        status_of(provider, &raw_status)
            .ok_or(Error::InvalidStatus)?
            .1
    };

    // deepidv omits the reason on success; one that comes anyway carries no meaning.
    let raw_reason = (status != CallbackStatus::Success && !reason.is_empty()).then_some(reason);

    Ok(Callback {
        provider,
        session_id,
        status,
        raw_status,
        reason: raw_reason.as_deref().map(Reason::from_raw),
        raw_reason: raw_reason.as_deref().map(sanitise_raw_reason),
        state: (!state.is_empty()).then_some(state),
    })
}

impl Callback {
    /// The normalised status: the vocabulary's snake_case name, or for a provider without one
    /// the raw status in lowercase with spaces and hyphens as `_`.
    pub fn status_name(&self) -> Cow<'_, str> {
        match self.status {
            CallbackStatus::Other => Cow::Owned(
                self.raw_status
                    .chars()
                    .map(|c| match c {
                        ' ' | '-' => '_',
                        c => c.to_ascii_lowercase(),
                    })
                    .collect(),
            ),
            status => Cow::Borrowed(status.as_str()),
        }
    }
}

/// `[A-Za-z0-9._~-]{1,max}`: the RFC 3986 unreserved set, safe in URLs, HTML and logs.
pub fn is_token(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'))
}

/// Keeps letters, digits, space, `_`, `-` and `.`; anything else (markup, quotes, controls,
/// non-ASCII) becomes `_`, and the result is cut to [`MAX_RAW_REASON_LEN`] characters, so a
/// future reason can be shown or logged as it is.
fn sanitise_raw_reason(raw: &str) -> String {
    // Bytes rather than chars: each character is its first byte (UTF-8 continuation bytes,
    // `10xxxxxx`, are skipped), and every non-ASCII one becomes `_` anyway.
    raw.bytes()
        .filter(|b| b & 0xc0 != 0x80)
        .take(MAX_RAW_REASON_LEN)
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.') {
                char::from(b)
            } else {
                '_'
            }
        })
        .collect()
}

/// Compares two secrets in time that depends only on their lengths, not on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (x, y) in a.iter().zip(b) {
        diff |= usize::from(core::hint::black_box(x ^ y));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_matches_plain_equality() {
        let cases: [(&[u8], &[u8]); 5] = [
            (b"", b""),
            (b"abc", b"abc"),
            (b"abc", b"abd"),
            (b"abc", b"ab"),
            (b"", b"a"),
        ];
        for (a, b) in cases {
            assert_eq!(constant_time_eq(a, b), a == b, "{a:?} {b:?}");
        }
    }

    /// The byte-wise sanitiser agrees with the rule stated over characters.
    #[test]
    fn sanitise_raw_reason_matches_the_char_definition() {
        let by_chars = |raw: &str| -> String {
            raw.chars()
                .take(MAX_RAW_REASON_LEN)
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let mut samples: Vec<String> = (0..0x800)
            .chain(0xd7f0..0xe010)
            .chain(0xfff0..0x10100)
            .chain(0x10_fff0..0x11_0000)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}.{c}"))
            .collect();
        for unit in ["x", "é", "€", "😀", "a<é>", "\0-\u{7f}\u{80}"] {
            for n in [20, 63, 64, 65, 100] {
                samples.push(unit.repeat(n));
                samples.push(format!("{}{}", "y".repeat(n), unit.repeat(3)));
            }
        }
        for raw in &samples {
            assert_eq!(sanitise_raw_reason(raw), by_chars(raw), "{raw:?}");
        }
    }

    #[test]
    fn sanitise_raw_reason_strips_markup_and_bounds_length() {
        assert_eq!(sanitise_raw_reason("liveness_failed"), "liveness_failed");
        assert_eq!(sanitise_raw_reason("<img src=x>"), "_img src_x_");
        assert_eq!(sanitise_raw_reason("é\u{202e}\0"), "___");
        assert_eq!(
            sanitise_raw_reason(&"x".repeat(200)).len(),
            MAX_RAW_REASON_LEN
        );
    }
}
