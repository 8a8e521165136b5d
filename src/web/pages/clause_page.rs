//! The page of one clause: writing a new one (or taking it from the library)
//! and changing an existing one.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::library::LibraryClause;
use crate::i18n::strings;
use crate::services::{library, Page, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::owner::OwnerKind;
use crate::web::state::AppState;
use crate::web::templates::{base_context, render};

use super::editor::editor_data;
/// `?section_id=&parent_id=&after_id=&q=` of the new-clause page.
#[derive(Debug, Deserialize)]
pub struct NewClauseQuery {
    pub section_id: String,
    pub parent_id: Option<String>,
    pub after_id: Option<String>,
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
pub(super) struct ClausePage {
    /// The clause being edited; `None` for a new clause.
    pub(super) clause_id: Option<String>,
    pub(super) section_id: Option<String>,
    pub(super) parent_id: Option<String>,
    /// The clause the new one goes right after.
    pub(super) after_id: Option<String>,
    /// Library search words.
    pub(super) query: Option<String>,
    /// Text to put in the box (what the user typed).
    pub(super) text: Option<String>,
    pub(super) error: Option<String>,
}

pub(super) async fn clause_form<K: OwnerKind>(
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
        after_id,
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
            // A version's picker offers what suits its position's category (and what
            // suits any); a template's offers everything of the section.
            let category = match K::version_id(&lookup) {
                Some(v) => Some(library::category_of_version(c, v)?),
                None => None,
            };
            let hits = match kind {
                Some(k) => {
                    let q = library::Query {
                        words: q,
                        section: Some(k),
                        category,
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
    ctx.insert("after_id", &after_id);
    ctx.insert(
        "after_number",
        &after_id.as_ref().and_then(|a| d.content.find(a).map(|l| l.number)),
    );
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
    super::editor::placeholder_help(&mut ctx);
    Ok(render(status, "clause_form.html", ctx)?)
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
            after_id: q.after_id,
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
