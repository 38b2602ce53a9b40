//! `src/query.rs` writes the WHATWG urlencoded parser and serializer out by hand (the wasm is
//! smaller without `form_urlencoded`): here both are compared with `form_urlencoded`, the url
//! project's implementation, exhaustively on short byte sequences and with proptest on
//! arbitrary strings. (The WPT cases and the host's `URLSearchParams` check them too:
//! `tests/wpt_urlencoded.rs`, `tests/browser*.rs`, `tests/js/`.)
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::query::{edit_query, pairs};
use proptest::prelude::*;

fn ours(query: &str) -> Vec<(String, String)> {
    pairs(query).collect()
}

fn reference(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

fn serialized_by_edit_query(name: &str, value: &str) -> String {
    let url = edit_query("https://a.example/p", &[], Some((name, value)));
    url.strip_prefix("https://a.example/p?").unwrap().to_owned()
}

fn serialized_by_reference(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish()
}

/// Every sequence of up to four percent-encoded bytes drawn from the UTF-8 boundary values
/// (lead bytes of each length, the edges of every continuation range, the never-valid bytes):
/// each maximal invalid subpart must become one U+FFFD, as `String::from_utf8_lossy` does.
#[test]
fn lossy_utf8_matches_the_reference_on_every_short_sequence() {
    const BYTES: [u8; 25] = [
        0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
        0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
    ];
    let mut checked = 0;
    for len in 1..=4u32 {
        for mut n in 0..BYTES.len().pow(len) {
            let mut query = String::from("x=");
            for _ in 0..len {
                query.push_str(&format!("%{:02X}", BYTES[n % BYTES.len()]));
                n /= BYTES.len();
            }
            assert_eq!(ours(&query), reference(&query), "query {query:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 25 + 625 + 15_625 + 390_625);
}

#[test]
fn percent_signs_and_plus_match_the_reference() {
    for query in [
        "",
        "&",
        "&&=&",
        "=",
        "==",
        "a=b=c",
        "%",
        "%%",
        "%%41",
        "%4",
        "%4g",
        "%g4",
        "%41",
        "%4a",
        "%4A",
        "+",
        "%2B+%2b",
        "a+b=c+d",
        "%zz%",
        "%=%",
        "%E2%82",
        "%E2%82%AC",
        "%ef%bb%bfx=1",
        "%C3%A9=%c3%a9",
        "é=€&😀",
        "%F0%9F%98%80%F0",
        "\0=\u{1}",
    ] {
        assert_eq!(ours(query), reference(query), "query {query:?}");
    }
}

#[test]
fn serializer_matches_the_reference_on_every_ascii_character() {
    for b in 0..=0x7fu8 {
        let s = char::from(b).to_string();
        assert_eq!(
            serialized_by_edit_query(&s, &s),
            serialized_by_reference(&s, &s),
            "byte {b:#04x}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_matches_the_reference_on_arbitrary_strings(query in ".{0,40}") {
        prop_assert_eq!(ours(&query), reference(&query));
    }

    #[test]
    fn parser_matches_the_reference_on_query_like_strings(
        query in "([&=+%a-fA-F0-9xé€😀\u{0}]|%[0-9a-fA-F]{2}|%[c-fC-F][0-9a-fA-F]%[89abAB][0-9a-fA-F]){0,24}"
    ) {
        prop_assert_eq!(ours(&query), reference(&query));
    }

    #[test]
    fn serializer_matches_the_reference_on_arbitrary_strings(name in ".{0,20}", value in ".{0,40}") {
        prop_assert_eq!(
            serialized_by_edit_query(&name, &value),
            serialized_by_reference(&name, &value)
        );
    }
}
