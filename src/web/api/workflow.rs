//! The workflow API: a version's workflow and what the caller may do, the
//! transitions, and what waits for whom.

use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::actions::Actions;
use crate::services::documents;
use crate::services::facts::{self, Facts};
use crate::services::inbox::{self, InFlight, ReviewDue, Task};
use crate::services::routes::{self, RouteInput};
use crate::services::versions::{Version, VersionState};
use crate::services::workflow::{self, ApproveInput, VisaInput};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiError;
use crate::web::resources::{DOC_EDIT, DOC_VIEW};
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the workflow endpoints.
pub fn routes(r: &mut Router) {
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
        get,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/send",
        edit,
        state("Send a draft for agreement", None),
        send,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/visa",
        any,
        state("Give a visa (agree, agree with remarks, reject)", Some("VisaInput")),
        visa,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/approve",
        any,
        state("Approve (the route's approver)", Some("ApproveInput")),
        approve,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/reject",
        any,
        state("Return to draft at approval", Some("CommentBody")),
        reject,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/withdraw",
        edit,
        state("Withdraw an approved version", Some("CommentBody")),
        withdraw,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/editorial",
        edit,
        state("Mark a draft as editorial", Some("EditorialBody")),
        editorial,
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
        comment,
    )
    .api(
        Method::POST,
        "/api/v1/versions/{id}/remarks/{rid}/answers",
        edit,
        ApiDoc {
            request: Some("AnswerBody"),
            status: 204,
            ..doc("Answer an agreer's remark on a clause (HR)", "workflow")
        },
        answer,
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
        new_revision,
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
        my_inbox,
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
        in_flight,
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
        reviews,
    );
}

/// A version's workflow: its state, route (logins), and whom it waits for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkflowView {
    pub state: VersionState,
    pub route: Option<RouteInput>,
    /// Logins of the agreers (or the approver) the version waits for now.
    pub waiting_for: Vec<String>,
    /// What the caller may do now.
    pub actions: Actions,
}

/// The workflow state of a version.
pub async fn get(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<WorkflowView>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                let facts = Facts::load(c, &id)?;
                let route = routes::effective_route(c, &facts.state)?;
                let logins = route.as_ref().map(|r| routes::route_logins(c, r)).transpose()?;
                let waiting_for = routes::logins_of(c, &facts.situation().waiting_for())?;
                let actions = facts::actions(c, &user.0, &facts, clock.today())?;
                Ok(WorkflowView {
                    state: facts.state,
                    route: logins,
                    waiting_for,
                    actions,
                })
            })
            .await?,
    ))
}

/// Sends a draft for agreement.
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<VersionState>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::send(c, clock, &user.0, &id))
            .await?,
    ))
}

/// Gives a visa.
pub async fn visa(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<VisaInput>,
) -> Result<web::Json<VersionState>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::give_visa(c, clock, &user.0, &id, &input))
            .await?,
    ))
}

/// Approves.
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<ApproveInput>,
) -> Result<web::Json<VersionState>, ApiError> {
    let (id, input, policy) = (path.into_inner(), body.into_inner(), state.rules());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::approve(c, clock, &user.0, &id, &input, &policy))
            .await?,
    ))
}

/// A reason, required for rejections and withdrawals.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CommentBody {
    #[serde(default)]
    pub comment: String,
}

/// Returns a version awaiting approval to draft.
pub async fn reject(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<CommentBody>,
) -> Result<web::Json<VersionState>, ApiError> {
    let (id, comment) = (path.into_inner(), body.into_inner().comment);
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::reject_approval(c, clock, &user.0, &id, &comment))
            .await?,
    ))
}

/// Withdraws an approved version.
pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<CommentBody>,
) -> Result<web::Json<VersionState>, ApiError> {
    let (id, comment) = (path.into_inner(), body.into_inner().comment);
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::withdraw(c, clock, &user.0, &id, &comment))
            .await?,
    ))
}

/// Marks a draft as editorial.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EditorialBody {
    pub editorial: bool,
}

/// Sets the editorial mark of a draft.
pub async fn editorial(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<EditorialBody>,
) -> Result<web::Json<VersionState>, ApiError> {
    let (id, on) = (path.into_inner(), body.editorial);
    Ok(web::Json(
        state
            .with_clock(move |c, clock| workflow::set_editorial(c, clock, &user.0, &id, on))
            .await?,
    ))
}

/// A comment on one clause.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClauseCommentBody {
    pub clause_id: String,
    pub text: String,
}

/// Comments on a clause during agreement.
pub async fn comment(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<ClauseCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, b) = (path.into_inner(), body.into_inner());
    state
        .with_clock(move |c, clock| workflow::comment_clause(c, clock, &user.0, &id, &b.clause_id, &b.text))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// HR's answer to a remark.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    pub text: String,
}

/// Answers an agreer's remark; the remark's author is notified.
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<AnswerBody>,
) -> Result<HttpResponse, ApiError> {
    let ((id, remark), b) = (path.into_inner(), body.into_inner());
    state
        .with_clock(move |c, clock| workflow::answer_remark(c, clock, &user.0, &id, &remark, &b.text))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts the next revision (the newest version must be approved).
pub async fn new_revision(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let v: Version = state
        .with_clock(move |c, clock| documents::new_version(c, clock, &user.0.login, &id))
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// What waits for the caller.
pub async fn my_inbox(state: web::Data<AppState>, user: CurrentUser) -> Result<web::Json<Vec<Task>>, ApiError> {
    let cache = state.waiting.clone();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| inbox::inbox(c, clock, &cache, &user.0))
            .await?,
    ))
}

/// Everything in agreement or awaiting approval.
pub async fn in_flight(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Vec<InFlight>>, ApiError> {
    let cache = state.waiting.clone();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| inbox::in_flight(c, clock, &cache))
            .await?,
    ))
}

/// Job descriptions due for review.
pub async fn reviews(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Vec<ReviewDue>>, ApiError> {
    let today = state.today();
    Ok(web::Json(state.db(move |c| inbox::reviews_due(c, today)).await?))
}
