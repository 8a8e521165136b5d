//! Bulgarian as a document language (issue 15, point 5): a document from the Bulgarian
//! template prints Bulgarian around its text (stamp, title, sheets, dates, order), in
//! the PDF, the preview and the .docx, whatever the reader's interface language; an
//! imported Bulgarian text becomes a Bulgarian draft.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::pdf::{pdftotext, write};
use crate::workflow::{agree_through, approve_through, story};
use jobdesc::domain::language::DocLanguage;

async fn a_bulgarian_document_prints_in_bulgarian(app: TestApp) {
    let s = story(&app).await;
    let positions = s.hr.get("/api/v1/positions?per_page=100").await.json();
    let chief = positions["items"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["title"] == "заведующий складом")
        .map(|p| p["id"].clone())
        .expect("the story's head of the warehouse");
    let position = s
        .hr
        .post(
            "/api/v1/positions",
            json!({ "title": "Мениджър продажби", "title_genitive": "мениджър продажби", "category": "clerk", "department_id": s.department, "reports_to_id": chief }),
        )
        .await;
    assert_eq!(position.status, StatusCode::CREATED, "{}", position.body);
    let templates = s.hr.get("/api/v1/templates?per_page=100").await.json();
    let bulgarian = templates["items"]
        .as_array()
        .expect("templates")
        .iter()
        .find(|t| {
            t["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("Длъжностна характеристика"))
        })
        .unwrap_or_else(|| panic!("a Bulgarian template is shipped: {templates}"));
    assert!(
        bulgarian["category"].is_null(),
        "never picked for a Russian position by its category"
    );
    let d =
        s.hr.post(
            "/api/v1/documents",
            json!({ "position_id": position.json()["id"], "template_id": bulgarian["id"] }),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let v = d.json()["versions"][0]["id"].as_str().expect("version").to_string();
    let text = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    assert_eq!(text["content"]["language"], "bg", "{text}");
    assert_eq!(
        text["checks"],
        json!([]),
        "the shipped Bulgarian template passes the checks"
    );

    // The preview, read by someone whose interface is English.
    let mut web = app.web_as("reader", "hr").await;
    web.post("/me/locale", &[("locale", "en"), ("next", "/")]).await;
    let preview = web.get(&format!("/versions/{v}/preview")).await;
    assert!(preview.body.contains("lang=\"bg\""), "{}", preview.body);
    for word in [
        "УТВЪРЖДАВАМ",
        "ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА",
        "на длъжността „Мениджър продажби“",
        "ПРОЕКТ",
    ] {
        assert!(preview.body.contains(word), "{word} on the preview");
    }
    assert!(preview.body.contains("Sign out"), "the page around it stays English");

    // Approved with an order: every sheet, the stamp's date and the order in Bulgarian.
    agree_through(&s, &v).await;
    let today = app.today();
    let a = s
        .director
        .post(
            &format!("/api/v1/versions/{v}/approve"),
            json!({ "order_number": "15", "order_date": today.to_string() }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let (status, pdf) =
        s.hr.bytes_of(&format!(
            "/api/v1/versions/{v}/pdf?parts=document,acknowledgements,register,order"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Read back as text where poppler is installed (in CI it must be).
    let poppler = crate::pdf::have("pdftotext");
    if poppler {
        let printed = pdftotext(&write(
            &format!("bg-{}.pdf", format!("{:?}", app.backend).to_lowercase()),
            &pdf,
        ));
        let words = DocLanguage::Bg.words();
        for word in [
            "УТВЪРЖДАВАМ",
            "ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА",
            "на длъжността „Мениджър продажби“",
            "СЪГЛАСУВАНО",
            "ЛИСТ ЗА ЗАПОЗНАВАНЕ",
            "ЛИСТ ЗА РЕГИСТРИРАНЕ НА ПРОМЕНИТЕ",
            "ЗАПОВЕД",
            "НАРЕЖДАМ:",
            "чл. 127, ал. 1, т. 4 от Кодекса на труда",
            "Общи положения",
            "Изпратена за съгласуване",
            "Виза: Съгласувано",
            &words.long_date(&today.to_string()),
        ] {
            assert!(printed.contains(word), "«{word}» is printed:\n{printed}");
        }
        assert!(
            printed.contains("Заповед №") && printed.contains("15 от"),
            "the order under the stamp:\n{printed}"
        );
        for russian in [
            "УТВЕРЖДАЮ",
            "ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ",
            "ЛИСТ ОЗНАКОМЛЕНИЯ",
            "ПРИКАЗЫВАЮ",
            "Приказ от",
        ] {
            assert!(!printed.contains(russian), "no «{russian}» in a Bulgarian document");
        }
    }

    // Word: the same words, and the file imports back as a Bulgarian draft.
    let (status, docx) = s.hr.bytes_of(&format!("/api/v1/versions/{v}/docx")).await;
    assert_eq!(status, StatusCode::OK);
    let found = jobdesc::import::import("bg.docx", &docx).expect("the export reads back");
    let draft = jobdesc::import::draft::content(&found.documents[0], &std::collections::HashMap::new(), || {
        uuid::Uuid::new_v4().to_string()
    });
    assert_eq!(draft.language, DocLanguage::Bg);
    assert!(
        found.documents[0].sections.len() >= 6,
        "{:?}",
        found.documents[0].sections
    );

    // HR switches a draft's language in the editor or through the API; a language the
    // documents do not print in is refused and changes nothing.
    let ru = &s.version;
    let revision = |t: serde_json::Value| t["revision"].as_i64().expect("revision");
    let rev = revision(s.hr.get(&format!("/api/v1/versions/{ru}")).await.json());
    let bad =
        s.hr.put(
            &format!("/api/v1/versions/{ru}/language"),
            json!({ "language": "de", "expected_revision": rev }),
        )
        .await;
    assert!(bad.status.is_client_error(), "{}", bad.body);
    let ok =
        s.hr.put(
            &format!("/api/v1/versions/{ru}/language"),
            json!({ "language": "bg", "expected_revision": rev }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let again =
        s.hr.put(
            &format!("/api/v1/versions/{ru}/language"),
            json!({ "language": "bg", "expected_revision": ok.json()["revision"] }),
        )
        .await;
    assert_eq!(again.json()["code"], "language_unchanged", "{}", again.body);
    let preview = web.get(&format!("/versions/{ru}/preview")).await;
    assert!(preview.body.contains("УТВЪРЖДАВАМ"), "switched to Bulgarian");
    let editor = web.get(&format!("/versions/{ru}")).await;
    assert!(
        editor.body.contains("id=\"document-language\""),
        "the editor offers the switch"
    );
    let rev = revision(s.hr.get(&format!("/api/v1/versions/{ru}")).await.json());
    let back = web
        .post(
            &format!("/versions/{ru}/language"),
            &[("language", "ru"), ("revision", &rev.to_string())],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let text = s.hr.get(&format!("/api/v1/versions/{ru}")).await.json();
    assert!(
        text["content"].get("language").is_none(),
        "Russian again, left unsaid: {text}"
    );
    let log = s.hr.get(&format!("/api/v1/log?entity_id={ru}")).await.json();
    assert_eq!(
        log.as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == "language_set")
            .count(),
        2,
        "each switch is in the change log"
    );

    // The Russian document of the same story is untouched.
    approve_through(&s, &s.version).await;
    let (_, ru) = s.hr.bytes_of(&format!("/api/v1/versions/{}/pdf", s.version)).await;
    if poppler {
        let ru = pdftotext(&write(
            &format!("ru-{}.pdf", format!("{:?}", app.backend).to_lowercase()),
            &ru,
        ));
        assert!(ru.contains("УТВЕРЖДАЮ") && ru.contains("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ") && !ru.contains("УТВЪРЖДАВАМ"));
    }
}

crate::on_both_backends!(a_bulgarian_document_prints_in_bulgarian);
