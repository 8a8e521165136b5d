//! Use cases: each mutation runs in one transaction that also writes the change log.

pub mod acknowledgements;
pub mod agreement;
pub mod assignments;
pub mod auth;
pub mod bulk;
pub mod canonical;
pub mod coverage;
pub mod crud;
pub mod demo;
pub mod departments;
pub mod directory;
pub mod documents;
pub mod editing;
pub mod employees;
pub mod evidence_pack;
pub mod facts;
pub mod findings;
pub mod held;
pub mod imports;
pub mod inbox;
pub mod journal;
pub mod library;
pub mod mail;
pub mod notifications;
pub mod organization;
pub mod positions;
pub mod register;
pub mod render;
pub mod routes;
pub mod rules;
pub mod scale;
pub mod seed;
pub mod sessions;
pub mod sign_ins;
pub mod substitutes;
pub mod templates;
pub mod texts;
pub mod users;
pub mod versions;
pub mod views;
pub mod watch;
pub mod webhooks;
pub mod workflow;

use serde::Serialize;

use crate::db::DbError;
use crate::domain::validation::FieldErrors;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The request is well-formed but the current state forbids it; `code` names why.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The text changed since the client read it (optimistic locking);
    /// `changes` lists the edits made since the client's revision.
    #[error("stale revision; current is {current}")]
    Stale {
        current: i64,
        changes: Vec<texts::StaleChange>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error as E};
        match e {
            E::NotFound => ServiceError::NotFound,
            // The one mapping of constraint violations: a refusal (409), never a 500. The
            // use cases check the usual references first and name them precisely.
            E::DatabaseError(Kind::ForeignKeyViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "foreign key refused the change");
                ServiceError::Refused("in_use")
            }
            E::DatabaseError(Kind::UniqueViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "unique constraint refused the change");
                ServiceError::Refused("duplicate")
            }
            other => ServiceError::Db(DbError::Query(other)),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Validation(e)
    }
}

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    /// Largest page a client may ask for.
    pub const MAX_PER_PAGE: i64 = 500;

    /// Clamps client-supplied values into a sane range.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(None, None)
    }
}

/// Where a page of a list in position-title order starts when reached from a
/// neighbour's link: right after or right before a position. A page reached
/// this way costs its own rows however deep in the list it is; a page number
/// alone (a jump) costs the rows before it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After(String),
    Before(String),
}

/// One page of a list and the total count.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    /// One page of a list filtered in memory: the rows of `page`, and how many there are.
    pub fn cut(all: Vec<T>, page: Page) -> Paged<T> {
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(page.offset().max(0) as usize)
            .take(page.per_page as usize)
            .collect();
        Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

/// A fresh identifier.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
