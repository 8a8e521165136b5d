//! What the pages say after an action (issue 14, points 1 and 11): messages by kind,
//! each action saying what it did, refusals next to a menu, and no stale pages.

use awc::http::StatusCode;

use crate::helpers::{TestApp, Web, PASSWORD};
use crate::workflow::{approve_through, story, task_of};

async fn signed_in(app: &TestApp, login: &str) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login} signs in");
    web
}

/// The message on a page: its kind and text.
fn message(body: &str) -> Option<(String, String)> {
    let at = body.find("id=\"message\" class=\"flash flash-")?;
    let rest = &body[at + "id=\"message\" class=\"flash flash-".len()..];
    let kind = rest.split('"').next()?.to_string();
    let text = rest.split_once('>')?.1.split("</p>").next()?.to_string();
    Some((kind, text))
}

async fn refusals_look_like_refusals_and_each_action_says_what_it_did(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let mut hr = signed_in(&app, "hr").await;
    let a = hr.post(&format!("/versions/{v}/send"), &[]).await;
    assert_eq!(
        a.header("location").as_deref(),
        Some(format!("/versions/{v}#workflow").as_str())
    );
    let page = hr.get(&format!("/versions/{v}")).await;
    assert_eq!(
        message(&page.body),
        Some(("done".into(), "Отправлено на согласование.".into())),
        "sending says so, not «Сохранено.»"
    );
    assert!(page.body.contains("role=\"status\""));

    let mut head = signed_in(&app, "head").await;
    let page = head.get(&format!("/versions/{v}")).await;
    // Read first, decide after: the decisions come after the text, none chosen beforehand.
    let (text_at, visa_at) = (page.body.find("class=\"doc-section\""), page.body.find("id=\"visa\""));
    assert!(
        text_at.is_some() && visa_at.is_some() && text_at < visa_at,
        "the visa form follows the text"
    );
    assert!(
        !page.body.contains("value=\"agree\" checked"),
        "no decision preselected"
    );

    // Refusing without a reason: refused, shown as an error at the visa form, nothing given.
    let me = page
        .body
        .split("name=\"on_behalf_of\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the visa form names whose visa it is")
        .to_string();
    let a = head
        .post(
            &format!("/versions/{v}/visa"),
            &[("decision", "reject"), ("comment", " "), ("on_behalf_of", &me)],
        )
        .await;
    assert_eq!(
        a.header("location").as_deref(),
        Some(format!("/versions/{v}#visa").as_str()),
        "back at the form, not at the top"
    );
    let page = head.get(&format!("/versions/{v}")).await;
    let (kind, text) = message(&page.body).expect("a message");
    assert_eq!(kind, "refused", "{text}");
    assert!(page.body.contains("role=\"alert\""));
    assert!(page.body.contains("id=\"visa\""), "the visa can still be given");
    assert!(
        page.body.find("id=\"message\"") > page.body.find("id=\"visa\""),
        "the message stands in the visa form"
    );
    assert_eq!(page.body.matches("id=\"message\"").count(), 1, "and only there");
    // No decision at all: a refusal that says what to do, with the comment given back.
    let a = head
        .post(
            &format!("/versions/{v}/visa"),
            &[("comment", "Уточнить п. 2.3 <срочно>"), ("on_behalf_of", &me)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = head.get(&format!("/versions/{v}")).await;
    let (kind, text) = message(&page.body).expect("a message");
    assert_eq!(kind, "refused");
    assert!(text.contains("Выберите решение"), "{text}");
    assert!(
        page.body.contains(">Уточнить п. 2.3 &lt;срочно&gt;</textarea>"),
        "what was typed is kept"
    );
    let again = head.get(&format!("/versions/{v}")).await;
    assert!(!again.body.contains("Уточнить п. 2.3"), "once only");
    assert!(message(&again.body).is_none());

    let a = head
        .post(
            &format!("/versions/{v}/visa"),
            &[("decision", "agree_with_remarks"), ("comment", "п. 2.3 уточнить")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let (kind, text) = message(&head.get(&format!("/versions/{v}")).await.body).expect("a message");
    assert_eq!(
        (kind.as_str(), text.as_str()),
        ("done", "Виза поставлена: согласовано с замечаниями.")
    );

    let mut lawyer = signed_in(&app, "lawyer").await;
    lawyer
        .post(&format!("/versions/{v}/visa"), &[("decision", "agree")])
        .await;
    let mut director = signed_in(&app, "director").await;
    // An unreadable date is refused with a message; an empty one means today.
    director
        .post(&format!("/versions/{v}/approve"), &[("effective_date", "31.12")])
        .await;
    let (kind, text) = message(&director.get(&format!("/versions/{v}")).await.body).expect("a message");
    assert_eq!(kind, "refused", "{text}");
    assert!(
        director
            .get(&format!("/versions/{v}"))
            .await
            .body
            .contains("id=\"approve\""),
        "not approved"
    );
    director
        .post(&format!("/versions/{v}/approve"), &[("effective_date", "")])
        .await;
    let (kind, text) = message(&director.get(&format!("/versions/{v}")).await.body).expect("a message");
    assert_eq!((kind.as_str(), text.as_str()), ("done", "Версия утверждена."));

    // The paper form without its date: a refusal on the page, with the menu.
    let paper = task_of(&app, &v, &s.paper_employee_id).id;
    let a = hr
        .post(
            &format!("/acknowledgements/{paper}/paper"),
            &[("date", ""), ("note", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let page = hr.get(&format!("/acknowledgements/{paper}")).await;
    let (kind, text) = message(&page.body).expect("a message");
    assert_eq!(kind, "refused");
    assert!(text.contains("дату"), "{text}");
    assert!(
        task_of(&app, &v, &s.paper_employee_id).signed_at.is_none(),
        "nothing recorded"
    );
    let date = app.today().to_string();
    hr.post(
        &format!("/acknowledgements/{paper}/paper"),
        &[("date", &date), ("note", "лист 1")],
    )
    .await;
    let (kind, text) = message(&hr.get(&format!("/acknowledgements/{paper}")).await.body).expect("a message");
    assert_eq!((kind.as_str(), text.as_str()), ("done", "Подпись на бумаге записана."));
}

async fn error_pages_keep_the_menu_and_pages_are_not_cached(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let mut employee = signed_in(&app, "sokolov").await;
    // Refused by role, and a record that does not exist: both pages carry the caller's menu.
    for path in ["/users", "/documents/00000000-0000-4000-8000-000000000000/register"] {
        let page = employee.get(path).await;
        assert!(page.status.is_client_error(), "{path}: {}", page.status);
        assert!(
            page.body.contains("<nav>") && page.body.contains("href=\"/\""),
            "{path}: menu"
        );
        assert!(
            page.body.contains("id=\"logout\""),
            "{path}: the caller can sign out from it"
        );
    }
    let anonymous = Web::new(&app.base).get("/no-such-page").await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert!(!anonymous.body.contains("id=\"logout\""));

    // Pages with state are not kept by the browser (the Back button asks again).
    for path in ["/", &format!("/versions/{}", s.version), "/login"] {
        let page = employee.get(path).await;
        assert_eq!(page.header("cache-control").as_deref(), Some("no-store"), "{path}");
    }
    let api = s.employee.get("/api/v1/me").await;
    assert_eq!(api.header("cache-control").as_deref(), Some("no-store"));
    let css = employee.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_ne!(
        css.header("cache-control").as_deref(),
        Some("no-store"),
        "static files may be kept"
    );
}

crate::on_both_backends!(
    refusals_look_like_refusals_and_each_action_says_what_it_did,
    error_pages_keep_the_menu_and_pages_are_not_cached
);

/// Every kind of record and action in the change log so far has its words in the
/// catalogue, so the log page shows no codes (called at the end of the long stories).
pub fn every_log_code_is_in_words(app: &TestApp) {
    let entries = jobdesc::services::journal::recent(&mut app.conn(), None, i64::MAX).expect("log");
    let t = jobdesc::i18n::strings();
    let mut missing: Vec<String> = entries
        .iter()
        .flat_map(|e| [format!("log_entity.{}", e.entity), format!("log_action.{}", e.action)])
        .filter(|k| t.find(k).is_none())
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "no words for {missing:?}");
}

async fn the_change_log_speaks_in_words(app: TestApp) {
    let s = story(&app).await;
    crate::workflow::edit_duty(&s.hr, &s.version, "Ведёт учёт товаров на складе.").await;
    approve_through(&s, &s.version).await;
    let mut auditor = signed_in(&app, "hr").await;
    let page = auditor.get("/log").await;
    assert_eq!(page.status, StatusCode::OK);
    for code in [">version<", ">approved<", ">clause_changed<", ">requested<", ">create<"] {
        assert!(!page.body.contains(code), "{code} shown as a code");
    }
    assert!(page.body.contains("Версия инструкции") && page.body.contains("утвердил(а)"));
    let entries = jobdesc::services::journal::recent(&mut app.conn(), None, 200).expect("log");
    let visa = entries.iter().find(|e| e.action == "visa").expect("a visa entry");
    let page = auditor.get(&format!("/log/{}", visa.seq)).await;
    assert!(page.body.contains("Согласовано"), "the decision in words");
    assert!(!page.body.contains("<td>agree</td>"));
    let approved = entries.iter().find(|e| e.action == "approved").expect("an approval");
    let page = auditor.get(&format!("/log/{}", approved.seq)).await;
    assert!(!page.body.contains("<td>approved</td>"), "the status in words");
    let iso_time = regex_lite_like_iso(&page.body);
    assert!(iso_time.is_none(), "a raw time outside the stored JSON: {iso_time:?}");
    every_log_code_is_in_words(&app);
}

/// The first `2026-12-01T20:44:17`-like time in a table cell, if any.
fn regex_lite_like_iso(body: &str) -> Option<String> {
    body.split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or(""))
        .find_map(|cell| {
            let b = cell.as_bytes();
            (b.len() >= 19 && b[4] == b'-' && b[10] == b'T' && b[13] == b':').then(|| cell.to_string())
        })
}

crate::on_both_backends!(the_change_log_speaks_in_words);

async fn the_register_prints_how_the_version_was_approved_in_words(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let edited = crate::workflow::edit_duty(&s.hr, &v, "Ведёт учёт товаров; не ведёт мессенджеры.").await;
    assert!(edited.status.is_success(), "{}", edited.body);
    s.hr.post(&format!("/api/v1/versions/{v}/send"), serde_json::json!({}))
        .await;
    let view = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    let clause = view["clauses"][0]["id"].as_str().expect("a clause").to_string();
    let c = s
        .head
        .post(
            &format!("/api/v1/versions/{v}/comments"),
            serde_json::json!({ "clause_id": clause, "text": "Указать подразделение полностью." }),
        )
        .await;
    assert!(c.status.is_success(), "{}", c.body);
    for (api, decision, comment) in [
        (&s.head, "agree_with_remarks", "Уточнить п. 2.1."),
        (&s.lawyer, "agree", ""),
    ] {
        let a = api
            .post(
                &format!("/api/v1/versions/{v}/visa"),
                serde_json::json!({ "decision": decision, "comment": comment }),
            )
            .await;
        assert!(a.status.is_success(), "{}", a.body);
    }
    let a = s
        .director
        .post(&format!("/api/v1/versions/{v}/approve"), serde_json::json!({}))
        .await;
    assert!(a.status.is_success(), "{}", a.body);
    let input = jobdesc::services::render::input_for(&mut app.conn(), &app.clock, &v, "http://x").expect("input");
    let lines: Vec<String> = input
        .journal
        .iter()
        .map(|j| format!("{} | {} | {}", j.at, j.who, j.what))
        .collect();
    let all = lines.join("\n");
    assert!(
        all.contains("Виза: Согласовано с замечаниями: «Уточнить п. 2.1»"),
        "{all}"
    );
    assert!(
        all.contains("Отправлен на согласование") && all.contains("Утверждён"),
        "{all}"
    );
    assert!(!all.contains("agree"), "decisions in words: {all}");
    assert!(
        !all.contains("Изменён пункт") && !all.contains("мессенджеры"),
        "the drafting history stays in the system: {all}"
    );
    assert!(
        input
            .journal
            .iter()
            .all(|j| j.at.len() == "06.12.2026 09:30".len() && j.at.as_bytes()[2] == b'.'),
        "times as people write them: {all}"
    );
    // «Замечания прилагаются»: the remarks are attached, the visa's and the clause's.
    let remarks: Vec<(&str, &str)> = input
        .remarks
        .iter()
        .map(|r| (r.clause.as_str(), r.text.as_str()))
        .collect();
    assert_eq!(
        remarks,
        [("", "Уточнить п. 2.1."), ("1.1", "Указать подразделение полностью.")],
        "{:?}",
        input.remarks
    );
    if crate::pdf::have("pdftotext") {
        let pdf = jobdesc::pdf::render(&input, &[jobdesc::pdf::Part::Document]).expect("render");
        let path = crate::pdf::write(&format!("remarks-{}.pdf", uuid::Uuid::new_v4()), &pdf.bytes);
        let text = crate::pdf::pdftotext(&path);
        assert!(
            text.contains("ЛИСТ ЗАМЕЧАНИЙ") && text.contains("Указать подразделение полностью"),
            "{text}"
        );
        let _ = std::fs::remove_file(path);
    }
}

crate::on_both_backends!(the_register_prints_how_the_version_was_approved_in_words);

async fn verification_says_whether_this_is_the_version_in_force(app: TestApp) {
    let s = story(&app).await;
    let v1 = s.version.clone();
    approve_through(&s, &v1).await;
    let hash_of = |w: serde_json::Value| w["state"]["content_hash"].as_str().expect("hash").to_string();
    let h1 = hash_of(s.hr.get(&format!("/api/v1/versions/{v1}/workflow")).await.json());
    let input = jobdesc::services::render::input_for(&mut app.conn(), &app.clock, &v1, "http://x").expect("input");
    let pdf1 = jobdesc::pdf::render(&input, &[jobdesc::pdf::Part::Document])
        .expect("pdf")
        .bytes;
    let r =
        s.hr.post(
            &format!("/api/v1/documents/{}/revisions", s.document),
            serde_json::json!({}),
        )
        .await;
    let v2 = r.json()["id"].as_str().expect("new version").to_string();
    crate::workflow::edit_duty(&s.hr, &v2, "Ведёт складской учёт в программе 1С.").await;
    approve_through(&s, &v2).await;
    let h2 = hash_of(s.hr.get(&format!("/api/v1/versions/{v2}/workflow")).await.json());

    let mut anyone = Web::new(&app.base);
    let old = anyone.get(&format!("/verify/{h1}")).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(
        old.body.contains("flash-warning") && old.body.contains("заменена"),
        "{}",
        old.body
    );
    assert!(
        old.body.contains(&format!("/verify/{h2}")),
        "links the version in force"
    );
    assert!(!old.body.contains("действующая редакция."));
    let current = anyone.get(&format!("/verify/{h2}")).await;
    assert!(current.body.contains("flash-done") && current.body.contains("действующая редакция"));
    assert!(
        current.body.contains("Должностная инструкция кладовщика"),
        "the title as it reads"
    );
    assert!(current.body.contains("«Вектор»"), "the organisation: {}", current.body);

    // Without a hash: a form to paste one or drop the PDF.
    let form = anyone.get("/verify").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"check-hash\"") && form.body.contains("type=\"file\""));
    let pasted = anyone.get(&format!("/verify?hash=%20{}%20", h2.to_uppercase())).await;
    assert_eq!(pasted.status, StatusCode::SEE_OTHER);
    assert_eq!(pasted.header("location"), Some(format!("/verify/{h2}")));
    let dropped = anyone
        .post_multipart("/verify", &[], &[("file", "ДИ.pdf", &pdf1)])
        .await;
    assert_eq!(dropped.status, StatusCode::OK, "{}", dropped.body);
    assert!(
        dropped.body.contains("заменена"),
        "the PDF of version 1 is recognised as replaced"
    );
    let not_ours = anyone
        .post_multipart("/verify", &[], &[("file", "x.pdf", b"%PDF-1.4 nothing")])
        .await;
    assert_eq!(not_ours.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_ours.body.contains("нет отметки системы"));
    let forged = Web::new(&app.base)
        .post_multipart("/verify", &[], &[("file", "ДИ.pdf", &pdf1)])
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "the upload form is protected like every form"
    );
}

crate::on_both_backends!(verification_says_whether_this_is_the_version_in_force);

async fn remarks_sit_under_their_clause_and_hr_is_warned_before_an_edit_voids_visas(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let view = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    let clause = view["clauses"][1]["id"].as_str().expect("a clause").to_string();
    let mut hr = signed_in(&app, "hr").await;
    let draft = hr.get(&format!("/versions/{v}")).await;
    assert!(
        !draft.body.contains("id=\"edits-void-visas\""),
        "a draft is edited freely"
    );
    hr.post(&format!("/versions/{v}/send"), &[]).await;
    let mut head = signed_in(&app, "head").await;
    let a = head
        .post(
            &format!("/versions/{v}/comments"),
            &[("clause_id", &clause), ("text", "Уточнить срок.")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = hr.get(&format!("/versions/{v}")).await;
    assert!(
        page.body.contains("id=\"edits-void-visas\""),
        "HR is warned before editing"
    );
    let at = page.body.find(&format!("id=\"c-{clause}\"")).expect("the clause");
    let item = &page.body[at..page.body[at..].find("</li>").map_or(page.body.len(), |e| at + e)];
    assert!(
        item.contains("remark-line") && item.contains("head") && item.contains("Уточнить срок."),
        "{item}"
    );
}

crate::on_both_backends!(remarks_sit_under_their_clause_and_hr_is_warned_before_an_edit_voids_visas);

async fn hr_answers_a_remark_without_starting_a_new_round(app: TestApp) {
    let s = story(&app).await;
    let v = s.version.clone();
    let view = s.hr.get(&format!("/api/v1/versions/{v}")).await.json();
    let clause = view["clauses"][1]["id"].as_str().expect("a clause").to_string();
    let mut hr = signed_in(&app, "hr").await;
    hr.post(&format!("/versions/{v}/send"), &[]).await;
    let mut head = signed_in(&app, "head").await;
    head.post(
        &format!("/versions/{v}/comments"),
        &[("clause_id", &clause), ("text", "Уточнить срок.")],
    )
    .await;
    let state = || jobdesc::services::versions::state(&mut app.conn(), &v).expect("state");
    let before = state();
    let page = hr.get(&format!("/versions/{v}")).await;
    let marker = format!("/versions/{v}/remarks/");
    let remark = page.body[page.body.find(&marker).expect("HR is offered an answer") + marker.len()..]
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        !head.get(&format!("/versions/{v}")).await.body.contains(&marker),
        "agreers remark, HR answers"
    );
    let forbidden = head
        .post(&format!("{marker}{remark}/answers"), &[("text", "Сам отвечу.")])
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    // An empty answer is refused and writes nothing.
    let log = app.log_len();
    hr.post(&format!("{marker}{remark}/answers"), &[("text", "  ")]).await;
    let (kind, _) = message(&hr.get(&format!("/versions/{v}")).await.body).expect("a message");
    assert_eq!(kind, "refused");
    assert_eq!(app.log_len(), log);

    let a = hr
        .post(
            &format!("{marker}{remark}/answers"),
            &[("text", "Срок указан: 5 рабочих дней.")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let (kind, text) = message(&hr.get(&format!("/versions/{v}")).await.body).expect("a message");
    assert_eq!(
        (kind.as_str(), text.as_str()),
        (
            "done",
            "Ответ на замечание записан; автор замечания получит уведомление."
        )
    );
    let after = state();
    assert_eq!(
        (after.status, after.round),
        (before.status, before.round),
        "the round goes on"
    );

    // The agreer reads the answer under the remark, and is told.
    let page = head.get(&format!("/versions/{v}")).await;
    let at = page.body.find(&format!("id=\"r-{remark}\"")).expect("the remark");
    let block = &page.body[at..page.body[at..].find("</li>").map_or(page.body.len(), |e| at + e)];
    assert!(
        block.contains("answer-line") && block.contains("Срок указан: 5 рабочих дней."),
        "{block}"
    );
    let home = head.get("/").await;
    assert!(
        home.body.contains("hr ответил(а) на ваше замечание к пункту"),
        "{}",
        home.body
    );
    assert!(home.body.contains(&format!("/versions/{v}#c-{clause}")));

    // An answer is not itself answered; the API answers as the page does.
    let answer = jobdesc::services::agreement::record(&mut app.conn(), &v)
        .expect("record")
        .comments
        .into_iter()
        .find(|c| c.reply_to.is_some())
        .expect("the answer")
        .id;
    let a =
        s.hr.post(
            &format!("/api/v1/versions/{v}/remarks/{answer}/answers"),
            serde_json::json!({ "text": "Ещё раз." }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    let a =
        s.hr.post(
            &format!("/api/v1/versions/{v}/remarks/{remark}/answers"),
            serde_json::json!({ "text": "Добавлено в п. 2.3." }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let a =
        s.hr.post(
            &format!("/api/v1/versions/{v}/remarks/nonexistent/answers"),
            serde_json::json!({ "text": "?" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    // The remarks sheet prints the answers under the remark; the register's journal too.
    let input = jobdesc::services::render::input_for(&mut app.conn(), &app.clock, &v, "http://x").expect("input");
    let remarks: Vec<&str> = input.remarks.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        remarks,
        [
            "Уточнить срок.",
            "Ответ: Срок указан: 5 рабочих дней.",
            "Ответ: Добавлено в п. 2.3."
        ],
        "{remarks:?}"
    );
    assert!(
        input
            .journal
            .iter()
            .any(|j| j.what.starts_with("Ответ на замечание к пункту")),
        "{:?}",
        input.journal
    );
}

crate::on_both_backends!(hr_answers_a_remark_without_starting_a_new_round);
