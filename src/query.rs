//! Query strings: finding the query in a URL, and parsing it exactly as WHATWG
//! `URLSearchParams` does (percent-decoding, `+` as space, lossy UTF-8 without BOM stripping).

use alloc::borrow::Cow;

/// The name/value pairs of a query, decoded as `URLSearchParams` decodes them.
pub fn pairs(query: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(query.as_bytes())
}

/// Extracts the query from a full URL, a query string with or without `?`.
///
/// A string that starts with a URL scheme is a URL: its query runs from the first `?` to the
/// fragment. Anything else is a query string, taken whole as `URLSearchParams` would.
pub fn query_of(input: &str) -> &str {
    if let Some(query) = input.strip_prefix('?') {
        return query;
    }
    if !starts_with_scheme(input) {
        return input;
    }
    match input.split_once('?') {
        Some((_, rest)) => rest.split_once('#').map_or(rest, |(query, _)| query),
        None => "",
    }
}

/// RFC 3986 `scheme ":"` at the start: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
/// Query parameter names such as `session_id=` can never match (`_` and `=` are not allowed).
fn starts_with_scheme(input: &str) -> bool {
    let bytes = input.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for &b in &bytes[1..] {
        match b {
            b':' => return true,
            b'+' | b'-' | b'.' => {}
            _ if b.is_ascii_alphanumeric() => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

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
