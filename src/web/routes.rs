//! The route table: every route with its access rule, registered in one place.
//!
//! Registering a route requires its rule, the guard enforces exactly that
//! rule, and the permission test walks this same table.

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{guard, web, FromRequest, Handler, Responder};

use crate::domain::account::{Role, User};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (login, health, static files, verification).
    Public,
    /// Any signed-in user.
    Authenticated,
    /// Signed-in users holding at least one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// True when `user` (None: anonymous) may call the route.
    pub fn allows(&self, user: Option<&User>) -> bool {
        match (self, user) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::Authenticated, Some(_)) => true,
            (Access::Roles(roles), Some(u)) => roles.iter().any(|r| u.has(*r)),
        }
    }
}

/// HTML pages answer with pages and redirects; the API with JSON problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Api,
}

/// How a route is described in the OpenAPI document.
#[derive(Debug, Clone, Default)]
pub struct ApiDoc {
    pub summary: String,
    pub tag: String,
    /// Schema name of the JSON body, if any.
    pub request: Option<&'static str>,
    /// Schema name of the JSON answer, if any.
    pub response: Option<&'static str>,
    /// The answer is a page of `response` items.
    pub paged: bool,
    /// The answer is an array of `response` items.
    pub array: bool,
    /// The query parameters the handler reads (its query type's `IntoParams`).
    pub params: Option<fn() -> Vec<utoipa::openapi::path::Parameter>>,
    /// Success status code.
    pub status: u16,
    /// The answer's media type when it is not JSON (e.g. `application/pdf`).
    pub content: Option<&'static str>,
}

/// An API route's documentation with the usual defaults.
pub fn doc(summary: &str, tag: &str) -> ApiDoc {
    ApiDoc {
        summary: summary.to_string(),
        tag: tag.to_string(),
        status: 200,
        ..ApiDoc::default()
    }
}

/// The query parameters of a handler's query type, for [`ApiDoc::params`].
pub fn query_params<T: utoipa::IntoParams>() -> Vec<utoipa::openapi::path::Parameter> {
    T::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
}

/// One registered route.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: String,
    pub access: Access,
    pub kind: Kind,
    /// Navigation label key, for pages listed in the menu.
    pub nav: Option<&'static str>,
    pub doc: Option<ApiDoc>,
}

/// Collects the route table and, when given a service config, registers the handlers.
pub struct Router<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    routes: Vec<RouteInfo>,
}

impl<'a> Router<'a> {
    /// A router that registers into `cfg` (or only records, with `None`).
    pub fn new(cfg: Option<&'a mut web::ServiceConfig>) -> Router<'a> {
        Router {
            cfg,
            routes: Vec::new(),
        }
    }

    /// The recorded table.
    pub fn into_routes(self) -> Vec<RouteInfo> {
        self.routes
    }

    /// Registers `handler` for `method path` behind the guard of `access`.
    pub fn add<F, Args>(&mut self, info: RouteInfo, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            let (access, kind) = (info.access, info.kind);
            cfg.service(
                web::resource(info.path.as_str())
                    .guard(guard::Method(info.method.clone()))
                    .wrap(from_fn(move |req, next| super::auth::guard(access, kind, req, next)))
                    .route(web::route().to(handler)),
            );
        }
        self.routes.push(info);
        self
    }

    /// A page route.
    pub fn page<F, Args>(&mut self, method: Method, path: &str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(
            RouteInfo {
                method,
                path: path.to_string(),
                access,
                kind: Kind::Page,
                nav: None,
                doc: None,
            },
            handler,
        )
    }

    /// A page route listed in the navigation menu under `label`.
    pub fn nav_page<F, Args>(&mut self, path: &str, access: Access, label: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(
            RouteInfo {
                method: Method::GET,
                path: path.to_string(),
                access,
                kind: Kind::Page,
                nav: Some(label),
                doc: None,
            },
            handler,
        )
    }

    /// An API route with its OpenAPI description.
    pub fn api<F, Args>(&mut self, method: Method, path: &str, access: Access, doc: ApiDoc, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(
            RouteInfo {
                method,
                path: path.to_string(),
                access,
                kind: Kind::Api,
                nav: None,
                doc: Some(doc),
            },
            handler,
        )
    }
}

/// The full route table, as registered.
pub fn table() -> &'static [RouteInfo] {
    static TABLE: std::sync::OnceLock<Vec<RouteInfo>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut r = Router::new(None);
        super::register(&mut r);
        r.into_routes()
    })
}

/// The methods registered for a concrete path (empty when the path is unknown).
pub fn methods_of(path: &str) -> Vec<String> {
    let mut methods: Vec<String> = table()
        .iter()
        .filter(|r| actix_web::dev::ResourceDef::new(r.path.as_str()).is_match(path))
        .map(|r| r.method.to_string())
        .collect();
    methods.sort();
    methods.dedup();
    methods
}
