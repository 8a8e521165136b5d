//! The browser under test: ChromeDriver and Chromium found on the machine, driven
//! through W3C WebDriver.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::PASSWORD;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_binary(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

pub struct Driver {
    child: Child,
    base: String,
    session: String,
    client: awc::Client,
}

impl Driver {
    pub async fn start(chromedriver: &str, chromium: &str) -> Driver {
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

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
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

    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url }))).await;
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self
            .call(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/value"), Some(json!({ "text": text })))
            .await;
    }

    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/click"), Some(json!({})))
            .await;
    }

    pub async fn source(&self) -> String {
        self.call("GET", "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Polls the page until it contains `text` (a click does not wait for the next page).
    pub async fn wait_for(&self, text: &str) -> String {
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
    pub async fn wait_url(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.url().await.contains(part) {
            assert!(
                Instant::now() < deadline,
                "never reached a page whose address contains {part:?}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn url(&self) -> String {
        self.call("GET", "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.call("GET", "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("PNG in base64");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("target dir");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Fills the login form already shown and waits for the dashboard.
    pub async fn sign_in(&self, login: &str) {
        self.type_into("#login", login).await;
        self.type_into("#password", PASSWORD).await;
        self.click("form.narrow button[type=submit]").await;
        self.wait_for("Вы вошли как").await;
    }

    /// Resizes the window (a phone is 390 CSS pixels wide).
    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// How much wider the page is than the window (0 when nothing overflows).
    pub async fn overflow(&self) -> i64 {
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

    pub async fn quit(mut self) {
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
pub fn browser() -> Option<(String, String)> {
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

pub fn screenshot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(name)
}
