//! Work on many documents at once: job descriptions for several positions from one
//! template, several drafts sent for agreement, a department's documents printed
//! as one file. Each item is its own transaction: one that is refused stays as it
//! was and says why, the others are done.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::documents::{self, NewDocument};
use super::{acknowledgements, render, workflow, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::version::Status;
use crate::i18n::{fill, strings};
use crate::pdf::input::RenderInput;

/// Most items one request may name.
pub const MAX_ITEMS: usize = 500;

/// What became of one item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// The position or version the item was.
    pub id: String,
    /// What people call it: a position title, or «title, ред. N».
    pub label: String,
    pub done: bool,
    /// Why it was refused (the same codes as the single action), when it was.
    pub code: Option<String>,
    /// The job description or version made, when one was.
    pub result_id: Option<String>,
    /// How many people a department's acknowledgement asked and reminded, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<People>,
}

/// The people one version's acknowledgement reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct People {
    /// Holders asked now, who had not been asked before.
    pub asked: usize,
    /// People reminded (with an account), when reminding was asked for.
    pub reminded: usize,
}

/// A department's acknowledgement: start it, and remind those who have not signed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DepartmentAcknowledgement {
    pub department_id: String,
    /// Remind everyone who has not signed yet, not only ask those never asked.
    #[serde(default)]
    pub remind: bool,
}

/// Every item's outcome, in the order asked.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub done: usize,
    pub refused: usize,
    pub items: Vec<Outcome>,
}

impl Outcome {
    /// What became of the item, in words: `what` names the work (`send`, `paper` …).
    pub fn said(&self, what: &str) -> String {
        let t = strings();
        match (&self.code, self.people) {
            (None, Some(p)) => fill(
                &fill(&t.get("bulk.done_acknowledge"), "asked", &p.asked.to_string()),
                "reminded",
                &p.reminded.to_string(),
            ),
            (None, None) => t.get(&format!("bulk.done_{what}")),
            (Some(code), _) => t
                .find(&format!("refused.{code}"))
                .or_else(|| t.find(&format!("errors.{code}")))
                .map_or_else(|| code.clone(), str::to_string),
        }
    }
}

impl BulkResult {
    /// «Выполнено: N; не выполнено: M.»
    pub fn summary(&self) -> String {
        let t = strings();
        fill(
            &fill(&t.get("bulk.summary"), "done", &self.done.to_string()),
            "refused",
            &self.refused.to_string(),
        )
    }

    fn push(&mut self, o: Outcome) {
        if o.done {
            self.done += 1;
        } else {
            self.refused += 1;
        }
        self.items.push(o);
    }
}

/// Job descriptions for several positions at once.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewDocuments {
    #[serde(default)]
    pub position_ids: Vec<String>,
    /// The template for all; none: each position's category template.
    #[serde(default)]
    pub template_id: Option<String>,
}

/// Several versions at once.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Versions {
    #[serde(default)]
    pub version_ids: Vec<String>,
}

/// The items asked for, each once, within the limit.
fn distinct(ids: &[String]) -> Result<Vec<String>, ServiceError> {
    let mut seen = HashSet::new();
    let ids: Vec<String> = ids
        .iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty() && seen.insert(i.clone()))
        .collect();
    if ids.is_empty() {
        return Err(ServiceError::Refused("nothing_chosen"));
    }
    if ids.len() > MAX_ITEMS {
        return Err(ServiceError::Refused("too_many_items"));
    }
    Ok(ids)
}

/// The code a refused item is reported with; a database failure stops the whole run.
fn refusal(e: ServiceError) -> Result<String, ServiceError> {
    match e {
        ServiceError::Refused(code) => Ok(code.to_string()),
        ServiceError::Validation(fe) => Ok(fe.0.first().map_or("invalid".into(), |f| f.code.clone())),
        ServiceError::NotFound => Ok("not_found".into()),
        ServiceError::Stale { .. } => Ok("stale".into()),
        other => Err(other),
    }
}

/// Told of a bulk run as it goes: how many items, then each item's outcome once known.
pub trait Progress {
    fn start(&mut self, _total: usize) {}
    fn item(&mut self, _outcome: &Outcome) {}
}

