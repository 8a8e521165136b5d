//! PDF output checked with independent tools (poppler's pdftotext/pdffonts/pdftoppm, qpdf).

use std::path::{Path, PathBuf};
use std::process::Command;

use awc::http::StatusCode;
use jobdesc::pdf::input::{ClauseOut, RenderInput, SectionOut};
use jobdesc::pdf::layout::{BOTTOM, LEFT, PAGE_H, PAGE_W, RIGHT, TOP};
use jobdesc::pdf::{render, Part};
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

/// True when the tool is installed; in CI its absence is a failure.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have {tool} (poppler-utils, qpdf)"
        );
        eprintln!("note: {tool} not installed; PDF check skipped");
    }
    ok
}

fn reference() -> RenderInput {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference.json"))
        .expect("fixture");
    serde_json::from_str(&text).expect("reference.json parses")
}

pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-tests");
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

pub fn pdftotext(p: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(p)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A word as `pdftotext -bbox` places it: page (from 1), text and box in points.
struct Word {
    page: usize,
    text: String,
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
}

/// Every word of the file with its box, as poppler places the glyphs by the widths in the file.
fn words(p: &Path) -> Vec<Word> {
    let o = Command::new("pdftotext")
        .arg("-bbox")
        .arg(p)
        .arg("-")
        .output()
        .expect("pdftotext -bbox");
    let html = String::from_utf8_lossy(&o.stdout).to_string();
    let attr = |line: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        line.find(&key)
            .and_then(|i| line[i + key.len()..].split('"').next().and_then(|v| v.parse().ok()))
            .unwrap_or(0.0)
    };
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines().map(str::trim_start) {
        if line.starts_with("<page") {
            page += 1;
        } else if line.starts_with("<word") {
            words.push(Word {
                page,
                text: line
                    .split('>')
                    .nth(1)
                    .and_then(|w| w.split('<').next())
                    .unwrap_or("")
                    .to_string(),
                x0: attr(line, "xMin"),
                x1: attr(line, "xMax"),
                y0: attr(line, "yMin"),
                y1: attr(line, "yMax"),
            });
        }
    }
    words
}

/// Words outside the text area (page numbers, which GOST puts in the top margin, excepted).
fn words_outside_margins(p: &Path) -> Vec<String> {
    words(p)
        .into_iter()
        .filter(|w| {
            let page_number = w.y1 < TOP && w.text.chars().all(|c| c.is_ascii_digit());
            let inside = w.x0 >= LEFT - 0.5
                && w.x1 <= PAGE_W - RIGHT + 0.5
                && w.y0 >= TOP - 0.5
                && w.y1 <= PAGE_H - BOTTOM + 0.5;
            !inside && !page_number
        })
        .map(|w| format!("{} [{:.1}..{:.1}, {:.1}..{:.1}]", w.text, w.x0, w.x1, w.y0, w.y1))
        .collect()
}

/// Where each text line ends: the right edge of its last word.
fn line_ends(p: &Path) -> Vec<f32> {
    let mut ends: std::collections::BTreeMap<(usize, i64), f32> = Default::default();
    for w in words(p) {
        let end = ends.entry((w.page, (w.y0 * 10.0).round() as i64)).or_insert(0.0);
        *end = end.max(w.x1);
    }
    ends.into_values().collect()
}

fn pages(p: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(p).output().expect("pdfinfo");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap_or(0)))
        .unwrap_or(0)
}

