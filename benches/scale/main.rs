//! Scale benchmark: the list pages and the change log of a large company.
//!
//! For SQLite and (with an admin URL) PostgreSQL: generates the organisation with
//! the release binary's `jobdesc demo --scale` (10,000 employees, 20,000 job
//! descriptions, 100,000 versions, 200,000 acknowledgements, 1,000,000 change-log
//! entries), times `jobdesc verify-log` in full and from its checkpoint, then
//! starts the server and measures each list page, its first page and one deep
//! in the list, for p50/p95/p99.
//!
//! `cargo bench --bench scale` (docs/performance.md). Settings, all optional:
//! `JOBDESC_BENCH_SECONDS` (per page, default 3), `JOBDESC_BENCH_CONNECTIONS`
//! (default 2: one per core, so the figures are a page's cost, not a queue),
//! `JOBDESC_BENCH_SCALE_DIVISOR` (default 1: the full size),
//! `JOBDESC_BENCH_POSTGRES_URL` or `JOBDESC_TEST_POSTGRES_URL`.

#[path = "../load/drive.rs"]
mod drive;
#[path = "../load/server.rs"]
#[allow(dead_code, reason = "shared with the load benchmark, which uses all of it")]
mod server;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use drive::{Figures, Load, Plan, Req};
use server::Server;

