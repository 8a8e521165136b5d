//! A real SMTP server for the mail tests: aiosmtpd (from PyPI) writing what it
//! receives into a maildir, read back with mail-parser.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// aiosmtpd on 127.0.0.1, delivering into a maildir of its own.
pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// One mail the server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub unsubscribe: String,
    pub unsubscribe_post: String,
}

/// True when aiosmtpd can be started here; says why not once, and fails in CI.
pub fn available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the mail tests: pip install aiosmtpd"
        );
        eprintln!("skipped: no SMTP server for the mail tests (pip install aiosmtpd)");
    }
    ok
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpServer {
    /// A server on a port of its own, not yet listening (see [`SmtpServer::start`]).
    pub fn on(port: u16) -> SmtpServer {
        SmtpServer {
            port,
            dir: tempfile::tempdir().expect("maildir"),
            child: None,
        }
    }

    /// Starts listening and waits until it accepts connections.
    pub fn start(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < until, "aiosmtpd did not listen on {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// Every mail received so far, in no particular order.
    pub fn received(&self) -> Vec<Received> {
        let Ok(files) = std::fs::read_dir(self.maildir().join("new")) else {
            return Vec::new();
        };
        files
            .filter_map(Result::ok)
            .map(|f| {
                let bytes = std::fs::read(f.path()).expect("a delivered mail");
                let m = mail_parser::MessageParser::default()
                    .parse(&bytes)
                    .expect("a mail that parses");
                let header = |name: &str| m.header_raw(name).map(|v| v.trim().to_string()).unwrap_or_default();
                Received {
                    to: m
                        .to()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_string(),
                    subject: m.subject().unwrap_or_default().to_string(),
                    body: m.body_text(0).map(|b| b.replace("\r\n", "\n")).unwrap_or_default(),
                    message_id: m.message_id().unwrap_or_default().to_string(),
                    unsubscribe: header("List-Unsubscribe"),
                    unsubscribe_post: header("List-Unsubscribe-Post"),
                }
            })
            .collect()
    }

    /// The digest `to` received for `date` (dd.mm.yyyy, as in its subject).
    pub fn digest(&self, to: &str, date: &str) -> Received {
        let mut found: Vec<Received> = self.to(to).into_iter().filter(|m| m.subject.contains(date)).collect();
        assert_eq!(found.len(), 1, "one digest for {to} on {date}: {:?}", self.received());
        found.remove(0)
    }

    /// The mails received for `to`.
    pub fn to(&self, to: &str) -> Vec<Received> {
        self.received().into_iter().filter(|m| m.to == to).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
