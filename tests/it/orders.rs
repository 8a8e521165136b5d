//! Orders (issue 15, point 4, in part): the number and date of the order that brings a
//! version into force, recorded at approval, printed in the stamp and in the
//! register's basis column; a half-given or late order is refused and changes nothing.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::workflow::{agree_through, edit_duty, story};

async fn the_order_is_recorded_at_approval_and_printed(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let today = app.today();
    agree_through(&s, &v).await;
    let path = format!("/api/v1/versions/{v}/approve");
    let approve = |body: serde_json::Value| s.director.post(&path, body);
    let half = approve(json!({ "order_number": "15-к" })).await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", half.body);
    assert_eq!(half.json()["errors"][0]["field"], "order_date");
    let late = approve(
        json!({ "order_number": "15-к", "order_date": (today + chrono::Duration::days(3)).to_string(),
                               "effective_date": (today + chrono::Duration::days(1)).to_string() }),
    )
    .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", late.body);
    assert_eq!(late.json()["errors"][0]["code"], "order_after_effective");
    let state = s.hr.get(&format!("/api/v1/versions/{v}/workflow")).await.json();
    assert_eq!(state["state"]["status"], "awaiting_approval", "refusals change nothing");

    let ok = approve(json!({ "order_number": " 15-к ", "order_date": today.to_string() })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let state = s.hr.get(&format!("/api/v1/versions/{v}/workflow")).await.json();
    assert_eq!(state["state"]["order_number"], "15-к");
    assert_eq!(state["state"]["order_date"], today.to_string());
    let cited = jobdesc::domain::register::order_basis(jobdesc::domain::language::DocLanguage::Ru, "15-к", today);
    let mut web = app.web_as("kadry", "hr").await;
    assert!(web.get(&format!("/versions/{v}")).await.body.contains(&cited));

    // A revision approved by its own order: the register's basis column cites it.
    let r =
        s.hr.post(&format!("/api/v1/documents/{}/revisions", s.document), json!({}))
            .await;
    let v2 = r.json()["id"].as_str().expect("v2").to_string();
    assert!(edit_duty(&s.hr, &v2, "Принимает товар по количеству и качеству.")
        .await
        .status
        .is_success());
    agree_through(&s, &v2).await;
    let a = s
        .director
        .post(
            &format!("/api/v1/versions/{v2}/approve"),
            json!({ "order_number": "16-к", "order_date": today.to_string() }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let register =
        s.hr.get(&format!("/api/v1/documents/{}/register", s.document))
            .await
            .json();
    let cited2 = jobdesc::domain::register::order_basis(jobdesc::domain::language::DocLanguage::Ru, "16-к", today);
    assert_eq!(register[0]["basis"], cited2.as_str(), "{register}");
    let page = web.get(&format!("/documents/{}/register", s.document)).await;
    assert!(page.body.contains(&cited2), "{}", page.body);
    if crate::pdf::have("pdftotext") {
        let (status, bytes) = s.hr.bytes_of(&format!("/api/v1/versions/{v2}/pdf")).await;
        assert_eq!(status, StatusCode::OK);
        let text = crate::pdf::pdftotext(&crate::pdf::write("order.pdf", &bytes));
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Основание"), "{text}");
        assert!(
            flat.contains("№ 16-к"),
            "the stamp and the register cite the order: {text}"
        );
        // The order itself, generated from the version.
        let (status, bytes) = s.hr.bytes_of(&format!("/api/v1/versions/{v2}/pdf?parts=order")).await;
        assert_eq!(status, StatusCode::OK);
        let text = crate::pdf::pdftotext(&crate::pdf::write("the-order.pdf", &bytes));
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for words in [
            "ПРИКАЗ",
            "№ 16-к",
            "Об утверждении новой редакции должностной инструкции кладовщика",
            "ПРИКАЗЫВАЮ:",
            "признать утратившей силу",
        ] {
            assert!(flat.contains(words), "{words} in {text}");
        }
    }
    let (status, bytes) = s.hr.bytes_of(&format!("/api/v1/versions/{v2}/docx?part=order")).await;
    assert_eq!(status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx");
    let mut body = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("document"), &mut body).expect("read");
    assert!(body.contains("ПРИКАЗЫВАЮ:") && body.contains("16-к"), "{body}");
    assert_eq!(
        s.hr.get(&format!("/api/v1/versions/{v2}/docx?part=register"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let editor = web.get(&format!("/versions/{v2}")).await;
    assert!(editor.body.contains("pdf?parts=order") && editor.body.contains("docx?part=order"));
}

crate::on_both_backends!(the_order_is_recorded_at_approval_and_printed);
