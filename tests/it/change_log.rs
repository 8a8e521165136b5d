//! The change log: written with every change, append-only, hash-chained, and checked.

use awc::http::StatusCode;
use jobdesc::services::{journal, ServiceError};
use serde_json::json;

use crate::helpers::{Backend, TestApp};

/// Every mutation route of the API writes exactly one entry naming its entity and action.
async fn every_mutation_writes_one_entry(app: TestApp) {
    let api = app.api_as("admin1", "admin hr");
    let expect = |label: &str, before: i64, entity: &str, action: &str, app: &TestApp| {
        assert_eq!(app.log_len(), before + 1, "{label}: one entry");
        let e = journal::recent(&mut app.conn(), None, 1).expect("recent").remove(0);
        assert_eq!(
            (e.entity.as_str(), e.action.as_str(), e.actor.as_str()),
            (entity, action, "admin1"),
            "{label}"
        );
    };
    let n = app.log_len();
    let org = json!({ "full_name": "Акционерное общество «Заря»", "short_name": "АО «Заря»", "legal_form": "АО",
                      "city": "Тверь", "head_position": "Генеральный директор", "head_name": "Орлов Пётр Иванович",
                      "time_zone": "Europe/Moscow" });
    assert_eq!(api.put("/api/v1/organization", org).await.status, StatusCode::OK);
    expect("organization", n, "organization", "create", &app);

    let n = app.log_len();
    let d = api.post("/api/v1/departments", json!({ "name": "Цех" })).await.json()["id"]
        .as_str()
        .map(String::from)
        .expect("id");
    expect("department", n, "department", "create", &app);
    let n = app.log_len();
    let p = api
        .post(
            "/api/v1/positions",
            json!({ "title": "токарь", "title_genitive": "токаря", "category": "worker", "department_id": d }),
        )
        .await
        .json()["id"]
        .as_str()
        .map(String::from)
        .expect("id");
    expect("position", n, "position", "create", &app);
    let n = app.log_len();
    let e = api
        .post(
            "/api/v1/employees",
            json!({ "surname": "Зуев", "name": "Олег", "personnel_number": "77" }),
        )
        .await
        .json()["id"]
        .as_str()
        .map(String::from)
        .expect("id");
    expect("employee", n, "employee", "create", &app);
    let n = app.log_len();
    let a = api
        .post(
            "/api/v1/assignments",
            json!({ "employee_id": e, "position_id": p, "date_from": "2025-01-09" }),
        )
        .await
        .json()["id"]
        .as_str()
        .map(String::from)
        .expect("id");
    expect("assignment", n, "assignment", "create", &app);
    let n = app.log_len();
    let u = api
        .post(
            "/api/v1/users",
            json!({ "login": "zuev", "password": "весенний склад зуева", "roles": ["employee"], "employee_id": e }),
        )
        .await
        .json()["id"]
        .as_str()
        .map(String::from)
        .expect("id");
    expect("user", n, "user", "create", &app);

    for (path, body, entity) in [
        (
            format!("/api/v1/departments/{d}"),
            json!({ "name": "Цех №1" }),
            "department",
        ),
        (
            format!("/api/v1/positions/{p}"),
            json!({ "title": "токарь-универсал", "title_genitive": "токаря-универсала", "category": "worker", "department_id": d }),
            "position",
        ),
        (
            format!("/api/v1/employees/{e}"),
            json!({ "surname": "Зуев", "name": "Олег", "personnel_number": "78" }),
            "employee",
        ),
        (
            format!("/api/v1/assignments/{a}"),
            json!({ "employee_id": e, "position_id": p, "date_from": "2025-01-10" }),
            "assignment",
        ),
        (
            format!("/api/v1/users/{u}"),
            json!({ "login": "zuev", "roles": ["employee", "agreer"], "employee_id": e }),
            "user",
        ),
    ] {
        let n = app.log_len();
        let r = api.put(&path, body).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        expect(&path, n, entity, "update", &app);
    }
    for (path, entity) in [
        (format!("/api/v1/users/{u}"), "user"),
        (format!("/api/v1/assignments/{a}"), "assignment"),
        (format!("/api/v1/employees/{e}"), "employee"),
        (format!("/api/v1/positions/{p}"), "position"),
        (format!("/api/v1/departments/{d}"), "department"),
    ] {
        let n = app.log_len();
        assert_eq!(api.delete(&path).await.status, StatusCode::NO_CONTENT, "{path}");
        expect(&path, n, entity, "delete", &app);
    }
    let verdict = api.get("/api/v1/log/verify").await.json();
    assert_eq!(verdict["intact"], true, "{verdict}");
}

