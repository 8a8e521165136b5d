//! The workflow of a version: its route, sending, visas, approval, rejection,
//! withdrawal, editorial marking, and the revision register derived from it.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::journal::{write_tx, Journal};
use super::{acknowledgements, documents, new_id, organization, users, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{
    department_routes, jd_versions, job_descriptions as jd, positions, substitutes, users as users_t, visas,
};
use crate::db::DbConn;
use crate::domain::account::{Role, User};
use crate::domain::checks::{check, has_errors};
use crate::domain::diff::diff;
use crate::domain::register::{is_substantive, summarize, RegisterRow};
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;
use crate::domain::workflow::{self as rules, Decision, GivenVisa, Outcome, Route, WorkflowError};

impl From<WorkflowError> for ServiceError {
    fn from(e: WorkflowError) -> Self {
        ServiceError::Refused(e.code())
    }
}

/// Workflow facts of a version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionState {
    pub id: String,
    pub job_description_id: String,
    pub number: i32,
    pub status: Status,
    pub round: i32,
    pub route: Option<Route>,
    pub editorial: bool,
    pub sent_by: Option<String>,
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<NaiveDateTime>,
    pub registration_number: Option<String>,
    pub content_hash: Option<String>,
    pub approved_by: Option<String>,
    #[schema(value_type = Option<String>)]
    pub approved_at: Option<NaiveDateTime>,
    pub effective_date: Option<NaiveDate>,
}

type StateRow = (
    String,
    String,
    i32,
    String,
    i32,
    Option<String>,
    bool,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDate>,
);

/// Loads a version's workflow facts.
pub fn state(conn: &mut DbConn, version_id: &str) -> Result<VersionState, ServiceError> {
    let r: StateRow = jd_versions::table
        .find(version_id)
        .select((
            jd_versions::id,
            jd_versions::job_description_id,
            jd_versions::number,
            jd_versions::status,
            jd_versions::round,
            jd_versions::route,
            jd_versions::editorial,
            jd_versions::sent_by,
            jd_versions::sent_at,
            jd_versions::registration_number,
            jd_versions::content_hash,
            jd_versions::approved_by,
            jd_versions::approved_at,
            jd_versions::effective_date,
        ))
        .first(conn)?;
    let route = match r.5 {
        Some(json) => Some(serde_json::from_str(&json).map_err(|e| ServiceError::Internal(format!("route: {e}")))?),
        None => None,
    };
    Ok(VersionState {
        status: Status::parse(&r.3).ok_or_else(|| ServiceError::Internal(format!("status {}", r.3)))?,
        id: r.0,
        job_description_id: r.1,
        number: r.2,
        round: r.4,
        route,
        editorial: r.6,
        sent_by: r.7,
        sent_at: r.8,
        registration_number: r.9,
        content_hash: r.10,
        approved_by: r.11,
        approved_at: r.12,
        effective_date: r.13,
    })
}

