//! HTTP: pages and the JSON API, their route table, guard, sessions and templates.

pub mod api;
pub mod auth;
pub mod client;
pub mod error;
pub mod forms;
pub mod headers;
pub mod input;
pub mod pages;
pub mod resources;
pub mod routes;
pub mod session;
pub mod templates;
pub mod upload;

use std::sync::Arc;

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConn, DbError, Pool};
use crate::domain::account::{Role, User};
use crate::domain::library::LibraryClause;
use crate::domain::staff::{Assignment, Employee};
use crate::domain::structure::{Department, Position};
use crate::services::templates::Template;
use crate::services::ServiceError;
use crate::web::error::{ApiError, AppError, PageError};
use resources::{WebResource, DOC_EDIT, DOC_VIEW, STRUCTURE_EDIT, STRUCTURE_VIEW};
use routes::{Access, ApiDoc, Router};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// The SQLite file opened at start (none on PostgreSQL).
    pub db_file: Option<crate::startup::DbFile>,
}

impl AppState {
    /// Runs blocking database work on the thread pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let result = web::block(move || {
            let mut conn = pool.get().map_err(DbError::Pool)?;
            f(&mut conn)
        })
        .await?;
        Ok(result?)
    }

    /// Runs database work that needs the time (every write does): it is handed the clock.
    pub async fn with_clock<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn, &Clock) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let clock = self.clock.clone();
        self.db(move |conn| f(conn, &clock)).await
    }

    /// Registration format and acknowledgement period.
    pub fn approval_policy(&self) -> crate::services::workflow::ApprovalPolicy {
        crate::services::workflow::ApprovalPolicy {
            registration_format: self.settings.registration_format.clone(),
            acknowledge_days: self.settings.acknowledge_days,
        }
    }

    /// How long browser sessions live.
    pub fn session_lifetime(&self) -> crate::services::sessions::Lifetime {
        crate::services::sessions::Lifetime {
            idle: self.settings.session_idle,
            absolute: self.settings.session_absolute,
        }
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}

/// A redirect after a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

const LOG_READERS: &[Role] = &[Role::Admin, Role::Hr];

/// An API route's documentation with the usual defaults.
pub(crate) fn doc(summary: &str, tag: &str) -> ApiDoc {
    ApiDoc {
        summary: summary.to_string(),
        tag: tag.to_string(),
        status: 200,
        ..ApiDoc::default()
    }
}

/// The generic pages of a resource; `nav: None` when its list page is its own.
fn resource_pages<R: WebResource>(r: &mut Router, nav: Option<&'static str>) {
    let base = format!("/{}", R::PATH);
    let (view, edit) = (Access::Roles(R::VIEW), Access::Roles(R::EDIT));
    if let Some(nav) = nav {
        r.nav_page(&base, view, nav, pages::resources::list::<R>);
    }
    r.page(Method::GET, &format!("{base}/new"), edit, pages::resources::new::<R>)
        .page(Method::POST, &base, edit, pages::resources::create::<R>)
        .page(
            Method::GET,
            &format!("{base}/{{id}}"),
            edit,
            pages::resources::edit::<R>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}"),
            edit,
            pages::resources::update::<R>,
        )
        .page(
            Method::POST,
            &format!("{base}/{{id}}/delete"),
            edit,
            pages::resources::delete::<R>,
        );
}

/// The generic API of a resource; `list: false` when its list endpoint is its own.
fn resource_api<R: WebResource>(r: &mut Router, list: bool) {
    let base = format!("/api/v1/{}", R::PATH);
    let one = format!("{base}/{{id}}");
    let (view, edit) = (Access::Roles(R::VIEW), Access::Roles(R::EDIT));
    let tag = R::PATH;
    if list {
        r.api(
            Method::GET,
            &base,
            view,
            ApiDoc {
                response: Some(R::SCHEMA),
                paged: true,
                ..doc(&format!("List {}", R::PATH), tag)
            },
            api::resources::list::<R>,
        );
    }
    r.api(
        Method::POST,
        &base,
        edit,
        ApiDoc {
            request: Some(R::INPUT_SCHEMA),
            response: Some(R::SCHEMA),
            status: 201,
            ..doc(&format!("Create a {}", R::ENTITY), tag)
        },
        api::resources::create::<R>,
    )
    .api(
        Method::GET,
        &one,
        view,
        ApiDoc {
            response: Some(R::SCHEMA),
            ..doc(&format!("Read a {}", R::ENTITY), tag)
        },
        api::resources::get::<R>,
    )
    .api(
        Method::PUT,
        &one,
        edit,
        ApiDoc {
            request: Some(R::INPUT_SCHEMA),
            response: Some(R::SCHEMA),
            ..doc(&format!("Update a {}", R::ENTITY), tag)
        },
        api::resources::update::<R>,
    )
    .api(
        Method::DELETE,
        &one,
        edit,
        ApiDoc {
            status: 204,
            ..doc(&format!("Delete a {}", R::ENTITY), tag)
        },
        api::resources::delete::<R>,
    );
}

