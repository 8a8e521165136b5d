//! Routes of agreement (маршрут согласования): as people enter them (logins), as
//! stored (user ids), a department's default, and the route a version travels.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::journal::write_tx;
use super::versions::{self, VersionState};
use super::{users, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{department_routes, positions};
use crate::db::DbConn;
use crate::domain::account::{Role, UserId};
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;
use crate::domain::workflow::{Route, WorkflowError};

/// A route as people enter it: logins per stage, and the approver's login.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteInput {
    pub stages: Vec<Vec<String>>,
    pub approver: String,
}

/// Turns logins into user ids and checks each holds the role the route needs.
pub fn resolve_route(conn: &mut DbConn, input: &RouteInput) -> Result<Route, ServiceError> {
    let mut e = FieldErrors::default();
    let mut find = |login: &str, role: Role, field: &str, e: &mut FieldErrors| -> Result<UserId, ServiceError> {
        match users::by_login(conn, login)? {
            Some((u, _)) if u.has(role) => Ok(u.id),
            Some(_) => {
                e.add(field, "wrong_role");
                Ok(UserId::default())
            }
            None => {
                e.add(field, "unknown_reference");
                Ok(UserId::default())
            }
        }
    };
    let mut stages = Vec::new();
    for stage in &input.stages {
        let mut ids = Vec::new();
        for login in stage.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            ids.push(find(login, Role::Agreer, "stages", &mut e)?);
        }
        if !ids.is_empty() {
            stages.push(ids);
        }
    }
    let approver = if input.approver.trim().is_empty() {
        e.add("approver", "required");
        UserId::default()
    } else {
        find(input.approver.trim(), Role::Approver, "approver", &mut e)?
    };
    e.into_result()?;
    let route = Route { stages, approver };
    route
        .validate()
        .map_err(|_| FieldErrors::single("stages", "invalid_route"))?;
    Ok(route)
}

/// The route with logins instead of ids (for forms and display).
pub fn route_logins(conn: &mut DbConn, route: &Route) -> Result<RouteInput, ServiceError> {
    let ids: Vec<&UserId> = route
        .stages
        .iter()
        .flatten()
        .chain(std::iter::once(&route.approver))
        .collect();
    let logins = users::logins(conn, &ids)?;
    let name = |id: &UserId| logins.get(id).cloned().unwrap_or_else(|| id.to_string());
    Ok(RouteInput {
        stages: route.stages.iter().map(|s| s.iter().map(name).collect()).collect(),
        approver: name(&route.approver),
    })
}

/// Logins of some users, in the order given.
pub fn logins_of(conn: &mut DbConn, ids: &[UserId]) -> Result<Vec<String>, ServiceError> {
    let found = users::logins(conn, &ids.iter().collect::<Vec<_>>())?;
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

/// The default route of a department.
pub fn department_route(conn: &mut DbConn, department_id: &str) -> Result<Option<Route>, ServiceError> {
    let json: Option<String> = department_routes::table
        .find(department_id)
        .select(department_routes::route)
        .first(conn)
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| ServiceError::Internal(format!("route: {e}"))))
        .transpose()
}

/// Sets a department's default route.
pub fn set_department_route(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    department_id: &str,
    input: &RouteInput,
) -> Result<Route, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        if !crate::exists!(conn, crate::db::schema::departments, department_id)? {
            return Err(ServiceError::NotFound);
        }
        let route = resolve_route(conn, input)?;
        let before = department_route(conn, department_id)?;
        let json = serde_json::to_string(&route).map_err(|e| ServiceError::Internal(e.to_string()))?;
        diesel::delete(department_routes::table.find(department_id)).execute(conn)?;
        diesel::insert_into(department_routes::table)
            .values((
                department_routes::department_id.eq(department_id),
                department_routes::route.eq(&json),
                department_routes::updated_at.eq(journal.at()),
            ))
            .execute(conn)?;
        journal.record(
            conn,
            "department_route",
            department_id,
            "update",
            before.as_ref(),
            Some(&route),
        )?;
        Ok(route)
    })
}

/// Sets the route of one draft version.
pub fn set_version_route(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    version_id: &str,
    input: &RouteInput,
) -> Result<Route, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let s = versions::state(conn, version_id)?;
        if s.status != Status::Draft {
            return Err(WorkflowError::WrongStatus.into());
        }
        let route = resolve_route(conn, input)?;
        versions::set_route(conn, version_id, &route)?;
        journal.record(conn, "version", version_id, "route_set", s.route.as_ref(), Some(&route))?;
        Ok(route)
    })
}

/// The department of a version's position.
fn department_of(conn: &mut DbConn, version_id: &str) -> Result<String, ServiceError> {
    let position = versions::position_of(conn, version_id)?;
    Ok(positions::table
        .find(position)
        .select(positions::department_id)
        .first(conn)?)
}

/// The route a version would be sent with: its own, else its department's.
pub fn effective_route(conn: &mut DbConn, s: &VersionState) -> Result<Option<Route>, ServiceError> {
    match &s.route {
        Some(r) => Ok(Some(r.clone())),
        None => {
            let dept = department_of(conn, &s.id)?;
            department_route(conn, &dept)
        }
    }
}