fn set_status(conn: &mut DbConn, at: NaiveDateTime, version_id: &str, status: Status) -> Result<(), ServiceError> {
    diesel::update(jd_versions::table.find(version_id))
        .set((jd_versions::status.eq(status.as_str()), jd_versions::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// A route as people enter it: logins per stage, and the approver's login.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteInput {
    pub stages: Vec<Vec<String>>,
    pub approver: String,
}

/// Turns logins into user ids and checks each holds the role the route needs.
pub fn resolve_route(conn: &mut DbConn, input: &RouteInput) -> Result<Route, ServiceError> {
    let mut e = FieldErrors::default();
    let mut find = |login: &str, role: Role, field: &str, e: &mut FieldErrors| -> Result<String, ServiceError> {
        match users::by_login(conn, login)? {
            Some((u, _)) if u.has(role) => Ok(u.id),
            Some(_) => {
                e.add(field, "wrong_role");
                Ok(String::new())
            }
            None => {
                e.add(field, "unknown_reference");
                Ok(String::new())
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
        String::new()
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
    let ids: Vec<&String> = route
        .stages
        .iter()
        .flatten()
        .chain(std::iter::once(&route.approver))
        .collect();
    let logins: std::collections::HashMap<String, String> = users_t::table
        .filter(users_t::id.eq_any(ids))
        .select((users_t::id, users_t::login))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let name = |id: &String| logins.get(id).cloned().unwrap_or_else(|| id.clone());
    Ok(RouteInput {
        stages: route.stages.iter().map(|s| s.iter().map(name).collect()).collect(),
        approver: name(&route.approver),
    })
}

/// Logins of some users, in the order given.
pub fn logins_of(conn: &mut DbConn, ids: &[String]) -> Result<Vec<String>, ServiceError> {
    let found: std::collections::HashMap<String, String> = users_t::table
        .filter(users_t::id.eq_any(ids))
        .select((users_t::id, users_t::login))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
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
        let s = state(conn, version_id)?;
        if s.status != Status::Draft {
            return Err(WorkflowError::WrongStatus.into());
        }
        let route = resolve_route(conn, input)?;
        let json = serde_json::to_string(&route).map_err(|e| ServiceError::Internal(e.to_string()))?;
        diesel::update(jd_versions::table.find(version_id))
            .set(jd_versions::route.eq(&json))
            .execute(conn)?;
        journal.record(conn, "version", version_id, "route_set", s.route.as_ref(), Some(&route))?;
        Ok(route)
    })
}

/// The department of a version's position.
fn department_of(conn: &mut DbConn, version_id: &str) -> Result<String, ServiceError> {
    Ok(jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd_versions::id.eq(version_id))
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

/// Users `actor` may act for today: themselves and those who named them substitute.
pub fn principals(conn: &mut DbConn, actor: &User, today: NaiveDate) -> Result<Vec<String>, ServiceError> {
    let mut out = vec![actor.id.clone()];
    out.extend(
        substitutes::table
            .filter(substitutes::substitute_id.eq(&actor.id))
            .filter(substitutes::date_from.le(today))
            .filter(substitutes::date_to.ge(today))
            .select(substitutes::user_id)
            .load::<String>(conn)?,
    );
    Ok(out)
}

/// This round's visas of a version.
pub fn given_visas(conn: &mut DbConn, version_id: &str, round: i32) -> Result<Vec<GivenVisa>, ServiceError> {
    let rows: Vec<(i32, String, String, String)> = visas::table
        .filter(visas::version_id.eq(version_id))
        .filter(visas::round.eq(round))
        .select((visas::stage, visas::user_id, visas::acted_by, visas::decision))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(stage, user_id, acted_by, d)| {
            Decision::parse(&d).map(|decision| GivenVisa {
                stage: stage as usize,
                user_id,
                acted_by,
                decision,
            })
        })
        .collect())
}

/// Ids of who wrote the version (created it) and who sent it: they may not approve it.
fn authors(conn: &mut DbConn, s: &VersionState) -> Result<Vec<String>, ServiceError> {
    use crate::db::schema::change_log;
    let mut logins: Vec<String> = change_log::table
        .filter(change_log::entity.eq("version"))
        .filter(change_log::entity_id.eq(&s.id))
        .filter(change_log::action.eq("create"))
        .select(change_log::actor)
        .load(conn)?;
    logins.extend(s.sent_by.clone());
    Ok(users_t::table
        .filter(users_t::login.eq_any(&logins))
        .select(users_t::id)
        .load(conn)?)
}

/// What a user may do on a version now. The one place buttons and the inbox learn it
/// from; built from the same rules the transitions enforce (principals today, the
/// substitute's role, one visa each, four eyes), so nobody is offered an act that is
/// then refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MayAct {
    /// Agreers (ids) the user may give a visa for now: themselves and/or those they stand in for.
    pub visa_for: Vec<String>,
    pub approve: bool,
    /// Comment on clauses.
    pub comment: bool,
}

/// See [`MayAct`].
pub fn may_act(conn: &mut DbConn, user: &User, s: &VersionState, today: NaiveDate) -> Result<MayAct, ServiceError> {
    let Some(route) = &s.route else {
        return Ok(MayAct::default());
    };
    let me = principals(conn, user, today)?;
    let given = given_visas(conn, &s.id, s.round)?;
    let stands_in = |principal: &str, role: Role| principal == user.id || user.has(role);
    let visa_for = if s.status == Status::InAgreement && rules::one_visa_each(&given, &user.id).is_ok() {
        route
            .waiting_for(&given)
            .into_iter()
            .filter(|p| me.contains(p) && stands_in(p, Role::Agreer))
            .collect()
    } else {
        Vec::new()
    };
    let approve = s.status == Status::AwaitingApproval
        && me.contains(&route.approver)
        && stands_in(&route.approver, Role::Approver)
        && rules::may_approve(&given, &user.id, &authors(conn, s)?).is_ok();
    let on_route = me
        .iter()
        .any(|p| route.approver == *p || route.stages.iter().flatten().any(|u| u == p));
    let comment =
        matches!(s.status, Status::InAgreement | Status::AwaitingApproval) && (on_route || user.has(Role::Hr));
    Ok(MayAct {
        visa_for,
        approve,
        comment,
    })
}

/// Someone acting for another must hold the role the act needs, today as when named.
fn check_substitute_role(actor: &User, principal: &str, role: Role) -> Result<(), ServiceError> {
    if principal != actor.id && !actor.has(role) {
        return Err(ServiceError::Refused("substitute_lacks_role"));
    }
    Ok(())
}

/// Sends a draft for agreement: refused while its checks report errors or it has no route.
pub fn send(conn: &mut DbConn, clock: &Clock, actor: &User, version_id: &str) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let s = state(conn, version_id)?;
        if s.status != Status::Draft {
            return Err(WorkflowError::WrongStatus.into());
        }
        let v = documents::version(conn, version_id)?;
        let values = documents::values(conn, version_id)?;
        if has_errors(&check(&v.content, Some(&values))) {
            return Err(WorkflowError::ChecksFailed.into());
        }
        let route = effective_route(conn, &s)?.ok_or(ServiceError::Refused("no_route"))?;
        route.validate()?;
        let json = serde_json::to_string(&route).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let round = s.round + 1;
        diesel::update(
            jd_versions::table
                .find(version_id)
                .filter(jd_versions::status.eq(Status::Draft.as_str())),
        )
        .set((
            jd_versions::status.eq(Status::InAgreement.as_str()),
            jd_versions::round.eq(round),
            jd_versions::route.eq(&json),
            jd_versions::sent_by.eq(&actor.login),
            jd_versions::sent_at.eq(journal.at()),
            jd_versions::updated_at.eq(journal.at()),
        ))
        .execute(conn)?;
        journal.record(
            conn,
            "version",
            version_id,
            "sent",
            None::<&()>,
            Some(&json!({ "round": round, "route": route })),
        )?;
        state(conn, version_id)
    })
}

