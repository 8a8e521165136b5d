//! Tera templates, embedded in the binary and autoescaped, and the context every page shares.

use std::sync::OnceLock;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;
use tera::{Context, Tera};

use super::routes::{self, Kind};
use super::session;
use crate::domain::account::User;
use crate::i18n::strings;
use crate::web::error::{AppError, Problem};

const TEMPLATES: [(&str, &str); 27] = [
    ("import_new.html", include_str!("../../templates/import_new.html")),
    ("import_list.html", include_str!("../../templates/import_list.html")),
    ("import_review.html", include_str!("../../templates/import_review.html")),
    ("verify.html", include_str!("../../templates/verify.html")),
    ("route.html", include_str!("../../templates/route.html")),
    ("register.html", include_str!("../../templates/register.html")),
    (
        "acknowledgement.html",
        include_str!("../../templates/acknowledgement.html"),
    ),
    ("evidence.html", include_str!("../../templates/evidence.html")),
    ("coverage.html", include_str!("../../templates/coverage.html")),
    ("substitutes.html", include_str!("../../templates/substitutes.html")),
    ("editor.html", include_str!("../../templates/editor.html")),
    ("clause_form.html", include_str!("../../templates/clause_form.html")),
    ("documents.html", include_str!("../../templates/documents.html")),
    ("document.html", include_str!("../../templates/document.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    ("preview.html", include_str!("../../templates/preview.html")),
    ("library.html", include_str!("../../templates/library.html")),
    ("library_usage.html", include_str!("../../templates/library_usage.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("sign_ins.html", include_str!("../../templates/sign_ins.html")),
    ("dashboard.html", include_str!("../../templates/dashboard.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("pager.html", include_str!("../../templates/pager.html")),
    ("form.html", include_str!("../../templates/form.html")),
    ("log.html", include_str!("../../templates/log.html")),
    ("error.html", include_str!("../../templates/error.html")),
];

/// The parsed templates (once per process).
pub fn tera() -> Result<&'static Tera, AppError> {
    static TERA: OnceLock<Result<Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = Tera::default();
        t.add_raw_templates(TEMPLATES).map_err(|e| format!("{e:?}"))?;
        // Tera escapes .html by default; say so explicitly so it cannot be lost.
        t.autoescape_on(vec![".html"]);
        Ok(t)
    })
    .as_ref()
    .map_err(|e| AppError::Internal(format!("templates: {e}")))
}

/// A navigation entry.
#[derive(Serialize)]
struct NavItem {
    href: String,
    label: String,
}

/// The signed-in user as templates see it.
#[derive(Serialize)]
struct UserView<'a> {
    login: &'a str,
    roles: Vec<String>,
    employee_name: Option<&'a str>,
}

/// The context shared by all pages: strings, user, menu, CSRF token, message.
pub fn base_context(user: Option<&User>, session: &Session) -> Result<Context, AppError> {
    let t = strings();
    let mut ctx = Context::new();
    ctx.insert("t", &t.tree);
    ctx.insert("csrf_token", &session::csrf_token(session)?);
    ctx.insert("flash", &session::take_flash(session));
    if let Some(u) = user {
        let nav: Vec<NavItem> = routes::table()
            .iter()
            .filter(|r| r.kind == Kind::Page && r.access.allows(Some(u)))
            .filter_map(|r| {
                r.nav.map(|label| NavItem {
                    href: r.path.clone(),
                    label: t.get(label),
                })
            })
            .collect();
        ctx.insert("nav", &nav);
        ctx.insert(
            "user",
            &UserView {
                login: &u.login,
                roles: u.roles.iter().map(|r| t.get(&format!("role.{}", r.as_str()))).collect(),
                employee_name: u.employee_name.as_deref(),
            },
        );
    }
    Ok(ctx)
}

/// Renders a template into an HTML answer.
pub fn render(status: StatusCode, name: &str, ctx: &Context) -> Result<HttpResponse, AppError> {
    let html = tera()?
        .render(name, ctx)
        .map_err(|e| AppError::Internal(format!("rendering {name}: {e:?}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// An error page; falls back to plain text if the templates themselves fail.
pub fn error_page(status: StatusCode, problem: &Problem) -> HttpResponse {
    let mut ctx = Context::new();
    ctx.insert("t", &strings().tree);
    ctx.insert("problem", problem);
    ctx.insert("nav", &Vec::<NavItem>::new());
    render(status, "error.html", &ctx).unwrap_or_else(|_| {
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(problem.title.clone())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).expect("templates/") {
            let name = entry.expect("entry").file_name().to_string_lossy().to_string();
            if name.ends_with(".html") {
                assert!(super::TEMPLATES.iter().any(|(n, _)| *n == name), "{name} is embedded");
            }
        }
    }
}
