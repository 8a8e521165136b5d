//! The text editor shared by draft versions and templates: sections, clauses,
//! moves, the library picker. Plain forms; every form carries the revision it edits.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::checks::Finding;
use crate::domain::document::{Content, SectionKind};
use crate::domain::version::Status;
use crate::i18n::{strings, Strings};
use crate::services::texts::{self};
use crate::services::{library, ServiceError};
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::PageError;
use crate::web::kept;
use crate::web::owner::Described;
use crate::web::owner::OwnerKind;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::Flash;
use crate::web::state::AppState;
use crate::web::templates::render_part;

use super::{clause_page, edits};

/// Registers the editor of a text (a version or a template) and its edit routes.
pub fn routes<K: OwnerKind>(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    let base = K::BASE;
    r.page(Method::GET, K::SHOW, Access::Roles(K::READERS), show::<K>)
        .page(
            Method::GET,
            &format!("{base}/{{id}}/clauses/new"),
            edit,
            clause_page::new_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses"),
            edit,
            edits::add_clause::<K>,
        )
        .page(
            Method::GET,
            &format!("{base}/{{id}}/clauses/{{cid}}"),
            edit,
            clause_page::edit_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses/{{cid}}"),
            edit,
            edits::save_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clause-actions"),
            edit,
            edits::clause_action::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/sections"),
            edit,
            edits::add_section::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/sections/{{sid}}"),
            edit,
            edits::rename_section::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/sections/{{sid}}/delete"),
            edit,
            edits::delete_section::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/language"),
            edit,
            edits::set_language::<K>,
        );
}

#[derive(Serialize)]
struct ClauseRow {
    id: String,
    number: String,
    depth: usize,
    /// As it will print (placeholders resolved where possible).
    text: String,
    from_library: bool,
    library_changed: bool,
    notes: Vec<String>,
    /// Agreers' remarks on the clause.
    remarks: Vec<RemarkView>,
}

/// A remark as shown under its clause: who, when, what, and HR's answers.
#[derive(Serialize)]
struct RemarkView {
    id: String,
    line: String,
    answers: Vec<String>,
}

#[derive(Serialize)]
struct SectionView {
    id: String,
    kind: &'static str,
    heading: String,
    numbered: bool,
    number: Option<usize>,
    required: bool,
    clauses: Vec<ClauseRow>,
}

#[derive(Serialize)]
struct FindingView {
    error: bool,
    message: String,
    clause_id: Option<String>,
}

fn finding_message(t: &Strings, f: &Finding) -> String {
    let mut m = t.get(&format!("check.{}", f.code));
    if let Some(kind) = f.section {
        m = m.replace("{section}", &t.get(&format!("section.{}", kind.as_str())));
    }
    let m = crate::i18n::fill(&m, "detail", &f.detail);
    if f.number.is_empty() {
        m
    } else {
        format!("{} {}: {m}", t.get("editor.clause"), f.number)
    }
}

pub(super) struct EditorData {
    pub(super) described: Described,
    pub(super) content: Content,
    pub(super) revision: i64,
    pub(super) library_revisions: HashMap<String, i64>,
}

pub(super) fn editor_data<K: OwnerKind>(conn: &mut DbConn, id: &str) -> Result<EditorData, ServiceError> {
    let described = K::describe(conn, id)?;
    let loaded = texts::load(conn, &K::owner(id))?;
    Ok(EditorData {
        described,
        content: loaded.content,
        revision: loaded.revision,
        library_revisions: library::revisions(conn)?,
    })
}

/// The placeholders and the cases they come in, listed under the clause text.
pub fn placeholder_help(ctx: &mut tera::Context) {
    use crate::domain::{declension::Case, placeholders};
    ctx.insert(
        "placeholders",
        &placeholders::KNOWN
            .iter()
            .map(|(k, v)| (format!("{{{k}}}"), *v))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "placeholder_cases",
        &Case::ALL
            .iter()
            .map(|(_, name, hint)| (*name, *hint))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "declinable",
        &placeholders::DECLINABLE
            .iter()
            .map(|(k, _)| format!("{{{k}:…}}"))
            .collect::<Vec<_>>(),
    );
}

