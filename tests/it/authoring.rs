//! Authoring through the API: documents from templates, numbering, placeholders,
//! checks, every edit logged, stale edits refused, bad edits harmless, the
//! library link, comparison of versions.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Answer, Api, TestApp};

/// A department, a chief and a position reporting to it; returns the position id.
pub async fn position(api: &Api, title: &str, genitive: &str) -> String {
    let d = api
        .post("/api/v1/departments", json!({ "name": "Отдел продаж" }))
        .await
        .json()["id"]
        .clone();
    let chief = api
        .post(
            "/api/v1/positions",
            json!({ "title": "начальник отдела продаж", "title_genitive": "начальника отдела продаж",
                    "category": "manager", "department_id": d }),
        )
        .await
        .json()["id"]
        .clone();
    let p = api
        .post(
            "/api/v1/positions",
            json!({ "title": title, "title_genitive": genitive, "category": "specialist",
                    "department_id": d, "reports_to_id": chief }),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    p.json()["id"].as_str().expect("id").to_string()
}

pub async fn set_organization(api: &Api) {
    let org = json!({ "full_name": "Общество с ограниченной ответственностью «Вектор»", "short_name": "ООО «Вектор»",
                      "legal_form": "ООО", "city": "Самара", "head_position": "Генеральный директор",
                      "head_name": "Белов Игорь Сергеевич", "time_zone": "Europe/Samara" });
    assert_eq!(api.put("/api/v1/organization", org).await.status, StatusCode::OK);
}

pub async fn template_id(api: &Api, category: &str) -> String {
    let list = api.get("/api/v1/templates").await.json();
    list["items"]
        .as_array()
        .expect("templates")
        .iter()
        .find(|t| t["category"] == category)
        .and_then(|t| t["id"].as_str())
        .expect("a shipped template for the category")
        .to_string()
}

/// A new document from the specialist template; returns (document id, version id).
pub async fn document(api: &Api) -> (String, String) {
    let p = position(api, "менеджер по работе с клиентами", "менеджера по работе с клиентами").await;
    let t = template_id(api, "specialist").await;
    let a = api
        .post("/api/v1/documents", json!({ "position_id": p, "template_id": t }))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let d = a.json();
    (
        d["id"].as_str().expect("id").into(),
        d["versions"][0]["id"].as_str().expect("version").into(),
    )
}

async fn text(api: &Api, version: &str) -> Value {
    let a = api.get(&format!("/api/v1/versions/{version}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.json()
}

fn section_id(view: &Value, kind: &str) -> String {
    view["content"]["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["kind"] == kind)
        .and_then(|s| s["id"].as_str())
        .unwrap_or_else(|| panic!("section {kind}"))
        .to_string()
}

fn number_of(view: &Value, clause: &str) -> String {
    view["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["id"] == clause)
        .and_then(|c| c["number"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn code(a: &Answer) -> String {
    a.json()["code"].as_str().unwrap_or("").to_string()
}

async fn document_from_template_is_numbered_resolved_and_checked(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (_, v) = document(&api).await;
    let view = text(&api, &v).await;
    assert_eq!(view["status"], "draft");
    let numbers: Vec<&str> = view["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter_map(|c| c["number"].as_str())
        .collect();
    assert_eq!(&numbers[..3], ["1.1", "1.2", "1.3"]);
    assert!(
        numbers.iter().any(|n| n.matches('.').count() == 2),
        "sub-clauses are numbered N.M.K"
    );
    // No organisation yet: its placeholders are unresolved and block sending.
    let checks = view["checks"].as_array().expect("checks");
    assert!(
        checks
            .iter()
            .any(|f| f["code"] == "unresolved_placeholder" && f["severity"] == "error"),
        "{checks:?}"
    );

    set_organization(&api).await;
    let view = text(&api, &v).await;
    assert_eq!(
        view["checks"],
        json!([]),
        "a complete shipped template passes every check"
    );
    let preview = api.get(&format!("/api/v1/versions/{v}/preview")).await.json();
    let all: String = preview
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["clauses"].as_array().cloned().unwrap_or_default())
        .map(|c| c["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(all.contains("менеджера по работе с клиентами"));
    assert!(all.contains("ООО «Вектор»"));
    assert!(all.contains("начальник отдела продаж"), "reports-to resolved");
    assert!(!all.contains('{'), "every placeholder resolved");
    assert_eq!(preview[0]["title"], "1. Общие положения");

    // Titles in the case the sentence needs.
    let rev = view["revision"].as_i64().expect("revision");
    let a = api
        .post(
            &format!("/api/v1/versions/{v}/clauses"),
            json!({ "section_id": section_id(&view, "duties"), "expected_revision": rev,
                    "text": "Докладывает {position.reports_to:dative} и {organization.head_position:dative}; \
                             работает под руководством {position.reports_to:genitive}." }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let preview = api.get(&format!("/api/v1/versions/{v}/preview")).await.body;
    assert!(
        preview.contains(
            "Докладывает начальнику отдела продаж и Генеральному директору; работает под руководством начальника отдела продаж."
        ),
        "{preview}"
    );
}

async fn every_edit_renumbers_and_writes_one_log_entry(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (_, v) = document(&api).await;
    let view = text(&api, &v).await;
    let duties = section_id(&view, "duties");
    let rev = std::cell::Cell::new(view["revision"].as_i64().expect("revision"));
    let base = format!("/api/v1/versions/{v}");
    let step = |a: Answer, action: &str, app: &TestApp, before: i64| -> Value {
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.body);
        assert_eq!(app.log_len(), before + 1, "{action}: one entry");
        let e = jobdesc::services::journal::recent(&mut app.conn(), None, 1)
            .expect("log")
            .remove(0);
        assert_eq!(
            (
                e.entity.as_str(),
                e.entity_id.as_str(),
                e.action.as_str(),
                e.actor.as_str()
            ),
            ("version", v.as_str(), action, "hr1")
        );
        let body = a.json();
        assert_eq!(body["revision"], rev.get() + 1, "{action}: revision increments");
        rev.set(rev.get() + 1);
        json!({ "applied": body, "before": e.before_json, "after": e.after_json })
    };

    let n = app.log_len();
    let a = api.post(&format!("{base}/clauses"), json!({ "section_id": duties, "text": "Ведёт переговоры с ключевыми клиентами.", "expected_revision": rev.get() })).await;
    let added = step(a, "clause_added", &app, n)["applied"]["created_id"]
        .as_str()
        .expect("id")
        .to_string();
    let view = text(&api, &v).await;
    let last_duty = number_of(&view, &added);
    assert!(
        last_duty.starts_with("4."),
        "duties is section 4 of the specialist template: {last_duty}"
    );

    let n = app.log_len();
    let a = api.post(&format!("{base}/clauses"), json!({ "section_id": duties, "parent_id": added, "text": "Готовит коммерческие предложения.", "expected_revision": rev.get() })).await;
    let sub = step(a, "clause_added", &app, n)["applied"]["created_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(number_of(&text(&api, &v).await, &sub), format!("{last_duty}.1"));

    let n = app.log_len();
    let a = api
        .put(
            &format!("{base}/clauses/{added}"),
            json!({ "text": "Ведёт переговоры с клиентами.", "expected_revision": rev.get() }),
        )
        .await;
    let logged = step(a, "clause_changed", &app, n);
    assert!(
        logged["before"].as_str().unwrap_or("").contains("ключевыми"),
        "old text logged"
    );
    assert!(
        logged["after"]
            .as_str()
            .unwrap_or("")
            .contains("Ведёт переговоры с клиентами."),
        "new text logged"
    );
    assert!(
        logged["after"].as_str().unwrap_or("").contains(&last_duty),
        "clause number logged"
    );

    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses/{added}/move"),
            json!({ "direction": "up", "expected_revision": rev.get() }),
        )
        .await;
    step(a, "clause_moved", &app, n);
    let view = text(&api, &v).await;
    let moved = number_of(&view, &added);
    assert_ne!(moved, last_duty);
    assert_eq!(
        number_of(&view, &sub),
        format!("{moved}.1"),
        "sub-clauses move with their clause"
    );

    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses/{sub}/move"),
            json!({ "direction": "outdent", "expected_revision": rev.get() }),
        )
        .await;
    step(a, "clause_moved", &app, n);
    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses/{sub}/move"),
            json!({ "direction": "indent", "expected_revision": rev.get() }),
        )
        .await;
    step(a, "clause_moved", &app, n);
    assert_eq!(number_of(&text(&api, &v).await, &sub), format!("{moved}.1"));
    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses/{added}/move"),
            json!({ "direction": "down", "expected_revision": rev.get() }),
        )
        .await;
    step(a, "clause_moved", &app, n);

    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/sections"),
            json!({ "kind": "evaluation", "expected_revision": rev.get() }),
        )
        .await;
    let eval = step(a, "section_added", &app, n)["applied"]["created_id"]
        .as_str()
        .expect("id")
        .to_string();
    let n = app.log_len();
    let a = api
        .put(
            &format!("{base}/sections/{eval}"),
            json!({ "heading": "Оценка результатов работы", "numbered": true, "expected_revision": rev.get() }),
        )
        .await;
    step(a, "section_renamed", &app, n);
    let n = app.log_len();
    let a = api
        .send(
            awc::http::Method::DELETE,
            &format!("{base}/sections/{eval}?expected_revision={}", rev.get()),
            None,
        )
        .await;
    step(a, "section_removed", &app, n);

    let lib = api
        .get(&format!(
            "/api/v1/library?q={}&section=responsibility",
            enc("коммерческой тайны")
        ))
        .await
        .json();
    let lib_id = lib["items"][0]["id"]
        .as_str()
        .expect("a library clause about trade secrets")
        .to_string();
    let responsibility = section_id(&text(&api, &v).await, "responsibility");
    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": responsibility, "library_id": lib_id, "expected_revision": rev.get() }),
        )
        .await;
    let from_lib = step(a, "clause_added", &app, n)["applied"]["created_id"]
        .as_str()
        .expect("id")
        .to_string();
    let view = text(&api, &v).await;
    let c = view["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["id"] == from_lib.as_str())
        .cloned()
        .expect("clause");
    assert_eq!(c["library_id"], lib_id.as_str());
    assert_eq!(c["text"], lib["items"][0]["text"]);

    let n = app.log_len();
    let a = api
        .send(
            awc::http::Method::DELETE,
            &format!("{base}/clauses/{added}?expected_revision={}", rev.get()),
            None,
        )
        .await;
    let logged = step(a, "clause_removed", &app, n);
    assert!(logged["before"].as_str().unwrap_or("").contains("\"sub_clauses\":1"));
    assert_eq!(
        number_of(&text(&api, &v).await, &sub),
        "",
        "the sub-clause went with its clause"
    );
    // Undo: the clause comes back with its sub-clause, its id and its number.
    let n = app.log_len();
    let a = api
        .post(
            &format!("{base}/clauses/{added}/restore"),
            json!({ "expected_revision": rev.get() }),
        )
        .await;
    step(a, "clause_restored", &app, n);
    let view = text(&api, &v).await;
    assert_eq!(number_of(&view, &sub), format!("{}.1", number_of(&view, &added)));
    let a = api
        .post(
            &format!("{base}/clauses/{added}/restore"),
            json!({ "expected_revision": rev.get() }),
        )
        .await;
    assert_eq!((a.status, code(&a)), (StatusCode::CONFLICT, "clause_exists".into()));
    let a = api
        .post(
            &format!("{base}/clauses/{duties}/restore"),
            json!({ "expected_revision": rev.get() }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "nothing removed under that id");
    assert_eq!(text(&api, &v).await["revision"], rev.get(), "refusals change nothing");
    let verdict = api.get("/api/v1/log/verify").await.json();
    assert_eq!(verdict["intact"], true, "{verdict}");
}

async fn stale_edits_are_refused_and_say_what_changed(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let other = app.api_as("hr2", "hr");
    let (_, v) = document(&api).await;
    let view = text(&api, &v).await;
    let rev = view["revision"].as_i64().expect("revision");
    let clause = view["clauses"][0]["id"].as_str().expect("clause").to_string();
    let first = other
        .put(
            &format!("/api/v1/versions/{v}/clauses/{clause}"),
            json!({ "text": "Текст коллеги.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let before = app.log_len();
    let second = api
        .put(
            &format!("/api/v1/versions/{v}/clauses/{clause}"),
            json!({ "text": "Мой текст.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let p = second.json();
    assert_eq!(p["code"], "stale");
    assert_eq!(p["current_revision"], rev + 1);
    assert_eq!(p["changes"][0]["actor"], "hr2");
    assert_eq!(p["changes"][0]["text"], "Текст коллеги.");
    assert_eq!(p["changes"][0]["number"], "1.1");
    assert_eq!(app.log_len(), before, "the refused edit left no trace");
    assert_eq!(
        text(&api, &v).await["clauses"][0]["text"],
        "Текст коллеги.",
        "nothing overwritten"
    );
}

async fn concurrent_edits_never_lose_an_update(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (_, v) = document(&api).await;
    let view = text(&api, &v).await;
    let rev = view["revision"].as_i64().expect("revision");
    let duties = section_id(&view, "duties");
    let url = format!("/api/v1/versions/{v}/clauses");
    let requests = (0..8).map(|i| {
        api.post(
            &url,
            json!({ "section_id": duties, "text": format!("Параллельный пункт {i}."), "expected_revision": rev }),
        )
    });
    let answers = futures_util::future::join_all(requests).await;
    let ok = answers.iter().filter(|a| a.status == StatusCode::OK).count();
    let stale = answers.iter().filter(|a| a.status == StatusCode::CONFLICT).count();
    assert_eq!((ok, stale), (1, 7), "exactly one edit wins, the others are told");
    let view = text(&api, &v).await;
    assert_eq!(view["revision"], rev + 1);
}

async fn bad_edits_get_clear_errors_and_change_nothing(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (_, v) = document(&api).await;
    let (_, other) = {
        let p = position(&api, "кассир", "кассира").await;
        let t = template_id(&api, "clerk").await;
        let d = api
            .post("/api/v1/documents", json!({ "position_id": p, "template_id": t }))
            .await
            .json();
        (d["id"].clone(), d["versions"][0]["id"].as_str().expect("v").to_string())
    };
    let view = text(&api, &v).await;
    let rev = view["revision"].as_i64().expect("revision");
    let first = view["clauses"][0]["id"].as_str().expect("first").to_string();
    let foreign = text(&api, &other).await["clauses"][0]["id"]
        .as_str()
        .expect("foreign")
        .to_string();
    let duties = section_id(&view, "duties");
    let base = format!("/api/v1/versions/{v}");
    let before = (app.log_len(), text(&api, &v).await["content"].clone());

    let a = api
        .post(
            &format!("{base}/clauses/{first}/move"),
            json!({ "direction": "up", "expected_revision": rev }),
        )
        .await;
    assert_eq!((a.status, code(&a)), (StatusCode::CONFLICT, "move_at_start".into()));
    let a = api
        .post(
            &format!("{base}/clauses/{first}/move"),
            json!({ "direction": "indent", "expected_revision": rev }),
        )
        .await;
    assert_eq!(code(&a), "indent_no_parent");
    let a = api
        .post(
            &format!("{base}/clauses/{first}/move"),
            json!({ "direction": "outdent", "expected_revision": rev }),
        )
        .await;
    assert_eq!(code(&a), "outdent_top_level");
    let a = api
        .post(
            &format!("{base}/clauses/{first}/move"),
            json!({ "direction": "sideways", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = api
        .put(
            &format!("{base}/clauses/{foreign}"),
            json!({ "text": "Чужой пункт.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "a clause of another document");
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "text": "Получает {position.salary}.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["errors"][0]["code"], "unknown_placeholder");
    let message = a.json()["errors"][0]["message"].as_str().unwrap_or("").to_string();
    assert!(
        message.ends_with("({position.salary})"),
        "the error says which: {message}"
    );
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "text": "Подписывает {organization.head_name:dative} и {position.title:vocative}.",
                    "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = a.json()["errors"][0]["message"].as_str().unwrap_or("").to_string();
    assert!(
        message.ends_with("({organization.head_name:dative}, {position.title:vocative})"),
        "a name that takes no case, a case that does not exist: {message}"
    );
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "text": "я".repeat(1 << 20), "expected_revision": rev }),
        )
        .await;
    assert!(
        a.status == StatusCode::UNPROCESSABLE_ENTITY || a.status == StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        a.status
    );
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "text": "   ", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "library_id": "nope", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.json()["errors"][0]["field"], "library_id");
    let safety = section_id(&view, "safety");
    let a = api
        .send(
            awc::http::Method::DELETE,
            &format!("{base}/sections/{safety}?expected_revision={rev}"),
            None,
        )
        .await;
    assert_eq!(code(&a), "section_required");
    let a = api
        .post(
            &format!("{base}/sections"),
            json!({ "kind": "duties", "expected_revision": rev }),
        )
        .await;
    assert_eq!(code(&a), "section_exists");
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": "nope", "text": "x", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(app.log_len(), before.0, "no refused edit was logged");
    assert_eq!(
        text(&api, &v).await["content"],
        before.1,
        "no refused edit changed the text"
    );

    // An approved version is immutable.
    app.sql(&format!("UPDATE jd_versions SET status = 'approved' WHERE id = '{v}'"));
    let a = api
        .put(
            &format!("{base}/clauses/{first}"),
            json!({ "text": "Новый текст.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::CONFLICT, "version_not_editable".into())
    );
    assert_eq!(app.log_len(), before.0);
}

async fn one_document_per_position_and_copies(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (doc, _) = document(&api).await;
    let position_id = api.get(&format!("/api/v1/documents/{doc}")).await.json()["position_id"]
        .as_str()
        .expect("id")
        .to_string();
    let t = template_id(&api, "specialist").await;
    let a = api
        .post(
            "/api/v1/documents",
            json!({ "position_id": position_id, "template_id": t }),
        )
        .await;
    assert_eq!(a.json()["errors"][0]["code"], "document_exists");
    let p2 = position(&api, "менеджер по закупкам", "менеджера по закупкам").await;
    let a = api
        .post(
            "/api/v1/documents",
            json!({ "position_id": p2, "template_id": t, "copy_from": doc }),
        )
        .await;
    assert_eq!(a.json()["errors"][0]["code"], "one_source");
    // Neither: the template of the position's category.
    let p3 = position(&api, "аналитик", "аналитика").await;
    let a = api.post("/api/v1/documents", json!({ "position_id": p3 })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let v3 = a.json()["versions"][0]["id"].as_str().expect("v").to_string();
    let tpl = api.get(&format!("/api/v1/templates/{t}/text")).await.json();
    assert_eq!(
        text(&api, &v3).await["clauses"].as_array().map(Vec::len),
        tpl["clauses"].as_array().map(Vec::len),
        "the category's template: {tpl}"
    );
    let a = api
        .post("/api/v1/documents", json!({ "position_id": p2, "copy_from": doc }))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let copy = a.json()["versions"][0]["id"].as_str().expect("v").to_string();
    let original = api.get(&format!("/api/v1/documents/{doc}")).await.json()["versions"][0]["id"]
        .as_str()
        .expect("v")
        .to_string();
    let (a, b) = (text(&api, &original).await, text(&api, &copy).await);
    let texts = |v: &Value| {
        v["clauses"]
            .as_array()
            .expect("c")
            .iter()
            .map(|c| c["text"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&a), texts(&b), "the copy has the same text");
    assert_ne!(a["clauses"][0]["id"], b["clauses"][0]["id"], "with its own clause ids");
    let a = api.delete(&format!("/api/v1/positions/{position_id}")).await;
    assert_eq!(a.json()["code"], "position_has_document");
}

async fn library_edits_mark_documents_and_update_drafts(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (doc, v) = document(&api).await;
    let view = text(&api, &v).await;
    let linked = view["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["library_id"].is_string())
        .cloned()
        .expect("linked clause");
    let lib = linked["library_id"].as_str().expect("lib").to_string();
    let lib_clause = api.get(&format!("/api/v1/library/{lib}")).await.json();
    assert_eq!(
        api.delete(&format!("/api/v1/library/{lib}")).await.json()["code"],
        "library_clause_in_use"
    );

    // A second, approved document using the same clause stays as approved.
    let p2 = position(&api, "менеджер по закупкам", "менеджера по закупкам").await;
    let d2 = api
        .post("/api/v1/documents", json!({ "position_id": p2, "copy_from": doc }))
        .await
        .json();
    let v2 = d2["versions"][0]["id"].as_str().expect("v2").to_string();
    app.sql(&format!("UPDATE jd_versions SET status = 'approved' WHERE id = '{v2}'"));

    let mut changed = lib_clause.clone();
    changed["text"] = json!(format!(
        "{} (в редакции 2026 года)",
        lib_clause["text"].as_str().unwrap_or("")
    ));
    let input = json!({ "section": changed["section"], "categories": changed["categories"], "source": changed["source"], "text": changed["text"] });
    let a = api.put(&format!("/api/v1/library/{lib}"), input).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["revision"], lib_clause["revision"].as_i64().unwrap_or(0) + 1);

    let flagged = |view: &Value| {
        view["clauses"]
            .as_array()
            .expect("c")
            .iter()
            .filter(|c| c["library_id"] == lib.as_str())
            .all(|c| c["library_changed"] == true)
    };
    assert!(
        flagged(&text(&api, &v).await),
        "the draft shows the library text changed"
    );
    assert!(flagged(&text(&api, &v2).await), "so does the approved version");
    let usages = api.get(&format!("/api/v1/library/{lib}/usages")).await.json();
    assert!(
        usages.as_array().expect("usages").len() >= 3,
        "template, draft and approved version: {usages}"
    );

    let a = api.post(&format!("/api/v1/library/{lib}/propagate"), json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        a.json()["updated"].as_u64().unwrap_or(0) >= 2,
        "the draft and the template: {}",
        a.body
    );
    let after = text(&api, &v).await;
    let c = after["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["id"] == linked["id"])
        .cloned()
        .expect("clause");
    assert_eq!(c["text"], changed["text"]);
    assert_eq!(c["library_changed"], false);
    assert!(flagged(&text(&api, &v2).await), "the approved version is not touched");
    let e = jobdesc::services::journal::recent(&mut app.conn(), None, 5).expect("log");
    assert!(e
        .iter()
        .any(|e| e.action == "clause_library_updated" && e.entity_id == v));

    // HR's touch-up keeps the link; a clause rewritten completely is HR's own.
    let clause = linked["id"].as_str().expect("id");
    let link_of = |view: &Value| {
        view["clauses"]
            .as_array()
            .expect("c")
            .iter()
            .find(|c| c["id"] == clause)
            .map(|c| c["library_id"].clone())
            .unwrap_or_default()
    };
    let touched = format!("{} Уточнено.", changed["text"].as_str().unwrap_or(""));
    let rev = after["revision"].as_i64().expect("revision");
    let a = api
        .put(
            &format!("/api/v1/versions/{v}/clauses/{clause}"),
            json!({ "text": touched, "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(link_of(&text(&api, &v).await), json!(lib), "a touch-up keeps the link");
    let a = api
        .put(
            &format!("/api/v1/versions/{v}/clauses/{clause}"),
            json!({ "text": "Ведёт переговоры с ключевыми поставщиками.", "expected_revision": rev + 1 }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        link_of(&text(&api, &v).await).is_null(),
        "a rewrite drops the library mark"
    );
}

async fn versions_compare_clause_by_clause(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let (doc, v1) = document(&api).await;
    app.sql(&format!("UPDATE jd_versions SET status = 'approved' WHERE id = '{v1}'"));
    let v2 = jobdesc::services::documents::new_version(&mut app.conn(), &app.clock, "hr1", &doc)
        .expect("new version")
        .id;
    let refused = jobdesc::services::documents::new_version(&mut app.conn(), &app.clock, "hr1", &doc);
    assert!(refused.is_err(), "no second draft while the newest is a draft");
    let view = text(&api, &v2).await;
    let mut rev = view["revision"].as_i64().expect("rev");
    let c = |i: usize| view["clauses"][i]["id"].as_str().expect("id").to_string();
    let base = format!("/api/v1/versions/{v2}");
    let changed = c(0);
    let removed = c(1);
    let a = api
        .put(
            &format!("{base}/clauses/{changed}"),
            json!({ "text": "Настоящая инструкция определяет обязанности работника.", "expected_revision": rev }),
        )
        .await;
    rev = a.json()["revision"].as_i64().expect("rev");
    let a = api
        .send(
            awc::http::Method::DELETE,
            &format!("{base}/clauses/{removed}?expected_revision={rev}"),
            None,
        )
        .await;
    rev = a.json()["revision"].as_i64().expect("rev");
    let duties = section_id(&view, "duties");
    let a = api
        .post(
            &format!("{base}/clauses"),
            json!({ "section_id": duties, "text": "Новая обязанность.", "expected_revision": rev }),
        )
        .await;
    let added = a.json()["created_id"].as_str().expect("id").to_string();

    let d = api.get(&format!("/api/v1/diff?a={v1}&b={v2}")).await.json();
    let kind = |id: &str| {
        d["clauses"]
            .as_array()
            .expect("c")
            .iter()
            .find(|c| c["clause_id"] == id)
            .map(|c| c["kind"].clone())
    };
    assert_eq!(kind(&changed), Some(json!("changed")));
    assert_eq!(kind(&removed), Some(json!("removed")));
    assert_eq!(kind(&added), Some(json!("added")));
    let unchanged = d["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .filter(|c| c["kind"] == "unchanged")
        .count();
    assert!(unchanged > 30, "renumbering alone is not a change");
    let words = d["clauses"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["clause_id"] == changed.as_str())
        .map(|c| c["words"].clone())
        .expect("words");
    assert!(words.as_array().expect("runs").iter().any(|w| w["op"] == "delete"));

    let mut web = app.web_as("hr2", "hr").await;
    let page = web.get(&format!("/documents/{doc}/compare?a={v1}&b={v2}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<ins>") && page.body.contains("<del>"));
    assert!(page.body.contains("исключён") && page.body.contains("добавлен"));
}

async fn templates_are_edited_like_drafts(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let a = api
        .post(
            "/api/v1/templates",
            json!({ "name": "Шаблон для складов", "category": "worker" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let t = a.json()["id"].as_str().expect("id").to_string();
    let view = api.get(&format!("/api/v1/templates/{t}/text")).await.json();
    let kinds: Vec<&str> = view["content"]["sections"]
        .as_array()
        .expect("s")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["general", "duties", "rights", "responsibility", "safety", "final"]
    );
    assert!(view["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .any(|f| f["code"] == "required_section_empty"));
    let duties = section_id(&view, "duties");
    let n = app.log_len();
    let a = api
        .post(&format!("/api/v1/templates/{t}/clauses"), json!({ "section_id": duties, "text": "Выполняет погрузочно-разгрузочные работы ({position.title}).", "expected_revision": view["revision"] }))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(app.log_len(), n + 1);
    assert_eq!(
        jobdesc::services::journal::recent(&mut app.conn(), None, 1).expect("log")[0].entity,
        "template"
    );
    let a = api
        .post("/api/v1/templates", json!({ "name": "Шаблон для складов" }))
        .await;
    assert_eq!(a.json()["errors"][0]["code"], "duplicate");
    let p = position(&api, "грузчик", "грузчика").await;
    let d = api
        .post("/api/v1/documents", json!({ "position_id": p, "template_id": t }))
        .await;
    let v = d.json()["versions"][0]["id"].as_str().expect("v").to_string();
    let preview = api.get(&format!("/api/v1/versions/{v}/preview")).await.json();
    assert!(
        preview.to_string().contains("(грузчик)"),
        "the template's placeholder resolves in the document"
    );
    assert_eq!(
        api.delete(&format!("/api/v1/templates/{t}")).await.status,
        StatusCode::NO_CONTENT
    );
}

async fn library_search_finds_word_forms(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let all = api.get("/api/v1/library?per_page=1").await.json();
    assert!(
        all["total"].as_i64().unwrap_or(0) >= 150,
        "the shipped library has at least 150 clauses"
    );
    let hits = api
        .get(&format!("/api/v1/library?q={}&per_page=100", enc("ИНСТРУКТАЖА")))
        .await
        .json();
    let items = hits["items"].as_array().expect("items");
    assert!(!items.is_empty(), "ИНСТРУКТАЖА finds инструктаж/инструктажи");
    assert!(items
        .iter()
        .all(|c| c["text"].as_str().unwrap_or("").to_lowercase().contains("инструктаж")));
    let safety = api.get("/api/v1/library?section=safety&per_page=500").await.json();
    assert!(safety["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|c| c["section"] == "safety"));
    let worker = api.get("/api/v1/library?category=worker&per_page=500").await.json();
    assert!(worker["items"].as_array().expect("items").iter().all(|c| {
        let cats = c["categories"].as_array().cloned().unwrap_or_default();
        cats.is_empty() || cats.contains(&json!("worker"))
    }));
}

crate::on_both_backends!(
    document_from_template_is_numbered_resolved_and_checked,
    every_edit_renumbers_and_writes_one_log_entry,
    stale_edits_are_refused_and_say_what_changed,
    concurrent_edits_never_lose_an_update,
    bad_edits_get_clear_errors_and_change_nothing,
    one_document_per_position_and_copies,
    library_edits_mark_documents_and_update_drafts,
    versions_compare_clause_by_clause,
    templates_are_edited_like_drafts,
    library_search_finds_word_forms,
);
