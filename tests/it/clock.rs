//! One clock: at fixed instants around Moscow's midnight the dates people see are
//! the organisation's (Europe/Moscow, UTC+3), on both backends; and nothing outside
//! the clock module reads the wall clock.

use chrono::NaiveDate;
use serde_json::json;

use crate::helpers::{instant, Backend, TestApp};
use crate::workflow::{approve_through, edit_duty, story};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The workflow story of `crate::workflow`, its organisation in Moscow's time zone.
async fn moscow_story(app: &TestApp) -> crate::workflow::Story {
    let s = story(app).await;
    let mut org = s.hr.get("/api/v1/organization").await.json();
    org["time_zone"] = json!("Europe/Moscow");
    assert_eq!(
        s.hr.put("/api/v1/organization", org).await.status,
        awc::http::StatusCode::OK
    );
    assert_eq!(
        app.clock.zone(),
        chrono_tz::Europe::Moscow,
        "saving the organisation sets the zone"
    );
    s
}

/// Runs `$name(app)` on both backends with the app's clock starting at `$at`.
macro_rules! at_instant_on_both_backends {
    ($at:literal: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                use crate::helpers::{instant, Backend, TestApp};
                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = TestApp::spawn_at(Backend::Sqlite, instant($at)).await {
                        super::$name(app).await;
                    }
                }
                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = TestApp::spawn_at(Backend::Postgres, instant($at)).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

/// 21:30 UTC on 1 December is 00:30 on 2 December in Moscow: every date is the 2nd.
async fn an_evening_approval_carries_moscows_date(app: TestApp) {
    assert_eq!(app.today(), date("2026-12-02"));
    let s = moscow_story(&app).await;
    approve_through(&s, &s.version).await;
    let w =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json();
    let state = &w["state"];
    assert_eq!(state["effective_date"], "2026-12-02", "{w}");
    assert_eq!(state["registration_number"], "ДИ-2026-001");
    assert!(
        state["approved_at"]
            .as_str()
            .unwrap_or("")
            .starts_with("2026-12-01T21:3"),
        "the instant is stored in UTC: {}",
        state["approved_at"]
    );
    let (hash, _) = jobdesc::services::canonical::content_hash(
        &mut app.conn(),
        &s.version,
        "ДИ-2026-001",
        date("2026-12-02"),
        date("2026-12-02"),
    )
    .expect("hash");
    assert_eq!(
        json!(hash),
        state["content_hash"],
        "the hash is of Moscow's approval date"
    );

    let doc = s.hr.get(&format!("/api/v1/documents/{}", s.document)).await.json();
    assert_eq!(doc["review_date"], "2027-12-02", "{doc}");
    let acks = jobdesc::services::acknowledgements::of_versions(&mut app.conn(), std::slice::from_ref(&s.version))
        .expect("acks");
    assert_eq!(acks.len(), 2);
    assert!(acks.iter().all(|a| a.due_date == date("2026-12-16")), "{acks:?}");

    // The PDFs print Moscow's date and time.
    let input =
        jobdesc::services::render::input_for(&mut app.conn(), &app.clock, &s.version, "http://x").expect("input");
    assert_eq!(input.document.approved_on.as_deref(), Some("2026-12-02"));
    let approval = input.approval.as_ref().expect("approval");
    assert_eq!(approval.date.as_deref(), Some("2026-12-02"));
    let mark = approval.electronic.as_ref().expect("electronic mark");
    assert!(
        mark.at.starts_with("02.12.2026 00:3") && mark.at.ends_with("(UTC+03:00)"),
        "{}",
        mark.at
    );
    assert!(
        input.visas.iter().all(|v| v.date.as_deref() == Some("2026-12-02")),
        "{:?}",
        input.visas
    );
    if crate::pdf::have("pdftotext") {
        let pdf = jobdesc::pdf::render(&input, &[jobdesc::pdf::Part::Document]).expect("render");
        let path = crate::pdf::write(&format!("evening-{}.pdf", uuid::Uuid::new_v4()), &pdf.bytes);
        let text = crate::pdf::pdftotext(&path);
        assert!(text.contains("«02» декабря 2026 г."), "approval stamp date: {text}");
        assert!(
            !text.contains("01.12.2026") && !text.contains("«01» декабря"),
            "no UTC date: {text}"
        );
        let _ = std::fs::remove_file(path);
    }

    // The pages show Moscow's time too.
    let mut web = app.web_as("reader", "hr").await;
    let page = web.get(&format!("/documents/{}", s.document)).await;
    assert!(page.body.contains("02.12.2026 00:3"), "{}", page.body);
}

/// 31 December 21:30 UTC is already 1 January in Moscow: a new year, a new counter.
async fn the_new_year_starts_in_moscow(app: TestApp) {
    app.clock.set_now(instant("2026-12-31T20:00:00Z"));
    let s = moscow_story(&app).await;
    approve_through(&s, &s.version).await;
    let w =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json();
    assert_eq!(
        w["state"]["registration_number"], "ДИ-2026-001",
        "23:00 in Moscow is still 2026"
    );

    app.clock.set_now(instant("2026-12-31T21:30:00Z"));
    let v2 =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await
            .json()["id"]
            .as_str()
            .expect("v2")
            .to_string();
    edit_duty(&s.hr, &v2, "Принимает товар по количеству и качеству.").await;
    approve_through(&s, &v2).await;
    let w = s.hr.get(&format!("/api/v1/versions/{v2}/workflow")).await.json();
    assert_eq!(w["state"]["registration_number"], "ДИ-2027-001", "{w}");
    assert_eq!(w["state"]["effective_date"], "2027-01-01");
    let doc = s.hr.get(&format!("/api/v1/documents/{}", s.document)).await.json();
    assert_eq!(doc["review_date"], "2028-01-01");
    let acks =
        jobdesc::services::acknowledgements::of_versions(&mut app.conn(), std::slice::from_ref(&v2)).expect("acks");
    assert!(
        !acks.is_empty() && acks.iter().all(|a| a.due_date == date("2027-01-15")),
        "{acks:?}"
    );
}

/// A substitute period that ends "today" counts until Moscow's midnight, not UTC's.
async fn a_substitution_ending_today_in_moscow_still_holds(app: TestApp) {
    let s = moscow_story(&app).await;
    let deputy = app.api_as("deputy", "agreer");
    let named = |to: &str| json!({ "substitute_login": "deputy", "date_from": "2026-11-20", "date_to": to });
    // Ended on 1 December: yesterday in Moscow, though still today in UTC.
    let a = s.head.post("/api/v1/substitutes", named("2026-12-01")).await;
    assert_eq!(a.status, awc::http::StatusCode::CREATED, "{}", a.body);
    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{}/send", s.version), json!({}))
            .await
            .status,
        awc::http::StatusCode::OK
    );
    let visa = json!({ "decision": "agree", "comment": "" });
    let refused = deputy
        .post(&format!("/api/v1/versions/{}/visa", s.version), visa.clone())
        .await;
    assert_eq!(refused.json()["code"], "not_current_agreer", "{}", refused.body);
    // Ends on 2 December: today in Moscow.
    let a = s.head.post("/api/v1/substitutes", named("2026-12-02")).await;
    assert_eq!(a.status, awc::http::StatusCode::CREATED, "{}", a.body);
    let given = deputy.post(&format!("/api/v1/versions/{}/visa", s.version), visa).await;
    assert_eq!(given.status, awc::http::StatusCode::OK, "{}", given.body);
}

