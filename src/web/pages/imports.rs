//! Import pages: upload files or paste text, review the structure beside its source,
//! correct it, and make the draft, which opens in the editor.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::Method;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json;

use crate::domain::structure::{Department, Position, PositionInput};
use crate::i18n::strings;
use crate::import::model::{CandidateClause, CandidateDocument, CandidateSection, SectionKind};
use crate::services::crud::Resource;
use crate::services::imports::PositionChoice;
use crate::services::imports::{self, Import};
use crate::services::{documents, Page, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::{check_csrf, done};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};
use crate::web::upload;

/// Kinds a reviewer can give a section, in document order; `skip` leaves it out.
const KINDS: [&str; 13] = [
    "general",
    "qualification",
    "knowledge",
    "tasks",
    "duties",
    "rights",
    "responsibility",
    "safety",
    "relationships",
    "evaluation",
    "final",
    "other",
    "skip",
];

/// The upload form.
pub async fn new(user: CurrentUser, session: Session) -> Result<HttpResponse, PageError> {
    form(&user, &session, &[], StatusCode::OK)
}

fn form(
    user: &CurrentUser,
    session: &Session,
    errors: &[String],
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("errors", errors);
    Ok(render(status, "import_new.html", ctx)?)
}

/// Reads the uploaded files and the pasted text; one file opens its review, several list theirs.
pub async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let Some(body) = upload::multipart_or_checked_form(&req, payload, &session).await? else {
        return form(
            &user,
            &session,
            &[strings().get("import.nothing")],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let upload = match upload::read(body, state.settings.import_max_bytes).await {
        Ok(u) => u,
        Err(AppError::PayloadTooLarge) => {
            let max = state.settings.import_max_bytes / (1 << 20);
            let message = crate::i18n::fill(&strings().get("import.too_large"), "max", &max.to_string());
            return form(&user, &session, &[message], StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(e) => return Err(e.into()),
    };
    check_csrf(&session, upload.fields.get("csrf_token").map(String::as_str))?;
    let mut inputs: Vec<(String, Vec<u8>)> = upload.files.into_iter().map(|f| (f.name, f.bytes)).collect();
    if let Some(text) = upload.fields.get("text").filter(|t| !t.trim().is_empty()) {
        inputs.push((strings().get("import.pasted_name"), text.clone().into_bytes()));
    }
    if inputs.is_empty() {
        return form(
            &user,
            &session,
            &[strings().get("import.nothing")],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let actor = user.0.login.clone();
    let results = state
        .with_clock(move |c, clock| {
            Ok(inputs
                .iter()
                .map(|(name, bytes)| (name.clone(), imports::store(c, clock, &actor, name, bytes)))
                .collect::<Vec<_>>())
        })
        .await?;
    let mut stored = Vec::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(i) => stored.push(i),
            Err(e) => {
                let e = AppError::from(e);
                match e.user_message() {
                    Some(message) => errors.push(format!("{name}: {message}")),
                    None => return Err(e.into()),
                }
            }
        }
    }
    match (stored.len(), errors.is_empty()) {
        (0, _) => form(&user, &session, &errors, StatusCode::UNPROCESSABLE_ENTITY),
        (1, true) => Ok(see_other(&format!("/imports/{}", stored[0].id))),
        _ => {
            let mut ctx = base_context(Some(&user.0), &session)?;
            let list: Vec<_> = stored
                .iter()
                .map(|i| json!({ "id": i.id, "name": i.source.file_name, "documents": i.result.documents.len() }))
                .collect();
            ctx.insert("imports", &list);
            ctx.insert("errors", &errors);
            Ok(render(StatusCode::OK, "import_list.html", ctx)?)
        }
    }
}

/// A source line as the review shows it.
#[derive(Serialize)]
struct LineView {
    line: usize,
    text: String,
    dropped: Option<String>,
}

/// The review page: source on one side, the structure found on the other, a form per candidate.
pub async fn review(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context(Some(&user.0), &session)?;
    review_context(&state, &user, &path.into_inner(), &mut ctx).await?;
    Ok(render(StatusCode::OK, "import_review.html", ctx)?)
}

/// Fills the review page's context: the import, the free positions, the departments.
async fn review_context(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    ctx: &mut tera::Context,
) -> Result<(), AppError> {
    let (actor, id) = (user.0.login.clone(), id.to_string());
    let (import, free, departments, suggested) = state
        .db(move |c| {
            let import = imports::get(c, &actor, &id)?;
            let mut suggested = HashMap::new();
            for d in &import.result.documents {
                suggested.extend(imports::suggestions(c, d)?.into_iter().map(|s| (s.line, s.text)));
            }
            Ok((
                import,
                documents::positions_without_document(c)?,
                Department::list(c, Page::new(Some(1), Some(Page::MAX_PER_PAGE)))?.items,
                suggested,
            ))
        })
        .await?;
    fill_review(ctx, &import, &free, &departments, &suggested);
    Ok(())
}

fn fill_review(
    ctx: &mut tera::Context,
    import: &Import,
    free: &[Position],
    departments: &[Department],
    suggested: &HashMap<usize, String>,
) {
    let t = strings();
    let dropped: HashMap<usize, String> = import
        .result
        .dropped_lines
        .iter()
        .map(|d| (d.line, t.get(&format!("import.reason.{}", d.reason))))
        .collect();
    let lines: Vec<LineView> = import
        .lines
        .iter()
        .map(|p| LineView {
            line: p.line,
            text: match &p.list_number {
                Some(n) => format!("{n} {}", p.text),
                None => p.text.clone(),
            },
            dropped: dropped.get(&p.line).cloned(),
        })
        .collect();
    let docs: Vec<_> = import
        .result
        .documents
        .iter()
        .map(|d| {
            let wanted = d.position_title.as_deref().unwrap_or("").trim().to_lowercase();
            let matched = free.iter().find(|p| p.title.to_lowercase() == wanted).map(|p| p.id.clone());
            json!({
                "title": d.position_title.clone().or(d.title.clone()).unwrap_or_default(),
                "genitive": d.position_title_genitive,
                "organization": d.organization,
                "approval": d.approval,
                "matched_position": matched,
                "warnings": d.warnings.iter().map(|w| json!({
                    "message": t.get(&format!("import.warning.{}", w.code)), "detail": w.message, "line": w.line })).collect::<Vec<_>>(),
                "sections": d.sections.iter().map(|s| json!({
                    "kind": kind_code(s.kind), "heading": crate::import::draft::bare_heading(&s.heading), "line": s.line,
                    "confidence": (s.confidence * 100.0).round(),
                    "clauses": flat(&s.clauses, suggested),
                    "text": section_text(&s.clauses),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let kinds: Vec<_> = KINDS
        .iter()
        .map(|k| json!({ "code": k, "label": t.get(&format!("import.kind.{k}")) }))
        .collect();
    ctx.insert("import", &json!({ "id": import.id, "source": import.source }));
    ctx.insert("lines", &lines);
    ctx.insert("documents", &docs);
    ctx.insert("kinds", &kinds);
    ctx.insert(
        "positions",
        &free
            .iter()
            .map(|p| json!({ "id": p.id, "label": format!("{} ({})", p.title, p.department_name) }))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "departments",
        &departments
            .iter()
            .map(|d| json!({ "id": d.id, "name": d.name }))
            .collect::<Vec<_>>(),
    );
}

fn kind_code(k: SectionKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Clauses with their depth and any library suggestion, for the table beside the source.
fn flat(clauses: &[CandidateClause], suggested: &HashMap<usize, String>) -> Vec<serde_json::Value> {
    fn walk(
        cs: &[CandidateClause],
        depth: usize,
        suggested: &HashMap<usize, String>,
        out: &mut Vec<serde_json::Value>,
    ) {
        for c in cs {
            out.push(
                json!({ "number": c.number, "text": c.text, "line": c.line, "depth": depth,
                             "suggested": suggested.get(&c.line) }),
            );
            walk(&c.children, depth + 1, suggested, out);
        }
    }
    let mut out = Vec::new();
    walk(clauses, 0, suggested, &mut out);
    out
}

/// The editable form of a section: a clause per line, sub-clauses indented by a tab or spaces.
fn section_text(clauses: &[CandidateClause]) -> String {
    fn walk(cs: &[CandidateClause], depth: usize, out: &mut String) {
        for c in cs {
            out.push_str(&"    ".repeat(depth));
            out.push_str(&c.text.replace('\n', " "));
            out.push('\n');
            walk(&c.children, depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(clauses, 0, &mut out);
    out
}

/// The reverse of [`section_text`]: lines to clauses (an indented line is a sub-clause).
pub fn parse_section_text(text: &str) -> Vec<CandidateClause> {
    let mut out: Vec<CandidateClause> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let clause = CandidateClause {
            number: None,
            text: line.trim().to_string(),
            line: n + 1,
            children: Vec::new(),
        };
        match out.last_mut() {
            Some(parent) if indented => parent.children.push(clause),
            _ => out.push(clause),
        }
    }
    out
}

/// The reviewed candidate from the form: each section's kind, heading and text.
fn reviewed(form: &Form, original: &CandidateDocument) -> Result<CandidateDocument, AppError> {
    let mut doc = original.clone();
    let mut sections = Vec::new();
    for (j, s) in original.sections.iter().enumerate() {
        let kind = form.get(&format!("kind_{j}")).unwrap_or("skip");
        if kind == "skip" {
            continue;
        }
        let kind: SectionKind = serde_json::from_value(json!(kind))
            .map_err(|_| AppError::BadRequest(format!("unknown section kind {kind}")))?;
        sections.push(CandidateSection {
            kind,
            heading: form.get(&format!("heading_{j}")).unwrap_or("").trim().to_string(),
            confidence: 1.0,
            line: s.line,
            clauses: parse_section_text(form.get(&format!("text_{j}")).unwrap_or("")),
        });
    }
    doc.sections = sections;
    Ok(doc)
}

/// Makes the draft of one reviewed candidate (and the position, when asked) and opens the editor.
pub async fn draft(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let (actor, id) = (user.0.login.clone(), path.into_inner());
    let index: usize = form.get("document").and_then(|d| d.parse().ok()).unwrap_or(0);
    let position_id = form.get("position_id").map(str::to_string);
    let new_position = PositionInput {
        title: form.get("new_title").unwrap_or("").to_string(),
        title_genitive: form.get("new_title_genitive").unwrap_or("").to_string(),
        category: form.get("new_category").unwrap_or("specialist").to_string(),
        department_id: form.get("new_department_id").unwrap_or("").to_string(),
        reports_to_id: None,
    };
    let lookup = (actor.clone(), id.clone());
    let import = state.db(move |c| imports::get(c, &lookup.0, &lookup.1)).await?;
    let original = import.result.documents.get(index).ok_or(AppError::NotFound)?;
    let doc = reviewed(&form, original)?;
    let (source, rules) = (import.source.clone(), state.rules());
    let result = state
        .with_clock(move |c, clock| {
            let position = match position_id {
                Some(p) => PositionChoice::Existing(p),
                None => PositionChoice::New(new_position),
            };
            imports::create_draft(c, clock, &rules, &actor, &position, &doc, &source)
        })
        .await;
    let t = strings();
    match result {
        Ok(jd) => {
            done(&session, &t.get("import.created"));
            let version = jd.versions.first().map(|v| v.id.clone()).unwrap_or_default();
            Ok(see_other(&format!("/versions/{version}")))
        }
        Err(AppError::Service(ServiceError::Validation(e))) => {
            let mut ctx = base_context(Some(&user.0), &session)?;
            review_context(&state, &user, &import.id, &mut ctx).await?;
            let messages: Vec<String> = e.0.iter().map(|f| t.labelled_field_error(f)).collect();
            ctx.insert("errors", &messages);
            ctx.insert("failed_document", &index);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, "import_review.html", ctx)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The import pages (HR).
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.nav_page("/imports/new", edit, "nav.import", new)
        .page(Method::POST, "/imports", edit, upload)
        .page(Method::GET, "/imports/{id}", edit, review)
        .page(Method::POST, "/imports/{id}/draft", edit, draft);
}
