//! Command line: `serve` (default), `migrate`, `user`, `demo`, `verify-log`, `render`,
//! `verify`, `import`, `mail`, `webhooks`.

pub mod backup;
mod bulk;
mod directory;
mod import;
mod outbox;

use std::io::Read;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::config::{self, Layer, Secret, Settings};
use crate::db::{DbError, Pool};
use crate::domain::account::{generate_password, User, UserInput};
use crate::i18n::strings;
use crate::services::rules::Rules;
use crate::services::{auth, crud, demo, journal, scale, users, ServiceError};
use crate::startup::{open_database, system_clock, Application};

/// jobdesc: job descriptions drafted from templates, agreed, approved and acknowledged.
#[derive(Debug, Parser)]
#[command(name = "jobdesc", version, about, long_about = None)]
pub struct Cli {
    /// Settings file (TOML); by default ./jobdesc.toml when present.
    #[arg(long, global = true, env = "JOBDESC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database: postgres://user@host/db, or a SQLite file (default: <data-dir>/jobdesc.db).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Directory for the SQLite file and the generated secret key (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// Log filter, e.g. info or jobdesc=debug (default info).
    #[arg(long, global = true)]
    pub log_level: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (the default). On an empty database creates an
    /// `admin` account and prints its password once.
    Serve {
        /// Load the demo organisation into an empty database and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Create an empty database even though this installation's secret key exists
        /// (without it a missing database file stops the start: it was probably lost).
        #[arg(long)]
        init: bool,
    },
    /// Apply pending database migrations and exit (serve also applies them).
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Load the demo organisation into an empty database and exit.
    Demo {
        /// Also generate a large organisation beside it (10,000 employees, 20,000 job
        /// descriptions, 100,000 versions, 200,000 acknowledgements, 1,000,000 log entries)
        /// for measuring; `--scale-divisor N` makes it N times smaller.
        #[arg(long)]
        scale: bool,
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        scale_divisor: u32,
    },
    /// Recompute the change log's hash chain; exit 1 and name the first broken entry if tampered.
    VerifyLog {
        /// Only the entries added since the last verified checkpoint.
        #[arg(long)]
        incremental: bool,
    },
    /// Render a job description (a version or document id) or a JSON file to PDF or .docx.
    Render {
        /// Version id, or job description id (its newest version).
        target: Option<String>,
        /// Render this JSON file (format: docs/pdf.md) instead; no database is used.
        #[arg(long)]
        from_json: Option<PathBuf>,
        /// Parts, comma-separated: document, acknowledgements, register (default: all), or order.
        #[arg(long, default_value = "")]
        parts: String,
        /// Output file: .pdf, or .docx for the job description as a Word document.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Check a PDF made by jobdesc against the database: which version, and is it genuine.
    Verify {
        /// The PDF file.
        file: PathBuf,
    },
    /// Check an evidence pack (from the acknowledgement's or version's page) without the database.
    VerifyPack {
        file: PathBuf,
        /// The server's secret key file (data/secret.key), to check the seals too.
        #[arg(long)]
        secret_key_file: Option<PathBuf>,
    },
    /// Copy the database to FILE while the server runs (SQLite: a consistent snapshot;
    /// PostgreSQL: pg_dump's custom format, which needs pg_dump installed).
    Backup { file: PathBuf },
    /// Put a backup made by `backup` in place of the database. For SQLite the server must
    /// be stopped; an existing database file is kept as `<name>.before-restore`.
    Restore { file: PathBuf },
    /// E-mail: compose the digests that are due and send the outbox, or try the settings.
    Mail {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// Work on many documents at once, as the pages do: drafts, sending, a department's
    /// acknowledgement, a department printed as one PDF. One line per item.
    Bulk {
        #[command(subcommand)]
        action: bulk::BulkCommand,
    },
    /// Directory sign-in: check the `[ldap]` settings with one person's login (the
    /// password is read from the first line of standard input); nothing is written.
    Ldap {
        #[command(subcommand)]
        action: LdapCommand,
    },
    /// Webhooks: list the endpoints, or announce overdue acknowledgements and post due deliveries now.
    Webhooks {
        #[command(subcommand)]
        action: WebhooksCommand,
    },
    /// Import job descriptions from .docx, .odt, .txt, .md, .html (.doc, .rtf and PDF
    /// through LibreOffice and poppler when installed): as drafts, or as JSON with --json.
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the structure found as JSON (docs/import.md); needs no database.
        #[arg(long)]
        json: bool,
        /// Make the draft for this position (id); by default positions are matched by title.
        #[arg(long)]
        position: Option<String>,
        /// Create positions that are not found, in this department (id).
        #[arg(long, requires = "department")]
        create_positions: bool,
        /// The department for --create-positions.
        #[arg(long)]
        department: Option<String>,
    },
}

/// Mail commands (the server also composes and sends every minute).
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// One pass now: compose today's digests that are due, send what waits in the outbox.
    Run,
    /// Send a test mail to ADDRESS straight through the SMTP settings and say what the server answered.
    Test { address: String },
}