/// A failed use case leaves neither the change nor a record of it.
async fn no_record_without_change_and_no_change_without_record(app: TestApp) {
    let before = app.log_len();
    let result = journal::write_tx(&mut app.conn(), &app.clock, "test", |conn, j| {
        j.record(
            conn,
            "department",
            "x",
            "create",
            None::<&()>,
            Some(&json!({ "name": "ghost" })),
        )?;
        Err::<(), _>(ServiceError::Refused("database_not_empty"))
    });
    assert!(result.is_err());
    assert_eq!(
        app.log_len(),
        before,
        "the entry was rolled back with the failed change"
    );
}

async fn tampering_is_detected(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    for name in ["Первый", "Второй", "Третий"] {
        assert_eq!(
            api.post("/api/v1/departments", json!({ "name": name })).await.status,
            StatusCode::CREATED
        );
    }
    let ok = journal::verify(&mut app.conn()).expect("verify");
    assert_eq!(ok, Ok(app.log_len() as u64));

    // The log refuses edits through SQL ...
    let mut c = app.conn();
    use diesel::connection::SimpleConnection;
    let c: &mut jobdesc::db::DbConn = &mut c;
    assert!(
        c.batch_execute("UPDATE change_log SET actor = 'x' WHERE seq = 2")
            .is_err(),
        "append-only"
    );
    assert!(
        c.batch_execute("DELETE FROM change_log WHERE seq = 2").is_err(),
        "append-only"
    );
    // ... and an intruder who removes the guard is still found by the chain.
    match app.backend {
        Backend::Sqlite => app.sql("DROP TRIGGER change_log_no_update"),
        Backend::Postgres => app.sql("ALTER TABLE change_log DISABLE TRIGGER change_log_no_change"),
    }
    let target = journal::recent(&mut app.conn(), None, 100)
        .expect("entries")
        .into_iter()
        .find(|e| e.after_json.as_deref().unwrap_or("").contains("Второй"))
        .expect("the entry of the second department")
        .seq;
    app.sql(&format!(
        "UPDATE change_log SET after_json = replace(after_json, 'Второй', 'Подмена') WHERE seq = {target}"
    ));
    let broken = journal::verify(&mut app.conn())
        .expect("verify")
        .expect_err("tampering found");
    assert_eq!(broken.seq, target);
    let verdict = api.get("/api/v1/log/verify").await.json();
    assert_eq!(verdict["intact"], false);
    assert_eq!(verdict["broken_seq"], target);
}

/// A check from the checkpoint recomputes only what was added since, still finds
/// tampering after it, and falls back to the whole chain when the checkpoint's
/// own entry was altered.
async fn verification_resumes_from_the_checkpoint(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let add = |name: &str| api.post("/api/v1/departments", json!({ "name": name }));
    assert_eq!(add("Первый").await.status, StatusCode::CREATED);
    let verify = |full| journal::verify_and_checkpoint(&mut app.conn(), &app.clock, full).expect("verify");
    let first = verify(false).expect("intact");
    assert_eq!(
        (first.from, first.checked as i64, first.through),
        (None, app.log_len(), app.log_len())
    );
    let again = verify(false).expect("intact");
    assert_eq!(
        (again.from, again.checked),
        (Some(first.through), 0),
        "nothing new to check"
    );
    for name in ["Второй", "Третий"] {
        assert_eq!(add(name).await.status, StatusCode::CREATED);
    }
    let next = verify(false).expect("intact");
    assert_eq!(next.from, Some(first.through));
    assert_eq!(
        next.checked as i64,
        app.log_len() - first.through,
        "only the new entries"
    );
    let mut web = app.web_as("auditor1", "hr").await;
    let page = web.get("/log").await;
    assert!(
        page.body.contains(&format!("проверена до № {}", app.log_len())),
        "the page checks from the checkpoint too: {}",
        page.body
    );

    match app.backend {
        Backend::Sqlite => app.sql("DROP TRIGGER change_log_no_update"),
        Backend::Postgres => app.sql("ALTER TABLE change_log DISABLE TRIGGER change_log_no_change"),
    }
    // Altered after the checkpoint: found by the incremental check.
    assert_eq!(add("Четвёртый").await.status, StatusCode::CREATED);
    let last = app.log_len();
    app.sql(&format!("UPDATE change_log SET actor = 'intruder' WHERE seq = {last}"));
    assert_eq!(verify(false).expect_err("found").seq, last);
    app.sql(&format!("UPDATE change_log SET actor = 'hr1' WHERE seq = {last}"));
    assert_eq!(
        verify(false).expect("restored").through,
        last,
        "the checkpoint is now the last entry"
    );
    // The page, kept while the head stays, still shows an alteration at its next view.
    let intact = web.get("/log").await;
    assert!(intact.body.contains("проверена до №"), "{}", intact.body);
    // Altered at the checkpoint itself: the check starts over and finds it.
    app.sql(&format!("UPDATE change_log SET actor = 'intruder' WHERE seq = {last}"));
    let page = web.get("/log").await;
    assert!(
        page.body.contains(&format!(
            "Журнал повреждён начиная с записи №{last}: содержание не совпадает с хешем: запись изменена"
        )),
        "shown at once, though nothing moved the head: {}",
        page.body
    );
    assert_eq!(verify(false).expect_err("found").seq, last);
    assert_eq!(verify(true).expect_err("found").seq, last);
}

