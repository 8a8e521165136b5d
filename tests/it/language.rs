//! The interface in English: a switch per person, kept across sign-ins, pages and
//! problem bodies in the chosen language, documents in their own.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{Api, TestApp, Web, PASSWORD};

async fn each_person_reads_the_interface_in_their_language(app: TestApp) {
    let mut hr = app.web_as("petrova", "hr").await;
    let home = hr.get("/").await;
    assert!(home.body.contains("<html lang=\"ru\">"), "Russian by default");
    assert!(home.body.contains("Выйти"));
    assert!(home.body.contains(">English</button>"), "the switch offers English");

    // The switch in the user menu: back to the page it was on, in English.
    let switched = hr.post("/me/locale", &[("locale", "en"), ("next", "/documents")]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.header("location").as_deref(), Some("/documents"));
    let docs = hr.get("/documents").await;
    assert!(docs.body.contains("<html lang=\"en\">"), "{}", docs.body);
    assert!(
        docs.body.contains("Sign out") && !docs.body.contains("Выйти"),
        "{}",
        docs.body
    );
    assert!(docs.body.contains(">Русский</button>"), "and back");
    let home = hr.get("/").await;
    assert!(home.body.contains("Home") && !home.body.contains("Главная"));

    // Another person, and the same page kept for them, stay Russian.
    let mut head = app.web_as("sidorov", "agreer").await;
    assert!(head.get("/").await.body.contains("Главная"));
    assert!(head.get("/documents").await.body.contains("Выйти"));

    // The choice is the person's: a new sign-in, on another browser, is in English too.
    let mut again = Web::new(&app.base);
    let (status, _) = again.login("petrova", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(again.get("/").await.body.contains("Sign out"));

    // A validation message in English; a bad choice changes nothing.
    let bad = again.post("/me/locale", &[("locale", "de"), ("next", "/")]).await;
    assert_eq!(bad.status, StatusCode::SEE_OTHER);
    let page = again.get("/").await;
    assert!(
        page.body.contains("Unknown language: choose ru or en."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sign out"));

    // The API: the caller's language by the switch, problem bodies by Accept-Language.
    let api = app.api_as_existing("petrova");
    let a = api.put("/api/v1/me/locale", json!({ "locale": "xx" })).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["errors"][0]["code"], "unknown_locale");
    let a = api.put("/api/v1/me/locale", json!({ "locale": "ru" })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["locale"], "ru");
    assert!(
        again.get("/").await.body.contains("Sign out"),
        "this session keeps its language until it ends"
    );
    let mut fresh = Web::new(&app.base);
    fresh.login("petrova", PASSWORD).await;
    assert!(fresh.get("/").await.body.contains("Выйти"), "sign-in reads the choice");

    let english = awc::Client::default()
        .post(format!("{}/api/v1/auth/token", app.base))
        .insert_header(("Accept-Language", "en-GB,en;q=0.9"))
        .send_json(&json!({ "login": "x", "password": "y" }))
        .await
        .expect("answer")
        .json::<serde_json::Value>()
        .await
        .expect("a problem body");
    assert_eq!(english["detail"], "Wrong login or password.", "{english}");
    let russian = Api::new(&app.base, None)
        .post("/api/v1/auth/token", json!({ "login": "x", "password": "y" }))
        .await;
    assert_eq!(russian.json()["detail"], "Неверный логин или пароль.");

    // Before sign-in: Russian whatever the browser, English when asked for.
    let mut visitor = Web::new(&app.base);
    let page = visitor.get("/login").await;
    assert!(page.body.contains("<html lang=\"ru\">") && page.body.contains(">English</a>"));
    let asked = visitor.get("/login?lang=en&next=%2Fdocuments").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.header("location").as_deref(), Some("/login?next=%2Fdocuments"));
    let page = visitor.get("/login?next=%2Fdocuments").await;
    assert!(
        page.body.contains("<html lang=\"en\">") && page.body.contains("Sign in"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"next\" value=\"&#x2F;documents\""),
        "next kept: {}",
        page.body
    );
}

crate::on_both_backends!(each_person_reads_the_interface_in_their_language);