/// A visa as given in the request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisaInput {
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
    /// Act as substitute for this user id (default: yourself).
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

/// Records a visa of the current stage; a rejection returns the version to draft,
/// the last agreement of the last stage asks the approver.
pub fn give_visa(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    input: &VisaInput,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let s = state(conn, version_id)?;
        let route = s.route.clone().ok_or(WorkflowError::WrongStatus)?;
        let given = given_visas(conn, version_id, s.round)?;
        let allowed = principals(conn, actor, today)?;
        let principal = match &input.on_behalf_of {
            Some(p) if allowed.contains(p) => p.clone(),
            Some(_) => return Err(WorkflowError::NotCurrentAgreer.into()),
            // Acting for oneself if one is waited for, else for the one principal who is.
            None => {
                let waiting = route.waiting_for(&given);
                allowed
                    .iter()
                    .find(|p| waiting.contains(p))
                    .cloned()
                    .unwrap_or_else(|| actor.id.clone())
            }
        };
        let comment = input.comment.trim();
        if comment.chars().count() > 5000 {
            return Err(FieldErrors::single("comment", "too_long").into());
        }
        let (stage, outcome) = rules::visa(s.status, &route, &given, &principal, input.decision, comment)?;
        rules::one_visa_each(&given, &actor.id)?;
        check_substitute_role(actor, &principal, Role::Agreer)?;
        let at = journal.at();
        diesel::insert_into(visas::table)
            .values((
                visas::id.eq(new_id()),
                visas::version_id.eq(version_id),
                visas::round.eq(s.round),
                visas::stage.eq(stage as i32),
                visas::user_id.eq(&principal),
                visas::acted_by.eq(&actor.id),
                visas::decision.eq(input.decision.as_str()),
                visas::comment.eq(comment),
                visas::at.eq(at),
            ))
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                    ServiceError::Refused("already_acted")
                }
                other => other.into(),
            })?;
        let status = match outcome {
            Outcome::Rejected => Some(Status::Draft),
            Outcome::AllAgreed => Some(Status::AwaitingApproval),
            _ => None,
        };
        if let Some(st) = status {
            set_status(conn, journal.at(), version_id, st)?;
        }
        journal.record(
            conn,
            "version",
            version_id,
            "visa",
            None::<&()>,
            Some(
                &json!({ "round": s.round, "stage": stage + 1, "decision": input.decision, "comment": comment,
                          "user_id": principal, "acted_by": actor.id, "status": status.map(Status::as_str) }),
            ),
        )?;
        state(conn, version_id)
    })
}

