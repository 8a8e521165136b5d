//! A real headless Chromium through ChromeDriver (W3C WebDriver): sign in,
//! create a department, see it listed, sign out. Saves a screenshot under target/.

mod access;
mod driver;
mod story;

use serde_json::json;

use crate::helpers::{Backend, TestApp, PASSWORD};
use driver::{browser, screenshot_path, Driver};

#[actix_web::test]
async fn sign_in_create_a_department_see_it_listed_sign_out() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    app.user("kadry", "hr");
    let d = Driver::start(&chromedriver, &chromium).await;

    d.goto(&format!("{}/", app.base)).await;
    assert!(
        d.url().await.ends_with("/login"),
        "signed-out users land on the login page"
    );
    d.sign_in("kadry").await;

    d.goto(&format!("{}/departments", app.base)).await;
    d.click("#add").await;
    d.wait_url("/departments/new").await;
    d.type_into("#f-name", "Отдел охраны труда").await;
    d.click("#save").await;
    let page = d.wait_for("Сохранено.").await;
    assert!(d.url().await.ends_with("/departments"));
    assert!(page.contains("Отдел охраны труда"), "the new department is listed");
    d.screenshot(&screenshot_path("departments.png")).await;

    d.click("#logout").await;
    d.wait_for("Вход в систему").await;
    assert!(d.url().await.ends_with("/login"), "signed out");
    d.goto(&format!("{}/departments", app.base)).await;
    assert!(d.url().await.ends_with("/login"), "the session is gone");
    d.quit().await;
}

#[actix_web::test]
async fn hr_builds_a_job_description_from_a_template_and_the_library() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let api = app.api_as("setup", "hr");
    crate::authoring::set_organization(&api).await;
    let position = crate::authoring::position(
        &api,
        "менеджер по работе с клиентами",
        "менеджера по работе с клиентами",
    )
    .await;
    let template = crate::authoring::template_id(&api, "specialist").await;
    app.user("kadry", "hr");
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("kadry").await;

    d.goto(&format!("{}/documents/new", app.base)).await;
    d.click(&format!("#f-position_id option[value='{position}']")).await;
    d.click(&format!("#f-template_id option[value='{template}']")).await;
    d.click("#save").await;
    d.wait_for("Проверка текста замечаний не выявила").await;
    assert!(
        d.url().await.contains("/versions/"),
        "the editor of the new draft opens"
    );

    // Add a safety duty from the library: search a word form, insert the first hit.
    d.click("#s-safety-add").await;
    d.wait_url("clauses/new").await;
    d.type_into("input[name=q]", "инструктажа").await;
    d.click("form.inline-form button[type=submit]").await;
    d.wait_url("q=").await;
    d.wait_for("name=\"library_id\"").await;
    d.click(".library-hits button").await;
    let page = d.wait_for("Версия текста 2").await;
    assert!(page.contains("инструктаж"), "the library clause is in the document");
    // Select the first clause, move it down with the toolbar (the one shared form).
    let editor = d.url().await.split('#').next().unwrap_or_default().to_string();
    d.goto(&editor).await;
    d.click("input[name=c]").await;
    d.screenshot(&screenshot_path("editor.png")).await;
    // With scripts the move updates the page in place: the window is not reloaded
    // (a mark set on it survives), the place is kept and the clause stays selected.
    let script = |s: &str| json!({ "script": s, "args": [] });
    d.call(
        "POST",
        "/execute/sync",
        Some(script("window.kept = 1; window.scrollTo(0, 400); return true;")),
    )
    .await;
    d.click("#acts button[value=down]").await;
    d.wait_for("Версия текста 3").await;
    let after = d
        .call(
            "POST",
            "/execute/sync",
            Some(script(
                "return [window.kept === 1, window.scrollY, !!document.querySelector('input[name=c]:checked')];",
            )),
        )
        .await;
    assert_eq!(after[0], true, "updated in place, not reloaded: {after}");
    assert!(after[1].as_f64().unwrap_or(0.0) > 0.0, "the place is kept: {after}");
    assert_eq!(after[2], true, "the moved clause stays selected: {after}");
    d.click("#acts button[value=up]").await;
    d.wait_for("Версия текста 4").await;
    // «Вставить после» opens the clause page as a page of its own, address and all.
    d.click("#insert-after").await;
    d.wait_url("after_id=").await;
    d.wait_for("после пункта").await;
    d.goto(&editor).await;

    d.click("#preview").await;
    let page = d.wait_for("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ").await;
    assert!(page.contains("менеджера по работе с клиентами"));
    d.screenshot(&screenshot_path("preview.png")).await;
    d.quit().await;
}

