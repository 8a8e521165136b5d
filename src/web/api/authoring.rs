//! The text API: a version's or template's text, numbered and checked, and its edits.

use actix_web::http::header::ContentType;
use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::checks::Finding;
use crate::domain::document::{Content, Move, SectionKind};
use crate::domain::version::Status;
use crate::services::editing::{self, Applied, Edit};
use crate::services::findings::FindingsCache;
use crate::services::templates::Template;
use crate::services::texts;
use crate::services::{library, ServiceError};
use crate::web::api::resources;
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::{ApiError, AppError};
use crate::web::owner::{OwnerKind, TemplateKind, VersionKind};
use crate::web::resources::{DOC_EDIT, DOC_VIEW};
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the text endpoints: reading and editing a version's or template's text.
pub fn routes(r: &mut Router) {
    let (view, edit) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT));
    r.api(
        Method::GET,
        "/api/v1/versions/{id}",
        view,
        ApiDoc {
            response: Some("TextView"),
            ..doc("A version's text, numbered and checked", "documents")
        },
        text_get::<VersionKind>,
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
        &format!("{base}/{{id}}/clauses/{{cid}}/restore"),
        edit,
        applied("Put a removed clause back where it stood (undo)", Some("RevisionBody")),
        clause_restore::<K>,
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
    )
    .api(
        Method::PUT,
        &format!("{base}/{{id}}/language"),
        edit,
        applied(
            "Set the language the text is written and printed in (`ru`, `bg`)",
            Some("LanguageBody"),
        ),
        language_put::<K>,
    );
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

fn text_view<K: OwnerKind>(
    conn: &mut crate::db::DbConn,
    findings: &FindingsCache,
    id: &str,
) -> Result<TextView, ServiceError> {
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
    let checks = findings
        .of(
            &K::editor_url(id),
            loaded.revision,
            &loaded.content,
            described.values.as_ref(),
        )
        .to_vec();
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
    read_at: ReadAt,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let key = format!("{}/{id}/{}", K::BASE, crate::i18n::current().code());
    let mut kept = state.views.text.get(read_at.0, &key);
    let _turn = match kept {
        Some(_) => None,
        None => {
            let turn = crate::services::views::turn(&key).await;
            kept = state.views.text.get(read_at.0, &key);
            Some(turn)
        }
    };
    let body = match kept {
        Some(b) => b,
        None => {
            let findings = state.findings.clone();
            let view = state.db(move |c| text_view::<K>(c, &findings, &id)).await?;
            let b =
                web::Bytes::from(serde_json::to_vec(&view).map_err(|e| AppError::Internal(format!("text view: {e}")))?);
            state.views.text.put(read_at.0, &key, b.clone());
            b
        }
    };
    Ok(crate::web::kept::sliced(
        ContentType::json().essence_str(),
        std::slice::from_ref(&body),
        &web::Bytes::new(),
    ))
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
    /// Insert right after this clause, at its level (else at the end of the section).
    #[serde(default)]
    pub after_id: Option<String>,
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

/// The language of a text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LanguageBody {
    pub language: crate::domain::language::DocLanguage,
    pub expected_revision: i64,
}

/// Sets the language of a text.
pub async fn language_put<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<LanguageBody>,
) -> Result<web::Json<Applied>, ApiError> {
    let b = body.into_inner();
    let edit = Edit::SetLanguage { language: b.language };
    apply::<K>(&state, &user, path.into_inner(), b.expected_revision, edit).await
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
        after_id: b.after_id,
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

/// Puts a removed clause back where it stood, with its sub-clauses.
pub async fn clause_restore<K: OwnerKind>(
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
        Edit::RestoreClause { clause_id },
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
