//! The query decoder against the 35 cases of web-platform-tests
//! `url/resources/urlencoded-parser-data.json` (upstream revision
//! d1655f32e1b75a6f052a26647f1c108b7b4f689e; web-platform-tests, 3-Clause BSD License),
//! written out as a table: decoding and `+` must follow WHATWG `URLSearchParams` exactly.
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::callback::{parse_callback, CallbackOptions};
use idv_handoff::query::pairs;

type Case = (&'static str, &'static [(&'static str, &'static str)]);

const WPT_URLENCODED: &[Case] = &[
    ("test", &[("test", "")]),
    ("\u{FEFF}test=\u{FEFF}", &[("\u{FEFF}test", "\u{FEFF}")]),
    ("%EF%BB%BFtest=%EF%BB%BF", &[("\u{FEFF}test", "\u{FEFF}")]),
    ("%EF%BF%BF=%EF%BF%BF", &[("\u{FFFF}", "\u{FFFF}")]),
    ("%FE%FF", &[("\u{FFFD}\u{FFFD}", "")]),
    ("%FF%FE", &[("\u{FFFD}\u{FFFD}", "")]),
    ("†&†=x", &[("†", ""), ("†", "x")]),
    ("%C2", &[("\u{FFFD}", "")]),
    ("%C2x", &[("\u{FFFD}x", "")]),
    (
        "_charset_=windows-1252&test=%C2x",
        &[("_charset_", "windows-1252"), ("test", "\u{FFFD}x")],
    ),
    ("", &[]),
    ("a", &[("a", "")]),
    ("a=b", &[("a", "b")]),
    ("a=", &[("a", "")]),
    ("=b", &[("", "b")]),
    ("&", &[]),
    ("&a", &[("a", "")]),
    ("a&", &[("a", "")]),
    ("a&a", &[("a", ""), ("a", "")]),
    ("a&b&c", &[("a", ""), ("b", ""), ("c", "")]),
    ("a=b&c=d", &[("a", "b"), ("c", "d")]),
    ("a=b&c=d&", &[("a", "b"), ("c", "d")]),
    ("&&&a=b&&&&c=d&", &[("a", "b"), ("c", "d")]),
    ("a=a&a=b&a=c", &[("a", "a"), ("a", "b"), ("a", "c")]),
    ("a==a", &[("a", "=a")]),
    ("a=a+b+c+d", &[("a", "a b c d")]),
    ("%=a", &[("%", "a")]),
    ("%a=a", &[("%a", "a")]),
    ("%a_=a", &[("%a_", "a")]),
    ("%61=a", &[("a", "a")]),
    ("%61+%4d%4D=", &[("a MM", "")]),
    ("id=0&value=%", &[("id", "0"), ("value", "%")]),
    ("b=%2sf%2a", &[("b", "%2sf*")]),
    ("b=%2%2af%2a", &[("b", "%2*f*")]),
    ("b=%%2a", &[("b", "%*")]),
];

#[test]
fn decoder_matches_all_35_wpt_cases() {
    assert_eq!(WPT_URLENCODED.len(), 35);
    for (input, expected) in WPT_URLENCODED {
        let got: Vec<(String, String)> = pairs(input)
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want, "input {input:?}");
    }
}

/// The same decoding reaches the callback: each WPT value, as the `reason` of a failed
/// callback, arrives as the decoded value (before sanitising) whenever it is one pair.
#[test]
fn callback_reads_values_through_the_same_decoder() {
    for (input, expected) in WPT_URLENCODED {
        let [(name, value)] = expected else { continue };
        if name.is_empty() || value.is_empty() {
            continue;
        }
        // Rename the single pair's name to `reason` by putting the raw input's value part after it.
        let Some((_, raw_value)) = input.split_once('=') else {
            continue;
        };
        let q = format!("session_id=x&status=failed&reason={raw_value}");
        let cb = parse_callback(&q, &CallbackOptions::default()).unwrap();
        let sanitised: String = value
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || " _-.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        assert_eq!(
            cb.raw_reason.as_deref(),
            Some(sanitised.as_str()),
            "input {input:?}"
        );
    }
}
