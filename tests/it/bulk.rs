//! Bulk work (issue 15, point 2): drafts for several positions from one template,
//! several drafts sent at once, a department printed as one PDF. Every item says what
//! became of it; a refused one is left as it was, the others are done.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::workflow::story;

fn outcome<'a>(result: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    result["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {result}"))
}

async fn many_documents_at_once_each_with_its_outcome(app: TestApp) {
    let s = story(&app).await;
    let positions = s.hr.get("/api/v1/positions").await.json();
    let chief = positions["items"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["title"] == "заведующий складом")
        .and_then(|p| p["id"].as_str())
        .expect("the chief")
        .to_string();
    let loader = s
        .hr
        .post(
            "/api/v1/positions",
            json!({ "title": "грузчик", "title_genitive": "грузчика", "category": "worker", "department_id": s.department }),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("position")
        .to_string();
    let before = s.hr.get("/api/v1/documents").await.json()["total"].clone();

    // Nothing chosen, or too much: refused as a whole.
    let none = s.hr.post("/api/v1/bulk/documents", json!({ "position_ids": [] })).await;
    assert_eq!(
        (none.status, none.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("nothing_chosen"))
    );

    let r =
        s.hr.post(
            "/api/v1/bulk/documents",
            json!({ "position_ids": [chief, loader, s.position, "no-such-position", loader] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = r.json();
    assert_eq!((r["done"].as_u64(), r["refused"].as_u64()), (Some(2), Some(2)), "{r}");
    assert_eq!(r["items"].as_array().map(Vec::len), Some(4), "each position once");
    assert_eq!(outcome(&r, &s.position)["code"], "document_exists");
    assert_eq!(outcome(&r, &s.position)["label"], "кладовщик");
    assert_eq!(outcome(&r, "no-such-position")["code"], "unknown_reference");
    assert_eq!(outcome(&r, &loader)["done"], true);
    let total = s.hr.get("/api/v1/documents").await.json()["total"]
        .as_i64()
        .expect("total");
    assert_eq!(total, before.as_i64().expect("total") + 2);

    // Send three drafts, one of them already on its way: two go, one stays as it was.
    let newest = |doc: &serde_json::Value| doc["versions"][0]["id"].as_str().expect("version").to_string();
    let loader_doc =
        s.hr.get(&format!(
            "/api/v1/documents/{}",
            outcome(&r, &loader)["result_id"].as_str().expect("doc")
        ))
        .await
        .json();
    let chief_doc =
        s.hr.get(&format!(
            "/api/v1/documents/{}",
            outcome(&r, &chief)["result_id"].as_str().expect("doc")
        ))
        .await
        .json();
    let (v_loader, v_chief) = (newest(&loader_doc), newest(&chief_doc));
    assert_eq!(
        s.hr.post(&format!("/api/v1/versions/{}/send", s.version), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let sent =
        s.hr.post(
            "/api/v1/bulk/send",
            json!({ "version_ids": [v_loader, s.version, v_chief] }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let sent = sent.json();
    assert_eq!(outcome(&sent, &s.version)["code"], "wrong_status", "{sent}");
    for v in [&v_loader, &v_chief] {
        let o = outcome(&sent, v);
        let status = s.hr.get(&format!("/api/v1/versions/{v}/workflow")).await.json()["state"]["status"].clone();
        if o["done"] == true {
            assert_eq!(status, "in_agreement");
        } else {
            assert_eq!(status, "draft", "a refused item stays as it was: {o}");
        }
    }
    assert!(sent["done"].as_u64() >= Some(1), "{sent}");
    assert_eq!(
        s.employee
            .post("/api/v1/bulk/send", json!({ "version_ids": [v_loader] }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The same through the pages: the ticked drafts, and the outcome in words.
    let mut web = app.web_as("kadry", "hr").await;
    let page = web.get("/documents").await;
    assert!(page.body.contains("href=\"/bulk/documents\""), "{}", page.body);
    let fresh = s.hr.post("/api/v1/positions", json!({ "title": "водитель", "title_genitive": "водителя", "category": "worker", "department_id": s.department })).await.json()["id"].as_str().expect("p").to_string();
    let form = web.get("/bulk/documents").await;
    assert!(
        form.body.contains(&format!("value=\"{fresh}\" checked")),
        "{}",
        form.body
    );
    let a = web
        .post(
            "/bulk/documents",
            &[("position_ids", fresh.as_str()), ("position_ids", s.position.as_str())],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("Выполнено: 1; не выполнено: 1."), "{}", a.body);
    assert!(a.body.contains("черновик создан"), "{}", a.body);
    assert!(
        !a.body.contains("document_exists"),
        "codes are said in words: {}",
        a.body
    );

    // One PDF of a department: refused while nothing is approved, then every version in force.
    let none = s.hr.get(&format!("/api/v1/print?department={}", s.department)).await;
    assert_eq!(
        (none.status, none.json()["code"].clone()),
        (StatusCode::CONFLICT, json!("nothing_in_force"))
    );
    assert_eq!(
        s.hr.get("/api/v1/print?department=nope").await.status,
        StatusCode::NOT_FOUND
    );
    // The story's version is in agreement: take it through.
    let v = s.version.clone();
    for (api, path, body) in [
        (
            &s.head,
            format!("/api/v1/versions/{v}/visa"),
            json!({ "decision": "agree", "comment": "" }),
        ),
        (
            &s.lawyer,
            format!("/api/v1/versions/{v}/visa"),
            json!({ "decision": "agree", "comment": "" }),
        ),
        (&s.director, format!("/api/v1/versions/{v}/approve"), json!({})),
    ] {
        let a = api.post(&path, body).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
    }
    let (status, one) =
        s.hr.bytes_of(&format!("/api/v1/print?department={}&parts=document", s.department))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert!(one.starts_with(b"%PDF"));
    let (status, two) =
        s.hr.bytes_of(&format!("/api/v1/print?versions={v},{v_loader}&parts=document"))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert!(two.len() > one.len(), "two documents make a longer file");
}

/// One scanned sheet signed by several people: each signature recorded, a second
/// recording of the same refused while the others go through.
async fn paper_signatures_of_several_people_from_one_sheet(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    crate::workflow::approve_through(&s, &v).await;
    let sokolov = crate::workflow::task_of(&app, &v, &s.employee_id).id;
    let orlova = crate::workflow::task_of(&app, &v, &s.paper_employee_id).id;
    let date = app.today().to_string();
    let once =
        s.hr.post(
            "/api/v1/bulk/paper",
            json!({ "acknowledgement_ids": [orlova], "date": date, "note": "лист 1" }),
        )
        .await;
    assert_eq!(once.status, StatusCode::OK, "{}", once.body);
    let r =
        s.hr.post(
            "/api/v1/bulk/paper",
            json!({ "acknowledgement_ids": [sokolov, orlova], "date": date, "note": "лист ознакомления, дело 02-15" }),
        )
        .await
        .json();
    assert_eq!((r["done"].as_u64(), r["refused"].as_u64()), (Some(1), Some(1)), "{r}");
    assert_eq!(outcome(&r, &orlova)["code"], "already_signed");
    assert_eq!(outcome(&r, &sokolov)["label"], "Соколов Илья Петрович, «кладовщик»");
    let acks =
        jobdesc::services::acknowledgements::of_versions(&mut app.conn(), std::slice::from_ref(&v)).expect("acks");
    assert!(acks.iter().all(|a| a.method.as_deref() == Some("paper")), "{acks:?}");
    let orlova_note = acks.iter().find(|a| a.id == orlova).and_then(|a| a.note.clone());
    assert_eq!(
        orlova_note.as_deref(),
        Some("лист 1"),
        "the refused item stays as it was"
    );
    // Through the coverage page's form: no date is a refusal in words.
    let mut web = app.web_as("kadry", "hr").await;
    web.get("/coverage").await;
    let a = web
        .post("/bulk/paper", &[("acknowledgement_ids", sokolov.as_str())])
        .await;
    assert_eq!(a.header("location").as_deref(), Some("/coverage#message"));
    let page = web.get("/coverage").await;
    assert!(page.body.contains("Дата в формате"), "{}", page.body);
}

/// HR starts a department's acknowledgement for holders never asked, then repeats it
/// as reminders; a signed version is not asked again, and nothing to do is said so.
async fn a_whole_department_is_asked_and_reminded(app: TestApp) {
    let s = story(&app).await;
    crate::workflow::approve_through(&s, &s.version).await;
    // A holder the approval did not reach: appointed before the system kept acknowledgements.
    app.sql(&format!(
        "DELETE FROM acknowledgements WHERE employee_id = '{}'",
        s.paper_employee_id
    ));
    let ask = |remind: bool| {
        s.hr.post(
            "/api/v1/bulk/acknowledgements",
            json!({ "department_id": s.department, "remind": remind }),
        )
    };
    let r = ask(false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let o = outcome(&r.json(), &s.version).clone();
    assert_eq!(o["done"], true, "{o}");
    assert_eq!(o["people"], json!({ "asked": 1, "reminded": 0 }));
    let asked = crate::workflow::task_of(&app, &s.version, &s.paper_employee_id);
    assert!(asked.signed_at.is_none());

    // Again: nobody new to ask, said so, and nothing written.
    let before = app.log_len();
    let again = ask(false).await.json();
    assert_eq!(outcome(&again, &s.version)["code"], "everyone_asked", "{again}");
    assert_eq!(app.log_len(), before);

    // Repeated as reminders: the one with an account is reminded, the other named.
    let r = ask(true).await.json();
    assert_eq!(
        outcome(&r, &s.version)["people"],
        json!({ "asked": 0, "reminded": 1 }),
        "{r}"
    );
    let notes = jobdesc::services::notifications::unread(&mut app.conn(), &app.clock, &app.user_id("sokolov"), 10)
        .expect("notes");
    assert!(notes.iter().any(|n| n.text.starts_with("Напоминание")), "{notes:?}");

    // Refusals: no such department; a department with nothing in force.
    let missing =
        s.hr.post(
            "/api/v1/bulk/acknowledgements",
            json!({ "department_id": "00000000-0000-4000-8000-000000000000" }),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    let empty =
        s.hr.post("/api/v1/departments", json!({ "name": "Пустой" }))
            .await
            .json()["id"]
            .as_str()
            .expect("id")
            .to_string();
    let none =
        s.hr.post("/api/v1/bulk/acknowledgements", json!({ "department_id": empty }))
            .await;
    assert_eq!(none.json()["code"], "nothing_in_force", "{}", none.body);

    // Through the coverage page: HR has the form, a head reads the page without it.
    let mut hr = app.web_as("kadry", "hr").await;
    let page = hr.get("/coverage").await;
    assert!(page.body.contains("id=\"department-acknowledgement\""));
    let result = hr
        .post(
            "/bulk/acknowledgements",
            &[("department_id", s.department.as_str()), ("remind", "true")],
        )
        .await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(result.body.contains("запрошено: 0; напомнено: 1"), "{}", result.body);
    // The command line: the same work, one line per item, failing when any is refused.
    let url = app.settings.database_url.expose().to_string();
    let cli = |rest: &[&str]| {
        let o = crate::cli::jobdesc(&[&["--database-url", url.as_str()][..], rest].concat())
            .output()
            .expect("binary runs");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.success(), said)
    };
    let (ok, said) = cli(&["bulk", "acknowledge", &s.department, "--remind", "--as", "hr"]);
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("done\t{}", s.version)) && said.contains("напомнено: 1"),
        "{said}"
    );
    let (ok, said) = cli(&["bulk", "acknowledge", &s.department, "--as", "hr"]);
    assert!(
        !ok && said.contains("Новых запросов нет") && said.contains("не выполнено: 1"),
        "{said}"
    );
    let (ok, said) = cli(&["bulk", "acknowledge", &s.department, "--as", "nobody"]);
    assert!(!ok && said.contains("no active user nobody"), "{said}");
    let (ok, said) = cli(&["bulk", "send", "00000000-0000-4000-8000-000000000000", "--as", "hr"]);
    assert!(
        !ok && said.starts_with("refused\t00000000-0000-4000-8000-000000000000"),
        "{said}"
    );
    let out = tempfile::tempdir().expect("dir");
    let pdf = out.path().join("department.pdf");
    let (ok, said) = cli(&[
        "bulk",
        "print",
        &s.department,
        "--parts",
        "document",
        "-o",
        pdf.to_str().expect("path"),
    ]);
    assert!(ok, "{said}");
    if crate::pdf::have("pdftotext") {
        assert!(crate::pdf::pdftotext(&pdf).contains("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ"));
    }

    let mut head = app.web_as("agreer2", "agreer").await;
    let page = head.get("/coverage").await;
    if page.status == StatusCode::OK {
        assert!(!page.body.contains("department-acknowledgement"));
    }
}

crate::on_both_backends!(
    many_documents_at_once_each_with_its_outcome,
    paper_signatures_of_several_people_from_one_sheet,
    a_whole_department_is_asked_and_reminded,
);
