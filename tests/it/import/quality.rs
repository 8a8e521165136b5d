//! Quality of the parser on the seed fixtures: section precision/recall and exact clause
//! recovery against hand-written expected structures. Run with `--nocapture` to see figures.

use jobdesc::import::model::{CandidateClause, CandidateDocument, SectionKind};
use jobdesc::import::tree::count;
use serde_json::Value;

/// Thresholds: just below the figures last reached on the seeds; they may only go up.
const MIN_SECTION_PRECISION: f64 = 0.99;
const MIN_SECTION_RECALL: f64 = 0.99;
const MIN_REQUIRED_RECALL: f64 = 0.99;
const MIN_TEXT_RECALL: f64 = 0.99;
const MIN_COUNT_MATCH: f64 = 0.99;

const SEEDS: &[&str] = &["seed_000", "seed_001", "seed_002", "seed_003", "seed_004"];

fn kind_name(k: SectionKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn texts(cs: &[CandidateClause], out: &mut Vec<String>) {
    for c in cs {
        out.push(c.text.clone());
        texts(&c.children, out);
    }
}

fn doc_texts(d: &CandidateDocument) -> Vec<String> {
    let mut out = Vec::new();
    for s in &d.sections {
        texts(&s.clauses, &mut out);
    }
    out
}

#[derive(Default)]
struct Tally {
    detected: usize,
    detected_ok: usize,
    expected: usize,
    expected_found: usize,
    required: usize,
    required_found: usize,
    texts: usize,
    texts_found: usize,
    counts_ok: usize,
    titles: usize,
    titles_ok: usize,
}

fn score(name: &str, t: &mut Tally) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/import/");
    let bytes = std::fs::read(format!("{dir}{name}.txt")).expect("seed readable");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}{name}.expected.json")).expect("expected readable"),
    )
    .expect("json");
    let result = jobdesc::import::import("seed.txt", &bytes).expect("seed parses");
    let exp_docs = expected.as_array().cloned().unwrap_or_default();
    let det_texts: Vec<Vec<String>> = result.documents.iter().map(doc_texts).collect();
    // Match expected to detected documents by shared exact texts, best pairs first.
    let mut pairs = Vec::new();
    for (ei, e) in exp_docs.iter().enumerate() {
        let etexts: Vec<&str> = e["sections"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["texts"].as_array().into_iter().flatten().filter_map(Value::as_str))
            .collect();
        for (di, dt) in det_texts.iter().enumerate() {
            let n = etexts.iter().filter(|x| dt.iter().any(|y| y == *x)).count();
            if n > 0 {
                pairs.push((n, ei, di));
            }
        }
    }
    pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut matched: Vec<Option<usize>> = vec![None; exp_docs.len()];
    let mut used = vec![false; result.documents.len()];
    for (_, ei, di) in pairs {
        if matched[ei].is_none() && !used[di] {
            matched[ei] = Some(di);
            used[di] = true;
        }
    }
    for (di, d) in result.documents.iter().enumerate() {
        t.detected += d.sections.len();
        if !used[di] {
            eprintln!(
                "  {name}: unexpected document {:?} with {} sections",
                d.position_title,
                d.sections.len()
            );
        }
    }
    for (ei, e) in exp_docs.iter().enumerate() {
        let secs = e["sections"].as_array().cloned().unwrap_or_default();
        let det = matched[ei].map(|di| &result.documents[di]);
        if let Some(pos) = e["position_title"].as_str() {
            t.titles += 1;
            if det
                .and_then(|d| d.position_title.as_deref())
                .is_some_and(|p| p.to_lowercase() == pos.to_lowercase())
            {
                t.titles_ok += 1;
            }
        }
        let mut taken = vec![false; det.map_or(0, |d| d.sections.len())];
        for s in &secs {
            let kind = s["kind"].as_str().unwrap_or("");
            let want = s["clauses"].as_u64().unwrap_or(0) as usize;
            let ts: Vec<&str> = s["texts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            t.expected += 1;
            t.texts += ts.len();
            let required = matches!(kind, "duties" | "rights" | "responsibility" | "safety");
            t.required += usize::from(required);
            let Some(d) = det else {
                eprintln!("  {name}: doc {ei} not found, section {kind} missed");
                continue;
            };
            // Prefer the same-kind section that holds the expected texts.
            let cands: Vec<usize> = (0..d.sections.len())
                .filter(|&i| !taken[i] && kind_name(d.sections[i].kind) == kind)
                .collect();
            let holds = |i: usize| {
                let mut v = Vec::new();
                texts(&d.sections[i].clauses, &mut v);
                ts.iter().filter(|x| v.iter().any(|y| y == *x)).count()
            };
            let Some(&best) = cands.iter().max_by_key(|&&i| holds(i)) else {
                eprintln!("  {name}: doc {ei} section {kind} not detected");
                continue;
            };
            taken[best] = true;
            t.expected_found += 1;
            t.detected_ok += 1;
            t.required_found += usize::from(required);
            t.texts_found += holds(best);
            let got = count(&d.sections[best].clauses);
            if got == want {
                t.counts_ok += 1;
            } else {
                eprintln!("  {name}: doc {ei} section {kind}: {got} clauses, expected {want}");
            }
            for x in &ts {
                if holds(best) < ts.len()
                    && !{
                        let mut v = Vec::new();
                        texts(&d.sections[best].clauses, &mut v);
                        v.iter().any(|y| y == x)
                    }
                {
                    eprintln!("  {name}: doc {ei} section {kind}: text not recovered: {x}");
                }
            }
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[test]
fn seed_quality() {
    let mut t = Tally::default();
    for s in SEEDS {
        score(s, &mut t);
    }
    let precision = ratio(t.detected_ok, t.detected);
    let recall = ratio(t.expected_found, t.expected);
    let required = ratio(t.required_found, t.required);
    let text_recall = ratio(t.texts_found, t.texts);
    let counts = ratio(t.counts_ok, t.expected);
    let titles = ratio(t.titles_ok, t.titles);
    eprintln!("section precision {:.3} ({}/{})", precision, t.detected_ok, t.detected);
    eprintln!("section recall    {:.3} ({}/{})", recall, t.expected_found, t.expected);
    eprintln!(
        "required sections {:.3} ({}/{})",
        required, t.required_found, t.required
    );
    eprintln!("exact clause texts {:.3} ({}/{})", text_recall, t.texts_found, t.texts);
    eprintln!("clause counts equal {:.3} ({}/{})", counts, t.counts_ok, t.expected);
    eprintln!("position titles   {:.3} ({}/{})", titles, t.titles_ok, t.titles);
    assert!(precision >= MIN_SECTION_PRECISION, "precision {precision}");
    assert!(recall >= MIN_SECTION_RECALL, "recall {recall}");
    assert!(required >= MIN_REQUIRED_RECALL, "required {required}");
    assert!(text_recall >= MIN_TEXT_RECALL, "texts {text_recall}");
    assert!(counts >= MIN_COUNT_MATCH, "counts {counts}");
}
