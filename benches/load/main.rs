//! Load benchmark: the release server on SQLite and on PostgreSQL with the demo
//! data, the pages people open all day and the writes they make, each measured
//! for req/s, p50 and p99 and compared with `/healthz` in the same run.
//!
//! `cargo bench --bench load` (docs/performance.md). Settings, all optional:
//! `JOBDESC_BENCH_SECONDS` (per path, default 5), `JOBDESC_BENCH_CONNECTIONS`
//! (default 32), `JOBDESC_BENCH_POSTGRES_URL` or `JOBDESC_TEST_POSTGRES_URL`
//! (an admin URL; PostgreSQL is skipped without one).

mod drive;
mod server;
mod setup;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use awc::http::Method;

use drive::{Figures, Load, Plan, Req};
use server::Server;
use setup::{Fixture, Sizes};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One measured path.
struct Row {
    name: String,
    figures: Figures,
    /// A read page (held to the p99 goal).
    read: bool,
    /// Clauses of the document served, for the per-clause column.
    clauses: Option<usize>,
    /// The server's resident memory right after this path's run, and its peak so far.
    rss_kb: u64,
    peak_kb: u64,
}

fn get_plan(path: String, headers: Vec<(&'static str, String)>) -> Plan {
    Arc::new(move |_, _| Some(Req::get(&path, headers.clone())))
}

/// A plan taking items from a list until it runs out (each write can happen once).
fn queue<T: Send + Sync + 'static>(items: Vec<T>, make: impl Fn(&T) -> Req + Send + Sync + 'static) -> Plan {
    let next = AtomicUsize::new(0);
    Arc::new(move |_, _| items.get(next.fetch_add(1, Ordering::Relaxed)).map(&make))
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap_or_default().into_bytes()
}

fn measure(
    load: &Load,
    server: &Server,
    rows: &mut Vec<Row>,
    name: &str,
    plan: Plan,
    read: bool,
    clauses: Option<usize>,
) {
    // `JOBDESC_BENCH_ONLY=words` runs only the paths whose name contains them (and /healthz).
    if let Ok(only) = std::env::var("JOBDESC_BENCH_ONLY")
        && name != "/healthz"
        && !name.contains(only.as_str())
    {
        return;
    }
    if read {
        // Warm caches and connections; only repeatable reads can be replayed.
        drive::run(
            &Load {
                duration: Duration::from_millis(500),
                ..load.clone()
            },
            plan.clone(),
        );
    }
    let figures = drive::run(load, plan);
    if let Some(e) = &figures.first_error {
        eprintln!("  {name}: {} unexpected answers, first: {e}", figures.errors);
    }
    let memory = server.memory();
    rows.push(Row {
        name: name.to_string(),
        figures,
        read,
        clauses,
        rss_kb: memory.rss_kb,
        peak_kb: memory.peak_kb,
    });
}

