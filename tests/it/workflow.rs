//! The workflow on both backends: the demo story end to end, every invariant of
//! DESIGN.md section 4, and concurrent requests.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::authoring::{set_organization, template_id};
use crate::helpers::{Answer, Api, TestApp, PASSWORD};

/// Everyone of the story, with a position held by two employees.
pub struct Story {
    pub hr: Api,
    pub head: Api,
    pub lawyer: Api,
    pub director: Api,
    pub employee: Api,
    pub employee_id: String,
    pub paper_employee_id: String,
    pub department: String,
    pub position: String,
    pub document: String,
    pub version: String,
}

fn id(a: &Answer) -> String {
    assert!(a.status.is_success(), "{}: {}", a.status, a.body);
    a.json()["id"].as_str().expect("id").to_string()
}

fn code(a: &Answer) -> String {
    a.json()["code"].as_str().unwrap_or("").to_string()
}

pub async fn story(app: &TestApp) -> Story {
    let hr = app.api_as("hr", "hr");
    set_organization(&hr).await;
    let department = id(&hr.post("/api/v1/departments", json!({ "name": "Склад" })).await);
    let chief = id(&hr
        .post("/api/v1/positions", json!({ "title": "заведующий складом", "title_genitive": "заведующего складом", "category": "manager", "department_id": department }))
        .await);
    let position = id(&hr
        .post("/api/v1/positions", json!({ "title": "кладовщик", "title_genitive": "кладовщика", "category": "worker", "department_id": department, "reports_to_id": chief }))
        .await);
    let head = app.api_as("head", "agreer employee");
    let lawyer = app.api_as("lawyer", "agreer");
    let director = app.api_as("director", "approver");
    let emp = |s: &str, n: &str| json!({ "surname": s, "name": n, "patronymic": "Петрович", "personnel_number": format!("{s}{n}") });
    let employee_id = id(&hr.post("/api/v1/employees", emp("Соколов", "Илья")).await);
    let paper_employee_id = id(&hr.post("/api/v1/employees", emp("Орлова", "Вера")).await);
    for e in [&employee_id, &paper_employee_id] {
        id(&hr
            .post(
                "/api/v1/assignments",
                json!({ "employee_id": e, "position_id": position, "date_from": "2024-01-10" }),
            )
            .await);
    }
    // The employee's own account.
    let admin = app.api_as("admin", "admin");
    id(&admin
        .post(
            "/api/v1/users",
            json!({ "login": "sokolov", "password": PASSWORD, "roles": ["employee"], "employee_id": employee_id }),
        )
        .await);
    let token = Api::new(&app.base, None)
        .post(
            "/api/v1/auth/token",
            json!({ "login": "sokolov", "password": PASSWORD }),
        )
        .await
        .json()["token"]
        .as_str()
        .expect("token")
        .to_string();
    let employee = Api::new(&app.base, Some(token));
    let route = hr
        .put(
            &format!("/api/v1/departments/{department}/route"),
            json!({ "stages": [["head"], ["lawyer"]], "approver": "director" }),
        )
        .await;
    assert_eq!(route.status, StatusCode::OK, "{}", route.body);
    let t = template_id(&hr, "worker").await;
    let d = hr
        .post(
            "/api/v1/documents",
            json!({ "position_id": position, "template_id": t }),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let document = d.json()["id"].as_str().expect("doc").to_string();
    let version = d.json()["versions"][0]["id"].as_str().expect("v").to_string();
    Story {
        hr,
        head,
        lawyer,
        director,
        employee,
        employee_id,
        paper_employee_id,
        department,
        position,
        document,
        version,
    }
}

async fn status(api: &Api, v: &str) -> String {
    api.get(&format!("/api/v1/versions/{v}/workflow")).await.json()["state"]["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

async fn visa(api: &Api, v: &str, decision: &str, comment: &str) -> Answer {
    api.post(
        &format!("/api/v1/versions/{v}/visa"),
        json!({ "decision": decision, "comment": comment }),
    )
    .await
}

/// Edits the first duty of a version (as HR) and returns nothing.
pub async fn edit_duty(api: &Api, v: &str, text: &str) -> Answer {
    let view = api.get(&format!("/api/v1/versions/{v}")).await.json();
    let duty = view["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["section"] == "duties")
        .cloned()
        .expect("a duty");
    api.put(
        &format!("/api/v1/versions/{v}/clauses/{}", duty["id"].as_str().unwrap_or("")),
        json!({ "text": text, "expected_revision": view["revision"] }),
    )
    .await
}

/// Sends `v` for agreement and has both agreers agree: it waits for approval.
pub async fn agree_through(s: &Story, v: &str) {
    let sent = s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(visa(&s.head, v, "agree", "").await.status, StatusCode::OK);
    assert_eq!(visa(&s.lawyer, v, "agree", "").await.status, StatusCode::OK);
}

pub async fn approve_through(s: &Story, v: &str) {
    agree_through(s, v).await;
    let a = s
        .director
        .post(&format!("/api/v1/versions/{v}/approve"), json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

async fn acks_of(app: &TestApp, version: &str) -> Vec<jobdesc::services::acknowledgements::Acknowledgement> {
    jobdesc::services::acknowledgements::of_versions(&mut app.conn(), &[version.to_string()]).expect("acks")
}

/// The acknowledgement task of one employee for a version.
pub fn task_of(
    app: &TestApp,
    version: &str,
    employee_id: &str,
) -> jobdesc::services::acknowledgements::Acknowledgement {
    jobdesc::services::acknowledgements::of_versions(&mut app.conn(), &[version.to_string()])
        .expect("acks")
        .into_iter()
        .find(|a| a.employee_id == employee_id)
        .expect("the employee's task")
}

async fn the_demo_story_end_to_end(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    // Sending needs the checks to pass: they do for a shipped template with the organisation set.
    let a = s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["status"], "in_agreement");
    let inbox = s.head.get("/api/v1/inbox").await.json();
    assert_eq!(inbox[0]["kind"], "visa", "{inbox}");
    assert_eq!(
        s.lawyer.get("/api/v1/inbox").await.json(),
        json!([]),
        "stage 2 is not asked yet"
    );
    // The second stage cannot act first.
    assert_eq!(code(&visa(&s.lawyer, &v, "agree", "").await), "not_current_agreer");
    // Stage 1 agrees with remarks, stage 2 rejects.
    assert_eq!(
        visa(&s.head, &v, "agree_with_remarks", "п. 4.2 уточнить").await.status,
        StatusCode::OK
    );
    assert_eq!(code(&visa(&s.lawyer, &v, "reject", "").await), "comment_required");
    let a = visa(&s.lawyer, &v, "reject", "Не указан порядок инвентаризации").await;
    assert_eq!(a.json()["status"], "draft");
    // HR fixes and sends again: a new round, every stage agrees again.
    assert_eq!(
        edit_duty(
            &s.hr,
            &v,
            "Участвует в инвентаризации в порядке, установленном приказом."
        )
        .await
        .status,
        StatusCode::OK
    );
    approve_through(&s, &v).await;
    let w = s.hr.get(&format!("/api/v1/versions/{v}/workflow")).await.json();
    let st = &w["state"];
    assert_eq!(st["status"], "approved");
    assert_eq!(st["round"], 2);
    let year = app.today().format("%Y").to_string();
    assert_eq!(st["registration_number"], format!("ДИ-{year}-001"));
    assert_eq!(st["content_hash"].as_str().map(str::len), Some(64));
    let doc = s.hr.get(&format!("/api/v1/documents/{}", s.document)).await.json();
    assert!(doc["review_date"].is_string(), "a review date is set");
    assert_eq!(doc["registration_number"], st["registration_number"]);

    // Both holders are asked to acknowledge.
    let acks = acks_of(&app, &v).await;
    assert_eq!(acks.len(), 2);
    let mine = s.employee.get("/api/v1/acknowledgements").await.json();
    let ack = mine[0]["id"].as_str().expect("ack").to_string();
    assert_eq!(mine[0]["content_hash"], st["content_hash"]);
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{ack}/sign"),
            json!({ "password": "wrong" }),
        )
        .await;
    assert_eq!(code(&a), "bad_password");
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{ack}/sign"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["method"], "electronic");
    assert!(a.json()["ip"].as_str().is_some_and(|ip| ip.starts_with("127.")));
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{ack}/sign"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(code(&a), "already_signed", "nothing recorded twice");
    let paper = acks
        .iter()
        .find(|a| a.employee_id == s.paper_employee_id)
        .expect("paper task")
        .id
        .clone();
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{paper}/sign"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(code(&a), "not_your_task");
    let today = app.today().to_string();
    let a =
        s.hr.post(
            &format!("/api/v1/acknowledgements/{paper}/paper"),
            json!({ "date": today, "note": "лист №1" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let e =
        s.hr.get(&format!("/api/v1/acknowledgements/{ack}/evidence"))
            .await
            .json();
    assert_eq!(
        (e["seal_valid"].clone(), e["content_matches"].clone()),
        (json!(true), json!(true))
    );
    let cov = s.hr.get("/api/v1/coverage").await.json();
    let line = &cov["items"][0];
    assert_eq!(cov["total"], json!(1));
    assert_eq!(
        (
            line["figures"]["acknowledged"].clone(),
            line["figures"]["pending"].clone()
        ),
        (json!(2), json!(0))
    );

    // A new revision: approved, superseding version 1, registered, everyone asked again.
    let a =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let v2 = a.json()["id"].as_str().expect("v2").to_string();
    assert_eq!(
        edit_duty(&s.hr, &v2, "Принимает товар по количеству и качеству.")
            .await
            .status,
        StatusCode::OK
    );
    approve_through(&s, &v2).await;
    assert_eq!(status(&s.hr, &v).await, "superseded");
    let register =
        s.hr.get(&format!("/api/v1/documents/{}/register", s.document))
            .await
            .json();
    assert_eq!(register.as_array().map(Vec::len), Some(1), "{register}");
    let lines = register[0]["content"].to_string();
    assert!(
        lines.contains("изложить в новой редакции") && lines.contains("Принимает товар"),
        "{lines}"
    );
    assert_eq!(register[0]["registration_number"], format!("ДИ-{year}-002"));
    assert_eq!(acks_of(&app, &v2).await.len(), 2, "a new approved version asks again");
    let old = s.employee.get("/api/v1/acknowledgements").await.json();
    assert!(old
        .as_array()
        .expect("acks")
        .iter()
        .any(|a| a["version_status"] == "superseded"));
    // The register page renders the row.
    let mut web = app.web_as("hr-web", "hr").await;
    let page = web.get(&format!("/documents/{}/register", s.document)).await;
    assert!(page.body.contains("изложить в новой редакции"));
    let verdict = s.hr.get("/api/v1/log/verify").await.json();
    assert_eq!(verdict["intact"], true);
    crate::feedback::every_log_code_is_in_words(&app);
}

async fn only_the_right_people_act_at_the_right_time(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let outsider = app.api_as("outsider", "agreer");
    assert_eq!(
        code(&visa(&s.head, &v, "agree", "").await),
        "wrong_status",
        "no visa on a draft"
    );
    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        code(&s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await),
        "wrong_status",
        "sent once"
    );
    assert_eq!(code(&visa(&outsider, &v, "agree", "").await), "not_current_agreer");
    assert_eq!(
        code(
            &s.director
                .post(&format!("/api/v1/versions/{v}/approve"), json!({}))
                .await
        ),
        "wrong_status"
    );
    assert_eq!(visa(&s.head, &v, "agree", "").await.status, StatusCode::OK);
    assert_eq!(code(&visa(&s.head, &v, "agree", "").await), "already_acted");
    assert_eq!(visa(&s.lawyer, &v, "agree", "").await.status, StatusCode::OK);
    let hr_admin = app.api_as("hr-approver", "hr approver");
    assert_eq!(
        code(&hr_admin.post(&format!("/api/v1/versions/{v}/approve"), json!({})).await),
        "not_approver"
    );
    let yesterday = (app.today() - chrono::Duration::days(2)).to_string();
    let a = s
        .director
        .post(
            &format!("/api/v1/versions/{v}/approve"),
            json!({ "effective_date": yesterday }),
        )
        .await;
    assert_eq!(a.json()["errors"][0]["code"], "date_in_past");
    assert_eq!(
        code(
            &s.director
                .post(&format!("/api/v1/versions/{v}/reject"), json!({}))
                .await
        ),
        "comment_required"
    );
    let a = s
        .director
        .post(
            &format!("/api/v1/versions/{v}/reject"),
            json!({ "comment": "Добавить раздел о взаимоотношениях" }),
        )
        .await;
    assert_eq!(a.json()["status"], "draft");
    // Sending is refused while the checks report errors.
    let view = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    let duty = view["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["section"] == "duties")
        .cloned()
        .expect("duty");
    s.hr.put(
        &format!("/api/v1/versions/{v}/clauses/{}", duty["id"].as_str().unwrap_or("")),
        json!({ "text": "Работает с [значение].", "expected_revision": view["revision"] }),
    )
    .await;
    assert_eq!(
        code(&s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await),
        "checks_failed"
    );
}

async fn an_edit_in_agreement_returns_to_draft_and_voids_visas(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    assert_eq!(visa(&s.head, &v, "agree", "").await.status, StatusCode::OK);
    assert_eq!(
        edit_duty(&s.hr, &v, "Новый текст обязанности.").await.status,
        StatusCode::OK
    );
    assert_eq!(status(&s.hr, &v).await, "draft");
    let log = jobdesc::services::journal::recent(&mut app.conn(), Some(&v), 5).expect("log");
    assert!(
        log.iter().any(|e| e.action == "returned_to_draft"),
        "the return is logged with the edit"
    );
    s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    let inbox = s.head.get("/api/v1/inbox").await.json();
    assert_eq!(inbox[0]["kind"], "visa", "the earlier visa no longer counts: {inbox}");
    assert_eq!(code(&visa(&s.lawyer, &v, "agree", "").await), "not_current_agreer");
}

async fn an_approved_version_is_immutable(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let a = edit_duty(&s.hr, &s.version, "Попытка изменить утверждённый текст.").await;
    assert_eq!(code(&a), "version_not_editable");
    let w =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json();
    let hash = w["state"]["content_hash"].clone();
    let (recomputed, _) = jobdesc::services::canonical::content_hash(
        &mut app.conn(),
        &s.version,
        w["state"]["registration_number"].as_str().unwrap_or(""),
        app.today(),
        chrono::NaiveDate::parse_from_str(w["state"]["effective_date"].as_str().unwrap_or(""), "%Y-%m-%d")
            .expect("date"),
    )
    .expect("hash");
    assert_eq!(json!(recomputed), hash, "the stored hash is the canonical content's");
    let a =
        s.hr.post(
            &format!("/api/v1/versions/{}/withdraw", s.version),
            json!({ "comment": "Должность сокращена" }),
        )
        .await;
    assert_eq!(a.json()["status"], "withdrawn");
    let ack = acks_of(&app, &s.version)
        .await
        .into_iter()
        .find(|a| a.employee_id == s.employee_id)
        .expect("task");
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{}/sign", ack.id),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(code(&a), "version_not_in_force");
}

async fn a_substitute_acts_in_the_name_and_both_are_recorded(app: TestApp) {
    let s = story(&app).await;
    let deputy = app.api_as("deputy", "agreer");
    let today = app.today();
    let a = s
        .head
        .post("/api/v1/substitutes", json!({ "substitute_login": "deputy", "date_from": (today - chrono::Duration::days(1)).to_string(), "date_to": (today + chrono::Duration::days(7)).to_string() }))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let a = s
        .head
        .post(
            "/api/v1/substitutes",
            json!({ "substitute_login": "head", "date_from": "2026-01-01", "date_to": "2026-01-02" }),
        )
        .await;
    assert_eq!(a.json()["errors"][0]["code"], "self_substitute");
    s.hr.post(&format!("/api/v1/versions/{}/send", s.version), json!({}))
        .await;
    let inbox = deputy.get("/api/v1/inbox").await.json();
    assert_eq!(inbox[0]["kind"], "visa", "the substitute sees the task: {inbox}");
    assert!(inbox[0]["on_behalf_of"].is_string());
    let a = visa(&deputy, &s.version, "agree", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let e = jobdesc::services::journal::recent(&mut app.conn(), Some(&s.version), 1)
        .expect("log")
        .remove(0);
    let after: Value = serde_json::from_str(e.after_json.as_deref().unwrap_or("{}")).expect("json");
    assert_ne!(after["user_id"], after["acted_by"], "the record shows both: {after}");
    assert_eq!(e.actor, "deputy");
    assert_eq!(
        code(&visa(&s.head, &s.version, "agree", "").await),
        "already_acted",
        "the visa was given in the head's name"
    );
}

async fn editorial_revisions_ask_nobody_again(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let v2 = id(&s
        .hr
        .post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
        .await);
    // A change of duties cannot be editorial.
    edit_duty(&s.hr, &v2, "Изменённая обязанность.").await;
    assert_eq!(
        code(
            &s.hr
                .post(
                    &format!("/api/v1/versions/{v2}/editorial"),
                    json!({ "editorial": true })
                )
                .await
        ),
        "not_editorial"
    );
    // Start over with a change of general provisions only.
    app.sql(&format!(
        "UPDATE jd_version_texts SET content = (SELECT content FROM jd_version_texts WHERE version_id = '{}') WHERE version_id = '{v2}'",
        s.version
    ));
    let view = s.hr.get(&format!("/api/v1/versions/{v2}")).await.json();
    let general = view["clauses"][0]["id"].as_str().expect("c").to_string();
    let a = s.hr.put(&format!("/api/v1/versions/{v2}/clauses/{general}"), json!({ "text": "Настоящая инструкция определяет обязанности кладовщика.", "expected_revision": view["revision"] })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a =
        s.hr.post(
            &format!("/api/v1/versions/{v2}/editorial"),
            json!({ "editorial": true }),
        )
        .await;
    assert_eq!(a.json()["editorial"], true, "{}", a.body);
    approve_through(&s, &v2).await;
    assert!(acks_of(&app, &v2).await.is_empty(), "an editorial revision asks nobody");
    let register =
        s.hr.get(&format!("/api/v1/documents/{}/register", s.document))
            .await
            .json();
    assert_eq!(register[0]["editorial"], true);
}

/// Holders and a new holder alike get the configured period, not a constant.
async fn a_new_holder_is_asked(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, crate::helpers::start_instant(), |l| {
        l.acknowledge_days = Some(30);
    })
    .await
    else {
        return;
    };
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let newcomer = id(&s
        .hr
        .post(
            "/api/v1/employees",
            json!({ "surname": "Новиков", "name": "Павел", "personnel_number": "N-1" }),
        )
        .await);
    let today = app.today().to_string();
    id(&s
        .hr
        .post(
            "/api/v1/assignments",
            json!({ "employee_id": newcomer, "position_id": s.position, "date_from": today }),
        )
        .await);
    let acks = acks_of(&app, &s.version).await;
    let task = acks
        .iter()
        .find(|a| a.employee_id == newcomer)
        .expect("the new holder got a task");
    let period = app.today() + chrono::Duration::days(30);
    assert_eq!(task.due_date, period, "the configured period from the first day");
    assert!(
        acks.iter().all(|a| a.due_date == period),
        "everyone has the same period"
    );
    let _ = &s.department;
}

/// Who sent and who approved are stored as user ids: a changed login shows as the new one.
async fn sender_and_approver_are_stored_by_id(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let w =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json();
    let director = app.user_id("director");
    assert_eq!(w["state"]["approved_by"], director.as_str(), "{w}");
    assert_eq!(w["state"]["sent_by"], app.user_id("hr").as_str(), "{w}");
    let admin = app.api_as_existing("admin");
    let renamed = admin
        .put(
            &format!("/api/v1/users/{director}"),
            json!({ "login": "gendirector", "roles": ["approver"] }),
        )
        .await;
    assert!(renamed.status.is_success(), "{}", renamed.body);
    let mut web = app.web_as("hr.viewer", "hr").await;
    let page = web.get(&format!("/versions/{}", s.version)).await;
    assert!(page.body.contains("(gendirector)"), "the approver under the new login");
}

async fn concurrent_requests_record_nothing_twice_and_lose_nothing(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let second = app.api_as("second", "agreer");
    s.hr.put(
        &format!("/api/v1/versions/{v}/route"),
        json!({ "stages": [["head", "second"]], "approver": "director" }),
    )
    .await;
    s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    // The same agreer twice at once: one visa.
    let (a, b) = futures_util::join!(visa(&s.head, &v, "agree", ""), visa(&s.head, &v, "agree", ""));
    let oks = [a.status, b.status].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(oks, 1, "{} / {}", a.body, b.body);
    // The parallel agreer meanwhile: both visas stand, the approver is asked.
    assert_eq!(visa(&second, &v, "agree", "").await.status, StatusCode::OK);
    assert_eq!(status(&s.hr, &v).await, "awaiting_approval");
    // The approver approves while HR edits: exactly one wins.
    let approve_url = format!("/api/v1/versions/{v}/approve");
    let (approve, edit) = futures_util::join!(
        s.director.post(&approve_url, json!({})),
        edit_duty(&s.hr, &v, "Правка во время утверждения.")
    );
    let wins = [approve.status, edit.status]
        .iter()
        .filter(|s| **s == StatusCode::OK)
        .count();
    assert_eq!(wins, 1, "approve {} / edit {}", approve.body, edit.body);
    let final_status = status(&s.hr, &v).await;
    if approve.status == StatusCode::OK {
        assert_eq!(final_status, "approved");
    } else {
        assert_eq!(final_status, "draft");
    }
    let verdict = s.hr.get("/api/v1/log/verify").await.json();
    assert_eq!(verdict["intact"], true);
    // Two signatures of one task at once: one record.
    if approve.status == StatusCode::OK {
        let ack = acks_of(&app, &v)
            .await
            .into_iter()
            .find(|a| a.employee_id == s.employee_id)
            .expect("task");
        let url = format!("/api/v1/acknowledgements/{}/sign", ack.id);
        let (a, b) = futures_util::join!(
            s.employee.post(&url, json!({ "password": PASSWORD })),
            s.employee.post(&url, json!({ "password": PASSWORD }))
        );
        assert_eq!([a.status, b.status].iter().filter(|s| **s == StatusCode::OK).count(), 1);
    }
}

async fn a_tampered_acknowledgement_is_detected(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let ack = acks_of(&app, &s.version)
        .await
        .into_iter()
        .find(|a| a.employee_id == s.employee_id)
        .expect("task");
    s.employee
        .post(
            &format!("/api/v1/acknowledgements/{}/sign", ack.id),
            json!({ "password": PASSWORD }),
        )
        .await;
    app.sql(&format!(
        "UPDATE acknowledgements SET ip = '10.1.2.3' WHERE id = '{}'",
        ack.id
    ));
    let e =
        s.hr.get(&format!("/api/v1/acknowledgements/{}/evidence", ack.id))
            .await
            .json();
    assert_eq!(e["seal_valid"], false);
    let other = app.api_as("nosy", "employee");
    assert_eq!(
        other
            .get(&format!("/api/v1/acknowledgements/{}/evidence", ack.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

crate::on_both_backends!(
    the_demo_story_end_to_end,
    only_the_right_people_act_at_the_right_time,
    an_edit_in_agreement_returns_to_draft_and_voids_visas,
    an_approved_version_is_immutable,
    a_substitute_acts_in_the_name_and_both_are_recorded,
    editorial_revisions_ask_nobody_again,
    concurrent_requests_record_nothing_twice_and_lose_nothing,
    sender_and_approver_are_stored_by_id,
    a_tampered_acknowledgement_is_detected,
);

crate::per_backend!(a_new_holder_is_asked);
