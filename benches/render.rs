//! Render benchmark: the reference document (fixtures/reference.json: the seed
//! job description as structured sections, approval, four visas, a 30-row
//! acknowledgement sheet and a 10-row register), rendered many times in one process.
//!
//! Run: `cargo bench --bench render` (add a count: `cargo bench --bench render -- 500`).

use std::time::Instant;

use jobdesc::pdf::input::RenderInput;
use jobdesc::pdf::{render, Part};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(300);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reference.json");
    let text = std::fs::read_to_string(path).expect("fixtures/reference.json");
    let input: RenderInput = serde_json::from_str(&text).expect("reference.json parses");
    // The first render parses the fonts and hyphenation patterns (once per process).
    let start = Instant::now();
    let first = render(&input, &Part::ALL).expect("renders");
    let cold = start.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::with_capacity(runs);
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = render(&input, &Part::ALL).expect("renders");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes = r.bytes.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    // Layout alone (both versions of the text part, as the register comparison does), without saving.
    let mut layout = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let _ = jobdesc::pdf::sheet_changes(&input, &input).expect("layout");
        layout.push(t.elapsed().as_secs_f64() * 1000.0 / 2.0);
    }
    layout.sort_by(|a, b| a.total_cmp(b));
    let pages: usize = first.pages.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = first.pages.iter().map(|(p, n)| format!("{p:?} {n}")).collect();
    println!("jobdesc render (full document: text + approval + 4 visas + 30 acknowledgements + 10-row register)");
    println!("  runs            {runs}");
    println!("  first (cold)    {cold:.2} ms (fonts and hyphenation patterns loaded)");
    println!("  median          {:.2} ms", percentile(&times, 0.5));
    println!("  p90             {:.2} ms", percentile(&times, 0.9));
    println!("  min             {:.2} ms", times[0]);
    println!(
        "  layout only     {:.2} ms median (text part, no PDF serialisation)",
        percentile(&layout, 0.5)
    );
    println!("  pages           {pages} ({})", parts.join(", "));
    println!("  bytes           {bytes}");
}
