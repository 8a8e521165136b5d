//! The transitions of a version: sending, visas, clause comments, approval,
//! rejection, withdrawal and the editorial mark. Who may act is decided by
//! `domain::actions::Situation`; this module reads the facts it needs and writes
//! the outcome.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::facts::{Actor, Facts};
use super::journal::{write_tx, Journal};
use super::rules::Rules;
use super::versions::{self, Approval, VersionState};
use super::{acknowledgements, canonical, documents, new_id, notifications, routes, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{clause_comments, registration_counters as rc, visas};
use crate::db::DbConn;
use crate::domain::account::{User, UserId};
use crate::domain::checks::{check, has_errors};
use crate::domain::diff::diff;
use crate::domain::register::is_substantive;
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;
use crate::domain::workflow::{self as rules, Decision, Outcome, WorkflowError};

impl From<WorkflowError> for ServiceError {
    fn from(e: WorkflowError) -> Self {
        ServiceError::Refused(e.code())
    }
}

/// Reads the version and the actor inside a transition.
fn judged<'a>(
    conn: &mut DbConn,
    journal: &Journal,
    user: &'a User,
    version_id: &str,
) -> Result<(Facts, Actor<'a>), ServiceError> {
    Ok((
        Facts::load(conn, version_id)?,
        Actor::load(conn, user, journal.today())?,
    ))
}

/// Sends a draft for agreement: refused while its checks report errors or it has no route.
pub fn send(conn: &mut DbConn, clock: &Clock, actor: &User, version_id: &str) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (state, v) = versions::state_and_text(conn, version_id)?;
        let facts = Facts::of(conn, state)?;
        let who = Actor::load(conn, actor, journal.today())?;
        facts.situation().check_draft_work(&who.caller())?;
        let values = documents::values(conn, version_id)?;
        if has_errors(&check(&v.content, Some(&values))) {
            return Err(WorkflowError::ChecksFailed.into());
        }
        let s = facts.state;
        let route = routes::effective_route(conn, &s)?.ok_or(ServiceError::Refused("no_route"))?;
        route.validate()?;
        let round = s.round + 1;
        if !versions::mark_sent(conn, journal.at(), version_id, round, &route, &actor.id)? {
            return Err(WorkflowError::WrongStatus.into());
        }
        journal.note(
            conn,
            "version",
            version_id,
            "sent",
            &json!({ "round": round, "route": route }),
        )?;
        versions::state(conn, version_id)
    })
}

/// A visa as given in the request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisaInput {
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
    /// Act as substitute for this user id (default: yourself).
    #[serde(default)]
    pub on_behalf_of: Option<UserId>,
}

/// Records a visa of the current stage; a rejection returns the version to draft,
/// the last agreement of the last stage asks the approver.
pub fn give_visa(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    input: &VisaInput,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        let s = &facts.state;
        let route = s.route.clone().ok_or(WorkflowError::WrongStatus)?;
        let principal = match &input.on_behalf_of {
            Some(p) if who.principals.contains(p) => p.clone(),
            Some(_) => return Err(WorkflowError::NotCurrentAgreer.into()),
            // Acting for oneself if one is waited for, else for the one principal who is.
            None => {
                let waiting = route.waiting_for(facts.given());
                who.principals
                    .iter()
                    .find(|p| waiting.contains(p))
                    .cloned()
                    .unwrap_or_else(|| actor.id.clone())
            }
        };
        let comment = input.comment.trim();
        if comment.chars().count() > 5000 {
            return Err(FieldErrors::single("comment", "too_long").into());
        }
        let (stage, outcome) = rules::visa(s.status, &route, facts.given(), &principal, input.decision, comment)?;
        facts.situation().check_visa(&who.caller(), &principal)?;
        let at = journal.at();
        diesel::insert_into(visas::table)
            .values((
                visas::id.eq(new_id()),
                visas::version_id.eq(version_id),
                visas::round.eq(s.round),
                visas::stage.eq(stage as i32),
                visas::user_id.eq(&principal),
                visas::acted_by.eq(&actor.id),
                visas::decision.eq(input.decision.as_str()),
                visas::comment.eq(comment),
                visas::at.eq(at),
            ))
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                    ServiceError::Refused("already_acted")
                }
                other => other.into(),
            })?;
        let status = match outcome {
            Outcome::Rejected => Some(Status::Draft),
            Outcome::AllAgreed => Some(Status::AwaitingApproval),
            _ => None,
        };
        if let Some(st) = status {
            versions::set_status(conn, at, version_id, st)?;
        }
        journal.note(
            conn,
            "version",
            version_id,
            "visa",
            &json!({ "round": s.round, "stage": stage + 1, "decision": input.decision, "comment": comment,
                     "user_id": principal, "acted_by": actor.id, "status": status.map(Status::as_str) }),
        )?;
        versions::state(conn, version_id)
    })
}

/// A clause comment to store: an agreer's remark, or (with `reply_to`) HR's answer to one.
struct Comment<'a> {
    version_id: &'a str,
    round: i32,
    clause_id: &'a str,
    text: &'a str,
    reply_to: Option<&'a str>,
}

