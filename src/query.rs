//! Query strings: finding the query in a URL, and parsing it exactly as WHATWG
//! `URLSearchParams` does (percent-decoding, `+` as space, lossy UTF-8 without BOM stripping).
//!
//! The parser and serializer are the WHATWG application/x-www-form-urlencoded algorithms written
//! out here so that `parseCallback` decodes only the values it picks (most names need no
//! decoding and are compared as written). What keeps them honest: the WPT urlencoded cases (`tests/wpt_urlencoded.rs`,
//! and in each browser `tests/browser_wpt.rs`), the differential tests against the host's own
//! `URLSearchParams` (`tests/browser.rs`, `tests/js/`), and the native tests below, which compare
//! both directions with `form_urlencoded` itself on arbitrary bytes.

use alloc::string::String;
use alloc::vec::Vec;

/// The name/value pairs of a query, decoded as `URLSearchParams` decodes them: split on `&`,
/// empty sequences skipped, the name up to the first `=`. Owned strings even when nothing needed
/// decoding: a `Cow` costs the wasm more than the few short copies cost a parse.
pub fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    raw_pairs(query).map(|(name, value)| (decode(name), decode(value)))
}

/// The same pairs as written, for [`decode`] to decode only those that are needed.
pub fn raw_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// Whether [`decode`] would change `s`: only `+` and `%` are decoded.
pub fn needs_decoding(s: &str) -> bool {
    s.bytes().any(|b| b == b'+' || b == b'%')
}

/// `+` as space, then percent-decoding (a `%` not followed by two hex digits stays as it is),
/// then UTF-8 decoding without BOM stripping, each maximal invalid subpart one U+FFFD.
pub fn decode(s: &str) -> String {
    if !needs_decoding(s) {
        return String::from(s);
    }
    let bytes = s.as_bytes();
    let mut buf = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        let hex = |at: usize| bytes.get(at).and_then(|&d| char::from(d).to_digit(16));
        buf.push(match (b, hex(i), hex(i + 1)) {
            (b'+', _, _) => b' ',
            (b'%', Some(high), Some(low)) => {
                i += 2;
                (high * 16 + low) as u8
            }
            _ => b,
        });
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Extracts the query from a full URL, a query string with or without `?`.
///
/// A string that starts with a URL scheme is a URL: its query runs from the first `?` to the
/// fragment, as the URL parser reads it (`URL.search`), so a `?` inside the fragment starts no
/// query: `https://app/done#?session_id=x` has none. Anything else is a query string, taken
/// whole as `URLSearchParams` would.
pub fn query_of(input: &str) -> &str {
    if let Some(query) = input.strip_prefix('?') {
        return query;
    }
    if !starts_with_scheme(input) {
        return input;
    }
    let before_fragment = input.split_once('#').map_or(input, |(before, _)| before);
    before_fragment
        .split_once('?')
        .map_or("", |(_, query)| query)
}

/// RFC 3986 `scheme ":"` at the start: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
/// Query parameter names such as `session_id=` can never match (`_` and `=` are not allowed).
fn starts_with_scheme(input: &str) -> bool {
    let bytes = input.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for &b in bytes.iter().skip(1) {
        match b {
            b':' => return true,
            b'+' | b'-' | b'.' => {}
            _ if b.is_ascii_alphanumeric() => {}
            _ => return false,
        }
    }
    false
}

/// Rewrites the query of `url`: pairs whose decoded name is in `remove` are dropped, every
/// other pair is kept byte for byte (no re-encoding, so nothing else changes), and `set`, if
/// given, is put where the first removed pair was, or at the end. The fragment is kept.
pub fn edit_query(url: &str, remove: &[&str], set: Option<(&str, &str)>) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let (base, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let mut out = String::with_capacity(url.len() + 16);
    out.push_str(base);
    let mut separator = '?';
    let mut placed = set.is_none();
    for segment in query.split('&').filter(|s| !s.is_empty()) {
        // The pair's name decoded as `pairs` decodes it (the segment is one non-empty pair).
        let name = segment.split_once('=').map_or(segment, |(name, _)| name);
        let removed = remove.contains(&decode(name).as_str());
        if removed && placed {
            continue;
        }
        out.push(separator);
        separator = '&';
        match set {
            Some((name, value)) if removed => {
                push_pair(&mut out, name, value);
                placed = true;
            }
            _ => out.push_str(segment),
        }
    }
    if let Some((name, value)) = set.filter(|_| !placed) {
        out.push(separator);
        push_pair(&mut out, name, value);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn push_pair(out: &mut String, name: &str, value: &str) {
    push_serialized(out, name);
    out.push('=');
    push_serialized(out, value);
}

/// The WHATWG urlencoded byte serializer: space as `+`, `*-._` and ASCII alphanumerics as they
/// are, every other UTF-8 byte as `%XX` (uppercase).
fn push_serialized(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(char::from(b)),
            _ if b.is_ascii_alphanumeric() => out.push(char::from(b)),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_query_replaces_in_place_keeps_the_rest_verbatim() {
        let cases = [
            (
                "https://a.example/p",
                &["x"][..],
                Some(("x", "1")),
                "https://a.example/p?x=1",
            ),
            (
                "https://a.example/p?a=%7e&x=0&b=+#f",
                &["x"],
                Some(("x", "a b/c")),
                "https://a.example/p?a=%7e&x=a+b%2Fc&b=+#f",
            ),
            (
                "https://a.example/p?x=0&a=1&x=2",
                &["x"],
                Some(("x", "1")),
                "https://a.example/p?x=1&a=1",
            ),
            (
                "https://a.example/p?%78=0",
                &["x"],
                Some(("x", "1")),
                "https://a.example/p?x=1",
            ),
            (
                "https://a.example/p?a=1&&b=2",
                &["y"],
                None,
                "https://a.example/p?a=1&b=2",
            ),
            (
                "https://a.example/p?session_id=1&status=ok&keep=1#h",
                &["session_id", "status"],
                None,
                "https://a.example/p?keep=1#h",
            ),
            (
                "https://a.example/p?session_id=1#h",
                &["session_id"],
                None,
                "https://a.example/p#h",
            ),
            ("/return?state=abc&x=1", &["state"], None, "/return?x=1"),
        ];
        for (url, remove, set, expected) in cases {
            assert_eq!(edit_query(url, remove, set), expected, "{url}");
        }
    }

    #[test]
    fn query_of_takes_the_query_of_each_input_form() {
        let cases = [
            (
                "https://app.example/return?session_id=a&status=success",
                "session_id=a&status=success",
            ),
            (
                "https://app.example/return?session_id=a#frag",
                "session_id=a",
            ),
            // The query is the URL's own: a `?` in the fragment is the fragment's.
            (
                "https://app.example/return#?session_id=a&status=success",
                "",
            ),
            ("https://app.example/return?x=1#?session_id=a", "x=1"),
            ("https://app.example/return#frag?x", ""),
            ("https://app.example/return", ""),
            ("?session_id=a", "session_id=a"),
            ("session_id=a&status=failed", "session_id=a&status=failed"),
            ("session_id=a:b", "session_id=a:b"),
            ("myapp://return?status=x", "status=x"),
            ("", ""),
        ];
        for (input, query) in cases {
            assert_eq!(query_of(input), query, "input {input:?}");
        }
    }
}
