//! HTTP: pages and the JSON API, their route table, guard, sessions and templates.

pub mod api;
pub mod auth;
pub mod client;
pub mod csv;
pub mod error;
pub mod forms;
pub mod headers;
pub mod input;
pub mod kept;
pub mod locale;
pub mod owner;
pub mod pages;
pub mod pdf;
pub mod queries;
pub mod resources;
pub mod routes;
pub mod session;
pub mod state;
pub mod templates;
pub mod upload;

use crate::domain::account::User;
use crate::domain::staff::{Assignment, Employee};
use crate::domain::structure::{Department, Position};
use crate::services::templates::Template;
use crate::web::owner::{TemplateKind, VersionKind};
use routes::Router;

/// Registers every route, each module its own; the order is the navigation order.
pub fn register(r: &mut Router) {
    use pages::resources::routes as resource_pages;
    pages::login::routes(r);
    pages::meta::routes(r);
    pages::dashboard::routes(r);
    pages::held::routes(r);
    pages::organization::routes(r);
    resource_pages::<Department>(r, Some("nav.departments"));
    resource_pages::<Position>(r, Some("nav.positions"));
    resource_pages::<Employee>(r, Some("nav.employees"));
    resource_pages::<Assignment>(r, Some("nav.assignments"));
    pages::documents::routes(r);
    pages::bulk::routes(r);
    pages::editor::routes::<VersionKind>(r);
    resource_pages::<Template>(r, Some("nav.templates"));
    pages::editor::routes::<TemplateKind>(r);
    pages::library::routes(r);
    pages::imports::routes(r);
    api::imports::routes(r);
    pages::workflow::routes(r);
    pages::routing::routes(r);
    pages::acknowledgements::routes(r);
    pages::pdf::routes(r);
    pages::substitutes::routes(r);
    resource_pages::<User>(r, Some("nav.users"));
    pages::accounts::routes(r);
    pages::evidence::routes(r);
    pages::log::routes(r);
    pages::mail::routes(r);
    pages::language::routes(r);
    pages::webhooks::routes(r);

    use api::resources::routes as resource_api;
    api::misc::routes(r);
    resource_api::<Department>(r, true);
    resource_api::<Position>(r, true);
    resource_api::<Employee>(r, true);
    resource_api::<Assignment>(r, true);
    resource_api::<User>(r, true);
    api::documents::routes(r);
    api::authoring::routes(r);
    api::library::routes(r);
    api::workflow::routes(r);
    api::routing::routes(r);
    api::acknowledgements::routes(r);
    api::substitutes::routes(r);
}
