//! The dates that come over HTTP: `Retry-After`'s IMF-fixdate, RFC 3339 date-times (Verifa's
//! `expires_at`) and calendar dates, read into Unix milliseconds with no time library.

/// A real calendar date `YYYY-MM-DD` (leap years included).
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && date(s.as_bytes()).is_some()
}

/// The `n` ASCII digits at `at` in `b`, as a number. Out of line: inlined at its 14 call sites, it
/// costs the wasm 0.2 KB more.
#[inline(never)]
fn digits(b: &[u8], at: usize, n: usize) -> Option<u64> {
    b.get(at..at + n)?.iter().try_fold(0, |v, &d| {
        d.is_ascii_digit().then(|| v * 10 + u64::from(d - b'0'))
    })
}

/// The year, month and day of a real calendar date `YYYY-MM-DD` at the start of `b`.
fn date(b: &[u8]) -> Option<(u64, u64, u64)> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    calendar(digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// The date, if it is a real one (leap years included).
fn calendar(year: u64, month: u64, day: u64) -> Option<(u64, u64, u64)> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    // A table, not a match: smaller in wasm.
    const DAYS: [u8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let days = DAYS.get((month as usize).wrapping_sub(1))?;
    let days = u64::from(*days) + u64::from(month == 2 && leap);
    (1..=days).contains(&day).then_some((year, month, day))
}

/// A non-negative decimal integer of at most 12 digits.
pub(crate) fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) to Unix ms. Its
/// layout is fixed (29 bytes), so it is read at fixed positions, as `rfc3339_ms` is: a day name,
/// a real calendar date with a 2-digit day and a 4-digit year, a time, and `GMT`.
pub fn http_date_ms(s: &str) -> Option<f64> {
    const LAYOUT: &[u8; 29] = b"___, __ ___ ____ __:__:__ GMT";
    let b = s.as_bytes();
    if b.len() != LAYOUT.len() || b.iter().zip(LAYOUT).any(|(&c, &l)| l != b'_' && c != l) {
        return None;
    }
    // The position of the 3-letter name at `at` in `names`, from 1.
    let name = |names: &[u8], at: usize| {
        let index = names.chunks(3).position(|n| b.get(at..at + 3) == Some(n))?;
        Some(index as u64 + 1)
    };
    name(b"MonTueWedThuFriSatSun", 0)?;
    let month = name(b"JanFebMarAprMayJunJulAugSepOctNovDec", 8)?;
    let (year, month, day) = calendar(digits(b, 12, 4)?, month, digits(b, 5, 2)?)?;
    let (hour, minute, second) = (digits(b, 17, 2)?, digits(b, 20, 2)?, digits(b, 23, 2)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(epoch_ms(
        year,
        month,
        day,
        hour * 3600 + minute * 60 + second,
    ))
}

/// Unix milliseconds of a UTC civil date and second of the day (Howard Hinnant's
/// days_from_civil).
fn epoch_ms(year: u64, month: u64, day: u64, second_of_day: u64) -> f64 {
    let (y, m) = (year as i64 - i64::from(month <= 2), month as i64);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 86_400 + second_of_day as i64) as f64 * 1000.0
}

