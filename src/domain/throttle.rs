//! Sign-in throttling: after a few failures in a row, each further attempt waits
//! twice as long as the last, for a login and (more leniently) for an address.

use chrono::{Duration, NaiveDateTime};

/// How many failures in a row are free before waits begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub free: usize,
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// The longest wait.
    pub max_wait: Duration,
}

/// Per login: five free attempts, then 1 s, 2 s, 4 s ... up to 15 minutes.
pub const PER_LOGIN: Limit = Limit {
    free: 5,
    window: Duration::hours(1),
    max_wait: Duration::minutes(15),
};

/// Per address: offices share one address behind NAT, so more are free.
pub const PER_ADDRESS: Limit = Limit {
    free: 20,
    window: Duration::hours(1),
    max_wait: Duration::minutes(15),
};

/// The wait before the next attempt may be checked, given the failures since the last
/// success (any order); `None` when an attempt may be checked now.
pub fn wait(limit: Limit, failures: &[NaiveDateTime], now: NaiveDateTime) -> Option<Duration> {
    let recent: Vec<&NaiveDateTime> = failures.iter().filter(|t| **t > now - limit.window).collect();
    if recent.len() < limit.free {
        return None;
    }
    let last = **recent.iter().max()?;
    let doublings = (recent.len() - limit.free).min(20) as u32;
    let delay = Duration::seconds(1i64 << doublings).min(limit.max_wait);
    let until = last + delay;
    (until > now).then(|| until - now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + s, 0)
            .expect("t")
            .naive_utc()
    }

    #[test]
    fn free_attempts_then_doubling_waits() {
        let now = t(100);
        let four: Vec<_> = (0..4).map(|i| t(96 + i)).collect();
        assert_eq!(wait(PER_LOGIN, &four, now), None);
        let five: Vec<_> = (0..5).map(|i| t(95 + i)).collect();
        // The fifth failure was at 99: one second from then.
        assert_eq!(wait(PER_LOGIN, &five, t(99)), Some(Duration::seconds(1)));
        assert_eq!(wait(PER_LOGIN, &five, t(100)), None);
        let eight: Vec<_> = (0..8).map(|i| t(92 + i)).collect();
        assert_eq!(wait(PER_LOGIN, &eight, t(99)), Some(Duration::seconds(8)));
    }

    #[test]
    fn waits_are_capped_and_old_failures_forgotten() {
        let many: Vec<_> = (0..200).map(t).collect();
        assert_eq!(wait(PER_LOGIN, &many, t(199)), Some(Duration::minutes(15)));
        assert_eq!(wait(PER_LOGIN, &many, t(199 + 3600)), None);
        // The address limit is more lenient.
        let ten: Vec<_> = (0..10).map(t).collect();
        assert_eq!(wait(PER_ADDRESS, &ten, t(10)), None);
    }
}
