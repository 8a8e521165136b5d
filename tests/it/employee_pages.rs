//! The employee's side (issue 14, point 3): «Мои инструкции», each version with its PDF,
//! what changed since the signed version, and a menu without what does not concern them.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, Web, PASSWORD};
use crate::workflow::{approve_through, edit_duty, story, task_of};

async fn signed_in(app: &TestApp, login: &str) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login} signs in");
    web
}

async fn an_employee_finds_their_instructions_and_what_changed(app: TestApp) {
    let s = story(&app).await;
    let v1 = s.version.clone();
    approve_through(&s, &v1).await;
    let ack1 = task_of(&app, &v1, &s.employee_id).id;
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{ack1}/sign"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let mut me = signed_in(&app, "sokolov").await;
    let home = me.get("/").await;
    assert!(
        home.body.contains("<a href=\"/my\">кладовщик</a>"),
        "the position leads to the instructions"
    );
    let nav = |page: &str| {
        page.split("<nav>")
            .nth(1)
            .and_then(|r| r.split("</nav>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(nav(&home.body).contains("href=\"/my\""), "in the menu row");
    // The head of a department also agrees: their own instructions sit under their login.
    app.sql(&format!(
        "UPDATE users SET employee_id = '{}' WHERE login = 'head'",
        s.paper_employee_id
    ));
    let mut head = signed_in(&app, "head").await;
    let page = head.get("/").await;
    assert!(!nav(&page.body).contains("href=\"/my\""), "not in the work menu");
    assert!(
        page.body
            .split("user-menu")
            .nth(1)
            .is_some_and(|m| m.contains("href=\"/my\"")),
        "under the login"
    );
    assert!(
        !home.body.contains("href=\"/substitutes\""),
        "a plain employee has nothing to hand over"
    );
    let my = me.get("/my").await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(
        my.body.contains("кладовщик") && my.body.contains("действует"),
        "{}",
        my.body
    );
    assert!(my.body.contains("Ознакомлен(а)"), "the signature is shown");
    assert!(my.body.contains(&format!("/my/versions/{v1}/pdf")));
    let pdf = me.get(&format!("/my/versions/{v1}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    let page = me.get(&format!("/my/versions/{v1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("«___»"), "the stamp is filled in: {}", page.body);
    assert!(!page.body.contains("id=\"changes\""), "nothing signed before this one");

    // A new revision with one duty changed, approved: the employee is told what changed.
    let r =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await;
    assert!(r.status.is_success(), "{}", r.body);
    let v2 = r.json()["id"].as_str().expect("new version").to_string();
    let e = edit_duty(&s.hr, &v2, "Ведёт складской учёт в программе 1С.").await;
    assert!(e.status.is_success(), "{}", e.body);
    approve_through(&s, &v2).await;
    let my = me.get("/my").await;
    assert!(
        my.body
            .contains("Инструкция изменилась после того, как вы её подписали"),
        "{}",
        my.body
    );
    assert!(my.body.contains(&format!("/my/versions/{v2}#changes")));
    let page = me.get(&format!("/my/versions/{v2}")).await;
    assert!(page.body.contains("id=\"changes\""));
    assert!(
        page.body.contains("<ins>") && page.body.contains("1С"),
        "the new words are marked"
    );
    let ack2 = task_of(&app, &v2, &s.employee_id).id;
    let page = me.get(&format!("/acknowledgements/{ack2}")).await;
    assert!(page.body.contains("вы подписывали редакцию 1"), "{}", page.body);
    assert!(
        page.body.contains("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ") && page.body.contains("кладовщика"),
        "title"
    );
    // The old version stays readable, marked as replaced, with a link to the one in force.
    let old = me.get(&format!("/my/versions/{v1}")).await;
    assert!(old.body.contains("заменена новой редакцией") && old.body.contains(&format!("/my/versions/{v2}")));

    // Someone who does not hold the position reads none of it.
    let admin = app.api_as("admin2", "admin");
    let other = admin
        .post(
            "/api/v1/employees",
            json!({ "surname": "Иванов", "name": "Пётр", "personnel_number": "77" }),
        )
        .await;
    let other_id = other.json()["id"].as_str().expect("employee").to_string();
    let u = admin
        .post(
            "/api/v1/users",
            json!({ "login": "ivanov", "password": PASSWORD, "roles": ["employee"], "employee_id": other_id }),
        )
        .await;
    assert!(u.status.is_success(), "{}", u.body);
    let mut stranger = signed_in(&app, "ivanov").await;
    assert_eq!(
        stranger.get(&format!("/my/versions/{v1}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        stranger.get(&format!("/my/versions/{v1}/pdf")).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(stranger.get("/my").await.body.contains("пока нет утверждённых"));
}

crate::on_both_backends!(an_employee_finds_their_instructions_and_what_changed);
