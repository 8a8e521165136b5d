//! The editor in HTML: forms that add, move, edit and remove clauses; stale forms;
//! escaping of clause text; the library picker; the document pages.

use awc::http::StatusCode;
use serde_json::Value;

use crate::authoring::{document, enc, set_organization};
use crate::helpers::{TestApp, Web};

fn revision(page: &str) -> String {
    let marker = "name=\"revision\" value=\"";
    let start = page.find(marker).map(|i| i + marker.len()).expect("a revision field");
    page[start..].split('"').next().unwrap_or_default().to_string()
}

fn first_section(page: &str) -> String {
    let marker = "clauses/new?section_id=";
    let start = page.find(marker).map(|i| i + marker.len()).expect("an add-clause link");
    page[start..].split(['"', '&']).next().unwrap_or_default().to_string()
}

async fn view(app: &TestApp, v: &str) -> Value {
    let version = jobdesc::services::versions::get(&mut app.conn(), v).expect("version");
    serde_json::to_value(version).expect("json")
}

async fn clauses_through_forms(app: TestApp) {
    let api = app.api_as("hr0", "hr");
    set_organization(&api).await;
    let (doc, v) = document(&api).await;
    let mut web = app.web_as("hr1", "hr").await;
    let editor = web.get(&format!("/versions/{v}")).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(editor.body.contains("1.1."), "numbers shown");
    assert!(
        editor.body.contains("менеджера по работе с клиентами"),
        "placeholders resolved in the editor"
    );
    assert!(
        editor.body.contains("{position.title_genitive}"),
        "the list of placeholders is shown"
    );
    let rev = revision(&editor.body);
    let section = first_section(&editor.body);

    // A new clause, with markup in it: stored as text, shown escaped.
    let form = web
        .get(&format!("/versions/{v}/clauses/new?section_id={section}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let evil = "Соблюдает <script>alert('x')</script> порядок.";
    let a = web
        .post(
            &format!("/versions/{v}/clauses"),
            &[("section_id", &section), ("text", evil), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let anchor = a.header("location").unwrap_or_default();
    assert!(anchor.contains("#c-"), "back to the new clause: {anchor}");
    let clause = anchor.rsplit("#c-").next().unwrap_or_default().to_string();
    let editor = web.get(&format!("/versions/{v}")).await;
    assert!(
        !editor.body.contains("<script>alert"),
        "markup never reaches the page raw"
    );
    assert!(editor.body.contains("&lt;script&gt;"));
    let preview = web.get(&format!("/versions/{v}/preview")).await;
    assert!(preview.body.contains("&lt;script&gt;") && !preview.body.contains("<script>alert"));
    assert!(preview.body.contains("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ") && preview.body.contains("УТВЕРЖДАЮ"));
    assert!(
        preview.body.contains("И.С. Белов") || preview.body.contains("И.С.&nbsp;Белов"),
        "head's initials"
    );
    assert!(preview.body.contains("ПРОЕКТ"), "a draft is marked");

    // Move it up with the form; a stale form is refused with a message and changes nothing.
    let stale_rev = rev.clone();
    let rev = revision(&editor.body);
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("c", &clause), ("do", "up"), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let before = view(&app, &v).await;
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", &format!("down:{clause}")), ("revision", &stale_rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let editor = web.get(&format!("/versions/{v}")).await;
    assert!(
        editor.body.contains("изменён другим пользователем"),
        "the stale move is explained"
    );
    assert_eq!(view(&app, &v).await["content"], before["content"]);
    for bad in [
        vec![("do", format!("sideways:{clause}"))],
        vec![("do", "sideways".into()), ("c", clause.clone())],
    ] {
        let rev = revision(&web.get(&format!("/versions/{v}")).await.body);
        let mut fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fields.push(("revision", &rev));
        let a = web.post(&format!("/versions/{v}/clause-actions"), &fields).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    // A toolbar button with no clause selected says what to do.
    let rev = revision(&web.get(&format!("/versions/{v}")).await.body);
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", "up"), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(web
        .get(&format!("/versions/{v}"))
        .await
        .body
        .contains("Сначала выберите пункт"));
    // Edit and add-sub go to their pages.
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", "edit"), ("c", &clause), ("revision", &rev)],
        )
        .await;
    assert_eq!(
        a.header("location").unwrap_or_default(),
        format!("/versions/{v}/clauses/{clause}")
    );
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", "sub"), ("c", &clause), ("revision", &rev)],
        )
        .await;
    let location = a.header("location").unwrap_or_default();
    assert!(
        location.starts_with(&format!("/versions/{v}/clauses/new?section_id="))
            && location.ends_with(&format!("parent_id={clause}")),
        "{location}"
    );
    assert_eq!(web.get(&location).await.status, StatusCode::OK);
    assert_eq!(
        view(&app, &v).await["content"],
        before["content"],
        "a bad action changes nothing"
    );
    // «Вставить после»: the new clause goes in where the author is, not at the end.
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", "after"), ("c", &clause), ("revision", &rev)],
        )
        .await;
    let location = a.header("location").unwrap_or_default();
    assert!(location.ends_with(&format!("after_id={clause}")), "{location}");
    let page = web.get(&location).await;
    let number = view(&app, &v).await["content"].clone();
    let numbered = jobdesc::services::versions::get(&mut app.conn(), &v)
        .expect("v")
        .content;
    let at = numbered.find(&clause).expect("clause").number;
    assert!(page.body.contains(&format!("после пункта {at}")), "{}", page.body);
    let a = web
        .post(
            &format!("/versions/{v}/clauses"),
            &[
                (
                    "section_id",
                    location
                        .split("section_id=")
                        .nth(1)
                        .and_then(|r| r.split('&').next())
                        .unwrap_or_default(),
                ),
                ("after_id", &clause),
                ("text", "Вставлен после."),
                ("revision", &revision(&page.body)),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let content = jobdesc::services::versions::get(&mut app.conn(), &v)
        .expect("v")
        .content;
    let inserted = content
        .clauses()
        .iter()
        .find(|l| l.clause.text == "Вставлен после.")
        .map(|l| l.number.clone())
        .expect("inserted");
    let (head, last) = at.rsplit_once('.').expect("a numbered clause");
    assert_eq!(inserted, format!("{head}.{}", last.parse::<u32>().unwrap_or(0) + 1));
    assert_ne!(number, view(&app, &v).await["content"]);

    // Editing with a stale revision shows the current text and keeps what was typed.
    let a = web
        .post(
            &format!("/versions/{v}/clauses/{clause}"),
            &[("text", "Мой вариант."), ("revision", &stale_rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.body.contains("Мой вариант."), "what the user typed is kept");
    assert!(a.body.contains("Текущий текст пункта"), "and the current text is shown");
    let rev = revision(&web.get(&format!("/versions/{v}")).await.body);
    let a = web
        .post(
            &format!("/versions/{v}/clauses/{clause}"),
            &[("text", ""), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Обязательное поле"));
    let a = web
        .post(
            &format!("/versions/{v}/clauses/{clause}"),
            &[("text", "Соблюдает порядок."), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    // The library picker finds word forms and inserts with the link kept.
    let found = web
        .get(&format!(
            "/versions/{v}/clauses/new?section_id={section}&q={}",
            enc("законодательством")
        ))
        .await;
    assert!(found.body.contains("name=\"library_id\""), "{}", found.body);
    let marker = "name=\"library_id\" value=\"";
    let start = found.body.find(marker).map(|i| i + marker.len()).expect("hit");
    let lib = found.body[start..].split('"').next().unwrap_or_default().to_string();
    let rev = revision(&found.body);
    let a = web
        .post(
            &format!("/versions/{v}/clauses"),
            &[("section_id", &section), ("library_id", &lib), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let rev = revision(&web.get(&format!("/versions/{v}")).await.body);
    let before_removal = view(&app, &v).await["content"].clone();
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", &format!("delete:{clause}")), ("revision", &rev)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.header("location").unwrap_or_default(),
        format!("/versions/{v}#undo"),
        "back to where the clause stood, not the top"
    );
    let removed = view(&app, &v).await["content"].clone();
    let editor = web.get(&format!("/versions/{v}")).await;
    assert!(!editor.body.contains("<span class=\"text\">Соблюдает порядок.</span>"));
    // The removal is offered back, in the section it left, to the one who removed it.
    assert!(editor.body.contains("id=\"undo\""), "an undo is offered");
    assert!(
        editor.body.contains("«Соблюдает порядок.» исключён."),
        "saying what went"
    );
    let mut other = app.web_as("hr2", "hr").await;
    assert!(!other.get(&format!("/versions/{v}")).await.body.contains("id=\"undo\""));
    let rev = revision(&editor.body);
    let a = web
        .post(
            &format!("/versions/{v}/clause-actions"),
            &[("do", &format!("restore:{clause}")), ("revision", &rev)],
        )
        .await;
    assert_eq!(
        a.header("location").unwrap_or_default(),
        format!("/versions/{v}?c={clause}#c-{clause}")
    );
    let editor = web.get(&format!("/versions/{v}")).await;
    assert!(
        editor.body.contains("<span class=\"text\">Соблюдает порядок.</span>"),
        "the clause is back"
    );
    assert!(!editor.body.contains("id=\"undo\""), "and the undo gone");
    assert_eq!(
        view(&app, &v).await["content"],
        before_removal,
        "where it stood, with its number"
    );
    // Restoring twice is refused with a message and changes nothing.
    let rev = revision(&editor.body);
    let restored = view(&app, &v).await["content"].clone();
    web.post(
        &format!("/versions/{v}/clause-actions"),
        &[("do", &format!("restore:{clause}")), ("revision", &rev)],
    )
    .await;
    assert!(web
        .get(&format!("/versions/{v}"))
        .await
        .body
        .contains("Пункт уже возвращён"));
    assert_eq!(view(&app, &v).await["content"], restored);
    assert_ne!(removed, restored);

    let d = web.get(&format!("/documents/{doc}")).await;
    assert!(d.body.contains("менеджер по работе с клиентами"));
    let list = web.get("/documents").await;
    assert!(list.body.contains(&format!("/documents/{doc}")));
}

async fn documents_are_started_from_the_form(app: TestApp) {
    let api = app.api_as("hr0", "hr");
    let p = crate::authoring::position(&api, "логист", "логиста").await;
    let t = crate::authoring::template_id(&api, "specialist").await;
    let mut web = app.web_as("hr1", "hr").await;
    let form = web.get("/documents/new").await;
    assert!(form.body.contains("логист"));
    let a = web
        .post(
            "/documents",
            &[("position_id", &p), ("template_id", &t), ("copy_from", "x")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Выберите либо шаблон"), "{}", a.body);
    // Neither chosen: the template of the position's category, one choice fewer.
    let a = web
        .post(
            "/documents",
            &[("position_id", &p), ("template_id", ""), ("copy_from", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(a.header("location").unwrap_or_default().starts_with("/versions/"));

    // The editor's weight (issue 13): under 40 KB for 40 clauses, one form for all rows.
    let location = a.header("location").unwrap_or_default();
    let editor = web.get(&location).await;
    let clauses = editor.body.matches("class=\"clause ").count();
    assert!(clauses > 20, "a template's text: {clauses} clauses");
    let per_40 = editor.body.len() * 40 / clauses;
    assert!(per_40 < 40_000, "{} bytes for {clauses} clauses", editor.body.len());
    assert_eq!(
        editor.body.matches("id=\"acts\"").count(),
        1,
        "one form for the clause actions"
    );

    // Agreers read documents but get no editing tools; employees see none of it.
    let mut head = app.web_as("head1", "agreer").await;
    let location = a.header("location").unwrap_or_default();
    let page = head.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Только просмотр"));
    assert!(!page.body.contains("/clause-actions\""));
    let mut emp = app.web_as("emp1", "employee").await;
    assert_eq!(emp.get(&location).await.status, StatusCode::FORBIDDEN);
    let mut anon = Web::new(&app.base);
    assert_eq!(anon.get(&location).await.status, StatusCode::SEE_OTHER);
}

async fn templates_and_library_pages(app: TestApp) {
    let mut web = app.web_as("hr1", "hr").await;
    let list = web.get("/templates").await;
    assert!(
        list.body.contains("руководитель") && list.body.contains("рабочий"),
        "the four shipped templates"
    );
    let a = web
        .post("/templates", &[("name", "Шаблон водителя"), ("category", "worker")])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let list = web.get("/templates").await;
    let marker = "/text\">Шаблон водителя";
    let at = list.body.find(marker).expect("the new template links to its text");
    let href_start = list.body[..at].rfind("href=\"").expect("href") + 6;
    let editor_url = format!("{}/text", &list.body[href_start..at]);
    let editor = web.get(&editor_url).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(
        editor.body.contains("обязательный раздел"),
        "empty required sections are reported"
    );

    let lib = web
        .get(&format!("/library?q={}&section=safety", enc("медицинские осмотры")))
        .await;
    assert_eq!(lib.status, StatusCode::OK);
    assert!(lib.body.contains("медицинск"), "{}", lib.body);
    let a = web
        .post(
            "/library",
            &[
                ("section", "duties"),
                ("source", "custom"),
                ("text", "Ведёт {position.salary}."),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Неизвестная подстановка"));
    let a = web
        .post(
            "/library",
            &[
                ("section", "duties"),
                ("source", "custom"),
                ("categories", "worker"),
                ("text", "Управляет автопогрузчиком."),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let found = web.get(&format!("/library?q={}", enc("автопогрузчиком"))).await;
    assert!(found.body.contains("Управляет автопогрузчиком."));
}

/// A 200-clause document: the editor and the preview still answer, numbered to the end.
async fn long_documents_stay_usable(app: TestApp) {
    let api = app.api_as("hr0", "hr");
    let (_, v) = document(&api).await;
    let mut content = jobdesc::services::versions::get(&mut app.conn(), &v)
        .expect("version")
        .content;
    let duties = content
        .sections
        .iter_mut()
        .find(|s| s.kind.as_str() == "duties")
        .expect("duties");
    duties.clauses.clear();
    for i in 0..200 {
        duties.clauses.push(jobdesc::domain::document::Clause {
            id: format!("long-{i}"),
            text: format!(
                "Обязанность номер {i}, сформулированная достаточно подробно для проверки длинного документа."
            ),
            library: None,
            children: Vec::new(),
        });
    }
    let json = serde_json::to_string(&content).expect("json").replace('\'', "''");
    app.sql(&format!(
        "UPDATE jd_version_texts SET content = '{json}' WHERE version_id = '{v}'"
    ));
    let mut web = app.web_as("hr1", "hr").await;
    let editor = web.get(&format!("/versions/{v}")).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(editor.body.contains("4.200."), "the last duty is numbered 4.200");
    let preview = web.get(&format!("/versions/{v}/preview")).await;
    assert!(preview.body.contains("4.200. Обязанность номер 199"));
}

/// The preview and the version JSON are kept between reads (`services::views`): every
/// change through the server, and one written beside it (as another instance would),
/// shows on the next read.
async fn read_views_follow_every_change(app: TestApp) {
    let api = app.api_as("hr0", "hr");
    set_organization(&api).await;
    let (_, v) = document(&api).await;
    let mut web = app.web_as("hr1", "hr").await;
    let text = |body: &str| serde_json::from_str::<Value>(body).expect("json");
    assert!(web.get(&format!("/versions/{v}/preview")).await.body.contains("Самара"));
    let before = text(&api.get(&format!("/api/v1/versions/{v}")).await.body);
    let rev = before["revision"].as_i64().expect("revision");
    let clause = before["content"]["sections"][0]["clauses"][0]["id"]
        .as_str()
        .expect("a clause")
        .to_string();

    let a = api
        .put(
            &format!("/api/v1/versions/{v}/clauses/{clause}"),
            serde_json::json!({ "text": "Читает свежий текст.", "expected_revision": rev }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(web
        .get(&format!("/versions/{v}/preview"))
        .await
        .body
        .contains("Читает свежий текст."));
    let after = text(&api.get(&format!("/api/v1/versions/{v}")).await.body);
    assert_eq!(after["revision"].as_i64(), Some(rev + 1));
    assert!(after.to_string().contains("Читает свежий текст."));

    let mut org = jobdesc::services::organization::get(&mut app.conn())
        .expect("read")
        .expect("set");
    org.city = "Тольятти".into();
    jobdesc::services::organization::save(&mut app.conn(), &app.clock, "beside", &org).expect("saved");
    let preview = web.get(&format!("/versions/{v}/preview")).await.body;
    assert!(preview.contains("Тольятти") && !preview.contains("Самара"), "{preview}");
}

/// The CSRF tokens a page carries: the meta tag's and every form's.
fn tokens(body: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for marker in ["name=\"csrf-token\" content=\"", "name=\"csrf_token\" value=\""] {
        for (i, _) in body.match_indices(marker) {
            let rest = &body[i + marker.len()..];
            out.insert(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }
    out
}

/// Whole pages kept between reads (`web::kept`) are the caller's own: another user
/// sees their own name, each session only its own CSRF token, and a message waiting
/// for the caller is shown instead of the kept page, once.
async fn kept_pages_belong_to_their_caller(app: TestApp) {
    let api = app.api_as("hr0", "hr");
    set_organization(&api).await;
    let (_, v) = document(&api).await;
    let mut a = app.web_as("hr1", "hr").await;
    let mut b = app.web_as("hr2", "hr").await;
    for path in [
        "/".to_string(),
        "/documents".to_string(),
        "/coverage".to_string(),
        format!("/versions/{v}"),
        format!("/versions/{v}/preview"),
    ] {
        let first = a.get(&path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let kept = a.get(&path).await;
        assert_eq!(kept.body, first.body, "{path}: the same page again");
        let theirs = b.get(&path).await;
        assert!(
            theirs.body.contains("<summary class=\"who-menu\">hr2</summary>"),
            "{path}"
        );
        assert!(!theirs.body.contains("hr1"), "{path}: nothing of the other user");
        let (mine, other) = (tokens(&first.body), tokens(&theirs.body));
        assert_eq!(mine.len(), 1, "{path}: one token on the page {mine:?}");
        assert_eq!(other.len(), 1, "{path}: one token on the page {other:?}");
        assert_ne!(mine, other, "{path}: each session its own token");
        assert!(
            !first.body.contains("<csrf>") && !theirs.body.contains("<csrf>"),
            "{path}: mark filled in"
        );
    }
    // A refused action leaves a message and changes nothing: the kept editor is not
    // served over it, and it is shown once.
    let refused = a.post(&format!("/versions/{v}/clause-actions"), &[("do", "up")]).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    let message = "Сначала выберите пункт";
    assert!(a.get(&format!("/versions/{v}")).await.body.contains(message));
    assert!(!a.get(&format!("/versions/{v}")).await.body.contains(message));
}

crate::on_both_backends!(
    kept_pages_belong_to_their_caller,
    read_views_follow_every_change,
    clauses_through_forms,
    documents_are_started_from_the_form,
    templates_and_library_pages,
    long_documents_stay_usable,
);