/// Parses an RFC 3339 date-time (`2026-11-22T14:00:00Z`, `…+01:00`, fractions allowed) to Unix
/// ms. Read at fixed byte positions: `YYYY-MM-DD`, `T`, `hh:mm:ss`, an optional `.` and digits
/// (the fraction is not kept), then `Z` or `±hh:mm`.
pub fn rfc3339_ms(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (year, month, day) = date(b)?;
    if !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
    }
    let offset_minutes = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (digits(b, at + 1, 2)?, digits(b, at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = (h * 60 + m) as i64;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let utc = epoch_ms(year, month, day, hour * 3600 + minute * 60 + second);
    Some(utc - (offset_minutes * 60_000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Vec;

    /// The split-based reading this module had before it read fixed byte positions: the
    /// reference the byte reading must agree with on every input.
    fn rfc3339_ms_by_splitting(s: &str) -> Option<f64> {
        let (date, rest) = s.split_once(['T', 't'])?;
        if !is_date(date) {
            return None;
        }
        let mut parts = date.split('-').map(decimal);
        let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
        let (time, offset_minutes) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
            (time, 0i64)
        } else {
            let at = rest.rfind(['+', '-'])?;
            let (time, offset) = rest.split_at_checked(at)?;
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset.get(1..)?.split_once(':')?;
            let (h, m) = (
                decimal(h).filter(|_| h.len() == 2)?,
                decimal(m).filter(|_| m.len() == 2)?,
            );
            if h > 23 || m > 59 {
                return None;
            }
            (time, sign * (h * 60 + m) as i64)
        };
        let (time, fraction) = time.split_once('.').unwrap_or((time, ""));
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut hms = time.split(':').map(|p| decimal(p).filter(|_| p.len() == 2));
        let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
        if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let utc = epoch_ms(year, month, day, hour * 3600 + minute * 60 + second);
        Some(utc - (offset_minutes * 60_000) as f64)
    }

    /// The split-based reading of `http_date_ms` this module had before, with the rules of
    /// IMF-fixdate it left out (a day name, a 2-digit day, a real calendar date): the reference
    /// of the byte reading.
    fn http_date_ms_by_splitting(s: &str) -> Option<f64> {
        const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
        const DAY_NAMES: [&str; 7] = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"];
        let mut parts = s.split(' ');
        let (weekday, day, month, year, time, zone) = (
            parts.next()?,
            parts.next().filter(|day| day.len() == 2)?,
            parts.next()?,
            parts.next().filter(|year| year.len() == 4)?,
            parts.next()?,
            parts.next()?,
        );
        if parts.next().is_some() || zone != "GMT" || !DAY_NAMES.contains(&weekday) {
            return None;
        }
        let month = MONTHS.chunks(3).position(|m| m == month.as_bytes())? as u64 + 1;
        let date = format!("{year}-{month:02}-{day}");
        if !is_date_by_splitting(&date) {
            return None;
        }
        let mut hms = time.split(':').map(|p| decimal(p).filter(|_| p.len() == 2));
        let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
        if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let (year, day) = (decimal(year)?, decimal(day)?);
        Some(epoch_ms(
            year,
            month,
            day,
            hour * 3600 + minute * 60 + second,
        ))
    }

    /// The splitting definition of `is_date`, the reference of the byte reading.
    fn is_date_by_splitting(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        let [y, m, d] = parts[..] else { return false };
        let (Some(year), Some(month), Some(day)) = (decimal(y), decimal(m), decimal(d)) else {
            return false;
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (y.len(), m.len(), d.len()) == (4, 2, 2) && (1..=days).contains(&day)
    }

    /// Each seed, then every one-character substitution, deletion and insertion of it.
    fn variants(seeds: &[&str], alphabet: &[char]) -> Vec<String> {
        let mut out = Vec::new();
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            out.push(String::from(*seed));
            for i in 0..=chars.len() {
                let (head, tail) = chars.split_at(i);
                if let Some((_, after)) = tail.split_first() {
                    out.push(head.iter().chain(after).collect());
                }
                for &c in alphabet {
                    out.push(head.iter().chain([&c]).chain(tail).collect());
                    if let Some((_, after)) = tail.split_first() {
                        out.push(head.iter().chain([&c]).chain(after).collect());
                    }
                }
            }
        }
        out
    }

    const ALPHABET: &[char] = &[
        '0', '1', '2', '3', '5', '6', '9', '-', '+', ':', '.', 'T', 't', 'Z', 'z', ' ', 'é', '\0',
    ];

    #[test]
    fn rfc3339_byte_reading_agrees_with_splitting() {
        let seeds = [
            "2026-11-22T14:00:00Z",
            "2026-11-22t14:00:00.123z",
            "2026-11-22T15:00:00+01:00",
            "2026-11-22T13:30:00.-00:30",
            "2024-02-29T23:59:60.000000+23:59",
            "2023-02-29T00:00:00Z",
            "0000-01-01T00:00:00-00:00",
            "9999-12-31T23:59:59.9Z",
        ];
        let once = variants(&seeds, ALPHABET);
        let twice = variants(
            &once.iter().map(String::as_str).collect::<Vec<_>>(),
            &['0', ':', '.', 'Z', '+'],
        );
        for s in once.iter().chain(&twice) {
            assert_eq!(rfc3339_ms(s), rfc3339_ms_by_splitting(s), "{s:?}");
        }
    }

    #[test]
    fn http_date_byte_reading_agrees_with_splitting() {
        let seeds = [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Thu, 29 Feb 2024 23:59:60 GMT",
            "Mon, 29 Feb 2023 00:00:00 GMT",
            "Sat, 31 Dec 9999 23:59:59 GMT",
            "Wed, 31 Apr 2026 12:00:00 GMT",
            "Fri, 01 Jan 0000 00:00:00 GMT",
        ];
        let alphabet = ['0', '1', '2', '3', '9', ' ', ':', ',', 'G', 'S', 'a', 'é'];
        for s in variants(&seeds, &alphabet) {
            assert_eq!(http_date_ms(&s), http_date_ms_by_splitting(&s), "{s:?}");
        }
    }

    #[test]
    fn is_date_byte_reading_agrees_with_splitting() {
        let seeds = [
            "2026-11-22",
            "2024-02-29",
            "1900-02-29",
            "2000-02-29",
            "2026-04-31",
            "0000-12-31",
        ];
        for s in variants(&seeds, ALPHABET) {
            assert_eq!(is_date(&s), is_date_by_splitting(&s), "{s:?}");
        }
    }
}
