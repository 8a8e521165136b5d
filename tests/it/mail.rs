//! E-mail (issue 15, point 1), delivered to a real SMTP server (aiosmtpd): one digest
//! per person per day with what waits for them and links to it; the overdue reach
//! the head of the department; notifications travel once; unsubscribing works from
//! the mail without signing in; a refused mail waits in the outbox and goes later;
//! two senders at once send each mail once.

use awc::http::{Method, StatusCode};
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{instant, Api, Backend, TestApp, PASSWORD};
use crate::smtp::{self, SmtpServer};
use crate::workflow::{story, task_of};

const PUBLIC: &str = "https://jd.vector.example";

/// The app with its mail going to `port`, its clock at `start`.
async fn app_mailing_to(backend: Backend, port: u16, start: &str) -> Option<TestApp> {
    TestApp::spawn_with(backend, instant(start), |l| {
        l.smtp_host = Some("127.0.0.1".into());
        l.smtp_port = Some(port);
        l.smtp_tls = Some("none".into());
        l.mail_from = Some("Должностные инструкции <jd@vector.example>".into());
        l.public_url = Some(PUBLIC.into());
    })
    .await
}

async fn run(admin: &Api) -> (u64, u64, u64) {
    let a = admin.post("/api/v1/mail/run", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let p = a.json();
    let n = |k: &str| p[k].as_u64().expect("a count");
    (n("queued"), n("sent"), n("failed"))
}

async fn set_email(api: &Api, email: &str) {
    let a = api
        .put("/api/v1/me/mail", json!({ "email": email, "digest": true }))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

async fn digests_reach_each_person_once_a_day_and_stop_when_asked(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let mut server = SmtpServer::on(smtp::free_port());
    server.start();
    // 07:30 in Samara (the organisation's zone): before the digest hour (8).
    let Some(app) = app_mailing_to(backend, server.port, "2026-12-07T03:30:00Z").await else {
        return;
    };
    let s = story(&app).await;
    let v = s.version.clone();
    let admin = app.api_as_existing("admin");

    // A bad address is refused and changes nothing.
    set_email(&s.head, "head@vector.example").await;
    let bad = s
        .head
        .put("/api/v1/me/mail", json!({ "email": "head at vector", "digest": true }))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("email"), "{}", bad.body);
    assert_eq!(
        s.head.get("/api/v1/me/mail").await.json()["email"],
        "head@vector.example"
    );
    set_email(&s.lawyer, "lawyer@vector.example").await;
    set_email(&s.employee, "sokolov@vector.example").await;

    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(run(&admin).await, (0, 0, 0), "nothing before the digest hour");

    // 08:30: the head of the store, whose visa is awaited, gets a digest; the lawyer's
    // stage has not come, the employee has nothing to sign.
    app.clock.set_now(instant("2026-12-07T04:30:00Z"));
    assert_eq!(run(&admin).await, (1, 1, 0));
    let mails = server.to("head@vector.example");
    assert_eq!(mails.len(), 1, "{:?}", server.received());
    let m = &mails[0];
    assert_eq!(m.subject, "Должностные инструкции: сводка на 07.12.2026 (1)");
    assert!(m.body.contains("Ждут вашей визы (1):"), "{}", m.body);
    assert!(m.body.contains("кладовщик, ред. 1 — срок 12.12.2026"), "{}", m.body);
    assert!(m.body.contains(&format!("{PUBLIC}/versions/{v}\n")), "{}", m.body);
    assert!(
        m.unsubscribe.starts_with(&format!("<{PUBLIC}/mail/unsubscribe/")),
        "{m:?}"
    );
    assert_eq!(m.unsubscribe_post, "List-Unsubscribe=One-Click");
    assert!(
        m.body.trim_end().ends_with(m.unsubscribe.trim_matches(['<', '>'])),
        "{:?}",
        m.unsubscribe
    );
    let outbox = admin.get("/api/v1/mail/outbox").await.json();
    let id = outbox["items"][0]["id"].as_str().expect("an outbox row");
    assert_eq!(
        m.message_id,
        format!("{id}@vector.example"),
        "Message-ID is the outbox row"
    );
    assert_eq!(outbox["items"][0]["state"], "sent");

    // Once a day: another pass the same day sends nothing, even though the visa still waits.
    assert_eq!(run(&admin).await, (0, 0, 0));
    // The head agrees; now the lawyer's turn: the lawyer's first digest of the day.
    let visa = s
        .head
        .post(
            &format!("/api/v1/versions/{v}/visa"),
            json!({ "decision": "agree", "comment": "" }),
        )
        .await;
    assert_eq!(visa.status, StatusCode::OK, "{}", visa.body);
    assert_eq!(run(&admin).await, (1, 1, 0));
    assert_eq!(server.to("lawyer@vector.example").len(), 1);
    assert_eq!(server.to("head@vector.example").len(), 1);
    assert_eq!(
        s.lawyer
            .post(
                &format!("/api/v1/versions/{v}/visa"),
                json!({ "decision": "agree", "comment": "" })
            )
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        s.director
            .post(&format!("/api/v1/versions/{v}/approve"), json!({}))
            .await
            .status,
        StatusCode::OK
    );

    // Next morning the employee is asked to acknowledge, with the link to sign.
    app.clock.set_now(instant("2026-12-08T04:30:00Z"));
    assert_eq!(run(&admin).await, (1, 1, 0), "only the employee has something to do");
    let ack = task_of(&app, &v, &s.employee_id).id;
    let m = server.digest("sokolov@vector.example", "08.12.2026");
    assert!(
        m.body.contains("Ознакомьтесь с должностными инструкциями (1):"),
        "{}",
        m.body
    );
    assert!(
        m.body.contains(&format!("{PUBLIC}/acknowledgements/{ack}")),
        "{}",
        m.body
    );
    assert!(m.body.starts_with("Здравствуйте, Соколов Илья Петрович!"), "{}", m.body);

    // The head of the department holds the manager's position, with an account and an address.
    let chief = s.hr.get("/api/v1/positions").await.json()["items"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["title"] == "заведующий складом")
        .and_then(|p| p["id"].as_str())
        .expect("the chief's position")
        .to_string();
    let petrov =
        s.hr.post(
            "/api/v1/employees",
            json!({ "surname": "Петров", "name": "Олег", "personnel_number": "P1" }),
        )
        .await
        .json()["id"]
            .as_str()
            .expect("employee")
            .to_string();
    let assigned =
        s.hr.post(
            "/api/v1/assignments",
            json!({ "employee_id": petrov, "position_id": chief, "date_from": "2024-01-01" }),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::CREATED, "{}", assigned.body);
    let bad_user = admin
        .post(
            "/api/v1/users",
            json!({ "login": "petrov", "password": PASSWORD, "roles": ["employee"], "employee_id": petrov, "email": "petrov@" }),
        )
        .await;
    assert_eq!(bad_user.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_user.body);
    let created = admin
        .post(
            "/api/v1/users",
            json!({ "login": "petrov", "password": PASSWORD, "roles": ["employee"], "employee_id": petrov, "email": "Petrov@Vector.Example" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["email"], "Petrov@vector.example");
    // Both acknowledgements are past due; HR reminds (an in-app notification for the employee).
    {
        use jobdesc::db::schema::acknowledgements as a;
        let mut pooled = app.conn();
        let conn: &mut jobdesc::db::DbConn = &mut pooled;
        diesel::update(a::table.filter(a::version_id.eq(&v)))
            .set(a::due_date.eq(app.today() - chrono::Duration::days(1)))
            .execute(conn)
            .expect("due dates moved");
    }
    let reminded = s.hr.post(&format!("/api/v1/versions/{v}/remind"), json!({})).await;
    assert_eq!(reminded.status, StatusCode::OK, "{}", reminded.body);

    app.clock.set_now(instant("2026-12-09T04:30:00Z"));
    assert_eq!(run(&admin).await, (2, 2, 0));
    let m = server.digest("Petrov@vector.example", "09.12.2026");
    assert!(
        m.body
            .contains("Просрочено ознакомление в подразделении, которым вы руководите (2):"),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains("Соколов Илья Петрович, «кладовщик», срок был 07.12.2026"),
        "{}",
        m.body
    );
    assert!(m.body.contains("Орлова Вера Петрович"), "{}", m.body);
    assert!(m.body.contains(&format!("{PUBLIC}/coverage")));
    let m = server.digest("sokolov@vector.example", "09.12.2026");
    assert_eq!(server.to("sokolov@vector.example").len(), 2);
    assert!(m.body.contains("срок был 07.12.2026, просрочено"), "{}", m.body);
    assert!(
        m.body.contains("Уведомления (1):") && m.body.contains("Напоминание: ознакомьтесь"),
        "{}",
        m.body
    );

    // The notification travelled once; it is still unread on the dashboard.
    app.clock.set_now(instant("2026-12-10T04:30:00Z"));
    assert_eq!(run(&admin).await, (2, 2, 0));
    let m = server.digest("sokolov@vector.example", "10.12.2026");
    assert!(!m.body.contains("Уведомления"), "{}", m.body);

    // Unsubscribing from the mail, without signing in: the link asks, the button stops it.
    let path = m
        .unsubscribe
        .trim_matches(['<', '>'])
        .strip_prefix(PUBLIC)
        .expect("our link")
        .to_string();
    let anonymous = Api::new(&app.base, None);
    let page = anonymous.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Больше не присылать ежедневную сводку на sokolov@vector.example?"),
        "{}",
        page.body
    );
    assert_eq!(
        s.employee.get("/api/v1/me/mail").await.json()["digest"],
        true,
        "opening the link changes nothing"
    );
    let forged = format!("{}0", &path[..path.len() - 1]);
    let forged = if forged == path {
        format!("{}1", &path[..path.len() - 1])
    } else {
        forged
    };
    let refused = anonymous
        .raw(
            Method::POST,
            &forged,
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.body.contains("Ссылка для отписки неверна"), "{}", refused.body);
    assert_eq!(s.employee.get("/api/v1/me/mail").await.json()["digest"], true);
    let stopped = anonymous
        .raw(
            Method::POST,
            &path,
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
    assert!(stopped.body.contains("Сводка больше не будет приходить"));
    assert_eq!(s.employee.get("/api/v1/me/mail").await.json()["digest"], false);
    app.clock.set_now(instant("2026-12-11T04:30:00Z"));
    assert_eq!(run(&admin).await, (1, 1, 0), "the head still gets theirs");
    assert_eq!(server.to("sokolov@vector.example").len(), 3);

    // Only administrators see the outbox or run the sender.
    assert_eq!(s.hr.get("/api/v1/mail/outbox").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        s.hr.post("/api/v1/mail/run", json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    crate::feedback::every_log_code_is_in_words(&app);
}

async fn a_refused_mail_waits_in_the_outbox_and_goes_later(backend: Backend) {
    if !smtp::available() {
        return;
    }
    // Nothing listens on the port yet.
    let mut server = SmtpServer::on(smtp::free_port());
    let Some(app) = app_mailing_to(backend, server.port, "2026-12-07T04:30:00Z").await else {
        return;
    };
    let s = story(&app).await;
    let admin = app.api_as_existing("admin");
    set_email(&s.head, "head@vector.example").await;
    let v = &s.version;
    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(run(&admin).await, (1, 0, 1), "composed, not taken");
    let row = admin.get("/api/v1/mail/outbox").await.json()["items"][0].clone();
    assert_eq!(row["state"], "queued");
    assert_eq!(row["attempts"], 1);
    assert!(row["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{row}");
    let mut web = crate::helpers::Web::new(&app.base);
    web.login("admin", PASSWORD).await;
    let page = web.get("/mail").await;
    assert!(
        page.body.contains("попыток: 1, следующая 07.12.2026 08:31"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Почта уходит через 127.0.0.1:"), "{}", page.body);

    // Not before its time, then delivered once the server is there.
    server.start();
    assert_eq!(run(&admin).await, (0, 0, 0), "the retry waits a minute");
    app.clock.set_now(instant("2026-12-07T04:32:00Z"));
    assert_eq!(run(&admin).await, (0, 1, 0));
    assert_eq!(server.to("head@vector.example").len(), 1);
    let row = admin.get("/api/v1/mail/outbox").await.json()["items"][0].clone();
    assert_eq!(
        (row["state"].as_str(), row["last_error"].is_null()),
        (Some("sent"), true),
        "{row}"
    );

    // A mail every try failed for is shown as such and can be queued again, once.
    app.sql(&format!(
        "UPDATE mail_outbox SET sent_at = NULL, attempts = {}",
        jobdesc::domain::delivery::MAX_ATTEMPTS
    ));
    let row = admin.get("/api/v1/mail/outbox").await.json()["items"][0].clone();
    assert_eq!(row["state"], "undeliverable");
    let page = web.get("/mail").await;
    assert!(page.body.contains("не доставлено после 16 попыток") && page.body.contains("Повторить"));
    let id = row["id"].as_str().expect("id");
    let retry = admin.post(&format!("/api/v1/mail/outbox/{id}/retry"), json!({})).await;
    assert_eq!(retry.status, StatusCode::NO_CONTENT, "{}", retry.body);
    let again = admin.post(&format!("/api/v1/mail/outbox/{id}/retry"), json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["code"], "mail_not_undeliverable");
    assert_eq!(
        admin.post("/api/v1/mail/outbox/nope/retry", json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(run(&admin).await, (0, 1, 0));
    assert_eq!(server.to("head@vector.example").len(), 2, "sent again, as asked");
}

async fn two_senders_at_once_send_each_mail_once(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let mut server = SmtpServer::on(smtp::free_port());
    server.start();
    let Some(app) = app_mailing_to(backend, server.port, "2026-12-07T06:30:00Z").await else {
        return;
    };
    // 09:30 in Moscow (no organisation is set); twelve people, each with a notification waiting.
    let people: Vec<String> = (0..12).map(|i| format!("reader{i}")).collect();
    for login in &people {
        let api = app.api_as(login, "employee");
        set_email(&api, &format!("{login}@vector.example")).await;
        let id = app.user_id(login);
        jobdesc::services::notifications::notify(&mut app.conn(), app.clock.now(), &id, "Проверка", "/")
            .expect("notified");
    }
    let ctx = jobdesc::services::mail::Context::from(&app.settings);
    let transport = jobdesc::startup::mailer(&app.settings)
        .expect("mail settings")
        .expect("a mailer");
    let passes: Vec<_> = (0..2)
        .map(|_| {
            let (pool, clock, ctx, transport) = (app.pool.clone(), app.clock.clone(), ctx.clone(), transport.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                jobdesc::services::mail::run(&mut conn, &clock, &ctx, transport.as_ref()).expect("a pass")
            })
        })
        .collect();
    let passes: Vec<_> = passes.into_iter().map(|p| p.join().expect("the sender")).collect();
    let queued: usize = passes.iter().map(|p| p.queued).sum();
    let sent: usize = passes.iter().map(|p| p.sent).sum();
    assert_eq!((queued, sent), (12, 12), "{passes:?}");
    let mut ids: Vec<String> = server.received().into_iter().map(|m| m.message_id).collect();
    assert_eq!(ids.len(), 12);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "each mail once");
}

async fn mail_without_a_server_is_refused_plainly(app: TestApp) {
    let admin = app.api_as("admin", "admin");
    let a = admin.post("/api/v1/mail/run", json!({})).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.json()["code"], "mail_not_configured");
    let mut web = crate::helpers::Web::new(&app.base);
    web.login("admin", PASSWORD).await;
    let page = web.get("/mail").await;
    assert!(
        page.body.contains("Отправка почты не настроена"),
        "{} {}",
        page.status,
        page.body
    );
    assert!(!page.body.contains("id=\"mail-run\""));
    // One's own address from the page under one's login.
    let mut me = app.web_as("ivanova", "hr").await;
    let page = me.get("/me/mail").await;
    assert!(page.body.contains("Адрес не указан"), "{}", page.body);
    let a = me.post("/me/mail", &[("email", "ivanova@"), ("digest", "1")]).await;
    assert_eq!(a.header("location").as_deref(), Some("/me/mail#message"));
    let page = me.get("/me/mail").await;
    assert!(
        page.body.contains("flash-refused") && page.body.contains("Неверный адрес электронной почты"),
        "{}",
        page.body
    );
    me.post("/me/mail", &[("email", "ivanova@vector.example")]).await;
    let page = me.get("/me/mail").await;
    assert!(page.body.contains("Настройки почты сохранены") && page.body.contains("value=\"ivanova@vector.example\""));
    let prefs = app.api_as_existing("ivanova").get("/api/v1/me/mail").await.json();
    assert_eq!(
        prefs,
        json!({ "email": "ivanova@vector.example", "digest": false }),
        "the box was left unticked"
    );
}

/// The server composes and sends by itself (demo users have addresses); the command
/// line sends a test mail, makes a pass, and refuses plainly what it cannot do.
#[actix_web::test]
async fn the_server_mails_by_itself_and_the_command_line_tries_the_settings() {
    use crate::cli::{jobdesc, serve_with, stop};
    if !smtp::available() {
        return;
    }
    let mut server = SmtpServer::on(smtp::free_port());
    server.start();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("path").to_string();
    let port = server.port.to_string();
    let env = [
        ("JOBDESC_SMTP_HOST", "127.0.0.1"),
        ("JOBDESC_SMTP_PORT", port.as_str()),
        ("JOBDESC_SMTP_TLS", "none"),
        ("JOBDESC_MAIL_FROM", "jd@vector.example"),
        // Whatever the hour the suite runs at, the day's digests are due.
        ("JOBDESC_DIGEST_HOUR", "0"),
        ("JOBDESC_MAIL_EVERY_SECONDS", "1"),
    ];
    let (child, _, url) = serve_with(&["--data-dir", &data, "--bind", "127.0.0.1:0", "serve", "--demo"], &env);
    // The demo holds drafts only: HR sends one, and its first agreer has a visa to give.
    let token = Api::new(&url, None)
        .post(
            "/api/v1/auth/token",
            json!({ "login": "hr", "password": jobdesc::services::demo::DEMO_PASSWORD }),
        )
        .await
        .json()["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let hr = Api::new(&url, Some(token));
    let documents = hr.get("/api/v1/documents").await.json();
    let mut sent = Vec::new();
    for d in documents["items"].as_array().expect("documents") {
        let v = d["versions"][0]["id"].as_str().unwrap_or_default();
        sent.push(hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await);
    }
    assert!(
        sent.iter().any(|a| a.status == StatusCode::OK),
        "a draft was sent: {:?}",
        sent.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.received().is_empty() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    stop(child);
    let got = server.received();
    assert!(
        !got.is_empty(),
        "the demo's people get their digests without anyone asking"
    );
    for m in &got {
        assert!(m.to.ends_with("@vector.example"), "{m:?}");
        assert!(m.subject.starts_with("Должностные инструкции: сводка на "), "{m:?}");
        assert!(m.body.contains(&format!("{url}/")), "links to this server: {m:?}");
    }

    let cli = |args: &[&str], with_env: bool| {
        let mut c = jobdesc(args);
        c.args(["--data-dir", &data]);
        if with_env {
            c.envs(env.iter().copied());
        }
        let o = c.output().expect("the binary runs");
        (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let (ok, said) = cli(&["mail", "test", "hr@vector.example"], true);
    assert!(ok, "{said}");
    assert!(said.contains("took a test mail to hr@vector.example"), "{said}");
    assert!(server
        .to("hr@vector.example")
        .iter()
        .any(|m| m.subject == "jobdesc: проверка почты"));
    let (ok, said) = cli(&["mail", "run"], true);
    assert!(
        ok && said.contains("Digests composed: 0; mails sent: 0"),
        "already sent today: {said}"
    );
    let (ok, said) = cli(&["mail", "test", "hr at vector"], true);
    assert!(!ok && said.contains("Неверный адрес электронной почты"), "{said}");
    let (ok, said) = cli(&["mail", "run"], false);
    assert!(!ok && said.contains("Отправка почты не настроена"), "{said}");
    let mut bad = env.to_vec();
    bad.push(("JOBDESC_SMTP_TLS", "ssl"));
    let o = jobdesc(&["--data-dir", &data, "mail", "run"])
        .envs(bad)
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        !o.status.success() && said.contains("smtp_tls must be none, starttls or tls"),
        "{said}"
    );
}

crate::per_backend!(
    digests_reach_each_person_once_a_day_and_stop_when_asked,
    a_refused_mail_waits_in_the_outbox_and_goes_later,
    two_senders_at_once_send_each_mail_once,
);
crate::on_both_backends!(mail_without_a_server_is_refused_plainly);