impl Comment<'_> {
    fn insert(&self, conn: &mut DbConn, journal: &Journal, actor: &User) -> Result<(), ServiceError> {
        diesel::insert_into(clause_comments::table)
            .values((
                clause_comments::id.eq(new_id()),
                clause_comments::version_id.eq(self.version_id),
                clause_comments::round.eq(self.round),
                clause_comments::clause_id.eq(self.clause_id),
                clause_comments::user_id.eq(&actor.id),
                clause_comments::text.eq(self.text.trim()),
                clause_comments::at.eq(journal.at()),
                clause_comments::reply_to.eq(self.reply_to),
            ))
            .execute(conn)?;
        Ok(())
    }
}

/// A comment on one clause during agreement.
pub fn comment_clause(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    clause_id: &str,
    text: &str,
) -> Result<(), ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        facts.situation().check_comment(&who.caller())?;
        let mut e = FieldErrors::default();
        e.text("text", text, 5000);
        e.into_result()?;
        let v = versions::get(conn, version_id)?;
        let number = v.content.find(clause_id).ok_or(ServiceError::NotFound)?.number;
        Comment {
            version_id,
            round: facts.state.round,
            clause_id,
            text,
            reply_to: None,
        }
        .insert(conn, journal, actor)?;
        journal.note(
            conn,
            "version",
            version_id,
            "clause_comment",
            &json!({ "clause_id": clause_id, "number": number, "text": text.trim(), "round": facts.state.round }),
        )
    })
}

/// HR's answer to an agreer's remark on a clause («Исправлено», «Оставлено: …»), shown
/// under the remark and sent to its author, without starting a new round.
pub fn answer_remark(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    remark_id: &str,
    text: &str,
) -> Result<(), ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        facts.situation().check_answer(&who.caller())?;
        let mut e = FieldErrors::default();
        e.text("text", text, 5000);
        e.into_result()?;
        let (clause_id, author, reply_to): (String, String, Option<String>) = clause_comments::table
            .find(remark_id)
            .filter(clause_comments::version_id.eq(version_id))
            .select((
                clause_comments::clause_id,
                clause_comments::user_id,
                clause_comments::reply_to,
            ))
            .first(conn)
            .optional()?
            .ok_or(ServiceError::NotFound)?;
        if reply_to.is_some() {
            return Err(ServiceError::Refused("answer_to_answer"));
        }
        let v = versions::get(conn, version_id)?;
        let number = v.content.find(&clause_id).map(|l| l.number).unwrap_or_default();
        Comment {
            version_id,
            round: facts.state.round,
            clause_id: &clause_id,
            text,
            reply_to: Some(remark_id),
        }
        .insert(conn, journal, actor)?;
        if author != actor.id.as_str() {
            let note = crate::i18n::organisation()
                .get("notify.answered")
                .replace("{login}", &actor.login)
                .replace("{number}", &number)
                .replace("{title}", &v.position_title);
            notifications::notify(
                conn,
                journal.at(),
                &author,
                &note,
                &format!("/versions/{version_id}#c-{clause_id}"),
            )?;
        }
        journal.note(
            conn,
            "version",
            version_id,
            "remark_answered",
            &json!({ "remark_id": remark_id, "clause_id": clause_id, "number": number, "text": text.trim() }),
        )
    })
}

/// The next registration number of `year`, e.g. `ДИ-2026-017`.
fn next_registration(conn: &mut DbConn, year: i32, format: &str) -> Result<String, ServiceError> {
    let last: Option<i32> = rc::table.find(year).select(rc::last).first(conn).optional()?;
    let next = last.unwrap_or(0) + 1;
    match last {
        Some(_) => diesel::update(rc::table.find(year))
            .set(rc::last.eq(next))
            .execute(conn)?,
        None => diesel::insert_into(rc::table)
            .values((rc::year.eq(year), rc::last.eq(next)))
            .execute(conn)?,
    };
    Ok(format
        .replace("{year}", &year.to_string())
        .replace("{seq}", &format!("{next:03}")))
}

/// Approval parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApproveInput {
    /// When the version comes into force (default: the approval day; may be later).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub effective_date: Option<NaiveDate>,
    #[serde(default)]
    pub on_behalf_of: Option<UserId>,
    /// The number of the order (приказ) that brings the version into force, when the
    /// organisation issues one; given together with `order_date`.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The order's date: not after the day the version comes into force.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub order_date: Option<NaiveDate>,
}

impl ApproveInput {
    /// The order as given: both its number and date, or neither.
    fn order(&self, effective: NaiveDate) -> Result<Option<(String, NaiveDate)>, FieldErrors> {
        let number = self.order_number.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let mut e = FieldErrors::default();
        let order = match (number, self.order_date) {
            (None, None) => None,
            (Some(_), None) => {
                e.add("order_date", "required");
                None
            }
            (None, Some(_)) => {
                e.add("order_number", "required");
                None
            }
            (Some(n), Some(d)) => {
                e.text("order_number", n, 30);
                if d > effective {
                    e.add("order_date", "order_after_effective");
                }
                Some((n.to_string(), d))
            }
        };
        e.into_result()?;
        Ok(order)
    }
}

