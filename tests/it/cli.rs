//! The `jobdesc` binary: first start, demo data, accounts, log verification, errors.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::helpers::{Backend, TestApp, Web};

pub fn jobdesc(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jobdesc"));
    cmd.args(args)
        .env("JOBDESC_LOG_LEVEL", "warn")
        .env_remove("JOBDESC_DATABASE_URL");
    cmd
}

fn run(args: &[&str]) -> Output {
    jobdesc(args).stdin(Stdio::null()).output().expect("binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `--help` describes every command by its own line (the import command once
/// had none, its text shown under verify-pack).
#[test]
fn help_describes_each_command_in_its_own_words() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = text(&out);
    let line = |name: &str| {
        help.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} listed: {help}"))
            .to_string()
    };
    assert!(line("import").contains("Import job descriptions"), "{help}");
    let pack = line("verify-pack");
    assert!(pack.contains("evidence pack") && !pack.contains("Import"), "{pack}");
    assert!(line("demo").contains("demo organisation"), "{help}");
}

/// Starts `serve`, returns the process, what it printed up to "listening", and its URL.
#[allow(
    clippy::zombie_processes,
    reason = "the child is handed to the caller, which stops it"
)]
pub fn serve(args: &[&str]) -> (Child, String, String) {
    serve_with(args, &[])
}

/// [`serve`] with environment variables set.
#[allow(
    clippy::zombie_processes,
    reason = "the child is handed to the caller, which stops it"
)]
pub fn serve_with(args: &[&str], env: &[(&str, &str)]) -> (Child, String, String) {
    let mut child = jobdesc(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = String::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve prints its URL within a minute");
        printed.push_str(&line);
        printed.push('\n');
        if let Some(url) = line.strip_prefix("jobdesc is listening on ") {
            return (child, printed, url.trim_end_matches('/').to_string());
        }
    }
}

pub fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[actix_web::test]
async fn first_start_creates_only_an_admin_and_prints_its_password_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("path");
    let (child, printed, url) = serve(&["--data-dir", data, "--bind", "127.0.0.1:0"]);
    stop(child);
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("login: admin   password: "))
        .unwrap_or_else(|| panic!("admin password printed: {printed}"))
        .to_string();
    assert!(!printed.contains("Demo"), "no demo data without --demo");
    assert!(
        dir.path().join("secret.key").exists(),
        "secret key generated into the data directory"
    );

    let (child, printed, url2) = serve(&["--data-dir", data, "--bind", "127.0.0.1:0"]);
    assert!(
        !printed.contains("password"),
        "the password is shown only once: {printed}"
    );
    let mut web = Web::new(&url2);
    let (status, _) = web.login("admin", &password).await;
    assert_eq!(status, awc::http::StatusCode::SEE_OTHER, "the printed password works");
    let employees = web.get("/api/v1/employees").await;
    assert_eq!(
        employees.status,
        awc::http::StatusCode::UNAUTHORIZED,
        "pages' cookies do not open the API"
    );
    stop(child);
    assert_ne!(url, "");
}

#[actix_web::test]
async fn serve_demo_loads_the_demo_organisation_and_prints_logins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("path");
    let (child, printed, url) = serve(&["--data-dir", data, "--bind", "127.0.0.1:0", "serve", "--demo"]);
    for login in ["admin", "hr", "head", "lawyer", "director", "employee"] {
        assert!(
            printed.lines().any(|l| l.trim_start().starts_with(login)),
            "{login} listed: {printed}"
        );
    }
    assert!(
        !printed.contains("First start"),
        "demo accounts replace the generated admin"
    );
    let mut web = Web::new(&url);
    let (status, _) = web.login("hr", jobdesc::services::demo::DEMO_PASSWORD).await;
    assert_eq!(status, awc::http::StatusCode::SEE_OTHER);
    let employees = web.get("/employees?per_page=100").await;
    assert!(employees.body.contains("Всего: 40"), "{}", employees.body);
    stop(child);
}

