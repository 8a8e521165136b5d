//! Tera templates, embedded in the binary and autoescaped, and the context every page shares.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;
use tera::{Context, Tera};

use super::routes::{self, Kind};
use super::session;
use crate::domain::account::User;
use crate::i18n::{strings, Locale};
use crate::web::error::{AppError, Problem};

const TEMPLATES: [(&str, &str); 44] = [
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
    ("mail.html", include_str!("../../templates/mail.html")),
    ("mail_me.html", include_str!("../../templates/mail_me.html")),
    ("unsubscribe.html", include_str!("../../templates/unsubscribe.html")),
    ("webhooks.html", include_str!("../../templates/webhooks.html")),
    ("webhook.html", include_str!("../../templates/webhook.html")),
    ("bulk_new.html", include_str!("../../templates/bulk_new.html")),
    ("bulk_result.html", include_str!("../../templates/bulk_result.html")),
    ("bulk_row.html", include_str!("../../templates/bulk_row.html")),
    ("bulk_summary.html", include_str!("../../templates/bulk_summary.html")),
    ("editor.html", include_str!("../../templates/editor.html")),
    ("editor_body.html", include_str!("../../templates/editor_body.html")),
    ("clause_form.html", include_str!("../../templates/clause_form.html")),
    ("placeholders.html", include_str!("../../templates/placeholders.html")),
    ("documents.html", include_str!("../../templates/documents.html")),
    ("document.html", include_str!("../../templates/document.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    ("diff_table.html", include_str!("../../templates/diff_table.html")),
    ("held.html", include_str!("../../templates/held.html")),
    ("registry.html", include_str!("../../templates/registry.html")),
    ("held_version.html", include_str!("../../templates/held_version.html")),
    ("preview.html", include_str!("../../templates/preview.html")),
    ("paper.html", include_str!("../../templates/paper.html")),
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
    ("log_entry.html", include_str!("../../templates/log_entry.html")),
    ("error.html", include_str!("../../templates/error.html")),
];

/// The parsed templates (once per process).
pub fn tera() -> Result<&'static Tera, AppError> {
    static TERA: OnceLock<Result<Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = Tera::default();
        t.register_filter("date", date_filter);
        t.add_raw_templates(TEMPLATES).map_err(|e| format!("{e:?}"))?;
        // Tera escapes .html by default; say so explicitly so it cannot be lost.
        t.autoescape_on(vec![".html"]);
        Ok(t)
    })
    .as_ref()
    .map_err(|e| AppError::Internal(format!("templates: {e}")))
}

/// `{{ d | date }}`: a stored date (`2026-12-15`) as people write it, `15.12.2026`;
/// anything else is shown as it is.
fn date_filter(value: &tera::Value, _: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let shown = value
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|d| tera::Value::String(d.format("%d.%m.%Y").to_string()));
    Ok(shown.unwrap_or_else(|| value.clone()))
}

/// A navigation entry.
/// A menu entry: a link, or a group of links opened from the menu.
#[derive(Serialize)]
struct NavItem {
    href: String,
    label: String,
    /// The links of a group (empty for a link).
    items: Vec<NavItem>,
}

/// Menu groups: pages used now and then, kept out of the first row (label, paths).
const NAV_GROUPS: [(&str, &[&str]); 3] = [
    (
        "nav.reference",
        &[
            "/organization",
            "/departments",
            "/positions",
            "/employees",
            "/assignments",
        ],
    ),
    ("nav.texts", &["/templates", "/library", "/imports/new"]),
    ("nav.admin", &["/users", "/sign-ins", "/mail", "/webhooks"]),
];

/// Pages of one's own, listed under one's name rather than in the menu row.
const PERSONAL: [&str; 2] = ["/substitutes", "/me/mail"];

/// The menu: links in the routes' order, those of a group gathered where the group's
/// first link stands; a group of one is shown as its link.
fn menu(links: Vec<NavItem>) -> Vec<NavItem> {
    let t = strings();
    let mut out: Vec<NavItem> = Vec::new();
    for link in links {
        match NAV_GROUPS.iter().find(|(_, paths)| paths.contains(&link.href.as_str())) {
            Some((label, _)) => {
                let label = t.get(label);
                match out.iter_mut().find(|g| g.href.is_empty() && g.label == label) {
                    Some(group) => group.items.push(link),
                    None => out.push(NavItem {
                        href: String::new(),
                        label,
                        items: vec![link],
                    }),
                }
            }
            None => out.push(link),
        }
    }
    out.into_iter()
        .map(|mut g| match g.items.len() {
            1 => g.items.remove(0),
            _ => g,
        })
        .collect()
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
    // Printed unescaped (so that `web::kept` can mark its place); a token is hex.
    ctx.insert("csrf_token", &tera::escape_html(&session::csrf_token(session)?));
    ctx.insert("flash", &session::take_flash(session));
    ctx.insert("nav", &Vec::<NavItem>::new());
    let locale = crate::i18n::current();
    ctx.insert("lang", locale.code());
    if let Some(other) = Locale::ALL.into_iter().find(|l| *l != locale) {
        ctx.insert(
            "switch_locale",
            &serde_json::json!({ "code": other.code(), "name": other.name() }),
        );
    }
    if let Some(u) = user {
        let nav: Vec<NavItem> = routes::table()
            .iter()
            .filter(|r| r.kind == Kind::Page && r.access.allows(Some(u)))
            // «Мои инструкции» lists the positions one holds: none without an employee record.
            .filter(|r| r.path != "/my" || u.employee_id.is_some())
            .filter_map(|r| {
                r.nav.map(|label| NavItem {
                    href: r.path.clone(),
                    label: t.get(label),
                    items: Vec::new(),
                })
            })
            .collect();
        // One's own pages sit in the menu under one's name, beside signing out; for
        // someone who only holds a position, «Мои инструкции» is the menu itself.
        let works = u.roles.iter().any(|r| *r != crate::domain::account::Role::Employee);
        let (personal, nav): (Vec<NavItem>, Vec<NavItem>) = nav
            .into_iter()
            .partition(|i| PERSONAL.contains(&i.href.as_str()) || (works && i.href == "/my"));
        ctx.insert("personal", &personal);
        let nav = menu(nav);
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
pub fn render(status: StatusCode, name: &str, ctx: Context) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(render_part(name, ctx)?))
}

