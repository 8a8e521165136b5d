//! Job descriptions and their versions: creating one for a position, reading versions.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud::Resource;
use super::editing::{load, Owner};
use super::journal::{write_tx, Journal};
use super::{new_id, organization, Page, Paged, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{departments, jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::document::Content;
use crate::domain::placeholders::Values;
use crate::domain::structure::Position;
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;

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

/// A job description with its versions, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobDescription {
    pub id: String,
    pub position_id: String,
    pub position_title: String,
    pub department_name: String,
    /// The registration number of the version in force, if any.
    pub registration_number: Option<String>,
    /// When the version in force is due for review.
    pub review_date: Option<NaiveDate>,
    pub versions: Vec<VersionSummary>,
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

/// How to start a job description: from a template or a copy of another position's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDocument {
    #[serde(default)]
    pub position_id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    /// Id of another job description whose newest version is copied.
    #[serde(default)]
    pub copy_from: Option<String>,
}

type VersionRow = (String, String, i32, String, i64, Option<String>, String, NaiveDateTime);
const VERSION_COLUMNS: (
    jd_versions::id,
    jd_versions::job_description_id,
    jd_versions::number,
    jd_versions::status,
    jd_versions::revision,
    jd_versions::based_on_id,
    jd_versions::content,
    jd_versions::updated_at,
) = (
    jd_versions::id,
    jd_versions::job_description_id,
    jd_versions::number,
    jd_versions::status,
    jd_versions::revision,
    jd_versions::based_on_id,
    jd_versions::content,
    jd_versions::updated_at,
);

fn status(s: &str) -> Result<Status, ServiceError> {
    Status::parse(s).ok_or_else(|| ServiceError::Internal(format!("unknown version status {s}")))
}

fn assemble(
    conn: &mut DbConn,
    rows: Vec<(String, String, Option<NaiveDate>)>,
) -> Result<Vec<JobDescription>, ServiceError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let mut versions: HashMap<String, Vec<VersionSummary>> = HashMap::new();
    type Summary = (String, String, i32, String, i64, Option<String>, NaiveDateTime);
    let vrows: Vec<Summary> = jd_versions::table
        .filter(jd_versions::job_description_id.eq_any(ids))
        .order(jd_versions::number.desc())
        .select((
            jd_versions::id,
            jd_versions::job_description_id,
            jd_versions::number,
            jd_versions::status,
            jd_versions::revision,
            jd_versions::registration_number,
            jd_versions::updated_at,
        ))
        .load(conn)?;
    for (id, jd_id, number, st, revision, registration_number, updated_at) in vrows {
        versions.entry(jd_id).or_default().push(VersionSummary {
            id,
            number,
            status: status(&st)?,
            revision,
            registration_number,
            updated_at,
        });
    }
    let pos_ids: Vec<&String> = rows.iter().map(|r| &r.1).collect();
    let pos: HashMap<String, (String, String)> = positions::table
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .filter(positions::id.eq_any(pos_ids))
        .select((positions::id, positions::title, departments::name))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, t, d)| (id, (t, d)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, position_id, review_date)| {
            let (position_title, department_name) = pos.get(&position_id).cloned().unwrap_or_default();
            let versions = versions.remove(&id).unwrap_or_default();
            let registration_number = versions
                .iter()
                .find(|v| v.status == Status::Approved)
                .and_then(|v| v.registration_number.clone());
            JobDescription {
                versions,
                id,
                position_id,
                position_title,
                department_name,
                registration_number,
                review_date,
            }
        })
        .collect())
}