/// A comment on one clause during agreement.
pub fn comment_clause(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    clause_id: &str,
    text: &str,
) -> Result<(), ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let s = state(conn, version_id)?;
        if s.status != Status::InAgreement && s.status != Status::AwaitingApproval {
            return Err(WorkflowError::WrongStatus.into());
        }
        if !may_act(conn, actor, &s, journal.today())?.comment {
            return Err(ServiceError::Refused("not_a_participant"));
        }
        let mut e = FieldErrors::default();
        e.text("text", text, 5000);
        e.into_result()?;
        let v = documents::version(conn, version_id)?;
        let number = v.content.find(clause_id).ok_or(ServiceError::NotFound)?.number;
        let id = new_id();
        diesel::insert_into(crate::db::schema::clause_comments::table)
            .values((
                crate::db::schema::clause_comments::id.eq(&id),
                crate::db::schema::clause_comments::version_id.eq(version_id),
                crate::db::schema::clause_comments::round.eq(s.round),
                crate::db::schema::clause_comments::clause_id.eq(clause_id),
                crate::db::schema::clause_comments::user_id.eq(&actor.id),
                crate::db::schema::clause_comments::text.eq(text.trim()),
                crate::db::schema::clause_comments::at.eq(journal.at()),
            ))
            .execute(conn)?;
        journal.record(
            conn,
            "version",
            version_id,
            "clause_comment",
            None::<&()>,
            Some(&json!({ "clause_id": clause_id, "number": number, "text": text.trim(), "round": s.round })),
        )
    })
}

/// The canonical content of an approved version, as hashed and documented in `docs/canonical.md`.
#[derive(Debug, Serialize)]
struct Canonical {
    format: &'static str,
    organization: serde_json::Value,
    position: serde_json::Value,
    document: serde_json::Value,
    sections: Vec<serde_json::Value>,
}

/// SHA-256 (hex) of the canonical JSON of a version with its requisites.
pub fn content_hash(
    conn: &mut DbConn,
    version_id: &str,
    registration_number: &str,
    approved_on: NaiveDate,
    effective: NaiveDate,
) -> Result<(String, String), ServiceError> {
    let v = documents::version(conn, version_id)?;
    let values = documents::values(conn, version_id)?;
    let org = organization::get(conn)?;
    let get = |k: &str| values.0.get(k).cloned().unwrap_or_default();
    let numbers = v.content.section_numbers();
    let located = v.content.clauses();
    let sections = v
        .content
        .sections
        .iter()
        .map(|s| {
            let clauses: Vec<serde_json::Value> = located
                .iter()
                .filter(|l| l.section.id == s.id)
                .map(|l| json!({ "number": l.number, "depth": l.depth, "text": values.resolve(&l.clause.text).0 }))
                .collect();
            json!({ "kind": s.kind, "number": numbers.get(&s.id), "heading": s.heading, "clauses": clauses })
        })
        .collect();
    let canonical = Canonical {
        format: "jobdesc-canonical-1",
        organization: json!({
            "full_name": org.as_ref().map(|o| o.full_name.clone()),
            "short_name": org.as_ref().map(|o| o.short_name.clone()),
            "city": org.as_ref().map(|o| o.city.clone()),
            "head_position": org.as_ref().map(|o| o.head_position.clone()),
            "head_name": org.as_ref().map(|o| o.head_name.clone()),
        }),
        position: json!({ "title": get("position.title"), "title_genitive": get("position.title_genitive"),
                          "department": get("department.name") }),
        document: json!({ "job_description_id": v.job_description_id, "version": v.number,
                          "registration_number": registration_number,
                          "approved_on": approved_on.to_string(), "effective_date": effective.to_string() }),
        sections,
    };
    let text = serde_json::to_string(&canonical).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((hex::encode(Sha256::digest(text.as_bytes())), text))
}

