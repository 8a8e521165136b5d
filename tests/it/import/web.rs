//! Import through the API and the pages: a Word file in, reviewed, a draft out that
//! goes for agreement; bad files refused with nothing left behind.

use awc::http::StatusCode;
use serde_json::{json, Value};

use super::docx_builder::DocxBuilder;
use crate::helpers::{multipart, Api, TestApp};

const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;

const STYLES: &str = r#"<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#;

/// A library clause's text, so the import links it.
const SAFETY: &str = "Соблюдать требования охраны труда, установленные законами и иными нормативными правовыми актами, а также правилами и инструкциями по охране труда, действующими в организации.";

/// Close to a library clause but not the same: suggested, never linked.
const NEAR: &str =
    "Проходить вводный инструктаж по охране труда при приёме на работу и первичный инструктаж на рабочем месте.";

/// (heading, clauses) of a small but complete job description.
fn sections() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "Общие положения",
            vec![
                "Кладовщик относится к категории рабочих.",
                "Кладовщик подчиняется заведующему складом.",
            ],
        ),
        (
            "Должностные обязанности",
            vec![
                "Принимает товар на склад по накладным.",
                "Выдаёт товар по заявкам подразделений.",
            ],
        ),
        (
            "Права",
            vec!["Запрашивать у подразделений сведения, нужные для работы."],
        ),
        (
            "Ответственность",
            vec!["За ненадлежащее исполнение своих обязанностей в пределах трудового законодательства."],
        ),
        ("Обязанности по охране труда", vec![SAFETY, NEAR]),
    ]
}

/// The document as Word writes it: headings and clauses numbered automatically.
fn word_file() -> Vec<u8> {
    let mut b = DocxBuilder::new()
        .styles_xml(STYLES)
        .numbering_xml(NUMBERING)
        .paragraph("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ кладовщика");
    for (heading, clauses) in sections() {
        b = b.styled(heading, "1");
        for c in clauses {
            b = b.styled(c, "Clause");
        }
    }
    b.build()
}

/// The same document with its numbers typed.
fn typed_text() -> String {
    let mut out = String::from("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ кладовщика\n");
    for (i, (heading, clauses)) in sections().into_iter().enumerate() {
        out.push_str(&format!("{}. {heading}\n", i + 1));
        for (j, c) in clauses.into_iter().enumerate() {
            out.push_str(&format!("{}.{}. {c}\n", i + 1, j + 1));
        }
    }
    out
}

/// A section as (kind, [(number, text)]).
pub(super) type Tree = Vec<(String, Vec<(Option<String>, String)>)>;

/// Sections of the first candidate, for comparing two imports.
pub(super) fn tree(r: &jobdesc::import::ImportResult) -> Tree {
    r.documents[0]
        .sections
        .iter()
        .map(|s| {
            let kind = serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (
                kind,
                s.clauses.iter().map(|c| (c.number.clone(), c.text.clone())).collect(),
            )
        })
        .collect()
}

#[test]
fn automatic_and_typed_numbering_give_the_same_tree() {
    let word = jobdesc::import::import("instruction.docx", &word_file()).expect("docx");
    let typed = jobdesc::import::import("instruction.txt", typed_text().as_bytes()).expect("text");
    assert_eq!(tree(&word), tree(&typed));
    let kinds: Vec<String> = tree(&word).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["general", "duties", "rights", "responsibility", "safety"]);
    assert_eq!(
        tree(&word)[1].1[0],
        (Some("2.1".into()), "Принимает товар на склад по накладным.".into())
    );
}

async fn position(hr: &Api) -> (String, String) {
    let dept = hr.post("/api/v1/departments", json!({ "name": "Склад" })).await.json()["id"]
        .as_str()
        .expect("d")
        .to_string();
    let p = hr
        .post("/api/v1/positions", json!({ "title": "кладовщик", "title_genitive": "кладовщика", "category": "worker", "department_id": dept }))
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    (dept, p.json()["id"].as_str().expect("p").to_string())
}

fn imports_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    jobdesc::db::schema::imports::table
        .count()
        .get_result(&mut *app.conn())
        .expect("count")
}

