//! Test harness: the app on port 0 with a fresh database, and HTTP clients.

mod clients;

pub use clients::{multipart, Answer, Api, Web};

use std::io::Write;

use actix_web::dev::ServerHandle;
use awc::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use jobdesc::clock::Clock;
use jobdesc::config::{Layer, Secret, Settings};
use jobdesc::db::{DbConn, Pool};
use jobdesc::domain::account::{User, UserInput};
use jobdesc::services::{auth, crud};
use jobdesc::startup::{open_database, Application};

/// Password of every account the tests create.
pub const PASSWORD: &str = "correct horse battery";

/// Where the test apps' clocks start: `JOBDESC_TEST_CLOCK` (RFC 3339, e.g.
/// `2026-12-01T21:30:00Z` to run the whole suite in Moscow's small hours), else now.
pub fn start_instant() -> DateTime<Utc> {
    match std::env::var("JOBDESC_TEST_CLOCK") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .unwrap_or_else(|e| panic!("JOBDESC_TEST_CLOCK={s:?} is not an RFC 3339 instant: {e}"))
            .with_timezone(&Utc),
        // The real time, read once per app through the clock (tests never compute dates from it).
        _ => Clock::system(chrono_tz::UTC).now_utc(),
    }
}

/// An RFC 3339 instant, for tests that fix the clock.
pub fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("RFC 3339 instant")
        .with_timezone(&Utc)
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("JOBDESC_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

fn say_once(flag: &'static std::sync::Once, line: &str) {
    flag.call_once(|| {
        // Written past the test harness's capture so it is seen once per run.
        let _ = writeln!(std::io::stderr(), "{line}");
    });
}

/// Says once that PostgreSQL tests are skipped; in CI a missing URL is a failure.
fn postgres_missing() {
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but JOBDESC_TEST_POSTGRES_URL is not: the PostgreSQL suite must run in CI"
    );
    static ONCE: std::sync::Once = std::sync::Once::new();
    say_once(
        &ONCE,
        "note: JOBDESC_TEST_POSTGRES_URL is not set; PostgreSQL tests were skipped",
    );
}

