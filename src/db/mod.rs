//! Storage: connections, schema, and queries. Nothing here knows about HTTP.

mod conn;
pub mod file;
mod ids;
pub mod listen;
pub mod schema;

pub use conn::{
    establish, migrate, pool, refresh_statistics, schema_current, sqlite_path, Backend, DbConn, Manager, Pool,
    PooledConn,
};

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

impl DbError {
    /// The database cannot serve this request now, though nothing is wrong with it:
    /// every connection stayed busy, or the connection was lost (a restart). The
    /// request may be repeated.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind as Kind, Error as E};
        matches!(
            self,
            DbError::Pool(_) | DbError::Query(E::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _))
        )
    }
}

/// Rows per multi-row `INSERT` in bulk loads: under SQLite's 32,766 and
/// PostgreSQL's 65,535 bound parameters for the widest table (18 columns).
pub const INSERT_BATCH: usize = 1000;

/// Inserts a slice of `Insertable` rows in batches of [`INSERT_BATCH`], one
/// multi-row `INSERT` per batch on either backend. A macro because the
/// connection enum dispatches per backend, where a multi-row insert is typed
/// per backend too.
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for batch in $rows.chunks($crate::db::INSERT_BATCH) {
            let insert = diesel::insert_into($table).values(batch);
            inserted += match &mut *$conn {
                $crate::db::DbConn::Sqlite(c) => diesel::RunQueryDsl::execute(insert, c),
                $crate::db::DbConn::Pg(c) => diesel::RunQueryDsl::execute(insert, c),
            }?;
        }
        inserted
    }};
}
pub(crate) use insert_batches;
