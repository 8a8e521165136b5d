//! The release server under load: started as its own process on a prepared
//! database, signed in to like a browser, and watched for memory.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};

/// A running server process; stopped when dropped.
pub struct Server {
    pub base: String,
    child: Child,
}

/// A browser session: its cookie and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Resident memory of the server process.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kb: u64,
    /// The high-water mark since start.
    pub peak_kb: u64,
}

struct Answer {
    status: u16,
    cookies: Vec<String>,
    body: String,
}

fn request(
    base: &str,
    method: awc::http::Method,
    path: &str,
    cookie: &str,
    form: Option<String>,
) -> Result<Answer, String> {
    let url = format!("{base}{path}");
    actix_rt::System::new().block_on(async move {
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish();
        let r = client.request(method, url).insert_header(("cookie", cookie));
        let sent = match form {
            Some(f) => {
                r.insert_header(("content-type", "application/x-www-form-urlencoded"))
                    .send_body(f)
                    .await
            }
            None => r.send().await,
        };
        let mut res = sent.map_err(|e| e.to_string())?;
        let body = res.body().limit(64 << 20).await.map_err(|e| e.to_string())?;
        Ok(Answer {
            status: res.status().as_u16(),
            cookies: res
                .headers()
                .get_all("set-cookie")
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next())
                .map(str::to_string)
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    })
}

fn csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf-token\" content=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

impl Server {
    /// Starts the release binary on `url` and waits until `/healthz` answers.
    pub fn start(url: &str, data_dir: &std::path::Path, secret: &str) -> Result<Server, String> {
        let port = free_port()?;
        let log = std::fs::File::create(data_dir.join("server.log")).map_err(|e| e.to_string())?;
        let child = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
            .arg("serve")
            .env("JOBDESC_DATABASE_URL", url)
            .env("JOBDESC_DATA_DIR", data_dir)
            .env("JOBDESC_SECRET_KEY", secret)
            .env("JOBDESC_BIND", format!("127.0.0.1:{port}"))
            .env("JOBDESC_LOG_LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting the server: {e}"))?;
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            child,
        };
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if request(&server.base, awc::http::Method::GET, "/healthz", "", None).is_ok_and(|a| a.status == 200) {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "the server did not answer; see {}",
            data_dir.join("server.log").display()
        ))
    }

    /// Signs in through the login form, as a browser does.
    pub fn login(&self, login: &str, password: &str) -> Result<Session, String> {
        let page = request(&self.base, awc::http::Method::GET, "/login", "", None)?;
        let cookie = page.cookies.join("; ");
        let token = csrf(&page.body).ok_or("no CSRF token on the login page")?;
        let form = serde_urlencoded::to_string([
            ("login", login),
            ("password", password),
            ("next", "/"),
            ("csrf_token", &token),
        ])
        .map_err(|e| e.to_string())?;
        let signed = request(&self.base, awc::http::Method::POST, "/login", &cookie, Some(form))?;
        if signed.status != 303 {
            return Err(format!("signing in as {login} answered {}", signed.status));
        }
        let cookie = signed.cookies.join("; ");
        let home = request(&self.base, awc::http::Method::GET, "/", &cookie, None)?;
        Ok(Session {
            csrf: csrf(&home.body).ok_or("no CSRF token after signing in")?,
            cookie,
        })
    }

    /// The body of a page read with a session's cookie.
    #[allow(dead_code, reason = "used by the scale benchmark, which shares this file")]
    pub fn get(&self, path: &str, cookie: &str) -> Result<String, String> {
        let a = request(&self.base, awc::http::Method::GET, path, cookie, None)?;
        match a.status {
            200 => Ok(a.body),
            s => Err(format!("GET {path} answered {s}")),
        }
    }

    /// The process id (for a profiler to attach to).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The process's resident and peak memory (Linux `/proc`).
    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kb: field("VmRSS:"),
            peak_kb: field("VmHWM:"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PostgreSQL database of its own, dropped at the end.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates `jobdesc_bench_<random>` on the server of `admin`.
    pub fn create(admin: &str) -> Result<PgDatabase, String> {
        let name = format!("jobdesc_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(admin).map_err(|e| format!("{admin}: {e}"))?;
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"))
            .execute(&mut conn)
            .map_err(|e| e.to_string())?;
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        Ok(PgDatabase {
            admin: admin.to_string(),
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}