/// A run no one watches (the API answers the whole list at the end).
pub struct Quiet;

impl Progress for Quiet {}

/// Does `act` for each item, each as alone: what it made, or why it was refused.
fn each(
    conn: &mut DbConn,
    ids: Vec<String>,
    labels: &HashMap<String, String>,
    progress: &mut dyn Progress,
    mut act: impl FnMut(&mut DbConn, &str) -> Result<String, ServiceError>,
) -> Result<BulkResult, ServiceError> {
    each_with(conn, ids, labels, progress, |conn, id| Ok((act(conn, id)?, None)))
}

/// [`each`], the acts also saying whom they reached.
fn each_with(
    conn: &mut DbConn,
    ids: Vec<String>,
    labels: &HashMap<String, String>,
    progress: &mut dyn Progress,
    mut act: impl FnMut(&mut DbConn, &str) -> Result<(String, Option<People>), ServiceError>,
) -> Result<BulkResult, ServiceError> {
    let mut out = BulkResult::default();
    progress.start(ids.len());
    for id in ids {
        let label = labels.get(&id).cloned().unwrap_or_else(|| id.clone());
        let (done, code, result_id, people) = match act(conn, &id) {
            Ok((made, people)) => (true, None, Some(made), people),
            Err(e) => (false, Some(refusal(e)?), None, None),
        };
        let outcome = Outcome {
            id,
            label,
            done,
            code,
            result_id,
            people,
        };
        progress.item(&outcome);
        out.push(outcome);
    }
    Ok(out)
}

/// Makes a job description for each position, from one template (or each position's
/// category template). A position that already has one is refused, as alone.
pub fn create_documents(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    input: &NewDocuments,
    progress: &mut dyn Progress,
) -> Result<BulkResult, ServiceError> {
    let ids = distinct(&input.position_ids)?;
    let titles: HashMap<String, String> = positions::table
        .filter(positions::id.eq_any(&ids))
        .select((positions::id, positions::title))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    each(conn, ids, &titles, progress, |conn, id| {
        let one = NewDocument {
            position_id: id.to_string(),
            template_id: input.template_id.clone(),
            copy_from: None,
        };
        Ok(documents::create(conn, clock, actor, &one)?.id)
    })
}

/// «title, ред. N» of versions, by id.
fn version_labels(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, String>, ServiceError> {
    let rows: Vec<(String, String, i32)> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd_versions::id.eq_any(ids))
        .select((jd_versions::id, positions::title, jd_versions::number))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, n)| {
            (
                id,
                format!("{title}, {} {n}", crate::i18n::strings().get("positions.version")),
            )
        })
        .collect())
}

/// Sends each draft for agreement, as alone: the checks and the route apply to each.
pub fn send_drafts(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    input: &Versions,
    progress: &mut dyn Progress,
) -> Result<BulkResult, ServiceError> {
    let ids = distinct(&input.version_ids)?;
    let labels = version_labels(conn, &ids)?;
    each(conn, ids, &labels, progress, |conn, id| {
        workflow::send(conn, clock, actor, id)?;
        Ok(id.to_string())
    })
}

/// Acknowledgement of every version in force of a department, each version as alone:
/// its current holders not asked yet are asked (a holder appointed before the version
/// was approved on paper, or before the system); with `remind`, everyone who has not
/// signed is reminded, and the department's head told of those overdue. A signature
/// stands: a version is signed once per person, so a signed one is not asked again.
pub fn acknowledge_department(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &super::rules::Rules,
    actor: &User,
    input: &DepartmentAcknowledgement,
    progress: &mut dyn Progress,
) -> Result<BulkResult, ServiceError> {
    let department = input.department_id.trim();
    if !crate::exists!(conn, crate::db::schema::departments, department)? {
        return Err(ServiceError::NotFound);
    }
    let ids = in_force_of_department(conn, department)?;
    if ids.is_empty() {
        return Err(ServiceError::Refused("nothing_in_force"));
    }
    let labels = version_labels(conn, &ids)?;
    each_with(conn, ids, &labels, progress, |conn, id| {
        let asked = super::journal::write_tx(conn, clock, &actor.login, |conn, journal| {
            let hash = super::versions::state(conn, id)?
                .content_hash
                .ok_or(ServiceError::Refused("not_in_force"))?;
            acknowledgements::request_for_version(conn, journal, id, &hash, rules.acknowledge_by(journal.today()))
        })?;
        let reminded = if input.remind {
            match super::notifications::remind(conn, clock, actor, id) {
                Ok(r) => r.notified,
                Err(ServiceError::Refused("nobody_to_remind")) => 0,
                Err(e) => return Err(e),
            }
        } else {
            0
        };
        if asked == 0 && reminded == 0 {
            return Err(ServiceError::Refused(if input.remind {
                "nobody_to_remind"
            } else {
                "everyone_asked"
            }));
        }
        Ok((id.to_string(), Some(People { asked, reminded })))
    })
}

