//! Coverage: how far the holders of each position have acknowledged its version in force.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::acknowledgements::{of_versions, Acknowledgement};
use super::ServiceError;
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

/// Coverage of every version in force, by department and position.
pub fn coverage(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<CoverageRow>, ServiceError> {
    /// A version in force with where it belongs.
    #[derive(Queryable)]
    struct InForce {
        version_id: String,
        number: i32,
        position_id: String,
        title: String,
        department: String,
    }
    let in_force: Vec<InForce> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .order((departments::name.asc(), positions::title.asc()))
        .select((
            jd_versions::id,
            jd_versions::number,
            positions::id,
            positions::title,
            departments::name,
        ))
        .load(conn)?;
    let ids: Vec<String> = in_force.iter().map(|r| r.version_id.clone()).collect();
    let acks = of_versions(conn, &ids)?;
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
                let mine: Vec<&Acknowledgement> = acks.iter().filter(|a| a.version_id == version_id).collect();
                let unsigned: Vec<Unsigned> = mine
                    .iter()
                    .filter(|a| a.signed_at.is_none())
                    .map(|a| Unsigned {
                        acknowledgement_id: a.id.clone(),
                        employee_name: a.employee_name.clone(),
                        due_date: a.due_date,
                        overdue: a.due_date < today,
                    })
                    .collect();
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
