//! Settings: defaults, then `jobdesc.toml`, then `JOBDESC_*` variables, then flags.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod directory;
mod mail;

use directory::directory_settings;
pub use directory::{DirectorySettings, LdapLayer};
use mail::mail_settings;
pub use mail::{MailSettings, SmtpTls};

/// A secret that never shows in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Every setting, each optional, as one layer supplies them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub database_url: Option<Secret>,
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub secret_key: Option<Secret>,
    pub time_zone: Option<String>,
    pub log_level: Option<String>,
    pub log_format: Option<String>,
    pub cookie_secure: Option<bool>,
    pub pool_size: Option<u32>,
    pub workers: Option<usize>,
    pub registration_format: Option<String>,
    pub acknowledge_days: Option<i64>,
    pub review_months: Option<u32>,
    pub import_max_bytes: Option<u64>,
    pub public_url: Option<String>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub trusted_proxies: Option<Vec<String>>,
    pub pool_timeout_seconds: Option<u64>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_tls: Option<String>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<Secret>,
    pub mail_from: Option<String>,
    pub digest_hour: Option<u32>,
    pub mail_every_seconds: Option<u64>,
    /// `[ldap]`: directory sign-in.
    pub ldap: Option<LdapLayer>,
}

impl Layer {
    /// Values of `other` win over ours.
    fn merge(self, other: Layer) -> Layer {
        Layer {
            database_url: other.database_url.or(self.database_url),
            bind: other.bind.or(self.bind),
            data_dir: other.data_dir.or(self.data_dir),
            secret_key: other.secret_key.or(self.secret_key),
            time_zone: other.time_zone.or(self.time_zone),
            log_level: other.log_level.or(self.log_level),
            log_format: other.log_format.or(self.log_format),
            cookie_secure: other.cookie_secure.or(self.cookie_secure),
            pool_size: other.pool_size.or(self.pool_size),
            workers: other.workers.or(self.workers),
            registration_format: other.registration_format.or(self.registration_format),
            acknowledge_days: other.acknowledge_days.or(self.acknowledge_days),
            review_months: other.review_months.or(self.review_months),
            import_max_bytes: other.import_max_bytes.or(self.import_max_bytes),
            public_url: other.public_url.or(self.public_url),
            session_idle_minutes: other.session_idle_minutes.or(self.session_idle_minutes),
            session_absolute_hours: other.session_absolute_hours.or(self.session_absolute_hours),
            trusted_proxies: other.trusted_proxies.or(self.trusted_proxies),
            pool_timeout_seconds: other.pool_timeout_seconds.or(self.pool_timeout_seconds),
            smtp_host: other.smtp_host.or(self.smtp_host),
            smtp_port: other.smtp_port.or(self.smtp_port),
            smtp_tls: other.smtp_tls.or(self.smtp_tls),
            smtp_user: other.smtp_user.or(self.smtp_user),
            smtp_password: other.smtp_password.or(self.smtp_password),
            mail_from: other.mail_from.or(self.mail_from),
            digest_hour: other.digest_hour.or(self.digest_hour),
            mail_every_seconds: other.mail_every_seconds.or(self.mail_every_seconds),
            ldap: match (self.ldap, other.ldap) {
                (Some(ours), Some(theirs)) => Some(ours.merge(theirs)),
                (ours, theirs) => theirs.or(ours),
            },
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `postgres://...` or a SQLite file path (`sqlite://` prefix optional).
    pub database_url: Secret,
    pub bind: String,
    pub data_dir: PathBuf,
    /// Key for session cookies and signatures; shared by all instances.
    pub secret_key: Secret,
    /// Default time zone for dates before the organisation sets its own.
    pub time_zone: String,
    pub log_level: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Send cookies with `Secure` (set behind HTTPS).
    pub cookie_secure: bool,
    pub pool_size: u32,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Registration numbers given at approval: `{year}` and `{seq}` (three digits).
    pub registration_format: String,
    /// Days employees have to acknowledge a new version.
    pub acknowledge_days: i64,
    /// Months after a version comes into force until it is due for review.
    pub review_months: u32,
    /// Largest upload for import, all files of one request together (bytes).
    pub import_max_bytes: u64,
    /// Address people reach the server at, for the QR code on documents and links in mails.
    pub public_url: String,
    /// `public_url` was set; otherwise it follows the address the server listens on.
    pub public_url_given: bool,
    /// A session unused this long ends.
    pub session_idle: chrono::Duration,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute: chrono::Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges).
    pub trusted_proxies: Vec<crate::net::IpRange>,
    /// How long a request waits for a database connection before failing.
    pub pool_timeout: std::time::Duration,
    /// The SMTP server digests go through; none, no mail is sent (the outbox still fills).
    pub mail: Option<MailSettings>,
    /// The hour (organisation's time, 0–23) from which the day's digests are composed.
    pub digest_hour: u32,
    /// How often the server composes due digests and sends the outbox.
    pub mail_every: std::time::Duration,
    /// The directory people may sign in against besides local accounts (`[ldap]`).
    pub directory: Option<DirectorySettings>,
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

const ENV_PREFIX: &str = "JOBDESC_";
const ENV_KEYS: [&str; 29] = [
    "LDAP_URL",
    "LDAP_BIND_PASSWORD",
    "MAIL_EVERY_SECONDS",
    "REVIEW_MONTHS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_TLS",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "MAIL_FROM",
    "DIGEST_HOUR",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "TRUSTED_PROXIES",
    "POOL_TIMEOUT_SECONDS",
    "PUBLIC_URL",
    "REGISTRATION_FORMAT",
    "ACKNOWLEDGE_DAYS",
    "IMPORT_MAX_BYTES",
    "DATABASE_URL",
    "BIND",
    "DATA_DIR",
    "SECRET_KEY",
    "TIME_ZONE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "COOKIE_SECURE",
    "POOL_SIZE",
    "WORKERS",
];
/// Variables read elsewhere (by the CLI or the tests), not settings.
const ENV_OTHER: [&str; 2] = ["CONFIG", "TEST_POSTGRES_URL"];

fn from_env(vars: &[(String, String)], warnings: &mut Vec<String>) -> Result<Layer, ConfigError> {
    let mut layer = Layer::default();
    for (name, value) in vars {
        let Some(key) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let bad = |message: String| ConfigError::Env {
            name: name.clone(),
            message,
        };
        match key {
            "DATABASE_URL" => layer.database_url = Some(Secret::new(value)),
            "BIND" => layer.bind = Some(value.clone()),
            "DATA_DIR" => layer.data_dir = Some(PathBuf::from(value)),
            "SECRET_KEY" => layer.secret_key = Some(Secret::new(value)),
            "TIME_ZONE" => layer.time_zone = Some(value.clone()),
            "LOG_LEVEL" => layer.log_level = Some(value.clone()),
            "LOG_FORMAT" => layer.log_format = Some(value.clone()),
            "COOKIE_SECURE" => {
                layer.cookie_secure = Some(match value.as_str() {
                    "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => return Err(bad("expected true or false".into())),
                })
            }
            "POOL_SIZE" => layer.pool_size = Some(value.parse().map_err(|_| bad("expected a number".into()))?),
            "WORKERS" => layer.workers = Some(value.parse().map_err(|_| bad("expected a number".into()))?),
            "REGISTRATION_FORMAT" => layer.registration_format = Some(value.clone()),
            "PUBLIC_URL" => layer.public_url = Some(value.clone()),
            "IMPORT_MAX_BYTES" => {
                layer.import_max_bytes = Some(value.parse().map_err(|_| bad("expected a number of bytes".into()))?)
            }
            "ACKNOWLEDGE_DAYS" => {
                layer.acknowledge_days = Some(value.parse().map_err(|_| bad("expected a number".into()))?)
            }
            "REVIEW_MONTHS" => layer.review_months = Some(value.parse().map_err(|_| bad("expected a number".into()))?),
            "SESSION_IDLE_MINUTES" => {
                layer.session_idle_minutes = Some(value.parse().map_err(|_| bad("expected minutes".into()))?)
            }
            "SESSION_ABSOLUTE_HOURS" => {
                layer.session_absolute_hours = Some(value.parse().map_err(|_| bad("expected hours".into()))?)
            }
            "POOL_TIMEOUT_SECONDS" => {
                layer.pool_timeout_seconds = Some(value.parse().map_err(|_| bad("expected seconds".into()))?)
            }
            "SMTP_HOST" => layer.smtp_host = Some(value.clone()),
            "SMTP_PORT" => layer.smtp_port = Some(value.parse().map_err(|_| bad("expected a port number".into()))?),
            "SMTP_TLS" => layer.smtp_tls = Some(value.clone()),
            "SMTP_USER" => layer.smtp_user = Some(value.clone()),
            "SMTP_PASSWORD" => layer.smtp_password = Some(Secret::new(value)),
            "MAIL_FROM" => layer.mail_from = Some(value.clone()),
            "DIGEST_HOUR" => layer.digest_hour = Some(value.parse().map_err(|_| bad("expected an hour, 0-23".into()))?),
            "MAIL_EVERY_SECONDS" => {
                layer.mail_every_seconds = Some(value.parse().map_err(|_| bad("expected seconds".into()))?)
            }
            "LDAP_URL" => layer.ldap.get_or_insert_with(LdapLayer::default).url = Some(value.clone()),
            "LDAP_BIND_PASSWORD" => {
                layer.ldap.get_or_insert_with(LdapLayer::default).bind_password = Some(Secret::new(value))
            }
            "TRUSTED_PROXIES" => {
                layer.trusted_proxies = Some(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            }
            other if ENV_OTHER.contains(&other) => {}
            _ => warnings.push(format!(
                "unknown environment variable {name} ignored (known: {})",
                ENV_KEYS.map(|k| format!("{ENV_PREFIX}{k}")).join(", ")
            )),
        }
    }
    Ok(layer)
}

/// The URL of a server bound to `bind` on `port`, as a browser on this machine opens it.
pub fn local_url(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        h => h,
    };
    format!("http://{host}:{port}")
}

fn from_file(path: &Path) -> Result<Layer, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Reads every layer. `config_file` is an explicit file (must exist); without
/// it `./jobdesc.toml` is read when present. Returns warnings to log.
pub fn load(
    config_file: Option<&Path>,
    vars: &[(String, String)],
    flags: Layer,
) -> Result<(Settings, Vec<String>), ConfigError> {
    let mut warnings = Vec::new();
    let file = match config_file {
        Some(p) => from_file(p)?,
        None if Path::new("jobdesc.toml").exists() => from_file(Path::new("jobdesc.toml"))?,
        None => Layer::default(),
    };
    let env = from_env(vars, &mut warnings)?;
    let l = file.merge(env).merge(flags);
    let mail = mail_settings(&l)?;
    let directory = directory_settings(l.ldap.clone())?;
    let data_dir = l.data_dir.unwrap_or_else(|| PathBuf::from("data"));
    let database_url = l
        .database_url
        .unwrap_or_else(|| Secret::new(format!("sqlite://{}", data_dir.join("jobdesc.db").display())));
    let time_zone = l.time_zone.unwrap_or_else(|| "Europe/Moscow".into());
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(ConfigError::Invalid(format!("unknown time zone {time_zone}")));
    }
    let log_format = l.log_format.unwrap_or_else(|| "text".into());
    if !["text", "json"].contains(&log_format.as_str()) {
        return Err(ConfigError::Invalid(format!(
            "log_format must be text or json, not {log_format}"
        )));
    }
    let bind = l.bind.unwrap_or_else(|| "127.0.0.1:8080".into());
    let digest_hour = l.digest_hour.unwrap_or(8);
    if digest_hour > 23 {
        return Err(ConfigError::Invalid(format!(
            "digest_hour must be 0-23, not {digest_hour}"
        )));
    }
    let public_url_given = l.public_url.is_some();
    let public_url = l
        .public_url
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("http://{bind}"));
    let settings = Settings {
        database_url,
        bind,
        secret_key: match l.secret_key {
            Some(k) if k.expose().len() < 32 => {
                return Err(ConfigError::Invalid("secret_key must be at least 32 characters".into()))
            }
            Some(k) => k,
            None => Secret::new(""),
        },
        data_dir,
        time_zone,
        log_level: l.log_level.unwrap_or_else(|| "info".into()),
        log_format,
        cookie_secure: l.cookie_secure.unwrap_or(false),
        pool_size: l.pool_size.unwrap_or(10).max(1),
        workers: l.workers.unwrap_or(0),
        registration_format: match l.registration_format {
            Some(f) if !f.contains("{seq}") => {
                return Err(ConfigError::Invalid("registration_format must contain {seq}".into()))
            }
            Some(f) => f,
            None => "ДИ-{year}-{seq}".into(),
        },
        acknowledge_days: l.acknowledge_days.unwrap_or(14).clamp(1, 365),
        review_months: l.review_months.unwrap_or(12).clamp(1, 120),
        import_max_bytes: l.import_max_bytes.unwrap_or(20 << 20).max(1024),
        public_url,
        public_url_given,
        session_idle: chrono::Duration::minutes(l.session_idle_minutes.unwrap_or(120).clamp(1, 60 * 24 * 30)),
        session_absolute: chrono::Duration::hours(l.session_absolute_hours.unwrap_or(12).clamp(1, 24 * 90)),
        trusted_proxies: l
            .trusted_proxies
            .unwrap_or_default()
            .iter()
            .map(|p| {
                p.parse().map_err(|_| {
                    ConfigError::Invalid(format!("trusted_proxies: {p:?} is not an address or CIDR range"))
                })
            })
            .collect::<Result<_, _>>()?,
        pool_timeout: std::time::Duration::from_secs(l.pool_timeout_seconds.unwrap_or(5).clamp(1, 120)),
        mail,
        digest_hour,
        mail_every: std::time::Duration::from_secs(l.mail_every_seconds.unwrap_or(60).clamp(1, 3600)),
        directory,
    };
    Ok((settings, warnings))
}

