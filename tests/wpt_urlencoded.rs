//! The query decoder against web-platform-tests `url/resources/urlencoded-parser-data.json`
//! (`tests/data/wpt/`, revision and licence in its header): decoding and `+` must follow WHATWG
//! `URLSearchParams` exactly, in the decoder and through `parse_callback`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/reason.rs"]
mod reason;
use reason::sanitised_reason;

use idv_handoff::callback::{parse_callback, CallbackOptions};
use idv_handoff::query::pairs;
use serde_json::Value;

const DATA: &str = include_str!("data/wpt/urlencoded-parser-data.json");

/// Each case's input and expected name/value pairs (the header's comment strings skipped).
fn cases() -> Vec<(String, Vec<(String, String)>)> {
    let data: Vec<Value> = serde_json::from_str(DATA).unwrap();
    data.iter()
        .filter(|case| case.is_object())
        .map(|case| {
            let pairs = case["output"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    let text = |i: usize| pair[i].as_str().unwrap().to_owned();
                    (text(0), text(1))
                })
                .collect();
            (case["input"].as_str().unwrap().to_owned(), pairs)
        })
        .collect()
}

#[test]
fn decoder_matches_all_35_wpt_cases() {
    let cases = cases();
    assert_eq!(cases.len(), 35);
    for (input, expected) in &cases {
        let got: Vec<(String, String)> = pairs(input).collect();
        assert_eq!(&got, expected, "input {input:?}");
    }
}

/// The same decoding reaches the callback: each WPT value, as the `reason` of a failed
/// callback, arrives as the decoded value (before sanitising) whenever it is one pair.
#[test]
fn callback_reads_values_through_the_same_decoder() {
    let mut checked = 0;
    for (input, expected) in cases() {
        let [(name, value)] = expected.as_slice() else {
            continue;
        };
        if name.is_empty() || value.is_empty() {
            continue;
        }
        // Rename the single pair's name to `reason` by putting the raw input's value part after it.
        let Some((_, raw_value)) = input.split_once('=') else {
            continue;
        };
        let q = format!("session_id=x&status=failed&reason={raw_value}");
        let cb = parse_callback(&q, &CallbackOptions::default()).unwrap();
        assert_eq!(
            cb.raw_reason,
            Some(sanitised_reason(value)),
            "input {input:?}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} cases reached the callback");
}
