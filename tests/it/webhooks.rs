//! Webhooks (issue 15, point 7), delivered to a local HTTP receiver: each event to the
//! endpoints that asked for it, signed with their secret; overdue acknowledgements
//! announced once; a refused delivery retried with back-off and logged.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Api, TestApp, Web, PASSWORD};
use crate::workflow::{approve_through, story, task_of};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    fn event(&self) -> String {
        self.json()["event"].as_str().unwrap_or_default().to_string()
    }
}

/// A plain HTTP server on 127.0.0.1 that records each request and answers with the
/// next queued status (200 when none is queued).
struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::new()));
        let (h, a) = (hits.clone(), answers.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("stream"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut headers = HashMap::new();
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).is_err() || l.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = l.split_once(':') {
                        headers.insert(k.trim().to_lowercase(), v.trim().to_string());
                    }
                }
                let len = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let status = a.lock().expect("answers").pop_front().unwrap_or(200);
                h.lock().expect("hits").push(Hit {
                    path,
                    headers,
                    body: String::from_utf8_lossy(&body).to_string(),
                });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, hits, answers }
    }

    fn hits(&self, path: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .expect("hits")
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    fn answer(&self, status: u16) {
        self.answers.lock().expect("answers").push_back(status);
    }
}

async fn run(admin: &Api) -> (u64, u64, u64) {
    let a = admin.post("/api/v1/webhooks/run", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let p = a.json();
    let n = |k: &str| p[k].as_u64().expect("a count");
    (n("overdue"), n("delivered"), n("failed"))
}

/// The receiver's check: the signature header is the HMAC of "timestamp.body".
fn signed_by(hit: &Hit, secret: &str) -> bool {
    let ts: i64 = hit.headers["x-jobdesc-timestamp"].parse().expect("a timestamp");
    hit.headers["x-jobdesc-signature"] == jobdesc::domain::webhook::signature(secret, ts, &hit.body)
}

async fn other_systems_hear_of_each_event_they_asked_for(app: TestApp) {
    let receiver = Receiver::start();
    let s = story(&app).await;
    let admin = app.api_as_existing("admin");
    // Bad endpoints are refused and change nothing.
    for (body, field) in [
        (
            json!({ "url": "ftp://1c.vector.example/", "events": ["version.approved"] }),
            "url",
        ),
        (
            json!({ "url": format!("{}/all", receiver.url), "events": ["version.deleted"] }),
            "events",
        ),
        (
            json!({ "url": format!("{}/all", receiver.url), "events": [] }),
            "events",
        ),
    ] {
        let a = admin.post("/api/v1/webhooks", body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
        assert_eq!(a.json()["errors"][0]["field"], field, "{}", a.body);
    }
    assert_eq!(
        s.hr.post(
            "/api/v1/webhooks",
            json!({ "url": format!("{}/x", receiver.url), "events": ["version.approved"] })
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get("/api/v1/webhooks").await.json(), json!([]));

    let all = admin
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("{}/all", receiver.url),
                    "events": ["version.approved", "revision.created", "acknowledgement.signed", "acknowledgement.overdue"] }),
        )
        .await;
    assert_eq!(all.status, StatusCode::CREATED, "{}", all.body);
    let all = all.json();
    let secret = all["secret"].as_str().expect("a secret").to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "{secret}");
    let signed_only = admin
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("{}/signed", receiver.url), "events": ["acknowledgement.signed"] }),
        )
        .await
        .json();
    let log = jobdesc::services::journal::recent(&mut app.conn(), None, i64::MAX).expect("log");
    let noted: Vec<_> = log.iter().filter(|e| e.entity == "webhook").collect();
    assert_eq!(noted.len(), 2);
    assert!(
        noted
            .iter()
            .all(|e| !e.after_json.as_deref().unwrap_or("").contains("whsec_")),
        "the secrets stay out of the change log"
    );

    // Approval: to the endpoint that asked, signed with its secret, with the registration number.
    let v = s.version.clone();
    approve_through(&s, &v).await;
    assert_eq!(run(&admin).await, (0, 1, 0));
    let hits = receiver.hits("/all");
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h.event(), "version.approved");
    assert_eq!(h.headers["x-jobdesc-event"], "version.approved");
    assert_eq!(h.headers["content-type"], "application/json");
    assert!(signed_by(h, &secret), "{h:?}");
    assert!(!signed_by(h, signed_only["secret"].as_str().unwrap_or_default()));
    let data = &h.json()["data"];
    assert_eq!(data["version_id"], v.as_str());
    assert_eq!(data["position_title"], "кладовщик");
    assert!(
        data["registration_number"]
            .as_str()
            .is_some_and(|n| n.starts_with("ДИ-")),
        "{data}"
    );
    assert!(receiver.hits("/signed").is_empty(), "not asked for approvals");

    // A signature: to both endpoints, the same event id.
    let ack = task_of(&app, &v, &s.employee_id).id;
    let signed = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{ack}/sign"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(run(&admin).await, (0, 2, 0));
    let (a, b) = (
        receiver.hits("/all").pop().expect("all"),
        receiver.hits("/signed").pop().expect("signed"),
    );
    assert_eq!(
        (a.event(), b.event()),
        ("acknowledgement.signed".into(), "acknowledgement.signed".into())
    );
    assert_eq!(a.json()["id"], b.json()["id"], "one event, one id");
    assert_eq!(a.json()["data"]["employee_name"], "Соколов Илья Петрович");
    assert_eq!(a.json()["data"]["method"], "electronic");
    assert!(signed_by(&b, signed_only["secret"].as_str().unwrap_or_default()));

    // The paper signer is late: announced once, however many passes see it.
    app.sql(&format!(
        "UPDATE acknowledgements SET due_date = '{}' WHERE version_id = '{v}' AND signed_at IS NULL",
        app.today() - chrono::Duration::days(1)
    ));
    assert_eq!(run(&admin).await, (1, 1, 0));
    assert_eq!(run(&admin).await, (0, 0, 0));
    let late = receiver.hits("/all").pop().expect("overdue");
    assert_eq!(late.event(), "acknowledgement.overdue");
    assert_eq!(late.json()["data"]["employee_name"], "Орлова Вера Петрович");

    // A new revision.
    let r =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(run(&admin).await, (0, 1, 0));
    let rev = receiver.hits("/all").pop().expect("revision");
    assert_eq!(
        (rev.event(), rev.json()["data"]["number"].clone()),
        ("revision.created".into(), json!(2))
    );
    assert_eq!(receiver.hits("/all").len(), 4);
    assert_eq!(receiver.hits("/signed").len(), 1);
    crate::feedback::every_log_code_is_in_words(&app);
}

