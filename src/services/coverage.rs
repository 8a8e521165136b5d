//! Coverage: how far the holders of each position have acknowledged its version in force.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::acknowledgements::{of_versions, Acknowledgement};
use super::versions::CHUNK;
use super::{Cursor, Page, Paged, ServiceError};
use crate::db::schema::{departments, jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::version::Status;

/// Acknowledgement figures of one position's version in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub department: String,
    pub position_id: String,
    pub position_title: String,
    pub version_id: String,
    pub version_number: i32,
    pub acknowledged: usize,
    pub pending: usize,
    pub overdue: usize,
    /// Who has not signed yet (to remind), with due dates.
    pub unsigned: Vec<Unsigned>,
}

/// Someone who has not signed yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unsigned {
    pub acknowledgement_id: String,
    pub employee_name: String,
    pub due_date: NaiveDate,
    pub overdue: bool,
}

/// A version in force with where it belongs.
#[derive(Queryable)]
struct InForce {
    version_id: String,
    number: i32,
    position_id: String,
    title: String,
    department: String,
}

/// The columns of an [`InForce`].
fn in_force_columns() -> (
    jd_versions::id,
    jd_versions::number,
    positions::id,
    positions::title,
    departments::name,
) {
    (
        jd_versions::id,
        jd_versions::number,
        positions::id,
        positions::title,
        departments::name,
    )
}

macro_rules! in_force {
    () => {
        jd_versions::table
            .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
            .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
            .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
            .filter(jd_versions::status.eq(Status::Approved.as_str()))
    };
}

/// Coverage of every version in force, by position title (the API).
pub fn coverage(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<CoverageRow>, ServiceError> {
    let in_force: Vec<InForce> = in_force!()
        .order((positions::title.asc(), positions::id.asc()))
        .select(in_force_columns())
        .load(conn)?;
    rows(conn, today, in_force)
}

/// One line of the coverage page: a job description, with the figures of its
/// version in force when it has one (a position whose instruction is not yet
/// approved shows as such, which is worth seeing on this page too).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageLine {
    pub job_description_id: String,
    pub position_id: String,
    pub position_title: String,
    pub department: String,
    pub figures: Option<CoverageRow>,
}

/// One page of coverage: job descriptions by position title (the coverage page).
///
/// The page's job descriptions are chosen first from indexes alone (position
/// title, then the document of the position), so a page deep in the list
/// costs little more than the first; the figures are read for those only.
pub fn page(
    conn: &mut DbConn,
    today: NaiveDate,
    page: Page,
    cursor: Option<&Cursor>,
) -> Result<Paged<CoverageLine>, ServiceError> {
    let total = jd::table.count().get_result(conn)?;
    let bound = super::positions::title_bound(conn, cursor)?;
    let q = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .select(jd::id)
        .into_boxed();
    let mut ids: Vec<String> = super::positions::in_title_order!(q, page, &bound).load(conn)?;
    if super::positions::backwards(&bound) {
        ids.reverse();
    }
    let mut named: HashMap<String, (String, String, String)> = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .filter(jd::id.eq_any(&ids))
        .select((jd::id, positions::id, positions::title, departments::name))
        .load::<(String, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, position, title, department)| (id, (position, title, department)))
        .collect();
    let in_force: Vec<(String, InForce)> = in_force!()
        .filter(jd::id.eq_any(&ids))
        .select((jd::id, in_force_columns()))
        .load(conn)?;
    let (docs, in_force): (Vec<String>, Vec<InForce>) = in_force.into_iter().unzip();
    let mut figures: HashMap<String, CoverageRow> = docs.into_iter().zip(rows(conn, today, in_force)?).collect();
    let items = ids
        .into_iter()
        .map(|id| {
            let (position_id, position_title, department) = named.remove(&id).unwrap_or_default();
            CoverageLine {
                figures: figures.remove(&id),
                job_description_id: id,
                position_id,
                position_title,
                department,
            }
        })
        .collect();
    Ok(Paged {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// The figures of the given versions in force, from one read of their acknowledgements.
fn rows(conn: &mut DbConn, today: NaiveDate, in_force: Vec<InForce>) -> Result<Vec<CoverageRow>, ServiceError> {
    let mut by_version: HashMap<String, Vec<Acknowledgement>> = HashMap::new();
    for chunk in in_force.chunks(CHUNK) {
        let ids: Vec<String> = chunk.iter().map(|r| r.version_id.clone()).collect();
        for a in of_versions(conn, &ids)? {
            by_version.entry(a.version_id.clone()).or_default().push(a);
        }
    }
    Ok(in_force
        .into_iter()
        .map(
            |InForce {
                 version_id,
                 number,
                 position_id,
                 title,
                 department,
             }| {
                let mine = by_version.remove(&version_id).unwrap_or_default();
                let mut unsigned: Vec<Unsigned> = mine
                    .iter()
                    .filter(|a| a.signed_at.is_none())
                    .map(|a| Unsigned {
                        acknowledgement_id: a.id.clone(),
                        employee_name: a.employee_name.clone(),
                        due_date: a.due_date,
                        overdue: a.due_date < today,
                    })
                    .collect();
                // The most urgent first, then by name: the same list on every page and export.
                unsigned.sort_by(|a, b| {
                    a.due_date
                        .cmp(&b.due_date)
                        .then_with(|| a.employee_name.cmp(&b.employee_name))
                });
                CoverageRow {
                    department,
                    position_id,
                    position_title: title,
                    version_id,
                    version_number: number,
                    acknowledged: mine.iter().filter(|a| a.signed_at.is_some()).count(),
                    pending: unsigned.iter().filter(|u| !u.overdue).count(),
                    overdue: unsigned.iter().filter(|u| u.overdue).count(),
                    unsigned,
                }
            },
        )
        .collect())
}

/// How many positions have no job description in force (none, or none approved yet).
pub fn positions_without_document(conn: &mut DbConn) -> Result<i64, ServiceError> {
    let total: i64 = positions::table.count().get_result(conn)?;
    let covered: i64 = jd::table
        .inner_join(jd_versions::table.on(jd_versions::job_description_id.eq(jd::id)))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .select(diesel::dsl::count(jd::position_id).aggregate_distinct())
        .first(conn)?;
    Ok(total - covered)
}
