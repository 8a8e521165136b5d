//! Outboxes (mail, webhooks): how long a delivery the other side refused waits
//! before the next try, and when to stop trying.

use chrono::Duration;

/// Tries before a delivery is left as undeliverable (about two days with [`retry_delay`]).
pub const MAX_ATTEMPTS: i32 = 16;

/// How long to wait after the `attempts`-th failed try: one minute, doubling, at most six hours.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    Duration::minutes(1i64 << doublings).min(Duration::hours(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(retry_delay(1), Duration::minutes(1));
        assert_eq!(retry_delay(2), Duration::minutes(2));
        assert_eq!(retry_delay(5), Duration::minutes(16));
        assert_eq!(retry_delay(MAX_ATTEMPTS), Duration::hours(6));
        assert_eq!(retry_delay(1000), Duration::hours(6));
        let total: i64 = (1..MAX_ATTEMPTS).map(|a| retry_delay(a).num_minutes()).sum();
        assert!((24 * 60..=72 * 60).contains(&total), "{total} minutes of retries");
    }
}