/// Directory commands.
#[derive(Debug, Subcommand)]
pub enum LdapCommand {
    /// Sign LOGIN in at the directory and print the entry, its groups and the roles they give.
    Check { login: String },
}

/// Webhook commands (the server also posts every minute).
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// The endpoints and the events each hears of.
    List,
    /// One pass now: announce overdue acknowledgements, post what is due.
    Run,
}

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a password is generated and printed.
    Add {
        /// Login (Latin letters, digits, . _ -).
        login: String,
        /// Role: admin, hr, agreer, approver or employee (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Link to an employee by id.
        #[arg(long)]
        employee: Option<String>,
        /// E-mail address for the daily digest.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password for an existing login (read from standard input).
    Password { login: String },
    /// Disable an account: it can no longer sign in; its sessions and tokens end.
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
    /// Issue an API bearer token for a login and print it.
    Token {
        login: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// A failure the CLI reports on standard error before exiting non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Message(String),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        let t = strings();
        CliError::Message(match e {
            ServiceError::Validation(errors) => errors
                .0
                .iter()
                .map(|f| format!("{}: {}", f.field, t.field_error(f)))
                .collect::<Vec<_>>()
                .join("\n"),
            ServiceError::Refused(code) => t.get(&format!("refused.{code}")),
            ServiceError::NotFound => "not found".into(),
            other => other.to_string(),
        })
    }
}

impl From<DbError> for CliError {
    fn from(e: DbError) -> Self {
        CliError::Message(e.to_string())
    }
}

impl Cli {
    /// The settings from every layer, with this command line's flags on top.
    pub fn settings(&self) -> Result<(Settings, Vec<String>), CliError> {
        let flags = Layer {
            database_url: self.database_url.clone().map(Secret::new),
            data_dir: self.data_dir.clone(),
            bind: self.bind.clone(),
            log_level: self.log_level.clone(),
            ..Layer::default()
        };
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Ok(config::load(self.config.as_deref(), &vars, flags)?)
    }
}

fn conn(pool: &Pool) -> Result<crate::db::PooledConn, CliError> {
    pool.get().map_err(|e| CliError::Message(format!("database: {e}")))
}

fn read_stdin_password() -> Result<String, CliError> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

fn print_demo(summary: &demo::DemoSummary, url: &str) {
    println!(
        "Demo organisation loaded: {} departments, {} positions, {} employees, {} draft job descriptions.",
        summary.departments, summary.positions, summary.employees, summary.documents
    );
    println!(
        "Open {url} and sign in with any of these logins (password: {}):",
        demo::DEMO_PASSWORD
    );
    for (login, roles) in &summary.logins {
        println!("  {login:<10} {}", roles.join(", "));
    }
}

/// Serves until stopped.
pub async fn serve(mut settings: Settings, load_demo: bool, init: bool) -> Result<(), CliError> {
    let key_existed = settings.ensure_secret_key()?;
    crate::startup::check_database_present(&settings, key_existed, init)?;
    let clock = system_clock(&settings)?;
    let pool = open_database(&settings, &clock)?;
    let app = Application::build(settings.clone(), pool.clone(), clock.clone())?;
    let url = format!("{}/", config::local_url(&settings.bind, app.port()));
    let mut c = conn(&pool)?;
    if load_demo {
        if demo::is_empty(&mut c)? {
            print_demo(&demo::load(&mut c, &clock, &(&settings).into())?, &url);
        } else {
            println!("The database already holds data; demo data was not loaded.");
        }
    }
    if let Some(password) = auth::ensure_first_admin(&mut c, &clock, &(&settings).into())? {
        println!("First start: an administrator account was created.");
        println!("  login: admin   password: {password}");
        println!("  (shown only this once; change it under Пользователи)");
    }
    drop(c);
    let mailer = crate::startup::mailer(app.settings())?;
    if mailer.is_none() {
        tracing::info!("no smtp_host: digests are not composed or sent");
    }
    crate::startup::spawn_outbox_worker(
        pool.clone(),
        clock.clone(),
        app.settings(),
        mailer,
        std::sync::Arc::new(crate::webhook_client::Http::default()),
    );
    println!("jobdesc is listening on {url}");
    tracing::info!(%url, "listening");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

/// `import --json`: reads and parses files; needs no database.
pub fn import_json(files: &[PathBuf]) -> Result<(), CliError> {
    import::to_json(files)
}

/// Renders JSON to PDF with no database.
pub fn render_json(file: &std::path::Path, parts: &str, output: &std::path::Path) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| CliError::Message(format!("{}: {e}", file.display())))?;
    let input: crate::pdf::input::RenderInput =
        serde_json::from_str(&text).map_err(|e| CliError::Message(format!("{}: {e}", file.display())))?;
    write_pdf(&input, parts, output)
}

