//! The dates that come over HTTP: `Retry-After`'s IMF-fixdate, RFC 3339 date-times (Verifa's
//! `expires_at`) and calendar dates, read into Unix milliseconds with no time library.

/// A real calendar date `YYYY-MM-DD` (leap years included).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: core::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
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
    (1..=days).contains(&day)
}

/// A non-negative decimal integer of at most 12 digits.
pub(crate) fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) to Unix ms.
pub fn http_date_ms(s: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = s.split(' ');
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        decimal(parts.next()?)?,
        parts.next()?,
        decimal(parts.next()?)?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let mut hms = time.split(':').map(decimal);
    let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
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
/// ms.
pub fn rfc3339_ms(s: &str) -> Option<f64> {
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
