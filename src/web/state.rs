//! What every handler reaches: the shared state and the redirect after a form.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConn, DbError, Pool};
use crate::services::views::HeadCache;
use crate::services::ServiceError;
use crate::web::error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// The SQLite file opened at start (none on PostgreSQL).
    pub db_file: Option<crate::db::file::DbFile>,
    /// The SMTP server mail goes through, when one is configured.
    pub mailer: Option<Arc<dyn crate::services::mail::Transport>>,
    /// The directory people may sign in at (`[ldap]`), when one is configured.
    pub directory: Option<Arc<crate::services::directory::DirectorySignIn>>,
    /// Posts webhook deliveries.
    pub poster: Arc<dyn crate::domain::webhook::Poster>,
    /// The checks of texts already read, by revision.
    pub findings: Arc<crate::services::findings::FindingsCache>,
    /// The versions waiting for someone, as of the change log's head.
    pub waiting: Arc<crate::services::inbox::WaitingCache>,
    /// Read views kept while the change log's head stays where it was.
    pub views: Arc<Views>,
    /// The head and the callers this instance knows without asking the database.
    pub watch: Arc<crate::services::watch::Watch>,
}

/// The read views kept by change-log head (see `services::views`).
#[derive(Debug, Default)]
pub struct Views {
    /// Whole pages (`web::kept`), by page and what they show.
    pub pages: HeadCache<Arc<crate::web::kept::Page>>,
    /// Signed-in users, by id.
    pub users: HeadCache<Option<crate::domain::account::User>>,
    /// The printed paper of a version's preview page, by version id.
    pub preview: HeadCache<Arc<crate::web::pages::documents::Paper>>,
    /// A text's JSON (`GET /api/v1/versions/{id}` and the template text), by path.
    pub text: HeadCache<web::Bytes>,
}

impl Views {
    /// Drops every view built before `head` (this instance just moved the head there).
    pub fn forget_before(&self, head: i64) {
        self.pages.forget_before(head);
        self.users.forget_before(head);
        self.preview.forget_before(head);
        self.text.forget_before(head);
    }
}

impl AppState {
    /// Runs blocking database work on the thread pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let (watch, views) = (self.watch.clone(), self.views.clone());
        // The request's language goes with its work to the blocking thread.
        let locale = crate::i18n::current();
        let result = web::block(move || {
            crate::i18n::sync_scope(locale, || {
                let mut conn = pool.get().map_err(DbError::Pool)?;
                crate::services::watch::take_notes();
                let result = f(&mut conn);
                // What this work committed is known here before its answer leaves, and
                // the views it made stale are let go at once.
                let notes = crate::services::watch::take_notes();
                watch.apply(notes);
                if let Some(head) = notes.0 {
                    views.forget_before(head);
                }
                match &result {
                    Ok(_) => conn.answered(),
                    Err(ServiceError::Db(e)) if e.is_unavailable() => conn.lost(),
                    Err(_) => {}
                }
                result
            })
        })
        .await?;
        Ok(result?)
    }

    /// Runs database work that needs the time (every write does): it is handed the clock.
    pub async fn with_clock<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn, &Clock) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let clock = self.clock.clone();
        self.db(move |conn| f(conn, &clock)).await
    }

    /// Registration format, acknowledgement and review periods.
    pub fn rules(&self) -> crate::services::rules::Rules {
        crate::services::rules::Rules::from(self.settings.as_ref())
    }

    /// How long browser sessions live.
    pub fn session_lifetime(&self) -> crate::services::sessions::Lifetime {
        crate::services::sessions::Lifetime {
            idle: self.settings.session_idle,
            absolute: self.settings.session_absolute,
        }
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}

/// A redirect after a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