/// Registers every route; the order is the navigation order.
pub fn register(r: &mut Router) {
    use pages::{dashboard, log, login, organization};
    r.page(Method::GET, "/login", Access::Public, login::form)
        .page(Method::POST, "/login", Access::Public, login::submit)
        .page(Method::POST, "/logout", Access::Authenticated, login::logout)
        .page(Method::GET, "/healthz", Access::Public, health)
        .page(Method::GET, "/static/style.css", Access::Public, style)
        .nav_page("/", Access::Authenticated, "nav.dashboard", dashboard::show)
        .nav_page(
            "/organization",
            Access::Roles(STRUCTURE_EDIT),
            "nav.organization",
            organization::show,
        )
        .page(
            Method::POST,
            "/organization",
            Access::Roles(STRUCTURE_EDIT),
            organization::save,
        );
    resource_pages::<Department>(r, Some("nav.departments"));
    resource_pages::<Position>(r, Some("nav.positions"));
    resource_pages::<Employee>(r, Some("nav.employees"));
    resource_pages::<Assignment>(r, Some("nav.assignments"));
    authoring_pages(r);
    pages::imports::routes(r);
    api::imports::routes(r);
    workflow_pages(r);
    resource_pages::<User>(r, Some("nav.users"));
    pages::accounts::routes(r);
    pages::evidence::routes(r);
    r.nav_page("/log", Access::Roles(LOG_READERS), "nav.log", log::show);

    use api::misc;
    r.api(
        Method::POST,
        "/api/v1/auth/token",
        Access::Public,
        ApiDoc {
            request: Some("TokenRequest"),
            response: Some("TokenResponse"),
            status: 201,
            ..doc("Exchange a login and password for a bearer token", "auth")
        },
        misc::issue_token,
    )
    .api(
        Method::DELETE,
        "/api/v1/auth/token",
        Access::Authenticated,
        ApiDoc {
            status: 204,
            ..doc("Revoke the token of this request", "auth")
        },
        misc::revoke_token,
    )
    .api(
        Method::GET,
        "/api/v1/me",
        Access::Authenticated,
        ApiDoc {
            response: Some("User"),
            ..doc("The calling user", "auth")
        },
        misc::me,
    )
    .api(
        Method::GET,
        "/api/v1/openapi.json",
        Access::Authenticated,
        doc("This OpenAPI document", "meta"),
        api::openapi::serve,
    )
    .api(
        Method::GET,
        "/api/v1/organization",
        Access::Roles(STRUCTURE_VIEW),
        ApiDoc {
            response: Some("Organization"),
            ..doc("The organisation's details", "organization")
        },
        misc::get_organization,
    )
    .api(
        Method::PUT,
        "/api/v1/organization",
        Access::Roles(STRUCTURE_EDIT),
        ApiDoc {
            request: Some("Organization"),
            response: Some("Organization"),
            ..doc("Set the organisation's details", "organization")
        },
        misc::put_organization,
    )
    .api(
        Method::GET,
        "/api/v1/log",
        Access::Roles(LOG_READERS),
        ApiDoc {
            response: Some("Entry"),
            array: true,
            params: Some(routes::query_params::<api::misc::LogQuery>),
            ..doc("Newest change-log entries (array)", "log")
        },
        misc::log,
    )
    .api(
        Method::GET,
        "/api/v1/log/verify",
        Access::Roles(LOG_READERS),
        ApiDoc {
            response: Some("Verification"),
            ..doc("Recompute the change log's hash chain", "log")
        },
        misc::verify_log,
    );
    resource_api::<Department>(r, true);
    resource_api::<Position>(r, true);
    resource_api::<Employee>(r, true);
    resource_api::<Assignment>(r, true);
    resource_api::<User>(r, true);
    authoring_api(r);
    workflow_api(r);
}

