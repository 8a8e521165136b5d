//! The authoring API: library search and usage, job descriptions, versions, edits, diff.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::checks::{check, Finding};
use crate::domain::diff::{diff, Diff};
use crate::domain::document::{Content, Move, SectionKind};
use crate::domain::library::LibraryClause;
use crate::domain::version::Status;
use crate::services::documents::{self, JobDescription, NewDocument};
use crate::services::editing::{self, Applied, Edit, Usage};
use crate::services::{library, Page, Paged, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::pages::documents::{preview_sections, PreviewSection};
use crate::web::pages::editor::OwnerKind;
use crate::web::pages::library::LibraryQuery;
use crate::web::pages::resources::PageQuery;
use crate::web::AppState;

/// Library search: `?q=` words in any form, `section`, `category`.
pub async fn library_search(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<LibraryQuery>,
) -> Result<web::Json<Paged<LibraryClause>>, ApiError> {
    let q = query.into_inner();
    let page = Page::new(q.page, q.per_page);
    let search = q.to_query();
    Ok(web::Json(state.db(move |c| library::search(c, &search, page)).await?))
}

/// Templates and current versions that use a library clause.
pub async fn library_usages(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<Usage>>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| editing::usages(c, &id)).await?))
}

/// How many texts a propagation updated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Propagated {
    pub updated: usize,
}

/// Updates templates and drafts to the library clause's current text.
pub async fn library_propagate(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Propagated>, ApiError> {
    let id = path.into_inner();
    let actor = user.0.login.clone();
    let updated = state
        .with_clock(move |c, clock| editing::propagate(c, clock, &actor, &id))
        .await?;
    Ok(web::Json(Propagated { updated }))
}

/// Job descriptions, a page at a time.
pub async fn documents_list(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<JobDescription>>, ApiError> {
    let page = Page::new(query.page, query.per_page);
    Ok(web::Json(state.db(move |c| documents::list(c, page)).await?))
}

/// Starts a job description (version 1, draft) from a template or a copy.
pub async fn documents_create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<NewDocument>,
) -> Result<HttpResponse, ApiError> {
    let actor = user.0.login.clone();
    let input = body.into_inner();
    let d = state
        .with_clock(move |c, clock| documents::create(c, clock, &actor, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/documents/{}", d.id)))
        .json(d))
}

/// One job description with its versions.
pub async fn document_get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<JobDescription>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| documents::get(c, &id)).await?))
}

/// A clause with its computed number.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NumberedClause {
    pub id: String,
    pub number: String,
    pub depth: usize,
    pub section: SectionKind,
    pub text: String,
    pub library_id: Option<String>,
    /// The library text changed since this clause copied it.
    pub library_changed: bool,
}

/// A text with its numbering and checks: send `revision` back with each edit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TextView {
    pub id: String,
    pub revision: i64,
    pub status: Option<Status>,
    pub content: Content,
    pub clauses: Vec<NumberedClause>,
    pub checks: Vec<Finding>,
}

fn text_view<K: OwnerKind>(conn: &mut crate::db::DbConn, id: &str) -> Result<TextView, ServiceError> {
    let described = K::describe(conn, id)?;
    let loaded = editing::load(conn, &K::owner(id))?;
    let revisions = library::revisions(conn)?;
    let clauses = loaded
        .content
        .clauses()
        .iter()
        .map(|l| NumberedClause {
            id: l.clause.id.clone(),
            number: l.number.clone(),
            depth: l.depth,
            section: l.section.kind,
            text: l.clause.text.clone(),
            library_id: l.clause.library.as_ref().map(|k| k.clause_id.clone()),
            library_changed: l
                .clause
                .library
                .as_ref()
                .is_some_and(|k| revisions.get(&k.clause_id).is_some_and(|r| *r > k.revision)),
        })
        .collect();
    let checks = check(&loaded.content, described.values.as_ref());
    Ok(TextView {
        id: id.to_string(),
        revision: loaded.revision,
        status: loaded.status,
        clauses,
        checks,
        content: loaded.content,
    })
}

/// A version's or a template's text, numbered and checked.
pub async fn text_get<K: OwnerKind>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<TextView>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| text_view::<K>(c, &id)).await?))
}

/// A version's text as it will print, placeholders resolved.
pub async fn version_preview(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<PreviewSection>>, ApiError> {
    let id = path.into_inner();
    let (content, values) = state
        .db(move |c| Ok((documents::version(c, &id)?.content, documents::values(c, &id)?)))
        .await?;
    Ok(web::Json(preview_sections(&content, &values)))
}

/// `?a=&b=`: two version ids.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DiffQuery {
    /// The older version's id.
    pub a: String,
    /// The newer version's id.
    pub b: String,
}

