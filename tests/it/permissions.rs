//! Every registered route, called as every role: allowed where the table says, refused elsewhere.
//!
//! The expected table is written out here, independently of the code; a route
//! registered without a line here fails the test.

use std::collections::BTreeSet;

use awc::http::{Method, StatusCode};
use jobdesc::services::auth;
use serde_json::json;

use crate::helpers::{Api, TestApp, Web, PASSWORD};

const STRUCTURE: [&str; 4] = ["departments", "positions", "employees", "assignments"];

/// (method, path, who): "public", "*" (any signed-in user) or role names.
fn expected() -> Vec<(String, String, String)> {
    let mut t: Vec<(String, String, String)> = [
        ("GET", "/login", "public"),
        ("POST", "/login", "public"),
        ("POST", "/logout", "*"),
        ("POST", "/logout/everywhere", "*"),
        ("GET", "/acknowledgements/{id}/evidence-pack", "admin hr"),
        ("GET", "/versions/{id}/evidence-pack", "admin hr"),
        ("GET", "/api/v1/acknowledgements/{id}/evidence-pack", "admin hr"),
        ("GET", "/api/v1/versions/{id}/evidence-pack", "admin hr"),
        ("GET", "/sign-ins", "admin"),
        ("POST", "/users/{id}/disable", "admin"),
        ("POST", "/users/{id}/enable", "admin"),
        ("GET", "/api/v1/sign-ins", "admin"),
        ("GET", "/api/v1/me/sessions", "*"),
        ("DELETE", "/api/v1/me/sessions", "*"),
        ("POST", "/api/v1/users/{id}/disable", "admin"),
        ("POST", "/api/v1/users/{id}/enable", "admin"),
        ("GET", "/healthz", "public"),
        ("GET", "/static/style.css", "public"),
        ("GET", "/static/htmx.min.js", "public"),
        ("GET", "/", "*"),
        ("GET", "/organization", "admin hr"),
        ("POST", "/organization", "admin hr"),
        ("GET", "/log", "admin hr"),
        ("GET", "/log/{seq}", "admin hr"),
        ("POST", "/api/v1/auth/token", "public"),
        ("DELETE", "/api/v1/auth/token", "*"),
        ("GET", "/api/v1/me", "*"),
        ("GET", "/api/v1/openapi.json", "*"),
        ("GET", "/api/v1/organization", "admin hr agreer approver"),
        ("PUT", "/api/v1/organization", "admin hr"),
        ("GET", "/api/v1/log", "admin hr"),
        ("GET", "/api/v1/log/verify", "admin hr"),
    ]
    .iter()
    .map(|(m, p, w)| (m.to_string(), p.to_string(), w.to_string()))
    .collect();
    let resources = STRUCTURE
        .iter()
        .map(|r| (*r, "admin hr agreer approver", "admin hr"))
        .chain([("users", "admin", "admin")]);
    for (r, view, edit) in resources {
        for (m, p, w) in [
            ("GET", format!("/{r}"), view),
            ("GET", format!("/{r}/new"), edit),
            ("POST", format!("/{r}"), edit),
            ("GET", format!("/{r}/{{id}}"), edit),
            ("POST", format!("/{r}/{{id}}"), edit),
            ("POST", format!("/{r}/{{id}}/delete"), edit),
            ("GET", format!("/api/v1/{r}"), view),
            ("POST", format!("/api/v1/{r}"), edit),
            ("GET", format!("/api/v1/{r}/{{id}}"), view),
            ("PUT", format!("/api/v1/{r}/{{id}}"), edit),
            ("DELETE", format!("/api/v1/{r}/{{id}}"), edit),
        ] {
            t.push((m.to_string(), p, w.to_string()));
        }
    }
    let (view, edit) = ("admin hr agreer approver", "admin hr");
    let mut add = |m: &str, p: &str, w: &str| t.push((m.to_string(), p.to_string(), w.to_string()));
    for (m, p, w) in [
        ("GET", "/imports/new", edit),
        ("POST", "/imports", edit),
        ("GET", "/imports/{id}", edit),
        ("POST", "/imports/{id}/draft", edit),
        ("POST", "/api/v1/imports", edit),
        ("GET", "/api/v1/imports/{id}", edit),
        ("POST", "/api/v1/imports/{id}/draft", edit),
        ("GET", "/documents", view),
        ("GET", "/documents/new", edit),
        ("GET", "/documents/registry", view),
        ("POST", "/documents", edit),
        ("GET", "/documents/{id}", view),
        ("GET", "/documents/{id}/compare", view),
        ("GET", "/versions/{id}", view),
        ("GET", "/versions/{id}/preview", view),
        ("GET", "/templates/{id}/text", edit),
        ("GET", "/library", edit),
        ("GET", "/library/{id}/usage", edit),
        ("POST", "/library/{id}/propagate", edit),
        ("GET", "/api/v1/placeholders", "*"),
        ("GET", "/api/v1/documents", view),
        ("POST", "/api/v1/documents", edit),
        ("GET", "/api/v1/documents/{id}", view),
        ("GET", "/api/v1/versions/{id}", view),
        ("GET", "/api/v1/versions/{id}/preview", view),
        ("GET", "/api/v1/diff", view),
        ("GET", "/api/v1/templates/{id}/text", edit),
        ("GET", "/api/v1/library", edit),
        ("GET", "/api/v1/library/{id}/usages", edit),
        ("POST", "/api/v1/library/{id}/propagate", edit),
    ] {
        add(m, p, w);
    }
    // The workflow: HR drives it; visas and approval are open to any signed-in
    // user at the route, and the service checks who is on the route.
    for (m, p, w) in [
        ("POST", "/versions/{id}/send", edit),
        ("POST", "/versions/{id}/visa", "*"),
        ("POST", "/versions/{id}/comments", "*"),
        ("POST", "/versions/{id}/remarks/{rid}/answers", edit),
        ("POST", "/versions/{id}/approve", "*"),
        ("POST", "/versions/{id}/reject", "*"),
        ("POST", "/versions/{id}/withdraw", edit),
        ("POST", "/versions/{id}/editorial", edit),
        ("GET", "/versions/{id}/route", edit),
        ("POST", "/versions/{id}/route", edit),
        ("POST", "/documents/{id}/revisions", edit),
        ("GET", "/documents/{id}/register", view),
        ("GET", "/departments/{id}/route", edit),
        ("POST", "/departments/{id}/route", edit),
        ("GET", "/acknowledgements/{id}", "*"),
        ("GET", "/my", "*"),
        ("GET", "/my/versions/{id}", "*"),
        ("GET", "/my/versions/{id}/pdf", "*"),
        ("POST", "/acknowledgements/{id}/sign", "*"),
        ("POST", "/acknowledgements/{id}/paper", edit),
        ("GET", "/acknowledgements/{id}/evidence", "*"),
        ("GET", "/coverage", edit),
        ("POST", "/versions/{id}/remind", edit),
        ("POST", "/notifications/read", "*"),
        ("POST", "/api/v1/versions/{id}/remind", edit),
        ("GET", "/mail", "admin"),
        ("POST", "/mail/run", "admin"),
        ("POST", "/mail/outbox/{id}/retry", "admin"),
        ("GET", "/api/v1/mail/outbox", "admin"),
        ("POST", "/api/v1/mail/run", "admin"),
        ("POST", "/api/v1/mail/outbox/{id}/retry", "admin"),
        ("GET", "/webhooks", "admin"),
        ("POST", "/webhooks", "admin"),
        ("POST", "/webhooks/run", "admin"),
        ("GET", "/webhooks/{id}", "admin"),
        ("POST", "/webhooks/{id}/delete", "admin"),
        ("POST", "/webhooks/{id}/ping", "admin"),
        ("POST", "/webhooks/{id}/deliveries/{did}/retry", "admin"),
        ("GET", "/api/v1/webhooks", "admin"),
        ("POST", "/api/v1/webhooks", "admin"),
        ("POST", "/api/v1/webhooks/run", "admin"),
        ("GET", "/api/v1/webhooks/{id}", "admin"),
        ("DELETE", "/api/v1/webhooks/{id}", "admin"),
        ("POST", "/api/v1/webhooks/{id}/ping", "admin"),
        ("GET", "/api/v1/webhooks/{id}/deliveries", "admin"),
        ("POST", "/api/v1/webhooks/{id}/deliveries/{did}/retry", "admin"),
        ("GET", "/me/mail", "*"),
        ("POST", "/me/mail", "*"),
        ("GET", "/api/v1/me/mail", "*"),
        ("PUT", "/api/v1/me/mail", "*"),
        ("POST", "/me/locale", "*"),
        ("PUT", "/api/v1/me/locale", "*"),
        // The signed token in the link is the proof; a wrong one is a 404.
        ("GET", "/mail/unsubscribe/{token}", "public"),
        ("POST", "/mail/unsubscribe/{token}", "public"),
        ("GET", "/versions/{id}/pdf", view),
        ("GET", "/verify", "public"),
        ("POST", "/verify", "public"),
        ("GET", "/verify/{hash}", "public"),
        ("GET", "/api/v1/versions/{id}/pdf", view),
        ("GET", "/versions/{id}/docx", view),
        ("GET", "/bulk/documents", edit),
        ("POST", "/bulk/documents", edit),
        ("POST", "/bulk/send", edit),
        ("POST", "/bulk/paper", edit),
        ("POST", "/bulk/acknowledgements", edit),
        ("GET", "/print", view),
        ("POST", "/api/v1/bulk/documents", edit),
        ("POST", "/api/v1/bulk/send", edit),
        ("POST", "/api/v1/bulk/paper", edit),
        ("POST", "/api/v1/bulk/acknowledgements", edit),
        ("GET", "/api/v1/print", view),
        ("GET", "/api/v1/versions/{id}/docx", view),
        ("GET", "/substitutes", view),
        ("POST", "/substitutes", view),
        ("POST", "/substitutes/{id}/delete", view),
        ("GET", "/api/v1/versions/{id}/workflow", view),
        ("POST", "/api/v1/versions/{id}/send", edit),
        ("POST", "/api/v1/versions/{id}/visa", "*"),
        ("POST", "/api/v1/versions/{id}/approve", "*"),
        ("POST", "/api/v1/versions/{id}/reject", "*"),
        ("POST", "/api/v1/versions/{id}/withdraw", edit),
        ("POST", "/api/v1/versions/{id}/editorial", edit),
        ("PUT", "/api/v1/versions/{id}/route", edit),
        ("POST", "/api/v1/versions/{id}/comments", "*"),
        ("POST", "/api/v1/versions/{id}/remarks/{rid}/answers", edit),
        ("POST", "/api/v1/documents/{id}/revisions", edit),
        ("GET", "/api/v1/documents/{id}/register", view),
        ("GET", "/api/v1/departments/{id}/route", edit),
        ("PUT", "/api/v1/departments/{id}/route", edit),
        ("GET", "/api/v1/inbox", "*"),
        ("GET", "/api/v1/in-flight", edit),
        ("GET", "/api/v1/reviews", edit),
        ("GET", "/api/v1/acknowledgements", "*"),
        ("POST", "/api/v1/acknowledgements/{id}/sign", "*"),
        ("POST", "/api/v1/acknowledgements/{id}/paper", edit),
        ("GET", "/api/v1/acknowledgements/{id}/evidence", "*"),
        ("GET", "/api/v1/coverage", edit),
        ("GET", "/api/v1/substitutes", view),
        ("POST", "/api/v1/substitutes", view),
        ("DELETE", "/api/v1/substitutes/{id}", view),
    ] {
        add(m, p, w);
    }
    // Templates and the library: the generic pages and API, all for HR.
    for r in ["templates", "library"] {
        for (m, p) in [
            ("GET", format!("/{r}/new")),
            ("POST", format!("/{r}")),
            ("GET", format!("/{r}/{{id}}")),
            ("POST", format!("/{r}/{{id}}")),
            ("POST", format!("/{r}/{{id}}/delete")),
            ("POST", format!("/api/v1/{r}")),
            ("GET", format!("/api/v1/{r}/{{id}}")),
            ("PUT", format!("/api/v1/{r}/{{id}}")),
            ("DELETE", format!("/api/v1/{r}/{{id}}")),
        ] {
            add(m, &p, edit);
        }
    }
    add("GET", "/templates", edit);
    add("GET", "/api/v1/templates", edit);
    // The editor of versions and of templates.
    for base in ["/versions/{id}", "/templates/{id}"] {
        for (m, p) in [
            ("GET", "/clauses/new"),
            ("POST", "/clauses"),
            ("GET", "/clauses/{cid}"),
            ("POST", "/clauses/{cid}"),
            ("POST", "/clause-actions"),
            ("POST", "/sections"),
            ("POST", "/sections/{sid}"),
            ("POST", "/sections/{sid}/delete"),
            ("POST", "/language"),
        ] {
            add(m, &format!("{base}{p}"), edit);
        }
        for (m, p) in [
            ("POST", "/clauses"),
            ("PUT", "/clauses/{cid}"),
            ("DELETE", "/clauses/{cid}"),
            ("POST", "/clauses/{cid}/move"),
            ("POST", "/clauses/{cid}/library-update"),
            ("POST", "/clauses/{cid}/restore"),
            ("POST", "/sections"),
            ("PUT", "/sections/{sid}"),
            ("DELETE", "/sections/{sid}"),
            ("PUT", "/language"),
        ] {
            add(m, &format!("/api/v1{base}{p}"), edit);
        }
    }
    t
}