/// Transitions, routes, register, acknowledgement, coverage, substitutes.
fn workflow_pages(r: &mut Router) {
    use pages::workflow as w;
    let (view, edit, any) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT), Access::Authenticated);
    r.page(Method::POST, "/versions/{id}/send", edit, w::send)
        .page(Method::POST, "/versions/{id}/visa", any, w::visa)
        .page(Method::POST, "/versions/{id}/comments", any, w::comment)
        .page(Method::POST, "/versions/{id}/approve", any, w::approve)
        .page(Method::POST, "/versions/{id}/reject", any, w::reject)
        .page(Method::POST, "/versions/{id}/withdraw", edit, w::withdraw)
        .page(Method::POST, "/versions/{id}/editorial", edit, w::editorial)
        .page(Method::GET, "/versions/{id}/route", edit, w::version_route)
        .page(Method::POST, "/versions/{id}/route", edit, w::save_version_route)
        .page(Method::POST, "/documents/{id}/revisions", edit, w::new_revision)
        .page(Method::GET, "/documents/{id}/register", view, w::register)
        .page(Method::GET, "/departments/{id}/route", edit, w::department_route)
        .page(Method::POST, "/departments/{id}/route", edit, w::save_department_route)
        .page(Method::GET, "/acknowledgements/{id}", any, w::acknowledgement)
        .page(Method::POST, "/acknowledgements/{id}/sign", any, w::sign)
        .page(Method::POST, "/acknowledgements/{id}/paper", edit, w::paper)
        .page(Method::GET, "/acknowledgements/{id}/evidence", any, w::evidence)
        .nav_page("/coverage", edit, "nav.coverage", w::coverage)
        .page(Method::GET, "/versions/{id}/pdf", view, pages::pdf::download)
        .page(Method::GET, "/verify/{hash}", Access::Public, pages::pdf::verify)
        .nav_page("/substitutes", any, "nav.substitutes", w::substitutes_page)
        .page(Method::POST, "/substitutes", any, w::add_substitute)
        .page(Method::POST, "/substitutes/{id}/delete", any, w::remove_substitute);
}