/// Runs every path against one backend.
fn run_backend(label: &str, url: &str, load: &Load, sizes: &Sizes) -> Result<(Vec<Row>, server::Memory), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let settings = setup::settings(url, dir.path())?;
    let started = Instant::now();
    let fx: Fixture = setup::prepare(&settings, sizes)?;
    println!(
        "{label}: data prepared in {:.1} s ({} drafts, {} versions awaiting a visa, {} acknowledgements to sign)",
        started.elapsed().as_secs_f64(),
        fx.drafts.len(),
        fx.awaiting_visa.len(),
        fx.to_sign.len()
    );
    let server = Server::start(url, dir.path(), setup::SECRET)?;
    let load = Load {
        base: server.base.clone(),
        ..load.clone()
    };
    println!("{label}: server pid {} at {}", server.pid(), server.base);
    let idle = server.memory();
    let hr = server.login("hr", jobdesc::services::demo::DEMO_PASSWORD)?;
    let head = server.login("head", jobdesc::services::demo::DEMO_PASSWORD)?;
    let cookie = |s: &server::Session| vec![("cookie", s.cookie.clone())];
    let bearer = |t: &str| vec![("authorization", format!("Bearer {t}"))];
    let (doc, n) = fx.document.clone();
    let mut rows = Vec::new();

    measure(
        &load,
        &server,
        &mut rows,
        "/healthz",
        get_plan("/healthz".into(), vec![]),
        true,
        None,
    );
    type Headers = Vec<(&'static str, String)>;
    let reads: Vec<(String, String, Headers, Option<usize>)> = vec![
        (
            format!("document page ({n} clauses)"),
            format!("/versions/{doc}/preview"),
            cookie(&hr),
            Some(n),
        ),
        (
            format!("editor ({n} clauses)"),
            format!("/versions/{doc}"),
            cookie(&hr),
            Some(n),
        ),
        (
            format!("version JSON ({n} clauses)"),
            format!("/api/v1/versions/{doc}"),
            bearer(&fx.hr_token),
            Some(n),
        ),
        ("documents list".into(), "/documents".into(), cookie(&hr), None),
        ("dashboard (HR)".into(), "/".into(), cookie(&hr), None),
        ("dashboard and inbox (head)".into(), "/".into(), cookie(&head), None),
        ("coverage".into(), "/coverage".into(), cookie(&hr), None),
        ("change log page".into(), "/log".into(), cookie(&hr), None),
    ];
    for (name, path, headers, clauses) in reads {
        measure(&load, &server, &mut rows, &name, get_plan(path, headers), true, clauses);
    }
    for (clauses, v) in &fx.long {
        for (what, path, headers) in [
            ("document page", format!("/versions/{v}/preview"), cookie(&hr)),
            ("editor", format!("/versions/{v}"), cookie(&hr)),
            ("version JSON", format!("/api/v1/versions/{v}"), bearer(&fx.hr_token)),
        ] {
            let name = format!("{what} ({clauses} clauses)");
            measure(
                &load,
                &server,
                &mut rows,
                &name,
                get_plan(path, headers),
                false,
                Some(*clauses),
            );
        }
    }

    // Writes: each connection edits its own draft, tracking the revision it made.
    let drafts = fx.drafts.clone();
    let (edit_cookie, csrf) = (hr.cookie.clone(), hr.csrf.clone());
    let edit: Plan = Arc::new(move |conn, seq| {
        let (v, clause, revision) = drafts.get(conn)?;
        let text = format!("Ведёт журнал испытаний, запись {seq}.");
        let revision = (revision + seq as i64).to_string();
        Some(Req {
            method: Method::POST,
            path: format!("/versions/{v}/clauses/{clause}"),
            headers: vec![("cookie", edit_cookie.clone())],
            body: Some((
                "application/x-www-form-urlencoded",
                form(&[("csrf_token", &csrf), ("revision", &revision), ("text", &text)]),
            )),
            expect: 303,
        })
    });
    measure(&load, &server, &mut rows, "clause edit POST", edit, false, None);
    let head_token = fx.head_token.clone();
    let visa = queue(fx.awaiting_visa.clone(), move |v| Req {
        method: Method::POST,
        path: format!("/api/v1/versions/{v}/visa"),
        headers: vec![("authorization", format!("Bearer {head_token}"))],
        body: Some(("application/json", br#"{"decision":"agree"}"#.to_vec())),
        expect: 200,
    });
    measure(&load, &server, &mut rows, "visa POST", visa, false, None);
    let password = serde_json::json!({ "password": setup::SIGNER_PASSWORD }).to_string();
    let sign = queue(fx.to_sign.clone(), move |(a, token)| Req {
        method: Method::POST,
        path: format!("/api/v1/acknowledgements/{a}/sign"),
        headers: vec![("authorization", format!("Bearer {token}"))],
        body: Some(("application/json", password.clone().into_bytes())),
        expect: 200,
    });
    measure(
        &load,
        &server,
        &mut rows,
        "acknowledgement signing POST",
        sign,
        false,
        None,
    );
    let busy = server.memory();
    Ok((
        rows,
        server::Memory {
            rss_kb: idle.rss_kb,
            peak_kb: busy.peak_kb,
        },
    ))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn print_rows(label: &str, rows: &[Row]) {
    let base = rows.first().map_or(1.0, |r| r.figures.per_second.max(1e-9));
    println!("\n{label}");
    println!(
        "| {:<36} | {:>7} | {:>8} | {:>7} | {:>7} | {:>7} | {:>8} | {:>6} | {:>11} | {:>6} | {:>7} |",
        "path",
        "answers",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "/healthz",
        "errors",
        "µs/clause",
        "RSS MB",
        "peak MB"
    );
    println!(
        "|{:-<38}|{:->9}|{:->10}|{:->9}|{:->9}|{:->9}|{:->10}|{:->8}|{:->13}|{:->8}|{:->9}|",
        "", "", "", "", "", "", "", "", "", "", ""
    );
    for r in rows {
        let f = &r.figures;
        let per_clause = r
            .clauses
            .map(|n| format!("{:.1}", 1e6 / (f.per_second.max(1e-9) * n as f64)))
            .unwrap_or_default();
        println!(
            "| {:<36} | {:>7} | {:>8.0} | {:>7} | {:>7} | {:>7} | {:>7.0} % | {:>6} | {:>11} | {:>6} | {:>7} |",
            r.name,
            f.requests,
            f.per_second,
            ms(f.p50),
            ms(f.p95),
            ms(f.p99),
            100.0 * f.per_second / base,
            f.errors,
            per_clause,
            r.rss_kb / 1024,
            r.peak_kb / 1024
        );
    }
}

fn figure<'a>(rows: &'a [Row], prefix: &str) -> Option<&'a Figures> {
    rows.iter().find(|r| r.name.starts_with(prefix)).map(|r| &r.figures)
}

/// The issue's goals, each printed as met or missed with the figures behind it.
fn print_goals(rows: &[Row], hash: Duration, pg: Option<&[Row]>, memory: &[(&str, server::Memory)]) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let health = figure(rows, "/healthz").map_or(1.0, |f| f.per_second);
    let ratio = |p: &str| figure(rows, p).map_or(0.0, |f| f.per_second / health);
    let mut goals: Vec<(String, bool)> = vec![
        (
            format!(
                "document page ≥ 50 % of /healthz: {:.0} %",
                100.0 * ratio("document page")
            ),
            ratio("document page") >= 0.5,
        ),
        (
            format!(
                "version JSON ≥ 50 % of /healthz: {:.0} %",
                100.0 * ratio("version JSON")
            ),
            ratio("version JSON") >= 0.5,
        ),
        (
            format!("editor ≥ 25 % of /healthz: {:.0} %", 100.0 * ratio("editor")),
            ratio("editor") >= 0.25,
        ),
    ];
    let slowest = rows
        .iter()
        .filter(|r| r.read)
        .max_by_key(|r| r.figures.p99)
        .map(|r| (r.name.clone(), r.figures.p99))
        .unwrap_or_default();
    goals.push((
        format!(
            "every read page p99 < 20 ms: slowest {} at {} ms",
            slowest.0,
            ms(slowest.1)
        ),
        slowest.1 < Duration::from_millis(20),
    ));
    let edits = figure(rows, "clause edit").map_or(0.0, |f| f.per_second);
    goals.push((format!("clause edit POST ≥ 1000/s: {edits:.0}/s"), edits >= 1000.0));
    let bound = cores / hash.as_secs_f64();
    let signs = figure(rows, "acknowledgement signing").map_or(0.0, |f| f.per_second);
    goals.push((
        format!(
            "signing ≥ 80 % of cores ÷ hash time ({cores} ÷ {} ms = {bound:.0}/s): {signs:.0}/s = {:.0} %",
            ms(hash),
            100.0 * signs / bound
        ),
        signs >= 0.8 * bound,
    ));
    if let Some(pg) = pg {
        let worst = rows
            .iter()
            .filter(|r| r.read && r.name != "/healthz")
            .filter_map(|r| {
                let p = pg.iter().find(|p| p.name == r.name)?;
                Some((r.name.clone(), r.figures.per_second / p.figures.per_second.max(1e-9)))
            })
            .fold((String::new(), 0.0), |a, b| if b.1 > a.1 { b } else { a });
        goals.push((
            format!(
                "PostgreSQL read pages within 2× of SQLite: worst {} at {:.2}×",
                worst.0, worst.1
            ),
            worst.1 <= 2.0,
        ));
    }
    for (backend, m) in memory {
        let (idle, peak) = (m.rss_kb / 1024, m.peak_kb / 1024);
        goals.push((format!("{backend}: idle memory < 50 MB: {idle} MB"), idle < 50));
        goals.push((
            format!("{backend}: memory under load < 100 MB: {peak} MB at the peak"),
            peak < 100,
        ));
    }
    println!("\nGoals (2 cores, 32 connections; figures from this run)");
    for (text, met) in goals {
        println!("  [{}] {text}", if met { "met" } else { "MISSED" });
    }
}

