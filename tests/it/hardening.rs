//! The outside probe's findings, each as the attack or accident that found it.

use awc::http::{Method, StatusCode};
use jobdesc::services::acknowledgements;
use serde_json::{json, Value};

use crate::helpers::{Answer, Api, Backend, TestApp, Web, PASSWORD};
use crate::workflow::story;

fn code(a: &Answer) -> String {
    a.json()["code"].as_str().unwrap_or("").to_string()
}

fn field_code(a: &Answer) -> String {
    a.json()["errors"][0]["code"].as_str().unwrap_or("").to_string()
}

async fn substitute(api: &Api, app: &TestApp, login: &str) -> Answer {
    let today = app.today();
    api.post(
        "/api/v1/substitutes",
        json!({ "substitute_login": login, "date_from": today.to_string(),
                "date_to": (today + chrono::Duration::days(7)).to_string() }),
    )
    .await
}

async fn visa(api: &Api, v: &str, on_behalf_of: Option<&str>) -> Answer {
    api.post(
        &format!("/api/v1/versions/{v}/visa"),
        json!({ "decision": "agree", "comment": "", "on_behalf_of": on_behalf_of }),
    )
    .await
}

/// Finding 1: The probe: the director named `hr`, head and lawyer named `employee`; one
/// person then gave both visas and the sender approved.
async fn one_person_cannot_complete_the_route(app: TestApp) {
    let s = story(&app).await;
    let v = &s.version;
    // A substitute must hold the principal's role.
    assert_eq!(
        field_code(&substitute(&s.director, &app, "hr").await),
        "substitute_lacks_role"
    );
    assert_eq!(
        field_code(&substitute(&s.head, &app, "sokolov").await),
        "substitute_lacks_role"
    );
    // An agreer may stand in for both agreers, but gives one visa per round.
    let both = app.api_as("both", "agreer");
    for principal in [&s.head, &s.lawyer] {
        assert_eq!(substitute(principal, &app, "both").await.status, StatusCode::CREATED);
    }
    // HR's colleague who also deputises for the director sends the version.
    let deputy = app.api_as("deputy", "hr approver");
    assert_eq!(
        deputy
            .post(&format!("/api/v1/versions/{v}/send"), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let ids = |login: &str| app.user_id(login);
    assert_eq!(visa(&both, v, Some(&ids("head"))).await.status, StatusCode::OK);
    assert_eq!(code(&visa(&both, v, Some(&ids("lawyer"))).await), "already_acted");
    // Nobody is offered what would be refused: no second visa task in the inbox.
    assert_eq!(both.get("/api/v1/inbox").await.json(), json!([]), "one visa each");
    assert_eq!(visa(&s.lawyer, v, None).await.status, StatusCode::OK);
    // The director's deputy sent the version, so may not approve it: four eyes.
    assert_eq!(
        substitute(&s.director, &app, "deputy").await.status,
        StatusCode::CREATED
    );
    let w = s.hr.get(&format!("/api/v1/versions/{v}/workflow")).await.json();
    assert_eq!(w["state"]["status"], "awaiting_approval", "{w}");
    let inbox = deputy.get("/api/v1/inbox").await.json();
    assert!(
        !inbox.to_string().contains("approval"),
        "the sender gets no approval task: {inbox}"
    );
    let a = deputy.post(&format!("/api/v1/versions/{v}/approve"), json!({})).await;
    assert_eq!(code(&a), "four_eyes", "{}", a.body);
    // Nor may the one who gave a visa, even holding the approver's role.
    app.sql("UPDATE users SET roles = 'agreer,approver' WHERE login = 'both'");
    assert_eq!(substitute(&s.director, &app, "both").await.status, StatusCode::CREATED);
    let both = app.api_as_existing("both");
    assert_eq!(
        code(&both.post(&format!("/api/v1/versions/{v}/approve"), json!({})).await),
        "four_eyes"
    );
    // The director, who neither wrote, sent nor agreed, approves.
    assert_eq!(
        s.director
            .post(&format!("/api/v1/versions/{v}/approve"), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // A route where the approver also agrees is refused.
    let a =
        s.hr.put(
            &format!("/api/v1/departments/{}/route", s.department),
            json!({ "stages": [["head"]], "approver": "head" }),
        )
        .await;
    assert!(a.status.is_client_error(), "{}", a.body);
}

/// Finding 2: A password change, a role change and disabling end sessions and tokens.
async fn credentials_changes_end_sessions_and_tokens(app: TestApp) {
    let admin = app.api_as("admin", "admin");
    let mut web = app.web_as("petrova", "hr").await;
    let token = app.token_for("petrova");
    let petrova = Api::new(&app.base, Some(token));
    assert_eq!(petrova.get("/api/v1/me").await.status, StatusCode::OK);
    let id = app.user_id("petrova");
    let a = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({ "login": "petrova", "password": "новый пароль для петровой", "roles": ["hr"] }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(petrova.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(web.get("/").await.header("location").as_deref(), Some("/login"));
    // A role change does the same.
    let mut web = Web::new(&app.base);
    web.login("petrova", "новый пароль для петровой").await;
    assert_eq!(web.get("/").await.status, StatusCode::OK);
    admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({ "login": "petrova", "roles": ["hr", "agreer"] }),
        )
        .await;
    assert_eq!(web.get("/").await.header("location").as_deref(), Some("/login"));
    // Disabled: no sign-in, no token; enabled again: signs in.
    let petrova = Api::new(&app.base, Some(app.token_for("petrova")));
    let a = admin.post(&format!("/api/v1/users/{id}/disable"), json!({})).await;
    assert_eq!(a.json()["active"], false, "{}", a.body);
    assert_eq!(petrova.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let a = Api::new(&app.base, None)
        .post(
            "/api/v1/auth/token",
            json!({ "login": "petrova", "password": "новый пароль для петровой" }),
        )
        .await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::UNAUTHORIZED, "account_disabled".into())
    );
    admin.post(&format!("/api/v1/users/{id}/enable"), json!({})).await;
    let (status, _) = Web::new(&app.base).login("petrova", "новый пароль для петровой").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A user who named a substitute: 409 saying so, not 500.
    app.user("head", "agreer");
    let head = app.api_as_existing("head");
    app.user("deputy", "agreer");
    assert_eq!(substitute(&head, &app, "deputy").await.status, StatusCode::CREATED);
    let a = admin.delete(&format!("/api/v1/users/{}", app.user_id("head"))).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::CONFLICT, "user_has_substitutes".into())
    );
    // From the page too.
    let mut page = app.web_as("root", "admin").await;
    let a = page
        .post(&format!("/users/{}/disable", app.user_id("deputy")), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let list = page.get("/users").await;
    assert!(list.body.contains("отключена"), "{}", list.body);
}

/// Finding 3: Signing out ends the session on the server: a copied cookie stops working.
async fn sessions_are_revocable_and_expire(app: TestApp) {
    let mut web = app.web_as("ivanova", "hr").await;
    let stolen = web.clone();
    assert_eq!(stolen.clone().get("/").await.status, StatusCode::OK);
    web.post("/logout", &[]).await;
    let mut stolen2 = stolen.clone();
    assert_eq!(stolen2.get("/").await.header("location").as_deref(), Some("/login"));
    // A new session id at every sign-in.
    let mut a = Web::new(&app.base);
    a.get("/login").await;
    let before = a.set_cookies.clone();
    a.login("ivanova", PASSWORD).await;
    assert_ne!(before.last(), a.set_cookies.last());
    // Sign out everywhere: another browser's session ends too.
    let mut b = Web::new(&app.base);
    b.login("ivanova", PASSWORD).await;
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    let r = a.post("/logout/everywhere", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.header("location").as_deref(), Some("/login"));
    // Idle expiry (120 minutes by default) and absolute expiry (12 hours).
    let mut c = Web::new(&app.base);
    c.login("ivanova", PASSWORD).await;
    app.clock.set_now(app.clock.now_utc() + chrono::Duration::minutes(121));
    assert_eq!(c.get("/").await.header("location").as_deref(), Some("/login"));
    let mut d = Web::new(&app.base);
    d.login("ivanova", PASSWORD).await;
    for _ in 0..7 {
        app.clock.set_now(app.clock.now_utc() + chrono::Duration::minutes(110));
        d.get("/").await;
    }
    assert_eq!(
        d.get("/").await.header("location").as_deref(),
        Some("/login"),
        "12 hours at most"
    );
    // The caller's sessions, through the API.
    let api = app.api_as("sessions.api", "employee");
    assert_eq!(api.get("/api/v1/me/sessions").await.json(), json!([]));
    assert_eq!(api.delete("/api/v1/me/sessions").await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "its token ended too"
    );
}

async fn sign_and_read_evidence(app: &TestApp, forwarded: &str) -> Value {
    let s = story(app).await;
    crate::workflow::approve_through(&s, &s.version).await;
    let ack = crate::workflow::task_of(app, &s.version, &s.employee_id);
    let token = app.token_for("sokolov");
    let a = awc::Client::new()
        .post(format!("{}/api/v1/acknowledgements/{}/sign", app.base, ack.id))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("X-Forwarded-For", forwarded))
        .insert_header(("User-Agent", "ProbeBrowser/1.0"))
        .send_json(&json!({ "password": PASSWORD }))
        .await
        .expect("sent");
    assert_eq!(a.status(), StatusCode::OK);
    s.hr.get(&format!("/api/v1/acknowledgements/{}/evidence", ack.id))
        .await
        .json()
}

/// Finding 4: The evidence records the peer's address, not one the client names.
async fn evidence_records_the_real_address(app: TestApp) {
    let e = sign_and_read_evidence(&app, "6.6.6.6").await;
    assert_eq!(e["acknowledgement"]["ip"], "127.0.0.1", "{e}");
    assert_eq!(e["acknowledgement"]["user_agent"], "ProbeBrowser/1.0");
    assert_eq!(e["seal_valid"], true);
}

async fn a_trusted_proxy_passes_the_client_address(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, crate::helpers::start_instant(), |l| {
        l.trusted_proxies = Some(vec!["127.0.0.1".into()]);
    })
    .await
    else {
        return;
    };
    let e = sign_and_read_evidence(&app, "6.6.6.6, 198.51.100.9").await;
    assert_eq!(
        e["acknowledgement"]["ip"], "198.51.100.9",
        "the nearest hop the proxy saw: {e}"
    );
}

/// Finding 4: The evidence page shows exactly the sealed fields.
async fn the_evidence_page_shows_what_is_sealed(app: TestApp) {
    let e = sign_and_read_evidence(&app, "").await;
    let id = e["acknowledgement"]["id"].as_str().expect("id").to_string();
    let mut web = app.web_as("hr.reader", "hr").await;
    let page = web.get(&format!("/acknowledgements/{id}/evidence")).await;
    let a = acknowledgements::get(&mut app.conn(), &id).expect("ack");
    for (_, value) in acknowledgements::sealed_fields(&a) {
        if !value.is_empty() {
            let shown = value.replace('&', "&amp;").replace('/', "&#x2F;");
            assert!(page.body.contains(&shown), "{value} shown: {}", page.body);
        }
    }
}

/// Finding 5: Wrong passwords are throttled per login, across instances, and logged.
async fn sign_ins_are_throttled_and_logged(app: TestApp) {
    app.user("target", "hr");
    let anon = Api::new(&app.base, None);
    // Every attempt at (about) the same instant, so the one-second wait after the fifth
    // failure cannot run out on a slow machine before the next attempt.
    let t0 = app.clock.now_utc();
    let attempt = |password: &'static str, at: chrono::DateTime<chrono::Utc>| {
        let (anon, clock) = (&anon, &app.clock);
        async move {
            clock.set_now(at);
            anon.post("/api/v1/auth/token", json!({ "login": "target", "password": password }))
                .await
        }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong guess", t0).await.status, StatusCode::UNAUTHORIZED);
    }
    let a = attempt(PASSWORD, t0).await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password waits too: {}",
        a.body
    );
    assert!(a.header("retry-after").is_some());
    // A second instance on the same database refuses as well.
    let second = app.second_instance();
    app.clock.set_now(t0);
    let a = Api::new(&second, None)
        .post("/api/v1/auth/token", json!({ "login": "target", "password": PASSWORD }))
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    // The login page says so, in words.
    let mut web = Web::new(&app.base);
    web.get("/login").await;
    app.clock.set_now(t0);
    let (status, page) = web.login("target", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("Слишком много неудачных попыток"), "{}", page.body);
    // After the wait, the right password works and resets the count.
    let t1 = t0 + chrono::Duration::seconds(5);
    assert_eq!(attempt(PASSWORD, t1).await.status, StatusCode::CREATED);
    assert_eq!(attempt("wrong guess", t1).await.status, StatusCode::UNAUTHORIZED);
    // Every attempt is logged where an admin reads it.
    let admin = app.api_as("admin", "admin");
    let log = admin.get("/api/v1/sign-ins?limit=100").await.json();
    let outcomes: Vec<&str> = log
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["login"] == "target")
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "bad_credentials").count(),
        6,
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&"throttled") && outcomes.contains(&"ok"));
    let mut page = app.web_as("admin.web", "admin").await;
    let p = page.get("/sign-ins").await;
    assert!(
        p.body.contains("target") && p.body.contains("неверный логин или пароль"),
        "{}",
        p.body
    );
    assert_eq!(
        app.api_as("hr.nosy", "hr").get("/api/v1/sign-ins").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Finding 6: Only the route's people and HR comment on clauses.
async fn only_participants_comment_on_clauses(app: TestApp) {
    let s = story(&app).await;
    let v = &s.version;
    s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    let view = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    let clause = view["clauses"][0]["id"].as_str().expect("clause").to_string();
    let comment = |api: &Api| {
        let (api, url) = (api.clone(), format!("/api/v1/versions/{v}/comments"));
        let body = json!({ "clause_id": clause, "text": "Уточнить формулировку." });
        async move { api.post(&url, body).await }
    };
    assert_eq!(code(&comment(&s.employee).await), "not_a_participant");
    let outsider = app.api_as("outsider", "agreer");
    assert_eq!(code(&comment(&outsider).await), "not_a_participant");
    for who in [&s.head, &s.lawyer, &s.director, &s.hr] {
        assert_eq!(comment(who).await.status, StatusCode::NO_CONTENT);
    }
}

/// Finding 7: Deleting what is still referenced: 409 with a code saying what blocks it.
async fn referenced_records_are_not_deleted(app: TestApp) {
    let s = story(&app).await;
    crate::workflow::approve_through(&s, &s.version).await;
    let admin = app.api_as_existing("admin");
    // The department has positions and a route; the employee has acknowledgement records.
    let a = s.hr.delete(&format!("/api/v1/departments/{}", s.department)).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    let dept =
        s.hr.post("/api/v1/departments", json!({ "name": "Пустой отдел" }))
            .await
            .json()["id"]
            .as_str()
            .expect("id")
            .to_string();
    s.hr.put(
        &format!("/api/v1/departments/{dept}/route"),
        json!({ "stages": [["head"]], "approver": "director" }),
    )
    .await;
    let a = s.hr.delete(&format!("/api/v1/departments/{dept}")).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::CONFLICT, "department_has_route".into())
    );
    assert!(a.json()["detail"].as_str().unwrap_or("").contains("маршрут"));
    app.sql(&format!(
        "DELETE FROM assignments WHERE employee_id = '{}'",
        s.employee_id
    ));
    app.sql(&format!(
        "UPDATE users SET employee_id = NULL WHERE employee_id = '{}'",
        s.employee_id
    ));
    let a = s.hr.delete(&format!("/api/v1/employees/{}", s.employee_id)).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::CONFLICT, "employee_has_acknowledgements".into())
    );
    // A user in a route.
    let a = admin.delete(&format!("/api/v1/users/{}", app.user_id("head"))).await;
    assert_eq!((a.status, code(&a)), (StatusCode::CONFLICT, "user_in_route".into()));
    // Whatever a use case does not check, the database still refuses: 409, not 500.
    use diesel::prelude::*;
    use jobdesc::db::schema::departments;
    let raw = diesel::delete(departments::table.find(&s.department))
        .execute(&mut *app.conn())
        .expect_err("positions refer to it");
    let e = jobdesc::services::ServiceError::from(raw);
    assert!(matches!(e, jobdesc::services::ServiceError::Refused("in_use")), "{e:?}");
}

