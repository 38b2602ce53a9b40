//! Property tests (proptest) of the callback parser and the handoff builder: what is built
//! parses back to itself, and the parse does not depend on parameter order, on parameters it
//! does not read, or on how the same value is percent-encoded.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/reason.rs"]
mod reason;
use reason::sanitised_reason;

use idv_handoff::callback::{parse_callback, Callback, CallbackOptions, PARAM_NAMES};
use idv_handoff::handoff::{build_handoff_url, HandoffOptions};
use idv_handoff::provider::{CallbackStatus, Provider, Reason, STATUSES};
use idv_handoff::query::pairs;
use idv_handoff::Error;
use proptest::prelude::*;
use proptest::sample::select;

/// A parameter list, serialised as `URLSearchParams` would (`+` for space, the rest encoded).
fn serialise(params: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        out.append_pair(name, value);
    }
    out.finish()
}

fn parse(query: &str) -> Result<Callback, Error> {
    parse_callback(&format!("?{query}"), &CallbackOptions::default())
}

/// `[A-Za-z0-9._~-]{1,max}`: the documented charset of session ids and states.
fn token(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9._~-]{{1,{max}}}")).unwrap()
}

/// A valid callback of either provider: (the parameters, in canonical order, and what
/// parsing them must give).
fn valid_callback() -> impl Strategy<Value = (Vec<(String, String)>, Callback)> {
    // The providers whose callback parameters are documented.
    let statuses: Vec<_> = STATUSES
        .iter()
        .filter(|(p, _, _)| matches!(p, Provider::Deepidv | Provider::Didit))
        .copied()
        .collect();
    (
        select(statuses),
        token(128),
        prop::option::of(".{0,80}"),
        prop::option::of(token(512)),
        any::<bool>(),
    )
        .prop_map(
            |((provider, raw_status, status), id, reason, state, camel)| {
                let id_name = if provider == Provider::Didit {
                    "verificationSessionId"
                } else if camel {
                    "sessionId"
                } else {
                    "session_id"
                };
                let mut params = vec![
                    (id_name.to_owned(), id.clone()),
                    ("status".to_owned(), raw_status.to_owned()),
                ];
                // Didit has no reason parameter; deepidv ignores one on success.
                let reason = reason.filter(|_| provider == Provider::Deepidv);
                if let Some(r) = &reason {
                    params.push(("reason".to_owned(), r.clone()));
                }
                if let Some(s) = &state {
                    params.push(("state".to_owned(), s.clone()));
                }
                let reason = reason.filter(|r| !r.is_empty() && status != CallbackStatus::Success);
                let expected = Callback {
                    provider,
                    session_id: id,
                    status,
                    raw_status: raw_status.to_owned(),
                    reason: reason.as_deref().map(Reason::from_raw),
                    raw_reason: reason.as_deref().map(sanitised_reason),
                    state,
                };
                (params, expected)
            },
        )
}

/// Parameter names the parser does not read (anything that does not decode to one it does).
fn unrelated_name() -> impl Strategy<Value = String> {
    ".{0,12}".prop_filter("not a recognised name", |n| {
        !PARAM_NAMES.contains(&n.as_str())
    })
}

/// Any parameter list mixing recognised names (valid values or not) with others.
fn any_params() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        3 => select(&PARAM_NAMES[..]).prop_map(str::to_owned),
        1 => unrelated_name(),
    ];
    let value = prop_oneof![
        select(STATUSES).prop_map(|s| s.1.to_owned()),
        token(20),
        ".{0,20}",
    ];
    prop::collection::vec((name, value), 0..8)
}

