//! An employee's own job descriptions («Мои инструкции»): those of the positions they
//! hold and of any version they were asked to acknowledge, with every approved version
//! and what they signed of each.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::ServiceError;
use crate::clock::Clock;
use crate::db::schema::{acknowledgements, jd_versions, job_descriptions, positions};
use crate::db::DbConn;
use crate::domain::version::Status;

/// Statuses an employee reads: what was in force at some time.
const READABLE: [Status; 2] = [Status::Approved, Status::Superseded];

/// The employee's acknowledgement of one version.
#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    pub acknowledgement_id: String,
    /// When it was signed, as people read it; `None` while it waits.
    pub signed_at: Option<String>,
    pub due_date: NaiveDate,
}

/// One approved (or since replaced) version of a held job description.
#[derive(Debug, Clone, Serialize)]
pub struct HeldVersion {
    pub id: String,
    pub number: i32,
    pub status: Status,
    pub registration_number: Option<String>,
    /// The approval date in the organisation's zone, `15.12.2026`.
    pub approved_on: Option<String>,
    pub effective_date: Option<NaiveDate>,
    pub signature: Option<Signature>,
}

/// A job description the employee holds or held, newest version first.
#[derive(Debug, Clone, Serialize)]
pub struct HeldDocument {
    pub job_description_id: String,
    pub position_title: String,
    /// True while the employee holds the position.
    pub current: bool,
    pub versions: Vec<HeldVersion>,
    /// The version in force, if one is.
    pub in_force: Option<String>,
    /// The newest version the employee signed, when it is not the one in force: what
    /// changed since is what they have not read yet.
    pub signed_before: Option<String>,
}

/// A version as the employee's list reads it.
#[derive(Queryable)]
struct VersionRow {
    id: String,
    job_description_id: String,
    number: i32,
    status: String,
    registration_number: Option<String>,
    approved_at: Option<chrono::NaiveDateTime>,
    effective_date: Option<NaiveDate>,
}

impl HeldDocument {
    /// The newest version before version `number` that the employee signed: what they
    /// read last, to compare a newer revision with.
    pub fn signed_version_before(&self, number: i32) -> Option<&HeldVersion> {
        self.versions
            .iter()
            .filter(|v| v.number < number)
            .find(|v| v.signature.as_ref().is_some_and(|s| s.signed_at.is_some()))
    }
}

/// The employee's job descriptions: current positions first, then those they once signed.
pub fn documents_of(conn: &mut DbConn, clock: &Clock, employee_id: &str) -> Result<Vec<HeldDocument>, ServiceError> {
    let held: HashSet<String> = super::assignments::positions_held(conn, employee_id, clock.today())?
        .into_iter()
        .collect();
    let signatures: Vec<(String, String, Option<chrono::NaiveDateTime>, NaiveDate)> = acknowledgements::table
        .filter(acknowledgements::employee_id.eq(employee_id))
        .select((
            acknowledgements::id,
            acknowledgements::version_id,
            acknowledgements::signed_at,
            acknowledgements::due_date,
        ))
        .load(conn)?;
    let asked: Vec<&String> = signatures.iter().map(|s| &s.1).collect();
    let asked_docs: Vec<String> = jd_versions::table
        .filter(jd_versions::id.eq_any(asked))
        .select(jd_versions::job_description_id)
        .load(conn)?;
    let docs: Vec<(String, String, String)> = job_descriptions::table
        .inner_join(positions::table.on(positions::id.eq(job_descriptions::position_id)))
        .filter(
            job_descriptions::position_id
                .eq_any(held.iter().collect::<Vec<_>>())
                .or(job_descriptions::id.eq_any(&asked_docs)),
        )
        .select((job_descriptions::id, positions::id, positions::title))
        .load(conn)?;
    let ids: Vec<&String> = docs.iter().map(|d| &d.0).collect();
    let rows: Vec<VersionRow> = jd_versions::table
        .filter(jd_versions::job_description_id.eq_any(ids))
        .filter(jd_versions::status.eq_any(READABLE.map(Status::as_str)))
        .order(jd_versions::number.desc())
        .select((
            jd_versions::id,
            jd_versions::job_description_id,
            jd_versions::number,
            jd_versions::status,
            jd_versions::registration_number,
            jd_versions::approved_at,
            jd_versions::effective_date,
        ))
        .load(conn)?;
    // The newest acknowledgement of each version (a version is asked of a person once,
    // but a re-request after a new assignment must not hide the signed one).
    let mut by_version: HashMap<&str, Signature> = HashMap::new();
    for (id, version, signed, due) in &signatures {
        let s = Signature {
            acknowledgement_id: id.clone(),
            signed_at: signed.map(|t| clock.stamp(t)),
            due_date: *due,
        };
        let keep = by_version
            .get(version.as_str())
            .is_none_or(|old| old.signed_at.is_none());
        if keep {
            by_version.insert(version, s);
        }
    }
    let mut versions: BTreeMap<&str, Vec<HeldVersion>> = BTreeMap::new();
    for r in &rows {
        versions.entry(&r.job_description_id).or_default().push(HeldVersion {
            id: r.id.clone(),
            number: r.number,
            status: Status::parse(&r.status).unwrap_or(Status::Superseded),
            registration_number: r.registration_number.clone(),
            approved_on: r.approved_at.map(|t| clock.date_of(t).format("%d.%m.%Y").to_string()),
            effective_date: r.effective_date,
            signature: by_version.get(r.id.as_str()).cloned(),
        });
    }
    let mut out: Vec<HeldDocument> = docs
        .iter()
        .map(|(id, position, title)| {
            let versions = versions.remove(id.as_str()).unwrap_or_default();
            let in_force = versions
                .iter()
                .find(|v| v.status == Status::Approved)
                .map(|v| v.id.clone());
            let signed = versions
                .iter()
                .find(|v| v.signature.as_ref().is_some_and(|s| s.signed_at.is_some()))
                .map(|v| v.id.clone());
            HeldDocument {
                job_description_id: id.clone(),
                position_title: title.clone(),
                current: held.contains(position),
                signed_before: signed.filter(|s| in_force.as_ref().is_some_and(|f| f != s)),
                in_force,
                versions,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then_with(|| a.position_title.cmp(&b.position_title))
    });
    Ok(out)
}

/// True when the employee may read `version_id`: it was in force at some time, and it
/// belongs to a job description of a position they hold or one they were asked to
/// acknowledge.
pub fn may_read(conn: &mut DbConn, clock: &Clock, employee_id: &str, version_id: &str) -> Result<bool, ServiceError> {
    Ok(documents_of(conn, clock, employee_id)?
        .iter()
        .any(|d| d.versions.iter().any(|v| v.id == version_id)))
}