fn write_pdf(input: &crate::pdf::input::RenderInput, parts: &str, output: &std::path::Path) -> Result<(), CliError> {
    if output.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")) {
        if !parts.is_empty() && parts != "document" {
            return Err(CliError::Message(
                "a .docx holds the job description only: leave out --parts, or write a .pdf".into(),
            ));
        }
        let bytes = crate::word::document(input).map_err(|e| CliError::Message(e.to_string()))?;
        std::fs::write(output, &bytes).map_err(|e| CliError::Message(format!("{}: {e}", output.display())))?;
        println!(
            "{} ({} bytes; the job description as a Word document)",
            output.display(),
            bytes.len()
        );
        return Ok(());
    }
    let parts = crate::pdf::Part::parse_list(parts).map_err(|e| CliError::Message(e.to_string()))?;
    let r = crate::pdf::render(input, &parts).map_err(|e| CliError::Message(e.to_string()))?;
    if !r.missing.is_empty() {
        eprintln!(
            "warning: no glyph for {:?}; printed as \"?\"",
            r.missing.iter().collect::<String>()
        );
    }
    std::fs::write(output, &r.bytes).map_err(|e| CliError::Message(format!("{}: {e}", output.display())))?;
    let pages: Vec<String> = r.pages.iter().map(|(p, n)| format!("{p:?}: {n}")).collect();
    println!(
        "{} ({} bytes; pages {})",
        output.display(),
        r.bytes.len(),
        pages.join(", ")
    );
    Ok(())
}

/// Runs a command other than `serve`.
pub fn run_offline(settings: Settings, command: Command) -> Result<(), CliError> {
    let clock = system_clock(&settings)?;
    let pool = open_database(&settings, &clock)?;
    let mut c = conn(&pool)?;
    match command {
        Command::Serve { .. } => Err(CliError::Message("serve runs in the server runtime".into())),
        Command::Migrate => {
            println!("Database is up to date.");
            Ok(())
        }
        Command::Mail { action } => outbox::mail_command(settings, &mut c, &clock, action),
        Command::Webhooks { action } => outbox::webhooks_command(&mut c, &clock, action),
        Command::Ldap { action } => directory::ldap_command(&settings, action),
        Command::Bulk { action } => bulk::bulk_command(&settings, &mut c, &clock, action),
        Command::Demo { scale: false, .. } => {
            let summary = demo::load(&mut c, &clock, &(&settings).into())?;
            print_demo(&summary, &format!("http://{}/", settings.bind));
            Ok(())
        }
        Command::Demo {
            scale: true,
            scale_divisor,
        } => {
            let size = scale::Scale::large().divided(scale_divisor as usize);
            // The seals are made with the key the server will check them with.
            let mut settings = settings;
            settings.ensure_secret_key()?;
            let key = settings.secret_key.expose().as_bytes().to_vec();
            let s = scale::load(&mut c, &clock, &(&settings).into(), &key, &size)?;
            println!(
                "Large organisation generated in {:.1} s: {} departments, {} positions, {} employees, \
                 {} assignments, {} job descriptions, {} versions ({} in agreement), {} acknowledgements, \
                 {} change-log entries; the whole change log verified in {:.2} s.",
                s.seconds,
                s.departments,
                s.positions,
                s.employees,
                s.assignments,
                s.documents,
                s.versions + s.in_agreement,
                s.in_agreement,
                s.acknowledgements,
                s.log_entries,
                s.verify_seconds
            );
            print_demo(&s.demo, &format!("http://{}/", settings.bind));
            Ok(())
        }
        Command::VerifyLog { incremental } => {
            let started = std::time::Instant::now();
            let verdict = journal::verify_and_checkpoint(&mut c, &clock, !incremental)?;
            let took = started.elapsed().as_secs_f64();
            match verdict {
                Ok(v) => {
                    match v.from {
                        Some(from) => println!(
                            "Change log intact through entry {}: {} entries after the checkpoint at {from} verified in {took:.2} s.",
                            v.through, v.checked
                        ),
                        None => println!(
                            "Change log intact: {} entries verified in {took:.2} s (checkpoint set at {}).",
                            v.checked, v.through
                        ),
                    }
                    Ok(())
                }
                Err(b) => Err(CliError::Message(format!(
                    "change log broken at entry {}: {}",
                    b.seq, b.reason
                ))),
            }
        }
        Command::User { action } => user_command(&mut c, &clock, &(&settings).into(), action),
        Command::Import { files, json: true, .. } => import::to_json(&files),
        Command::VerifyPack { file, secret_key_file } => verify_pack(&file, secret_key_file.as_deref()),
        Command::Restore { file } => backup::restore(&settings, &file),
        Command::Backup { file } => {
            backup::backup(&mut c, settings.database_url.expose(), &file)?;
            println!("Backup written to {}.", file.display());
            Ok(())
        }
        Command::Import {
            files,
            position,
            department,
            create_positions,
            ..
        } => {
            let target = import::Target {
                position,
                create_in: department.filter(|_| create_positions),
            };
            import::drafts(&mut c, &clock, &(&settings).into(), &files, &target)
        }
        Command::Render {
            target, parts, output, ..
        } => {
            let target =
                target.ok_or_else(|| CliError::Message("name a version or document id, or use --from-json".into()))?;
            let input = crate::services::render::input_for(&mut c, &clock, &target, &settings.public_url)?;
            write_pdf(&input, &parts, &output)
        }
        Command::Verify { file } => {
            let bytes = std::fs::read(&file).map_err(|e| CliError::Message(format!("{}: {e}", file.display())))?;
            let hash = crate::services::render::hash_in_pdf(&bytes)
                .ok_or_else(|| CliError::Message(format!("{}: no jobdesc content hash found", file.display())))?;
            match crate::services::render::verify_hash(&mut c, &clock, &hash)? {
                Some(v) => {
                    println!(
                        "Genuine: {}, version {} ({}), registration {}, approved {}.",
                        v.position_title,
                        v.version,
                        v.status,
                        v.registration_number.unwrap_or_default(),
                        v.approved_on.unwrap_or_default()
                    );
                    if let Some(c) = v.current {
                        println!("Not the version in force: version {} is.", c.version);
                    }
                    Ok(())
                }
                None => Err(CliError::Message(format!(
                    "unknown content hash {hash}: not a version of this system"
                ))),
            }
        }
    }
}

