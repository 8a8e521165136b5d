//! The authoring API: library search and usage, job descriptions, versions, edits, diff.

use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::checks::{check, Finding};
use crate::domain::diff::{diff, Diff};
use crate::domain::document::{Content, Move, SectionKind};
use crate::domain::library::LibraryClause;
use crate::domain::preview::{preview_sections, PreviewSection};
use crate::domain::register::RegisterRow;
use crate::domain::version::Status;
use crate::services::documents::{self, JobDescription, NewDocument};
use crate::services::editing::{self, Applied, Edit};
use crate::services::library::Usage;
use crate::services::register;
use crate::services::templates::Template;
use crate::services::texts;
use crate::services::{library, versions, Page, Paged, ServiceError};
use crate::web::api::resources;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::owner::{OwnerKind, TemplateKind, VersionKind};
use crate::web::pdf::{make_pdf, PartsQuery};
use crate::web::queries::{LibraryQuery, PageQuery};
use crate::web::resources::{DOC_EDIT, DOC_VIEW};
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the authoring endpoints: job descriptions, versions, templates, the library.
pub fn routes(r: &mut Router) {
    let (view, edit) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT));
    r.api(
        Method::GET,
        "/api/v1/placeholders",
        Access::Authenticated,
        ApiDoc {
            response: Some("PlaceholderInfo"),
            array: true,
            ..doc("Placeholders clause text may use", "documents")
        },
        placeholders,
    )
    .api(
        Method::GET,
        "/api/v1/documents",
        view,
        ApiDoc {
            response: Some("JobDescription"),
            paged: true,
            ..doc("List job descriptions", "documents")
        },
        documents_list,
    )
    .api(
        Method::POST,
        "/api/v1/documents",
        edit,
        ApiDoc {
            request: Some("NewDocument"),
            response: Some("JobDescription"),
            status: 201,
            ..doc("Start a job description from a template or a copy", "documents")
        },
        documents_create,
    )
    .api(
        Method::GET,
        "/api/v1/documents/{id}",
        view,
        ApiDoc {
            response: Some("JobDescription"),
            ..doc("A job description with its versions", "documents")
        },
        document_get,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}",
        view,
        ApiDoc {
            response: Some("TextView"),
            ..doc("A version's text, numbered and checked", "documents")
        },
        text_get::<VersionKind>,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/preview",
        view,
        ApiDoc {
            response: Some("PreviewSection"),
            array: true,
            ..doc("A version's text as it will print (array of sections)", "documents")
        },
        version_preview,
    )
    .api(
        Method::GET,
        "/api/v1/diff",
        view,
        ApiDoc {
            response: Some("Diff"),
            params: Some(query_params::<DiffQuery>),
            ..doc(
                "Compare two versions (?a=&b=) clause by clause and word by word",
                "documents",
            )
        },
        version_diff,
    );
    editor_routes::<VersionKind>(r, "versions");
    resources::routes::<Template>(r, true);
    r.api(
        Method::GET,
        "/api/v1/templates/{id}/text",
        edit,
        ApiDoc {
            response: Some("TextView"),
            ..doc("A template's text, numbered and checked", "templates")
        },
        text_get::<TemplateKind>,
    );
    editor_routes::<TemplateKind>(r, "templates");
    r.api(
        Method::GET,
        "/api/v1/library",
        edit,
        ApiDoc {
            response: Some("LibraryClause"),
            paged: true,
            params: Some(query_params::<LibraryQuery>),
            ..doc("Search the clause library (?q=&section=&category=)", "library")
        },
        library_search,
    );
    resources::routes::<LibraryClause>(r, false);
    r.api(
        Method::GET,
        "/api/v1/library/{id}/usages",
        edit,
        ApiDoc {
            response: Some("Usage"),
            array: true,
            ..doc("Templates and versions using a library clause (array)", "library")
        },
        library_usages,
    )
    .api(
        Method::POST,
        "/api/v1/library/{id}/propagate",
        edit,
        ApiDoc {
            response: Some("Propagated"),
            ..doc("Bring templates and drafts up to the library clause's text", "library")
        },
        library_propagate,
    );
    r.api(
        Method::GET,
        "/api/v1/documents/{id}/register",
        view,
        ApiDoc {
            response: Some("RegisterRow"),
            array: true,
            ..doc("The revision register (array of rows)", "workflow")
        },
        register,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/pdf",
        view,
        ApiDoc {
            params: Some(query_params::<PartsQuery>),
            content: Some("application/pdf"),
            ..doc("The sheets as PDF (document, acknowledgement sheet, register)", "pdf")
        },
        pdf,
    );
}

/// The edit endpoints of a text (a version or a template).
fn editor_routes<K: OwnerKind>(r: &mut Router, tag: &str) {
    let edit = Access::Roles(DOC_EDIT);
    let base = format!("/api/v1{}", K::BASE);
    let applied = |summary: &str, request: Option<&'static str>| ApiDoc {
        request,
        response: Some("Applied"),
        ..doc(summary, tag)
    };
    r.api(
        Method::POST,
        &format!("{base}/{{id}}/clauses"),
        edit,
        applied("Add a clause", Some("NewClauseBody")),
        clause_add::<K>,
    )
    .api(
        Method::PUT,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        applied("Change a clause's text", Some("TextBody")),
        clause_put::<K>,
    )
    .api(
        Method::DELETE,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        ApiDoc {
            params: Some(query_params::<RevisionQuery>),
            ..applied("Remove a clause (?expected_revision=)", None)
        },
        clause_delete::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/move"),
        edit,
        applied("Move a clause up, down, in or out", Some("MoveBody")),
        clause_move::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/library-update"),
        edit,
        applied("Take the library's current text into a clause", Some("RevisionBody")),
        clause_library_update::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/sections"),
        edit,
        applied("Add an optional section", Some("NewSectionBody")),
        section_add::<K>,
    )
    .api(
        Method::PUT,
        &format!("{base}/{{id}}/sections/{{sid}}"),
        edit,
        applied("Rename a section", Some("SectionBody")),
        section_put::<K>,
    )
    .api(
        Method::DELETE,
        &format!("{base}/{{id}}/sections/{{sid}}"),
        edit,
        ApiDoc {
            params: Some(query_params::<RevisionQuery>),
            ..applied("Remove an optional section (?expected_revision=)", None)
        },
        section_delete::<K>,
    );
}

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
    Ok(web::Json(state.db(move |c| library::usages(c, &id)).await?))
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
    let loaded = texts::load(conn, &K::owner(id))?;
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
        .db(move |c| Ok((versions::get(c, &id)?.content, documents::values(c, &id)?)))
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
        .db(move |c| Ok((versions::get(c, &q.a)?, versions::get(c, &q.b)?)))
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

/// The revision register.
pub async fn register(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<RegisterRow>>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                documents::get(c, &id)?;
                register::register(c, clock, &id)
            })
            .await?,
    ))
}

/// The sheets of a version as `application/pdf`.
pub async fn pdf(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<PartsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(make_pdf(&state, path.into_inner(), &query.parts).await?)
}
