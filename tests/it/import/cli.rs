//! `jobdesc import`: JSON without a database, drafts with one, and files that fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::helpers::TestApp;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import").join(name)
}

fn jobdesc(args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(args)
        .args(files)
        .env("JOBDESC_LOG_LEVEL", "warn")
        .env_remove("JOBDESC_DATABASE_URL")
        .output()
        .expect("binary runs")
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jobdesc-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

#[test]
fn json_needs_no_database_and_names_every_job_description() {
    // No database URL and a data directory that does not exist: nothing is opened.
    let one = jobdesc(
        &["--data-dir", "/nonexistent/jobdesc", "import", "--json"],
        &[fixture("seed_001.txt")],
    );
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    let v: Value = serde_json::from_slice(&one.stdout).expect("JSON");
    assert!(v.is_object(), "one file gives one object");
    assert!(v["file"].as_str().unwrap_or("").ends_with("seed_001.txt"));
    let doc = &v["documents"][0];
    assert_eq!(doc["position_title"], "Менеджер по работе с клиентами");
    let kinds: Vec<&str> = doc["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["general", "duties", "rights", "responsibility"]);
    assert_eq!(
        doc["sections"][1]["clauses"][1]["number"], "2.1",
        "the number as printed is kept"
    );
    assert!(doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .any(|w| w["code"] == "missing_section"));
    assert!(v["dropped_lines"].is_array());

    let all: Vec<PathBuf> = (0..5).map(|i| fixture(&format!("seed_00{i}.txt"))).collect();
    let many = jobdesc(&["import", "--json"], &all);
    assert!(many.status.success());
    let v: Value = serde_json::from_slice(&many.stdout).expect("JSON");
    let counts: Vec<usize> = v
        .as_array()
        .expect("an array for several files")
        .iter()
        .map(|f| f["documents"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts[..4], [1, 1, 2, 1], "{counts:?}");
    assert!(counts[4] >= 5, "seed 004 holds several job descriptions: {counts:?}");
}

#[test]
fn a_file_that_cannot_be_read_fails_the_run_but_not_the_others() {
    let empty = scratch("empty.txt", b"");
    let binary = scratch("photo.txt", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    let not_zip = scratch("letter.docx", b"PK\x03\x04 this is not really a zip");
    let o = jobdesc(
        &["import", "--json"],
        &[fixture("seed_003.txt"), empty.clone(), binary.clone(), not_zip.clone()],
    );
    assert!(!o.status.success(), "exit status says something failed");
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        v[0]["documents"].as_array().map(Vec::len),
        Some(1),
        "the good file is still read"
    );
    for (i, word) in [(1, "empty"), (2, "binary"), (3, "zip")] {
        assert!(v[i]["error"].as_str().unwrap_or("").contains(word), "{}", v[i]);
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("3 of 4 files could not be read"), "{stderr}");
}

/// Without --json the files become drafts; a file that fails leaves nothing behind.
async fn drafts_from_files(app: TestApp) {
    let hr = app.api_as("hr", "hr");
    let dept = hr
        .post("/api/v1/departments", serde_json::json!({ "name": "Отдел продаж" }))
        .await
        .json()["id"]
        .as_str()
        .expect("department")
        .to_string();
    let url = app.settings.database_url.expose().to_string();
    let log_before = app.log_len();
    let o = jobdesc(
        &[
            "--database-url",
            &url,
            "import",
            "--create-positions",
            "--department",
            &dept,
        ],
        &[fixture("seed_001.txt"), fixture("seed_003.txt")],
    );
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1 draft(s): Менеджер по работе с клиентами"), "{out}");
    let docs = hr.get("/api/v1/documents").await.json();
    assert_eq!(docs["total"], 2, "{docs}");
    let log = jobdesc::services::journal::recent(&mut app.conn(), None, 50).expect("log");
    let imported = log
        .iter()
        .filter(|e| e.entity == "job_description" && e.after_json.as_deref().unwrap_or("").contains("seed_001.txt"))
        .count();
    assert_eq!(imported, 1, "the import is logged with its file");
    assert!(app.log_len() > log_before);

    // The same file again: the position already has its job description, so the file fails
    // and nothing is created — neither a draft nor a position.
    let positions_before = hr.get("/api/v1/positions").await.json()["total"].clone();
    let log_before = app.log_len();
    let o = jobdesc(
        &[
            "--database-url",
            &url,
            "import",
            "--create-positions",
            "--department",
            &dept,
        ],
        &[fixture("seed_002.txt"), fixture("seed_001.txt")],
    );
    assert!(!o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("failed: position_id: document_exists"), "{out}");
    assert!(out.contains("2 draft(s)"), "the other file is still imported: {out}");
    assert_eq!(hr.get("/api/v1/documents").await.json()["total"], 4);
    let positions_after = hr.get("/api/v1/positions").await.json()["total"].clone();
    assert_eq!(positions_after.as_i64(), positions_before.as_i64().map(|n| n + 2));
    assert!(app.log_len() > log_before);
}

crate::on_both_backends!(drafts_from_files);

#[test]
fn word_97_files_need_libreoffice_and_say_so() {
    let doc = scratch(
        "старый.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not a real Word 97 file",
    );
    let o = jobdesc(&["import", "--json"], &[doc]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let error = v["error"].as_str().unwrap_or("");
    let have_soffice = Command::new("soffice").arg("--version").output().is_ok();
    if have_soffice {
        // LibreOffice opens what it cannot parse as plain text: either it says it could
        // not convert, or the text comes back with no structure found.
        let unstructured = v["documents"][0]["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["code"] == "no_structure"));
        assert!(error.contains("LibreOffice could not convert") || unstructured, "{v}");
    } else {
        assert!(!o.status.success());
        assert!(
            error.contains("libreoffice-writer"),
            "names the Debian package: {error}"
        );
    }
}

/// `jobdesc import --json … | head` ends quietly when `head` has had enough.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let file = scratch(
        "много.txt",
        "1. Общие положения\n1.1. Текст пункта.\n".repeat(4000).as_bytes(),
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(["import", "--json"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A PDF with a text layer (one jobdesc printed) is read back through pdftotext.
#[test]
fn a_pdf_with_text_is_read_back() {
    if !crate::pdf::have("pdftotext") {
        return;
    }
    let input: jobdesc::pdf::input::RenderInput = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference.json"))
            .expect("fixture"),
    )
    .expect("reference");
    let pdf = jobdesc::pdf::render(&input, &[jobdesc::pdf::Part::Document]).expect("render");
    let result = jobdesc::import::import("printed.pdf", &pdf.bytes).expect("read");
    let doc = result.documents.first().expect("a job description");
    let kinds: Vec<String> = doc
        .sections
        .iter()
        .filter_map(|s| serde_json::to_value(s.kind).ok()?.as_str().map(str::to_string))
        .collect();
    for k in ["general", "duties", "rights", "responsibility"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
}

/// A page set in two columns, left column first, as lopdf writes it: each line
/// placed with its own text position, as word processors do.
fn two_column_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut ops = String::from("BT /F1 10 Tf 12 TL\n");
    // Lines of the two columns interleaved in the stream, as a layout program
    // may write them: the reader must still give each column whole.
    for i in 1..=24 {
        let y = 760 - 14 * i;
        ops.push_str(&format!("1 0 0 1 50 {y} Tm (Left column line {i:02} goes here) Tj\n"));
        ops.push_str(&format!(
            "1 0 0 1 320 {y} Tm (Right column line {i:02} follows it) Tj\n"
        ));
    }
    ops.push_str("ET\n");
    let content_id = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

/// A two-column PDF is read column by column, not across the gutter.
#[test]
fn a_two_column_pdf_is_read_column_by_column() {
    if !crate::pdf::have("pdftotext") {
        return;
    }
    let paras = jobdesc::import::read("columns.pdf", &two_column_pdf()).expect("read");
    let lines: Vec<String> = paras
        .iter()
        .flat_map(|p| p.text.lines().map(str::trim).map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect();
    let left: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("Left")).collect();
    let right: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("Right")).collect();
    assert_eq!((left.len(), right.len()), (24, 24), "{lines:?}");
    assert!(left.iter().max() < right.iter().min(), "columns mixed: {lines:?}");
    assert_eq!(lines[left[0]], "Left column line 01 goes here");
    assert_eq!(lines[right[23]], "Right column line 24 follows it");
}
