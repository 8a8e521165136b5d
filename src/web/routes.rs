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

/// Registers one resource, at the given path, into a config.
type Registration = Box<dyn FnOnce(&mut web::ServiceConfig, String)>;

/// Collects the route table and, when given a service config, registers the handlers.
pub struct Router<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    routes: Vec<RouteInfo>,
    /// Resources to register, with their paths, in order.
    pending: Vec<(String, Registration)>,
}

/// The scope a route is registered in: its first segment, or its first three under
/// `/api/v1/`. Paths are matched scope by scope on their static prefix, then by
/// pattern within the scope only: one list of every route would try each route's
/// pattern (a regular expression) in turn until one matched. Scopes never overlap,
/// since every path of a prefix is in that prefix's scope.
fn scope_of(path: &str) -> &str {
    let depth = if path.starts_with("/api/v1/") { 3 } else { 1 };
    let mut end = path.len();
    for (seen, (i, _)) in path.match_indices('/').enumerate() {
        if seen == depth {
            end = i;
            break;
        }
    }
    &path[..end]
}

impl<'a> Router<'a> {
    /// A router that registers into `cfg` (or only records, with `None`).
    pub fn new(cfg: Option<&'a mut web::ServiceConfig>) -> Router<'a> {
        Router {
            cfg,
            routes: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Registers the collected routes: those of a prefix with deeper paths in one
    /// scope (the prefix's own path as the scope's root), the others as they are.
    pub fn finish(self) {
        let Some(cfg) = self.cfg else { return };
        let scoped: Vec<String> = self
            .pending
            .iter()
            .map(|(path, _)| scope_of(path))
            .filter(|prefix| prefix.len() > 1)
            .filter(|prefix| {
                self.pending
                    .iter()
                    .any(|(p, _)| p.len() > prefix.len() && p.starts_with(prefix))
            })
            .map(str::to_string)
            .collect();
        let mut scopes: Vec<(String, Vec<(String, Registration)>)> = Vec::new();
        for (path, register) in self.pending {
            let prefix = scope_of(&path);
            if !scoped.iter().any(|s| s == prefix) {
                register(cfg, path);
                continue;
            }
            let rest = path[prefix.len()..].to_string();
            match scopes.iter_mut().find(|(p, _)| p == prefix) {
                Some((_, list)) => list.push((rest, register)),
                None => scopes.push((prefix.to_string(), vec![(rest, register)])),
            }
        }
        for (prefix, resources) in scopes {
            cfg.service(web::scope(&prefix).configure(|scope| {
                for (rest, register) in resources {
                    register(scope, rest);
                }
            }));
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
        if self.cfg.is_some() {
            let (access, kind, method) = (info.access, info.kind, info.method.clone());
            let register: Registration = Box::new(move |cfg: &mut web::ServiceConfig, path: String| {
                cfg.service(
                    web::resource(path)
                        .guard(guard::Method(method))
                        .wrap(from_fn(move |req, next| super::auth::guard(access, kind, req, next)))
                        .route(web::route().to(handler)),
                );
            });
            self.pending.push((info.path.clone(), register));
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

#[cfg(test)]
mod tests {
    use super::scope_of;

    #[test]
    fn routes_are_scoped_by_first_segment_or_api_resource() {
        assert_eq!(scope_of("/versions/{id}/preview"), "/versions");
        assert_eq!(scope_of("/documents"), "/documents");
        assert_eq!(scope_of("/"), "/");
        assert_eq!(scope_of("/api/v1/versions/{id}"), "/api/v1/versions");
        assert_eq!(scope_of("/api/v1/documents"), "/api/v1/documents");
        assert_eq!(scope_of("/api/v1"), "/api");
    }
}
