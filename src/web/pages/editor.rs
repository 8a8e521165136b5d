//! The text editor shared by draft versions and templates: sections, clauses,
//! moves, the library picker. Plain forms; every form carries the revision it edits.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::checks::{check, Finding};
use crate::domain::document::{Content, Move, SectionKind};
use crate::domain::library::LibraryClause;
use crate::domain::placeholders::KNOWN;
use crate::domain::version::Status;
use crate::i18n::{strings, Strings};
use crate::services::editing::{self, Edit};
use crate::services::texts::{self};
use crate::services::{library, Page, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::owner::Described;
use crate::web::owner::OwnerKind;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::flash;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers the editor of a text (a version or a template) and its edit routes.
pub fn routes<K: OwnerKind>(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    let base = K::BASE;
    r.page(Method::GET, K::SHOW, Access::Roles(K::READERS), show::<K>)
        .page(
            Method::GET,
            &format!("{base}/{{id}}/clauses/new"),
            edit,
            new_clause::<K>,
        )
        .page(Method::POST, &format!("{base}/{{id}}/clauses"), edit, add_clause::<K>)
        .page(
            Method::GET,
            &format!("{base}/{{id}}/clauses/{{cid}}"),
            edit,
            edit_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses/{{cid}}"),
            edit,
            save_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses/{{cid}}/delete"),
            edit,
            delete_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses/{{cid}}/move"),
            edit,
            move_clause::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/clauses/{{cid}}/library-update"),
            edit,
            library_update::<K>,
        )
        .page(Method::POST, &format!("{base}/{{id}}/sections"), edit, add_section::<K>)
        .page(
            Method::POST,
            &format!("{base}/{{id}}/sections/{{sid}}"),
            edit,
            rename_section::<K>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/sections/{{sid}}/delete"),
            edit,
            delete_section::<K>,
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
    let m = m.replace("{detail}", &f.detail);
    if f.number.is_empty() {
        m
    } else {
        format!("{} {}: {m}", t.get("editor.clause"), f.number)
    }
}

struct EditorData {
    described: Described,
    content: Content,
    revision: i64,
    library_revisions: HashMap<String, i64>,
}

fn editor_data<K: OwnerKind>(conn: &mut DbConn, id: &str) -> Result<EditorData, ServiceError> {
    let described = K::describe(conn, id)?;
    let loaded = texts::load(conn, &K::owner(id))?;
    Ok(EditorData {
        described,
        content: loaded.content,
        revision: loaded.revision,
        library_revisions: library::revisions(conn)?,
    })
}

fn can_edit(user: &User, status: Option<Status>) -> bool {
    Access::Roles(DOC_EDIT).allows(Some(user)) && status.is_none_or(Status::is_editable)
}

/// The editor (or, for those who may not edit, the read-only view).
pub async fn show<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let lookup = id.clone();
    let me = user.0.clone();
    let (d, panel) = state
        .with_clock(move |c, clock| {
            Ok((
                editor_data::<K>(c, &lookup)?,
                K::version_id(&lookup)
                    .map(|v| super::workflow::panel(c, &me, v, clock))
                    .transpose()?,
            ))
        })
        .await?;
    let t = strings();
    let findings = check(&d.content, d.described.values.as_ref());
    let mut notes: HashMap<&str, Vec<String>> = HashMap::new();
    for f in &findings {
        if let Some(cid) = &f.clause_id {
            notes.entry(cid.as_str()).or_default().push(finding_message(t, f));
        }
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
    let mut ctx = base_context(Some(&user.0), &session)?;
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
    ctx.insert("can_edit", &can_edit(&user.0, d.described.status));
    ctx.insert("sections", &sections);
    ctx.insert("missing_sections", &missing);
    ctx.insert("findings", &findings);
    ctx.insert(
        "placeholders",
        &KNOWN.iter().map(|(k, v)| (format!("{{{k}}}"), *v)).collect::<Vec<_>>(),
    );
    ctx.insert("clause_count", &located.len());
    ctx.insert("workflow", &panel);
    ctx.insert("workflow_id", &id);
    ctx.insert("has_errors", &findings.iter().any(|f| f.error));
    Ok(render(StatusCode::OK, "editor.html", &ctx)?)
}

/// `?section_id=&parent_id=&q=` of the new-clause page.
#[derive(Debug, Deserialize)]
pub struct NewClauseQuery {
    pub section_id: String,
    pub parent_id: Option<String>,
    pub q: Option<String>,
}

#[derive(Serialize)]
struct LibraryHit {
    id: String,
    text: String,
    source: String,
}

/// What the clause page shows besides the text's own data.
#[derive(Default)]
struct ClausePage {
    /// The clause being edited; `None` for a new clause.
    clause_id: Option<String>,
    section_id: Option<String>,
    parent_id: Option<String>,
    /// Library search words.
    query: Option<String>,
    /// Text to put in the box (what the user typed).
    text: Option<String>,
    error: Option<String>,
}

async fn clause_form<K: OwnerKind>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    id: &str,
    page: ClausePage,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let ClausePage {
        clause_id,
        section_id,
        parent_id,
        query,
        text,
        error,
    } = page;
    let lookup = id.to_string();
    let cid = clause_id.clone();
    let sid = section_id.clone();
    let q = query.clone().unwrap_or_default();
    let (d, current_text, section_kind, hits) = state
        .db(move |c| {
            let d = editor_data::<K>(c, &lookup)?;
            let current = match &cid {
                Some(cid) => Some(d.content.find(cid).ok_or(ServiceError::NotFound)?.clause.text.clone()),
                None => None,
            };
            let kind = match &sid {
                Some(sid) => Some(
                    d.content
                        .sections
                        .iter()
                        .find(|s| &s.id == sid)
                        .ok_or(ServiceError::NotFound)?
                        .kind,
                ),
                None => None,
            };
            let hits = match kind {
                Some(k) => {
                    let q = library::Query {
                        words: q,
                        section: Some(k),
                        category: None,
                    };
                    library::search(c, &q, Page::new(Some(1), Some(100)))?.items
                }
                None => Vec::new(),
            };
            Ok((d, current, kind, hits))
        })
        .await?;
    let t = strings();
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &d.described.title);
    ctx.insert("editor_url", &K::editor_url(id));
    ctx.insert("base", &format!("{}/{id}", K::BASE));
    ctx.insert("revision", &d.revision);
    ctx.insert("clause_id", &clause_id);
    ctx.insert("section_id", &section_id);
    ctx.insert("parent_id", &parent_id);
    ctx.insert(
        "section_name",
        &section_kind.map(|k| t.get(&format!("section.{}", k.as_str()))),
    );
    ctx.insert(
        "parent_number",
        &parent_id.as_ref().and_then(|p| d.content.find(p).map(|l| l.number)),
    );
    ctx.insert(
        "clause_number",
        &clause_id.as_ref().and_then(|c| d.content.find(c).map(|l| l.number)),
    );
    ctx.insert("text", &text.or(current_text.clone()).unwrap_or_default());
    ctx.insert("current_text", &current_text);
    ctx.insert("error", &error);
    ctx.insert("q", &query.unwrap_or_default());
    ctx.insert(
        "hits",
        &hits
            .into_iter()
            .map(|h: LibraryClause| LibraryHit {
                text: h.text,
                source: t.get(&format!("source.{}", h.source.as_str())),
                id: h.id,
            })
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "placeholders",
        &KNOWN.iter().map(|(k, v)| (format!("{{{k}}}"), *v)).collect::<Vec<_>>(),
    );
    Ok(render(status, "clause_form.html", &ctx)?)
}

