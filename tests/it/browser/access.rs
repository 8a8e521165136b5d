//! The main pages of each role checked by axe-core.

use serde_json::json;

use super::driver::{browser, screenshot_path, Driver};

/// axe-core's script, installed by `.ci/run` from the npm registry into `target/axe`
/// (a test tool, not shipped), or `None` with a note where it is not installed.
fn axe_script() -> Option<String> {
    let path = std::env::var("JOBDESC_AXE").unwrap_or_else(|_| {
        format!(
            "{}/target/axe/node_modules/axe-core/axe.min.js",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the accessibility test: npm install axe-core into target/axe"
            );
            eprintln!("note: axe-core not installed at {path}; accessibility test skipped");
            None
        }
    }
}

/// The serious and critical accessibility violations axe-core finds on the page.
async fn violations(d: &Driver, axe: &str) -> Vec<String> {
    d.call("POST", "/timeouts", Some(json!({ "script": 60000 }))).await;
    d.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": format!("{axe}\n;return true;"), "args": [] })),
    )
    .await;
    let found = d
        .call(
            "POST",
            "/execute/async",
            Some(json!({ "script": "const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));", "args": [] })),
        )
        .await;
    found
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The main pages of each role pass axe-core without serious or critical violations
/// (labels, contrast, names of buttons and links, landmarks).
#[actix_web::test]
async fn the_main_pages_of_each_role_are_accessible() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let Some(axe) = axe_script() else {
        return;
    };
    let (app, s) = super::a_version_in_agreement().await;
    let v = s.version.clone();
    let d = Driver::start(&chromedriver, &chromium).await;
    let mut found = Vec::new();
    d.goto(&format!("{}/login", app.base)).await;
    for v in violations(&d, &axe).await {
        found.push(format!("/login: {v}"));
    }
    // The checker itself finds what it should: a button without a name.
    d.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "document.querySelector('main').insertAdjacentHTML('beforeend', '<button id=\"nameless\"></button>'); return true;", "args": [] })),
    )
    .await;
    let planted = violations(&d, &axe).await;
    assert!(
        planted.iter().any(|v| v.starts_with("button-name")),
        "axe-core reports a nameless button: {planted:?}"
    );
    let pages: [(&str, Vec<String>); 5] = [
        (
            "hr",
            vec![
                "/".into(),
                "/documents".into(),
                format!("/versions/{v}"),
                format!("/departments/{}/route", s.department),
                "/positions".into(),
                "/coverage".into(),
                "/library".into(),
            ],
        ),
        ("head", vec!["/".into(), format!("/versions/{v}")]),
        ("director", vec!["/".into(), "/substitutes".into(), "/me/mail".into()]),
        ("admin", vec!["/mail".into(), "/webhooks".into()]),
        ("sokolov", vec!["/".into(), "/my".into()]),
    ];
    for (login, paths) in pages {
        d.goto(&format!("{}/login", app.base)).await;
        d.sign_in(login).await;
        for path in paths {
            d.goto(&format!("{}{path}", app.base)).await;
            d.find("main").await;
            let name = format!("a11y-{login}{}.png", path.replace('/', "-"));
            d.screenshot(&screenshot_path(&name)).await;
            for v in violations(&d, &axe).await {
                found.push(format!("{login} {path}: {v}"));
            }
        }
        d.click("#logout").await;
        d.wait_for("Вход в систему").await;
    }
    d.quit().await;
    assert!(found.is_empty(), "accessibility violations:\n{}", found.join("\n"));
}
