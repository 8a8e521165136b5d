//! One connection type for both backends, a pool, and embedded migrations.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a database URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL scheme; anything that is not
    /// `postgres://` or `postgresql://` is a SQLite path.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens one connection with the backend chosen explicitly, so that a bad
/// PostgreSQL URL reports PostgreSQL's own error instead of falling through
/// to SQLite.
pub fn establish(url: &str) -> Result<DbConn, DbError> {
    match Backend::from_url(url) {
        Backend::Postgres => PgConnection::establish(url)
            .map(DbConn::Pg)
            .map_err(|e| DbError::Connect(e.to_string())),
        Backend::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let mut conn = SqliteConnection::establish(path).map_err(|e| DbError::Connect(e.to_string()))?;
            // The busy timeout goes first: switching to WAL needs a lock that
            // other pool connections opening at the same moment may hold. Each pooled
            // connection keeps its own page cache of the same file, which the system
            // caches as well: 512 KiB each rather than SQLite's 2 MiB keeps a full pool
            // from holding 20 MB of copies (docs/performance.md, memory).
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                 PRAGMA cache_size = -512;",
            )?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

/// A connection in the pool, with what the pool knows of its health.
pub struct Pooled {
    conn: DbConn,
    /// When a use of it last succeeded.
    last_ok: std::time::Instant,
    /// A use found the connection lost: the pool drops it rather than hand it out again.
    lost: bool,
}

/// A PostgreSQL connection that answered this recently is handed out without a test
/// query first (one round trip less per request; the same bypass window as other
/// pools use). A connection lost within the window fails the use that finds it,
/// which marks it lost, and the pool replaces it.
const FRESH: std::time::Duration = std::time::Duration::from_secs(1);

impl Pooled {
    fn new(conn: DbConn) -> Pooled {
        Pooled {
            conn,
            last_ok: std::time::Instant::now(),
            lost: false,
        }
    }

    /// A use of the connection succeeded: it answered just now.
    pub fn answered(&mut self) {
        self.last_ok = std::time::Instant::now();
    }

    /// A use found the connection lost ([`DbError::is_unavailable`]).
    pub fn lost(&mut self) {
        self.lost = true;
    }
}

impl std::ops::Deref for Pooled {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// r2d2 manager that connects through [`establish`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = DbError;

    fn connect(&self) -> Result<Pooled, DbError> {
        establish(&self.url).map(Pooled::new)
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), DbError> {
        match conn.conn {
            // A server connection can drop between requests; an open file cannot.
            DbConn::Pg(_) if conn.last_ok.elapsed() >= FRESH => {
                conn.conn.batch_execute("SELECT 1").map_err(DbError::from)?;
                conn.last_ok = std::time::Instant::now();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        // Also a transaction that could not be rolled back: such a connection fails
        // every use, and within the window it would not be tested before the next.
        conn.lost || diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

/// Shared connection pool.
pub type Pool = r2d2::Pool<Manager>;
/// A connection checked out of the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Builds a pool; fails fast when the database cannot be reached. A request waits at
/// most `timeout` for a connection, so a lost database answers quickly instead of hanging.
pub fn pool(url: &str, max_size: u32, timeout: std::time::Duration) -> Result<Pool, DbError> {
    // Probe once outside r2d2 so the real connection error is reported.
    drop(establish(url)?);
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeout)
        .build(Manager { url: url.to_string() })
        .map_err(|e| DbError::Connect(e.to_string()))
}

/// True when every migration this binary knows has been applied (false on an empty
/// or foreign database, where the migrations table is missing).
pub fn schema_current(conn: &mut DbConn) -> bool {
    let pending = match conn {
        DbConn::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    matches!(pending, Ok(false))
}

/// Brings SQLite's planner statistics up to date where they are missing or
/// stale (a bounded `ANALYZE`; SQLite's advice for each start of a long-lived
/// application). Without them SQLite takes any equality on an indexed column
/// as selective and, at a large company's size, sorts twenty thousand rows for
/// a coverage page instead of reading it in title order. PostgreSQL's
/// autovacuum keeps its own statistics.
pub fn refresh_statistics(conn: &mut DbConn) -> Result<(), DbError> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
    }
    Ok(())
}

/// The SQLite file a URL names (`None` for PostgreSQL).
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    match Backend::from_url(url) {
        Backend::Sqlite => Some(url.strip_prefix("sqlite://").unwrap_or(url).into()),
        Backend::Postgres => None,
    }
}

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn migrate(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(applied.len())
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Bool;

    /// Without the planner stability guarantee every statement with a bound LIMIT is
    /// parsed again on each run (see .cargo/config.toml).
    #[test]
    fn sqlite_is_built_with_the_planner_stability_guarantee() {
        let Ok(super::DbConn::Sqlite(mut c)) = super::establish(":memory:") else {
            panic!("an in-memory SQLite database opens");
        };
        let on: bool = diesel::select(diesel::dsl::sql::<Bool>(
            "EXISTS (SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG')",
        ))
        .get_result(&mut c)
        .expect("compile options");
        assert!(on, "SQLite compiled without SQLITE_ENABLE_QPSG");
    }
}