/// The page to write a new clause or take one from the library.
pub async fn new_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    query: web::Query<NewClauseQuery>,
) -> Result<HttpResponse, PageError> {
    let q = query.into_inner();
    let id = path.into_inner();
    clause_form::<K>(
        &state,
        &user,
        &session,
        &id,
        ClausePage {
            section_id: Some(q.section_id),
            parent_id: q.parent_id,
            query: q.q,
            ..ClausePage::default()
        },
        StatusCode::OK,
    )
    .await
}

/// The page to change one clause's text.
pub async fn edit_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, cid) = path.into_inner();
    clause_form::<K>(
        &state,
        &user,
        &session,
        &id,
        ClausePage {
            clause_id: Some(cid),
            ..ClausePage::default()
        },
        StatusCode::OK,
    )
    .await
}

fn revision(form: &Form) -> Result<i64, AppError> {
    form.get("revision")
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest("revision missing".into()))
}

/// Applies an edit from a form; success and refusals go back to the editor with a message.
async fn run<K: OwnerKind>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    id: &str,
    expected: i64,
    edit: Edit,
    anchor: Option<String>,
) -> Result<Result<HttpResponse, AppError>, PageError> {
    let (owner, editor_url) = (K::owner(id), K::editor_url(id));
    let actor = user.0.login.clone();
    let result = state
        .with_clock(move |c, clock| editing::apply(c, clock, &actor, &owner, expected, &edit))
        .await;
    let target = |id: Option<&str>| match id {
        Some(a) => format!("{editor_url}#c-{a}"),
        None => editor_url.clone(),
    };
    match result {
        Ok(applied) => Ok(Ok(see_other(&target(
            applied.created_id.as_deref().or(anchor.as_deref()),
        )))),
        Err(e @ AppError::Service(ServiceError::Refused(_) | ServiceError::Stale { .. })) => {
            flash(session, &e.user_message().unwrap_or_default());
            Ok(Ok(see_other(&target(anchor.as_deref()))))
        }
        Err(e @ AppError::Service(ServiceError::Validation(_))) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

/// Adds a clause (written, or from the library).
pub async fn add_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let section_id = form.get("section_id").unwrap_or_default().to_string();
    let parent_id = form.get("parent_id").map(str::to_string);
    let text = form.get("text").map(str::to_string);
    let edit = Edit::AddClause {
        section_id: section_id.clone(),
        parent_id: parent_id.clone(),
        text: text.clone(),
        library_id: form.get("library_id").map(str::to_string),
    };
    let expected = revision(&form)?;
    match run::<K>(&state, &user, &session, &id, expected, edit, parent_id.clone()).await? {
        Ok(r) => Ok(r),
        Err(e) => {
            let status = e.status();
            clause_form::<K>(
                &state,
                &user,
                &session,
                &id,
                ClausePage {
                    section_id: Some(section_id),
                    parent_id,
                    text,
                    error: e.user_message(),
                    ..ClausePage::default()
                },
                status,
            )
            .await
        }
    }
}

/// Saves a clause's new text; a stale revision shows the current text.
pub async fn save_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let (id, cid) = path.into_inner();
    let text = form.get("text").unwrap_or_default().to_string();
    let expected = revision(&form)?;
    let actor = user.0.login.clone();
    let owner = K::owner(&id);
    let edit = Edit::SetText {
        clause_id: cid.clone(),
        text: text.clone(),
    };
    let result = state
        .with_clock(move |c, clock| editing::apply(c, clock, &actor, &owner, expected, &edit))
        .await;
    let t = strings();
    let again = |error: String, status| {
        clause_form::<K>(
            &state,
            &user,
            &session,
            &id,
            ClausePage {
                clause_id: Some(cid.clone()),
                text: Some(text.clone()),
                error: Some(error),
                ..ClausePage::default()
            },
            status,
        )
    };
    match result {
        Ok(_) => Ok(see_other(&format!("{}#c-{cid}", K::editor_url(&id)))),
        Err(AppError::Service(ServiceError::Stale { current, changes })) => {
            let mut message = t.get("refused.stale").replace("{revision}", &current.to_string());
            for c in changes {
                message.push_str(&format!(
                    " {} {}: {}{}.",
                    c.actor,
                    t.get(&format!("log_action.{}", c.action)),
                    c.number.map(|n| format!("п. {n} ")).unwrap_or_default(),
                    c.text.map(|x| format!("«{x}»")).unwrap_or_default()
                ));
            }
            again(message, StatusCode::CONFLICT).await
        }
        Err(e @ AppError::Service(ServiceError::Refused(_) | ServiceError::Validation(_))) => {
            let status = e.status();
            again(e.user_message().unwrap_or_default(), status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Applies a simple form edit on one clause or section.
async fn simple<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    id: String,
    body: web::Bytes,
    make: impl FnOnce(&Form) -> Result<(Edit, Option<String>), AppError>,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let expected = revision(&form)?;
    let (edit, anchor) = make(&form)?;
    match run::<K>(&state, &user, &session, &id, expected, edit, anchor).await? {
        Ok(r) => Ok(r),
        Err(e) => {
            flash(&session, &e.user_message().unwrap_or_default());
            Ok(see_other(&K::editor_url(&id)))
        }
    }
}

/// Removes a clause with its sub-clauses.
pub async fn delete_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, cid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |_| {
        Ok((Edit::RemoveClause { clause_id: cid }, None))
    })
    .await
}

/// Moves a clause up, down, in or out.
pub async fn move_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, cid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |form| {
        let direction = form
            .get("direction")
            .and_then(Move::parse)
            .ok_or_else(|| AppError::BadRequest("direction must be up, down, indent or outdent".into()))?;
        Ok((
            Edit::MoveClause {
                clause_id: cid.clone(),
                direction,
            },
            Some(cid),
        ))
    })
    .await
}

/// Takes the library's current text into a clause.
pub async fn library_update<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, cid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |_| {
        Ok((Edit::UpdateFromLibrary { clause_id: cid.clone() }, Some(cid)))
    })
    .await
}

/// Adds an optional section.
pub async fn add_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    simple::<K>(state, user, session, path.into_inner(), body, |form| {
        let kind = form
            .get("kind")
            .and_then(SectionKind::parse)
            .ok_or_else(|| AppError::BadRequest("unknown section kind".into()))?;
        Ok((Edit::AddSection { kind }, None))
    })
    .await
}

/// Renames a section and sets whether it is numbered.
pub async fn rename_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, sid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |form| {
        Ok((
            Edit::RenameSection {
                section_id: sid,
                heading: form.get("heading").unwrap_or_default().to_string(),
                numbered: form.get("numbered").is_some(),
            },
            None,
        ))
    })
    .await
}

/// Removes an optional section.
pub async fn delete_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, sid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |_| {
        Ok((Edit::RemoveSection { section_id: sid }, None))
    })
    .await
}
