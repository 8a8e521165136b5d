//! Storage: connections, schema, and queries. Nothing here knows about HTTP.

mod conn;
pub mod file;
mod ids;
pub mod schema;

pub use conn::{establish, migrate, pool, schema_current, sqlite_path, Backend, DbConn, Manager, Pool, PooledConn};

/// Storage-layer failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}