#[actix_web::test]
async fn an_admin_disables_a_leaver_and_reads_the_sign_in_log() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    app.user("root", "admin");
    let leaver = app.user("leaver", "hr");
    let mut leaver_web = crate::helpers::Web::new(&app.base);
    leaver_web.login("leaver", "not the password").await;
    leaver_web.login("leaver", PASSWORD).await;
    assert_eq!(leaver_web.get("/").await.status, awc::http::StatusCode::OK);
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("root").await;

    d.goto(&format!("{}/users/{}", app.base, leaver.id)).await;
    d.click("form.actions button").await;
    let page = d.wait_for("Учётная запись отключена").await;
    assert!(page.contains("Включить учётную запись"), "the button turns into enable");
    d.screenshot(&screenshot_path("user_disabled.png")).await;
    assert_eq!(
        leaver_web.get("/").await.header("location").as_deref(),
        Some("/login"),
        "the leaver's open session ended"
    );
    d.goto(&format!("{}/sign-ins", app.base)).await;
    let log = d.wait_for("Журнал входов").await;
    assert!(log.contains("leaver") && log.contains("неверный логин или пароль") && log.contains("вход выполнен"));
    // Times are the organisation's: the column must not claim UTC (it did, on the change log too).
    assert!(!log.contains("(UTC)"), "no UTC label over local times");
    d.screenshot(&screenshot_path("sign_ins.png")).await;
    d.quit().await;
}

#[actix_web::test]
async fn hr_reads_the_sealed_evidence_of_a_signature() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    crate::workflow::approve_through(&s, &s.version).await;
    let ack = crate::workflow::task_of(&app, &s.version, &s.employee_id);
    s.employee
        .post(
            &format!("/api/v1/acknowledgements/{}/sign", ack.id),
            serde_json::json!({ "password": PASSWORD }),
        )
        .await;
    app.user("kadry", "hr");
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("kadry").await;
    d.goto(&format!("{}/acknowledgements/{}/evidence", app.base, ack.id))
        .await;
    let page = d.wait_for("Запечатанная запись").await;
    assert!(page.contains("Запись не изменялась") && page.contains("evidence-pack"));
    assert!(
        page.contains("Подписано простой электронной подписью"),
        "the method in words, not only its code"
    );
    d.screenshot(&screenshot_path("evidence.png")).await;
    d.quit().await;
}

/// The list pages fit a phone: wide tables scroll inside their frame, the page
/// itself does not scroll sideways.
#[actix_web::test]
async fn list_pages_fit_a_phone_screen() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    jobdesc::services::scale::load(
        &mut app.conn(),
        &app.clock,
        &(&app.settings).into(),
        app.settings.secret_key.expose().as_bytes(),
        &jobdesc::services::scale::Scale::large().divided(1000),
    )
    .expect("a small large company");
    app.user("kadry", "hr admin");
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("kadry").await;
    d.resize(390, 844).await;
    for page in ["/log", "/documents", "/coverage", "/positions", "/employees"] {
        d.goto(&format!("{}{page}", app.base)).await;
        d.find("table").await;
        let name = format!("phone{}.png", page.replace('/', "-"));
        d.screenshot(&screenshot_path(&name)).await;
        assert!(d.overflow().await <= 0, "{page} scrolls sideways on a phone");
    }
    d.quit().await;
}