/// Job descriptions, by position title.
pub fn list(conn: &mut DbConn, page: Page) -> Result<Paged<JobDescription>, ServiceError> {
    let total = jd::table.count().get_result(conn)?;
    let rows = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .order((positions::title.asc(), jd::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select((jd::id, jd::position_id, jd::review_date))
        .load(conn)?;
    Ok(Paged {
        items: assemble(conn, rows)?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// One job description.
pub fn get(conn: &mut DbConn, id: &str) -> Result<JobDescription, ServiceError> {
    let row = jd::table
        .find(id)
        .select((jd::id, jd::position_id, jd::review_date))
        .first(conn)?;
    assemble(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
}

fn to_version(conn: &mut DbConn, r: VersionRow) -> Result<Version, ServiceError> {
    let (id, jd_id, number, st, revision, based_on_id, content, _) = r;
    let position_title = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd::id.eq(&jd_id))
        .select(positions::title)
        .first(conn)?;
    Ok(Version {
        content: serde_json::from_str(&content).map_err(|e| ServiceError::Internal(format!("version {id}: {e}")))?,
        status: status(&st)?,
        id,
        job_description_id: jd_id,
        position_title,
        number,
        revision,
        based_on_id,
    })
}

/// One version with its text.
pub fn version(conn: &mut DbConn, id: &str) -> Result<Version, ServiceError> {
    let row: VersionRow = jd_versions::table.find(id).select(VERSION_COLUMNS).first(conn)?;
    to_version(conn, row)
}

/// Versions that still matter: every one not superseded or withdrawn.
pub fn current_versions(conn: &mut DbConn) -> Result<Vec<Version>, ServiceError> {
    let rows: Vec<VersionRow> = jd_versions::table
        .filter(jd_versions::status.ne_all([Status::Superseded.as_str(), Status::Withdrawn.as_str()]))
        .select(VERSION_COLUMNS)
        .load(conn)?;
    rows.into_iter().map(|r| to_version(conn, r)).collect()
}

/// What the placeholders of a version's position resolve to.
pub fn values(conn: &mut DbConn, version_id: &str) -> Result<Values, ServiceError> {
    let position_id: String = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .filter(jd_versions::id.eq(version_id))
        .select(jd::position_id)
        .first(conn)?;
    let p = Position::get(conn, &position_id)?;
    let mut v = Values::default();
    if let Some(o) = organization::get(conn)? {
        v.set("organization.full_name", &o.full_name);
        v.set("organization.short_name", &o.short_name);
        v.set("organization.city", &o.city);
        v.set("organization.head_position", &o.head_position);
        v.set("organization.head_name", &o.head_name);
    }
    v.set("position.title", &p.title);
    v.set("position.title_genitive", &p.title_genitive);
    v.set("position.reports_to", p.reports_to_title.as_deref().unwrap_or(""));
    v.set("department.name", &p.department_name);
    Ok(v)
}

/// Positions that have no job description yet.
pub fn positions_without_document(conn: &mut DbConn) -> Result<Vec<Position>, ServiceError> {
    let taken: Vec<String> = jd::table.select(jd::position_id).load(conn)?;
    Ok(super::positions::all(conn)?
        .into_iter()
        .filter(|p| !taken.contains(&p.id))
        .collect())
}

/// Starts a job description for a position: version 1, a draft, from a template or a copy.
pub fn create(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    input: &NewDocument,
) -> Result<JobDescription, ServiceError> {
    let position_id = input.position_id.trim().to_string();
    let template_id = crate::domain::validation::clean_opt(&input.template_id);
    let copy_from = crate::domain::validation::clean_opt(&input.copy_from);
    write_tx(conn, clock, actor, |conn, journal| {
        let mut e = FieldErrors::default();
        check_position(conn, &position_id, &mut e)?;
        let source = match (&template_id, &copy_from) {
            (Some(t), None) => match load(conn, &Owner::Template(t.clone())) {
                Ok(l) => Some(l.content),
                Err(ServiceError::NotFound) => {
                    e.add("template_id", "unknown_reference");
                    None
                }
                Err(other) => return Err(other),
            },
            (None, Some(other)) => {
                let newest: Option<String> = jd_versions::table
                    .filter(jd_versions::job_description_id.eq(other))
                    .order(jd_versions::number.desc())
                    .select(jd_versions::id)
                    .first(conn)
                    .optional()?;
                match newest {
                    Some(v) => Some(load(conn, &Owner::Version(v))?.content),
                    None => {
                        e.add("copy_from", "unknown_reference");
                        None
                    }
                }
            }
            _ => {
                e.add("template_id", "one_source");
                None
            }
        };
        e.into_result()?;
        let content = source
            .ok_or_else(|| FieldErrors::single("template_id", "one_source"))?
            .with_new_ids(new_id);
        insert(
            conn,
            journal,
            &position_id,
            &content,
            json!({ "template_id": template_id, "copy_from": copy_from }),
        )
    })
}

/// Refuses a position that is missing, unknown or already described.
pub fn check_position(conn: &mut DbConn, position_id: &str, e: &mut FieldErrors) -> Result<(), ServiceError> {
    if position_id.is_empty() {
        e.add("position_id", "required");
    } else if !crate::exists!(conn, positions, position_id)? {
        e.add("position_id", "unknown_reference");
    } else {
        let taken: bool =
            diesel::select(diesel::dsl::exists(jd::table.filter(jd::position_id.eq(position_id)))).get_result(conn)?;
        if taken {
            e.add("position_id", "document_exists");
        }
    }
    Ok(())
}

/// Inserts a job description with version 1 (a draft of `content`) and logs both;
/// `origin` says where the text came from.
pub fn insert(
    conn: &mut DbConn,
    journal: &mut Journal,
    position_id: &str,
    content: &Content,
    origin: serde_json::Value,
) -> Result<JobDescription, ServiceError> {
    let id = new_id();
    let at = journal.at();
    diesel::insert_into(jd::table)
        .values((jd::id.eq(&id), jd::position_id.eq(&position_id), jd::created_at.eq(at)))
        .execute(conn)?;
    let version_id = new_id();
    let json = serde_json::to_string(&content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    diesel::insert_into(jd_versions::table)
        .values((
            jd_versions::id.eq(&version_id),
            jd_versions::job_description_id.eq(&id),
            jd_versions::number.eq(1),
            jd_versions::status.eq(Status::Draft.as_str()),
            jd_versions::content.eq(&json),
            jd_versions::revision.eq(1),
            jd_versions::created_at.eq(at),
            jd_versions::updated_at.eq(at),
        ))
        .execute(conn)?;
    let created = get(conn, &id)?;
    journal.record(
        conn,
        "job_description",
        &id,
        "create",
        None::<&()>,
        Some(&json!({ "position_id": position_id, "position_title": created.position_title, "origin": origin })),
    )?;
    journal.record(
        conn,
        "version",
        &version_id,
        "create",
        None::<&()>,
        Some(&json!({
        "job_description_id": id, "number": 1, "status": "draft", "clauses": content.clause_count() })),
    )?;
    Ok(created)
}

/// Starts draft n+1 from the newest version, which must be approved. Clause ids
/// carry over, so comparisons and the register match clauses across revisions.
pub fn new_version(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    job_description_id: &str,
) -> Result<Version, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let newest: VersionRow = jd_versions::table
            .filter(jd_versions::job_description_id.eq(job_description_id))
            .order(jd_versions::number.desc())
            .select(VERSION_COLUMNS)
            .first(conn)?;
        if status(&newest.3)? != Status::Approved {
            return Err(ServiceError::Refused("newest_not_approved"));
        }
        let id = new_id();
        let at = journal.at();
        let number = newest.2 + 1;
        diesel::insert_into(jd_versions::table)
            .values((
                jd_versions::id.eq(&id),
                jd_versions::job_description_id.eq(job_description_id),
                jd_versions::number.eq(number),
                jd_versions::status.eq(Status::Draft.as_str()),
                jd_versions::based_on_id.eq(&newest.0),
                jd_versions::content.eq(&newest.6),
                jd_versions::revision.eq(1),
                jd_versions::created_at.eq(at),
                jd_versions::updated_at.eq(at),
            ))
            .execute(conn)?;
        journal.record(
            conn,
            "version",
            &id,
            "create",
            None::<&()>,
            Some(&json!({ "job_description_id": job_description_id, "number": number, "status": "draft", "based_on": newest.0 })),
        )?;
        version(conn, &id)
    })
}