/// A new holder is asked with Moscow's date: an assignment that ended on
/// 1 December asks nobody, a current one is due fourteen days from 2 December.
async fn a_new_holder_is_asked_by_moscows_date(app: TestApp) {
    let s = moscow_story(&app).await;
    approve_through(&s, &s.version).await;
    let emp = |n: &str| json!({ "surname": "Новиков", "name": n, "patronymic": "Ильич", "personnel_number": n });
    let ended = s.hr.post("/api/v1/employees", emp("Пётр")).await.json()["id"].clone();
    let current = s.hr.post("/api/v1/employees", emp("Глеб")).await.json()["id"].clone();
    let assign = |e: &serde_json::Value, to: Option<&str>| json!({ "employee_id": e, "position_id": s.position, "date_from": "2026-11-01", "date_to": to });
    for (e, to) in [(&ended, Some("2026-12-01")), (&current, None)] {
        let a = s.hr.post("/api/v1/assignments", assign(e, to)).await;
        assert_eq!(a.status, awc::http::StatusCode::CREATED, "{}", a.body);
    }
    let acks = jobdesc::services::acknowledgements::of_versions(&mut app.conn(), std::slice::from_ref(&s.version))
        .expect("acks");
    assert!(
        !acks.iter().any(|a| json!(a.employee_id) == ended),
        "an ended assignment asks nobody"
    );
    let task = acks
        .iter()
        .find(|a| json!(a.employee_id) == current)
        .expect("the new holder is asked");
    assert_eq!(task.due_date, date("2026-12-16"));
}

at_instant_on_both_backends!("2026-12-01T21:30:00Z":
    an_evening_approval_carries_moscows_date,
    a_substitution_ending_today_in_moscow_still_holds,
    a_new_holder_is_asked_by_moscows_date,
);
at_instant_on_both_backends!("2026-12-31T20:00:00Z": the_new_year_starts_in_moscow);

/// The wall clock is read in `src/clock.rs` only (PDF metadata aside, which is UTC by
/// the PDF standard); tests take their dates from the app's clock.
#[test]
fn nothing_else_reads_the_wall_clock() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Spelled in two halves so this file does not match itself.
    let calls: Vec<String> = ["Utc::", "Local::", "SystemTime::", "OffsetDateTime::"]
        .iter()
        .flat_map(|t| [format!("{t}now()"), format!("{t}now_utc()")])
        .collect();
    let allowed =
        |path: &str, line: &str| path == "src/clock.rs" || (path == "src/pdf/mod.rs" && line.contains("metadata: UTC"));
    let mut found = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for path in rust_files(&root.join(dir)) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                if calls.iter().any(|c| line.contains(c.as_str())) && !allowed(&rel, line) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "read the time from the Clock instead:\n{}",
        found.join("\n")
    );
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

#[actix_web::test]
async fn the_test_clock_is_the_apps() {
    let Some(app) = TestApp::spawn_at(Backend::Sqlite, instant("2026-12-01T21:30:00Z")).await else {
        return;
    };
    assert_eq!(app.today(), date("2026-12-02"));
}

/// A time zone the clock cannot use stops the start instead of falling back to UTC.
async fn an_unknown_organisation_zone_is_a_startup_error(app: TestApp) {
    crate::authoring::set_organization(&app.api_as("hr", "hr")).await;
    app.sql("UPDATE organization SET time_zone = 'Mars/Olympus'");
    let clock = jobdesc::clock::Clock::system(chrono_tz::UTC);
    let err = jobdesc::startup::open_database(&app.settings, &clock).expect_err("refused");
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
}

crate::on_both_backends!(an_unknown_organisation_zone_is_a_startup_error);