/// The approver signs the version off: registration number, dates, content hash,
/// frozen text; the previous approved version is superseded; holders are asked
/// to acknowledge unless the revision is editorial.
pub fn approve(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    input: &ApproveInput,
    policy: &Rules,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        let s = &facts.state;
        if s.status == Status::AwaitingApproval
            && input
                .on_behalf_of
                .as_ref()
                .is_some_and(|p| s.route.as_ref().is_some_and(|r| &r.approver != p))
        {
            return Err(WorkflowError::NotApprover.into());
        }
        facts.situation().check_approve(&who.caller())?;
        let approver = s.route.as_ref().map(|r| r.approver.clone()).unwrap_or_default();
        let effective = input.effective_date.unwrap_or(today);
        if effective < today {
            return Err(FieldErrors::single("effective_date", "date_in_past").into());
        }
        let order = input.order(effective)?;
        let number = next_registration(conn, today.year(), &policy.registration_format)?;
        let (hash, _) = canonical::content_hash(conn, version_id, &number, today, effective)?;
        for p in versions::in_force_ids(conn, &s.job_description_id)? {
            versions::set_status(conn, journal.at(), &p, Status::Superseded)?;
            journal.note(conn, "version", &p, "superseded", &json!({ "by": version_id }))?;
        }
        let approval = Approval {
            registration_number: &number,
            content_hash: &hash,
            approved_by: &actor.id,
            effective_date: effective,
            order: order.as_ref().map(|(n, d)| (n.as_str(), *d)),
        };
        if !versions::mark_approved(conn, journal.at(), version_id, &approval)? {
            return Err(WorkflowError::WrongStatus.into());
        }
        let review = effective
            .checked_add_months(chrono::Months::new(policy.review_months))
            .unwrap_or(effective);
        documents::set_review_date(conn, &s.job_description_id, review)?;
        journal.note(
            conn,
            "version",
            version_id,
            "approved",
            &json!({ "registration_number": number, "content_hash": hash, "effective_date": effective,
                     "approver": approver, "acted_by": actor.id, "review_date": review,
                     "editorial": s.editorial, "order_number": order.as_ref().map(|o| &o.0),
                     "order_date": order.as_ref().map(|o| o.1) }),
        )?;
        super::webhooks::emit_for_version(
            conn,
            journal,
            crate::domain::webhook::Event::VersionApproved,
            version_id,
        )?;
        if !s.editorial {
            acknowledgements::request_for_version(conn, journal, version_id, &hash, policy.acknowledge_by(today))?;
        }
        versions::state(conn, version_id)
    })
}

/// Moves a version between statuses with a reason, after `check` allows it.
fn with_reason(
    conn: &mut DbConn,
    journal: &mut Journal,
    version_id: &str,
    to: Status,
    action: &str,
    comment: &str,
    acted_by: Option<&UserId>,
) -> Result<VersionState, ServiceError> {
    if comment.trim().is_empty() {
        return Err(WorkflowError::CommentRequired.into());
    }
    versions::set_status(conn, journal.at(), version_id, to)?;
    let mut after = json!({ "comment": comment.trim() });
    if let Some(id) = acted_by {
        after["acted_by"] = json!(id);
    }
    journal.note(conn, "version", version_id, action, &after)?;
    versions::state(conn, version_id)
}

/// The approver sends the version back to draft with a reason.
pub fn reject_approval(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    comment: &str,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        facts.situation().check_reject(&who.caller())?;
        with_reason(
            conn,
            journal,
            version_id,
            Status::Draft,
            "approval_rejected",
            comment,
            Some(&actor.id),
        )
    })
}

/// Withdraws an approved version (it stops being in force).
pub fn withdraw(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    comment: &str,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        facts.situation().check_approved_work(&who.caller())?;
        with_reason(conn, journal, version_id, Status::Withdrawn, "withdrawn", comment, None)
    })
}

/// Marks a draft as editorial (no re-acknowledgement); refused when the changes
/// since the previous approved version touch duties, rights, responsibility or safety.
pub fn set_editorial(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &User,
    version_id: &str,
    editorial: bool,
) -> Result<VersionState, ServiceError> {
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let (facts, who) = judged(conn, journal, actor, version_id)?;
        facts.situation().check_draft_work(&who.caller())?;
        let s = &facts.state;
        if editorial {
            let prev = versions::previous_approved(conn, &s.job_description_id, s.number)?
                .ok_or(ServiceError::Refused("not_editorial"))?;
            let (old, new) = (
                versions::get(conn, &prev)?.content,
                versions::get(conn, version_id)?.content,
            );
            if is_substantive(&diff(&old, &new)) {
                return Err(ServiceError::Refused("not_editorial"));
            }
        }
        versions::set_editorial(conn, version_id, editorial)?;
        journal.note(
            conn,
            "version",
            version_id,
            "editorial_set",
            &json!({ "editorial": editorial }),
        )?;
        versions::state(conn, version_id)
    })
}