/// The API: a file in, the structure out, then a draft with the import in the change log.
async fn the_api_reads_a_file_and_makes_a_draft(app: TestApp) {
    let hr = app.api_as("hr", "hr");
    let (_, position_id) = position(&hr).await;
    let (ct, body) = multipart(&[], &[("file", "кладовщик.docx", &word_file())]);
    let a = hr.bytes(awc::http::Method::POST, "/api/v1/imports", &ct, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let import = a.json();
    assert_eq!(import["source"]["file_name"], "кладовщик.docx");
    assert_eq!(
        import["result"]["documents"][0]["sections"].as_array().map(Vec::len),
        Some(5)
    );
    let id = import["id"].as_str().expect("id");
    assert_eq!(hr.get(&format!("/api/v1/imports/{id}")).await.status, StatusCode::OK);
    let other = app.api_as("hr2", "hr");
    assert_eq!(
        other.get(&format!("/api/v1/imports/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "only its author sees it"
    );

    let d = hr
        .post(
            &format!("/api/v1/imports/{id}/draft"),
            json!({ "position_id": position_id }),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let version = d.json()["versions"][0]["id"].as_str().expect("v").to_string();
    let view = hr.get(&format!("/api/v1/versions/{version}")).await.json();
    let texts: Vec<&str> = view["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert!(texts.contains(&"Выдаёт товар по заявкам подразделений."), "{texts:?}");
    let safety = view["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["text"] == SAFETY)
        .expect("safety clause");
    assert!(
        safety["library_id"].is_string(),
        "the same text as a library clause is linked: {safety}"
    );
    let log = jobdesc::services::journal::recent(&mut app.conn(), None, 10).expect("log");
    let created = log.iter().find(|e| e.entity == "job_description").expect("logged");
    let after: Value = serde_json::from_str(created.after_json.as_deref().unwrap_or("{}")).expect("json");
    let source = &after["origin"]["import"];
    assert_eq!(source["file_name"], "кладовщик.docx");
    assert_eq!(source["size"], word_file().len());
    assert_eq!(source["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(created.actor, "hr");
    // A second draft for the same position is refused and changes nothing.
    let before = app.log_len();
    let again = hr
        .post(
            &format!("/api/v1/imports/{id}/draft"),
            json!({ "position_id": position_id }),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["errors"][0]["code"], "document_exists");
    assert_eq!(app.log_len(), before);

    // Pasted text, as JSON.
    let t = hr.post("/api/v1/imports", json!({ "text": typed_text() })).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    assert_eq!(t.json()["result"]["documents"].as_array().map(Vec::len), Some(1));
}

/// Files that cannot be read get a clear answer and leave nothing behind.
async fn bad_files_are_refused_and_change_nothing(app: TestApp) {
    let hr = app.api_as("hr", "hr");
    let (before_imports, before_log) = (imports_count(&app), app.log_len());
    let post = |name: &'static str, bytes: Vec<u8>| {
        let hr = &hr;
        async move {
            let (ct, body) = multipart(&[], &[("file", name, &bytes)]);
            hr.bytes(awc::http::Method::POST, "/api/v1/imports", &ct, body).await
        }
    };
    let bomb = {
        // One entry that unpacks to 64 MiB (a few dozen KiB packed): over the readers' 50 MiB.
        let zeros = vec![b' '; 64 << 20];
        super::docx_builder::zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", &zeros)])
    };
    let doctype = DocxBuilder::new().without_document().part(
        "word/document.xml",
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"#,
    );
    for (name, bytes, code) in [
        ("пусто.txt", Vec::new(), "import_empty"),
        ("фото.txt", vec![0u8, 0xff, 0xd8, 0, 1, 2, 3, 0, 9], "import_binary"),
        (
            "письмо.docx",
            b"PK\x03\x04 but not a zip at all".to_vec(),
            "import_unreadable",
        ),
        ("бомба.docx", bomb, "import_too_large"),
    ] {
        let a = post(name, bytes).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", a.body);
        assert_eq!(a.json()["errors"][0]["code"], code, "{name}: {}", a.body);
        assert!(!a.json()["errors"][0]["message"].as_str().unwrap_or("").is_empty());
    }
    // Entities are not expanded: the text holds no run of a's.
    let a = post("сущности.docx", doctype.build()).await;
    assert!(!a.body.contains("aaaaaaaaaaaaaaaaaaaa"), "{}", a.body);
    // Over the upload limit (1 MiB in tests): 413, read no further.
    let a = post("большой.txt", vec![b'a'; (1 << 20) + 10]).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    // Neither multipart nor JSON.
    let a = hr
        .raw(
            awc::http::Method::POST,
            "/api/v1/imports",
            "text/plain",
            "1. Общие положения",
        )
        .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Text without structure: one `other` section and a warning, not an error.
    let a = hr
        .post(
            "/api/v1/imports",
            json!({ "text": "Просто несколько слов без всякой структуры" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let docs = &a.json()["result"]["documents"];
    assert!(
        docs.as_array().is_some_and(|d| d.is_empty()) || docs[0]["warnings"].to_string().contains("no_structure"),
        "{docs}"
    );
    assert_eq!(
        imports_count(&app),
        before_imports + 2,
        "only the readable files were kept"
    );
    assert_eq!(
        app.log_len(),
        before_log,
        "reading files writes no document and no log entry"
    );
}

/// A newcomer uploads a Word file, reviews it, gets a draft and sends it for agreement.
async fn a_word_file_becomes_a_draft_sent_for_agreement(app: TestApp) {
    let hr_api = app.api_as("hr", "hr");
    crate::authoring::set_organization(&hr_api).await;
    let (dept, position_id) = position(&hr_api).await;
    app.api_as("head", "agreer");
    app.api_as("director", "approver");
    let route = hr_api
        .put(
            &format!("/api/v1/departments/{dept}/route"),
            json!({ "stages": [["head"]], "approver": "director" }),
        )
        .await;
    assert_eq!(route.status, StatusCode::OK, "{}", route.body);
    let mut web = crate::helpers::Web::new(&app.base);
    let (status, _) = web.login("hr", crate::helpers::PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let form = web.get("/imports/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let up = web
        .post_multipart(
            "/imports",
            &[("text", "")],
            &[("files", "Кладовщик.docx", &word_file())],
        )
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let review_url = up.header("location").expect("to the review");
    let review = web.get(&review_url).await;
    assert_eq!(review.status, StatusCode::OK);
    for expected in [
        "id=\"line-1\"",
        "Принимает товар на склад по накладным.",
        "value=\"duties\" selected",
        "кладовщик (",
    ] {
        assert!(review.body.contains(expected), "{expected} in the review page");
    }
    // The reviewer moves a clause from rights into duties by editing the texts.
    let mut fields: Vec<(String, String)> = vec![
        ("document".into(), "0".into()),
        ("position_id".into(), position_id.clone()),
    ];
    for (j, (heading, clauses)) in sections().into_iter().enumerate() {
        let kind = ["general", "duties", "rights", "responsibility", "safety"][j];
        let text = if kind == "duties" {
            format!("{}\n    Ведёт учёт товара.\n", clauses.join("\n"))
        } else {
            clauses.join("\n")
        };
        fields.extend([
            (format!("kind_{j}"), kind.to_string()),
            (format!("heading_{j}"), heading.to_string()),
            (format!("text_{j}"), text),
        ]);
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let draft_url = format!("{}/draft", review_url);
    let made = web.post(&draft_url, &refs).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let editor = made.header("location").expect("to the editor");
    assert!(editor.starts_with("/versions/"), "{editor}");
    let version = editor.trim_start_matches("/versions/").to_string();
    let page = web.get(&editor).await;
    assert!(
        page.body.contains("Ведёт учёт товара."),
        "the reviewed sub-clause is in the draft"
    );
    let view = hr_api.get(&format!("/api/v1/versions/{version}")).await.json();
    let duty = view["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["text"] == "Ведёт учёт товара.")
        .expect("sub-clause");
    assert_eq!(duty["number"], "2.2.1", "{duty}");
    let sent = hr_api
        .post(&format!("/api/v1/versions/{version}/send"), json!({}))
        .await;
    assert_eq!(
        sent.status,
        StatusCode::OK,
        "sent without retyping a clause: {}",
        sent.body
    );
}

crate::on_both_backends!(
    the_api_reads_a_file_and_makes_a_draft,
    bad_files_are_refused_and_change_nothing,
    a_word_file_becomes_a_draft_sent_for_agreement,
);