fn workflow_api(r: &mut Router) {
    use api::workflow as w;
    let (view, edit, any) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT), Access::Authenticated);
    let state = |summary: &str, request: Option<&'static str>| ApiDoc {
        request,
        response: Some("VersionState"),
        ..doc(summary, "workflow")
    };
    r.api(
        Method::GET,
        "/api/v1/versions/{id}/workflow",
        view,
        ApiDoc {
            response: Some("WorkflowView"),
            ..doc("A version's workflow state, route and whom it waits for", "workflow")
        },
        w::get,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/send",
        edit,
        state("Send a draft for agreement", None),
        w::send,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/visa",
        any,
        state("Give a visa (agree, agree with remarks, reject)", Some("VisaInput")),
        w::visa,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/approve",
        any,
        state("Approve (the route's approver)", Some("ApproveInput")),
        w::approve,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/reject",
        any,
        state("Return to draft at approval", Some("CommentBody")),
        w::reject,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/withdraw",
        edit,
        state("Withdraw an approved version", Some("CommentBody")),
        w::withdraw,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/editorial",
        edit,
        state("Mark a draft as editorial", Some("EditorialBody")),
        w::editorial,
    )
    .api(
        Method::PUT,
        "/api/v1/versions/{id}/route",
        edit,
        ApiDoc {
            request: Some("RouteInput"),
            response: Some("RouteInput"),
            ..doc("Set a draft's route (logins)", "workflow")
        },
        w::put_route,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/comments",
        any,
        ApiDoc {
            request: Some("ClauseCommentBody"),
            status: 204,
            ..doc("Comment on a clause during agreement", "workflow")
        },
        w::comment,
    )
    .api(
        Method::POST,
        "/api/v1/documents/{id}/revisions",
        edit,
        ApiDoc {
            response: Some("Version"),
            status: 201,
            ..doc("Start the next revision of an approved job description", "workflow")
        },
        w::new_revision,
    )
    .api(
        Method::GET,
        "/api/v1/documents/{id}/register",
        view,
        ApiDoc {
            response: Some("RegisterRow"),
            array: true,
            ..doc("The revision register (array of rows)", "workflow")
        },
        w::register,
    )
    .api(
        Method::GET,
        "/api/v1/departments/{id}/route",
        edit,
        ApiDoc {
            response: Some("RouteInput"),
            ..doc("A department's default route", "workflow")
        },
        w::get_department_route,
    )
    .api(
        Method::PUT,
        "/api/v1/departments/{id}/route",
        edit,
        ApiDoc {
            request: Some("RouteInput"),
            response: Some("RouteInput"),
            ..doc("Set a department's default route", "workflow")
        },
        w::put_department_route,
    )
    .api(
        Method::GET,
        "/api/v1/inbox",
        any,
        ApiDoc {
            response: Some("Task"),
            array: true,
            ..doc("What waits for the caller (array)", "workflow")
        },
        w::my_inbox,
    )
    .api(
        Method::GET,
        "/api/v1/in-flight",
        edit,
        ApiDoc {
            response: Some("InFlight"),
            array: true,
            ..doc("Versions in agreement or awaiting approval (array)", "workflow")
        },
        w::in_flight,
    )
    .api(
        Method::GET,
        "/api/v1/reviews",
        edit,
        ApiDoc {
            response: Some("ReviewDue"),
            array: true,
            ..doc("Job descriptions due for review (array)", "workflow")
        },
        w::reviews,
    )
    .api(
        Method::GET,
        "/api/v1/acknowledgements",
        any,
        ApiDoc {
            response: Some("Acknowledgement"),
            array: true,
            ..doc("The caller's acknowledgements (array)", "acknowledgements")
        },
        w::my_acknowledgements,
    )
    .api(
        Method::POST,
        "/api/v1/acknowledgements/{id}/sign",
        any,
        ApiDoc {
            request: Some("SignBody"),
            response: Some("Acknowledgement"),
            ..doc(
                "Sign with the password (simple electronic signature)",
                "acknowledgements",
            )
        },
        w::sign,
    )
    .api(
        Method::POST,
        "/api/v1/acknowledgements/{id}/paper",
        edit,
        ApiDoc {
            request: Some("PaperInput"),
            response: Some("Acknowledgement"),
            ..doc("Record a paper signature", "acknowledgements")
        },
        w::paper,
    )
    .api(
        Method::GET,
        "/api/v1/acknowledgements/{id}/evidence",
        any,
        ApiDoc {
            response: Some("Evidence"),
            ..doc(
                "Everything recorded about an acknowledgement, verified",
                "acknowledgements",
            )
        },
        w::evidence,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/pdf",
        view,
        ApiDoc {
            params: Some(routes::query_params::<pages::pdf::PartsQuery>),
            content: Some("application/pdf"),
            ..doc("The sheets as PDF (document, acknowledgement sheet, register)", "pdf")
        },
        w::pdf,
    )
    .api(
        Method::GET,
        "/api/v1/coverage",
        edit,
        ApiDoc {
            response: Some("CoverageRow"),
            array: true,
            ..doc("Acknowledgement coverage by position (array)", "acknowledgements")
        },
        w::coverage,
    )
    .api(
        Method::GET,
        "/api/v1/substitutes",
        any,
        ApiDoc {
            response: Some("Substitution"),
            array: true,
            ..doc("The caller's substitutions (array)", "workflow")
        },
        w::my_substitutes,
    )
    .api(
        Method::POST,
        "/api/v1/substitutes",
        any,
        ApiDoc {
            request: Some("SubstitutionInput"),
            response: Some("Substitution"),
            status: 201,
            ..doc("Name a substitute for a period", "workflow")
        },
        w::add_substitute,
    )
    .api(
        Method::DELETE,
        "/api/v1/substitutes/{id}",
        any,
        ApiDoc {
            status: 204,
            ..doc("Remove one of your substitutions", "workflow")
        },
        w::remove_substitute,
    );
}

