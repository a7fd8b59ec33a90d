//! When an item uploaded with an `expiration` (spec 5) is deleted: the text is read the
//! way Chevereto reads it — a bare number is seconds, anything else an ISO 8601 duration
//! (`PT5M`, `P3D`, `P1W`, `P1Y2M10DT2H30M`) — and the result is kept between five minutes
//! and 365 days from now (Chevereto's shortest and longest expirations, 300 and 31,536,000
//! seconds). Unlike Chevereto, text that is neither is refused instead of
//! ignored, so a typo never uploads a file that stays forever.

use chrono::{Duration, Months, NaiveDateTime};

use crate::{DomainError, Result};

/// The soonest an item may expire, from now.
pub const SHORTEST: Duration = Duration::minutes(5);

/// The latest an item may expire, from now.
pub const LONGEST: Duration = Duration::days(365);

/// The moment `text` names, counted from `now`, clamped to [`SHORTEST`, [`LONGEST`]].
pub fn expires_at(now: NaiveDateTime, text: &str) -> Result<NaiveDateTime> {
    let text = text.trim();
    let at = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        add_seconds(now, text.parse().unwrap_or(u64::MAX))
    } else {
        add_duration(now, &parse_duration(text)?)
    };
    Ok(at.clamp(now + SHORTEST, now + LONGEST))
}

/// An ISO 8601 duration's parts; months and years stay calendar units.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts {
    years: u64,
    months: u64,
    weeks: u64,
    days: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
}

fn invalid(text: &str) -> DomainError {
    DomainError::invalid(format!(
        "expiration {text:?} is neither a number of seconds nor an ISO 8601 duration \
         such as PT5M, PT1H, P3D, P1W, P1M or P1Y"
    ))
}

fn parse_duration(text: &str) -> Result<Parts> {
    let upper = text.to_ascii_uppercase();
    let Some(body) = upper.strip_prefix('P') else {
        return Err(invalid(text));
    };
    let mut parts = Parts::default();
    let (mut in_time, mut number, mut any) = (false, String::new(), false);
    // Each unit may come once, in order; a unit letter ends its number.
    let mut last_rank = 0;
    for c in body.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c == 'T' && !in_time && number.is_empty() {
            in_time = true;
            continue;
        }
        let (slot, rank) = match (in_time, c) {
            (false, 'Y') => (&mut parts.years, 1),
            (false, 'M') => (&mut parts.months, 2),
            (false, 'W') => (&mut parts.weeks, 3),
            (false, 'D') => (&mut parts.days, 4),
            (true, 'H') => (&mut parts.hours, 5),
            (true, 'M') => (&mut parts.minutes, 6),
            (true, 'S') => (&mut parts.seconds, 7),
            _ => return Err(invalid(text)),
        };
        if number.is_empty() || rank <= last_rank {
            return Err(invalid(text));
        }
        *slot = number.parse().map_err(|_| invalid(text))?;
        (last_rank, any) = (rank, true);
        number.clear();
    }
    if !any || !number.is_empty() || (in_time && last_rank < 5) {
        return Err(invalid(text));
    }
    Ok(parts)
}

fn add_seconds(at: NaiveDateTime, seconds: u64) -> NaiveDateTime {
    i64::try_from(seconds)
        .ok()
        .and_then(Duration::try_seconds)
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(NaiveDateTime::MAX)
}

fn add_duration(at: NaiveDateTime, parts: &Parts) -> NaiveDateTime {
    let months = parts.years.saturating_mul(12).saturating_add(parts.months);
    let at = u32::try_from(months)
        .ok()
        .and_then(|m| at.checked_add_months(Months::new(m)))
        .unwrap_or(NaiveDateTime::MAX);
    let seconds = parts
        .weeks
        .saturating_mul(7 * 86_400)
        .saturating_add(parts.days.saturating_mul(86_400))
        .saturating_add(parts.hours.saturating_mul(3_600))
        .saturating_add(parts.minutes.saturating_mul(60))
        .saturating_add(parts.seconds);
    add_seconds(at, seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 31)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn after(text: &str) -> Duration {
        expires_at(now(), text).unwrap() - now()
    }

    #[test]
    fn bare_numbers_are_seconds() {
        assert_eq!(after("3600"), Duration::hours(1));
        assert_eq!(after(" 600 "), Duration::minutes(10));
    }

    #[test]
    fn iso_durations_of_every_unit() {
        assert_eq!(after("PT5M"), Duration::minutes(5));
        assert_eq!(after("PT1H"), Duration::hours(1));
        assert_eq!(after("P3D"), Duration::days(3));
        assert_eq!(after("P1W"), Duration::weeks(1));
        assert_eq!(after("p1dt2h30m"), Duration::minutes(26 * 60 + 30));
        assert_eq!(after("PT90S"), Duration::seconds(SHORTEST.num_seconds()));
        // A calendar month from January 31st ends on the last day of February.
        let month = expires_at(now(), "P1M").unwrap();
        assert_eq!(month.date(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        let year = expires_at(now(), "P1Y").unwrap();
        assert_eq!(year.date(), NaiveDate::from_ymd_opt(2027, 1, 31).unwrap());
    }

    #[test]
    fn kept_between_five_minutes_and_a_year() {
        assert_eq!(after("0"), SHORTEST);
        assert_eq!(after("PT1M"), SHORTEST);
        assert_eq!(after("P2Y"), LONGEST);
        assert_eq!(after("P400D"), LONGEST);
        assert_eq!(after("31536001"), LONGEST);
        assert_eq!(after("99999999999999999999"), LONGEST, "past u64");
        assert_eq!(after("P99999999999Y"), LONGEST, "past the calendar");
        // From a day in a leap year, a calendar year is 366 days: kept to 365.
        let leap = NaiveDate::from_ymd_opt(2028, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(expires_at(leap, "P1Y").unwrap() - leap, LONGEST);
    }

    #[test]
    fn anything_else_is_refused_with_the_accepted_forms() {
        for text in [
            "",
            "soon",
            "P",
            "PT",
            "P1",
            "1.5",
            "-60",
            "P1H",
            "PT1D",
            "P1D2Y",
            "P1DT",
            "PT1M1M",
            "P1.5D",
            "5 minutes",
        ] {
            let err = expires_at(now(), text).unwrap_err().to_string();
            assert!(err.contains("ISO 8601"), "{text:?}: {err}");
        }
    }
}
