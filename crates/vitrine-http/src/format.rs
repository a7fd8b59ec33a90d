//! Small formatting helpers shared by the response types.

use chrono::{Datelike, NaiveDateTime, Timelike};

/// `2024-01-15T10:30:00Z`, with milliseconds only when there are some.
pub fn iso8601(at: NaiveDateTime) -> String {
    // Plain integer formatting: chrono's `format` parses its pattern on every call, which
    // showed in pages of a thousand dates (spec 4).
    let (date, time) = (at.date(), at.time());
    let seconds = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    match time.nanosecond() / 1_000_000 {
        0 => seconds + "Z",
        millis => format!("{seconds}.{:03}Z", millis.min(999)),
    }
}

/// `1 GB`, `50 GB`, `1.5 MB`: binary multiples with the names people read on plans.
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{rounded:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {}", UNITS[unit])
}

/// `3 MB`, `21.2 KB`: decimal units with one decimal, the trailing `.0` dropped: 3,011,299 is "3 MB".
pub fn decimal_bytes(size: i64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut value = size as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < units.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0} {}", units[unit])
    } else {
        format!("{rounded:.1} {}", units[unit])
    }
}

/// Text made safe inside HTML, in element content and quoted attributes alike.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `240.1KB`, `5.0MB`: spec 2's `modelName`, one decimal and no space.
pub fn compact_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{bytes}B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1}{}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_sizes_read_like_spec_two() {
        assert_eq!(compact_bytes(245_863), "240.1KB");
        assert_eq!(compact_bytes(5 * 1024 * 1024), "5.0MB");
        assert_eq!(compact_bytes(512), "512B");
    }

    #[test]
    fn bytes_read_like_the_spec() {
        assert_eq!(human_bytes(1_073_741_824), "1 GB");
        assert_eq!(human_bytes(53_687_091_200), "50 GB");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(0), "0 B");
    }

    #[test]
    fn timestamps_are_utc_with_a_z() {
        let at = chrono::DateTime::from_timestamp(1_705_314_600, 0)
            .unwrap()
            .naive_utc();
        assert_eq!(iso8601(at), "2024-01-15T10:30:00Z");
        let with_millis = chrono::DateTime::from_timestamp(1_705_314_600, 7_250_000)
            .unwrap()
            .naive_utc();
        assert_eq!(iso8601(with_millis), "2024-01-15T10:30:00.007Z");
        let early = chrono::NaiveDate::from_ymd_opt(987, 3, 4)
            .unwrap()
            .and_hms_opt(5, 6, 7)
            .unwrap();
        assert_eq!(iso8601(early), "0987-03-04T05:06:07Z");
    }
}
