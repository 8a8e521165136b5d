//! The HTML pages: CRUD through forms, validation messages, escaping, navigation by role.

use awc::http::StatusCode;

use crate::helpers::TestApp;

fn location(a: &crate::helpers::Answer) -> String {
    a.header("location").unwrap_or_default()
}

async fn departments_through_forms(app: TestApp) {
    let mut web = app.web_as("hr1", "hr").await;
    let form = web.get("/departments/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"name\""));

    // An empty name: the form comes back with the message, nothing is stored.
    let before = app.log_len();
    let a = web.post("/departments", &[("name", ""), ("parent_id", "")]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Обязательное поле."), "{}", a.body);
    assert_eq!(app.log_len(), before);

    let a = web
        .post("/departments", &[("name", "Отдел кадров"), ("parent_id", "")])
        .await;
    assert_eq!(
        (a.status, location(&a)),
        (StatusCode::SEE_OTHER, "/departments".to_string())
    );
    let list = web.get("/departments").await;
    assert!(list.body.contains("Отдел кадров"));
    assert!(list.body.contains("Сохранено."), "flash shown once");
    assert!(!web.get("/departments").await.body.contains("Сохранено."));

    let id = jobdesc::services::departments::all(&mut app.conn()).expect("all")[0]
        .id
        .clone();
    let edit = web.get(&format!("/departments/{id}")).await;
    assert!(edit.body.contains("value=\"Отдел кадров\""));
    let a = web
        .post(
            &format!("/departments/{id}"),
            &[("name", "Отдел персонала"), ("parent_id", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(web.get("/departments").await.body.contains("Отдел персонала"));

    // A unit with a position cannot be deleted: the list says why.
    let pos = web
        .post(
            "/positions",
            &[
                ("title", "инспектор"),
                ("title_genitive", "инспектора"),
                ("category", "specialist"),
                ("department_id", &id),
            ],
        )
        .await;
    assert_eq!(pos.status, StatusCode::SEE_OTHER, "{}", pos.body);
    let a = web.post(&format!("/departments/{id}/delete"), &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let list = web.get("/departments").await;
    assert!(list.body.contains("В подразделении есть должности"), "{}", list.body);
    assert!(list.body.contains("Отдел персонала"));
}

async fn clause_like_text_is_escaped_everywhere(app: TestApp) {
    let mut web = app.web_as("hr1", "hr").await;
    let evil = "<script>alert('x')</script>";
    let a = web.post("/departments", &[("name", evil), ("parent_id", "")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let list = web.get("/departments").await;
    assert!(!list.body.contains(evil), "raw markup must not reach the page");
    assert!(list.body.contains("&lt;script&gt;"));
    let csp = list.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

async fn users_form_with_roles(app: TestApp) {
    let mut web = app.web_as("root", "admin").await;
    let a = web
        .post(
            "/users",
            &[("login", "new.user"), ("password", "short"), ("roles", "hr")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("не короче 8"));
    assert!(!a.body.contains("value=\"short\""), "passwords are never echoed");
    let a = web
        .post(
            "/users",
            &[
                ("login", "new.user"),
                ("password", "достаточно длинный"),
                ("roles", "hr"),
                ("roles", "agreer"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let list = web.get("/users").await;
    assert!(list.body.contains("new.user"));
    assert!(list.body.contains("Специалист по кадрам, Согласующий"));
    let mut other = crate::helpers::Web::new(&app.base);
    let (status, _) = other.login("new.user", "достаточно длинный").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn navigation_follows_roles(app: TestApp) {
    let mut employee = app.web_as("emp", "employee").await;
    let home = employee.get("/").await;
    assert!(home.body.contains("Ожидают вас"), "the inbox is on the dashboard");
    assert!(!home.body.contains("href=\"/departments\""));
    assert!(!home.body.contains("href=\"/users\""));
    let mut admin = app.web_as("root", "admin").await;
    let home = admin.get("/").await;
    for href in [
        "/departments",
        "/positions",
        "/employees",
        "/assignments",
        "/users",
        "/log",
    ] {
        assert!(home.body.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let missing = admin.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Не найдено"));
}

crate::on_both_backends!(
    departments_through_forms,
    clause_like_text_is_escaped_everywhere,
    users_form_with_roles,
    navigation_follows_roles,
);
