//! Small formatting helpers shared by the response types.

use chrono::NaiveDateTime;

/// `2024-01-15T10:30:00Z`, with milliseconds only when there are some.
pub fn iso8601(at: NaiveDateTime) -> String {
    let utc = at.and_utc();
    if utc.timestamp_subsec_millis() == 0 {
        utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
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
    }
}
