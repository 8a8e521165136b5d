//! The create/read/update/delete use cases shared by every organisation resource.

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::journal::{write_tx, Journal};
use super::rules::Rules;
use super::{new_id, Cursor, Page, Paged, ServiceError};
use crate::clock::Clock;
use crate::db::DbConn;

/// A resource kept in one table, with its storage rules.
///
/// Implementations check references and constraints; the generic functions
/// below add the transaction and the change-log entry.
pub trait Resource: Serialize + Clone + Send + 'static {
    /// What clients send to create or change it.
    type Input: DeserializeOwned + Serialize + Default + Clone + Send + 'static;
    /// Entity name in the change log, the URL and the UI strings.
    const ENTITY: &'static str;

    /// The record's identifier.
    fn id(&self) -> &str;
    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError>;
    /// A page reached from a neighbour's link; lists without a cursor order go by page number.
    fn list_from(conn: &mut DbConn, page: Page, cursor: Option<&Cursor>) -> Result<Paged<Self>, ServiceError> {
        let _ = cursor;
        Self::list(conn, page)
    }
    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError>;
    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &Self::Input) -> Result<(), ServiceError>;
    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &Self::Input) -> Result<(), ServiceError>;
    /// Deletes the row, refusing when something still refers to it.
    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError>;
    /// What else a creation sets off, in the same transaction (logged through `journal`).
    fn after_create(
        _conn: &mut DbConn,
        _journal: &mut Journal,
        _rules: &Rules,
        _created: &Self,
    ) -> Result<(), ServiceError> {
        Ok(())
    }
}

/// Creates a resource and logs it.
pub fn create<R: Resource>(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &Rules,
    actor: &str,
    input: &R::Input,
) -> Result<R, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        create_with::<R>(conn, journal, rules, input)
    })
}

/// Creates a resource inside an open write transaction.
pub fn create_with<R: Resource>(
    conn: &mut DbConn,
    journal: &mut Journal,
    rules: &Rules,
    input: &R::Input,
) -> Result<R, ServiceError> {
    let id = new_id();
    R::insert(conn, journal.at(), &id, input)?;
    let after = R::get(conn, &id)?;
    journal.note(conn, R::ENTITY, &id, "create", &after)?;
    R::after_create(conn, journal, rules, &after)?;
    Ok(after)
}

/// Changes a resource and logs the before and after states.
pub fn update<R: Resource>(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    id: &str,
    input: &R::Input,
) -> Result<R, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let before = R::get(conn, id)?;
        R::update(conn, journal.at(), id, input)?;
        let after = R::get(conn, id)?;
        journal.record(conn, R::ENTITY, id, "update", Some(&before), Some(&after))?;
        Ok(after)
    })
}

/// Deletes a resource and logs what it was.
pub fn delete<R: Resource>(conn: &mut DbConn, clock: &Clock, actor: &str, id: &str) -> Result<(), ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let before = R::get(conn, id)?;
        R::delete(conn, id)?;
        journal.deleted(conn, R::ENTITY, id, &before)
    })
}

/// Turns a unique-constraint violation into a field error.
pub fn unique_as_field(field: &'static str) -> impl Fn(diesel::result::Error) -> ServiceError {
    move |e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            ServiceError::Validation(crate::domain::validation::FieldErrors::single(field, "duplicate"))
        }
        other => other.into(),
    }
}

/// True when a row with `id` exists in the given table's id column.
#[macro_export]
macro_rules! exists {
    ($conn:expr, $table:path, $id:expr) => {{
        use diesel::prelude::*;
        use $table as t;
        diesel::select(diesel::dsl::exists(t::table.filter(t::id.eq($id)))).get_result::<bool>($conn)
    }};
}
