//! Building the application: database, migrations, HTTP server on a bound port.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use sha2::{Digest, Sha512};
use tracing_actix_web::TracingLogger;

use crate::clock::{parse_zone, Clock, UnknownZone};
use crate::config::Settings;
use crate::db::file::DbFile;
use crate::db::{self, DbError, Pool};
use crate::web::error::{json_error, not_found, query_error};
use crate::web::register;
use crate::web::routes::Router;
use crate::web::state::AppState;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot listen on {bind}: {source}")]
    Bind { bind: String, source: std::io::Error },
    #[error("loading the shipped library and templates: {0}")]
    Seed(String),
    #[error(transparent)]
    Mail(#[from] crate::mailer::MailerError),
    #[error("the organisation's time zone: {0}")]
    Zone(#[from] UnknownZone),
    #[error("cannot start watching the database: {0}")]
    Watch(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(
        "the secret key exists but the database {path} does not: it may have been deleted or moved. \
         Restore it (jobdesc restore FILE), or start with --init to create an empty database"
    )]
    DatabaseMissing { path: String },
}

/// Refuses to start on a missing SQLite file where an installation already was (its
/// secret key exists), instead of silently creating an empty database and a new admin.
pub fn check_database_present(settings: &Settings, key_existed: bool, init: bool) -> Result<(), StartupError> {
    match db::sqlite_path(settings.database_url.expose()) {
        Some(path) if key_existed && !init && !path.exists() => Err(StartupError::DatabaseMissing {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// The SMTP server of the settings, when one is set.
pub fn mailer(settings: &Settings) -> Result<Option<Arc<dyn crate::services::mail::Transport>>, StartupError> {
    Ok(match &settings.mail {
        Some(m) => Some(Arc::new(crate::mailer::Smtp::new(m)?)),
        None => None,
    })
}

/// What this instance will know of the database between requests: on PostgreSQL, a
/// thread listens for its changes (`services::watch`); SQLite is read every time.
fn watch(settings: &Settings) -> Result<Arc<crate::services::watch::Watch>, StartupError> {
    let watch = Arc::new(crate::services::watch::Watch::default());
    let url = settings.database_url.expose();
    if db::Backend::from_url(url) == db::Backend::Postgres {
        crate::services::watch::listen(url.to_string(), &watch).map_err(|e| StartupError::Watch(e.to_string()))?;
    }
    Ok(watch)
}

/// The directory of the settings (`[ldap]`), when one is set.
pub fn directory(settings: &Settings) -> Option<Arc<crate::services::directory::DirectorySignIn>> {
    settings.directory.as_ref().map(|d| {
        Arc::new(crate::services::directory::DirectorySignIn {
            server: Arc::new(crate::directory::Ldap::new(d.clone())),
            roles: d.roles.clone(),
        })
    })
}

/// Works the outboxes every `mail_every` (a minute by default) on a thread of its own,
/// for as long as the process runs: composes and sends mail (when an SMTP server is
/// set), announces overdue acknowledgements and posts webhook deliveries. Several
/// instances may do so at once: the outboxes keep each mail and delivery single.
pub fn spawn_outbox_worker(
    pool: Pool,
    clock: Clock,
    settings: &Settings,
    mailer: Option<Arc<dyn crate::services::mail::Transport>>,
    poster: Arc<dyn crate::domain::webhook::Poster>,
) {
    let ctx = crate::services::mail::Context::from(settings);
    let every = settings.mail_every;
    std::thread::spawn(move || loop {
        match pool.get() {
            Ok(mut conn) => {
                if let Some(m) = &mailer {
                    match crate::services::mail::run(&mut conn, &clock, &ctx, m.as_ref()) {
                        Ok(p) if p != Default::default() => {
                            tracing::info!(queued = p.queued, sent = p.sent, failed = p.failed, "mail")
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "mail pass failed; trying again at the next pass"),
                    }
                }
                match crate::services::webhooks::run(&mut conn, &clock, poster.as_ref()) {
                    Ok(p) if p != Default::default() => {
                        tracing::info!(
                            overdue = p.overdue,
                            delivered = p.delivered,
                            failed = p.failed,
                            "webhooks"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "webhook pass failed; trying again at the next pass"),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "outbox worker: no database connection; trying again at the next pass")
            }
        }
        std::thread::sleep(every);
    });
}

/// The machine's clock in the configured time zone (the organisation's replaces it
/// once the database is open).
pub fn system_clock(settings: &Settings) -> Result<Clock, StartupError> {
    Ok(Clock::system(parse_zone(&settings.time_zone)?))
}

/// Creates the data directory (for the SQLite file), connects, migrates, and sets
/// `clock` to the organisation's time zone.
pub fn open_database(settings: &Settings, clock: &Clock) -> Result<Pool, StartupError> {
    if db::Backend::from_url(settings.database_url.expose()) == db::Backend::Sqlite {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
    }
    let pool = db::pool(
        settings.database_url.expose(),
        settings.pool_size,
        settings.pool_timeout,
    )?;
    let mut conn = pool.get().map_err(DbError::Pool)?;
    let applied = db::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    db::refresh_statistics(&mut conn)?;
    if let Some(org) = crate::services::organization::get(&mut conn).map_err(|e| StartupError::Seed(e.to_string()))? {
        clock.set_zone(parse_zone(&org.time_zone)?);
    }
    if crate::services::seed::ensure_shipped_content(&mut conn, clock, &settings.into())
        .map_err(|e| StartupError::Seed(e.to_string()))?
    {
        tracing::info!("shipped clause library and templates loaded");
    }
    Ok(pool)
}

/// The session cookie key, derived from the secret so every instance sharing it agrees.
fn cookie_key(secret: &str) -> Key {
    Key::from(&Sha512::digest(secret.as_bytes()))
}

/// A running HTTP server and the port it bound.
pub struct Application {
    port: u16,
    server: Server,
    settings: Arc<Settings>,
    watch: Arc<crate::services::watch::Watch>,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port) and prepares the server.
    pub fn build(mut settings: Settings, pool: Pool, clock: Clock) -> Result<Application, StartupError> {
        let bind = settings.bind.clone();
        let bind_err = |source| StartupError::Bind {
            bind: bind.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.bind).map_err(bind_err)?;
        let port = listener.local_addr().map_err(bind_err)?.port();
        settings.listening_on(port);
        let settings = Arc::new(settings);
        let key = cookie_key(settings.secret_key.expose());
        let secure = settings.cookie_secure;
        let workers = settings.workers;
        // Blocking work is database work (and PDF rendering): more threads than
        // connections only wait for one, and each thread keeps memory it once used.
        // Each worker has a pool of its own, all sharing the connections: a worker's
        // share of them, and two more.
        let worker_count = match workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let blocking = (settings.pool_size as usize).div_ceil(worker_count) + 2;
        let db_file = db::sqlite_path(settings.database_url.expose()).and_then(|p| DbFile::open(&p));
        let mailer = mailer(&settings)?;
        let poster: Arc<dyn crate::domain::webhook::Poster> = Arc::new(crate::webhook_client::Http::default());
        let watch = watch(&settings)?;
        let state = AppState {
            pool,
            settings: settings.clone(),
            clock,
            db_file,
            mailer,
            directory: directory(&settings),
            poster,
            findings: Arc::default(),
            waiting: Arc::default(),
            views: Arc::default(),
            watch: watch.clone(),
        };
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::JsonConfig::default().limit(2 << 20).error_handler(json_error))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PayloadConfig::new(2 << 20))
                // Inside the session's middleware, which it reads.
                .wrap(from_fn(crate::web::locale::locale_scope))
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                        .cookie_name("jobdesc_session".into())
                        .cookie_secure(secure)
                        .cookie_http_only(true)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_content_security(CookieContentSecurity::Private)
                        .build(),
                )
                .wrap(from_fn(move |req, next| {
                    crate::web::headers::security_headers(secure, req, next)
                }))
                .wrap(TracingLogger::default())
                .configure(|cfg| {
                    let mut router = Router::new(Some(cfg));
                    register(&mut router);
                    router.finish();
                })
                .default_service(web::to(not_found))
        })
        .worker_max_blocking_threads(blocking)
        // Answers are written in slices (`web::kept`): without TCP_NODELAY the last small
        // segment of a long answer waits for the client's delayed ACK (40 ms).
        .on_connect(|conn, _| {
            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
        })
        .listen(listener)
        .map_err(bind_err)?
        .shutdown_timeout(10);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            settings,
            watch,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The settings the server runs with (`public_url` follows the bound port unless given).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What the instance knows of the database between requests (tests settle it
    /// after writing to the database behind the instance's back).
    pub fn watch(&self) -> Arc<crate::services::watch::Watch> {
        self.watch.clone()
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