/// A fresh PostgreSQL database, dropped when the test ends.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    fn create(admin_url: &str) -> (PgDatabase, String) {
        let name = format!("jobdesc_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("JOBDESC_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"))
            .expect("create test database");
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        let url = format!("{base}/{name}");
        (
            PgDatabase {
                admin_url: admin_url.to_string(),
                name,
            },
            url,
        )
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// The application under test.
pub struct TestApp {
    pub base: String,
    pub pool: Pool,
    pub backend: Backend,
    pub settings: Settings,
    /// The app's clock: tests read dates from it, never from the wall clock.
    pub clock: Clock,
    handle: ServerHandle,
    /// What each instance knows of the database, settled after direct writes.
    watches: std::sync::Mutex<Vec<std::sync::Arc<jobdesc::services::watch::Watch>>>,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestApp {
    /// Starts the app on a fresh database, its clock at [`start_instant`];
    /// `None` when the backend is not configured here.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_at(backend, start_instant()).await
    }

    /// Starts the app with its clock reading `start` (and running on from there).
    pub async fn spawn_at(backend: Backend, start: DateTime<Utc>) -> Option<TestApp> {
        TestApp::spawn_with(backend, start, |_| {}).await
    }

    /// Starts the app with settings changed by `adjust` (over the test defaults).
    pub async fn spawn_with(
        backend: Backend,
        start: DateTime<Utc>,
        adjust: impl FnOnce(&mut Layer),
    ) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("tempdir");
        let (url, pg) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("test.db").display()), None),
            Backend::Postgres => {
                let Some(admin) = postgres_url() else {
                    postgres_missing();
                    return None;
                };
                let (db, url) = PgDatabase::create(&admin);
                (url, Some(db))
            }
        };
        let flags = Layer {
            database_url: Some(Secret::new(url)),
            data_dir: Some(dir.path().to_path_buf()),
            bind: Some("127.0.0.1:0".into()),
            secret_key: Some(Secret::new("test-secret-key-that-is-long-enough-0123456789")),
            pool_size: Some(4),
            workers: Some(1),
            import_max_bytes: Some(1 << 20),
            ..Layer::default()
        };
        let mut flags = flags;
        adjust(&mut flags);
        let (settings, _) = jobdesc::config::load(None, &[], flags).expect("settings");
        let zone = jobdesc::clock::parse_zone(&settings.time_zone).expect("configured zone");
        let clock = Clock::starting_at(start, zone);
        let pool = open_database(&settings, &clock).expect("database opens and migrates");
        let app = Application::build(settings.clone(), pool.clone(), clock.clone()).expect("app builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let watches = std::sync::Mutex::new(vec![app.watch()]);
        actix_web::rt::spawn(app.run_until_stopped());
        Some(TestApp {
            watches,
            base,
            pool,
            backend,
            settings,
            clock,
            handle,
            _dir: dir,
            _pg: pg,
        })
    }

    /// Today in the organisation's time zone, by the app's clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// A pooled connection for direct checks and writes. What it commits is known to
    /// the app's instances once it is dropped, as if they had written it themselves
    /// (another process's writes reach them within a notification's time).
    pub fn conn(&self) -> Direct<'_> {
        jobdesc::services::watch::take_notes();
        Direct {
            conn: Some(self.pool.get().expect("connection")),
            app: self,
        }
    }

    /// What the first instance knows of the database between requests.
    pub fn watch(&self) -> std::sync::Arc<jobdesc::services::watch::Watch> {
        self.watches.lock().expect("watches")[0].clone()
    }

    /// Tells every instance what this thread's direct work noted.
    fn settle(&self) {
        let notes = jobdesc::services::watch::take_notes();
        for w in self.watches.lock().expect("watches").iter() {
            w.apply(notes);
        }
    }

    /// Creates an account with [`PASSWORD`] and the given roles (space separated).
    pub fn user(&self, login: &str, roles: &str) -> User {
        let input = UserInput {
            login: login.into(),
            password: Some(PASSWORD.into()),
            roles: roles.split_whitespace().map(str::to_string).collect(),
            employee_id: None,
            email: None,
        };
        crud::create::<User>(&mut self.conn(), &self.clock, &(&self.settings).into(), "test", &input)
            .expect("create user")
    }

    /// A token of a new user with `roles`.
    pub fn api_token(&self, login: &str, roles: &str) -> String {
        let user = self.user(login, roles);
        auth::issue_token(&mut self.conn(), &self.clock, &user, "test").expect("token")
    }

    /// An API client authenticated as a new user with `roles`.
    pub fn api_as(&self, login: &str, roles: &str) -> Api {
        let user = self.user(login, roles);
        let token = auth::issue_token(&mut self.conn(), &self.clock, &user, "test").expect("token");
        Api::new(&self.base, Some(token))
    }

    /// A browser-like client signed in as a new user with `roles`.
    pub async fn web_as(&self, login: &str, roles: &str) -> Web {
        self.user(login, roles);
        let mut web = Web::new(&self.base);
        let (status, _) = web.login(login, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login as {login}");
        web
    }

    /// The id of an existing account.
    pub fn user_id(&self, login: &str) -> String {
        jobdesc::services::users::by_login(&mut self.conn(), login)
            .expect("query")
            .unwrap_or_else(|| panic!("user {login} exists"))
            .0
            .id
            .to_string()
    }

    /// A fresh API token for an existing account.
    pub fn token_for(&self, login: &str) -> String {
        let (user, _) = jobdesc::services::users::by_login(&mut self.conn(), login)
            .expect("query")
            .unwrap_or_else(|| panic!("user {login} exists"));
        auth::issue_token(&mut self.conn(), &self.clock, &user, "test").expect("token")
    }

    /// An API client for an existing account.
    pub fn api_as_existing(&self, login: &str) -> Api {
        Api::new(&self.base, Some(self.token_for(login)))
    }

    /// Starts a second instance on the same database and clock; returns its base URL.
    pub fn second_instance(&self) -> String {
        let app = Application::build(self.settings.clone(), self.pool.clone(), self.clock.clone()).expect("app builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        self.watches.lock().expect("watches").push(app.watch());
        actix_web::rt::spawn(app.run_until_stopped());
        base
    }

    /// The name of the PostgreSQL database under test.
    pub fn database_name(&self) -> String {
        self._pg.as_ref().map(|p| p.name.clone()).expect("a PostgreSQL test")
    }

    /// Number of change-log entries.
    pub fn log_len(&self) -> i64 {
        use diesel::prelude::*;
        use jobdesc::db::schema::change_log::dsl::*;
        change_log.count().get_result(&mut *self.conn()).expect("count")
    }

    /// Runs raw SQL (for tampering tests). The instances forget the callers they knew,
    /// since the SQL may have ended any; a head it moved reaches them by notification.
    pub fn sql(&self, sql: &str) {
        let mut c = self.conn();
        let c: &mut DbConn = &mut c;
        c.batch_execute(sql).expect("sql");
        jobdesc::services::watch::note_ended();
    }
}

/// A connection of [`TestApp::conn`].
pub struct Direct<'a> {
    conn: Option<jobdesc::db::PooledConn>,
    app: &'a TestApp,
}

impl std::ops::Deref for Direct<'_> {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Direct<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn.as_mut().expect("held until dropped")
    }
}

impl Drop for Direct<'_> {
    fn drop(&mut self) {
        drop(self.conn.take());
        self.app.settle();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting; the runtime ends with the test.
        drop(self.handle.stop(false));
    }
}

/// Runs SQL on the PostgreSQL server's admin database (creating and dropping databases).
pub fn pg_admin(admin_url: &str, sql: &str) {
    let mut conn = diesel::PgConnection::establish(admin_url).expect("admin connection");
    conn.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs a test that starts its own app, once per backend (`fn(Backend)`).
#[macro_export]
macro_rules! per_backend {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// Runs an async test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}