#[test]
fn every_part_passes_the_independent_tools() {
    let input = reference();
    let all = render(&input, &Part::ALL).expect("renders");
    assert!(all.bytes.len() < 100_000, "under 100 KB: {}", all.bytes.len());
    if !(have("pdftotext") && have("qpdf") && have("pdffonts") && have("pdftoppm")) {
        return;
    }
    let path = write("reference.pdf", &all.bytes);
    let text = pdftotext(&path);
    // Every clause comes back, Cyrillic intact and numbers in order.
    let mut at = 0;
    for s in &input.sections {
        for c in &s.clauses {
            let first = c.text.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let label = if c.number.is_empty() {
                "–".to_string()
            } else {
                format!("{}.", c.number)
            };
            let found = flat[at..].find(&format!("{label} {first}"));
            assert!(found.is_some(), "clause {} «{first}» missing or out of order", c.number);
            at += found.unwrap_or(0);
        }
    }
    for needle in [
        "УТВЕРЖДАЮ",
        "ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ",
        "СОГЛАСОВАНО",
        "Замечания прилагаются",
        "ЛИСТ ОЗНАКОМЛЕНИЯ",
        "Подписано простой электронной",
        "ЛИСТ РЕГИСТРАЦИИ ИЗМЕНЕНИЙ",
        "Журнал согласования",
        "«24» ноября 2026 г.",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    assert!(!text.contains("ПРОЕКТ"), "an approved document carries no draft mark");
    let fonts = Command::new("pdffonts").arg(&path).output().expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.contains(" yes yes ")),
        "every font embedded and subset:\n{fonts}"
    );
    let q = Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf");
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stdout));
    assert!(
        words_outside_margins(&path).is_empty(),
        "{:?}",
        words_outside_margins(&path)
    );
    // Justified lines end exactly at the right margin: the kerns between words
    // make up for the widths in the file being rounded down to 1/1000 em.
    let right = PAGE_W - RIGHT;
    let flush = line_ends(&path).iter().filter(|e| (**e - right).abs() < 0.15).count();
    assert!(flush >= 40, "only {flush} lines end at the right margin");
    let total: usize = all.pages.iter().map(|(_, n)| n).sum();
    assert_eq!(pages(&path), total, "page counts match");
    // A snapshot of page 1 of each part, for review.
    let mut first = 1;
    for (part, n) in &all.pages {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/snapshots/{part:?}"));
        std::fs::create_dir_all(out.parent().expect("dir")).expect("dir");
        let s = Command::new("pdftoppm")
            .args(["-r", "50", "-png", "-singlefile", "-f"])
            .arg(first.to_string())
            .arg("-l")
            .arg(first.to_string())
            .arg(&path)
            .arg(&out)
            .status()
            .expect("pdftoppm");
        assert!(s.success());
        first += n;
    }
}

fn with_clauses(clauses: Vec<String>) -> RenderInput {
    let mut input = reference();
    input.sections = vec![SectionOut {
        number: Some(1),
        heading: "Должностные обязанности".into(),
        clauses: clauses
            .into_iter()
            .enumerate()
            .map(|(i, text)| ClauseOut {
                number: format!("1.{}", i + 1),
                depth: 1,
                text,
            })
            .collect(),
    }];
    input
}

#[test]
fn long_words_and_long_documents_stay_inside_the_margins() {
    let word = "а".repeat(300);
    let mut clauses = vec![format!("Слово {word} в тексте.")];
    clauses.extend((0..200).map(|i| format!("Пункт {i}: обеспечивает своевременное и качественное выполнение должностных обязанностей, предусмотренных настоящей должностной инструкцией.")));
    let r = render(&with_clauses(clauses), &[Part::Document]).expect("renders");
    if !(have("pdftotext") && have("qpdf")) {
        return;
    }
    let path = write("long.pdf", &r.bytes);
    assert!(
        words_outside_margins(&path).is_empty(),
        "{:?}",
        words_outside_margins(&path).iter().take(5).collect::<Vec<_>>()
    );
    assert!(pages(&path) > 5);
    let text: String = pdftotext(&path).split_whitespace().collect();
    assert!(
        text.contains(&word),
        "the 300-letter word comes back whole across its line breaks"
    );
    assert!(text.contains("1.201.Пункт199"));
}

