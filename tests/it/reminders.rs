//! Coverage and reminders (issue 14, point 7): a reminder reaches those who have not
//! signed as a notification, the overdue go to the head of the department, HR is told
//! whom to remind in person, and the list exports.

use awc::http::StatusCode;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{TestApp, Web, PASSWORD};
use crate::workflow::{approve_through, story, task_of};

async fn signed_in(app: &TestApp, login: &str) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login} signs in");
    web
}

fn id(a: &crate::helpers::Answer) -> String {
    assert!(a.status.is_success(), "{}: {}", a.status, a.body);
    a.json()["id"].as_str().expect("id").to_string()
}

async fn reminders_reach_people_and_the_overdue_reach_their_head(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    approve_through(&s, &v).await;
    // The head of the store holds the manager's position of the department, with an account.
    let chief = s.hr.get("/api/v1/positions").await.json()["items"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["title"] == "заведующий складом")
        .and_then(|p| p["id"].as_str())
        .expect("the chief's position")
        .to_string();
    let petrov = id(&s
        .hr
        .post(
            "/api/v1/employees",
            json!({ "surname": "Петров", "name": "Олег", "personnel_number": "P1" }),
        )
        .await);
    id(&s
        .hr
        .post(
            "/api/v1/assignments",
            json!({ "employee_id": petrov, "position_id": chief, "date_from": "2024-01-01" }),
        )
        .await);
    let admin = app.api_as("admin2", "admin");
    id(&admin
        .post(
            "/api/v1/users",
            json!({ "login": "petrov", "password": PASSWORD, "roles": ["employee"], "employee_id": petrov }),
        )
        .await);
    // Both acknowledgements are past their due date.
    {
        use jobdesc::db::schema::acknowledgements as ack;
        let past = app.today() - chrono::Duration::days(2);
        let mut pooled = app.conn();
        let conn: &mut jobdesc::db::DbConn = &mut pooled;
        let n = diesel::update(ack::table.filter(ack::version_id.eq(&v)))
            .set(ack::due_date.eq(past))
            .execute(conn)
            .expect("due dates moved");
        assert_eq!(n, 2);
    }

    let mut hr = signed_in(&app, "hr").await;
    let coverage = hr.get("/coverage").await;
    assert!(coverage.body.contains(&format!("/versions/{v}/remind")) && coverage.body.contains("Напомнить (2)"));
    assert!(
        coverage.body.contains("Должностей без утверждённой инструкции: 1"),
        "the chief's position has none"
    );
    assert!(!coverage.body.contains("2026-12-"), "dates as people write them");
    let a = hr.post(&format!("/versions/{v}/remind"), &[]).await;
    assert_eq!(a.header("location").as_deref(), Some("/coverage#message"));
    let page = hr.get("/coverage").await;
    assert!(
        page.body.contains("flash-warning"),
        "someone must be reminded in person"
    );
    assert!(page.body.contains("Напоминания отправлены: 1."), "{}", page.body);
    assert!(page.body.contains("Руководителю подразделения о просроченных: 2."));
    assert!(
        page.body.contains("напомните лично: Орлова Вера Петрович"),
        "{}",
        page.body
            .split("id=\"message\"")
            .nth(1)
            .unwrap_or_default()
            .split("</p>")
            .next()
            .unwrap_or_default()
    );

    let mut sokolov = signed_in(&app, "sokolov").await;
    let home = sokolov.get("/").await;
    let ack = task_of(&app, &v, &s.employee_id).id;
    assert!(
        home.body
            .contains("Напоминание: ознакомьтесь с должностной инструкцией «кладовщик»"),
        "{}",
        home.body
    );
    assert!(home.body.contains(&format!("href=\"/acknowledgements/{ack}\"")));
    let mut head = signed_in(&app, "petrov").await;
    let home = head.get("/").await;
    assert!(
        home.body.contains("Просрочено ознакомление: Соколов Илья Петрович"),
        "{}",
        home.body
    );
    assert!(home.body.contains("Просрочено ознакомление: Орлова Вера Петрович"));
    head.post("/notifications/read", &[]).await;
    let home = head.get("/").await;
    assert!(!home.body.contains("Просрочено ознакомление") && home.body.contains("отмечены прочитанными"));

    // The list exports for a spreadsheet.
    let csv = hr.get("/coverage?format=csv").await;
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert!(
        csv.body
            .contains("\"кладовщик\";\"1\";\"0\";\"0\";\"2\";\"Орлова Вера Петрович ("),
        "{}",
        csv.body
    );

    // Once everyone has signed there is nobody to remind, and the page says so.
    for employee in [&s.employee_id, &s.paper_employee_id] {
        let a = task_of(&app, &v, employee).id;
        let date = app.today().to_string();
        hr.post(
            &format!("/acknowledgements/{a}/paper"),
            &[("date", &date), ("note", "")],
        )
        .await;
    }
    hr.post(&format!("/versions/{v}/remind"), &[]).await;
    let page = hr.get("/coverage").await;
    assert!(page.body.contains("flash-refused") && page.body.contains("напоминать некому"));
    crate::feedback::every_log_code_is_in_words(&app);
}

crate::on_both_backends!(reminders_reach_people_and_the_overdue_reach_their_head);
