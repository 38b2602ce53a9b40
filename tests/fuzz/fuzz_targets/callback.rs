//! `parse_callback` on any input, with each provider setting: detected, deepidv or Didit
//! forced, and Verifa with the caller's parameter names (and without, always refused).
//!
//! Invariants: it never panics; an accepted callback's session id (and state) is within the
//! documented charset and length (and a Verifa status within its plain-word charset); a
//! recognised parameter that comes twice (aliases counting as one) is always an error, checked
//! against an independent count and by injecting a duplicate; input over the length limits is
//! refused as such; `expectedState` and `expectedSessionId` accept the callback's own values and
//! refuse others.
#![no_main]

use idv_handoff::callback::{
    parse_callback, CallbackOptions, ParamNames, MAX_INPUT_LEN, MAX_QUERY_LEN, MAX_SESSION_ID_LEN,
    MAX_STATE_LEN,
};
use idv_handoff::provider::{CallbackStatus, Provider};
use idv_handoff::query::{pairs, query_of};
use idv_handoff::Error;
use libfuzzer_sys::fuzz_target;

/// The names a Verifa integrator might give its return parameters.
const VERIFA_PARAMS: ParamNames = ParamNames {
    session_id: "ref",
    status: "result",
    reason: Some("why"),
};

/// How the callback is read: a provider forced or not, the caller's parameter names or not.
#[derive(Clone, Copy)]
struct Mode {
    provider: Option<Provider>,
    params: Option<ParamNames<'static>>,
}

const MODES: [Mode; 5] = [
    Mode {
        provider: None,
        params: None,
    },
    Mode {
        provider: Some(Provider::Deepidv),
        params: None,
    },
    Mode {
        provider: Some(Provider::Didit),
        params: None,
    },
    Mode {
        provider: Some(Provider::Verifa),
        params: Some(VERIFA_PARAMS),
    },
    Mode {
        provider: Some(Provider::Verifa),
        params: None,
    },
];

impl Mode {
    fn options(self) -> CallbackOptions<'static> {
        CallbackOptions {
            provider: self.provider,
            params: self.params,
            ..Default::default()
        }
    }
}

/// `[A-Za-z0-9._~-]{1,max}`, written out again here rather than borrowed from the crate.
fn in_charset(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b))
}

/// The slot a parameter fills (session id, status, reason, state) as README documents them:
/// deepidv reads `session_id`/`sessionId`, `status`, `reason`, `state`; Didit reads
/// `verificationSessionId`, `status`, `state`; with the caller's names, those and `state`.
fn slot_of(provider: Provider, params: Option<ParamNames>, name: &str) -> Option<u8> {
    if let Some(p) = params {
        return match name {
            _ if name == p.session_id => Some(0),
            _ if name == p.status => Some(1),
            _ if Some(name) == p.reason => Some(2),
            "state" => Some(3),
            _ => None,
        };
    }
    match (provider, name) {
        (Provider::Deepidv, "session_id" | "sessionId") => Some(0),
        (Provider::Didit, "verificationSessionId") => Some(0),
        (_, "status") => Some(1),
        (Provider::Deepidv, "reason") => Some(2),
        (_, "state") => Some(3),
        _ => None,
    }
}

/// Whether some slot of the provider that will read `input` is given more than once.
fn has_duplicate(input: &str, mode: Mode) -> bool {
    let query = query_of(input);
    let provider = mode.provider.unwrap_or_else(|| {
        if pairs(query).any(|(n, _)| n == "verificationSessionId") {
            Provider::Didit
        } else {
            Provider::Deepidv
        }
    });
    let mut counts = [0u32; 4];
    for (name, _) in pairs(query) {
        if let Some(slot) = slot_of(provider, mode.params, &name) {
            counts[usize::from(slot)] += 1;
        }
    }
    counts.iter().any(|&n| n > 1)
}

fn too_long(input: &str) -> bool {
    input.len() > MAX_INPUT_LEN || query_of(input).len() > MAX_QUERY_LEN
}

fn check(input: &str, mode: Mode) {
    let result = parse_callback(input, &mode.options());
    if too_long(input) {
        assert_eq!(result, Err(Error::InputTooLong { field: "input" }));
        return;
    }
    if mode.provider == Some(Provider::Verifa) && mode.params.is_none() {
        // Verifa documents no return parameters: only the caller can name them.
        assert_eq!(result, Err(Error::InvalidOption { option: "params" }));
        return;
    }
    if has_duplicate(input, mode) {
        assert!(
            matches!(result, Err(Error::DuplicateParameter { .. })),
            "duplicate accepted: {input:?} -> {result:?}"
        );
        return;
    }
    let Ok(cb) = &result else { return };
    assert!(
        in_charset(&cb.session_id, MAX_SESSION_ID_LEN),
        "session id {:?}",
        cb.session_id
    );
    if let Some(state) = &cb.state {
        assert!(in_charset(state, MAX_STATE_LEN), "state {state:?}");
    }
    if let Some(provider) = mode.provider {
        assert_eq!(cb.provider, provider);
    }
    if cb.provider == Provider::Verifa {
        // No documented vocabulary: a plain word of at most 64 characters, kept as sent.
        assert_eq!(cb.status, CallbackStatus::Other);
        assert!(
            (1..=64).contains(&cb.raw_status.len())
                && cb
                    .raw_status
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b" _-".contains(&b)),
            "Verifa status {:?}",
            cb.raw_status
        );
    }
    // The state check binds: the same input with the state it carries passes, and with
    // another state (or one where none was sent) it does not.
    let bound = CallbackOptions {
        expected_state: Some(cb.state.as_deref().unwrap_or("x")),
        ..mode.options()
    };
    match &cb.state {
        Some(_) => assert_eq!(parse_callback(input, &bound).as_ref(), Ok(cb)),
        None => assert_eq!(parse_callback(input, &bound), Err(Error::StateMismatch)),
    }
    // So does the session id check.
    let mut other = cb.session_id.clone();
    other.push('x');
    for (expected, result) in [
        (&cb.session_id, Ok(cb)),
        (&other, Err(&Error::SessionMismatch)),
    ] {
        let bound = CallbackOptions {
            expected_session_id: Some(expected),
            ..mode.options()
        };
        assert_eq!(parse_callback(input, &bound).as_ref(), result);
    }
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    for mode in MODES {
        check(&input, mode);
    }
    // Inject a duplicate of a recognised parameter into the query: always refused (or too
    // long). The aliases `session_id` and `sessionId` count as one parameter.
    let query = query_of(&input);
    let injected = [
        (format!("?{query}&status=x&status=x"), MODES[0]),
        (format!("?state=x&{query}&state=y"), MODES[0]),
        (format!("?{query}&session_id=x&sessionId=x"), MODES[1]),
        (
            format!("?verificationSessionId=x&{query}&verificationSessionId=y"),
            MODES[2],
        ),
        (format!("?ref=x&{query}&ref=y"), MODES[3]),
        (format!("?{query}&why=a&why=b"), MODES[3]),
    ];
    for (doubled, mode) in injected {
        let result = parse_callback(&doubled, &mode.options());
        if !too_long(&doubled) {
            assert!(
                matches!(result, Err(Error::DuplicateParameter { .. })),
                "{doubled:?} -> {result:?}"
            );
        }
    }
});
