//! Word export (issue 15, point 3): a version downloads as .docx from the editor and
//! the API, under its own name, and imports back to the same clauses.

use awc::http::StatusCode;

use crate::helpers::TestApp;
use crate::workflow::{approve_through, story};

async fn a_version_downloads_as_word_and_imports_back(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    approve_through(&s, &v).await;
    let (status, bytes) = s.hr.bytes_of(&format!("/api/v1/versions/{v}/docx")).await;
    assert_eq!(status, StatusCode::OK);
    let a = s.hr.get(&format!("/api/v1/versions/{v}/docx")).await;
    assert_eq!(
        a.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    let disposition = a.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.contains(".docx") && disposition.contains("%D0%BA%D0%BB%D0%B0%D0%B4"),
        "{disposition}"
    );
    let found = jobdesc::import::import("export.docx", &bytes).expect("the export reads back");
    let d = &found.documents[0];
    let view = s.hr.get(&format!("/api/v1/versions/{v}/preview")).await.json();
    let expected: Vec<(String, String)> = view
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|sec| sec["clauses"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["number"].as_str().is_some_and(|n| !n.is_empty()))
        .map(|c| {
            (
                c["number"].as_str().unwrap_or("").to_string(),
                c["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    fn flatten(c: &[jobdesc::import::model::CandidateClause], out: &mut Vec<(String, String)>) {
        for c in c {
            if let Some(n) = &c.number {
                out.push((n.clone(), c.text.clone()));
            }
            flatten(&c.children, out);
        }
    }
    let mut back = Vec::new();
    for sec in &d.sections {
        flatten(&sec.clauses, &mut back);
    }
    assert!(!expected.is_empty());
    assert_eq!(back, expected);
    // The editor offers it; a stranger to the document gets nothing.
    let mut web = app.web_as("kadry", "hr").await;
    let editor = web.get(&format!("/versions/{v}")).await;
    assert!(
        editor.body.contains(&format!("href=\"/versions/{v}/docx\"")),
        "{}",
        editor.body
    );
    assert_eq!(web.get(&format!("/versions/{v}/docx")).await.status, StatusCode::OK);
    let (status, _) = s.employee.bytes_of(&format!("/api/v1/versions/{v}/docx")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

crate::on_both_backends!(a_version_downloads_as_word_and_imports_back);