/// Finding 8: NUL bytes and control characters: 400 before any query, signed in or not.
async fn control_characters_are_refused_before_any_query(app: TestApp) {
    let anon = Api::new(&app.base, None);
    let a = anon
        .raw(
            Method::POST,
            "/api/v1/auth/token",
            "application/json",
            r#"{"login":"\u0000","password":"x"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(a.header("content-type").as_deref(), Some("application/problem+json"));
    let api = app.api_as("hr", "hr");
    assert_eq!(api.get("/api/v1/versions/%00").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.get("/api/v1/versions/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.get("/api/v1/documents?q=%00").await.status, StatusCode::BAD_REQUEST);
    let a = anon
        .raw(
            Method::POST,
            "/api/v1/auth/token",
            "application/json",
            &format!(r#"{{"login":"hr","password":"{PASSWORD}","name":"t\u0000"}}"#),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let mut web = Web::new(&app.base);
    web.get("/login").await;
    let a = web.post("/login", &[("login", "\u{0}"), ("password", "x")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("управляющий символ"));
}

/// Finding 11: `next` after sign-in stays on this site, whatever characters it hides.
async fn next_stays_on_this_site(app: TestApp) {
    app.user("nexter", "hr");
    for next in ["/\t/evil.example", "/\n", "//evil.example", "/\\evil.example"] {
        let mut web = Web::new(&app.base);
        web.get("/login").await;
        let a = web
            .post("/login", &[("login", "nexter"), ("password", PASSWORD), ("next", next)])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{next:?}: {}", a.body);
        assert_eq!(a.header("location").as_deref(), Some("/"), "{next:?}");
    }
    let mut web = Web::new(&app.base);
    assert_eq!(web.get("/login?next=/%0a").await.status, StatusCode::OK);
}

/// Finding 12: Refusals of the guard carry the security headers; HSTS when cookies are Secure.
async fn every_answer_has_security_headers(app: TestApp) {
    let anon = Api::new(&app.base, None);
    let employee = app.api_as("emp", "employee");
    for a in [
        anon.get("/api/v1/me").await,
        employee.get("/api/v1/users").await,
        anon.get("/api/v1/nowhere").await,
        anon.send(Method::PATCH, "/api/v1/me", None).await,
        Web::new(&app.base).get("/departments").await,
    ] {
        for h in [
            "x-content-type-options",
            "x-frame-options",
            "content-security-policy",
            "referrer-policy",
        ] {
            assert!(a.header(h).is_some(), "{h} on {}", a.status);
        }
        assert!(a.header("strict-transport-security").is_none());
    }
    let a = anon.send(Method::PATCH, "/api/v1/me", None).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.header("allow").as_deref(), Some("GET"));
}

async fn hsts_when_cookies_are_secure(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, crate::helpers::start_instant(), |l| {
        l.cookie_secure = Some(true)
    })
    .await
    else {
        return;
    };
    let a = Api::new(&app.base, None).get("/api/v1/me").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a
        .header("strict-transport-security")
        .is_some_and(|v| v.contains("max-age=")));
}

/// Finding 13, 14, 16: Weak passwords, the last administrator, invisible characters.
async fn accounts_and_names_are_checked(app: TestApp) {
    let admin = app.api_as("admin", "admin");
    for weak in ["12345678", "password", "        "] {
        let a = admin
            .post(
                "/api/v1/users",
                json!({ "login": "weak", "password": weak, "roles": ["hr"] }),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak:?}");
        assert_eq!(field_code(&a), "password_weak", "{weak:?}");
        assert!(a.json()["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("подобрать"));
    }
    // The last administrator keeps the role and stays enabled.
    let id = app.user_id("admin");
    let a = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({ "login": "admin", "roles": ["hr"] }),
        )
        .await;
    assert_eq!((a.status, code(&a)), (StatusCode::CONFLICT, "last_admin".into()));
    assert_eq!(
        code(&admin.post(&format!("/api/v1/users/{id}/disable"), json!({})).await),
        "last_admin"
    );
    assert_eq!(code(&admin.delete(&format!("/api/v1/users/{id}")).await), "last_admin");
    // Bidi overrides and zero-width characters in names, titles and logins.
    let hr = app.api_as("hr", "hr");
    for name in ["Склад\u{202E}xcod.exe", "Скла\u{200B}д", "\u{2066}Бухгалтерия"] {
        let a = hr.post("/api/v1/departments", json!({ "name": name })).await;
        assert_eq!(field_code(&a), "invalid_characters", "{name:?}");
    }
    let a = admin
        .post(
            "/api/v1/users",
            json!({ "login": "a\u{200B}dmin", "password": PASSWORD, "roles": ["hr"] }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Finding 9: A deleted SQLite file shows in the health check.
async fn a_deleted_database_file_fails_the_health_check(backend: Backend) {
    if backend != Backend::Sqlite {
        return;
    }
    let Some(app) = TestApp::spawn_at(backend, crate::helpers::start_instant()).await else {
        return;
    };
    let anon = Api::new(&app.base, None);
    assert_eq!(anon.get("/healthz").await.status, StatusCode::OK);
    let path = jobdesc::db::sqlite_path(app.settings.database_url.expose()).expect("sqlite");
    std::fs::remove_file(&path).expect("delete the database file");
    let a = anon.get("/healthz").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert!(a.body.contains("deleted or replaced"));
}

/// Finding 10: A dropped PostgreSQL database: health fails fast; an empty one in its place is not healthy.
async fn a_dropped_database_fails_fast(backend: Backend) {
    if backend != Backend::Postgres {
        return;
    }
    let Some(app) = TestApp::spawn_with(backend, crate::helpers::start_instant(), |l| {
        l.pool_timeout_seconds = Some(2)
    })
    .await
    else {
        return;
    };
    let api = app.api_as("hr", "hr");
    let name = app.database_name();
    let admin_url = crate::helpers::postgres_url().expect("postgres");
    crate::helpers::pg_admin(&admin_url, &format!("DROP DATABASE \"{name}\" WITH (FORCE)"));
    let started = std::time::Instant::now();
    let a = api.get("/api/v1/departments").await;
    assert!(a.status.is_server_error(), "{}", a.status);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "no 15 s hang: {:?}",
        started.elapsed()
    );
    assert_eq!(
        Api::new(&app.base, None).get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    crate::helpers::pg_admin(&admin_url, &format!("CREATE DATABASE \"{name}\""));
    let a = Api::new(&app.base, None).get("/healthz").await;
    assert_eq!(
        a.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "an empty database is not this one: {}",
        a.body
    );
    assert!(a.body.contains("schema"), "{}", a.body);
}

crate::on_both_backends!(
    one_person_cannot_complete_the_route,
    credentials_changes_end_sessions_and_tokens,
    sessions_are_revocable_and_expire,
    evidence_records_the_real_address,
    the_evidence_page_shows_what_is_sealed,
    sign_ins_are_throttled_and_logged,
    only_participants_comment_on_clauses,
    referenced_records_are_not_deleted,
    control_characters_are_refused_before_any_query,
    next_stays_on_this_site,
    every_answer_has_security_headers,
    accounts_and_names_are_checked,
);

crate::per_backend!(
    a_trusted_proxy_passes_the_client_address,
    hsts_when_cookies_are_secure,
    a_deleted_database_file_fails_the_health_check,
    a_dropped_database_fails_fast,
);