async fn a_refused_delivery_is_retried_and_logged(app: TestApp) {
    let receiver = Receiver::start();
    let admin = app.api_as("admin", "admin");
    let hook = admin
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("{}/hr", receiver.url), "events": ["version.approved"] }),
        )
        .await
        .json();
    let id = hook["id"].as_str().expect("id").to_string();
    receiver.answer(500);
    assert_eq!(
        admin
            .post(&format!("/api/v1/webhooks/{id}/ping"), json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(run(&admin).await, (0, 0, 1));
    let log = admin.get(&format!("/api/v1/webhooks/{id}/deliveries")).await.json();
    let d = &log["items"][0];
    assert_eq!(
        (d["event"].as_str(), d["state"].as_str()),
        (Some("ping"), Some("queued")),
        "{log}"
    );
    assert_eq!(
        (d["attempts"].as_i64(), d["last_status"].as_i64()),
        (Some(1), Some(500))
    );
    assert!(d["next_attempt"].is_string());
    assert_eq!(run(&admin).await, (0, 0, 0), "the next try waits");
    app.clock.set_now(app.clock.now_utc() + chrono::Duration::minutes(2));
    assert_eq!(run(&admin).await, (0, 1, 0));
    assert_eq!(receiver.hits("/hr").len(), 2);
    let mut web = Web::new(&app.base);
    web.login("admin", PASSWORD).await;
    let page = web.get(&format!("/webhooks/{id}")).await;
    assert!(
        page.body.contains("доставлено") && page.body.contains("(HTTP 200)"),
        "{}",
        page.body
    );
    assert!(page.body.contains(hook["secret"].as_str().unwrap_or("?")));

    // Every try failed: shown as such, queued again once on request.
    app.sql(&format!(
        "UPDATE webhook_deliveries SET delivered_at = NULL, attempts = {}",
        jobdesc::domain::delivery::MAX_ATTEMPTS
    ));
    let page = web.get(&format!("/webhooks/{id}")).await;
    assert!(page.body.contains("не доставлено после 16 попыток"), "{}", page.body);
    let did = admin.get(&format!("/api/v1/webhooks/{id}/deliveries")).await.json()["items"][0]["id"]
        .as_str()
        .expect("delivery")
        .to_string();
    let retry = format!("/api/v1/webhooks/{id}/deliveries/{did}/retry");
    assert_eq!(admin.post(&retry, json!({})).await.status, StatusCode::NO_CONTENT);
    let again = admin.post(&retry, json!({})).await;
    assert_eq!(
        (again.status, again.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("delivery_not_undeliverable"))
    );
    assert_eq!(run(&admin).await, (0, 1, 0));

    // The command line lists endpoints and makes a pass.
    let url = app.settings.database_url.expose().to_string();
    let cli = |args: &[&str]| {
        let o = crate::cli::jobdesc(&[&["--database-url", url.as_str()][..], args].concat())
            .output()
            .expect("the binary runs");
        assert!(o.status.success(), "{o:?}");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert!(cli(&["webhooks", "list"]).contains(&format!("{}/hr  version.approved", receiver.url)));
    assert!(cli(&["webhooks", "run"]).contains("deliveries taken: "));

    // Removing the endpoint removes its log; nothing more goes there.
    assert_eq!(
        admin.delete(&format!("/api/v1/webhooks/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.get(&format!("/api/v1/webhooks/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get(&format!("/api/v1/webhooks/{id}/deliveries")).await.status,
        StatusCode::NOT_FOUND
    );
}

crate::on_both_backends!(
    other_systems_hear_of_each_event_they_asked_for,
    a_refused_delivery_is_retried_and_logged,
);