/// Concurrent writers queue on the chain head: nothing lost, chain intact.
async fn concurrent_writes_keep_the_chain_linear(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let before = app.log_len();
    let requests = (0..16).map(|i| api.post("/api/v1/departments", json!({ "name": format!("Параллельный {i}") })));
    let answers = futures_util::future::join_all(requests).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::CREATED), "all created");
    assert_eq!(app.log_len(), before + 16);
    let verdict = journal::verify(&mut app.conn()).expect("verify");
    assert_eq!(verdict, Ok(before as u64 + 16));
}

/// A check while others write finds the chain intact: it reads the head before the
/// entries, so an entry committed in between is neither missed nor taken for a cut.
async fn a_check_while_others_write_finds_the_chain_intact(app: TestApp) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (pool, clock, stop) = (app.pool.clone(), app.clock.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conn = pool.get().expect("connection");
            let mut written = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                journal::write_tx(&mut conn, &clock, "writer", |c, j| {
                    j.note(c, "test", "row", "touch", &json!({ "n": written }))
                })
                .expect("write");
                written += 1;
            }
            written
        })
    };
    let mut verdicts = Vec::new();
    for _ in 0..300 {
        verdicts.push(journal::verify_and_checkpoint(&mut app.conn(), &app.clock, false).expect("check"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().expect("writer");
    let broken: Vec<_> = verdicts.iter().filter_map(|v| v.as_ref().err()).collect();
    assert!(
        broken.is_empty(),
        "{} of 300 checks during {written} writes: {:?}",
        broken.len(),
        broken.first()
    );
    assert!(written > 0);
}

/// The log page lists entries without what they recorded; each entry's page shows it,
/// and a sequence number that is not one, or not there, is simply not found.
async fn each_entry_has_its_own_page(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let a = api.post("/api/v1/departments", json!({ "name": "Цех <№ 1>" })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let seq = app.log_len();
    let mut web = app.web_as("auditor1", "hr").await;
    let list = web.get("/log").await;
    assert!(list.body.contains(&format!("href=\"/log/{seq}\"")), "{}", list.body);
    assert!(!list.body.contains("Цех"), "the list does not carry the recorded texts");
    let page = web.get(&format!("/log/{seq}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Цех &lt;№ 1&gt;"),
        "recorded text, escaped: {}",
        page.body
    );
    assert!(page.body.contains("department") && page.body.contains("hr1"));
    for bad in ["abc", "99999999", "-1"] {
        let a = web.get(&format!("/log/{bad}")).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "/log/{bad}");
    }
}

crate::on_both_backends!(
    each_entry_has_its_own_page,
    every_mutation_writes_one_entry,
    no_record_without_change_and_no_change_without_record,
    tampering_is_detected,
    verification_resumes_from_the_checkpoint,
    concurrent_writes_keep_the_chain_linear,
    a_check_while_others_write_finds_the_chain_intact,
);