#[test]
fn every_registered_route_has_a_rule_in_this_table() {
    let registered: BTreeSet<(String, String)> = jobdesc::web::routes::table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = expected().into_iter().map(|(m, p, _)| (m, p)).collect();
    let missing: Vec<_> = registered.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes without a permission rule in this test: {missing:?}"
    );
    assert!(stale.is_empty(), "rules for routes that are not registered: {stale:?}");
}

const ROLES: [&str; 6] = ["anonymous", "admin", "hr", "agreer", "approver", "employee"];

fn allowed(who: &str, role: &str) -> bool {
    match who {
        "public" => true,
        "*" => role != "anonymous",
        list => list.split_whitespace().any(|r| r == role),
    }
}

async fn signed_in(app: &TestApp, role: &str) -> Web {
    let mut web = Web::new(&app.base);
    if role != "anonymous" {
        let (status, a) = web.login(role, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login as {role}: {}", a.body);
    } else {
        web.get("/login").await;
    }
    web
}

async fn every_route_as_every_role(app: TestApp) {
    let users: Vec<_> = ROLES[1..].iter().map(|r| app.user(r, r)).collect();
    let fake_id = uuid::Uuid::new_v4().to_string();
    let mut failures = Vec::new();
    for role in ROLES {
        let mut web = signed_in(&app, role).await;
        for (method, path, who) in expected() {
            let url = path
                .replace("{id}", &fake_id)
                .replace("{cid}", &fake_id)
                .replace("{sid}", &fake_id)
                .replace("{hash}", &"ab".repeat(32));
            let is_api = path.starts_with("/api/");
            let a = if is_api {
                let token = users
                    .iter()
                    .find(|u| u.login == role)
                    .map(|u| auth::issue_token(&mut app.conn(), &app.clock, u, "perm").expect("token"));
                let api = Api::new(&app.base, token);
                let m = Method::from_bytes(method.as_bytes()).expect("method");
                let body = (m == Method::POST || m == Method::PUT).then(|| json!({}));
                api.send(m, &url, body.as_ref()).await
            } else if method == "GET" {
                web.get(&url).await
            } else {
                web.post(&url, &[]).await
            };
            let to_login = a.status == StatusCode::SEE_OTHER && a.header("location").as_deref() == Some("/login");
            let ok = if allowed(&who, role) {
                a.status != StatusCode::FORBIDDEN
                    && (who == "public"
                        || (a.status != StatusCode::UNAUTHORIZED && (!to_login || url.starts_with("/logout"))))
            } else if role == "anonymous" {
                if is_api {
                    a.status == StatusCode::UNAUTHORIZED
                } else {
                    to_login
                }
            } else {
                a.status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!("{role:>9} {method} {path} -> {} (rule: {who})", a.status));
            }
            // These end the caller's sessions: sign in again.
            let ends_sessions = url.starts_with("/logout") || (method == "DELETE" && url == "/api/v1/me/sessions");
            if ends_sessions && role != "anonymous" {
                web = signed_in(&app, role).await;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix violations:\n{}",
        failures.join("\n")
    );
}

crate::on_both_backends!(every_route_as_every_role);
