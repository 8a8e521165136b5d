//! Errors of the web layer and their one mapping to HTTP answers.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::DbError;
use crate::i18n::strings;
use crate::services::ServiceError;

/// Anything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden for this user")]
    Forbidden,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("payload too large")]
    PayloadTooLarge,
    /// Too many failed sign-ins: retry after this many seconds.
    #[error("too many attempts; retry in {0} s")]
    Throttled(i64),
    #[error("not found")]
    NotFound,
    /// The path exists, with these methods only.
    #[error("method not allowed; allowed: {0}")]
    MethodNotAllowed(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::Service(ServiceError::Db(e))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// "Try again in N seconds", in the UI language (the API's problem and the login page).
pub fn throttled_message(seconds: i64) -> String {
    strings()
        .get("refused.throttled")
        .replace("{seconds}", &seconds.max(1).to_string())
}

/// One field's refusal in a problem body.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem details, as every API error is answered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Machine-readable reason for 409 answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a stale edit (409, code `stale`): the text's current revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_revision: Option<i64>,
    /// For a stale edit: what others changed since the client's revision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<crate::services::texts::StaleChange>,
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Service(ServiceError::Validation(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Service(ServiceError::NotFound) | AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Service(ServiceError::Refused("bad_credentials" | "account_disabled" | "directory_no_role"))
            | AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Service(ServiceError::Refused("directory_unavailable")) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Service(ServiceError::Refused(_) | ServiceError::Stale { .. }) => StatusCode::CONFLICT,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Service(ServiceError::Db(e)) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Service(ServiceError::Db(_) | ServiceError::Internal(_)) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What to tell the person whose request was invalid or refused, in the UI
    /// language; `None` when the error is not theirs to fix (it gets an error page).
    pub fn user_message(&self) -> Option<String> {
        match self {
            AppError::Service(ServiceError::Validation(fe)) => {
                let t = strings();
                Some(
                    fe.0.iter()
                        .map(|f| t.labelled_field_error(f))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            AppError::Service(ServiceError::Refused(_) | ServiceError::Stale { .. }) | AppError::Throttled(_) => {
                self.problem().detail
            }
            _ => None,
        }
    }

    /// The problem body, in the UI language; internal causes go to the log, not the client.
    pub fn problem(&self) -> Problem {
        let t = strings();
        let status = self.status();
        let (title, detail, code, errors) = match self {
            AppError::Service(ServiceError::Validation(fe)) => (
                "problem.validation",
                None,
                None,
                fe.0.iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        code: e.code.clone(),
                        message: t.field_error(e),
                    })
                    .collect(),
            ),
            AppError::Service(ServiceError::NotFound) | AppError::NotFound => ("problem.not_found", None, None, vec![]),
            AppError::Service(ServiceError::Refused(code)) => (
                if matches!(*code, "bad_credentials" | "account_disabled" | "directory_no_role") {
                    "problem.unauthorized"
                } else {
                    "problem.conflict"
                },
                Some(t.get(&format!("refused.{code}"))),
                Some(code.to_string()),
                vec![],
            ),
            AppError::Service(ServiceError::Stale { current, .. }) => (
                "problem.conflict",
                Some(t.get("refused.stale").replace("{revision}", &current.to_string())),
                Some("stale".into()),
                vec![],
            ),
            AppError::Unauthorized => ("problem.unauthorized", None, None, vec![]),
            AppError::Forbidden => ("problem.forbidden", None, None, vec![]),
            AppError::Csrf => (
                "problem.forbidden",
                Some(t.get("problem.csrf")),
                Some("csrf".into()),
                vec![],
            ),
            AppError::BadRequest(d) => ("problem.bad_request", Some(d.clone()), None, vec![]),
            AppError::UnsupportedMediaType(d) => ("problem.unsupported_media_type", Some(d.clone()), None, vec![]),
            AppError::PayloadTooLarge => ("problem.payload_too_large", None, None, vec![]),
            AppError::MethodNotAllowed(allowed) => ("problem.method_not_allowed", Some(allowed.clone()), None, vec![]),
            AppError::Throttled(seconds) => (
                "problem.too_many_requests",
                Some(throttled_message(*seconds)),
                Some("throttled".into()),
                vec![],
            ),
            // Every connection stayed busy for the pool's timeout, or the one in use was
            // lost (a database restart): come back shortly, not a fault of the request.
            AppError::Service(ServiceError::Db(e)) if e.is_unavailable() => {
                tracing::warn!(error = %self, "no database connection free");
                (
                    "problem.unavailable",
                    Some(t.get("problem.busy")),
                    Some("busy".into()),
                    vec![],
                )
            }
            AppError::Service(ServiceError::Db(_) | ServiceError::Internal(_)) | AppError::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                ("problem.internal", Some(t.get("problem.internal")), None, vec![])
            }
        };
        let (current_revision, changes) = match self {
            AppError::Service(ServiceError::Stale { current, changes }) => (Some(*current), changes.clone()),
            _ => (None, Vec::new()),
        };
        Problem {
            kind: "about:blank".into(),
            title: t.get(title),
            status: status.as_u16(),
            detail,
            code,
            errors,
            current_revision,
            changes,
        }
    }
}

/// An error answered as `application/problem+json`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.0.status());
        res.content_type("application/problem+json");
        if matches!(self.0, AppError::Unauthorized) {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let AppError::Throttled(seconds) = self.0 {
            res.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.0.status() == StatusCode::SERVICE_UNAVAILABLE {
            res.insert_header((header::RETRY_AFTER, "5"));
        }
        if let AppError::MethodNotAllowed(allowed) = &self.0 {
            res.insert_header((header::ALLOW, allowed.clone()));
        }
        res.json(self.0.problem())
    }
}

/// An error answered as an HTML page (or a redirect to the login page).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub AppError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError(e.into())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        if matches!(self.0, AppError::Unauthorized) {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        let problem = self.0.problem();
        let mut res = crate::web::templates::error_page(self.0.status(), &problem);
        // The guard, which knows the caller, renders it again with the menu.
        res.extensions_mut().insert(problem);
        res
    }
}

/// Unknown paths: a problem body under `/api`, a page elsewhere; a known path asked
/// with a method it does not serve answers 405 with the methods it does.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    let allowed = super::routes::methods_of(req.path());
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