const SECRET: &str = "scale-benchmark-secret-key-0123456789abcdef";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// Runs the release binary's command on the database and prints what it said.
fn jobdesc(url: &str, dir: &std::path::Path, args: &[&str]) -> Result<(String, f64), String> {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(args)
        .env("JOBDESC_DATABASE_URL", url)
        .env("JOBDESC_DATA_DIR", dir)
        .env("JOBDESC_SECRET_KEY", SECRET)
        .env("JOBDESC_LOG_LEVEL", "warn")
        .output()
        .map_err(|e| format!("jobdesc {}: {e}", args.join(" ")))?;
    let took = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(format!(
            "jobdesc {} failed: {}{}",
            args.join(" "),
            text,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((text, took))
}

/// The "next" link of a page, as a browser would follow it.
fn next_link(server: &Server, session: &server::Session, path: &str) -> Result<String, String> {
    let page = server.get(path, &session.cookie)?;
    let end = page
        .find("\" rel=\"next\"")
        .ok_or_else(|| format!("{path} has no next link"))?;
    let start = page[..end].rfind("href=\"").ok_or("no href")? + 6;
    let query = page[start..end].replace("&amp;", "&");
    let base = path.split('?').next().unwrap_or(path);
    Ok(format!("{base}{query}"))
}

/// A deep page of a list: the middle of `total` rows at 50 a page.
fn middle(total: usize) -> usize {
    (total / 50 / 2).max(1)
}

fn run_backend(label: &str, url: &str, load: &Load, divisor: u64) -> Result<Vec<(String, Figures)>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (said, took) = jobdesc(
        url,
        dir.path(),
        &["demo", "--scale", "--scale-divisor", &divisor.to_string()],
    )?;
    println!("{label}: jobdesc demo --scale took {took:.1} s:");
    for line in said.lines().take(1) {
        println!("  {line}");
    }
    let (said, _) = jobdesc(url, dir.path(), &["verify-log"])?;
    println!("{label}: jobdesc verify-log: {}", said.trim());
    let (said, _) = jobdesc(url, dir.path(), &["verify-log", "--incremental"])?;
    println!("{label}: jobdesc verify-log --incremental: {}", said.trim());

    let server = Server::start(url, dir.path(), SECRET)?;
    let load = Load {
        base: server.base.clone(),
        ..load.clone()
    };
    let hr = server.login("hr", jobdesc::services::demo::DEMO_PASSWORD)?;
    let head = server.login("head", jobdesc::services::demo::DEMO_PASSWORD)?;
    let big = jobdesc::services::scale::Scale::large().divided(divisor as usize);
    let (docs, emps, log) = (big.positions, big.employees, big.log_entries);
    let pages: Vec<(String, String, &server::Session)> = vec![
        ("documents, page 1".into(), "/documents".into(), &hr),
        (
            format!("documents, page {}", middle(docs)),
            format!("/documents?page={}", middle(docs)),
            &hr,
        ),
        ("employees, page 1".into(), "/employees".into(), &hr),
        (
            format!("employees, page {}", middle(emps)),
            format!("/employees?page={}", middle(emps)),
            &hr,
        ),
        ("positions, page 1".into(), "/positions".into(), &hr),
        (
            format!("positions, page {}", middle(docs)),
            format!("/positions?page={}", middle(docs)),
            &hr,
        ),
        ("change log, newest".into(), "/log".into(), &hr),
        (
            format!("change log, before {}", log / 2),
            format!("/log?before={}", log / 2),
            &hr,
        ),
        ("coverage and reviews, page 1".into(), "/coverage".into(), &hr),
        (
            format!("coverage and reviews, page {}", middle(docs)),
            format!("/coverage?page={}", middle(docs)),
            &hr,
        ),
        ("dashboard (HR: in flight)".into(), "/".into(), &hr),
        ("dashboard (head: inbox)".into(), "/".into(), &head),
    ];
    // The same deep pages reached the way people page: by the previous page's link.
    let mut pages = pages;
    for (list, total) in [("/documents", docs), ("/positions", docs), ("/coverage", docs)] {
        let n = middle(total);
        let path = next_link(&server, &hr, &format!("{list}?page={}", n - 1))?;
        pages.push((format!("{list}, page {n} by its link"), path, &hr));
    }
    let mut rows = Vec::new();
    for (name, path, session) in pages {
        let headers = vec![("cookie", session.cookie.clone())];
        let plan: Plan = Arc::new(move |_, _| Some(Req::get(&path, headers.clone())));
        drive::run(
            &Load {
                duration: Duration::from_millis(300),
                ..load.clone()
            },
            plan.clone(),
        );
        let f = drive::run(&load, plan);
        if let Some(e) = &f.first_error {
            eprintln!("  {name}: {} unexpected answers, first: {e}", f.errors);
        }
        rows.push((name, f));
    }
    let memory = server.memory();
    println!(
        "{label}: server memory after the pages {} MB (peak {} MB)",
        memory.rss_kb / 1024,
        memory.peak_kb / 1024
    );
    Ok(rows)
}

fn print_rows(label: &str, rows: &[(String, Figures)]) {
    println!("\n{label}:\n");
    println!(
        "| {:<36} | {:>7} | {:>7} | {:>7} | {:>7} | {:>7} | {:>6} |",
        "page", "answers", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"
    );
    println!(
        "|{:-<38}|{:-<9}|{:-<9}|{:-<9}|{:-<9}|{:-<9}|{:-<8}|",
        "", "", "", "", "", "", ""
    );
    for (name, f) in rows {
        println!(
            "| {:<36} | {:>7} | {:>7.0} | {:>7} | {:>7} | {:>7} | {:>6} |",
            name,
            f.requests,
            f.per_second,
            ms(f.p50),
            ms(f.p95),
            ms(f.p99),
            f.errors
        );
    }
    let slowest = rows.iter().max_by_key(|(_, f)| f.p95);
    if let Some((name, f)) = slowest {
        let met = f.p95 < Duration::from_millis(20) && rows.iter().all(|(_, f)| f.errors == 0);
        println!(
            "\n  [{}] list pages p95 < 20 ms: slowest {name} at {} ms",
            if met { "met" } else { "MISSED" },
            ms(f.p95)
        );
    }
}

fn main() {
    let load = Load {
        base: String::new(),
        connections: env_number("JOBDESC_BENCH_CONNECTIONS", 2) as usize,
        threads: 1,
        duration: Duration::from_secs(env_number("JOBDESC_BENCH_SECONDS", 3)),
    };
    let divisor = env_number("JOBDESC_BENCH_SCALE_DIVISOR", 1).max(1);
    println!(
        "scale benchmark: {} connection(s), {} s per page, size divided by {divisor}",
        load.connections,
        load.duration.as_secs()
    );
    let sqlite_dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no temporary folder: {e}");
            std::process::exit(1);
        }
    };
    let url = format!("sqlite://{}", sqlite_dir.path().join("scale.db").display());
    match run_backend("SQLite", &url, &load, divisor) {
        Ok(rows) => print_rows("SQLite", &rows),
        Err(e) => {
            eprintln!("SQLite run failed: {e}");
            std::process::exit(1);
        }
    }
    let admin = std::env::var("JOBDESC_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("JOBDESC_TEST_POSTGRES_URL"))
        .ok();
    let Some(admin) = admin else {
        println!("\nPostgreSQL: skipped (set JOBDESC_BENCH_POSTGRES_URL to an admin URL)");
        return;
    };
    let db = match server::PgDatabase::create(&admin) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("PostgreSQL: {e}");
            std::process::exit(1);
        }
    };
    match run_backend("PostgreSQL", &db.url, &load, divisor) {
        Ok(rows) => print_rows("PostgreSQL", &rows),
        Err(e) => {
            eprintln!("PostgreSQL run failed: {e}");
            std::process::exit(1);
        }
    }
}