/// Job descriptions, templates, the library and the editor.
fn authoring_pages(r: &mut Router) {
    use pages::{documents, editor, library};
    let (view, edit) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT));
    r.nav_page("/documents", view, "nav.documents", documents::list)
        .page(Method::GET, "/documents/new", edit, documents::new)
        .page(Method::POST, "/documents", edit, documents::create)
        .page(Method::GET, "/documents/{id}", view, documents::show)
        .page(Method::GET, "/documents/{id}/compare", view, documents::compare)
        .page(Method::GET, "/versions/{id}", view, editor::show::<editor::VersionKind>)
        .page(Method::GET, "/versions/{id}/preview", view, documents::preview);
    editor_pages::<editor::VersionKind>(r);
    resource_pages::<Template>(r, Some("nav.templates"));
    r.page(
        Method::GET,
        "/templates/{id}/text",
        edit,
        editor::show::<editor::TemplateKind>,
    );
    editor_pages::<editor::TemplateKind>(r);
    r.nav_page("/library", edit, "nav.library", library::list);
    resource_pages::<LibraryClause>(r, None);
    r.page(Method::GET, "/library/{id}/usage", edit, library::usage).page(
        Method::POST,
        "/library/{id}/propagate",
        edit,
        library::propagate,
    );
}

/// The edit routes of a text (a version or a template).
fn editor_pages<K: pages::editor::OwnerKind>(r: &mut Router) {
    use pages::editor as e;
    let edit = Access::Roles(DOC_EDIT);
    let base = K::BASE;
    r.page(
        Method::GET,
        &format!("{base}/{{id}}/clauses/new"),
        edit,
        e::new_clause::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/clauses"),
        edit,
        e::add_clause::<K>,
    )
    .page(
        Method::GET,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        e::edit_clause::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        e::save_clause::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/delete"),
        edit,
        e::delete_clause::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/move"),
        edit,
        e::move_clause::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/library-update"),
        edit,
        e::library_update::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/sections"),
        edit,
        e::add_section::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/sections/{{sid}}"),
        edit,
        e::rename_section::<K>,
    )
    .page(
        Method::POST,
        &format!("{base}/{{id}}/sections/{{sid}}/delete"),
        edit,
        e::delete_section::<K>,
    );
}

fn authoring_api(r: &mut Router) {
    use api::authoring as a;
    use pages::editor::{TemplateKind, VersionKind};
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
        a::placeholders,
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
        a::documents_list,
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
        a::documents_create,
    )
    .api(
        Method::GET,
        "/api/v1/documents/{id}",
        view,
        ApiDoc {
            response: Some("JobDescription"),
            ..doc("A job description with its versions", "documents")
        },
        a::document_get,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}",
        view,
        ApiDoc {
            response: Some("TextView"),
            ..doc("A version's text, numbered and checked", "documents")
        },
        a::text_get::<VersionKind>,
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
        a::version_preview,
    )
    .api(
        Method::GET,
        "/api/v1/diff",
        view,
        ApiDoc {
            response: Some("Diff"),
            params: Some(routes::query_params::<api::authoring::DiffQuery>),
            ..doc(
                "Compare two versions (?a=&b=) clause by clause and word by word",
                "documents",
            )
        },
        a::version_diff,
    );
    editor_api::<VersionKind>(r, "versions");
    resource_api::<Template>(r, true);
    r.api(
        Method::GET,
        "/api/v1/templates/{id}/text",
        edit,
        ApiDoc {
            response: Some("TextView"),
            ..doc("A template's text, numbered and checked", "templates")
        },
        a::text_get::<TemplateKind>,
    );
    editor_api::<TemplateKind>(r, "templates");
    r.api(
        Method::GET,
        "/api/v1/library",
        edit,
        ApiDoc {
            response: Some("LibraryClause"),
            paged: true,
            params: Some(routes::query_params::<pages::library::LibraryQuery>),
            ..doc("Search the clause library (?q=&section=&category=)", "library")
        },
        a::library_search,
    );
    resource_api::<LibraryClause>(r, false);
    r.api(
        Method::GET,
        "/api/v1/library/{id}/usages",
        edit,
        ApiDoc {
            response: Some("Usage"),
            array: true,
            ..doc("Templates and versions using a library clause (array)", "library")
        },
        a::library_usages,
    )
    .api(
        Method::POST,
        "/api/v1/library/{id}/propagate",
        edit,
        ApiDoc {
            response: Some("Propagated"),
            ..doc("Bring templates and drafts up to the library clause's text", "library")
        },
        a::library_propagate,
    );
}