/// Prints each check of an evidence pack; fails when any fails.
pub fn verify_pack(file: &std::path::Path, key_file: Option<&std::path::Path>) -> Result<(), CliError> {
    let read = |p: &std::path::Path| std::fs::read(p).map_err(|e| CliError::Message(format!("{}: {e}", p.display())));
    let bytes = read(file)?;
    let key = match key_file {
        Some(k) => Some(String::from_utf8_lossy(&read(k)?).trim().to_string()),
        None => None,
    };
    let checks = crate::services::evidence_pack::verify(&bytes, key.as_deref().map(str::as_bytes))
        .map_err(|e| CliError::Message(e.to_string()))?;
    for c in &checks {
        println!("{} {}", if c.ok { "ok  " } else { "FAIL" }, c.what);
    }
    if key.is_none() {
        println!("note: seals not checked (they need the server's key: --secret-key-file)");
    }
    match checks.iter().filter(|c| !c.ok).count() {
        0 => {
            println!("The pack is intact.");
            Ok(())
        }
        n => Err(CliError::Message(format!(
            "{n} check(s) failed: the pack was altered or is incomplete"
        ))),
    }
}

fn set_active(c: &mut crate::db::DbConn, clock: &Clock, login: &str, active: bool) -> Result<(), CliError> {
    let (user, _) = users::by_login(c, login)?.ok_or_else(|| CliError::Message(format!("no user {login}")))?;
    users::set_active(c, clock, "cli", &user.id, active)?;
    if active {
        println!("User {login} enabled.");
    } else {
        println!("User {login} disabled; their sessions and tokens have ended.");
    }
    Ok(())
}

fn user_command(c: &mut crate::db::DbConn, clock: &Clock, rules: &Rules, action: UserCommand) -> Result<(), CliError> {
    match action {
        UserCommand::Add {
            login,
            roles,
            employee,
            email,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                (read_stdin_password()?, false)
            } else {
                (generate_password(), true)
            };
            let input = UserInput {
                login,
                password: Some(password.clone()),
                roles,
                employee_id: employee,
                email,
            };
            let user = crud::create::<User>(c, clock, rules, "cli", &input)?;
            println!("User {} created.", user.login);
            if generated {
                println!("  password: {password}");
            }
            Ok(())
        }
        UserCommand::Password { login } => {
            let password = read_stdin_password()?;
            auth::set_password(c, clock, "cli", &login, &password)?;
            println!("Password of {login} changed.");
            Ok(())
        }
        UserCommand::Disable { login } => set_active(c, clock, &login, false),
        UserCommand::Enable { login } => set_active(c, clock, &login, true),
        UserCommand::Token { login, name } => {
            let (user, _) = users::by_login(c, &login)?.ok_or_else(|| CliError::Message(format!("no user {login}")))?;
            println!("{}", auth::issue_token(c, clock, &user, &name)?);
            Ok(())
        }
    }
}
