//! A large generated organisation on top of the demo one (`jobdesc demo --scale`),
//! for measuring list pages and the change log at the size of a large company.
//!
//! Rows are written in multi-row batches, not through the per-row services: a
//! million change-log entries one transaction at a time would take hours. Every
//! generated row has its change-log entry, so the hash chain covers them like
//! any other. What the workflow decides (documents in agreement, drafts) is
//! made through the services afterwards, so those rows are exactly what the
//! server itself would write.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

mod names;
mod rows;

use names::{GRADES, NAMES, PATRONYMICS, ROLES, SURNAMES, UNITS};
use rows::{
    NewAcknowledgement, NewAssignment, NewDepartment, NewDocument, NewEmployee, NewPosition, NewText, NewVersion,
};

use super::acknowledgements::{signature, Acknowledgement};
use super::journal::{write_tx, Note};
use super::rules::Rules;
use super::texts::{self, Owner};
use super::{demo, documents, new_id, templates, users, workflow, ServiceError};
use crate::clock::Clock;
use crate::db::insert_batches;
use crate::db::schema::{
    acknowledgements, assignments, departments, employees, jd_version_texts, jd_versions, job_descriptions, positions,
    registration_counters,
};
use crate::db::DbConn;
use crate::domain::document::Content;
use crate::domain::version::Status;

/// How large the generated organisation is.
#[derive(Debug, Clone)]
pub struct Scale {
    pub employees: usize,
    /// Positions, each with its job description.
    pub positions: usize,
    /// Distinct position titles (each title is a position in several departments).
    pub titles: usize,
    pub departments: usize,
    pub versions_per_document: usize,
    /// Earlier positions each employee held (their versions were acknowledged too).
    pub past_positions: usize,
    /// Change-log entries in all, the generated rows' own plus clause edits.
    pub log_entries: usize,
    /// Documents with a new version sent for agreement (through the services).
    pub in_agreement: usize,
}

impl Scale {
    /// The size of issue 13: 10,000 employees, 20,000 job descriptions (on
    /// 2,000 position titles), 100,000 versions, 200,000 acknowledgements and
    /// 1,000,000 change-log entries.
    pub fn large() -> Scale {
        Scale {
            employees: 10_000,
            positions: 20_000,
            titles: 2_000,
            departments: 200,
            versions_per_document: 5,
            past_positions: 3,
            log_entries: 1_000_000,
            in_agreement: 200,
        }
    }

    /// The same shape, `by` times smaller (tests); still enough departments
    /// for each title's positions to be in different ones.
    pub fn divided(&self, by: usize) -> Scale {
        let d = |n: usize| (n / by.max(1)).max(1);
        let (positions, titles) = (d(self.positions), d(self.titles));
        Scale {
            employees: d(self.employees),
            positions,
            titles,
            departments: d(self.departments).max(positions.div_ceil(titles)),
            versions_per_document: self.versions_per_document,
            past_positions: self.past_positions,
            log_entries: d(self.log_entries),
            in_agreement: d(self.in_agreement),
        }
    }
}

/// What was generated, for the command's message.
#[derive(Debug, Clone)]
pub struct ScaleSummary {
    /// The demo organisation loaded first (its logins work as usual).
    pub demo: demo::DemoSummary,
    pub departments: usize,
    pub positions: usize,
    pub employees: usize,
    pub assignments: usize,
    pub documents: usize,
    pub versions: usize,
    pub acknowledgements: usize,
    pub log_entries: usize,
    pub in_agreement: usize,
    pub seconds: f64,
    /// Time to verify the whole change log afterwards.
    pub verify_seconds: f64,
}

fn at_noon(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(12, 0, 0).unwrap_or_default()
}

