//! The load generator: keeps a number of connections busy with the requests of
//! a plan for a while and reports throughput and latency percentiles.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use awc::http::Method;

/// One request of a plan and the status that counts as success.
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    /// Content type and bytes.
    pub body: Option<(&'static str, Vec<u8>)>,
    pub expect: u16,
}

impl Req {
    /// A GET expecting 200.
    pub fn get(path: &str, headers: Vec<(&'static str, String)>) -> Req {
        Req {
            method: Method::GET,
            path: path.to_string(),
            headers,
            body: None,
            expect: 200,
        }
    }
}

/// The `seq`-th request of connection `conn`; `None` when the plan has no more work.
pub type Plan = Arc<dyn Fn(usize, usize) -> Option<Req> + Send + Sync>;

/// What one run measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub requests: usize,
    pub errors: usize,
    /// The first unexpected status seen, for the report.
    pub first_error: Option<String>,
    pub per_second: f64,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// Where the load goes and how much of it.
#[derive(Debug, Clone)]
pub struct Load {
    pub base: String,
    pub connections: usize,
    pub threads: usize,
    pub duration: Duration,
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

async fn connection(client: &awc::Client, base: &str, plan: &Plan, conn: usize, stop: &AtomicBool) -> Outcome {
    let mut out = Outcome {
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
    };
    let mut seq = 0;
    while !stop.load(Ordering::Relaxed) {
        let Some(req) = plan(conn, seq) else { break };
        seq += 1;
        let mut r = client.request(req.method.clone(), format!("{base}{}", req.path));
        for (k, v) in &req.headers {
            r = r.insert_header((*k, v.as_str()));
        }
        let started = Instant::now();
        let sent = match req.body {
            Some((content_type, bytes)) => r.insert_header(("content-type", content_type)).send_body(bytes).await,
            None => r.send().await,
        };
        let status = match sent {
            Ok(mut res) => {
                let body = res.body().limit(64 << 20).await;
                match body {
                    Ok(_) => Ok(res.status().as_u16()),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        out.latencies.push(started.elapsed());
        match status {
            Ok(s) if s == req.expect => {}
            other => {
                out.errors += 1;
                out.first_error
                    .get_or_insert_with(|| format!("{} {}: {other:?}", req.method, req.path));
            }
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Runs `plan` on `load.connections` connections spread over `load.threads` client threads.
pub fn run(load: &Load, plan: Plan) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = (0..load.threads)
        .map(|t| {
            let (plan, stop, base) = (plan.clone(), stop.clone(), load.base.clone());
            let mine: Vec<usize> = (0..load.connections).filter(|c| c % load.threads == t).collect();
            std::thread::spawn(move || {
                actix_rt::System::new().block_on(async move {
                    let client = awc::Client::builder()
                        .disable_redirects()
                        .timeout(Duration::from_secs(60))
                        .finish();
                    let runs = mine.iter().map(|c| connection(&client, &base, &plan, *c, &stop));
                    futures_util::future::join_all(runs).await
                })
            })
        })
        .collect();
    let timer = {
        let (stop, duration) = (stop.clone(), load.duration);
        std::thread::spawn(move || {
            let until = Instant::now() + duration;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
            stop.store(true, Ordering::Relaxed);
        })
    };
    let mut latencies = Vec::new();
    let (mut errors, mut first_error) = (0, None);
    for t in threads {
        for o in t.join().unwrap_or_default() {
            latencies.extend(o.latencies);
            errors += o.errors;
            first_error = first_error.or(o.first_error);
        }
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = timer.join();
    latencies.sort();
    Figures {
        requests: latencies.len(),
        errors,
        first_error,
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p95: percentile(&latencies, 0.95),
        p99: percentile(&latencies, 0.99),
    }
}
