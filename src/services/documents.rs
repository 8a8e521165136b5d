//! Job descriptions and their versions: creating one for a position, reading versions.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud::Resource;
use super::journal::{write_tx, Journal};
use super::texts::{load, Owner};
use super::versions::{self, Version, VersionSummary};
use super::{new_id, organization, Cursor, Page, Paged, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{departments, jd_versions, job_descriptions as jd, positions, templates};
use crate::db::DbConn;
use crate::domain::document::Content;
use crate::domain::placeholders::Values;
use crate::domain::structure::Position;
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;

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

/// A job description row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = jd)]
struct JdRow {
    id: String,
    position_id: String,
    review_date: Option<NaiveDate>,
}

fn assemble(conn: &mut DbConn, rows: Vec<JdRow>) -> Result<Vec<JobDescription>, ServiceError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let mut by_jd = versions::summaries(conn, &ids)?;
    let pos_ids: Vec<&String> = rows.iter().map(|r| &r.position_id).collect();
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
        .map(
            |JdRow {
                 id,
                 position_id,
                 review_date,
             }| {
                let (position_title, department_name) = pos.get(&position_id).cloned().unwrap_or_default();
                let versions = by_jd.remove(&id).unwrap_or_default();
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
            },
        )
        .collect())
}

/// Job descriptions, by position title (a position has one, so (title,
/// position) orders them totally, straight from the title index).
pub fn list(conn: &mut DbConn, page: Page) -> Result<Paged<JobDescription>, ServiceError> {
    list_from(conn, page, None)
}