/// The next registration number of `year`, e.g. `ДИ-2026-017`.
fn next_registration(conn: &mut DbConn, year: i32, format: &str) -> Result<String, ServiceError> {
    use crate::db::schema::registration_counters as rc;
    let last: Option<i32> = rc::table.find(year).select(rc::last).first(conn).optional()?;
    let next = last.unwrap_or(0) + 1;
    match last {
        Some(_) => diesel::update(rc::table.find(year))
            .set(rc::last.eq(next))
            .execute(conn)?,
        None => diesel::insert_into(rc::table)
            .values((rc::year.eq(year), rc::last.eq(next)))
            .execute(conn)?,
    };
    Ok(format
        .replace("{year}", &year.to_string())
        .replace("{seq}", &format!("{next:03}")))
}

/// Approval parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApproveInput {
    /// When the version comes into force (default: the approval day; may be later).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub effective_date: Option<NaiveDate>,
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

/// Settings the approval needs.
#[derive(Debug, Clone)]
pub struct ApprovalPolicy {
    /// Registration number format: `{year}` and `{seq}` (three digits).
    pub registration_format: String,
    /// Days an employee has to acknowledge.
    pub acknowledge_days: i64,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            registration_format: "ДИ-{year}-{seq}".into(),
            acknowledge_days: 14,
        }
    }
}

/// The approver signs the version off: registration number, dates, content hash,
/// frozen text; the previous approved version is superseded; holders are asked
/// to acknowledge unless the revision is editorial.
pub fn approve(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    input: &ApproveInput,
    policy: &ApprovalPolicy,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let s = state(conn, version_id)?;
        if s.status != Status::AwaitingApproval {
            return Err(WorkflowError::WrongStatus.into());
        }
        let route = s.route.clone().ok_or(WorkflowError::WrongStatus)?;
        let allowed = principals(conn, actor, today)?;
        if !allowed.contains(&route.approver) || input.on_behalf_of.as_ref().is_some_and(|p| p != &route.approver) {
            return Err(WorkflowError::NotApprover.into());
        }
        check_substitute_role(actor, &route.approver, Role::Approver)?;
        let given = given_visas(conn, version_id, s.round)?;
        rules::may_approve(&given, &actor.id, &authors(conn, &s)?)?;
        let effective = input.effective_date.unwrap_or(today);
        if effective < today {
            return Err(FieldErrors::single("effective_date", "date_in_past").into());
        }
        let number = next_registration(conn, today.year(), &policy.registration_format)?;
        let (hash, _) = content_hash(conn, version_id, &number, today, effective)?;
        let previous: Vec<String> = jd_versions::table
            .filter(jd_versions::job_description_id.eq(&s.job_description_id))
            .filter(jd_versions::status.eq(Status::Approved.as_str()))
            .select(jd_versions::id)
            .load(conn)?;
        for p in &previous {
            set_status(conn, journal.at(), p, Status::Superseded)?;
            journal.record(
                conn,
                "version",
                p,
                "superseded",
                None::<&()>,
                Some(&json!({ "by": version_id })),
            )?;
        }
        diesel::update(
            jd_versions::table
                .find(version_id)
                .filter(jd_versions::status.eq(Status::AwaitingApproval.as_str())),
        )
        .set((
            jd_versions::status.eq(Status::Approved.as_str()),
            jd_versions::registration_number.eq(&number),
            jd_versions::content_hash.eq(&hash),
            jd_versions::approved_by.eq(&actor.login),
            jd_versions::approved_at.eq(journal.at()),
            jd_versions::effective_date.eq(effective),
            jd_versions::updated_at.eq(journal.at()),
        ))
        .execute(conn)?;
        let review = effective
            .checked_add_months(chrono::Months::new(12))
            .unwrap_or(effective);
        diesel::update(jd::table.find(&s.job_description_id))
            .set(jd::review_date.eq(review))
            .execute(conn)?;
        journal.record(
            conn,
            "version",
            version_id,
            "approved",
            None::<&()>,
            Some(
                &json!({ "registration_number": number, "content_hash": hash, "effective_date": effective,
                          "approver": route.approver, "acted_by": actor.id, "review_date": review,
                          "editorial": s.editorial }),
            ),
        )?;
        if !s.editorial {
            acknowledgements::request_for_version(
                conn,
                journal,
                version_id,
                &hash,
                today + chrono::Duration::days(policy.acknowledge_days),
            )?;
        }
        state(conn, version_id)
    })
}