/// The mail pages as their users see them: the administrator's outbox with a mail
/// the server refused, one's own settings, and the unsubscribe link, on a desktop
/// and on a phone.
#[actix_web::test]
async fn the_mail_pages_say_what_happened_and_fit_a_phone() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    // Mail goes to a port nothing listens on: the outbox shows a refusal.
    let closed = crate::smtp::free_port();
    let app = TestApp::spawn_with(Backend::Sqlite, crate::helpers::instant("2026-12-07T06:30:00Z"), |l| {
        l.smtp_host = Some("127.0.0.1".into());
        l.smtp_port = Some(closed);
        l.smtp_tls = Some("none".into());
        l.mail_from = Some("jd@vector.example".into());
    })
    .await
    .expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    let v = s.version.clone();
    let put = s
        .head
        .put(
            "/api/v1/me/mail",
            json!({ "email": "konstantin.konstantinopolsky.head-of-warehouse@vector.example", "digest": true }),
        )
        .await;
    assert!(put.status.is_success(), "{}", put.body);
    assert!(s
        .hr
        .post(&format!("/api/v1/versions/{v}/send"), json!({}))
        .await
        .status
        .is_success());
    let admin = app.api_as_existing("admin");
    let ran = admin.post("/api/v1/mail/run", json!({})).await.json();
    assert_eq!(ran["failed"], 1, "{ran}");
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("admin").await;
    for (w, h) in [(1366, 900), (390, 844)] {
        d.resize(w, h).await;
        d.goto(&format!("{}/mail", app.base)).await;
        let page = d.wait_for("Исходящие письма").await;
        assert!(page.contains("попыток: 1, следующая 07.12.2026"), "{page}");
        d.screenshot(&screenshot_path(&format!("mail-outbox-{w}.png"))).await;
        assert!(d.overflow().await <= 0, "the outbox scrolls sideways at {w}");
    }
    d.click("#mail-run").await;
    d.wait_for("Сводок собрано: 0").await;
    d.click("#logout").await;
    d.wait_for("Вход в систему").await;
    d.sign_in("head").await;
    d.goto(&format!("{}/me/mail", app.base)).await;
    d.wait_for("Присылать ежедневную сводку").await;
    d.screenshot(&screenshot_path("mail-me-390.png")).await;
    assert!(
        d.overflow().await <= 0,
        "one's mail settings scroll sideways on a phone"
    );
    let token =
        jobdesc::domain::mail::unsubscribe_token(app.settings.secret_key.expose().as_bytes(), &app.user_id("head"));
    d.click("#logout").await;
    d.wait_for("Вход в систему").await;
    d.goto(&format!("{}/mail/unsubscribe/{token}", app.base)).await;
    d.wait_for("Больше не присылать").await;
    d.screenshot(&screenshot_path("mail-unsubscribe-390.png")).await;
    d.click("#unsubscribe").await;
    d.wait_for("Сводка больше не будет приходить").await;
    d.screenshot(&screenshot_path("mail-unsubscribed-390.png")).await;
    assert!(d.overflow().await <= 0);
    d.quit().await;
    assert_eq!(s.head.get("/api/v1/me/mail").await.json()["digest"], false);
}

#[actix_web::test]
async fn the_interface_switches_to_english_and_documents_stay_russian() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    let d = Driver::start(&chromedriver, &chromium).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("hr").await;
    d.wait_for("Выйти").await;
    d.click("summary.who-menu").await;
    d.click("#switch-locale").await;
    d.wait_for("Sign out").await;
    for (w, h) in [(1366, 900), (390, 844)] {
        d.resize(w, h).await;
        d.goto(&format!("{}/versions/{}", app.base, s.version)).await;
        let page = d.wait_for("Sign out").await;
        assert!(
            page.contains("General provisions") || page.contains("Download"),
            "English labels: {page}"
        );
        d.screenshot(&screenshot_path(&format!("english-editor-{w}.png"))).await;
        assert!(d.overflow().await <= 0, "the English editor scrolls sideways at {w}");
        d.goto(&format!("{}/versions/{}/preview", app.base, s.version)).await;
        let page = d.wait_for("Sign out").await;
        assert!(
            page.contains("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ"),
            "the document keeps its language: {page}"
        );
        d.screenshot(&screenshot_path(&format!("english-preview-{w}.png")))
            .await;
        assert!(d.overflow().await <= 0, "the English preview scrolls sideways at {w}");
    }
    d.click("summary.who-menu").await;
    d.click("#switch-locale").await;
    d.wait_for("Выйти").await;
    d.quit().await;
}

