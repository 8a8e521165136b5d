//! The organisation's details through the API and the form.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

async fn organization_details_are_validated_and_saved(app: TestApp) {
    let api = app.api_as("hr1", "hr");
    assert_eq!(api.get("/api/v1/organization").await.status, StatusCode::NOT_FOUND);
    let mut org = json!({ "full_name": "Общество с ограниченной ответственностью «Ромашка»", "short_name": "ООО «Ромашка»",
                          "legal_form": "ООО", "city": "Казань", "head_position": "Директор",
                          "head_name": "Галиев Рустам Ильдарович", "time_zone": "Mars/Olympus" });
    let a = api.put("/api/v1/organization", org.clone()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["errors"][0]["field"], "time_zone");
    org["time_zone"] = json!("Europe/Moscow");
    assert_eq!(api.put("/api/v1/organization", org).await.status, StatusCode::OK);
    assert_eq!(api.get("/api/v1/organization").await.json()["city"], "Казань");

    let mut web = app.web_as("hr2", "hr").await;
    let page = web.get("/organization").await;
    assert!(
        page.body.contains("Галиев Рустам Ильдарович"),
        "{} {}",
        page.status,
        page.body
    );
    let a = web
        .post(
            "/organization",
            &[
                ("full_name", "Общество с ограниченной ответственностью «Ромашка»"),
                ("short_name", ""),
                ("legal_form", "ООО"),
                ("city", "Казань"),
                ("head_position", "Директор"),
                ("head_name", "Галиев Рустам Ильдарович"),
                ("time_zone", "Europe/Moscow"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Обязательное поле"), "{}", a.body);
    assert_eq!(
        api.get("/api/v1/organization").await.json()["short_name"],
        "ООО «Ромашка»"
    );
    let home = web.get("/").await;
    assert!(home.body.contains("ООО «Ромашка»"));
}

crate::on_both_backends!(organization_details_are_validated_and_saved);