fn can_edit(user: &User, status: Option<Status>) -> bool {
    Access::Roles(DOC_EDIT).allows(Some(user)) && status.is_none_or(Status::is_editable)
}

/// The editor below the menu.
struct EditorBody {
    title: String,
    html: String,
    /// The pending message is shown at its form in `html`, not at the top.
    flash_placed: bool,
}

/// The editor (or, for those who may not edit, the read-only view), kept per user,
/// day and change-log head (`web::kept`): what the user may do depends on who they
/// are and, for due dates, on the day.
pub async fn show<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let key = kept::key(&req, &user.0, state.today());
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    // A refusal about one of the page's forms is shown at that form, with what was typed.
    let retry = crate::web::session::peek_flash(&session).filter(|f| f.at.is_some());
    // `?c=` names the clause to keep selected (the one just moved or added).
    let selected = web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("c").cloned());
    let body = editor_body::<K>(&state, &user.0, path.into_inner(), retry, selected).await?;
    let mut ctx = kept::context(&user.0, &session)?;
    ctx.insert("title", &body.title);
    ctx.insert("part", &body.html);
    ctx.insert("flash_placed", &body.flash_placed);
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "editor.html",
        ctx,
        &session,
    )?)
}

async fn editor_body<K: OwnerKind>(
    state: &AppState,
    user: &User,
    id: String,
    retry: Option<Flash>,
    selected: Option<String>,
) -> Result<EditorBody, PageError> {
    let lookup = id.clone();
    let me = user.clone();
    let (d, panel, removal) = state
        .with_clock(move |c, clock| {
            Ok((
                editor_data::<K>(c, &lookup)?,
                K::version_id(&lookup)
                    .map(|v| super::workflow::panel(c, &me, v, clock))
                    .transpose()?,
                crate::services::editing::last_removal(c, &K::owner(&lookup))?,
            ))
        })
        .await?;
    let t = strings();
    let findings = state
        .findings
        .of(&K::editor_url(&id), d.revision, &d.content, d.described.values.as_ref());
    let mut notes: HashMap<&str, Vec<String>> = HashMap::new();
    for f in findings.iter() {
        if let Some(cid) = &f.clause_id {
            notes.entry(cid.as_str()).or_default().push(finding_message(t, f));
        }
    }
    // Remarks on clauses, shown under the clause they are about, each with HR's answers.
    let comments: Vec<&serde_json::Value> = panel
        .as_ref()
        .and_then(|p| p["comments"].as_array())
        .into_iter()
        .flatten()
        .collect();
    let line = |c: &serde_json::Value| {
        format!(
            "{}, {}: {}",
            c["login"].as_str().unwrap_or_default(),
            c["at"].as_str().unwrap_or_default(),
            c["text"].as_str().unwrap_or_default()
        )
    };
    let mut remarks: HashMap<String, Vec<RemarkView>> = HashMap::new();
    for c in comments.iter().filter(|c| c["reply_to"].is_null()) {
        let id = c["id"].as_str().unwrap_or_default();
        remarks
            .entry(c["clause_id"].as_str().unwrap_or_default().to_string())
            .or_default()
            .push(RemarkView {
                id: id.to_string(),
                line: line(c),
                answers: comments
                    .iter()
                    .filter(|a| a["reply_to"].as_str() == Some(id))
                    .map(|a| line(a))
                    .collect(),
            });
    }
    let numbers = d.content.section_numbers();
    let located = d.content.clauses();
    let sections: Vec<SectionView> = d
        .content
        .sections
        .iter()
        .map(|s| SectionView {
            id: s.id.clone(),
            kind: s.kind.as_str(),
            heading: s.heading.clone(),
            numbered: s.numbered,
            number: numbers.get(&s.id).copied(),
            required: s.kind.is_required(),
            clauses: located
                .iter()
                .filter(|l| l.section.id == s.id)
                .map(|l| ClauseRow {
                    id: l.clause.id.clone(),
                    number: l.number.clone(),
                    depth: l.depth,
                    text: match &d.described.values {
                        Some(v) => v.resolve(&l.clause.text).0,
                        None => l.clause.text.clone(),
                    },
                    from_library: l.clause.library.is_some(),
                    library_changed: l.clause.library.as_ref().is_some_and(|k| {
                        d.library_revisions
                            .get(&k.clause_id)
                            .is_some_and(|current| *current > k.revision)
                    }),
                    notes: notes.remove(l.clause.id.as_str()).unwrap_or_default(),
                    remarks: remarks.remove(&l.clause.id).unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let missing: Vec<(&str, String)> = SectionKind::ALL
        .iter()
        .filter(|k| !d.content.sections.iter().any(|s| s.kind == **k))
        .map(|k| (k.as_str(), t.get(&format!("section.{}", k.as_str()))))
        .collect();
    let findings: Vec<FindingView> = findings
        .iter()
        .map(|f| FindingView {
            error: f.severity == crate::domain::checks::Severity::Error,
            message: finding_message(t, f),
            clause_id: f.clause_id.clone(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("csrf_token", kept::CSRF_MARK);
    ctx.insert("title", &d.described.title);
    ctx.insert("back", &d.described.back);
    ctx.insert(
        "status",
        &d.described.status.map(|s| t.get(&format!("status.{}", s.as_str()))),
    );
    ctx.insert("is_template", &d.described.values.is_none());
    ctx.insert("base", &format!("{}/{id}", K::BASE));
    ctx.insert("editor_url", &K::editor_url(&id));
    ctx.insert("revision", &d.revision);
    ctx.insert("can_edit", &can_edit(user, d.described.status));
    ctx.insert("sections", &sections);
    ctx.insert("missing_sections", &missing);
    ctx.insert("language", d.content.language.code());
    let languages: Vec<(&str, String)> = crate::domain::language::DocLanguage::ALL
        .iter()
        .map(|l| (l.code(), t.get(&format!("editor.language_{}", l.code()))))
        .collect();
    ctx.insert("languages", &languages);
    ctx.insert("findings", &findings);
    placeholder_help(&mut ctx);
    ctx.insert("clause_count", &located.len());
    // The author's own latest removal can be taken back from the section it left.
    if let Some(r) = removal.filter(|r| r.actor == user.login) {
        let text: String = match r.text.chars().count() {
            n if n > 80 => r.text.chars().take(79).chain(['…']).collect(),
            _ => r.text.clone(),
        };
        let message = t
            .get("editor.removed")
            .replace("{number}", &r.number)
            .replace("{text}", &text);
        ctx.insert(
            "undo",
            &serde_json::json!({ "clause_id": r.clause_id, "section_id": r.section_id, "message": message }),
        );
    }
    ctx.insert("workflow", &panel);
    ctx.insert("workflow_id", &id);
    ctx.insert("has_errors", &findings.iter().any(|f| f.error));
    ctx.insert(
        "edits_void_visas",
        &(can_edit(user, d.described.status)
            && d.described.status == Some(crate::domain::version::Status::InAgreement)),
    );
    let forms: Vec<String> = panel
        .as_ref()
        .and_then(|p| p["visa_for"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str())
        .map(|p| super::workflow::visa_form(&Some(p.into())))
        .collect();
    let retry = retry.filter(|f| f.at.as_ref().is_some_and(|at| forms.contains(at)));
    ctx.insert("retry", &retry);
    ctx.insert("selected", &selected.unwrap_or_default());
    Ok(EditorBody {
        html: render_part("editor_body.html", ctx)?,
        title: d.described.title,
        flash_placed: retry.is_some(),
    })
}