fn hex_sha256(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// A short text for the generated versions: the first two clauses of each
/// section of the first template, so the pages have something to show without
/// the database growing by gigabytes.
fn sample_text(conn: &mut DbConn) -> Result<String, ServiceError> {
    let first = templates::all(conn)?
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::Internal("the demo has no template".into()))?;
    let mut content: Content = texts::load(conn, &Owner::Template(first.id))?.content;
    for s in &mut content.sections {
        s.clauses.truncate(2);
    }
    serde_json::to_string(&content).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Loads the demo organisation into an empty database, then the large one beside it.
pub fn load(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &Rules,
    key: &[u8],
    scale: &Scale,
) -> Result<ScaleSummary, ServiceError> {
    let started = std::time::Instant::now();
    let demo = demo::load(conn, clock, rules)?;
    let text = sample_text(conn)?;
    let user_id = |conn: &mut DbConn, login: &str| -> Result<_, ServiceError> {
        users::by_login(conn, login)?
            .map(|(u, _)| u)
            .ok_or_else(|| ServiceError::Internal(format!("demo user {login} is missing")))
    };
    let (hr, director) = (user_id(conn, "hr")?, user_id(conn, "director")?);
    // Documents to send for agreement go where the demo's route resolves: the
    // department of the demo's first drafts, reporting to its head.
    let (home_department, chief): (String, String) = positions::table
        .inner_join(job_descriptions::table.on(job_descriptions::position_id.eq(positions::id)))
        .filter(positions::reports_to_id.is_not_null())
        .order(positions::title)
        .select((positions::department_id, positions::reports_to_id.assume_not_null()))
        .first(conn)?;
    let mut summary = ScaleSummary {
        demo,
        departments: 0,
        positions: 0,
        employees: 0,
        assignments: 0,
        documents: 0,
        versions: 0,
        acknowledgements: 0,
        log_entries: 0,
        in_agreement: 0,
        seconds: 0.0,
        verify_seconds: 0.0,
    };
    let mut notes: Vec<Note> = Vec::new();
    let note =
        |notes: &mut Vec<Note>, entity: &'static str, id: &str, action: &'static str, after: serde_json::Value| {
            notes.push(Note {
                entity,
                entity_id: id.to_string(),
                action,
                after_json: after.to_string(),
            })
        };

    write_tx(conn, clock, "demo", |conn, journal| {
        let now = journal.at();
        let today = journal.today();
        // Versions are approved eight months apart, the one in force 100 to 300
        // days ago; people held their earlier positions a year each before that.
        let first_approval = today - Days::new((scale.versions_per_document as u64 - 1) * 240 + 300);
        // Departments: divisions of ten units each.
        let mut depts: Vec<NewDepartment> = Vec::with_capacity(scale.departments);
        for i in 0..scale.departments {
            let division = i / UNITS.len();
            let (name, parent_id) = if i % UNITS.len() == 0 {
                (format!("Дирекция № {}", division + 1), None)
            } else {
                (
                    format!("{} № {}", UNITS[i % UNITS.len()], division + 1),
                    Some(depts[division * UNITS.len()].id.clone()),
                )
            };
            depts.push(NewDepartment {
                id: new_id(),
                name,
                parent_id,
                updated_at: now,
            });
        }
        for d in &depts {
            note(&mut notes, "department", &d.id, "create", json!({ "name": d.name, "parent_id": d.parent_id }));
        }
        summary.departments = insert_batches!(conn, departments::table, depts);

        // Positions: each title in several departments; the first ones (sent
        // for agreement below) in the demo department whose route is set up.
        let pos: Vec<NewPosition> = (0..scale.positions)
            .map(|i| {
                let t = i % scale.titles.max(1);
                let (role, grade, field) = (t % ROLES.len(), (t / ROLES.len()) % GRADES.len(), t / 40 + 1);
                let home = i < scale.in_agreement;
                NewPosition {
                    id: new_id(),
                    title: format!("{}{} по направлению {field}", GRADES[grade].0, ROLES[role].0),
                    title_genitive: format!("{}{} по направлению {field}", GRADES[grade].1, ROLES[role].1),
                    category: "specialist".into(),
                    // The n-th position of a title goes to the next department
                    // over, so no department has one title twice.
                    department_id: if home {
                        home_department.clone()
                    } else {
                        depts[(i + i / scale.titles.max(1)) % depts.len()].id.clone()
                    },
                    reports_to_id: Some(chief.clone()),
                    updated_at: now,
                }
            })
            .collect();
        for p in &pos {
            note(&mut notes, "position", &p.id, "create", json!({ "title": p.title, "department_id": p.department_id }));
        }
        summary.positions = insert_batches!(conn, positions::table, pos);

        let emps: Vec<NewEmployee> = (0..scale.employees)
            .map(|i| NewEmployee {
                id: new_id(),
                surname: SURNAMES[i % SURNAMES.len()].into(),
                name: NAMES[(i / SURNAMES.len()) % NAMES.len()].into(),
                patronymic: PATRONYMICS[(i / 7) % PATRONYMICS.len()].into(),
                personnel_number: format!("К-{:05}", i + 1),
                email: None,
                updated_at: now,
            })
            .collect();
        for e in &emps {
            note(&mut notes, "employee", &e.id, "create", json!({ "surname": e.surname, "personnel_number": e.personnel_number }));
        }
        summary.employees = insert_batches!(conn, employees::table, emps);

        // Holders: employee i holds position i now (half the positions are
        // vacant) and held `past_positions` positions of the other half before.
        let held = scale.employees.min(scale.positions / 2).max(1);
        let vacant = (scale.positions - held).max(1);
        let mut asgs: Vec<NewAssignment> = Vec::new();
        let mut holdings: Vec<(usize, usize)> = Vec::new(); // (employee, position)
        for e in 0..held {
            asgs.push(NewAssignment {
                id: new_id(),
                employee_id: emps[e].id.clone(),
                position_id: pos[e].id.clone(),
                date_from: first_approval,
                date_to: None,
                updated_at: now,
            });
            holdings.push((e, e));
            for k in 0..scale.past_positions {
                let p = held + (e * scale.past_positions + k) % vacant;
                if p >= pos.len() {
                    continue;
                }
                let years = (scale.past_positions - k) as u64;
                let from = first_approval - Days::new(365 * years);
                asgs.push(NewAssignment {
                    id: new_id(),
                    employee_id: emps[e].id.clone(),
                    position_id: pos[p].id.clone(),
                    date_from: from,
                    date_to: Some(from + Days::new(364)),
                    updated_at: now,
                });
                holdings.push((e, p));
            }
        }
        for a in &asgs {
            note(&mut notes, "assignment", &a.id, "create", json!({ "employee_id": a.employee_id, "position_id": a.position_id, "date_from": a.date_from }));
        }
        summary.assignments = insert_batches!(conn, assignments::table, asgs);

        // Documents and versions: all approved in turn, the last in force.
        let mut docs = Vec::with_capacity(pos.len());
        let mut vers: Vec<NewVersion> = Vec::with_capacity(pos.len() * scale.versions_per_document);
        let mut counters: std::collections::BTreeMap<i32, i32> = Default::default();
        for (i, p) in pos.iter().enumerate() {
            let doc_id = new_id();
            let mut based_on = None;
            let mut last_effective = first_approval;
            for n in 1..=scale.versions_per_document {
                let approved_on = first_approval + Days::new((n as u64 - 1) * 240 + (i % 200) as u64);
                let year = approved_on.year();
                let seq = counters.entry(year).or_insert(0);
                *seq += 1;
                let id = new_id();
                let in_force = n == scale.versions_per_document;
                last_effective = approved_on + Days::new(7);
                vers.push(NewVersion {
                    content_hash: Some(hex_sha256(&[&id, &text])),
                    job_description_id: doc_id.clone(),
                    number: n as i32,
                    status: if in_force { Status::Approved } else { Status::Superseded }.as_str().into(),
                    based_on_id: based_on.replace(id.clone()),
                    revision: 1,
                    created_at: at_noon(approved_on - Days::new(20)),
                    updated_at: at_noon(approved_on),
                    round: 1,
                    route: None,
                    editorial: false,
                    sent_by: Some(hr.id.0.clone()),
                    sent_at: Some(at_noon(approved_on - Days::new(10))),
                    registration_number: Some(format!("ДИ-{year}-{seq:05}")),
                    approved_by: Some(director.id.0.clone()),
                    approved_at: Some(at_noon(approved_on)),
                    effective_date: Some(last_effective),
                    id,
                });
            }
            // One document in a hundred is past its review date.
            let review = if i % 100 == 7 {
                today - Days::new(30 + (i % 60) as u64)
            } else {
                last_effective + Months::new(rules.review_months.max(1))
            };
            docs.push(NewDocument {
                id: doc_id,
                position_id: p.id.clone(),
                review_date: Some(review.max(last_effective)),
                created_at: vers[vers.len() - scale.versions_per_document].created_at,
            });
        }
        // Acknowledgements: every holder of a position acknowledged each of its
        // versions; one current holder in twenty has not signed the version in force.
        let per = scale.versions_per_document;
        let mut acks: Vec<Acknowledgement> = Vec::with_capacity(holdings.len() * per);
        for &(e, p) in &holdings {
            for n in 0..per {
                let v = &vers[p * per + n];
                let approved_at = v.approved_at.unwrap_or(now);
                let mut a = Acknowledgement {
                    id: new_id(),
                    version_id: v.id.clone(),
                    version_number: v.number,
                    version_status: Status::Approved,
                    position_title: String::new(),
                    employee_id: emps[e].id.clone(),
                    employee_name: String::new(),
                    content_hash: v.content_hash.clone().unwrap_or_default(),
                    due_date: approved_at.date() + Days::new(rules.acknowledge_days.max(1) as u64),
                    signed_at: None,
                    method: None,
                    ip: None,
                    user_agent: None,
                    signature_code: None,
                    recorded_by: None,
                    note: None,
                };
                if !(p == e && n + 1 == per && e % 20 == 3) {
                    a.signed_at = Some(approved_at + Days::new(3));
                    a.method = Some("electronic".into());
                    a.ip = Some("10.20.0.1".into());
                    a.user_agent = Some("jobdesc demo --scale".into());
                    a.signature_code = Some(signature(key, &a));
                }
                acks.push(a);
            }
        }

        // The change log: each row's creation, each approval, each request and
        // signature, and clause edits of each version up to the total asked for.
        let own = notes.len() + docs.len() + 2 * vers.len() + acks.len() + acks.iter().filter(|a| a.signed_at.is_some()).count();
        let head = journal.seq() as usize + own + 2 * scale.in_agreement;
        // Spread the clause edits evenly: the first `extra` versions get one more.
        let edits = scale.log_entries.saturating_sub(head);
        let (each, extra) = (edits / vers.len().max(1), edits % vers.len().max(1));
        for d in &docs {
            note(&mut notes, "job_description", &d.id, "create", json!({ "position_id": d.position_id }));
        }
        for (i, v) in vers.iter_mut().enumerate() {
            note(&mut notes, "version", &v.id, "create", json!({ "job_description_id": v.job_description_id, "number": v.number }));
            let mine = each + usize::from(i < extra);
            for k in 0..mine {
                let number = format!("2.{}", k + 1);
                note(&mut notes, "version", &v.id, "clause_changed",
                    json!({ "clause_id": format!("c{k}"), "number": number, "section": "duties", "text": format!("Пункт {number} в редакции {}.", k + 2), "revision": k as i64 + 2 }));
            }
            v.revision = 1 + mine as i64;
            note(&mut notes, "version", &v.id, "approved", json!({ "registration_number": v.registration_number, "content_hash": v.content_hash, "effective_date": v.effective_date }));
        }
        for a in &acks {
            note(&mut notes, "acknowledgement", &a.id, "requested", json!({ "version_id": a.version_id, "employee_id": a.employee_id, "due_date": a.due_date }));
            if a.signed_at.is_some() {
                note(&mut notes, "acknowledgement", &a.id, "signed", json!({ "version_id": a.version_id, "employee_id": a.employee_id, "content_hash": a.content_hash,
                    "method": a.method, "signed_at": a.signed_at, "ip": a.ip, "user_agent": a.user_agent, "signature_code": a.signature_code }));
            }
        }
        let sending: Vec<String> = docs.iter().take(scale.in_agreement).map(|d| d.id.clone()).collect();
        summary.documents = insert_batches!(conn, job_descriptions::table, docs);
        let texts: Vec<NewText> = vers
            .iter()
            .map(|v| NewText {
                version_id: v.id.clone(),
                content: text.clone(),
            })
            .collect();
        summary.versions = insert_batches!(conn, jd_versions::table, vers);
        insert_batches!(conn, jd_version_texts::table, texts);
        for (year, last) in counters {
            diesel::delete(registration_counters::table.filter(registration_counters::year.eq(year))).execute(conn)?;
            diesel::insert_into(registration_counters::table)
                .values((registration_counters::year.eq(year), registration_counters::last.eq(last)))
                .execute(conn)?;
        }
        let rows: Vec<NewAcknowledgement> = acks
            .into_iter()
            .map(|a| NewAcknowledgement {
                id: a.id,
                version_id: a.version_id,
                employee_id: a.employee_id,
                content_hash: a.content_hash,
                due_date: a.due_date,
                created_at: a.signed_at.unwrap_or(now) - Days::new(3),
                signed_at: a.signed_at,
                method: a.method,
                ip: a.ip,
                user_agent: a.user_agent,
                signature_code: a.signature_code,
                recorded_by: a.recorded_by,
                note: a.note,
            })
            .collect();
        summary.acknowledgements = insert_batches!(conn, acknowledgements::table, rows);
        journal.note_many(conn, std::mem::take(&mut notes))?;
        Ok(sending)
    })
    .and_then(|sending| {
        // A new version of the first documents, sent for agreement as HR would.
        for doc in &sending {
            let v = documents::new_version(conn, clock, &hr.login, doc)?;
            workflow::send(conn, clock, &hr, &v.id)?;
            summary.in_agreement += 1;
        }
        Ok(())
    })?;
    summary.log_entries = super::journal::head(conn)?.0 as usize;
    summary.seconds = started.elapsed().as_secs_f64();
    // Verifying the whole chain once sets the checkpoint the log page and
    // health resume from; its time is the figure of `jobdesc verify-log`.
    let verifying = std::time::Instant::now();
    if let Err(b) = super::journal::verify_and_checkpoint(conn, clock, true)? {
        return Err(ServiceError::Internal(format!(
            "generated change log broken at {}: {}",
            b.seq, b.reason
        )));
    }
    summary.verify_seconds = verifying.elapsed().as_secs_f64();
    // Fresh statistics, so the query planners see the new sizes (SQLite plans
    // from none otherwise and picks the status index for the coverage page);
    // PostgreSQL's VACUUM also marks the new pages all-visible, which lets a
    // deep page be counted off from the index alone, as autovacuum would later.
    let refresh = match conn {
        DbConn::Pg(_) => "VACUUM ANALYZE",
        DbConn::Sqlite(_) => "ANALYZE",
    };
    diesel::sql_query(refresh).execute(conn)?;
    Ok(summary)
}