/// The median time of one password hash check, as signing does it.
fn hash_time() -> Duration {
    let hash = jobdesc::domain::account::hash_password(setup::SIGNER_PASSWORD).unwrap_or_default();
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            jobdesc::domain::account::verify_password(setup::SIGNER_PASSWORD, &hash);
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let load = Load {
        base: String::new(),
        connections: env_number("JOBDESC_BENCH_CONNECTIONS", 32) as usize,
        threads: 2,
        duration: Duration::from_secs(env_number("JOBDESC_BENCH_SECONDS", 5)),
    };
    let sizes = Sizes {
        drafts: load.connections,
        visas: env_number("JOBDESC_BENCH_VISAS", 1500) as usize,
        signers: env_number("JOBDESC_BENCH_SIGNERS", 400) as usize,
    };
    let binary = env!("CARGO_BIN_EXE_jobdesc");
    let size = std::fs::metadata(binary).map(|m| m.len()).unwrap_or(0);
    println!("server binary: {binary}, {:.1} MB", size as f64 / 1e6);
    let hash = hash_time();
    println!("one password hash check: {} ms", ms(hash));

    let sqlite_dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no temporary folder: {e}");
            std::process::exit(1);
        }
    };
    let sqlite_url = format!("sqlite://{}", sqlite_dir.path().join("bench.db").display());
    let sqlite = match run_backend("SQLite", &sqlite_url, &load, &sizes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("SQLite run failed: {e}");
            std::process::exit(1);
        }
    };
    print_rows("SQLite", &sqlite.0);
    println!(
        "server memory: idle {} MB, peak under load {} MB",
        sqlite.1.rss_kb / 1024,
        sqlite.1.peak_kb / 1024
    );

    let admin = std::env::var("JOBDESC_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("JOBDESC_TEST_POSTGRES_URL"))
        .ok();
    let pg = match admin {
        None => {
            println!("\nPostgreSQL: skipped (set JOBDESC_BENCH_POSTGRES_URL to an admin URL)");
            None
        }
        Some(admin) => match server::PgDatabase::create(&admin) {
            Err(e) => {
                eprintln!("PostgreSQL: {e}");
                std::process::exit(1);
            }
            Ok(db) => match run_backend("PostgreSQL", &db.url, &load, &sizes) {
                Ok((rows, memory)) => {
                    print_rows("PostgreSQL", &rows);
                    println!(
                        "server memory: idle {} MB, peak under load {} MB",
                        memory.rss_kb / 1024,
                        memory.peak_kb / 1024
                    );
                    Some((rows, memory))
                }
                Err(e) => {
                    eprintln!("PostgreSQL run failed: {e}");
                    std::process::exit(1);
                }
            },
        },
    };
    let mut memory = vec![("SQLite", sqlite.1)];
    memory.extend(pg.as_ref().map(|p| ("PostgreSQL", p.1)));
    print_goals(&sqlite.0, hash, pg.as_ref().map(|p| p.0.as_slice()), &memory);
}