/// Compares two versions of the same job description.
pub async fn version_diff(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<DiffQuery>,
) -> Result<web::Json<Diff>, ApiError> {
    let q = query.into_inner();
    let (a, b) = state
        .db(move |c| Ok((documents::version(c, &q.a)?, documents::version(c, &q.b)?)))
        .await?;
    if a.job_description_id != b.job_description_id {
        return Err(AppError::BadRequest("the versions belong to different job descriptions".into()).into());
    }
    Ok(web::Json(diff(&a.content, &b.content)))
}

/// A new clause: written `text`, or `library_id` to copy (and link) a library clause.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewClauseBody {
    pub section_id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub library_id: Option<String>,
    pub expected_revision: i64,
}

/// A clause's new text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TextBody {
    pub text: String,
    pub expected_revision: i64,
}

/// A move: `up`, `down`, `indent`, `outdent`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MoveBody {
    pub direction: Move,
    pub expected_revision: i64,
}

/// Only the revision the client read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RevisionBody {
    pub expected_revision: i64,
}

/// An optional section to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSectionBody {
    pub kind: SectionKind,
    pub expected_revision: i64,
}

/// A section's heading and numbering.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SectionBody {
    pub heading: String,
    #[serde(default = "numbered_default")]
    pub numbered: bool,
    pub expected_revision: i64,
}

fn numbered_default() -> bool {
    true
}

async fn apply<K: OwnerKind>(
    state: &AppState,
    user: &CurrentUser,
    id: String,
    expected: i64,
    edit: Edit,
) -> Result<web::Json<Applied>, ApiError> {
    let actor = user.0.login.clone();
    let owner = K::owner(&id);
    Ok(web::Json(
        state
            .with_clock(move |c, clock| editing::apply(c, clock, &actor, &owner, expected, &edit))
            .await?,
    ))
}

/// Adds a clause.
pub async fn clause_add<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<NewClauseBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let b = body.into_inner();
    let edit = Edit::AddClause {
        section_id: b.section_id,
        parent_id: b.parent_id,
        text: b.text,
        library_id: b.library_id,
    };
    apply::<K>(&state, &user, path.into_inner(), b.expected_revision, edit).await
}

/// Changes a clause's text.
pub async fn clause_put<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<TextBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, clause_id) = path.into_inner();
    let b = body.into_inner();
    apply::<K>(
        &state,
        &user,
        id,
        b.expected_revision,
        Edit::SetText {
            clause_id,
            text: b.text,
        },
    )
    .await
}

/// `?expected_revision=` for deletions.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RevisionQuery {
    /// The text's revision the client last read (optimistic locking).
    pub expected_revision: i64,
}

/// Removes a clause with its sub-clauses.
pub async fn clause_delete<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<RevisionQuery>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, clause_id) = path.into_inner();
    apply::<K>(
        &state,
        &user,
        id,
        query.expected_revision,
        Edit::RemoveClause { clause_id },
    )
    .await
}

/// Moves a clause.
pub async fn clause_move<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<MoveBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, clause_id) = path.into_inner();
    let b = body.into_inner();
    apply::<K>(
        &state,
        &user,
        id,
        b.expected_revision,
        Edit::MoveClause {
            clause_id,
            direction: b.direction,
        },
    )
    .await
}

/// Takes the library's current text into a clause.
pub async fn clause_library_update<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<RevisionBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, clause_id) = path.into_inner();
    apply::<K>(
        &state,
        &user,
        id,
        body.expected_revision,
        Edit::UpdateFromLibrary { clause_id },
    )
    .await
}

/// Adds an optional section.
pub async fn section_add<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<NewSectionBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let b = body.into_inner();
    apply::<K>(
        &state,
        &user,
        path.into_inner(),
        b.expected_revision,
        Edit::AddSection { kind: b.kind },
    )
    .await
}

/// Renames a section.
pub async fn section_put<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<SectionBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, section_id) = path.into_inner();
    let b = body.into_inner();
    let edit = Edit::RenameSection {
        section_id,
        heading: b.heading,
        numbered: b.numbered,
    };
    apply::<K>(&state, &user, id, b.expected_revision, edit).await
}

/// Removes an optional section.
pub async fn section_delete<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<RevisionQuery>,
) -> Result<web::Json<Applied>, ApiError> {
    let (id, section_id) = path.into_inner();
    apply::<K>(
        &state,
        &user,
        id,
        query.expected_revision,
        Edit::RemoveSection { section_id },
    )
    .await
}

/// The placeholders clause text may use.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceholderInfo {
    pub name: String,
    pub meaning: String,
}

/// Lists the placeholders.
pub async fn placeholders(_user: CurrentUser) -> web::Json<Vec<PlaceholderInfo>> {
    web::Json(
        crate::domain::placeholders::KNOWN
            .iter()
            .map(|(n, m)| PlaceholderInfo {
                name: format!("{{{n}}}"),
                meaning: m.to_string(),
            })
            .collect(),
    )
}
