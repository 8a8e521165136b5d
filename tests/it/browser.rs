//! A real headless Chromium through ChromeDriver (W3C WebDriver): sign in,
//! create a department, see it listed, sign out. Saves a screenshot under target/.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp, PASSWORD};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_binary(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    client: awc::Client,
}

impl Driver {
    async fn start(chromedriver: &str, chromium: &str) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let client = awc::Client::builder().timeout(Duration::from_secs(60)).finish();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut r) = client.get(format!("{base}/status")).send().await
                && r.json::<Value>()
                    .await
                    .map(|v| v["value"]["ready"] == true)
                    .unwrap_or(false)
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("jobdesc-chrome-{}", uuid::Uuid::new_v4()));
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", format!("--user-data-dir={}", profile.display())
            ]}
        }}});
        let mut driver = Driver {
            child,
            base,
            session: String::new(),
            client,
        };
        let v = driver.call("POST", "/session", Some(caps)).await;
        driver.session = v["sessionId"].as_str().expect("session id").to_string();
        // Finding an element waits for it a while (pages load after clicks).
        driver
            .call("POST", "/timeouts", Some(json!({ "implicit": 5000 })))
            .await;
        driver
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = self.client.request(method.parse().expect("method"), url);
        let mut res = match body {
            Some(b) => req.send_json(&b).await,
            None => req.send().await,
        }
        .expect("webdriver answers");
        let v: Value = res.json().limit(32 << 20).await.expect("webdriver JSON");
        assert!(v["value"]["error"].is_null(), "webdriver {method} {path}: {v}");
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url }))).await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .call(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/value"), Some(json!({ "text": text })))
            .await;
    }

    async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/click"), Some(json!({})))
            .await;
    }

    async fn source(&self) -> String {
        self.call("GET", "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Polls the page until it contains `text` (a click does not wait for the next page).
    async fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let page = self.source().await;
            if page.contains(text) {
                return page;
            }
            assert!(Instant::now() < deadline, "page never showed {text:?}: {page}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls until the address contains `part` (the next page has loaded).
    async fn wait_url(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.url().await.contains(part) {
            assert!(
                Instant::now() < deadline,
                "never reached a page whose address contains {part:?}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn url(&self) -> String {
        self.call("GET", "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.call("GET", "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("PNG in base64");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("target dir");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Fills the login form already shown and waits for the dashboard.
    async fn sign_in(&self, login: &str) {
        self.type_into("#login", login).await;
        self.type_into("#password", PASSWORD).await;
        self.click("form.narrow button[type=submit]").await;
        self.wait_for("Вы вошли как").await;
    }

    /// Resizes the window (a phone is 390 CSS pixels wide).
    async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// How much wider the page is than the window (0 when nothing overflows).
    async fn overflow(&self) -> i64 {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({
                "script": "return document.documentElement.scrollWidth - window.innerWidth;",
                "args": []
            })),
        )
        .await
        .as_i64()
        .unwrap_or(i64::MAX)
    }

    async fn quit(mut self) {
        let _ = self
            .client
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ChromeDriver and Chromium, or `None` (with a note) where they are not installed.
fn browser() -> Option<(String, String)> {
    let chromedriver = find_binary(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chromium = find_binary(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    match (chromedriver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the browser test: install chromium and chromium-driver"
            );
            eprintln!("note: chromium/chromedriver not installed; browser test skipped");
            None
        }
    }
}

fn screenshot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(name)
}

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
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    let v = s.version.clone();
    let sent = s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    assert!(sent.status.is_success(), "{}", sent.body);

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

/// A browser that counts what its user does: each click (a menu link included).
struct Counted {
    d: Driver,
    clicks: usize,
    width: u32,
    shots: usize,
    base: String,
}

impl Counted {
    async fn click(&mut self, css: &str) {
        self.clicks += 1;
        self.d.click(css).await;
    }

    /// Follows a menu link (one click), as a user moving between sections does.
    async fn menu(&mut self, href: &str) {
        self.click(&format!("header nav a[href='{href}']")).await;
        self.d.wait_url(href).await;
    }

    async fn sign_in(&mut self, login: &str) {
        self.d.goto(&format!("{}/login", self.base)).await;
        self.clicks += 1;
        self.d.sign_in(login).await;
    }

    async fn sign_out(&mut self) {
        self.click("#logout").await;
        self.d.wait_for("Вход в систему").await;
    }

    /// Saves the page as `story-<width>-<n>-<name>.png`; on a phone the page must not
    /// scroll sideways.
    async fn shot(&mut self, name: &str) {
        self.shots += 1;
        let file = format!("story-{}-{:02}-{name}.png", self.width, self.shots);
        self.d.screenshot(&screenshot_path(&file)).await;
        if self.width < 640 {
            assert!(
                self.d.overflow().await <= 0,
                "{name} scrolls sideways at {} px",
                self.width
            );
        }
    }
}

/// The whole story, every role in turn, at a desktop's and at a phone's width: HR
/// writes a job description for a position that has none, the head of the department
/// remarks on a clause and agrees with remarks, HR answers, the lawyer agrees, the
/// director approves, the employee signs and finds it again. Counts the clicks.
#[actix_web::test]
async fn the_whole_story_by_every_role_at_desktop_and_phone_width() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    for (width, height) in [(1366, 900), (390, 844)] {
        let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
        let s = crate::workflow::story(&app).await;
        // A position with no job description yet, held by the employee of the story.
        let department = s.department.clone();
        let chief = s.hr.get(&format!("/api/v1/positions/{}", s.position)).await.json()["reports_to_id"].clone();
        let position = s
            .hr
            .post(
                "/api/v1/positions",
                json!({ "title": "комплектовщик", "title_genitive": "комплектовщика", "category": "worker", "department_id": department, "reports_to_id": chief }),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("position")
            .to_string();
        let held =
            s.hr.post(
                "/api/v1/assignments",
                json!({ "employee_id": s.employee_id, "position_id": position, "date_from": "2024-01-10" }),
            )
            .await;
        assert!(held.status.is_success(), "{}", held.body);

        let d = Driver::start(&chromedriver, &chromium).await;
        d.resize(width, height).await;
        let mut u = Counted {
            d,
            clicks: 0,
            width,
            shots: 0,
            base: app.base.clone(),
        };

        // HR: a new job description from the template, a safety clause from the library, sent.
        u.sign_in("hr").await;
        if width > 1000 {
            // The occasional pages sit in groups: HR's menu is one row beside the name.
            assert!(header_height(&u.d).await < 70, "{}", header_height(&u.d).await);
        }
        // A group opens over the page and leads to its pages.
        u.d.click("header nav details.nav-group summary").await;
        u.d.find("header nav details[open] a[href='/positions']").await;
        u.d.screenshot(&screenshot_path(&format!("menu-{width}-open.png")))
            .await;
        if width < 640 {
            assert!(u.d.overflow().await <= 0, "the open group fits a phone");
        }
        u.d.click("header nav details.nav-group summary").await;
        u.shot("hr-dashboard").await;
        u.menu("/documents").await;
        u.click("#add").await;
        u.d.wait_url("/documents/new").await;
        u.click(&format!("#f-position_id option[value='{position}']")).await;
        u.shot("hr-new-document").await;
        u.click("#save").await;
        u.d.wait_for("Проверка текста").await;
        u.click("#s-safety-add").await;
        u.d.wait_url("clauses/new").await;
        u.d.type_into("input[name=q]", "инструктажа").await;
        u.click("form.inline-form button[type=submit]").await;
        u.d.wait_for("name=\"library_id\"").await;
        u.shot("hr-library-picker").await;
        u.click(".library-hits button").await;
        u.d.wait_for("Версия текста 2").await;
        u.shot("hr-editor").await;
        u.click("#send").await;
        u.d.wait_for("Отправлено на согласование").await;
        u.shot("hr-sent").await;
        let version = u.d.url().await;
        let version = version
            .split("/versions/")
            .nth(1)
            .and_then(|r| r.split(['#', '?', '/']).next())
            .expect("on the version")
            .to_string();
        u.sign_out().await;

        // The head of the department: from the task to the text, a remark, a visa with remarks.
        u.sign_in("head").await;
        u.click(&format!("#tasks a[href^='/versions/{version}']")).await;
        u.d.wait_url(&version).await;
        u.click("li.clause details.comment-tool summary").await;
        u.d.type_into(
            "li.clause details.comment-tool input[name=text]",
            "Указать периодичность.",
        )
        .await;
        u.click("li.clause details.comment-tool button").await;
        u.d.wait_for("Замечание к пункту записано").await;
        u.d.type_into("#visa-comment-1", "Замечание к п. 1.1 прилагается.")
            .await;
        u.shot("head-visa").await;
        u.click("#visa-remarks").await;
        u.d.wait_for("Виза поставлена: согласовано с замечаниями").await;
        u.sign_out().await;

        // HR answers the remark without a new round.
        u.sign_in("hr").await;
        u.click(&format!(
            "#in-flight a[href^='/versions/{version}'], a[href^='/versions/{version}']"
        ))
        .await;
        u.d.wait_url(&version).await;
        u.click(".remark-line details.comment-tool summary").await;
        u.d.type_into(".remark-line input[name=text]", "Периодичность указана в п. 5.2.")
            .await;
        u.click(".remark-line button").await;
        u.d.wait_for("Ответ на замечание записан").await;
        u.shot("hr-answered").await;
        u.sign_out().await;

        // The lawyer agrees; the director approves.
        u.sign_in("lawyer").await;
        u.click(&format!("#tasks a[href^='/versions/{version}']")).await;
        u.d.wait_url(&version).await;
        u.click("#visa-agree").await;
        u.d.wait_for("Виза поставлена: согласовано").await;
        u.sign_out().await;
        u.sign_in("director").await;
        u.click(&format!("#tasks a[href^='/versions/{version}']")).await;
        u.d.wait_url(&version).await;
        u.shot("director-approval").await;
        u.click("#approve").await;
        u.d.wait_for("утвержден").await;
        u.shot("director-approved").await;
        u.sign_out().await;

        // The employee signs and finds the instruction again.
        u.sign_in("sokolov").await;
        u.shot("employee-dashboard").await;
        u.click("#tasks a").await;
        u.d.wait_url("/acknowledgements/").await;
        u.d.find("#sign").await;
        u.shot("employee-acknowledgement").await;
        u.d.type_into("#password", PASSWORD).await;
        u.click("#sign").await;
        u.d.wait_for("Ознакомление подписано").await;
        u.menu("/my").await;
        let page = u.d.wait_for("Ознакомлен(а)").await;
        assert!(
            page.contains("комплектовщик"),
            "the new instruction is among the employee's"
        );
        u.shot("employee-my").await;
        u.sign_out().await;

        eprintln!(
            "the whole story at {width} px: {} clicks, {} screenshots",
            u.clicks, u.shots
        );
        // The interface issue counted 39 clicks for the story without remark and answer.
        assert!(u.clicks < 39, "{} clicks at {width} px", u.clicks);
        u.d.quit().await;
    }
}

/// axe-core's script, installed by `.ci/run` from the npm registry into `target/axe`
/// (a test tool, not shipped), or `None` with a note where it is not installed.
fn axe_script() -> Option<String> {
    let path = std::env::var("JOBDESC_AXE").unwrap_or_else(|_| {
        format!(
            "{}/target/axe/node_modules/axe-core/axe.min.js",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the accessibility test: npm install axe-core into target/axe"
            );
            eprintln!("note: axe-core not installed at {path}; accessibility test skipped");
            None
        }
    }
}

/// The serious and critical accessibility violations axe-core finds on the page.
async fn violations(d: &Driver, axe: &str) -> Vec<String> {
    d.call("POST", "/timeouts", Some(json!({ "script": 60000 }))).await;
    d.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": format!("{axe}\n;return true;"), "args": [] })),
    )
    .await;
    let found = d
        .call(
            "POST",
            "/execute/async",
            Some(json!({ "script": "const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));", "args": [] })),
        )
        .await;
    found
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The main pages of each role pass axe-core without serious or critical violations
/// (labels, contrast, names of buttons and links, landmarks).
#[actix_web::test]
async fn the_main_pages_of_each_role_are_accessible() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let Some(axe) = axe_script() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let s = crate::workflow::story(&app).await;
    let v = s.version.clone();
    let sent = s.hr.post(&format!("/api/v1/versions/{v}/send"), json!({})).await;
    assert!(sent.status.is_success(), "{}", sent.body);
    let d = Driver::start(&chromedriver, &chromium).await;
    let mut found = Vec::new();
    d.goto(&format!("{}/login", app.base)).await;
    for v in violations(&d, &axe).await {
        found.push(format!("/login: {v}"));
    }
    // The checker itself finds what it should: a button without a name.
    d.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "document.querySelector('main').insertAdjacentHTML('beforeend', '<button id=\"nameless\"></button>'); return true;", "args": [] })),
    )
    .await;
    let planted = violations(&d, &axe).await;
    assert!(
        planted.iter().any(|v| v.starts_with("button-name")),
        "axe-core reports a nameless button: {planted:?}"
    );
    let pages: [(&str, Vec<String>); 5] = [
        (
            "hr",
            vec![
                "/".into(),
                "/documents".into(),
                format!("/versions/{v}"),
                format!("/departments/{}/route", s.department),
                "/positions".into(),
                "/coverage".into(),
                "/library".into(),
            ],
        ),
        ("head", vec!["/".into(), format!("/versions/{v}")]),
        ("director", vec!["/".into(), "/substitutes".into(), "/me/mail".into()]),
        ("admin", vec!["/mail".into(), "/webhooks".into()]),
        ("sokolov", vec!["/".into(), "/my".into()]),
    ];
    for (login, paths) in pages {
        d.goto(&format!("{}/login", app.base)).await;
        d.sign_in(login).await;
        for path in paths {
            d.goto(&format!("{}{path}", app.base)).await;
            d.find("main").await;
            let name = format!("a11y-{login}{}.png", path.replace('/', "-"));
            d.screenshot(&screenshot_path(&name)).await;
            for v in violations(&d, &axe).await {
                found.push(format!("{login} {path}: {v}"));
            }
        }
        d.click("#logout").await;
        d.wait_for("Вход в систему").await;
    }
    d.quit().await;
    assert!(found.is_empty(), "accessibility violations:\n{}", found.join("\n"));
}
