//! The one clock of the application: now in UTC, and today in the organisation's time zone.
//!
//! Everything that needs the time asks a [`Clock`]; nothing else reads the wall
//! clock (a test in `tests/it/clock.rs` checks the source for it). Instants are
//! stored in UTC; dates people see (approval day, due dates, review dates, the
//! year of a registration number) are the organisation's, which from 21:00 UTC
//! on is already the next day in Moscow.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// Why a time zone cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("unknown time zone {0:?} (expected an IANA name such as Europe/Moscow)")]
pub struct UnknownZone(pub String);

/// Parses an IANA time-zone name.
pub fn parse_zone(name: &str) -> Result<Tz, UnknownZone> {
    name.trim().parse::<Tz>().map_err(|_| UnknownZone(name.to_string()))
}

#[derive(Debug, Clone, Copy)]
struct State {
    zone: Tz,
    /// `None`: the machine's clock; `Some((t, at))`: it was `t` at the moment `at`,
    /// and runs on at the machine's pace (tests and demos).
    set: Option<(DateTime<Utc>, Instant)>,
}

/// The application's clock; cheap to clone, all clones share one state.
#[derive(Debug, Clone)]
pub struct Clock {
    state: Arc<RwLock<State>>,
}

impl Clock {
    fn with(zone: Tz, set: Option<(DateTime<Utc>, Instant)>) -> Clock {
        Clock {
            state: Arc::new(RwLock::new(State { zone, set })),
        }
    }

    /// The machine's clock, showing dates in `zone`.
    pub fn system(zone: Tz) -> Clock {
        Clock::with(zone, None)
    }

    /// A clock that reads `start` now and runs on from there (for tests and demos).
    pub fn starting_at(start: DateTime<Utc>, zone: Tz) -> Clock {
        Clock::with(zone, Some((start, Instant::now())))
    }

    /// Sets the clock to read `at` now; it runs on from there (tests travel in time with it).
    pub fn set_now(&self, at: DateTime<Utc>) {
        self.write().set = Some((at, Instant::now()));
    }

    // A poisoned lock still holds a valid state: it is two plain values.
    fn read(&self) -> State {
        *self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Now, in UTC.
    pub fn now_utc(&self) -> DateTime<Utc> {
        match self.read().set {
            // UTC is what is stored; this is the one place that reads the wall clock.
            None => Utc::now(),
            Some((start, at)) => start + chrono::Duration::from_std(at.elapsed()).unwrap_or_default(),
        }
    }

    /// Now in UTC, at the microsecond precision both backends store.
    pub fn now(&self) -> NaiveDateTime {
        let t = self.now_utc();
        DateTime::from_timestamp_micros(t.timestamp_micros())
            .unwrap_or(t)
            .naive_utc()
    }

    /// Now in UTC and the organisation's date at that same instant (never straddling midnight).
    pub fn now_and_today(&self) -> (NaiveDateTime, NaiveDate) {
        let now = self.now();
        (now, self.date_of(now))
    }

    /// The organisation's time zone.
    pub fn zone(&self) -> Tz {
        self.read().zone
    }

    /// Changes the time zone (the organisation's was edited).
    pub fn set_zone(&self, zone: Tz) {
        self.write().zone = zone;
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now_utc().with_timezone(&self.zone()).date_naive()
    }

    /// The current year in the organisation's time zone.
    pub fn year(&self) -> i32 {
        self.today().year()
    }

    /// A stored UTC instant in the organisation's time zone.
    pub fn local(&self, at: NaiveDateTime) -> DateTime<Tz> {
        at.and_utc().with_timezone(&self.zone())
    }

    /// The organisation's date of a stored UTC instant.
    pub fn date_of(&self, at: NaiveDateTime) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// A stored UTC instant as people read it: `02.12.2026 00:30` in the organisation's zone.
    pub fn stamp(&self, at: NaiveDateTime) -> String {
        self.local(at).format("%d.%m.%Y %H:%M").to_string()
    }

    /// Like [`Clock::stamp`] with the UTC offset, for records that may be read elsewhere:
    /// `02.12.2026 00:30 (UTC+03:00)`.
    pub fn stamp_with_offset(&self, at: NaiveDateTime) -> String {
        self.local(at).format("%d.%m.%Y %H:%M (UTC%:z)").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn evening() -> Clock {
        let start = Utc
            .with_ymd_and_hms(2026, 12, 1, 21, 30, 0)
            .single()
            .expect("valid instant");
        Clock::starting_at(start, chrono_tz::Europe::Moscow)
    }

    #[test]
    fn at_half_past_nine_utc_it_is_tomorrow_in_moscow() {
        let c = evening();
        assert_eq!(c.now().date(), NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"));
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 12, 2).expect("date"));
        assert_eq!(c.stamp(c.now()).get(..16), Some("02.12.2026 00:30"));
        assert!(c.stamp_with_offset(c.now()).ends_with("(UTC+03:00)"));
    }

    #[test]
    fn new_year_comes_first_in_moscow() {
        let start = Utc
            .with_ymd_and_hms(2026, 12, 31, 21, 30, 0)
            .single()
            .expect("valid instant");
        let c = Clock::starting_at(start, chrono_tz::Europe::Moscow);
        assert_eq!(c.year(), 2027);
        c.set_zone(chrono_tz::UTC);
        assert_eq!(c.year(), 2026);
    }

    #[test]
    fn a_started_clock_runs_on() {
        let c = evening();
        let a = c.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(c.now() > a);
    }

    #[test]
    fn a_clock_can_be_set() {
        let c = evening();
        let new_year = Utc
            .with_ymd_and_hms(2026, 12, 31, 21, 30, 0)
            .single()
            .expect("valid instant");
        c.clone().set_now(new_year);
        assert_eq!(c.year(), 2027, "clones share the setting");
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(parse_zone("Mars/Olympus").is_err());
        assert_eq!(parse_zone(" Europe/Samara ").ok(), Some(chrono_tz::Europe::Samara));
    }
}
