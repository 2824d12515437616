//! When scheduled briefings go out: daily at a local time in a time zone
//! (default Europe/Tirane). Pure: the caller passes the current time, so the
//! daylight-saving cases are tested without waiting for them.
//!
//! A local time that does not exist on a spring-forward day (02:30 when the
//! clocks jump from 02:00 to 03:00) runs as soon as it would have, one hour
//! later by the wall clock; a local time that happens twice on a fall-back
//! day runs once, the first time (jiff's "compatible" disambiguation).

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The default time zone: the story's.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Tirane";

/// Daily at a local time in a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    at: Time,
    tz: TimeZone,
    tz_name: String,
}

impl Schedule {
    /// Parses `HH:MM` and an IANA time zone name; the error says which is
    /// wrong and how to write it.
    pub fn new(at: &str, tz: &str) -> Result<Schedule, String> {
        let time = at
            .trim()
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<i8>().ok()?, m.parse::<i8>().ok()?)))
            .and_then(|(h, m)| Time::new(h, m, 0, 0).ok())
            .ok_or_else(|| format!("`{at}` is not a time of day such as 08:00"))?;
        let zone = TimeZone::get(tz.trim())
            .map_err(|_| format!("`{tz}` is not a time zone name such as Europe/Tirane"))?;
        Ok(Schedule {
            at: time,
            tz: zone,
            tz_name: tz.trim().to_string(),
        })
    }

    /// The first run strictly after `now`.
    pub fn next_after(&self, now: Timestamp) -> Timestamp {
        let today = now.to_zoned(self.tz.clone()).date();
        for days in 0..3 {
            let Ok(date) = today.checked_add(days.days()) else {
                break;
            };
            let local = date.to_datetime(self.at);
            if let Ok(at) = self.tz.to_ambiguous_timestamp(local).compatible()
                && at > now
            {
                return at;
            }
        }
        // Only at the edge of jiff's range: try again in a day.
        now.checked_add(24.hours()).unwrap_or(now)
    }

    /// `08:00 Europe/Tirane`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.at.strftime("%H:%M"), self.tz_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn runs_daily_at_the_local_time() {
        let daily = Schedule::new("08:00", DEFAULT_TIME_ZONE).unwrap();
        // Winter: Tirana is UTC+1.
        assert_eq!(
            daily.next_after(at("2026-01-10T06:59:00Z")),
            at("2026-01-10T07:00:00Z")
        );
        assert_eq!(
            daily.next_after(at("2026-01-10T07:00:00Z")),
            at("2026-01-11T07:00:00Z"),
            "strictly after: a run does not repeat itself"
        );
        // Summer: UTC+2.
        assert_eq!(
            daily.next_after(at("2026-07-01T12:00:00Z")),
            at("2026-07-02T06:00:00Z")
        );
    }

    #[test]
    fn keeps_the_local_time_across_daylight_saving_changes() {
        let daily = Schedule::new("08:00", DEFAULT_TIME_ZONE).unwrap();
        // Clocks go forward on 29 March 2026: the day has 23 hours.
        let before = daily.next_after(at("2026-03-27T12:00:00Z"));
        assert_eq!(before, at("2026-03-28T07:00:00Z"));
        let after = daily.next_after(before);
        assert_eq!(after, at("2026-03-29T06:00:00Z"));
        assert_eq!(after.as_second() - before.as_second(), 23 * 3600);
        // Clocks go back on 25 October 2026: the day has 25 hours.
        let before = daily.next_after(at("2026-10-23T12:00:00Z"));
        let after = daily.next_after(before);
        assert_eq!(after, at("2026-10-25T07:00:00Z"));
        assert_eq!(after.as_second() - before.as_second(), 25 * 3600);
    }

    #[test]
    fn a_missing_or_repeated_local_time_runs_once() {
        // 02:30 does not exist on 29 March 2026 in Tirana: it runs at 03:30
        // CEST (01:30 UTC), when 02:30 CET would have been.
        let night = Schedule::new("02:30", DEFAULT_TIME_ZONE).unwrap();
        assert_eq!(
            night.next_after(at("2026-03-28T12:00:00Z")),
            at("2026-03-29T01:30:00Z")
        );
        // 02:30 happens twice on 25 October 2026: the first one (CEST), and
        // the next run is the following day.
        let first = night.next_after(at("2026-10-24T12:00:00Z"));
        assert_eq!(first, at("2026-10-25T00:30:00Z"));
        assert_eq!(night.next_after(first), at("2026-10-26T01:30:00Z"));
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        assert_eq!(
            Schedule::new("8 am", DEFAULT_TIME_ZONE).unwrap_err(),
            "`8 am` is not a time of day such as 08:00"
        );
        assert_eq!(
            Schedule::new("08:00", "Mars/Olympus").unwrap_err(),
            "`Mars/Olympus` is not a time zone name such as Europe/Tirane"
        );
        assert_eq!(
            Schedule::new("8:05", "UTC").unwrap().describe(),
            "08:05 UTC"
        );
    }
}
