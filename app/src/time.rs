//! Dates for people and feeds, from the schema's UTC Unix seconds, without a date library.

/// "2026-11-28 14:05 UTC" from Unix seconds, without a date library.
pub fn format_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// (year, month) of a moment, UTC: what card expiry dates are compared with.
pub fn year_month(unix: i64) -> (i32, u32) {
    let text = format_time(unix);
    (
        text[..4].parse().unwrap_or(1970),
        text[5..7].parse().unwrap_or(1),
    )
}

/// "2026-11-28" (ISO 8601 date, as sitemaps, feeds and JSON-LD want it).
pub fn iso_date(unix: i64) -> String {
    format_time(unix).chars().take(10).collect()
}

/// "2026-11-28T14:05:00Z" (RFC 3339, for Atom).
pub fn rfc3339(unix: i64) -> String {
    let text = format_time(unix);
    format!("{}T{}:00Z", &text[..10], &text[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_utc_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(1_795_824_000), "2026-11-28 00:00 UTC");
        assert_eq!(format_time(951_782_400 + 3_661), "2000-02-29 01:01 UTC");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:00Z");
        assert_eq!(year_month(1_795_824_000), (2026, 11));
    }
}

/// Unix seconds from an HTML `datetime-local` value ("2026-11-28T14:05"), read as UTC.
pub fn parse_datetime_local(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    let canonical = format!("{y:04}-{m:02}-{day:02}T{h:02}:{min:02}");
    // Howard Hinnant's days-from-civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let unix = days * 86_400 + h * 3600 + min * 60;
    // Reject dates like 31 February, which would silently roll over into March.
    (to_datetime_local(unix) == canonical).then_some(unix)
}

/// The `datetime-local` value for Unix seconds.
pub fn to_datetime_local(unix: i64) -> String {
    let text = format_time(unix);
    format!("{}T{}", &text[..10], &text[11..16])
}

/// "30 minutes", "1 hour", "1 hour 30 minutes", "2 hours" — for promises made to people.
pub fn duration_words(minutes: i64) -> String {
    let plural = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

#[cfg(test)]
mod datetime_tests {
    use super::*;

    #[test]
    fn durations_read_like_speech() {
        assert_eq!(duration_words(30), "30 minutes");
        assert_eq!(duration_words(1), "1 minute");
        assert_eq!(duration_words(60), "1 hour");
        assert_eq!(duration_words(90), "1 hour 30 minutes");
        assert_eq!(duration_words(1440), "24 hours");
    }

    #[test]
    fn datetime_local_round_trips() {
        assert_eq!(
            parse_datetime_local("2026-11-28T00:00"),
            Some(1_795_824_000)
        );
        assert_eq!(to_datetime_local(1_795_824_000 + 3_660), "2026-11-28T01:01");
        assert_eq!(
            parse_datetime_local(&to_datetime_local(951_782_400)),
            Some(951_782_400)
        );
        assert_eq!(parse_datetime_local("2026-02-31T10:00"), None);
        assert_eq!(parse_datetime_local("tomorrow"), None);
        assert_eq!(parse_datetime_local("2026-13-01T10:00"), None);
    }
}
