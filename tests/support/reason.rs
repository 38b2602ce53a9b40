//! The rule for `rawReason`, written plainly as the tests' reference: letters, digits, space,
//! `_`, `-` and `.` kept, any other character one `_`, at most 64 characters.

pub fn sanitised_reason(raw: &str) -> String {
    raw.chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || " _-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}
