//! The one reader and writer of version rows: a version's facts, its status and
//! its workflow requisites. The text itself is read and saved through `texts`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::journal::Journal;
use super::{new_id, ServiceError};
use crate::db::schema::{jd_version_texts, jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::account::UserId;
use crate::domain::document::Content;
use crate::domain::version::Status;
use crate::domain::workflow::Route;

/// A version row without its text: what states and lists need (the text is
/// the bulk of the row, and a list of a thousand versions must not read it).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jd_versions)]
struct StateRow {
    id: String,
    job_description_id: String,
    number: i32,
    status: String,
    based_on_id: Option<String>,
    revision: i64,
    round: i32,
    route: Option<String>,
    editorial: bool,
    sent_by: Option<UserId>,
    sent_at: Option<NaiveDateTime>,
    registration_number: Option<String>,
    content_hash: Option<String>,
    approved_by: Option<UserId>,
    approved_at: Option<NaiveDateTime>,
    effective_date: Option<NaiveDate>,
    order_number: Option<String>,
    order_date: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

/// A version row with its text (stored apart, in `jd_version_texts`).
#[derive(Debug, Clone, Queryable)]
struct VersionRow {
    row: StateRow,
    content: String,
}

/// Versions joined with their texts.
macro_rules! with_texts {
    () => {
        jd_versions::table.inner_join(jd_version_texts::table.on(jd_version_texts::version_id.eq(jd_versions::id)))
    };
}

/// A version as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    pub id: String,
    pub number: i32,
    pub status: Status,
    pub revision: i64,
    pub registration_number: Option<String>,
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
}

/// One version with its text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub id: String,
    pub job_description_id: String,
    pub position_title: String,
    pub number: i32,
    pub status: Status,
    pub revision: i64,
    pub based_on_id: Option<String>,
    pub content: Content,
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
    pub sent_by: Option<UserId>,
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<NaiveDateTime>,
    pub registration_number: Option<String>,
    pub content_hash: Option<String>,
    pub approved_by: Option<UserId>,
    #[schema(value_type = Option<String>)]
    pub approved_at: Option<NaiveDateTime>,
    pub effective_date: Option<NaiveDate>,
    /// The order (приказ) that brought it into force, when one was recorded at approval.
    pub order_number: Option<String>,
    #[schema(value_type = Option<String>)]
    pub order_date: Option<NaiveDate>,
}

/// Parses a stored status code.
pub fn status(s: &str) -> Result<Status, ServiceError> {
    Status::parse(s).ok_or_else(|| ServiceError::Internal(format!("unknown version status {s}")))
}

/// Parses stored JSON, naming what it was on failure.
pub fn parse_json<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, ServiceError> {
    serde_json::from_str(json).map_err(|e| ServiceError::Internal(format!("{what}: stored JSON: {e}")))
}

impl StateRow {
    fn state(&self) -> Result<VersionState, ServiceError> {
        Ok(VersionState {
            id: self.id.clone(),
            job_description_id: self.job_description_id.clone(),
            number: self.number,
            status: status(&self.status)?,
            round: self.round,
            route: self
                .route
                .as_deref()
                .map(|r| parse_json(&format!("version {} route", self.id), r))
                .transpose()?,
            editorial: self.editorial,
            sent_by: self.sent_by.clone(),
            sent_at: self.sent_at,
            registration_number: self.registration_number.clone(),
            content_hash: self.content_hash.clone(),
            approved_by: self.approved_by.clone(),
            approved_at: self.approved_at,
            effective_date: self.effective_date,
            order_number: self.order_number.clone(),
            order_date: self.order_date,
        })
    }

    fn summary(&self) -> Result<VersionSummary, ServiceError> {
        Ok(VersionSummary {
            id: self.id.clone(),
            number: self.number,
            status: status(&self.status)?,
            revision: self.revision,
            registration_number: self.registration_number.clone(),
            updated_at: self.updated_at,
        })
    }
}

impl VersionRow {
    fn version(self, position_title: String) -> Result<Version, ServiceError> {
        let r = self.row;
        Ok(Version {
            content: parse_json(&format!("version {}", r.id), &self.content)?,
            status: status(&r.status)?,
            id: r.id,
            job_description_id: r.job_description_id,
            position_title,
            number: r.number,
            revision: r.revision,
            based_on_id: r.based_on_id,
        })
    }
}

fn row(conn: &mut DbConn, id: &str) -> Result<VersionRow, ServiceError> {
    Ok(with_texts!()
        .filter(jd_versions::id.eq(id))
        .select((StateRow::as_select(), jd_version_texts::content))
        .first(conn)?)
}

fn position_title(conn: &mut DbConn, jd_id: &str) -> Result<String, ServiceError> {
    Ok(jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd::id.eq(jd_id))
        .select(positions::title)
        .first(conn)?)
}