/// The edit endpoints of a text (a version or a template).
fn editor_api<K: pages::editor::OwnerKind>(r: &mut Router, tag: &str) {
    use api::authoring as a;
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
        a::clause_add::<K>,
    )
    .api(
        Method::PUT,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        applied("Change a clause's text", Some("TextBody")),
        a::clause_put::<K>,
    )
    .api(
        Method::DELETE,
        &format!("{base}/{{id}}/clauses/{{cid}}"),
        edit,
        ApiDoc {
            params: Some(routes::query_params::<api::authoring::RevisionQuery>),
            ..applied("Remove a clause (?expected_revision=)", None)
        },
        a::clause_delete::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/move"),
        edit,
        applied("Move a clause up, down, in or out", Some("MoveBody")),
        a::clause_move::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/clauses/{{cid}}/library-update"),
        edit,
        applied("Take the library's current text into a clause", Some("RevisionBody")),
        a::clause_library_update::<K>,
    )
    .api(
        Method::POST,
        &format!("{base}/{{id}}/sections"),
        edit,
        applied("Add an optional section", Some("NewSectionBody")),
        a::section_add::<K>,
    )
    .api(
        Method::PUT,
        &format!("{base}/{{id}}/sections/{{sid}}"),
        edit,
        applied("Rename a section", Some("SectionBody")),
        a::section_put::<K>,
    )
    .api(
        Method::DELETE,
        &format!("{base}/{{id}}/sections/{{sid}}"),
        edit,
        ApiDoc {
            params: Some(routes::query_params::<api::authoring::RevisionQuery>),
            ..applied("Remove an optional section (?expected_revision=)", None)
        },
        a::section_delete::<K>,
    );
}

/// Health for load balancers: the database answers within two seconds, holds this
/// binary's schema, and (SQLite) is still the file that was opened.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let unavailable = |reason: &str| {
        tracing::error!(reason, "health check failed");
        HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable", "reason": reason }))
    };
    if state.db_file.as_ref().is_some_and(|f| !f.unchanged()) {
        return unavailable("the database file was deleted or replaced since start");
    }
    let pool = state.pool.clone();
    let checked = web::block(move || {
        let mut conn = pool.get_timeout(std::time::Duration::from_secs(2)).ok()?;
        Some(crate::db::schema_current(&mut conn))
    })
    .await;
    match checked {
        Ok(Some(true)) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Ok(Some(false)) => unavailable("the database does not hold this version's schema"),
        _ => unavailable("the database does not answer"),
    }
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/style.css"))
}

/// Unknown paths: a problem body under `/api`, a page elsewhere; a known path asked
/// with a method it does not serve answers 405 with the methods it does.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    let allowed = routes::methods_of(req.path());
    let e = if allowed.is_empty() {
        AppError::NotFound
    } else {
        AppError::MethodNotAllowed(allowed.join(", "))
    };
    if req.path().starts_with("/api/") {
        Err(ApiError(e).into())
    } else {
        Err(PageError(e).into())
    }
}

/// Maps JSON body errors to problem bodies.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let e = match &err {
        J::ContentType => AppError::UnsupportedMediaType("expected Content-Type: application/json".into()),
        J::Overflow { .. } | J::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
        J::Deserialize(d) => AppError::BadRequest(format!("malformed JSON: {d}")),
        other => AppError::BadRequest(other.to_string()),
    };
    ApiError(e).into()
}

/// Maps query-string errors to problem bodies (or error pages).
pub fn query_error(err: actix_web::error::QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let e = AppError::BadRequest(format!("query string: {err}"));
    if req.path().starts_with("/api/") {
        ApiError(e).into()
    } else {
        PageError(e).into()
    }
}
