//! Acknowledgement: employees sign that they have read one exact version;
//! records are evidence (who, what, when, how, from where) sealed with an HMAC.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use super::journal::{write_tx, Journal};
use super::rules::Rules;
use super::sessions::Client;
use super::{new_id, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{acknowledgements as ack, assignments, jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::change_log::hash_time;
use crate::domain::staff::Assignment;
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;

/// An acknowledgement (a task while unsigned).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Acknowledgement {
    pub id: String,
    pub version_id: String,
    pub version_number: i32,
    pub version_status: Status,
    pub position_title: String,
    pub employee_id: String,
    pub employee_name: String,
    pub content_hash: String,
    pub due_date: NaiveDate,
    #[schema(value_type = Option<String>)]
    pub signed_at: Option<NaiveDateTime>,
    /// `electronic` or `paper`; empty while unsigned.
    pub method: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub signature_code: Option<String>,
    pub recorded_by: Option<String>,
    pub note: Option<String>,
}

impl Acknowledgement {
    /// The short code printed on the acknowledgement sheet.
    pub fn short_code(&self) -> Option<String> {
        self.signature_code
            .as_ref()
            .map(|c| c.chars().take(16).collect::<String>().to_uppercase())
    }
}

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = ack)]
struct AckRow {
    id: String,
    version_id: String,
    employee_id: String,
    content_hash: String,
    due_date: NaiveDate,
    signed_at: Option<NaiveDateTime>,
    method: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    signature_code: Option<String>,
    recorded_by: Option<String>,
    note: Option<String>,
}

fn enrich(conn: &mut DbConn, rows: Vec<AckRow>) -> Result<Vec<Acknowledgement>, ServiceError> {
    let version_ids: Vec<&String> = rows.iter().map(|r| &r.version_id).collect();
    let versions: HashMap<String, (i32, String, String)> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd_versions::id.eq_any(version_ids))
        .select((
            jd_versions::id,
            jd_versions::number,
            jd_versions::status,
            positions::title,
        ))
        .load::<(String, i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, n, s, t)| (id, (n, s, t)))
        .collect();
    let employee_ids: Vec<&String> = rows.iter().map(|r| &r.employee_id).collect();
    let names: HashMap<String, String> = super::employees::full_names(conn, &employee_ids)?;
    rows.into_iter()
        .map(|r| {
            let (number, status, title) = versions.get(&r.version_id).cloned().ok_or(ServiceError::NotFound)?;
            Ok(Acknowledgement {
                version_number: number,
                version_status: Status::parse(&status)
                    .ok_or_else(|| ServiceError::Internal(format!("status {status}")))?,
                position_title: title,
                employee_name: names.get(&r.employee_id).cloned().unwrap_or_default(),
                id: r.id,
                version_id: r.version_id,
                employee_id: r.employee_id,
                content_hash: r.content_hash,
                due_date: r.due_date,
                signed_at: r.signed_at,
                method: r.method,
                ip: r.ip,
                user_agent: r.user_agent,
                signature_code: r.signature_code,
                recorded_by: r.recorded_by,
                note: r.note,
            })
        })
        .collect()
}