/// One version with its text.
pub fn get(conn: &mut DbConn, id: &str) -> Result<Version, ServiceError> {
    let r = row(conn, id)?;
    let title = position_title(conn, &r.row.job_description_id)?;
    r.version(title)
}

/// A version's workflow facts.
pub fn state(conn: &mut DbConn, id: &str) -> Result<VersionState, ServiceError> {
    jd_versions::table
        .find(id)
        .select(StateRow::as_select())
        .first::<StateRow>(conn)?
        .state()
}

/// The workflow facts of every version in one of `statuses`, in one query.
pub fn states_in(conn: &mut DbConn, statuses: &[Status]) -> Result<Vec<VersionState>, ServiceError> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let rows: Vec<StateRow> = jd_versions::table
        .filter(jd_versions::status.eq_any(codes))
        .select(StateRow::as_select())
        .load(conn)?;
    rows.iter().map(StateRow::state).collect()
}

/// The newest version number of each of these job descriptions.
pub fn newest_numbers(
    conn: &mut DbConn,
    jd_ids: &[&str],
) -> Result<std::collections::HashMap<String, i32>, ServiceError> {
    let mut out = std::collections::HashMap::new();
    for chunk in jd_ids.chunks(CHUNK) {
        let rows: Vec<(String, Option<i32>)> = jd_versions::table
            .filter(jd_versions::job_description_id.eq_any(chunk))
            .group_by(jd_versions::job_description_id)
            .select((jd_versions::job_description_id, diesel::dsl::max(jd_versions::number)))
            .load(conn)?;
        out.extend(rows.into_iter().filter_map(|(id, n)| n.map(|n| (id, n))));
    }
    Ok(out)
}

/// How many ids one `IN (...)` list carries (well under either backend's bind limit).
pub const CHUNK: usize = 1000;

/// A version's workflow facts and its text, from one read of the row.
pub fn state_and_text(conn: &mut DbConn, id: &str) -> Result<(VersionState, Version), ServiceError> {
    let r = row(conn, id)?;
    let state = r.row.state()?;
    let title = position_title(conn, &r.row.job_description_id)?;
    Ok((state, r.version(title)?))
}

/// Versions that still matter: every one not superseded or withdrawn.
pub fn current(conn: &mut DbConn) -> Result<Vec<Version>, ServiceError> {
    let rows: Vec<VersionRow> = with_texts!()
        .filter(jd_versions::status.ne_all([Status::Superseded.as_str(), Status::Withdrawn.as_str()]))
        .select((StateRow::as_select(), jd_version_texts::content))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let title = position_title(conn, &r.row.job_description_id)?;
            r.version(title)
        })
        .collect()
}

/// The versions of some job descriptions, newest first, by job description id.
pub fn summaries(
    conn: &mut DbConn,
    jd_ids: &[&String],
) -> Result<std::collections::HashMap<String, Vec<VersionSummary>>, ServiceError> {
    let rows: Vec<StateRow> = jd_versions::table
        .filter(jd_versions::job_description_id.eq_any(jd_ids))
        .order(jd_versions::number.desc())
        .select(StateRow::as_select())
        .load(conn)?;
    let mut out: std::collections::HashMap<String, Vec<VersionSummary>> = std::collections::HashMap::new();
    for r in rows {
        out.entry(r.job_description_id.clone()).or_default().push(r.summary()?);
    }
    Ok(out)
}

/// The newest version of a job description.
pub fn newest(conn: &mut DbConn, jd_id: &str) -> Result<Option<VersionState>, ServiceError> {
    jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .order(jd_versions::number.desc())
        .select(StateRow::as_select())
        .first::<StateRow>(conn)
        .optional()?
        .map(|r| r.state())
        .transpose()
}