/// Writes `s` with each character either as it is (where that is unambiguous) or
/// percent-encoded with upper- or lowercase hex, and a space as `+` or `%20`, as `choice`
/// picks; every variant decodes to `s`.
fn encode_variant(s: &str, choice: &mut impl Iterator<Item = u8>) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let pick = choice.next().unwrap_or(0) % 3;
        let reserved = matches!(c, '&' | '=' | '+' | '%' | '#');
        match (c, pick) {
            (' ', 0) => out.push('+'),
            (_, 0) if !reserved && !c.is_control() => out.push(c),
            (_, upper) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    if upper == 2 {
                        out.push_str(&format!("%{b:02x}"));
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
        }
    }
    out
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Build the query a provider would send, parse it: the same callback, in every input
    /// form (a full URL with a fragment, `?query`, a bare query).
    #[test]
    fn a_built_callback_parses_back((params, expected) in valid_callback()) {
        let query = serialise(&params);
        let options = CallbackOptions::default();
        prop_assert_eq!(parse_callback(&format!("?{query}"), &options), Ok(expected.clone()));
        let url = format!("https://yourapp.com/done?{query}#top");
        prop_assert_eq!(parse_callback(&url, &options), Ok(expected.clone()));
        // A bare query too: serialised, it has no `:`, so it cannot pass for a URL.
        prop_assert_eq!(parse_callback(&query, &options), Ok(expected));
    }

    /// The handoff URL carries the return URL and the state; the provider's return to it
    /// parses with that state and session id.
    #[test]
    fn a_handoff_url_round_trips_to_the_callback(
        host in "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9]{0,8}){1,2}"
            .prop_filter("not punycode", |h| !h.contains("xn--")),
        // Path segments without dot segments (`.`, `..`), which the parser would remove.
        path in "(/[A-Za-z0-9._~!$'()*,;:@-]{0,8}){0,3}"
            .prop_filter("no dot segments", |p| !p.split('/').any(|s| s == "." || s == "..")),
        query in prop::option::of("[A-Za-z0-9._~-]{1,8}=[A-Za-z0-9._~-]{0,8}"),
        state in token(64),
        id in token(128),
    ) {
        let redirect = match &query {
            Some(q) => format!("https://{host}{path}?{q}"),
            None => format!("https://{host}{path}"),
        };
        let origins = [format!("https://{host}")];
        let options = HandoffOptions {
            redirect_url: &redirect,
            state: Some(&state),
            allowed_redirect_origins: Some(&origins),
            ..Default::default()
        };
        let handoff = build_handoff_url("https://app.deepidv.com/s/abc?x=1", &options).unwrap();
        let (_, handoff_query) = handoff.split_once('?').unwrap();
        let embedded: Vec<String> = pairs(handoff_query)
            .filter(|(n, _)| n == "redirect_url")
            .map(|(_, v)| v)
            .collect();
        prop_assert_eq!(embedded.len(), 1);
        // The canonical return URL with the state put on it (replacing a `state` already
        // there), serialised as URLSearchParams does (`~` as `%7E`).
        let path = if path.is_empty() { "/" } else { path.as_str() };
        let state_pair = serialise(&[("state".to_owned(), state.clone())]);
        let with_state = match &query {
            Some(q) if q.starts_with("state=") => format!("https://{host}{path}?{state_pair}"),
            Some(q) => format!("https://{host}{path}?{q}&{state_pair}"),
            None => format!("https://{host}{path}?{state_pair}"),
        };
        prop_assert_eq!(&embedded[0], &with_state);
        let back = format!("{}&session_id={id}&status=failed&reason=face_mismatch", embedded[0]);
        let options = CallbackOptions { expected_state: Some(&state), ..Default::default() };
        let cb = parse_callback(&back, &options).unwrap();
        prop_assert_eq!(cb.session_id, id);
        prop_assert_eq!(cb.state, Some(state));
    }

    /// Any parameter list, in any order: the same result, accepted or refused alike.
    #[test]
    fn the_parse_does_not_depend_on_parameter_order(
        (params, shuffled) in any_params().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle()))
    ) {
        prop_assert_eq!(parse(&serialise(&params)), parse(&serialise(&shuffled)));
    }

    /// Parameters the parser does not read, anywhere in the query, change nothing.
    #[test]
    fn unrelated_parameters_change_nothing(
        params in any_params(),
        extra in prop::collection::vec((unrelated_name(), ".{0,20}", any::<prop::sample::Index>()), 1..6),
    ) {
        let mut with_extra = params.clone();
        for (name, value, at) in extra {
            with_extra.insert(at.index(with_extra.len() + 1), (name, value));
        }
        prop_assert_eq!(parse(&serialise(&params)), parse(&serialise(&with_extra)));
    }

    /// The same names and values, percent-encoded differently (or not at all), give the same
    /// result: on valid callbacks, and on any parameter list.
    #[test]
    fn percent_encoding_variants_give_the_same_result(
        (valid, _) in valid_callback(),
        other in any_params(),
        choices in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        for params in [valid, other] {
            let mut choice = choices.iter().copied().cycle();
            let variant: Vec<String> = params
                .iter()
                .map(|(n, v)| format!("{}={}", encode_variant(n, &mut choice), encode_variant(v, &mut choice)))
                .collect();
            prop_assert_eq!(parse(&serialise(&params)), parse(&variant.join("&")), "{:?}", variant);
        }
    }
}

/// The variants the property above relies on really differ from the canonical form (so the
/// property cannot pass by comparing a string with itself).
#[test]
fn encode_variant_writes_distinct_spellings_that_decode_alike() {
    let value = "a b&é%";
    let spellings: Vec<String> = [0u8, 1, 2]
        .iter()
        .map(|&pick| encode_variant(value, &mut std::iter::repeat(pick)))
        .collect();
    assert_eq!(
        spellings,
        [
            "a+b%26é%25",
            "%61%20%62%26%C3%A9%25",
            "%61%20%62%26%c3%a9%25"
        ]
    );
    for s in &spellings {
        let decoded: Vec<_> = pairs(&format!("x={s}")).map(|(_, v)| v).collect();
        assert_eq!(decoded, [value]);
    }
}
