//! What an instance knows between requests (`services::watch`): on PostgreSQL the head
//! and the callers come from memory, kept current by notifications; whatever another
//! instance or process changes still reaches every instance.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::{Api, Backend, TestApp};
use crate::workflow::{edit_duty, story};

/// How long news may take to arrive here: far more than it takes (milliseconds).
const PATIENCE: Duration = Duration::from_secs(5);

/// Evaluates `check` (an expression that may await) again until it holds, and prints
/// how long that took.
macro_rules! within {
    ($what:expr, $check:expr) => {{
        let t = Instant::now();
        while !($check) {
            assert!(t.elapsed() < PATIENCE, "{}: not within {PATIENCE:?}", $what);
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        println!("{}: after {:?}", $what, t.elapsed());
    }};
}

/// A connection of another process: nothing it writes is noted by the instances.
fn outsider(app: &TestApp) -> jobdesc::db::DbConn {
    jobdesc::db::establish(app.settings.database_url.expose()).expect("another connection")
}

/// A text edited, a session ended and a token revoked at one instance (or by another
/// process) reach the other instance, whose readers were served from memory before.
async fn changes_elsewhere_reach_every_instance(app: TestApp) {
    let s = story(&app).await;
    let v = &s.version;
    let second = app.second_instance();
    let there = Api::new(&second, Some(app.token_for("hr")));
    let path = format!("/api/v1/versions/{v}");
    assert_eq!(s.hr.get(&path).await.status, StatusCode::OK);
    let edited = edit_duty(&there, v, "Ведёт учёт тары на складе.").await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    within!(
        "the edit made at the other instance",
        s.hr.get(&path).await.body.contains("Ведёт учёт тары")
    );

    // A session signed out at the other instance.
    let mut here = app.web_as("hr.web", "hr").await;
    assert_eq!(here.get("/documents").await.status, StatusCode::OK);
    assert_eq!(here.get("/documents").await.status, StatusCode::OK);
    let mut same_browser_there = here.at(&second);
    assert_eq!(same_browser_there.get("/").await.status, StatusCode::OK);
    let out = same_browser_there.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    within!(
        "the session ended at the other instance",
        here.get("/documents").await.status != StatusCode::OK
    );

    // A token revoked at the other instance.
    let token = app.token_for("hr");
    let mine = Api::new(&app.base, Some(token.clone()));
    assert_eq!(mine.get("/api/v1/me").await.status, StatusCode::OK);
    let revoked = Api::new(&second, Some(token)).delete("/api/v1/auth/token").await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    within!(
        "the token revoked at the other instance",
        mine.get("/api/v1/me").await.status == StatusCode::UNAUTHORIZED
    );

    // Sessions deleted by another process (an administrator's SQL, say).
    let mut again = app.web_as("hr.again", "hr").await;
    assert_eq!(again.get("/documents").await.status, StatusCode::OK);
    outsider(&app)
        .batch_execute("DELETE FROM sessions")
        .expect("delete sessions");
    within!(
        "sessions deleted by another process",
        again.get("/documents").await.status != StatusCode::OK
    );
}

/// On PostgreSQL a caller already known is answered from memory: a kept page is served
/// while the sessions and the change log's head are locked by someone else. When the
/// listening connection is lost, every request asks the database until it is back.
async fn known_callers_are_served_from_memory(backend: Backend) {
    if backend != Backend::Postgres {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let watch = app.watch();
    within!("the instance watching the database", watch.head().is_some());
    let mut web = app.web_as("hr", "hr").await;
    assert_eq!(web.get("/documents").await.status, StatusCode::OK);
    assert_eq!(web.get("/documents").await.status, StatusCode::OK);

    let mut locker = outsider(&app);
    locker
        .batch_execute("BEGIN; LOCK TABLE sessions, change_log_head IN ACCESS EXCLUSIVE MODE;")
        .expect("lock");
    let page = actix_web::rt::time::timeout(PATIENCE, web.get("/documents"))
        .await
        .expect("answered without reading the locked tables");
    assert_eq!(page.status, StatusCode::OK);
    locker.batch_execute("ROLLBACK").expect("unlock");

    // The listening connection is cut: the instance stops trusting what it knew.
    outsider(&app)
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = '{}'",
            jobdesc::services::watch::APPLICATION
        ))
        .expect("terminate the listener");
    within!("the lost connection noticed", watch.head().is_none());
    // Not listening, a session deleted elsewhere is refused at once: it is read again.
    outsider(&app)
        .batch_execute("DELETE FROM sessions")
        .expect("delete sessions");
    assert_ne!(web.get("/documents").await.status, StatusCode::OK);
    within!("watching again", watch.head().is_some());
    let mut back = app.web_as("hr.back", "hr").await;
    assert_eq!(back.get("/documents").await.status, StatusCode::OK);
    let writer = app.api_as("hr.api", "hr");
    let made = writer
        .post("/api/v1/departments", json!({ "name": "Новый отдел" }))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let db_head = jobdesc::services::journal::head(&mut outsider(&app)).expect("head").0;
    within!("the head followed again", watch.head() == Some(db_head));
}

crate::on_both_backends!(changes_elsewhere_reach_every_instance);
crate::per_backend!(known_callers_are_served_from_memory);