async fn demo_user_and_verify_log_commands(app: TestApp) {
    let url = app.settings.database_url.expose().to_string();
    let db = ["--database-url", url.as_str()];
    let with = |rest: &[&str]| run(&[&db[..], rest].concat());

    let o = with(&["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("40 employees"));
    let o = with(&["demo"]);
    assert!(!o.status.success(), "a second demo load is refused");
    assert!(text(&o).contains("уже содержит данные"), "{}", text(&o));

    let o = with(&["user", "add", "auditor", "--role", "hr", "--role", "agreer"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("password: "));
    let o = with(&["user", "add", "auditor", "--role", "hr"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("login: Такое значение уже используется"),
        "{}",
        text(&o)
    );
    let o = with(&["user", "add", "someone", "--role", "king"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("roles"), "{}", text(&o));
    let o = with(&["user", "token", "auditor"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("jd_"));

    let o = with(&["verify-log"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"));
    match app.backend {
        Backend::Sqlite => app.sql("DROP TRIGGER change_log_no_update"),
        Backend::Postgres => app.sql("ALTER TABLE change_log DISABLE TRIGGER change_log_no_change"),
    }
    app.sql("UPDATE change_log SET actor = 'someone else' WHERE seq = 5");
    let o = with(&["verify-log"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("broken at entry 5"), "{}", text(&o));
}

#[actix_web::test]
async fn a_lost_database_file_stops_the_start_unless_init() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("path");
    let (child, _, _) = serve(&["--data-dir", data, "--bind", "127.0.0.1:0"]);
    stop(child);
    std::fs::remove_file(dir.path().join("jobdesc.db")).expect("lose the database");
    let o = run(&["--data-dir", data, "--bind", "127.0.0.1:0", "serve"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("--init"), "{}", text(&o));
    assert!(!dir.path().join("jobdesc.db").exists(), "no fresh database was made");
    let (child, printed, _) = serve(&["--data-dir", data, "--bind", "127.0.0.1:0", "serve", "--init"]);
    stop(child);
    assert!(printed.contains("password"), "a new first start: {printed}");
}

async fn users_are_disabled_and_enabled_from_the_command_line(app: TestApp) {
    let url = app.settings.database_url.expose().to_string();
    let with = |rest: &[&str]| run(&[&["--database-url", url.as_str()][..], rest].concat());
    app.user("leaver", "hr");
    let o = with(&["user", "disable", "leaver"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!app
        .api_as_existing("leaver")
        .get("/api/v1/me")
        .await
        .status
        .is_success());
    let o = with(&["user", "disable", "nobody"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("no user nobody"), "{}", text(&o));
    assert!(with(&["user", "enable", "leaver"]).status.success());
    assert!(app
        .api_as_existing("leaver")
        .get("/api/v1/me")
        .await
        .status
        .is_success());
}

/// `demo --scale` generates the large organisation (here a thousandth of it),
/// says what it made and how long verifying the log took, and refuses a database
/// that holds data; `verify-log --incremental` then resumes from its checkpoint.
async fn the_scale_demo_is_generated_from_the_command_line(app: TestApp) {
    let url = app.settings.database_url.expose().to_string();
    let with = |rest: &[&str]| run(&[&["--database-url", url.as_str()][..], rest].concat());
    let o = with(&["demo", "--scale", "--scale-divisor", "1000"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("20 job descriptions"), "{}", text(&o));
    assert!(text(&o).contains("the whole change log verified in"), "{}", text(&o));
    assert!(
        text(&o).contains("maple-harbor-demo"),
        "the demo logins are printed: {}",
        text(&o)
    );
    let o = with(&["verify-log", "--incremental"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 entries after the checkpoint"), "{}", text(&o));
    let before = app.log_len();
    let o = with(&["demo", "--scale", "--scale-divisor", "1000"]);
    assert!(!o.status.success(), "a second load is refused");
    assert_eq!(app.log_len(), before, "and changes nothing");
    let o = with(&["demo", "--scale", "--scale-divisor", "0"]);
    assert!(!o.status.success(), "a divisor of 0 is refused: {}", text(&o));
}

crate::on_both_backends!(
    demo_user_and_verify_log_commands,
    users_are_disabled_and_enabled_from_the_command_line,
    the_scale_demo_is_generated_from_the_command_line,
);

#[test]
fn help_explains_every_command_and_bad_settings_fail_clearly() {
    let o = run(&["--help"]);
    let help = text(&o);
    for cmd in ["serve", "migrate", "user", "demo", "verify-log"] {
        assert!(help.contains(cmd), "{cmd} in --help");
    }
    let o = jobdesc(&["migrate"])
        .env("JOBDESC_POOL_SIZE", "lots")
        .output()
        .expect("runs");
    assert!(!o.status.success());
    assert!(text(&o).contains("JOBDESC_POOL_SIZE"), "{}", text(&o));
    let o = run(&["--database-url", "postgres://nobody@127.0.0.1:1/none", "migrate"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("cannot connect"), "{}", text(&o));
}