#[test]
fn odd_input_renders_without_panic() {
    let mut empty = reference();
    empty.sections.clear();
    empty.document.approved = false;
    let r = render(&empty, &Part::ALL).expect("a document without clauses renders");
    assert!(!r.bytes.is_empty());
    let r = render(
        &with_clauses(vec!["ы ".repeat(25_000), "Эмодзи 😀 и иероглифы 漢字.".into()]),
        &[Part::Document],
    )
    .expect("renders");
    assert_eq!(
        r.missing,
        vec!['漢', '字', '😀']
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    if !(have("pdftotext") && have("qpdf")) {
        return;
    }
    let path = write("odd.pdf", &r.bytes);
    assert!(Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .status()
        .expect("qpdf")
        .success());
    assert!(pdftotext(&path).contains("Эмодзи ? и иероглифы ??."));
    let draft = write("draft.pdf", &render(&empty, &[Part::Document]).expect("renders").bytes);
    assert!(pdftotext(&draft).contains("ПРОЕКТ"), "a draft carries the mark");
}

/// The whole path through the server: a real approved version, downloaded, verified.
async fn approved_versions_download_and_verify(app: TestApp) {
    let s = crate::workflow::story(&app).await;
    crate::workflow::approve_through(&s, &s.version).await;
    let a = s.hr.get(&format!("/api/v1/versions/{}/pdf", s.version)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("content-type").as_deref(), Some("application/pdf"));
    assert!(a
        .header("content-disposition")
        .unwrap_or_default()
        .contains("filename*=UTF-8''%D0%94%D0%98"));
    let w =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json();
    let hash = w["state"]["content_hash"].as_str().expect("hash").to_string();
    let page = crate::helpers::Web::new(&app.base)
        .get(&format!("/verify/{hash}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "the verification page is public");
    assert!(page.body.contains("кладовщик"));
    let unknown = crate::helpers::Web::new(&app.base)
        .get(&format!("/verify/{}", "0".repeat(64)))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad =
        s.hr.get(&format!("/api/v1/versions/{}/pdf?parts=cover", s.version))
            .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The CLI renders from the database and verifies the file it made.
    let url = app.settings.database_url.expose().to_string();
    let out = std::env::temp_dir().join(format!("jobdesc-{}.pdf", uuid::Uuid::new_v4()));
    let o = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args([
            "--database-url",
            &url,
            "render",
            &s.version,
            "--parts",
            "document,register",
            "-o",
        ])
        .arg(&out)
        .env("JOBDESC_LOG_LEVEL", "warn")
        .output()
        .expect("render");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(["--database-url", &url, "verify"])
        .arg(&out)
        .output()
        .expect("verify");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Genuine"));
    let fake = std::env::temp_dir().join(format!("jobdesc-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&fake, b"%PDF-1.3 not ours").expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(["--database-url", &url, "verify"])
        .arg(&fake)
        .output()
        .expect("verify");
    assert!(!o.status.success());
    let _ = std::fs::remove_file(out);
    let _ = std::fs::remove_file(fake);

    // A second approved revision: its register row names the changed sheets and the real total.
    let v2 =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await
            .json()["id"]
            .as_str()
            .expect("v2")
            .to_string();
    crate::workflow::edit_duty(
        &s.hr,
        &v2,
        "Принимает товар по количеству и качеству в соответствии с сопроводительными документами.",
    )
    .await;
    crate::workflow::approve_through(&s, &v2).await;
    let input = jobdesc::services::render::input_for(&mut app.conn(), &app.clock, &v2, "http://x").expect("input");
    let row = &input.register[0];
    assert!(!row.sheets.changed.is_empty(), "{:?}", row.sheets);
    let doc_pages = render(&input, &[Part::Document]).expect("render").pages[0].1;
    assert_eq!(row.total_sheets, Some(doc_pages));
    let _ = PASSWORD;
}

crate::on_both_backends!(approved_versions_download_and_verify);