impl Settings {
    /// Once the server listens on `port`: without a configured `public_url`, links
    /// point at the address it listens on (`0.0.0.0` read as this machine).
    pub fn listening_on(&mut self, port: u16) {
        if !self.public_url_given {
            self.public_url = local_url(&self.bind, port);
        }
    }
    /// Uses the configured secret key, or reads (creating on first start)
    /// `secret.key` in the data directory. True when the key file was already there,
    /// that is, when this is not the installation's first start.
    pub fn ensure_secret_key(&mut self) -> Result<bool, ConfigError> {
        if !self.secret_key.expose().is_empty() {
            return Ok(false);
        }
        let path = self.data_dir.join("secret.key");
        let io = |source| ConfigError::Read {
            path: path.clone(),
            source,
        };
        if path.exists() {
            let key = std::fs::read_to_string(&path).map_err(io)?.trim().to_string();
            if key.len() < 32 {
                return Err(ConfigError::Invalid(format!(
                    "{} holds a key shorter than 32 characters",
                    path.display()
                )));
            }
            self.secret_key = Secret::new(key);
            Ok(true)
        } else {
            std::fs::create_dir_all(&self.data_dir).map_err(io)?;
            let key = crate::domain::account::random_secret(64);
            write_private(&path, &key).map_err(io)?;
            self.secret_key = Secret::new(key);
            Ok(false)
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults() {
        let (s, w) = load(None, &[], Layer::default()).expect("defaults load");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("data"));
        assert_eq!(s.database_url.expose(), "sqlite://data/jobdesc.db");
        assert!(w.is_empty());
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("jobdesc.toml");
        std::fs::write(
            &file,
            "bind = \"0.0.0.0:1\"\ndata_dir = \"/srv/jd\"\nlog_level = \"warn\"\n",
        )
        .expect("write");
        let env = vars(&[("JOBDESC_BIND", "0.0.0.0:2"), ("JOBDESC_LOG_LEVEL", "debug")]);
        let flags = Layer {
            bind: Some("0.0.0.0:3".into()),
            ..Default::default()
        };
        let (s, _) = load(Some(&file), &env, flags).expect("load");
        assert_eq!(s.bind, "0.0.0.0:3");
        assert_eq!(s.log_level, "debug");
        assert_eq!(s.data_dir, PathBuf::from("/srv/jd"));
        assert_eq!(s.database_url.expose(), "sqlite:///srv/jd/jobdesc.db");
    }

    #[test]
    fn unknown_env_warns_and_bad_values_fail() {
        let (_, w) = load(None, &vars(&[("JOBDESC_BINDD", "x"), ("OTHER", "y")]), Layer::default()).expect("load");
        assert_eq!(w.len(), 1);
        assert!(load(None, &vars(&[("JOBDESC_POOL_SIZE", "many")]), Layer::default()).is_err());
        assert!(load(None, &vars(&[("JOBDESC_TIME_ZONE", "Nowhere/City")]), Layer::default()).is_err());
    }

    #[test]
    fn mail_needs_a_sender_and_keeps_its_password_out_of_logs() {
        let (s, _) = load(None, &[], Layer::default()).expect("load");
        assert!(s.mail.is_none(), "no host, no mail");
        assert_eq!(s.digest_hour, 8);
        let env = vars(&[("JOBDESC_SMTP_HOST", "mail.example.ru")]);
        assert!(matches!(load(None, &env, Layer::default()), Err(ConfigError::Invalid(m)) if m.contains("mail_from")));
        let env = vars(&[
            ("JOBDESC_SMTP_HOST", "mail.example.ru"),
            ("JOBDESC_MAIL_FROM", "Кадры <hr@example.ru>"),
            ("JOBDESC_SMTP_USER", "hr"),
            ("JOBDESC_SMTP_PASSWORD", "hunter2"),
            ("JOBDESC_DIGEST_HOUR", "9"),
        ]);
        let (s, w) = load(None, &env, Layer::default()).expect("load");
        assert!(w.is_empty(), "{w:?}");
        let mail = s.mail.clone().expect("mail settings");
        assert_eq!(
            (mail.tls, mail.port),
            (SmtpTls::StartTls, 587),
            "TLS unless told otherwise"
        );
        assert_eq!(s.digest_hour, 9);
        assert!(!format!("{s:?}").contains("hunter2"));
        let plain = vars(&[
            ("JOBDESC_SMTP_HOST", "127.0.0.1"),
            ("JOBDESC_SMTP_TLS", "none"),
            ("JOBDESC_MAIL_FROM", "jd@localhost.localdomain"),
        ]);
        let (s, _) = load(None, &plain, Layer::default()).expect("load");
        assert_eq!(s.mail.map(|m| (m.tls, m.port)), Some((SmtpTls::None, 25)));
        for bad in [
            ("JOBDESC_SMTP_TLS", "ssl"),
            ("JOBDESC_MAIL_FROM", "not an address"),
            ("JOBDESC_DIGEST_HOUR", "24"),
        ] {
            let mut v = env.clone();
            v.push((bad.0.to_string(), bad.1.to_string()));
            assert!(load(None, &v, Layer::default()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn links_follow_the_listening_address_unless_a_public_url_is_given() {
        let flags = Layer {
            bind: Some("0.0.0.0:0".into()),
            ..Default::default()
        };
        let (mut s, _) = load(None, &[], flags.clone()).expect("load");
        s.listening_on(8123);
        assert_eq!(s.public_url, "http://127.0.0.1:8123");
        let given = Layer {
            public_url: Some("https://jd.example.ru/".into()),
            ..flags
        };
        let (mut s, _) = load(None, &[], given).expect("load");
        s.listening_on(8123);
        assert_eq!(s.public_url, "https://jd.example.ru");
    }

    #[test]
    fn unknown_file_key_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("x.toml");
        std::fs::write(&file, "bnd = \"x\"\n").expect("write");
        assert!(matches!(
            load(Some(&file), &[], Layer::default()),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn secrets_are_redacted_and_key_is_generated_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let flags = Layer {
            data_dir: Some(dir.path().to_path_buf()),
            database_url: Some(Secret::new("postgres://u:hunter2@h/db")),
            ..Default::default()
        };
        let (mut s, _) = load(None, &[], flags).expect("load");
        assert!(!format!("{s:?}").contains("hunter2"));
        s.ensure_secret_key().expect("generate");
        let first = s.secret_key.clone();
        assert_eq!(first.expose().len(), 128);
        s.secret_key = Secret::new("");
        s.ensure_secret_key().expect("read back");
        assert_eq!(s.secret_key, first);
    }
}
