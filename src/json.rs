//! A small, strict JSON reader and writer for request and answer bodies (RFC 8259), so the core
//! can check nested requests and read answers natively, without serde in the wasm build.
//!
//! Bounded: nesting deeper than [`MAX_DEPTH`] is refused, so hostile input cannot exhaust the
//! stack. Numbers are kept as their source text (nothing here computes with them).

use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 32;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    Str(String),
    /// An array, each item with an empty name (so that arrays and objects share their code).
    Array(Vec<(String, Json)>),
    /// An object, members in order (a repeated key keeps every member; [`Json::get`] finds the
    /// first).
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses a whole JSON text; `None` if it is not exactly one valid value.
    pub fn parse(text: &str) -> Option<Json> {
        let mut reader = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = reader.value(0)?;
        reader.space();
        (reader.at == reader.bytes.len()).then_some(value)
    }

    /// The first member named `key`, for an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, for a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Appends the value as JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::Str(s) => push_string(out, s),
            Json::Array(members) | Json::Object(members) => {
                let object = matches!(self, Json::Object(_));
                out.push(if object { '{' } else { '[' });
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if object {
                        push_string(out, key);
                        out.push(':');
                    }
                    value.write(out);
                }
                out.push(if object { '}' } else { ']' });
            }
        }
    }

    /// The value as JSON text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// Appends `s` as a JSON string literal: runs of characters that need no escape are copied
/// whole.
pub fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        // Every byte that needs an escape is ASCII: the split falls between characters.
        out.push_str(s.get(run..i).unwrap_or_default());
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// A JSON object written one named member at a time: how results reach JavaScript (one text,
/// which the host's `JSON.parse` makes a plain object of).
#[derive(Debug, Default)]
pub struct ObjectWriter {
    out: String,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> ObjectWriter {
        ObjectWriter::default()
    }

    fn key(&mut self, key: &str) -> &mut String {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        push_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// A string member.
    pub fn string(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        push_string(self.key(key), value);
        self
    }

    /// A string member when there is a value; nothing otherwise (the key stays absent).
    pub fn optional(&mut self, key: &str, value: Option<&str>) -> &mut ObjectWriter {
        if let Some(value) = value {
            self.string(key, value);
        }
        self
    }

    /// A member whose value is JSON text already (checked by the caller).
    pub fn json(&mut self, key: &str, text: &str) -> &mut ObjectWriter {
        self.key(key).push_str(text);
        self
    }

    /// The object's text.
    pub fn finish(&mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        core::mem::take(&mut self.out)
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, literal: &[u8]) -> Option<()> {
        let end = self.at.checked_add(literal.len())?;
        (self.bytes.get(self.at..end)? == literal).then(|| self.at = end)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.space();
        match self.peek()? {
            b'n' => self.eat(b"null").map(|_| Json::Null),
            b't' => self.eat(b"true").map(|_| Json::Bool(true)),
            b'f' => self.eat(b"false").map(|_| Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            open @ (b'[' | b'{') => {
                // `]` and `}` are two after `[` and `{`.
                let close = open + 2;
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.peek() != Some(close) {
                    loop {
                        let mut key = String::new();
                        if open == b'{' {
                            self.space();
                            if self.peek()? != b'"' {
                                return None;
                            }
                            key = self.string()?;
                            self.space();
                            self.eat(b":")?;
                        }
                        members.push((key, self.value(depth + 1)?));
                        self.space();
                        if self.peek()? != b',' {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.eat(&[close])?;
                Some(if open == b'{' {
                    Json::Object(members)
                } else {
                    Json::Array(members)
                })
            }
            _ => self.number(),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as text.
    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        self.text
            .get(start..self.at)
            .map(String::from)
            .map(Json::Number)
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let d = char::from(self.peek()?).to_digit(16)?;
            n = n * 16 + d;
            self.at += 1;
        }
        Some(n)
    }

    /// Unescapes a string. Runs without escapes are copied from the text as they are: they
    /// start and end next to ASCII bytes, so on character boundaries (no UTF-8 check needed).
    fn string(&mut self) -> Option<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        let mut run = self.at;
        loop {
            let b = self.peek()?;
            if b < 0x20 {
                return None;
            }
            if b != b'"' && b != b'\\' {
                self.at += 1;
                continue;
            }
            out.push_str(self.text.get(run..self.at)?);
            self.at += 1;
            if b == b'"' {
                return Some(out);
            }
            let escaped = self.peek()?;
            self.at += 1;
            out.push(match escaped {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    // A lone surrogate (which JSON.stringify writes for a JavaScript string
                    // that is not valid UTF-16) becomes U+FFFD, as TextEncoder and every other
                    // crossing into wasm does.
                    let unit = self.hex4()?;
                    let pair = (0xD800..0xDC00).contains(&unit)
                        && self.bytes.get(self.at..self.at + 2) == Some(b"\\u");
                    let low = if pair {
                        let mark = self.at;
                        self.at += 2;
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            Some(low)
                        } else {
                            self.at = mark;
                            None
                        }
                    } else {
                        None
                    };
                    match low {
                        Some(low) => {
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                        }
                        None => char::from_u32(unit).unwrap_or('\u{FFFD}'),
                    }
                }
                _ => return None,
            });
            run = self.at;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn strings_read_as_serde_json_reads_them() {
        // Fragments of a string literal's body; every sequence of up to three is checked.
        // (Lone surrogates, which serde_json refuses, have their own test in tests/providers.rs.)
        let fragments = [
            "a",
            "é",
            "😀",
            " ",
            "\\n",
            "\\t",
            "\\u00e9",
            "\\u0000",
            "\\ud83d\\ude00",
            "\\\"",
            "\\\\",
            "\\/",
            "\\x",
            "\\u12",
            "\"",
            "\u{1}",
            "\u{7f}",
            "\\",
        ];
        let mut bodies = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = bodies
                .iter()
                .flat_map(|b| fragments.iter().map(move |f| format!("{b}{f}")))
                .collect();
            bodies.extend(longer);
        }
        bodies.sort();
        bodies.dedup();
        for body in bodies {
            let text = format!("\"{body}\"");
            match serde_json::from_str::<String>(&text) {
                Err(e) if e.to_string().contains("surrogate") => {}
                expected => assert_eq!(Json::parse(&text), expected.ok().map(Json::Str), "{text}"),
            }
        }
    }
}