/// Paper signatures of several people from one sheet.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PaperSheet {
    #[serde(default)]
    pub acknowledgement_ids: Vec<String>,
    /// The date on the sheet.
    #[schema(value_type = String)]
    pub date: chrono::NaiveDate,
    /// Where the sheet is kept, e.g. «лист ознакомления, дело 02-15».
    #[serde(default)]
    pub note: String,
}

/// Records, for each acknowledgement, that the employee signed the paper sheet; each as alone.
pub fn record_paper(
    conn: &mut DbConn,
    clock: &Clock,
    key: &[u8],
    actor: &User,
    input: &PaperSheet,
    progress: &mut dyn Progress,
) -> Result<BulkResult, ServiceError> {
    let ids = distinct(&input.acknowledgement_ids)?;
    let one = acknowledgements::PaperInput {
        date: input.date,
        note: input.note.clone(),
    };
    let mut labels = HashMap::new();
    for id in &ids {
        if let Ok(a) = acknowledgements::get(conn, id) {
            labels.insert(id.clone(), format!("{}, «{}»", a.employee_name, a.position_title));
        }
    }
    each(conn, ids, &labels, progress, |conn, id| {
        acknowledgements::record_paper(conn, clock, key, actor, id, &one)?;
        Ok(id.to_string())
    })
}

/// A position that has no job description yet.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Unwritten {
    pub id: String,
    pub title: String,
    pub department: String,
}

/// Every position without a job description, by department and title.
pub fn positions_without_document(conn: &mut DbConn) -> Result<Vec<Unwritten>, ServiceError> {
    use crate::db::schema::departments;
    Ok(positions::table
        .inner_join(departments::table.on(departments::id.eq(positions::department_id)))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            jd::table.filter(jd::position_id.eq(positions::id)),
        )))
        .order((departments::name.asc(), positions::title.asc()))
        .select((positions::id, positions::title, departments::name))
        .load(conn)?)
}

/// A department's name.
pub fn department_name(conn: &mut DbConn, id: &str) -> Result<String, ServiceError> {
    use crate::db::schema::departments;
    Ok(departments::table.find(id).select(departments::name).first(conn)?)
}

/// The versions in force of a department's positions, by position title.
pub fn in_force_of_department(conn: &mut DbConn, department_id: &str) -> Result<Vec<String>, ServiceError> {
    Ok(jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(positions::department_id.eq(department_id))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .order((positions::title.asc(), positions::id.asc()))
        .select(jd_versions::id)
        .load(conn)?)
}

/// What to print as one file: the versions named, or a department's versions in force.
pub fn print_inputs(
    conn: &mut DbConn,
    clock: &Clock,
    public_url: &str,
    versions: &[String],
    department: Option<&str>,
) -> Result<Vec<RenderInput>, ServiceError> {
    let ids = match department {
        Some(d) => {
            if !crate::exists!(conn, crate::db::schema::departments, d)? {
                return Err(ServiceError::NotFound);
            }
            let ids = in_force_of_department(conn, d)?;
            if ids.is_empty() {
                return Err(ServiceError::Refused("nothing_in_force"));
            }
            if ids.len() > MAX_ITEMS {
                return Err(ServiceError::Refused("too_many_items"));
            }
            ids
        }
        None => distinct(versions)?,
    };
    ids.iter()
        .map(|id| render::input_for(conn, clock, id, public_url))
        .collect()
}
