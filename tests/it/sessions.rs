//! Signing in and out, cookie attributes, CSRF.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{Api, TestApp, Web, PASSWORD};

async fn wrong_password_is_refused(app: TestApp) {
    app.user("petrova", "hr");
    let mut web = Web::new(&app.base);
    let (status, page) = web.login("petrova", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("Неверный логин или пароль"), "{}", page.body);
    let (status, _) = web.login("nobody", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER, "still signed out");

    let api = Api::new(&app.base, None);
    let a = api
        .post(
            "/api/v1/auth/token",
            json!({ "login": "petrova", "password": "wrong-wrong" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()["status"], 401);
    let a = api
        .post(
            "/api/v1/auth/token",
            json!({ "login": "petrova", "password": PASSWORD, "name": "ci" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let token = a.json()["token"].as_str().expect("token").to_string();
    let me = Api::new(&app.base, Some(token.clone())).get("/api/v1/me").await;
    assert_eq!(me.json()["login"], "petrova");
    assert!(me.json().get("password_hash").is_none());

    // A revoked token stops working.
    let authed = Api::new(&app.base, Some(token));
    assert_eq!(authed.delete("/api/v1/auth/token").await.status, StatusCode::NO_CONTENT);
    assert_eq!(authed.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

async fn session_cookie_is_httponly_samesite_and_logout_ends_it(app: TestApp) {
    let mut web = app.web_as("ivanov", "employee").await;
    let cookie = web
        .set_cookies
        .iter()
        .find(|c| c.starts_with("jobdesc_session="))
        .expect("session cookie set")
        .to_ascii_lowercase();
    assert!(cookie.contains("httponly"), "{cookie}");
    assert!(cookie.contains("samesite=lax"), "{cookie}");
    assert!(!cookie.contains("ivanov"), "the cookie is encrypted: {cookie}");
    assert_eq!(web.get("/").await.status, StatusCode::OK);
    let out = web.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(web.get("/").await.status, StatusCode::SEE_OTHER);
}

async fn next_parameter_stays_on_site(app: TestApp) {
    app.user("smirnov", "hr");
    let mut web = Web::new(&app.base);
    web.get("/login").await;
    let a = web
        .post(
            "/login",
            &[
                ("login", "smirnov"),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(a.header("location").as_deref(), Some("/"));
}

async fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing(app: TestApp) {
    let mut web = app.web_as("admin1", "admin").await;
    let before = app.log_len();
    // Every form route of the table, posted without a token and with a wrong one.
    let fake = uuid::Uuid::new_v4().to_string();
    for r in jobdesc::web::routes::table() {
        // The unsubscribe link of a mail is signed: its token, not a session, is the
        // proof, and a mail program posts it without a form (RFC 8058). A wrong token
        // changes nothing (mail::digests_reach_each_person_once_a_day_and_stop_when_asked).
        if r.method != awc::http::Method::POST || r.path.starts_with("/api/") || r.path == "/mail/unsubscribe/{token}" {
            continue;
        }
        let path = r
            .path
            .replace("{id}", &fake)
            .replace("{cid}", &fake)
            .replace("{sid}", &fake);
        let none = web.post_raw(&path, &[("name".into(), "Отдел".into())]).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN, "{path} without token");
        let wrong = web.post(&path, &[("csrf_token", "0000"), ("name", "Отдел")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{path} with a wrong token");
        assert!(wrong.body.contains("Форма устарела"), "{path}: {}", wrong.body);
    }
    assert_eq!(app.log_len(), before, "nothing was changed");
    assert_eq!(
        web.get("/").await.status,
        StatusCode::OK,
        "still signed in after refusals"
    );
}

/// The caller is kept between requests (`services::views`): a change to their account
/// or to the employee linked to it that leaves the session open shows at once.
async fn the_caller_is_read_fresh_after_a_change(app: TestApp) {
    let admin = app.api_as("admin", "admin");
    app.user("petrova", "hr");
    let petrova = Api::new(&app.base, Some(app.token_for("petrova")));
    assert_eq!(
        petrova.get("/api/v1/me").await.json()["employee_name"],
        serde_json::Value::Null
    );
    let a = admin
        .post(
            "/api/v1/employees",
            json!({ "surname": "Петрова", "name": "Анна", "personnel_number": "77" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let employee = a.json()["id"].as_str().expect("id").to_string();
    let id = app.user_id("petrova");
    let a = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({ "login": "petrova", "roles": ["hr"], "employee_id": employee }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let me = petrova.get("/api/v1/me").await.json();
    assert!(
        me["employee_name"].as_str().is_some_and(|n| n.contains("Петрова")),
        "{me}"
    );
    let a = admin
        .put(
            &format!("/api/v1/employees/{employee}"),
            json!({ "surname": "Смирнова", "name": "Анна", "personnel_number": "77" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let me = petrova.get("/api/v1/me").await.json();
    assert!(
        me["employee_name"].as_str().is_some_and(|n| n.contains("Смирнова")),
        "{me}"
    );
}

/// A page that changes nothing in the session sends no new cookie (each one is
/// encrypted anew); a page that shows a message, which is then gone, does.
async fn reading_a_page_leaves_the_session_cookie_alone(app: TestApp) {
    let mut web = app.web_as("petrova", "hr").await;
    web.get("/").await;
    let a = web.get("/documents").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("set-cookie"), None, "an unchanged session is not sent again");
    let a = web.post("/departments", &[("name", "Склад"), ("parent_id", "")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = web.get("/departments").await;
    assert!(a.body.contains("Сохранено."));
    assert!(
        a.header("set-cookie").is_some(),
        "the message taken changes the session"
    );
}

crate::on_both_backends!(
    reading_a_page_leaves_the_session_cookie_alone,
    the_caller_is_read_fresh_after_a_change,
    wrong_password_is_refused,
    session_cookie_is_httponly_samesite_and_logout_ends_it,
    next_parameter_stays_on_site,
    forms_without_a_valid_csrf_token_are_refused_and_change_nothing,
);
