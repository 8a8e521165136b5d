//! The OpenAPI 3.1 document, built from the route table and the types' schemas.

use actix_web::web;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
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
use crate::domain::preview::PreviewSection;
use crate::domain::staff::{Assignment, AssignmentInput, Employee, EmployeeInput};
use crate::domain::structure::{Department, DepartmentInput, Position, PositionInput};
use crate::services::documents::{JobDescription, NewDocument};
use crate::services::editing::Applied;
use crate::services::library::Usage;
use crate::services::templates::{Template, TemplateInput};
use crate::web::api::authoring as a;
use crate::web::api::misc::{TokenRequest, TokenResponse, Verification};
use crate::web::api::workflow as w;
use crate::web::error::Problem;
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

/// Adds `T`'s schema and those it refers to.
fn with<T: utoipa::ToSchema>(components: ComponentsBuilder) -> ComponentsBuilder {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    components.schema_from::<T>().schemas_from_iter(nested)
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
                    .schema(Some(
                        // Record ids are UUIDs; the guard answers 404 for anything else.
                        if crate::web::input::is_id_param(name) {
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                        } else {
                            ObjectBuilder::new().schema_type(Type::String)
                        },
                    )),
            );
        }
        let mut params = doc.params.map(|f| f()).unwrap_or_default();
        if doc.paged && !params.iter().any(|p| p.name == "page") {
            params.extend(routes::query_params::<crate::web::queries::PageQuery>());
        }
        for p in params {
            op = op.parameter(p);
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
        if let Some(kind) = doc.content {
            ok = ok.content(kind, ContentBuilder::new().build());
        }
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
    let mut components =
        ComponentsBuilder::new().security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    // Each type with the types it refers to, so every $ref resolves.
    components = with::<Department>(components);
    components = with::<DepartmentInput>(components);
    components = with::<Position>(components);
    components = with::<PositionInput>(components);
    components = with::<Employee>(components);
    components = with::<EmployeeInput>(components);
    components = with::<Assignment>(components);
    components = with::<AssignmentInput>(components);
    components = with::<User>(components);
    components = with::<UserInput>(components);
    components = with::<Organization>(components);
    components = with::<Entry>(components);
    components = with::<Problem>(components);
    components = with::<TokenRequest>(components);
    components = with::<TokenResponse>(components);
    components = with::<Verification>(components);
    components = with::<NewDocument>(components);
    components = with::<JobDescription>(components);
    components = with::<a::TextView>(components);
    components = with::<PreviewSection>(components);
    components = with::<Diff>(components);
    components = with::<LibraryClause>(components);
    components = with::<LibraryInput>(components);
    components = with::<Template>(components);
    components = with::<TemplateInput>(components);
    components = with::<Usage>(components);
    components = with::<Applied>(components);
    components = with::<a::NewClauseBody>(components);
    components = with::<a::TextBody>(components);
    components = with::<a::MoveBody>(components);
    components = with::<a::RevisionBody>(components);
    components = with::<a::NewSectionBody>(components);
    components = with::<a::SectionBody>(components);
    components = with::<a::LanguageBody>(components);
    components = with::<crate::domain::language::DocLanguage>(components);
    components = with::<crate::web::api::library::Propagated>(components);
    components = with::<crate::web::api::documents::PlaceholderInfo>(components);
    components = with::<crate::services::versions::VersionState>(components);
    components = with::<crate::services::workflow::VisaInput>(components);
    components = with::<crate::services::workflow::ApproveInput>(components);
    components = with::<crate::services::routes::RouteInput>(components);
    components = with::<w::WorkflowView>(components);
    components = with::<w::CommentBody>(components);
    components = with::<w::EditorialBody>(components);
    components = with::<w::ClauseCommentBody>(components);
    components = with::<w::AnswerBody>(components);
    components = with::<crate::web::api::acknowledgements::SignBody>(components);
    components = with::<crate::services::versions::Version>(components);
    components = with::<crate::domain::register::RegisterRow>(components);
    components = with::<crate::services::inbox::Task>(components);
    components = with::<crate::services::inbox::InFlight>(components);
    components = with::<crate::services::inbox::ReviewDue>(components);
    components = with::<crate::services::acknowledgements::Acknowledgement>(components);
    components = with::<crate::services::acknowledgements::PaperInput>(components);
    components = with::<crate::services::acknowledgements::Evidence>(components);
    components = with::<crate::services::coverage::CoverageRow>(components);
    components = with::<crate::services::coverage::CoverageLine>(components);
    components = with::<crate::services::sign_ins::SignIn>(components);
    components = with::<crate::services::sessions::SessionInfo>(components);
    components = with::<crate::services::substitutes::Substitution>(components);
    components = with::<crate::services::mail::Preferences>(components);
    components = with::<crate::web::pages::language::LocaleChoice>(components);
    components = with::<crate::services::mail::OutboxMail>(components);
    components = with::<crate::services::mail::MailPass>(components);
    components = with::<crate::services::bulk::BulkResult>(components);
    components = with::<crate::services::bulk::NewDocuments>(components);
    components = with::<crate::services::bulk::Versions>(components);
    components = with::<crate::services::bulk::PaperSheet>(components);
    components = with::<crate::services::bulk::DepartmentAcknowledgement>(components);
    components = with::<crate::services::bulk::People>(components);
    components = with::<crate::services::webhooks::Webhook>(components);
    components = with::<crate::services::webhooks::WebhookInput>(components);
    components = with::<crate::services::webhooks::Delivery>(components);
    components = with::<crate::services::webhooks::WebhookPass>(components);
    components = with::<crate::services::notifications::Reminded>(components);
    components = with::<crate::services::substitutes::SubstitutionInput>(components);
    components = with::<crate::services::imports::Import>(components);
    components = with::<crate::services::imports::Source>(components);
    components = with::<crate::web::api::imports::TextImport>(components);
    components = with::<crate::web::api::imports::DraftRequest>(components);
    let components = components.build();
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
