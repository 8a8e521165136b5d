//! Gathering what the sheets print from the database, and checking printed hashes.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use super::users::{self, Signatory};
use super::{acknowledgements, documents, journal, organization, register, versions, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{jd_versions, visas};
use crate::db::DbConn;
use crate::domain::account::UserId;
use crate::domain::language::DocLanguage;
use crate::domain::workflow::Decision;
use crate::pdf::input::{
    AckOut, ClauseOut, DocInfo, ElectronicMark, JournalOut, OrgInfo, PositionInfo, RegisterOut, RemarkOut, RenderInput,
    SectionOut, Signature,
};

fn short_code(hash: &str) -> String {
    hash.chars().take(16).collect::<String>().to_uppercase()
}

/// The text's language and its sections with resolved text, as printed.
fn sections(conn: &mut DbConn, version_id: &str) -> Result<(DocLanguage, Vec<SectionOut>), ServiceError> {
    let v = versions::get(conn, version_id)?;
    let values = documents::values(conn, version_id)?;
    let numbers = v.content.section_numbers();
    let located = v.content.clauses();
    let printed = v
        .content
        .sections
        .iter()
        .map(|s| SectionOut {
            number: numbers.get(&s.id).copied(),
            heading: s.heading.clone(),
            clauses: located
                .iter()
                .filter(|l| l.section.id == s.id)
                .map(|l| ClauseOut {
                    number: l.number.clone(),
                    depth: l.depth,
                    text: values.resolve(&l.clause.text).0,
                })
                .collect(),
        })
        .collect();
    Ok((v.content.language, printed))
}

/// The text part of a version only (for comparing layouts).
fn text_input(conn: &mut DbConn, clock: &Clock, version_id: &str) -> Result<RenderInput, ServiceError> {
    let s = versions::state(conn, version_id)?;
    let values = documents::values(conn, version_id)?;
    let org = organization::get(conn)?;
    let get = |k: &str| values.0.get(k).cloned().unwrap_or_default();
    let (language, sections) = sections(conn, version_id)?;
    Ok(RenderInput {
        organization: OrgInfo {
            full_name: org.as_ref().map(|o| o.full_name.clone()).unwrap_or_default(),
            city: org.as_ref().map(|o| o.city.clone()).unwrap_or_default(),
        },
        position: PositionInfo {
            title: get("position.title"),
            title_genitive: get("position.title_genitive"),
            department: get("department.name"),
        },
        document: DocInfo {
            registration_number: s.registration_number.clone(),
            approved_on: s.approved_at.map(|t| clock.date_of(t).to_string()),
            effective_date: s.effective_date.map(|d| d.to_string()),
            version: s.number,
            approved: s.approved_at.is_some(),
            language,
            content_hash: s.content_hash.clone(),
            verify_url: None,
            order: s
                .order_number
                .as_deref()
                .zip(s.order_date)
                .map(|(n, d)| crate::domain::register::order_basis(language, n, d)),
            order_number: s.order_number.clone(),
            order_date: s.order_date.map(|d| d.to_string()),
        },
        sections,
        ..RenderInput::default()
    })
}

/// Everything the sheets of a version print. `target` is a version id or a job
/// description id (then its newest version).
pub fn input_for(
    conn: &mut DbConn,
    clock: &Clock,
    target: &str,
    public_url: &str,
) -> Result<RenderInput, ServiceError> {
    let version_id = match versions::state(conn, target) {
        Ok(_) => target.to_string(),
        Err(ServiceError::NotFound) => documents::get(conn, target)?
            .versions
            .first()
            .map(|v| v.id.clone())
            .ok_or(ServiceError::NotFound)?,
        Err(e) => return Err(e),
    };
    let s = versions::state(conn, &version_id)?;
    let mut input = text_input(conn, clock, &version_id)?;
    if let Some(h) = &s.content_hash {
        input.document.verify_url = Some(format!("{public_url}/verify/{h}"));
    }
    let org = organization::get(conn)?;
    if let (Some(by), Some(at)) = (&s.approved_by, s.approved_at) {
        let Signatory { name, position } = users::signatory(conn, by)?;
        let position = if position.is_empty() {
            org.as_ref().map(|o| o.head_position.clone()).unwrap_or_default()
        } else {
            position
        };
        input.approval = Some(Signature {
            position,
            name: name.clone(),
            date: Some(clock.date_of(at).to_string()),
            remarks: false,
            electronic: Some(ElectronicMark {
                signed_by: name,
                at: clock.stamp_with_offset(at),
                code: s.content_hash.as_deref().map(short_code).unwrap_or_default(),
            }),
        });
    }
    if let Some(by) = &s.sent_by {
        let Signatory { name, position } = users::signatory(conn, by)?;
        input.author = Some(Signature {
            position,
            name,
            date: s.sent_at.map(|t| clock.date_of(t).to_string()),
            ..Signature::default()
        });
    }
    let given: Vec<(UserId, String, String, chrono::NaiveDateTime)> = visas::table
        .filter(visas::version_id.eq(&version_id))
        .filter(visas::round.eq(s.round))
        .order(visas::at.asc())
        .select((visas::user_id, visas::decision, visas::id, visas::at))
        .load(conn)?;
    let record = super::agreement::record(conn, &version_id)?;
    let mut people: HashMap<String, String> = HashMap::new();
    for (user, decision, id, at) in given {
        if Decision::parse(&decision) == Some(Decision::Reject) {
            continue;
        }
        let signatory = users::signatory(conn, &user)?;
        let who = signatory.shown();
        let Signatory { name, position } = signatory;
        people.insert(user.to_string(), who.clone());
        if Decision::parse(&decision) == Some(Decision::AgreeWithRemarks)
            && let Some(v) = record.visas.iter().find(|v| v.round == s.round && v.user_id == user)
            && !v.comment.trim().is_empty()
        {
            input.remarks.push(RemarkOut {
                clause: String::new(),
                text: v.comment.trim().to_string(),
                who,
                at: clock.stamp(at),
            });
        }
        input.visas.push(Signature {
            position,
            name: name.clone(),
            date: Some(clock.date_of(at).to_string()),
            remarks: Decision::parse(&decision) == Some(Decision::AgreeWithRemarks),
            electronic: Some(ElectronicMark {
                signed_by: name,
                at: clock.stamp_with_offset(at),
                code: short_code(&id.replace('-', "")),
            }),
        });
    }
    // Remarks on clauses, under the visas' own, in the order they were made.
    for c in &record.comments {
        let who = match users::ids_by_login(conn, std::slice::from_ref(&c.login))?.get(&c.login) {
            Some(id) => match people.get(id.as_str()) {
                Some(w) => w.clone(),
                None => users::signatory(conn, id)?.shown(),
            },
            None => c.login.clone(),
        };
        let text = match c.reply_to {
            Some(_) => format!("{} {}", input.document.language.words().answer, c.text.trim()),
            None => c.text.trim().to_string(),
        };
        input.remarks.push(RemarkOut {
            clause: c.number.clone(),
            text,
            who,
            at: clock.stamp(c.at),
        });
    }
    for a in acknowledgements::of_versions(conn, std::slice::from_ref(&version_id))? {
        let date = a
            .signed_at
            .map(|t| clock.date_of(t).format("%d.%m.%Y").to_string())
            .unwrap_or_default();
        let electronic = match (a.method.as_deref(), a.signed_at) {
            (Some("electronic"), Some(t)) => Some(ElectronicMark {
                signed_by: a.employee_name.clone(),
                at: clock.stamp_with_offset(t),
                code: a.short_code().unwrap_or_default(),
            }),
            _ => None,
        };
        input.acknowledgements.push(AckOut {
            name: a.employee_name.clone(),
            position: a.position_title.clone(),
            date,
            electronic,
        });
    }
    // The register: each approved revision, its sheets compared with the previous layout.
    let approved: Vec<String> = jd_versions::table
        .filter(jd_versions::job_description_id.eq(&s.job_description_id))
        .filter(jd_versions::approved_at.is_not_null())
        .order(jd_versions::number.asc())
        .select(jd_versions::id)
        .load(conn)?;
    let rows = register::register(conn, clock, &s.job_description_id)?;
    for (row, pair) in rows.iter().zip(approved.windows(2)) {
        let (old, new) = (text_input(conn, clock, &pair[0])?, text_input(conn, clock, &pair[1])?);
        let (sheets, total) =
            crate::pdf::sheet_changes(&old, &new).map_err(|e| ServiceError::Internal(e.to_string()))?;
        input.register.push(RegisterOut {
            change_number: row.change_number,
            sheets,
            total_sheets: Some(total),
            entered: row.entered.to_string(),
            effective: row.effective.to_string(),
            content: row.content.clone(),
            author: row.author.clone(),
            basis: row.basis.clone().unwrap_or_default(),
        });
    }
    input.journal = journal_of(conn, clock, &s.job_description_id, input.document.language)?;
    Ok(input)
}

/// The workflow events printed with the register: how each revision was agreed and
/// approved. The drafting history (each edit of a draft) stays in the system's log.
const PRINTED_EVENTS: [&str; 9] = [
    "sent",
    "visa",
    "clause_comment",
    "remark_answered",
    "returned_to_draft",
    "approval_rejected",
    "approved",
    "withdrawn",
    "superseded",
];

/// The agreement and approval of a job description's versions, oldest first, as the
/// register prints them: who by name and position, decisions in words.
fn journal_of(
    conn: &mut DbConn,
    clock: &Clock,
    jd_id: &str,
    language: DocLanguage,
) -> Result<Vec<JournalOut>, ServiceError> {
    let ids: Vec<String> = jd_versions::table
        .filter(jd_versions::job_description_id.eq(jd_id))
        .select(jd_versions::id)
        .load(conn)?;
    let mut entries = Vec::new();
    for id in &ids {
        entries.extend(
            journal::recent(conn, Some(id), 5000)?
                .into_iter()
                .filter(|e| PRINTED_EVENTS.contains(&e.action.as_str())),
        );
    }
    entries.sort_by_key(|e| e.seq);
    let logins: Vec<String> = entries.iter().map(|e| e.actor.clone()).collect();
    let ids_by_login = users::ids_by_login(conn, &logins)?;
    let mut names: HashMap<String, String> = HashMap::new();
    for (login, id) in &ids_by_login {
        names.insert(login.clone(), users::signatory(conn, id)?.shown());
    }
    let words = language.words();
    Ok(entries
        .into_iter()
        .map(|e| {
            let after: serde_json::Value = e
                .after_json
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            let text = |k: &str| {
                after
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let mut what = words.event(&e.action).to_string();
            if let Some(n) = text("number") {
                what.push_str(&format!(" {n}"));
            }
            if let Some(d) = text("decision") {
                what.push_str(&format!(": {}", words.event(d)));
            }
            if let Some(n) = text("registration_number") {
                what.push_str(&format!(", № {n}"));
            }
            if let Some(c) = text("comment").or_else(|| text("text")) {
                what.push_str(&format!(": {}", words.quote(c.trim_end_matches(['.', ';']))));
            }
            JournalOut {
                at: clock.stamp(e.at),
                who: names.get(&e.actor).cloned().unwrap_or(e.actor),
                what,
            }
        })
        .collect())
}

/// Finds the content hash jobdesc writes into a PDF's metadata (the Info
/// dictionary's `/Identifier`, stored as a plain string).
pub fn hash_in_pdf(bytes: &[u8]) -> Option<String> {
    let marker = b"/Identifier(";
    let at = bytes.windows(marker.len()).position(|w| w == marker)? + marker.len();
    let hex: String = bytes[at..].iter().take(64).map(|b| *b as char).collect();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

/// What a content hash belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verified {
    /// The organisation whose document it is.
    pub organization: Option<String>,
    pub position_title: String,
    /// «кладовщика», as the title reads: «Должностная инструкция кладовщика».
    pub title_genitive: String,
    pub version: i32,
    pub status: String,
    /// True when this is the version in force (approved and not since replaced).
    pub in_force: bool,
    pub registration_number: Option<String>,
    pub approved_on: Option<String>,
    pub effective_date: Option<String>,
    pub job_description_id: String,
    /// The version in force of the same job description, when it is another one.
    pub current: Option<CurrentVersion>,
}

/// The version in force, as a verification names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentVersion {
    pub version: i32,
    pub registration_number: Option<String>,
    pub content_hash: Option<String>,
}

/// The version whose approved content has this hash, if any.
pub fn verify_hash(conn: &mut DbConn, clock: &Clock, hash: &str) -> Result<Option<Verified>, ServiceError> {
    let id: Option<String> = jd_versions::table
        .filter(jd_versions::content_hash.eq(hash.to_lowercase()))
        .select(jd_versions::id)
        .first(conn)
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    let s = versions::state(conn, &id)?;
    let v = versions::get(conn, &id)?;
    let values = documents::values(conn, &id)?;
    let in_force = s.status == crate::domain::version::Status::Approved;
    let current = match versions::in_force_ids(conn, &s.job_description_id)?.first() {
        Some(other) if !in_force => {
            let c = versions::state(conn, other)?;
            Some(CurrentVersion {
                version: c.number,
                registration_number: c.registration_number,
                content_hash: c.content_hash,
            })
        }
        _ => None,
    };
    Ok(Some(Verified {
        organization: organization::get(conn)?.map(|o| o.full_name),
        position_title: v.position_title,
        title_genitive: values.0.get("position.title_genitive").cloned().unwrap_or_default(),
        version: s.number,
        status: crate::i18n::strings().get(&format!("status.{}", s.status.as_str())),
        in_force,
        registration_number: s.registration_number,
        approved_on: s.approved_at.map(|t| clock.date_of(t).format("%d.%m.%Y").to_string()),
        effective_date: s.effective_date.map(|d| d.format("%d.%m.%Y").to_string()),
        job_description_id: s.job_description_id,
        current,
    }))
}