/// One acknowledgement.
pub fn get(conn: &mut DbConn, id: &str) -> Result<Acknowledgement, ServiceError> {
    let row: AckRow = ack::table.find(id).select(AckRow::as_select()).first(conn)?;
    enrich(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
}

/// Every acknowledgement of an employee, newest due first.
pub fn of_employee(conn: &mut DbConn, employee_id: &str) -> Result<Vec<Acknowledgement>, ServiceError> {
    let rows: Vec<AckRow> = ack::table
        .filter(ack::employee_id.eq(employee_id))
        .order(ack::due_date.desc())
        .select(AckRow::as_select())
        .load(conn)?;
    enrich(conn, rows)
}

/// Every acknowledgement of some versions.
pub fn of_versions(conn: &mut DbConn, version_ids: &[String]) -> Result<Vec<Acknowledgement>, ServiceError> {
    let rows: Vec<AckRow> = ack::table
        .filter(ack::version_id.eq_any(version_ids))
        .order(ack::due_date.asc())
        .select(AckRow::as_select())
        .load(conn)?;
    enrich(conn, rows)
}

/// Employees holding any of `position_ids` on `day`, each once.
pub fn holders(conn: &mut DbConn, position_ids: &[String], day: NaiveDate) -> Result<Vec<String>, ServiceError> {
    let mut ids: Vec<String> = assignments::table
        .filter(assignments::position_id.eq_any(position_ids))
        .filter(assignments::date_from.le(day))
        .filter(assignments::date_to.is_null().or(assignments::date_to.ge(day)))
        .select(assignments::employee_id)
        .load(conn)?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

fn insert_task(
    conn: &mut DbConn,
    journal: &mut Journal,
    version_id: &str,
    employee_id: &str,
    hash: &str,
    due: NaiveDate,
) -> Result<bool, ServiceError> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        ack::table
            .filter(ack::version_id.eq(version_id))
            .filter(ack::employee_id.eq(employee_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    let id = new_id();
    diesel::insert_into(ack::table)
        .values((
            ack::id.eq(&id),
            ack::version_id.eq(version_id),
            ack::employee_id.eq(employee_id),
            ack::content_hash.eq(hash),
            ack::due_date.eq(due),
            ack::created_at.eq(journal.at()),
        ))
        .execute(conn)?;
    journal.note(
        conn,
        "acknowledgement",
        &id,
        "requested",
        &json!({ "version_id": version_id, "employee_id": employee_id, "content_hash": hash, "due_date": due }),
    )?;
    Ok(true)
}

/// Asks every current holder of the version's position to acknowledge it, unless
/// already asked; returns how many were asked now.
pub fn request_for_version(
    conn: &mut DbConn,
    journal: &mut Journal,
    version_id: &str,
    hash: &str,
    due: NaiveDate,
) -> Result<usize, ServiceError> {
    let position_id: String = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .filter(jd_versions::id.eq(version_id))
        .select(jd::position_id)
        .first(conn)?;
    let people = holders(conn, std::slice::from_ref(&position_id), journal.today())?;
    let mut asked = 0;
    for e in &people {
        asked += usize::from(insert_task(conn, journal, version_id, e, hash, due)?);
    }
    Ok(asked)
}

/// Asks a new holder of a position to acknowledge the version in force.
pub fn request_for_new_holder(
    conn: &mut DbConn,
    journal: &mut Journal,
    rules: &Rules,
    a: &Assignment,
) -> Result<(), ServiceError> {
    let today = journal.today();
    if a.date_to.is_some_and(|to| to < today) {
        return Ok(());
    }
    let in_force: Option<(String, Option<String>)> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .filter(jd::position_id.eq(&a.position_id))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .select((jd_versions::id, jd_versions::content_hash))
        .first(conn)
        .optional()?;
    if let Some((version_id, Some(hash))) = in_force {
        let due = rules.acknowledge_by(a.date_from.max(today));
        insert_task(conn, journal, &version_id, &a.employee_id, &hash, due)?;
    }
    Ok(())
}

/// The fields the seal covers, in seal order, as (label key, value): the evidence page
/// shows exactly these, so what is read is what is sealed.
pub fn sealed_fields(a: &Acknowledgement) -> [(&'static str, String); 10] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        ("seal.record", a.id.clone()),
        ("seal.employee", a.employee_id.clone()),
        ("seal.version", a.version_id.clone()),
        ("seal.content_hash", a.content_hash.clone()),
        (
            "seal.signed_at",
            a.signed_at.as_ref().map(hash_time).unwrap_or_default(),
        ),
        ("seal.method", opt(&a.method)),
        ("seal.address", opt(&a.ip)),
        ("seal.user_agent", opt(&a.user_agent)),
        ("seal.recorded_by", opt(&a.recorded_by)),
        ("seal.note", opt(&a.note)),
    ]
}

/// HMAC-SHA256 over the sealed fields, with the server key: a changed record no longer matches.
pub fn signature(key: &[u8], a: &Acknowledgement) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    for (_, f) in sealed_fields(a) {
        mac.update(&(f.len() as u64).to_be_bytes());
        mac.update(f.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

/// The employee signs electronically, having re-entered their password
/// (`auth::confirm_password`, checked by the caller first).
pub fn sign(
    conn: &mut DbConn,
    clock: &Clock,
    key: &[u8],
    user: &User,
    ack_id: &str,
    origin: &Client,
) -> Result<Acknowledgement, ServiceError> {
    write_tx(conn, clock, &user.login, |conn, journal| {
        let mut a = get(conn, ack_id)?;
        if user.employee_id.as_deref() != Some(a.employee_id.as_str()) {
            return Err(ServiceError::Refused("not_your_task"));
        }
        if a.version_status != Status::Approved {
            return Err(ServiceError::Refused("version_not_in_force"));
        }
        if a.signed_at.is_some() {
            return Err(ServiceError::Refused("already_signed"));
        }
        a.signed_at = Some(journal.at());
        a.method = Some("electronic".into());
        a.ip = Some(origin.address.clone());
        a.user_agent = Some(origin.user_agent.clone());
        seal(conn, journal, key, &mut a)
    })
}

/// Writes a signature and its seal; refuses if someone signed in between.
fn seal(
    conn: &mut DbConn,
    journal: &mut Journal,
    key: &[u8],
    a: &mut Acknowledgement,
) -> Result<Acknowledgement, ServiceError> {
    a.signature_code = Some(signature(key, a));
    let updated = diesel::update(ack::table.find(&a.id).filter(ack::signed_at.is_null()))
        .set((
            ack::signed_at.eq(a.signed_at),
            ack::method.eq(&a.method),
            ack::ip.eq(&a.ip),
            ack::user_agent.eq(&a.user_agent),
            ack::signature_code.eq(&a.signature_code),
            ack::recorded_by.eq(&a.recorded_by),
            ack::note.eq(&a.note),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ServiceError::Refused("already_signed"));
    }
    journal.note(
        conn,
        "acknowledgement",
        &a.id,
        "signed",
        &json!({ "version_id": a.version_id, "employee_id": a.employee_id, "content_hash": a.content_hash,
                      "method": a.method, "signed_at": a.signed_at, "ip": a.ip, "user_agent": a.user_agent,
                      "recorded_by": a.recorded_by, "note": a.note, "signature_code": a.signature_code }),
    )?;
    let data = |conn: &mut DbConn| {
        let mut data = super::webhooks::version_data(conn, &a.version_id)?;
        data["acknowledgement_id"] = json!(a.id);
        data["employee_id"] = json!(a.employee_id);
        data["employee_name"] = json!(a.employee_name);
        data["method"] = json!(a.method);
        data["signed_at"] = json!(a
            .signed_at
            .map(|t| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        Ok(data)
    };
    super::webhooks::emit(
        conn,
        journal.at(),
        crate::domain::webhook::Event::AcknowledgementSigned,
        &a.id,
        data,
    )?;
    Ok(a.clone())
}

/// A paper acknowledgement recorded by HR.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PaperInput {
    #[schema(value_type = String)]
    pub date: NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// HR records that the employee signed the paper sheet on `date`.
pub fn record_paper(
    conn: &mut DbConn,
    clock: &Clock,
    key: &[u8],
    actor: &User,
    ack_id: &str,
    input: &PaperInput,
) -> Result<Acknowledgement, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let mut a = get(conn, ack_id)?;
        if a.version_status != Status::Approved {
            return Err(ServiceError::Refused("version_not_in_force"));
        }
        if a.signed_at.is_some() {
            return Err(ServiceError::Refused("already_signed"));
        }
        if input.date > today {
            return Err(FieldErrors::single("date", "date_in_future").into());
        }
        let mut e = FieldErrors::default();
        e.limit("note", &input.note, 1000);
        e.into_result()?;
        a.signed_at = input.date.and_hms_opt(0, 0, 0);
        a.method = Some("paper".into());
        a.recorded_by = Some(actor.login.clone());
        a.note = Some(input.note.trim().to_string());
        seal(conn, journal, key, &mut a)
    })
}

/// An acknowledgement with the check of its seal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub acknowledgement: Acknowledgement,
    /// The stored signature code matches the recorded fields.
    pub seal_valid: bool,
    /// The version's current content hash is still the one acknowledged.
    pub content_matches: bool,
    pub registration_number: Option<String>,
}

/// Everything recorded about one acknowledgement, verified.
pub fn evidence(conn: &mut DbConn, key: &[u8], ack_id: &str) -> Result<Evidence, ServiceError> {
    let a = get(conn, ack_id)?;
    let (hash, number): (Option<String>, Option<String>) = jd_versions::table
        .find(&a.version_id)
        .select((jd_versions::content_hash, jd_versions::registration_number))
        .first(conn)?;
    Ok(Evidence {
        seal_valid: a.signature_code.as_deref().is_some_and(|c| c == signature(key, &a)),
        content_matches: hash.as_deref() == Some(a.content_hash.as_str()),
        registration_number: number,
        acknowledgement: a,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Acknowledgement {
        Acknowledgement {
            id: "a".into(),
            version_id: "v".into(),
            version_number: 1,
            version_status: Status::Approved,
            position_title: "кладовщик".into(),
            employee_id: "e".into(),
            employee_name: "Иванов Иван Иванович".into(),
            content_hash: "h".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            signed_at: None,
            method: Some("electronic".into()),
            ip: Some("127.0.0.1".into()),
            user_agent: Some("test".into()),
            signature_code: None,
            recorded_by: None,
            note: None,
        }
    }

    #[test]
    fn any_changed_field_breaks_the_seal() {
        let a = sample();
        let code = signature(b"key", &a);
        assert_eq!(code, signature(b"key", &a));
        assert_ne!(code, signature(b"other key", &a));
        for change in [
            |a: &mut Acknowledgement| a.ip = Some("10.0.0.1".into()),
            |a: &mut Acknowledgement| a.content_hash = "other".into(),
            |a: &mut Acknowledgement| a.employee_id = "x".into(),
            |a: &mut Acknowledgement| a.method = Some("paper".into()),
        ] {
            let mut b = sample();
            change(&mut b);
            assert_ne!(signature(b"key", &b), code);
        }
    }
}
