//! Splitting text at an ASCII byte: what `str::split`, `split_once` and `find` do with a `char`
//! pattern, by a byte search. core's char searcher is built for any char and costs about 1 KB
//! of wasm; every separator in this crate (`&`, `=`, `?`, `#`, `.`, `:`, …) is ASCII, and a
//! split at an ASCII byte always falls on a char boundary.

/// The byte-search splits, on `str`.
pub trait AsciiSplit {
    /// Where the first `byte` is.
    fn find_byte(&self, byte: u8) -> Option<usize>;
    /// Where the last `byte` is.
    fn rfind_byte(&self, byte: u8) -> Option<usize>;
    /// The text before and after the first `byte`, as `split_once`.
    fn split_once_byte(&self, byte: u8) -> Option<(&str, &str)>;
    /// The pieces between the `byte`s, as `split`.
    fn split_byte(&self, byte: u8) -> SplitByte<'_>;
}

impl AsciiSplit for str {
    // Plain loops: `position`, `rposition` and `enumerate` come out two to three times larger.
    fn find_byte(&self, byte: u8) -> Option<usize> {
        let bytes = self.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == byte {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    fn rfind_byte(&self, byte: u8) -> Option<usize> {
        let bytes = self.as_bytes();
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            if bytes[i] == byte {
                return Some(i);
            }
        }
        None
    }

    fn split_once_byte(&self, byte: u8) -> Option<(&str, &str)> {
        let at = self.find_byte(byte)?;
        Some((self.get(..at)?, self.get(at + 1..)?))
    }

    fn split_byte(&self, byte: u8) -> SplitByte<'_> {
        SplitByte {
            rest: Some(self),
            byte,
        }
    }
}

/// The iterator of [`AsciiSplit::split_byte`].
pub struct SplitByte<'a> {
    rest: Option<&'a str>,
    byte: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.split_once_byte(self.byte) {
            Some((piece, after)) => {
                self.rest = Some(after);
                Some(piece)
            }
            None => self.rest.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AsciiSplit;
    use alloc::vec::Vec;

    #[test]
    fn splits_as_the_char_pattern_methods_do() {
        let texts = [
            "", "a", "&", "&&", "a&b", "&a&", "é&ü&", "x=1&y", "=&=", "a&b&c&",
        ];
        for text in texts {
            for (byte, c) in [(b'&', '&'), (b'=', '='), (b'z', 'z')] {
                let ours: Vec<&str> = text.split_byte(byte).collect();
                let std: Vec<&str> = text.split(c).collect();
                assert_eq!(ours, std, "{text:?} split at {c:?}");
                assert_eq!(text.split_once_byte(byte), text.split_once(c), "{text:?}");
                assert_eq!(text.find_byte(byte), text.find(c), "{text:?}");
                assert_eq!(text.rfind_byte(byte), text.rfind(c), "{text:?}");
            }
        }
    }
}
