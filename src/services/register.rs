//! The revision register (лист регистрации изменений) of a job description,
//! derived from its approved versions.

use super::{users, versions, ServiceError};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::diff::diff;
use crate::domain::register::{summarize, RegisterRow};

/// The revision register of a job description: one row per approved revision after the first.
pub fn register(conn: &mut DbConn, clock: &Clock, jd_id: &str) -> Result<Vec<RegisterRow>, ServiceError> {
    let approved = versions::approved_ids(conn, jd_id)?;
    let mut rows = Vec::new();
    for pair in approved.windows(2) {
        let old = versions::get(conn, &pair[0])?;
        let (s, new) = versions::state_and_text(conn, &pair[1])?;
        let d = diff(&old.content, &new.content);
        let entered = s.approved_at.map(|t| clock.date_of(t)).unwrap_or_default();
        rows.push(RegisterRow {
            basis: s
                .order_number
                .as_deref()
                .zip(s.order_date)
                .map(|(n, d)| crate::domain::register::order_basis(new.content.language, n, d)),
            change_number: (rows.len() + 1) as i32,
            version_number: new.number,
            registration_number: s.registration_number.clone(),
            entered,
            effective: s.effective_date.unwrap_or(entered),
            author: match &s.sent_by {
                Some(id) => users::signatory(conn, id)?.name,
                None => String::new(),
            },
            editorial: s.editorial,
            content: summarize(&old.content, &new.content, &d),
        });
    }
    Ok(rows)
}
