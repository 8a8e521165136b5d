//! Faults with the real binary: kill -9 under write load, and two instances on one
//! PostgreSQL racing the same visas and edits.

use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{Api, Backend, TestApp};
use crate::workflow::story;

/// Starts `jobdesc serve` on the test app's database; returns the process and its URL.
fn serve(app: &TestApp, data: &std::path::Path) -> (Child, String) {
    let data = data.to_str().expect("path");
    let url = app.settings.database_url.expose();
    let (child, _, base) = crate::cli::serve(&[
        "--database-url",
        url,
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        data,
        "serve",
    ]);
    (child, base)
}

fn verify_log(app: &TestApp) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(["--database-url", app.settings.database_url.expose(), "verify-log"])
        .env("JOBDESC_LOG_LEVEL", "warn")
        .output()
        .expect("verify-log runs");
    assert!(
        o.status.success(),
        "the chain is intact: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

async fn writer(api: Api, id: usize, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut acknowledged = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let name = format!("Отдел {id}-{i}");
        let a = api.try_post("/api/v1/departments", json!({ "name": name })).await;
        match a {
            Some(StatusCode::CREATED) => acknowledged.push(name),
            Some(_) => {}
            // The server is gone.
            None => break,
        }
        i += 1;
    }
    acknowledged
}

async fn kill_9_under_write_load_loses_nothing_acknowledged(app: TestApp) {
    let data = tempfile::tempdir().expect("data dir");
    let (mut child, url) = serve(&app, data.path());
    let token = app.api_token("writer", "hr");
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|i| actix_web::rt::spawn(writer(Api::new(&url, Some(token.clone())), i, stop.clone())))
        .collect();
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no shutdown, no flush.
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.expect("writer"));
    }
    assert!(acknowledged.len() > 10, "the load was real: {}", acknowledged.len());
    // Restart on the same database: every 2xx write is there, the chain is whole.
    let (mut again, url) = serve(&app, data.path());
    let api = Api::new(&url, Some(token));
    let listed = api.get("/api/v1/departments?per_page=500").await.json();
    let names: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    let total = listed["total"].as_i64().unwrap_or(0) as usize;
    assert!(total >= acknowledged.len());
    if total <= 500 {
        for n in &acknowledged {
            assert!(names.contains(&n.as_str()), "{n} survived the kill");
        }
    }
    let _ = again.kill();
    let _ = again.wait();
    verify_log(&app);
}

/// Two instances on one PostgreSQL: the same visa and the same edit at once, through both.
async fn two_instances_race_without_duplicates(backend: Backend) {
    if backend != Backend::Postgres {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let s = story(&app).await;
    let data = tempfile::tempdir().expect("data dir");
    let (mut child, other) = serve(&app, data.path());
    let v = &s.version;
    let head_token = app.token_for("head");
    let head_here = Api::new(&app.base, Some(head_token.clone()));
    let head_there = Api::new(&other, Some(head_token));
    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await.status,
        StatusCode::OK
    );
    let body = json!({ "decision": "agree", "comment": "" });
    let url = format!("/api/v1/versions/{v}/visa");
    let (a, b) = futures_util::join!(head_here.post(&url, body.clone()), head_there.post(&url, body.clone()));
    let oks = [a.status, b.status].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(oks, 1, "one visa: {} {} / {} {}", a.status, a.body, b.status, b.body);
    let visas: i64 = {
        use diesel::prelude::*;
        use jobdesc::db::schema::visas;
        visas::table
            .filter(visas::version_id.eq(v))
            .count()
            .get_result(&mut *app.conn())
            .expect("count")
    };
    assert_eq!(visas, 1);
    // The same edit of a draft from both instances: one wins, one is told it is stale.
    let d =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await;
    let draft = if d.status.is_success() {
        d.json()["id"].as_str().unwrap_or(v).to_string()
    } else {
        v.clone()
    };
    let view = s.hr.get(&format!("/api/v1/versions/{draft}")).await.json();
    let clause = view["clauses"][0]["id"].as_str().expect("clause").to_string();
    let hr_there = Api::new(&other, Some(app.token_for("hr")));
    let edit = |text: &str| json!({ "text": text, "expected_revision": view["revision"] });
    let path = format!("/api/v1/versions/{draft}/clauses/{clause}");
    let (a, b) = futures_util::join!(
        s.hr.put(&path, edit("Первая правка.")),
        hr_there.put(&path, edit("Вторая правка."))
    );
    let statuses = [a.status, b.status];
    assert!(
        statuses.contains(&StatusCode::OK) || statuses.iter().all(|s| *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert!(
        !statuses.iter().all(|s| *s == StatusCode::OK),
        "no lost update: {statuses:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
    verify_log(&app);
}

/// With every database connection busy for the pool's timeout, a request is
/// told to come back (503, Retry-After, a problem body), not given a 500.
async fn an_exhausted_pool_answers_503(backend: Backend) {
    let adjust = |l: &mut jobdesc::config::Layer| l.pool_timeout_seconds = Some(1);
    let Some(app) = TestApp::spawn_with(backend, crate::helpers::start_instant(), adjust).await else {
        return;
    };
    let api = app.api_as("hr1", "hr");
    let held: Vec<_> = (0..app.settings.pool_size).map(|_| app.conn()).collect();
    let a = api.get("/api/v1/departments").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(a.header("retry-after").as_deref(), Some("5"));
    assert_eq!(a.json()["code"], "busy");
    drop(held);
    assert_eq!(api.get("/api/v1/departments").await.status, StatusCode::OK);
}

/// Statuses of `n` requests for the department list sent at once.
async fn statuses_at_once(api: &Api, n: usize) -> Vec<StatusCode> {
    let requests = (0..n).map(|_| api.get("/api/v1/departments"));
    futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|a| a.status)
        .collect()
}

/// PostgreSQL connections the server closes (a restart, an administrator) are
/// replaced. A connection that answered within the last second is handed out untested
/// (one round trip less per request): a request that finds it lost is told to come
/// back (503, never 500) and the pool drops it. Older connections are tested first,
/// so a second later every request succeeds.
async fn lost_connections_are_replaced(backend: Backend) {
    use diesel::connection::SimpleConnection;
    if backend != Backend::Postgres {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("hr1", "hr");
    let n = 2 * app.settings.pool_size as usize;
    let terminate = || {
        app.conn()
            .batch_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .expect("terminate")
    };
    assert!(statuses_at_once(&api, n).await.iter().all(|s| *s == StatusCode::OK));

    terminate();
    let right_after = statuses_at_once(&api, n).await;
    assert!(
        right_after
            .iter()
            .all(|s| [StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE].contains(s)),
        "{right_after:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    let later = statuses_at_once(&api, n).await;
    assert!(later.iter().all(|s| *s == StatusCode::OK), "{later:?}");

    // Lost while idle for longer than the window: tested on checkout, replaced unseen.
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    terminate();
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    let tested = statuses_at_once(&api, n).await;
    assert!(tested.iter().all(|s| *s == StatusCode::OK), "{tested:?}");
}

crate::on_both_backends!(kill_9_under_write_load_loses_nothing_acknowledged);
crate::per_backend!(
    two_instances_race_without_duplicates,
    an_exhausted_pool_answers_503,
    lost_connections_are_replaced
);