/// A page of job descriptions reached from a neighbour's link (see [`Cursor`]).
pub fn list_from(
    conn: &mut DbConn,
    page: Page,
    cursor: Option<&Cursor>,
) -> Result<Paged<JobDescription>, ServiceError> {
    let total = jd::table.count().get_result(conn)?;
    let bound = super::positions::title_bound(conn, cursor)?;
    let q = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .select(JdRow::as_select())
        .into_boxed();
    let mut rows: Vec<JdRow> = super::positions::in_title_order!(q, page, &bound).load(conn)?;
    if super::positions::backwards(&bound) {
        rows.reverse();
    }
    Ok(Paged {
        items: assemble(conn, rows)?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// What the documents list is narrowed to: words of the position or department, and
/// the status of the newest version.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub words: String,
    pub status: Option<Status>,
}

impl Filter {
    /// True when nothing narrows the list.
    pub fn is_empty(&self) -> bool {
        self.words.trim().is_empty() && self.status.is_none()
    }
}

/// The job descriptions `filter` keeps, by position title, one page. Words match any
/// form and case (`crate::domain::library::matches`), which SQLite's `LIKE` cannot do
/// for Cyrillic, so the titles are matched here: one narrow read of every title.
pub fn search(conn: &mut DbConn, filter: &Filter, page: Page) -> Result<Paged<JobDescription>, ServiceError> {
    let all: Vec<(String, String, Option<NaiveDate>, String, String)> = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .order((positions::title.asc(), positions::id.asc()))
        .select((
            jd::id,
            jd::position_id,
            jd::review_date,
            positions::title,
            departments::name,
        ))
        .load(conn)?;
    let newest: HashMap<String, String> = match filter.status {
        None => HashMap::new(),
        Some(_) => jd_versions::table
            .order(jd_versions::number.asc())
            .select((jd_versions::job_description_id, jd_versions::status))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect(),
    };
    let kept: Vec<JdRow> = all
        .into_iter()
        .filter(|(_, _, _, title, department)| {
            crate::domain::library::matches(&format!("{title} {department}"), &filter.words)
        })
        .filter(|(id, ..)| {
            filter
                .status
                .is_none_or(|s| newest.get(id).map(String::as_str) == Some(s.as_str()))
        })
        .map(|(id, position_id, review_date, ..)| JdRow {
            id,
            position_id,
            review_date,
        })
        .collect();
    let cut = Paged::cut(kept, page);
    Ok(Paged {
        items: assemble(conn, cut.items)?,
        total: cut.total,
        page: cut.page,
        per_page: cut.per_page,
    })
}

/// The job description of each of `position_ids` that has one, with its versions
/// newest first: (job description id, versions) by position id.
pub fn of_positions(
    conn: &mut DbConn,
    position_ids: &[&str],
) -> Result<HashMap<String, (String, Vec<VersionSummary>)>, ServiceError> {
    let pairs: Vec<(String, String)> = jd::table
        .filter(jd::position_id.eq_any(position_ids))
        .select((jd::position_id, jd::id))
        .load(conn)?;
    let ids: Vec<&String> = pairs.iter().map(|p| &p.1).collect();
    let mut versions = versions::summaries(conn, &ids)?;
    Ok(pairs
        .into_iter()
        .map(|(position, id)| {
            let v = versions.remove(&id).unwrap_or_default();
            (position, (id, v))
        })
        .collect())
}

/// One line of the register of job descriptions: a version given a registration number.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryLine {
    pub registration_number: String,
    pub job_description_id: String,
    pub version_id: String,
    pub position_title: String,
    pub department_name: String,
    pub version: i32,
    pub status: Status,
    /// `15.12.2026` in the organisation's zone.
    pub approved_on: Option<String>,
    pub effective_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
}

/// A registered version as the register reads it.
#[derive(Queryable)]
struct RegistryRow {
    registration_number: String,
    job_description_id: String,
    version_id: String,
    version: i32,
    status: String,
    approved_at: Option<chrono::NaiveDateTime>,
    effective_date: Option<NaiveDate>,
    review_date: Option<NaiveDate>,
    position_title: String,
    department_name: String,
}

/// Every registered version, by registration number: the register of job descriptions.
pub fn registry(conn: &mut DbConn, clock: &Clock) -> Result<Vec<RegistryLine>, ServiceError> {
    let rows: Vec<RegistryRow> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .filter(jd_versions::registration_number.is_not_null())
        .order(jd_versions::registration_number.asc())
        .select((
            jd_versions::registration_number.assume_not_null(),
            jd::id,
            jd_versions::id,
            jd_versions::number,
            jd_versions::status,
            jd_versions::approved_at,
            jd_versions::effective_date,
            jd::review_date,
            positions::title,
            departments::name,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(RegistryLine {
                registration_number: r.registration_number,
                job_description_id: r.job_description_id,
                version_id: r.version_id,
                position_title: r.position_title,
                department_name: r.department_name,
                version: r.version,
                status: versions::status(&r.status)?,
                approved_on: r.approved_at.map(|t| clock.date_of(t).format("%d.%m.%Y").to_string()),
                effective_date: r.effective_date,
                review_date: r.review_date,
            })
        })
        .collect()
}

/// One job description.
pub fn get(conn: &mut DbConn, id: &str) -> Result<JobDescription, ServiceError> {
    let row = jd::table.find(id).select(JdRow::as_select()).first(conn)?;
    assemble(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
}

/// What the placeholders of a version's position resolve to.
pub fn values(conn: &mut DbConn, version_id: &str) -> Result<Values, ServiceError> {
    let position_id = versions::position_of(conn, version_id)?;
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

/// Sets when the job description is next due for review.
pub fn set_review_date(conn: &mut DbConn, id: &str, date: NaiveDate) -> Result<(), ServiceError> {
    diesel::update(jd::table.find(id))
        .set(jd::review_date.eq(date))
        .execute(conn)?;
    Ok(())
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
        // Neither chosen: the template of the position's category, when there is one.
        let template_id = match (&template_id, &copy_from) {
            (None, None) if e.0.is_empty() => template_for(conn, &position_id)?,
            _ => template_id,
        };
        let source = match (&template_id, &copy_from) {
            (Some(t), None) => match load(conn, &Owner::Template(t.clone())) {
                Ok(l) => Some(l.content),
                Err(ServiceError::NotFound) => {
                    e.add("template_id", "unknown_reference");
                    None
                }
                Err(other) => return Err(other),
            },
            (None, Some(other)) => match versions::newest(conn, other)? {
                Some(v) => Some(load(conn, &Owner::Version(v.id))?.content),
                None => {
                    e.add("copy_from", "unknown_reference");
                    None
                }
            },
            (None, None) if e.0.is_empty() => {
                e.add("template_id", "no_template");
                None
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

/// The template for the position's category (the first by name), if any.
fn template_for(conn: &mut DbConn, position_id: &str) -> Result<Option<String>, ServiceError> {
    let category: String = positions::table
        .find(position_id)
        .select(positions::category)
        .first(conn)?;
    Ok(templates::table
        .filter(templates::category.eq(category))
        .order(templates::name.asc())
        .select(templates::id)
        .first(conn)
        .optional()?)
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
    let title: String = positions::table
        .find(position_id)
        .select(positions::title)
        .first(conn)?;
    journal.note(
        conn,
        "job_description",
        &id,
        "create",
        &json!({ "position_id": position_id, "position_title": title, "origin": origin }),
    )?;
    versions::insert_draft(conn, journal, &id, 1, None, content)?;
    get(conn, &id)
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
        let newest = versions::newest(conn, job_description_id)?.ok_or(ServiceError::NotFound)?;
        if newest.status != Status::Approved {
            return Err(ServiceError::Refused("newest_not_approved"));
        }
        let content = load(conn, &Owner::Version(newest.id.clone()))?.content;
        let id = versions::insert_draft(
            conn,
            journal,
            job_description_id,
            newest.number + 1,
            Some(&newest.id),
            &content,
        )?;
        super::webhooks::emit_for_version(conn, journal, crate::domain::webhook::Event::RevisionCreated, &id)?;
        versions::get(conn, &id)
    })
}