/// A template rendered to a string: a part of a page kept for later (escaped as
/// every template is, so the page includes it as it stands). The template is given
/// the strings (`t`) it refers to.
pub fn render_part(name: &str, mut ctx: Context) -> Result<String, AppError> {
    let tera = tera()?;
    ctx.insert("t", strings_for(name));
    tera.render(name, &ctx)
        .map_err(|e| AppError::Internal(format!("rendering {name}: {e:?}")))
}

/// The string groups of the catalogue a template refers to as `t.<group>`, with the
/// templates it extends and includes: a page copies these into its context instead of
/// the whole catalogue, which was most of a cached page's cost.
fn strings_for(name: &str) -> &'static serde_json::Value {
    type ByTemplate = HashMap<&'static str, serde_json::Value>;
    static BY_TEMPLATE: OnceLock<[ByTemplate; 2]> = OnceLock::new();
    static NONE: serde_json::Value = serde_json::Value::Null;
    let by_locale = BY_TEMPLATE.get_or_init(|| {
        let sources: HashMap<&str, &str> = TEMPLATES.iter().copied().collect();
        Locale::ALL.map(|locale| {
            let tree = &crate::i18n::strings_for(locale).tree;
            TEMPLATES
                .iter()
                .map(|(name, _)| {
                    let groups = string_groups(name, &sources);
                    let subset: serde_json::Map<String, serde_json::Value> = groups
                        .into_iter()
                        .filter_map(|g| tree.get(&g).map(|v| (g, v.clone())))
                        .collect();
                    (*name, serde_json::Value::Object(subset))
                })
                .collect()
        })
    });
    let index = Locale::ALL
        .iter()
        .position(|l| *l == crate::i18n::current())
        .unwrap_or(0);
    by_locale[index].get(name).unwrap_or(&NONE)
}

/// The `t.<group>` names used by template `name` and those it extends or includes.
fn string_groups(name: &str, sources: &HashMap<&str, &str>) -> BTreeSet<String> {
    let mut groups = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    let mut seen = HashSet::new();
    while let Some(n) = todo.pop() {
        let Some(src) = sources.get(n.as_str()) else { continue };
        if !seen.insert(n) {
            continue;
        }
        for tag in ["extends", "include"] {
            let mut rest = *src;
            while let Some(i) = rest.find(tag) {
                rest = &rest[i + tag.len()..];
                let quoted = rest.trim_start().strip_prefix('"').and_then(|r| r.split_once('"'));
                if let Some((other, _)) = quoted {
                    todo.push(other.to_string());
                }
            }
        }
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        for (i, _) in src.match_indices("t.") {
            if src[..i].chars().next_back().is_some_and(|c| ident(c) || c == '.') {
                continue;
            }
            let group: String = src[i + 2..].chars().take_while(|c| ident(*c)).collect();
            if !group.is_empty() {
                groups.insert(group);
            }
        }
    }
    groups
}

/// An error page for a caller not known (yet); falls back to plain text if the
/// templates themselves fail.
pub fn error_page(status: StatusCode, problem: &Problem) -> HttpResponse {
    let mut ctx = Context::new();
    ctx.insert("nav", &Vec::<NavItem>::new());
    error_page_in(status, problem, ctx)
}

/// An error page with the signed-in caller's menu, so they can go on from it.
pub fn error_page_for(status: StatusCode, problem: &Problem, user: &User, session: &Session) -> HttpResponse {
    match base_context(Some(user), session) {
        Ok(ctx) => error_page_in(status, problem, ctx),
        Err(_) => error_page(status, problem),
    }
}

fn error_page_in(status: StatusCode, problem: &Problem, mut ctx: Context) -> HttpResponse {
    ctx.insert("problem", problem);
    render(status, "error.html", ctx).unwrap_or_else(|_| {
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(problem.title.clone())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn a_template_gets_the_strings_of_what_it_extends_and_includes() {
        let sources: HashMap<&str, &str> = super::TEMPLATES.iter().copied().collect();
        let groups = super::string_groups("coverage.html", &sources);
        assert!(groups.contains("coverage"), "its own: {groups:?}");
        assert!(
            groups.contains("nav") && groups.contains("app_name"),
            "base.html's: {groups:?}"
        );
        assert!(groups.contains("msg"), "pager.html's: {groups:?}");
        assert!(!groups.contains("import"), "not another page's: {groups:?}");
    }

    #[test]
    fn every_string_group_a_template_names_is_in_the_catalogue() {
        let sources: HashMap<&str, &str> = super::TEMPLATES.iter().copied().collect();
        let tree = &crate::i18n::strings().tree;
        for (name, _) in super::TEMPLATES {
            for g in super::string_groups(name, &sources) {
                assert!(tree.get(&g).is_some(), "{name} names t.{g}, which the catalogue lacks");
            }
            assert!(super::strings_for(name).is_object(), "{name}");
        }
    }
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
