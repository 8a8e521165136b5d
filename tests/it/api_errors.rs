//! Bad requests get RFC 9457 problem bodies; the OpenAPI document covers every API route.

use awc::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Api, TestApp};

async fn malformed_requests_get_problem_bodies(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    let before = app.log_len();

    let a = api
        .raw(Method::POST, "/api/v1/departments", "application/json", "{\"name\": ")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.header("content-type").as_deref(), Some("application/problem+json"));
    assert_eq!(a.json()["status"], 400);
    assert!(a.json()["detail"].as_str().unwrap_or("").contains("malformed JSON"));

    let a = api
        .raw(Method::POST, "/api/v1/departments", "text/plain", "name=x")
        .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.json()["status"], 415);

    let a = api
        .raw(Method::POST, "/api/v1/departments", "application/json", "{\"name\": 5}")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    let huge = json!({ "name": "x".repeat(3 << 20) });
    let a = api.post("/api/v1/departments", huge).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);

    let a = api
        .get("/api/v1/departments/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["status"], 404);

    let a = api.get("/api/v1/no-such-thing").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["status"], 404);

    let anon = Api::new(&app.base, None);
    let a = anon.get("/api/v1/departments").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.header("www-authenticate").as_deref(), Some("Bearer"));
    let bad = Api::new(&app.base, Some("jd_forged".into()));
    assert_eq!(bad.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);

    assert_eq!(app.log_len(), before, "no bad request changed anything");
}

async fn openapi_document_describes_every_api_route(app: TestApp) {
    let api = app.api_as("emp", "employee");
    let doc = api.get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    for r in jobdesc::web::routes::table()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
    {
        let method = r.method.as_str().to_ascii_lowercase();
        let op = &doc["paths"][&r.path][&method];
        assert!(
            op.is_object(),
            "{} {} is missing from the OpenAPI document",
            r.method,
            r.path
        );
        if let Some(schema) = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() {
            let name = schema.rsplit('/').next().unwrap_or_default();
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "schema {name} is defined"
            );
        }
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // Every reference anywhere in the document resolves.
    let text = doc.to_string();
    let mut unresolved: Vec<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !doc["components"]["schemas"][*name].is_object())
        .collect();
    unresolved.dedup();
    assert!(unresolved.is_empty(), "references without a schema: {unresolved:?}");
    // Lists are declared as arrays, with their query parameters.
    for path in [
        "/api/v1/inbox",
        "/api/v1/log",
        "/api/v1/reviews",
        "/api/v1/substitutes",
        "/api/v1/acknowledgements",
        "/api/v1/in-flight",
        "/api/v1/documents/{id}/register",
        "/api/v1/library/{id}/usages",
        "/api/v1/versions/{id}/preview",
    ] {
        let schema = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["type"], "array", "{path}: {schema}");
    }
    let names = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Coverage is a page, read from the title index like the documents list.
    let coverage =
        &doc["paths"]["/api/v1/coverage"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(
        coverage["properties"]["items"]["items"]["$ref"], "#/components/schemas/CoverageLine",
        "{coverage}"
    );
    assert!(names("/api/v1/coverage", "get").contains(&"after".to_string()));
    assert!(names("/api/v1/diff", "get").contains(&"a".to_string()));
    assert!(names("/api/v1/library", "get").contains(&"q".to_string()));
    assert!(names("/api/v1/log", "get").contains(&"entity_id".to_string()));
    assert!(names("/api/v1/versions/{id}/sections/{sid}", "delete").contains(&"expected_revision".to_string()));
    assert_eq!(
        doc["components"]["schemas"]["Role"]["enum"][0], "admin",
        "enums are enums"
    );
}

async fn health_checks_the_database(app: TestApp) {
    let a = Api::new(&app.base, None).get("/healthz").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "ok");
}

crate::on_both_backends!(
    malformed_requests_get_problem_bodies,
    openapi_document_describes_every_api_route,
    health_checks_the_database,
);
