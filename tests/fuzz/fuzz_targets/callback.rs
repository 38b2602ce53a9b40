//! `parse_callback` on any input, with each provider setting.
//!
//! Invariants: it never panics; an accepted callback's session id (and state) is within the
//! documented charset and length; a recognised parameter that comes twice (aliases counting as
//! one) is always an error, checked against an independent count and by injecting a duplicate;
//! input over the length limits is refused as such; `expectedState` and `expectedSessionId`
//! accept the callback's own values and refuse others.
#![no_main]

use idv_handoff::callback::{
    parse_callback, CallbackOptions, MAX_INPUT_LEN, MAX_QUERY_LEN, MAX_SESSION_ID_LEN,
    MAX_STATE_LEN,
};
use idv_handoff::provider::Provider;
use idv_handoff::query::{pairs, query_of};
use idv_handoff::Error;
use libfuzzer_sys::fuzz_target;

/// `[A-Za-z0-9._~-]{1,max}`, written out again here rather than borrowed from the crate.
fn in_charset(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b))
}

/// The slots each provider reads (README: deepidv reads `session_id`/`sessionId`, `status`,
/// `reason`, `state`; Didit reads `verificationSessionId`, `status`, `state`).
fn slot_of(provider: Provider, name: &str) -> Option<u8> {
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
fn has_duplicate(input: &str, forced: Option<Provider>) -> bool {
    let query = query_of(input);
    let provider = forced.unwrap_or_else(|| {
        if pairs(query).any(|(n, _)| n == "verificationSessionId") {
            Provider::Didit
        } else {
            Provider::Deepidv
        }
    });
    let mut counts = [0u32; 4];
    for (name, _) in pairs(query) {
        if let Some(slot) = slot_of(provider, &name) {
            counts[usize::from(slot)] += 1;
        }
    }
    counts.iter().any(|&n| n > 1)
}

fn too_long(input: &str) -> bool {
    input.len() > MAX_INPUT_LEN || query_of(input).len() > MAX_QUERY_LEN
}

fn check(input: &str, forced: Option<Provider>) {
    let options = CallbackOptions {
        provider: forced,
        ..Default::default()
    };
    let result = parse_callback(input, &options);
    if too_long(input) {
        assert_eq!(result, Err(Error::InputTooLong));
        return;
    }
    if has_duplicate(input, forced) {
        assert!(
            matches!(result, Err(Error::DuplicateParameter { .. })),
            "duplicate accepted: {input:?} -> {result:?}"
        );
        return;
    }
    if let Ok(cb) = &result {
        assert!(
            in_charset(&cb.session_id, MAX_SESSION_ID_LEN),
            "session id {:?}",
            cb.session_id
        );
        if let Some(state) = &cb.state {
            assert!(in_charset(state, MAX_STATE_LEN), "state {state:?}");
        }
        if let Some(provider) = forced {
            assert_eq!(cb.provider, provider);
        }
        // The state check binds: the same input with the state it carries passes, and with
        // another state (or one where none was sent) it does not.
        let bound = CallbackOptions {
            provider: forced,
            expected_state: Some(cb.state.as_deref().unwrap_or("x")),
            ..Default::default()
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
                provider: forced,
                expected_session_id: Some(expected),
                ..Default::default()
            };
            assert_eq!(parse_callback(input, &bound).as_ref(), result);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    for forced in [None, Some(Provider::Deepidv), Some(Provider::Didit)] {
        check(&input, forced);
    }
    // Inject a duplicate of a recognised parameter into the query: always refused (or too
    // long). The aliases `session_id` and `sessionId` count as one parameter.
    let query = query_of(&input);
    let injected = [
        (format!("?{query}&status=x&status=x"), None),
        (format!("?state=x&{query}&state=y"), None),
        (
            format!("?{query}&session_id=x&sessionId=x"),
            Some(Provider::Deepidv),
        ),
        (
            format!("?verificationSessionId=x&{query}&verificationSessionId=y"),
            Some(Provider::Didit),
        ),
    ];
    for (doubled, provider) in injected {
        let options = CallbackOptions {
            provider,
            ..Default::default()
        };
        let result = parse_callback(&doubled, &options);
        if !too_long(&doubled) {
            assert!(
                matches!(result, Err(Error::DuplicateParameter { .. })),
                "{doubled:?} -> {result:?}"
            );
        }
    }
});