/// The approver (or an agreer, never) sends the version back to draft with a reason.
pub fn reject_approval(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    comment: &str,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let s = state(conn, version_id)?;
        if s.status != Status::AwaitingApproval {
            return Err(WorkflowError::WrongStatus.into());
        }
        let route = s.route.clone().ok_or(WorkflowError::WrongStatus)?;
        if !principals(conn, actor, today)?.contains(&route.approver) {
            return Err(WorkflowError::NotApprover.into());
        }
        if comment.trim().is_empty() {
            return Err(WorkflowError::CommentRequired.into());
        }
        set_status(conn, journal.at(), version_id, Status::Draft)?;
        journal.record(
            conn,
            "version",
            version_id,
            "approval_rejected",
            None::<&()>,
            Some(&json!({ "comment": comment.trim(), "acted_by": actor.id })),
        )?;
        state(conn, version_id)
    })
}

/// Withdraws an approved version (it stops being in force).
pub fn withdraw(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    comment: &str,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let s = state(conn, version_id)?;
        if s.status != Status::Approved {
            return Err(WorkflowError::WrongStatus.into());
        }
        if comment.trim().is_empty() {
            return Err(WorkflowError::CommentRequired.into());
        }
        set_status(conn, journal.at(), version_id, Status::Withdrawn)?;
        journal.record(
            conn,
            "version",
            version_id,
            "withdrawn",
            None::<&()>,
            Some(&json!({ "comment": comment.trim() })),
        )?;
        state(conn, version_id)
    })
}

/// The newest approved version before `number`, if any.
fn previous_approved(conn: &mut DbConn, jd_id: &str, number: i32) -> Result<Option<String>, ServiceError> {
    Ok(jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .filter(jd_versions::number.lt(number))
        .filter(jd_versions::approved_at.is_not_null())
        .order(jd_versions::number.desc())
        .select(jd_versions::id)
        .first(conn)
        .optional()?)
}

/// Marks a draft as editorial (no re-acknowledgement); refused when the changes
/// since the previous approved version touch duties, rights, responsibility or safety.
pub fn set_editorial(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    version_id: &str,
    editorial: bool,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let s = state(conn, version_id)?;
        if s.status != Status::Draft {
            return Err(WorkflowError::WrongStatus.into());
        }
        if editorial {
            let prev = previous_approved(conn, &s.job_description_id, s.number)?
                .ok_or(ServiceError::Refused("not_editorial"))?;
            let (old, new) = (
                documents::version(conn, &prev)?.content,
                documents::version(conn, version_id)?.content,
            );
            if is_substantive(&diff(&old, &new)) {
                return Err(ServiceError::Refused("not_editorial"));
            }
        }
        diesel::update(jd_versions::table.find(version_id))
            .set(jd_versions::editorial.eq(editorial))
            .execute(conn)?;
        journal.record(
            conn,
            "version",
            version_id,
            "editorial_set",
            None::<&()>,
            Some(&json!({ "editorial": editorial })),
        )?;
        state(conn, version_id)
    })
}

/// Returns a version to draft when its text is edited in agreement (visas of the round are void).
pub fn returned_to_draft(
    conn: &mut DbConn,
    journal: &mut Journal,
    version_id: &str,
    from: Status,
) -> Result<(), ServiceError> {
    set_status(conn, journal.at(), version_id, Status::Draft)?;
    journal.record(
        conn,
        "version",
        version_id,
        "returned_to_draft",
        None::<&()>,
        Some(&json!({ "from": from.as_str(), "reason": "edited" })),
    )
}

/// The revision register of a job description: one row per approved revision after the first.
pub fn register(conn: &mut DbConn, clock: &Clock, jd_id: &str) -> Result<Vec<RegisterRow>, ServiceError> {
    let approved: Vec<String> = jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .filter(jd_versions::approved_at.is_not_null())
        .order(jd_versions::number.asc())
        .select(jd_versions::id)
        .load(conn)?;
    let mut rows = Vec::new();
    for pair in approved.windows(2) {
        let (old, new) = (documents::version(conn, &pair[0])?, documents::version(conn, &pair[1])?);
        let s = state(conn, &pair[1])?;
        let d = diff(&old.content, &new.content);
        let entered = s.approved_at.map(|t| clock.date_of(t)).unwrap_or_default();
        rows.push(RegisterRow {
            change_number: (rows.len() + 1) as i32,
            version_number: new.number,
            registration_number: s.registration_number.clone(),
            entered,
            effective: s.effective_date.unwrap_or(entered),
            author: s.sent_by.clone().unwrap_or_default(),
            editorial: s.editorial,
            content: summarize(&old.content, &new.content, &d),
        });
    }
    Ok(rows)
}
