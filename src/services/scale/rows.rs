//! The rows `demo --scale` writes, as inserted in multi-row batches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    acknowledgements, assignments, departments, employees, jd_version_texts, jd_versions, job_descriptions, positions,
};

#[derive(Insertable)]
#[diesel(table_name = departments, treat_none_as_default_value = false)]
pub(super) struct NewDepartment {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) parent_id: Option<String>,
    pub(super) updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = positions, treat_none_as_default_value = false)]
pub(super) struct NewPosition {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) title_genitive: String,
    pub(super) category: String,
    pub(super) department_id: String,
    pub(super) reports_to_id: Option<String>,
    pub(super) updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = employees, treat_none_as_default_value = false)]
pub(super) struct NewEmployee {
    pub(super) id: String,
    pub(super) surname: String,
    pub(super) name: String,
    pub(super) patronymic: String,
    pub(super) personnel_number: String,
    pub(super) email: Option<String>,
    pub(super) updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = assignments, treat_none_as_default_value = false)]
pub(super) struct NewAssignment {
    pub(super) id: String,
    pub(super) employee_id: String,
    pub(super) position_id: String,
    pub(super) date_from: NaiveDate,
    pub(super) date_to: Option<NaiveDate>,
    pub(super) updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = job_descriptions, treat_none_as_default_value = false)]
pub(super) struct NewDocument {
    pub(super) id: String,
    pub(super) position_id: String,
    pub(super) review_date: Option<NaiveDate>,
    pub(super) created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = jd_versions, treat_none_as_default_value = false)]
pub(super) struct NewVersion {
    pub(super) id: String,
    pub(super) job_description_id: String,
    pub(super) number: i32,
    pub(super) status: String,
    pub(super) based_on_id: Option<String>,
    pub(super) revision: i64,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
    pub(super) round: i32,
    pub(super) route: Option<String>,
    pub(super) editorial: bool,
    pub(super) sent_by: Option<String>,
    pub(super) sent_at: Option<NaiveDateTime>,
    pub(super) registration_number: Option<String>,
    pub(super) content_hash: Option<String>,
    pub(super) approved_by: Option<String>,
    pub(super) approved_at: Option<NaiveDateTime>,
    pub(super) effective_date: Option<NaiveDate>,
}

#[derive(Insertable)]
#[diesel(table_name = jd_version_texts)]
pub(super) struct NewText {
    pub(super) version_id: String,
    pub(super) content: String,
}

#[derive(Insertable)]
#[diesel(table_name = acknowledgements, treat_none_as_default_value = false)]
pub(super) struct NewAcknowledgement {
    pub(super) id: String,
    pub(super) version_id: String,
    pub(super) employee_id: String,
    pub(super) content_hash: String,
    pub(super) due_date: NaiveDate,
    pub(super) created_at: NaiveDateTime,
    pub(super) signed_at: Option<NaiveDateTime>,
    pub(super) method: Option<String>,
    pub(super) ip: Option<String>,
    pub(super) user_agent: Option<String>,
    pub(super) signature_code: Option<String>,
    pub(super) recorded_by: Option<String>,
    pub(super) note: Option<String>,
}
