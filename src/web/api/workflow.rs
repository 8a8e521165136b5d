//! The workflow API: transitions, routes, inbox, acknowledgements, coverage, register.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::register::RegisterRow;
use crate::services::acknowledgements::{self, Acknowledgement, CoverageRow, Evidence, PaperInput};
use crate::services::documents::{self, Version};
use crate::services::inbox::{self, InFlight, ReviewDue, Task};
use crate::services::substitutes::{self, Substitution, SubstitutionInput};
use crate::services::workflow::{self, ApproveInput, RouteInput, VersionState, VisaInput};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::resources::DOC_EDIT;
use crate::web::routes::Access;
use crate::web::AppState;

/// A version's workflow: its state, route (logins), and whom it waits for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkflowView {
    pub state: VersionState,
    pub route: Option<RouteInput>,
    /// Logins of the agreers (or the approver) the version waits for now.
    pub waiting_for: Vec<String>,
}

/// The workflow state of a version.
pub async fn get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<WorkflowView>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .db(move |c| {
                let s = workflow::state(c, &id)?;
                let route = workflow::effective_route(c, &s)?;
                let logins = route.as_ref().map(|r| workflow::route_logins(c, r)).transpose()?;
                let waiting = match (&s.route, s.status) {
                    (Some(r), crate::domain::version::Status::InAgreement) => {
                        r.waiting_for(&workflow::given_visas(c, &id, s.round)?)
                    }
                    (Some(r), crate::domain::version::Status::AwaitingApproval) => vec![r.approver.clone()],
                    _ => Vec::new(),
                };
                let waiting_for = workflow::logins_of(c, &waiting)?;
                Ok(WorkflowView {
                    state: s,
                    route: logins,
                    waiting_for,
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
    let (id, input, policy) = (path.into_inner(), body.into_inner(), state.approval_policy());
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
            .with_clock(move |c, clock| workflow::set_editorial(c, clock, &user.0.login, &id, on))
            .await?,
    ))
}

/// Sets a draft's route (logins).
pub async fn put_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<RouteInput>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                let r = workflow::set_version_route(c, clock, &user.0.login, &id, &input)?;
                workflow::route_logins(c, &r)
            })
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
                workflow::register(c, clock, &id)
            })
            .await?,
    ))
}

/// A department's default route (404 until set).
pub async fn get_department_route(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let id = path.into_inner();
    let r = state
        .db(move |c| {
            workflow::department_route(c, &id)?
                .map(|r| workflow::route_logins(c, &r))
                .transpose()
        })
        .await?;
    Ok(web::Json(r.ok_or(AppError::NotFound)?))
}

/// Sets a department's default route.
pub async fn put_department_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<RouteInput>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                let r = workflow::set_department_route(c, clock, &user.0.login, &id, &input)?;
                workflow::route_logins(c, &r)
            })
            .await?,
    ))
}

/// What waits for the caller.
pub async fn my_inbox(state: web::Data<AppState>, user: CurrentUser) -> Result<web::Json<Vec<Task>>, ApiError> {
    Ok(web::Json(
        state
            .with_clock(move |c, clock| inbox::inbox(c, clock, &user.0))
            .await?,
    ))
}

/// Everything in agreement or awaiting approval.
pub async fn in_flight(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Vec<InFlight>>, ApiError> {
    Ok(web::Json(state.with_clock(inbox::in_flight).await?))
}

/// Job descriptions due for review.
pub async fn reviews(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Vec<ReviewDue>>, ApiError> {
    let today = state.today();
    Ok(web::Json(state.db(move |c| inbox::reviews_due(c, today)).await?))
}

/// The caller's acknowledgements (as an employee).
pub async fn my_acknowledgements(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<Acknowledgement>>, ApiError> {
    let Some(employee) = user.0.employee_id.clone() else {
        return Ok(web::Json(Vec::new()));
    };
    Ok(web::Json(
        state.db(move |c| acknowledgements::of_employee(c, &employee)).await?,
    ))
}

/// The password that signs an acknowledgement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignBody {
    pub password: String,
}

/// Signs an acknowledgement electronically.
pub async fn sign(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SignBody>,
) -> Result<web::Json<Acknowledgement>, ApiError> {
    let (id, password, o) = (
        path.into_inner(),
        body.into_inner().password,
        crate::web::client::of(&req),
    );
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| acknowledgements::sign(c, clock, &key, &user.0, &id, &password, &o))
            .await?,
    ))
}

/// Records a paper acknowledgement.
pub async fn paper(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<PaperInput>,
) -> Result<web::Json<Acknowledgement>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| acknowledgements::record_paper(c, clock, &key, &user.0, &id, &input))
            .await?,
    ))
}

/// Everything recorded about one acknowledgement, verified (HR, or the employee).
pub async fn evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Evidence>, ApiError> {
    let id = path.into_inner();
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    let e = state.db(move |c| acknowledgements::evidence(c, &key, &id)).await?;
    let own = user.0.employee_id.as_deref() == Some(e.acknowledgement.employee_id.as_str());
    if !own && !Access::Roles(DOC_EDIT).allows(Some(&user.0)) {
        return Err(AppError::Forbidden.into());
    }
    Ok(web::Json(e))
}

/// Acknowledgement coverage of every version in force.
pub async fn coverage(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Vec<CoverageRow>>, ApiError> {
    let today = state.today();
    Ok(web::Json(
        state.db(move |c| acknowledgements::coverage(c, today)).await?,
    ))
}

/// The caller's substitutions.
pub async fn my_substitutes(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<Substitution>>, ApiError> {
    Ok(web::Json(state.db(move |c| substitutes::of_user(c, &user.0)).await?))
}

/// Names a substitute for the caller.
pub async fn add_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<SubstitutionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let s = state
        .with_clock(move |c, clock| substitutes::add(c, clock, &user.0, &input))
        .await?;
    Ok(HttpResponse::Created().json(s))
}

/// Removes one of the caller's substitutions.
pub async fn remove_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    state
        .with_clock(move |c, clock| substitutes::remove(c, clock, &user.0, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The sheets of a version as `application/pdf`.
pub async fn pdf(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<crate::web::pages::pdf::PartsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(crate::web::pages::pdf::make_pdf(&state, path.into_inner(), &query.parts).await?)
}