/// The number of a job description's newest version (0 when it has none).
pub fn newest_number(conn: &mut DbConn, jd_id: &str) -> Result<i32, ServiceError> {
    Ok(jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .select(diesel::dsl::max(jd_versions::number))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

/// Ids of a job description's versions that were ever approved, oldest first.
pub fn approved_ids(conn: &mut DbConn, jd_id: &str) -> Result<Vec<String>, ServiceError> {
    Ok(jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .filter(jd_versions::approved_at.is_not_null())
        .order(jd_versions::number.asc())
        .select(jd_versions::id)
        .load(conn)?)
}

/// Ids of a job description's versions now in force.
pub fn in_force_ids(conn: &mut DbConn, jd_id: &str) -> Result<Vec<String>, ServiceError> {
    Ok(jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .select(jd_versions::id)
        .load(conn)?)
}

/// Inserts draft `number` of a job description with `content`; returns its id.
pub fn insert_draft(
    conn: &mut DbConn,
    journal: &mut Journal,
    jd_id: &str,
    number: i32,
    based_on: Option<&str>,
    content: &Content,
) -> Result<String, ServiceError> {
    let id = new_id();
    let at = journal.at();
    let text = serde_json::to_string(content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    diesel::insert_into(jd_versions::table)
        .values((
            jd_versions::id.eq(&id),
            jd_versions::job_description_id.eq(jd_id),
            jd_versions::number.eq(number),
            jd_versions::status.eq(Status::Draft.as_str()),
            jd_versions::based_on_id.eq(based_on),
            jd_versions::revision.eq(1),
            jd_versions::created_at.eq(at),
            jd_versions::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::insert_into(jd_version_texts::table)
        .values((
            jd_version_texts::version_id.eq(&id),
            jd_version_texts::content.eq(&text),
        ))
        .execute(conn)?;
    journal.note(
        conn,
        "version",
        &id,
        "create",
        &json!({ "job_description_id": jd_id, "number": number, "status": "draft",
                 "based_on": based_on, "clauses": content.clause_count() }),
    )?;
    Ok(id)
}

/// Sets a version's status.
pub fn set_status(conn: &mut DbConn, at: NaiveDateTime, id: &str, status: Status) -> Result<(), ServiceError> {
    diesel::update(jd_versions::table.find(id))
        .set((jd_versions::status.eq(status.as_str()), jd_versions::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Returns a version to draft when its text is edited in agreement (visas of the round are void).
pub fn returned_to_draft(
    conn: &mut DbConn,
    journal: &mut Journal,
    version_id: &str,
    from: Status,
) -> Result<(), ServiceError> {
    set_status(conn, journal.at(), version_id, Status::Draft)?;
    journal.note(
        conn,
        "version",
        version_id,
        "returned_to_draft",
        &json!({ "from": from.as_str(), "reason": "edited" }),
    )
}

/// Records that a draft was sent: the new round, the route it travels, who sent it.
pub fn mark_sent(
    conn: &mut DbConn,
    at: NaiveDateTime,
    id: &str,
    round: i32,
    route: &Route,
    sent_by: &UserId,
) -> Result<bool, ServiceError> {
    let json = serde_json::to_string(route).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let moved = diesel::update(
        jd_versions::table
            .find(id)
            .filter(jd_versions::status.eq(Status::Draft.as_str())),
    )
    .set((
        jd_versions::status.eq(Status::InAgreement.as_str()),
        jd_versions::round.eq(round),
        jd_versions::route.eq(&json),
        jd_versions::sent_by.eq(sent_by),
        jd_versions::sent_at.eq(at),
        jd_versions::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// The requisites an approval gives a version.
#[derive(Debug, Clone)]
pub struct Approval<'a> {
    pub registration_number: &'a str,
    pub content_hash: &'a str,
    pub approved_by: &'a UserId,
    pub effective_date: NaiveDate,
    /// The order's number and date, when the organisation records one.
    pub order: Option<(&'a str, NaiveDate)>,
}

/// Records an approval on a version awaiting it; true when it was still awaiting.
pub fn mark_approved(conn: &mut DbConn, at: NaiveDateTime, id: &str, a: &Approval) -> Result<bool, ServiceError> {
    let moved = diesel::update(
        jd_versions::table
            .find(id)
            .filter(jd_versions::status.eq(Status::AwaitingApproval.as_str())),
    )
    .set((
        jd_versions::status.eq(Status::Approved.as_str()),
        jd_versions::registration_number.eq(a.registration_number),
        jd_versions::content_hash.eq(a.content_hash),
        jd_versions::approved_by.eq(a.approved_by),
        jd_versions::approved_at.eq(at),
        jd_versions::effective_date.eq(a.effective_date),
        jd_versions::order_number.eq(a.order.map(|(n, _)| n)),
        jd_versions::order_date.eq(a.order.map(|(_, d)| d)),
        jd_versions::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Sets a draft's own route.
pub fn set_route(conn: &mut DbConn, id: &str, route: &Route) -> Result<(), ServiceError> {
    let json = serde_json::to_string(route).map_err(|e| ServiceError::Internal(e.to_string()))?;
    diesel::update(jd_versions::table.find(id))
        .set(jd_versions::route.eq(&json))
        .execute(conn)?;
    Ok(())
}

/// Marks a draft editorial or not.
pub fn set_editorial(conn: &mut DbConn, id: &str, editorial: bool) -> Result<(), ServiceError> {
    diesel::update(jd_versions::table.find(id))
        .set(jd_versions::editorial.eq(editorial))
        .execute(conn)?;
    Ok(())
}

/// The newest version before `number` that was ever approved, if any.
pub fn previous_approved(conn: &mut DbConn, jd_id: &str, number: i32) -> Result<Option<String>, ServiceError> {
    Ok(jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .filter(jd_versions::number.lt(number))
        .filter(jd_versions::approved_at.is_not_null())
        .order(jd_versions::number.desc())
        .select(jd_versions::id)
        .first(conn)
        .optional()?)
}

/// The position a version describes.
pub fn position_of(conn: &mut DbConn, id: &str) -> Result<String, ServiceError> {
    Ok(jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .filter(jd_versions::id.eq(id))
        .select(jd::position_id)
        .first(conn)?)
}