/// The demo story on SQLite with its version sent for agreement.
async fn a_version_in_agreement() -> (TestApp, crate::workflow::Story) {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    let sent =
        s.hr.post(&format!("/api/v1/versions/{}/send", s.version), json!({}))
            .await;
    assert!(sent.status.is_success(), "{}", sent.body);
    (app, s)
}

/// The height of the page's header in CSS pixels.
async fn header_height(d: &Driver) -> i64 {
    d.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "return Math.round(document.querySelector('header').getBoundingClientRect().height);", "args": [] })),
    )
    .await
    .as_i64()
    .unwrap_or(i64::MAX)
}

#[actix_web::test]
async fn an_agreer_and_an_employee_work_from_a_phone() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let (app, s) = a_version_in_agreement().await;
    let v = s.version.clone();

    // The head of department gives the first visa on a phone: text first, then the decision.
    let d = Driver::start(&chromedriver, &chromium).await;
    d.resize(390, 844).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("head").await;
    assert!(
        header_height(&d).await < 150,
        "the menu leaves the screen to the page: {}",
        header_height(&d).await
    );
    d.screenshot(&screenshot_path("phone-agreer-inbox.png")).await;
    assert!(d.overflow().await <= 0, "the inbox fits");
    d.goto(&format!("{}/versions/{v}", app.base)).await;
    d.find("#visa").await;
    assert!(d.overflow().await <= 0, "the version and its visa form fit");
    d.type_into("#visa-comment-1", "Уточнить п. 2.1.").await;
    d.click("#visa-remarks").await;
    let page = d.wait_for("Виза поставлена").await;
    assert!(page.contains("flash-done"));
    d.screenshot(&screenshot_path("phone-agreer-visa-given.png")).await;
    d.quit().await;
    let lawyer = s
        .lawyer
        .post(
            &format!("/api/v1/versions/{v}/visa"),
            json!({ "decision": "agree", "comment": "" }),
        )
        .await;
    assert!(lawyer.status.is_success(), "{}", lawyer.body);
    let approved = s
        .director
        .post(&format!("/api/v1/versions/{v}/approve"), json!({}))
        .await;
    assert!(approved.status.is_success(), "{}", approved.body);

    // The employee signs on a phone and finds the instruction again afterwards.
    let d = Driver::start(&chromedriver, &chromium).await;
    d.resize(390, 844).await;
    d.goto(&format!("{}/login", app.base)).await;
    d.sign_in("sokolov").await;
    assert!(d.overflow().await <= 0, "the dashboard fits");
    d.click("#tasks a").await;
    d.wait_url("/acknowledgements/").await;
    d.find("#sign").await;
    assert!(d.overflow().await <= 0, "the document to sign fits");
    d.screenshot(&screenshot_path("phone-employee-acknowledgement.png"))
        .await;
    d.type_into("#password", PASSWORD).await;
    d.click("#sign").await;
    d.wait_for("Ознакомление подписано").await;
    d.goto(&format!("{}/my", app.base)).await;
    let page = d.wait_for("Ознакомлен(а)").await;
    assert!(page.contains("действует"));
    assert!(d.overflow().await <= 0, "«Мои инструкции» fits");
    d.screenshot(&screenshot_path("phone-employee-my.png")).await;
    d.quit().await;
}
