//! The OpenAPI 3.1 document, built from the route table and the types' schemas.

use actix_web::web;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem, PathsBuilder, Ref, RefOr,
    Required, ResponseBuilder, Schema,
};

use crate::domain::account::{User, UserInput};
use crate::domain::change_log::Entry;
use crate::domain::diff::Diff;
use crate::domain::library::{LibraryClause, LibraryInput};
use crate::domain::organization::Organization;
use crate::domain::staff::{Assignment, AssignmentInput, Employee, EmployeeInput};
use crate::domain::structure::{Department, DepartmentInput, Position, PositionInput};
use crate::error::Problem;
use crate::services::documents::{JobDescription, NewDocument};
use crate::services::editing::{Applied, Usage};
use crate::services::templates::{Template, TemplateInput};
use crate::web::api::authoring as a;
use crate::web::api::misc::{TokenRequest, TokenResponse, Verification};
use crate::web::api::workflow as w;
use crate::web::pages::documents::PreviewSection;
use crate::web::routes::{self, Access, Kind};

fn method(m: &actix_web::http::Method) -> Option<HttpMethod> {
    Some(match m.as_str() {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        "PATCH" => HttpMethod::Patch,
        _ => return None,
    })
}

fn json(schema: impl Into<RefOr<Schema>>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn paged(item: &str) -> Schema {
    ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(Ref::from_schema_name(item)))
        .property("total", ObjectBuilder::new().schema_type(Type::Integer))
        .property("page", ObjectBuilder::new().schema_type(Type::Integer))
        .property("per_page", ObjectBuilder::new().schema_type(Type::Integer))
        .required("items")
        .required("total")
        .into()
}

/// Builds the document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for r in routes::table().iter().filter(|r| r.kind == Kind::Api) {
        let (Some(doc), Some(m)) = (&r.doc, method(&r.method)) else {
            continue;
        };
        let mut op = OperationBuilder::new()
            .summary(Some(doc.summary.clone()))
            .tag(doc.tag.clone())
            .operation_id(Some(format!("{} {}", r.method, r.path)));
        for segment in r.path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            op = op.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        if doc.paged {
            for q in ["page", "per_page"] {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(q)
                        .parameter_in(ParameterIn::Query)
                        .required(Required::False)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::Integer))),
                );
            }
        }
        for q in doc.query {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*q)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        if let Some(req) = doc.request {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/json", json(Ref::from_schema_name(req)))
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        let mut ok = ResponseBuilder::new().description("OK");
        if let Some(res) = doc.response {
            ok = if doc.paged {
                ok.content("application/json", json(paged(res)))
            } else if doc.array {
                ok.content(
                    "application/json",
                    json(ArrayBuilder::new().items(Ref::from_schema_name(res))),
                )
            } else {
                ok.content("application/json", json(Ref::from_schema_name(res)))
            };
        }
        op = op.response(doc.status.to_string(), ok.build()).response(
            "default",
            ResponseBuilder::new()
                .description("Problem details (RFC 9457)")
                .content("application/problem+json", json(Ref::from_schema_name("Problem")))
                .build(),
        );
        if r.access != Access::Public {
            op = op.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
        }
        paths = paths.path(r.path.clone(), PathItem::new(m, op.build()));
    }
    let components = ComponentsBuilder::new()
        .security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)))
        .schema_from::<Department>()
        .schema_from::<DepartmentInput>()
        .schema_from::<Position>()
        .schema_from::<PositionInput>()
        .schema_from::<Employee>()
        .schema_from::<EmployeeInput>()
        .schema_from::<Assignment>()
        .schema_from::<AssignmentInput>()
        .schema_from::<User>()
        .schema_from::<UserInput>()
        .schema_from::<Organization>()
        .schema_from::<Entry>()
        .schema_from::<Problem>()
        .schema_from::<TokenRequest>()
        .schema_from::<TokenResponse>()
        .schema_from::<Verification>()
        .schema_from::<NewDocument>()
        .schema_from::<JobDescription>()
        .schema_from::<a::TextView>()
        .schema_from::<PreviewSection>()
        .schema_from::<Diff>()
        .schema_from::<LibraryClause>()
        .schema_from::<LibraryInput>()
        .schema_from::<Template>()
        .schema_from::<TemplateInput>()
        .schema_from::<Usage>()
        .schema_from::<Applied>()
        .schema_from::<a::NewClauseBody>()
        .schema_from::<a::TextBody>()
        .schema_from::<a::MoveBody>()
        .schema_from::<a::RevisionBody>()
        .schema_from::<a::NewSectionBody>()
        .schema_from::<a::SectionBody>()
        .schema_from::<a::Propagated>()
        .schema_from::<a::PlaceholderInfo>()
        .schema_from::<crate::services::workflow::VersionState>()
        .schema_from::<crate::services::workflow::VisaInput>()
        .schema_from::<crate::services::workflow::ApproveInput>()
        .schema_from::<crate::services::workflow::RouteInput>()
        .schema_from::<w::WorkflowView>()
        .schema_from::<w::CommentBody>()
        .schema_from::<w::EditorialBody>()
        .schema_from::<w::ClauseCommentBody>()
        .schema_from::<w::SignBody>()
        .schema_from::<crate::services::documents::Version>()
        .schema_from::<crate::domain::register::RegisterRow>()
        .schema_from::<crate::services::inbox::Task>()
        .schema_from::<crate::services::inbox::InFlight>()
        .schema_from::<crate::services::inbox::ReviewDue>()
        .schema_from::<crate::services::acknowledgements::Acknowledgement>()
        .schema_from::<crate::services::acknowledgements::PaperInput>()
        .schema_from::<crate::services::acknowledgements::Evidence>()
        .schema_from::<crate::services::acknowledgements::CoverageRow>()
        .schema_from::<crate::services::sign_ins::SignIn>()
        .schema_from::<crate::services::sessions::SessionInfo>()
        .schema_from::<crate::services::substitutes::Substitution>()
        .schema_from::<crate::services::substitutes::SubstitutionInput>()
        .schema_from::<crate::services::imports::Import>()
        .schema_from::<crate::services::imports::Source>()
        .schema_from::<crate::web::api::imports::TextImport>()
        .schema_from::<crate::web::api::imports::DraftRequest>()
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("jobdesc API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Job-description authoring and approval. Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`.")),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

/// Serves the document.
pub async fn serve() -> web::Json<OpenApi> {
    web::Json(document())
}
