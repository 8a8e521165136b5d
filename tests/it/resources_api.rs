//! The JSON API of the organisation resources: CRUD, validation, references, paging, log entries.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Answer, Api, TestApp};

fn field_codes(a: &Answer) -> Vec<(String, String)> {
    a.json()["errors"]
        .as_array()
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_string(),
                        e["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn id(a: &Answer) -> String {
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.json()["id"].as_str().expect("id").to_string()
}

/// The newest log entry.
async fn last_entry(api: &Api) -> Value {
    api.get("/api/v1/log?limit=1").await.json()[0].clone()
}

async fn departments_crud_with_log(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let root = id(&api.post("/api/v1/departments", json!({ "name": "Дирекция" })).await);
    let entry = last_entry(&api).await;
    assert_eq!(
        (entry["entity"].as_str(), entry["action"].as_str()),
        (Some("department"), Some("create"))
    );
    assert_eq!(entry["actor"], "hr1");
    assert!(entry["after_json"].as_str().unwrap_or("").contains("Дирекция"));

    let sales = id(&api
        .post(
            "/api/v1/departments",
            json!({ "name": "Отдел продаж", "parent_id": root }),
        )
        .await);
    let got = api.get(&format!("/api/v1/departments/{sales}")).await.json();
    assert_eq!(got["parent_name"], "Дирекция");

    let a = api
        .put(
            &format!("/api/v1/departments/{sales}"),
            json!({ "name": "Коммерческий отдел", "parent_id": root }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let entry = last_entry(&api).await;
    assert_eq!(entry["action"], "update");
    assert!(entry["before_json"].as_str().unwrap_or("").contains("Отдел продаж"));
    assert!(entry["after_json"]
        .as_str()
        .unwrap_or("")
        .contains("Коммерческий отдел"));

    // A cycle: the root under its own child.
    let before = app.log_len();
    let a = api
        .put(
            &format!("/api/v1/departments/{root}"),
            json!({ "name": "Дирекция", "parent_id": sales }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&a), vec![("parent_id".into(), "cycle".into())]);
    assert!(a.json()["errors"][0]["message"].as_str().unwrap_or("").contains("цикл"));
    // Empty and over-long names, an unknown parent.
    let a = api.post("/api/v1/departments", json!({ "name": "  " })).await;
    assert_eq!(field_codes(&a), vec![("name".into(), "required".into())]);
    let a = api
        .post("/api/v1/departments", json!({ "name": "Я".repeat(201) }))
        .await;
    assert_eq!(field_codes(&a), vec![("name".into(), "too_long".into())]);
    let a = api
        .post("/api/v1/departments", json!({ "name": "X", "parent_id": "no-such-id" }))
        .await;
    assert_eq!(field_codes(&a), vec![("parent_id".into(), "unknown_reference".into())]);
    assert_eq!(app.log_len(), before, "refused input changed nothing");

    // Deleting a unit that still has children is refused with a reason.
    let a = api.delete(&format!("/api/v1/departments/{root}")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.json()["code"], "department_has_children");
    assert_eq!(
        api.delete(&format!("/api/v1/departments/{sales}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(last_entry(&api).await["action"], "delete");
    assert_eq!(
        api.get(&format!("/api/v1/departments/{sales}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/api/v1/departments/{sales}")).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn positions_reports_to_cannot_loop_and_hold_their_department(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let dept = id(&api.post("/api/v1/departments", json!({ "name": "Склад" })).await);
    let position = |title: &str, chief: Option<&str>| {
        json!({ "title": title, "title_genitive": format!("{title}а"), "category": "worker",
                "department_id": dept, "reports_to_id": chief })
    };
    let chief = id(&api
        .post("/api/v1/positions", position("заведующий складом", None))
        .await);
    let keeper = id(&api.post("/api/v1/positions", position("кладовщик", Some(&chief))).await);
    let got = api.get(&format!("/api/v1/positions/{keeper}")).await.json();
    assert_eq!(got["reports_to_title"], "заведующий складом");
    assert_eq!(got["category"], "worker");

    let a = api
        .put(
            &format!("/api/v1/positions/{chief}"),
            position("заведующий складом", Some(&keeper)),
        )
        .await;
    assert_eq!(field_codes(&a), vec![("reports_to_id".into(), "cycle".into())]);
    let a = api
        .put(
            &format!("/api/v1/positions/{chief}"),
            position("заведующий складом", Some(&chief)),
        )
        .await;
    assert_eq!(field_codes(&a), vec![("reports_to_id".into(), "cycle".into())]);
    let a = api
        .post(
            "/api/v1/positions",
            json!({ "title": "x", "title_genitive": "x", "category": "boss", "department_id": dept }),
        )
        .await;
    assert_eq!(field_codes(&a), vec![("category".into(), "unknown_category".into())]);

    let a = api.delete(&format!("/api/v1/departments/{dept}")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.json()["code"], "department_has_positions");
    assert!(a.json()["detail"].as_str().unwrap_or("").contains("должности"));
    let a = api.delete(&format!("/api/v1/positions/{chief}")).await;
    assert_eq!(a.json()["code"], "position_has_subordinates");
}

async fn employees_assignments_and_users(app: TestApp) {
    let hr = app.api_as("hr1", "hr");
    let dept = id(&hr.post("/api/v1/departments", json!({ "name": "Бухгалтерия" })).await);
    let pos = id(&hr
        .post(
            "/api/v1/positions",
            json!({ "title": "бухгалтер", "title_genitive": "бухгалтера",
              "category": "specialist", "department_id": dept }),
        )
        .await);
    let person = json!({ "surname": "Кузнецова", "name": "Мария", "patronymic": "Ильинична",
                         "personnel_number": "000123", "email": "m.kuznetsova@example.ru" });
    let emp = id(&hr.post("/api/v1/employees", person.clone()).await);
    let a = hr.post("/api/v1/employees", person).await;
    assert_eq!(field_codes(&a), vec![("personnel_number".into(), "duplicate".into())]);
    let a = hr
        .post(
            "/api/v1/employees",
            json!({ "surname": "Б", "name": "В", "personnel_number": "9", "email": "не почта" }),
        )
        .await;
    assert_eq!(field_codes(&a), vec![("email".into(), "invalid_email".into())]);

    let a = hr
        .post(
            "/api/v1/assignments",
            json!({ "employee_id": emp, "position_id": pos,
              "date_from": "2024-05-01", "date_to": "2024-04-30" }),
        )
        .await;
    assert_eq!(field_codes(&a), vec![("date_to".into(), "date_order".into())]);
    let asg = id(&hr
        .post(
            "/api/v1/assignments",
            json!({ "employee_id": emp, "position_id": pos, "date_from": "2024-05-01" }),
        )
        .await);
    let got = hr.get(&format!("/api/v1/assignments/{asg}")).await.json();
    assert_eq!(got["employee_name"], "Кузнецова Мария Ильинична");
    assert_eq!(got["position_title"], "бухгалтер");
    let a = hr.delete(&format!("/api/v1/employees/{emp}")).await;
    assert_eq!(a.json()["code"], "employee_has_assignments");

    // Accounts are the administrator's.
    assert_eq!(hr.get("/api/v1/users").await.status, StatusCode::FORBIDDEN);
    let admin = app.api_as("root", "admin");
    let user =
        json!({ "login": "Kuznetsova", "password": "длинный пароль", "roles": ["employee"], "employee_id": emp });
    let created = admin.post("/api/v1/users", user.clone()).await;
    assert_eq!(created.json()["login"], "kuznetsova");
    assert_eq!(created.json()["employee_name"], "Кузнецова Мария Ильинична");
    let before = app.log_len();
    let a = admin.post("/api/v1/users", user).await;
    assert_eq!(field_codes(&a), vec![("login".into(), "duplicate".into())]);
    assert_eq!(app.log_len(), before, "the refused duplicate left no entry");
    let users = admin.get("/api/v1/users").await;
    assert!(!users.body.contains("argon2"), "hashes never leave the server");
}

async fn lists_are_paged(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    for i in 0..7 {
        id(&api
            .post("/api/v1/departments", json!({ "name": format!("Отдел {i}") }))
            .await);
    }
    let page = api.get("/api/v1/departments?page=2&per_page=3").await.json();
    assert_eq!(page["total"], 7);
    assert_eq!(page["page"], 2);
    let names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["Отдел 3", "Отдел 4", "Отдел 5"]);
    let last = api.get("/api/v1/departments?page=3&per_page=3").await.json();
    assert_eq!(last["items"].as_array().map(Vec::len), Some(1));
    let a = api.get("/api/v1/departments?page=abc").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

crate::on_both_backends!(
    departments_crud_with_log,
    positions_reports_to_cannot_loop_and_hold_their_department,
    employees_assignments_and_users,
    lists_are_paged,
);
