//! The organisation's workflow rules, taken from the settings once and handed to the
//! use cases that need them.

use crate::config::Settings;

/// Registration format, acknowledgement and review periods.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Registration number format: `{year}` and `{seq}` (three digits).
    pub registration_format: String,
    /// Days an employee has to acknowledge, from the request or from taking up the position.
    pub acknowledge_days: i64,
    /// Months until a version in force is due for review.
    pub review_months: u32,
}

impl From<&Settings> for Rules {
    fn from(s: &Settings) -> Self {
        Rules {
            registration_format: s.registration_format.clone(),
            acknowledge_days: s.acknowledge_days,
            review_months: s.review_months,
        }
    }
}

impl Rules {
    /// The last day to acknowledge a request made on `from`.
    pub fn acknowledge_by(&self, from: chrono::NaiveDate) -> chrono::NaiveDate {
        from + chrono::Duration::days(self.acknowledge_days)
    }
}
