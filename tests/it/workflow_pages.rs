//! The workflow through the HTML forms: send, visas, approval, signing, register, coverage.

use awc::http::StatusCode;

use crate::helpers::{TestApp, Web, PASSWORD};
use crate::workflow::story;

async fn signed_in(app: &TestApp, login: &str) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login} signs in");
    web
}

async fn the_story_through_the_forms(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let mut hr = signed_in(&app, "hr").await;
    let page = hr.get(&format!("/versions/{v}")).await;
    assert!(page.body.contains("Отправить на согласование"));
    let a = hr.post(&format!("/versions/{v}/send"), &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    let mut head = signed_in(&app, "head").await;
    let home = head.get("/").await;
    assert!(
        home.body.contains(&format!("/versions/{v}#workflow")),
        "the visa waits on the dashboard"
    );
    let page = head.get(&format!("/versions/{v}")).await;
    assert!(page.body.contains("id=\"visa\"") && page.body.contains("Ваша виза"));
    let a = head
        .post(
            &format!("/versions/{v}/visa"),
            &[("decision", "agree_with_remarks"), ("comment", "Замечания прилагаются")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    // Double submission of the same form: the second does nothing and says why.
    head.post(
        &format!("/versions/{v}/visa"),
        &[("decision", "agree"), ("comment", "")],
    )
    .await;
    let page = head.get(&format!("/versions/{v}")).await;
    assert!(
        page.body.contains("Сейчас визу дают другие") || page.body.contains("уже дали визу"),
        "refusal explained"
    );

    let mut lawyer = signed_in(&app, "lawyer").await;
    lawyer
        .post(
            &format!("/versions/{v}/visa"),
            &[("decision", "agree"), ("comment", "")],
        )
        .await;
    // The director's account belongs to an employee (any will do for the test).
    app.sql(&format!(
        "UPDATE users SET employee_id = '{}' WHERE login = 'director'",
        s.paper_employee_id
    ));
    let mut director = signed_in(&app, "director").await;
    let page = director.get(&format!("/versions/{v}")).await;
    assert!(page.body.contains("Утвердить"));
    let a = director
        .post(
            &format!("/versions/{v}/approve"),
            &[("effective_date", &app.today().to_string())],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = director.get(&format!("/versions/{v}")).await;
    assert!(page.body.contains("утверждена"), "{}", page.body);
    assert!(
        page.body.contains("(Орлова Вера Петрович, Кладовщик)"),
        "the approver by name and position, not login"
    );
    assert!(page.body.contains("Согласовано с замечаниями"));

    let mut emp = signed_in(&app, "sokolov").await;
    let home = emp.get("/").await;
    let marker = "/acknowledgements/";
    let at = home
        .body
        .find(marker)
        .expect("an acknowledgement task on the dashboard")
        + marker.len();
    let ack = home.body[at..].split('"').next().unwrap_or_default().to_string();
    let page = emp.get(&format!("/acknowledgements/{ack}")).await;
    assert!(page.body.contains("Я ознакомлен(а)"));
    let a = emp
        .post(&format!("/acknowledgements/{ack}/sign"), &[("password", "not mine")])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(emp
        .get(&format!("/acknowledgements/{ack}"))
        .await
        .body
        .contains("Неверный пароль"));
    emp.post(&format!("/acknowledgements/{ack}/sign"), &[("password", PASSWORD)])
        .await;
    let page = emp.get(&format!("/acknowledgements/{ack}")).await;
    assert!(page.body.contains("Подписано простой электронной подписью"));
    let evidence = emp.get(&format!("/acknowledgements/{ack}/evidence")).await;
    assert!(evidence.body.contains("Запись не изменялась"));

    let coverage = hr.get("/coverage").await;
    assert!(coverage.body.contains("<svg") && coverage.body.contains("кладовщик"));
    assert!(
        coverage.body.contains("Орлова"),
        "the one who has not signed is listed to remind"
    );
    let a = hr.post(&format!("/documents/{}/revisions", s.document), &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(a.header("location").unwrap_or_default().starts_with("/versions/"));
    let register = hr.get(&format!("/documents/{}/register", s.document)).await;
    assert!(register.body.contains("Лист регистрации изменений"));
}

async fn routes_and_substitutes_through_forms(app: TestApp) {
    let s = story(&app).await;
    let mut hr = signed_in(&app, "hr").await;
    // People are picked, not typed: agreers ticked per stage, the approver chosen.
    let form = hr.get(&format!("/departments/{}/route", s.department)).await;
    assert!(
        form.body.contains("name=\"stage1\" value=\"head\" checked"),
        "the route so far is ticked"
    );
    assert!(
        form.body.contains("name=\"stage2\" value=\"head\""),
        "an empty stage to add"
    );
    assert!(form.body.contains("<option value=\"director\" selected>"));
    assert!(!form.body.contains("<textarea"), "no logins to type");
    assert!(
        !form.body.contains("value=\"hr\""),
        "only agreers and approvers are offered: {}",
        form.body
    );
    let a = hr
        .post(
            &format!("/departments/{}/route", s.department),
            &[("stage1", "head"), ("stage2", "nobody"), ("approver", "director")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Выбранная запись не существует"));
    assert!(
        a.body.contains("name=\"stage1\" value=\"head\" checked"),
        "the choice is kept"
    );
    let a = hr
        .post(
            &format!("/departments/{}/route", s.department),
            &[
                ("stage1", "lawyer"),
                ("stage1", "head"),
                ("stage2", ""),
                ("approver", "director"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let form = hr.get(&format!("/departments/{}/route", s.department)).await;
    assert!(
        form.body.contains("name=\"stage1\" value=\"lawyer\" checked")
            && form.body.contains("name=\"stage1\" value=\"head\" checked"),
        "two agreers in parallel"
    );
    let a = hr
        .post(
            &format!("/versions/{}/route", s.version),
            &[("stage1", "head"), ("stage2", "lawyer"), ("approver", "hr")],
        )
        .await;
    assert!(
        a.body.contains("нет нужной роли"),
        "the approver must hold the approver role"
    );

    let mut head = signed_in(&app, "head").await;
    let a = head
        .post(
            "/substitutes",
            &[
                ("substitute_login", "lawyer"),
                ("date_from", "2026-01-01"),
                ("date_to", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = head.get("/substitutes").await;
    assert!(page.body.contains("lawyer"));
}

crate::on_both_backends!(the_story_through_the_forms, routes_and_substitutes_through_forms);
