//! E-mail: one digest per person per day, through an outbox.
//!
//! Events leave in-app notifications in their own transaction (the workflow, the
//! reminders); what waits for someone (visas, approvals, acknowledgements, overdue
//! acknowledgements in the departments they head) is read when the digest is
//! composed. A digest is written to `mail_outbox` in one transaction with marking
//! the notifications it carries, under a key unique per person and day, so two
//! instances composing at once make one digest. Sending claims a row for a few
//! minutes before talking to the SMTP server and marks it sent after; a crash
//! between the two sends that mail again after the claim lapses (with the same
//! Message-ID), never loses it.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::inbox::{self, WaitingCache};
use super::journal::write_tx;
use super::{employees, new_id, organization, Page, Paged, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{
    acknowledgements as ack, assignments, jd_versions, job_descriptions as jd, mail_outbox as out,
};
use crate::db::schema::{notifications, positions, users};
use crate::db::DbConn;
use crate::domain::account::{User, UserId};
use crate::domain::delivery::{retry_delay, MAX_ATTEMPTS};
use crate::domain::mail::{self, Item, ItemKind, Mail};
pub use crate::domain::mail::{Outgoing, Transport};
use crate::domain::version::Status;
use crate::i18n::{fill, strings_for, Locale};

/// How long a claimed mail is left to its sender before another may try it.
const CLAIM: i64 = 5;

/// What mail needs from the settings.
#[derive(Debug, Clone)]
pub struct Context {
    /// The address people reach the server at; links in mails start with it.
    pub public_url: String,
    /// Signs unsubscribe links.
    pub key: Vec<u8>,
    /// From this hour (organisation's time) the day's digests are composed.
    pub digest_hour: u32,
}

impl From<&crate::config::Settings> for Context {
    fn from(s: &crate::config::Settings) -> Context {
        Context {
            public_url: s.public_url.clone(),
            key: s.secret_key.expose().as_bytes().to_vec(),
            digest_hour: s.digest_hour,
        }
    }
}

impl Context {
    /// The link that stops `user_id`'s digests.
    pub fn unsubscribe_url(&self, user_id: &str) -> String {
        format!(
            "{}/mail/unsubscribe/{}",
            self.public_url,
            mail::unsubscribe_token(&self.key, user_id)
        )
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MailPass {
    /// Digests composed and put in the outbox.
    pub queued: usize,
    /// Mails the SMTP server took.
    pub sent: usize,
    /// Mails it did not take this time (they are tried again later).
    pub failed: usize,
}

/// Composes the day's digests that are due, then sends what is waiting in the outbox.
pub fn run(
    conn: &mut DbConn,
    clock: &Clock,
    ctx: &Context,
    transport: &dyn Transport,
) -> Result<MailPass, ServiceError> {
    let queued = queue_digests(conn, clock, ctx)?;
    let (sent, failed) = send_due(conn, clock, ctx, transport)?;
    Ok(MailPass { queued, sent, failed })
}

/// Composes today's digest for everyone who wants one, has an address and has
/// something in it, unless they already have today's. Returns how many were queued.
pub fn queue_digests(conn: &mut DbConn, clock: &Clock, ctx: &Context) -> Result<usize, ServiceError> {
    let (now, today) = clock.now_and_today();
    if clock.local(now).hour() < ctx.digest_hour {
        return Ok(0);
    }
    let readers = super::users::digest_readers(conn)?;
    if readers.is_empty() {
        return Ok(0);
    }
    let keys: Vec<String> = readers.iter().map(|u| dedupe(&u.id, today)).collect();
    let done: HashSet<String> = out::table
        .filter(out::dedupe.eq_any(&keys))
        .select(out::dedupe)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let organization = organization::get(conn)?.map(|o| o.short_name).unwrap_or_default();
    let waiting = WaitingCache::default();
    let mut queued = 0;
    for user in readers.iter().filter(|u| !done.contains(&dedupe(&u.id, today))) {
        let Some(to) = &user.email else { continue };
        let (items, notices) = items_for(conn, clock, &waiting, user, today, now)?;
        let Some(m) = compose(ctx, user, &organization, today, &items) else {
            continue;
        };
        match put(conn, now, user, to, today, &m, &notices) {
            Ok(()) => queued += 1,
            // Another instance composed this person's digest a moment ago.
            Err(ServiceError::Refused("duplicate")) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}

fn dedupe(user: &UserId, day: NaiveDate) -> String {
    format!("digest:{}:{day}", user.as_str())
}

/// What `user`'s digest says today, and the notifications it carries.
fn items_for(
    conn: &mut DbConn,
    clock: &Clock,
    waiting: &WaitingCache,
    user: &User,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(Vec<Item>, Vec<String>), ServiceError> {
    // Each person's digest in their own language, whoever's pass composes it.
    let t = strings_for(Locale::parse(&user.locale).unwrap_or_default());
    let mut items = Vec::new();
    for task in inbox::inbox(conn, clock, waiting, user)? {
        let (kind, link) = match (task.kind, &task.acknowledgement_id) {
            ("visa", _) => (ItemKind::Visa, format!("/versions/{}", task.version_id)),
            ("approval", _) => (ItemKind::Approval, format!("/versions/{}", task.version_id)),
            (_, Some(a)) => (ItemKind::Acknowledgement, format!("/acknowledgements/{a}")),
            _ => continue,
        };
        let due = task.due_date.format("%d.%m.%Y").to_string();
        let key = if task.overdue { "mail.due_overdue" } else { "mail.due" };
        let mut text = fill(&fill(&t.get(key), "title", &task.title), "due", &due);
        if task.on_behalf_of.is_some() {
            text.push_str(&t.get("mail.on_behalf"));
        }
        items.push(Item { kind, text, link });
    }
    if let Some(employee) = &user.employee_id {
        for (name, title, due) in overdue_below(conn, employee, today)? {
            let text = t
                .get("notify.overdue")
                .replace("{name}", &name)
                .replace("{title}", &title)
                .replace("{due}", &due.format("%d.%m.%Y").to_string());
            items.push(Item {
                kind: ItemKind::Overdue,
                text,
                link: "/coverage".into(),
            });
        }
    }
    let notices: Vec<(String, String, Option<String>)> = notifications::table
        .filter(notifications::user_id.eq(user.id.as_str()))
        .filter(notifications::read_at.is_null())
        .filter(notifications::mailed_at.is_null())
        .filter(notifications::created_at.le(now))
        .order(notifications::created_at.asc())
        .select((notifications::id, notifications::text, notifications::link))
        .load(conn)?;
    let ids = notices.iter().map(|(id, _, _)| id.clone()).collect();
    for (_, text, link) in notices {
        items.push(Item {
            kind: ItemKind::Notice,
            text,
            link: link.unwrap_or_else(|| "/".into()),
        });
    }
    Ok((items, ids))
}

/// Unsigned acknowledgements past their due date, of versions in force, in the
/// departments whose manager's position `employee` holds today (not their own).
fn overdue_below(
    conn: &mut DbConn,
    employee: &str,
    today: NaiveDate,
) -> Result<Vec<(String, String, NaiveDate)>, ServiceError> {
    let held: Vec<String> = assignments::table
        .filter(assignments::employee_id.eq(employee))
        .filter(assignments::date_from.le(today))
        .filter(assignments::date_to.is_null().or(assignments::date_to.ge(today)))
        .select(assignments::position_id)
        .load(conn)?;
    let departments: Vec<String> = positions::table
        .filter(positions::id.eq_any(&held))
        .filter(positions::category.eq("manager"))
        .select(positions::department_id)
        .load(conn)?;
    if departments.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, NaiveDate)> = ack::table
        .inner_join(jd_versions::table.on(jd_versions::id.eq(ack::version_id)))
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(positions::department_id.eq_any(&departments))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .filter(ack::signed_at.is_null())
        .filter(ack::due_date.lt(today))
        .filter(ack::employee_id.ne(employee))
        .order((ack::due_date.asc(), positions::title.asc()))
        .select((ack::employee_id, positions::title, ack::due_date))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|(e, _, _)| e).collect();
    let names: HashMap<String, String> = employees::full_names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|(e, title, due)| (names.get(e).cloned().unwrap_or_default(), title.clone(), *due))
        .collect())
}

fn compose(ctx: &Context, user: &User, organization: &str, day: NaiveDate, items: &[Item]) -> Option<Mail> {
    let t = strings_for(Locale::parse(&user.locale).unwrap_or_default());
    let (subject, greeting, intro, footer) = (
        t.get("mail.subject"),
        t.get("mail.greeting"),
        t.get("mail.intro"),
        t.get("mail.footer"),
    );
    let heading = |k: ItemKind| t.get(&format!("mail.{}", k.key()));
    let words = mail::Words {
        subject: &subject,
        greeting: &greeting,
        intro: &intro,
        heading: &heading,
        footer: &footer,
    };
    let name = user.employee_name.as_deref().unwrap_or(&user.login);
    let to = mail::Heading {
        name,
        organization,
        date: &day.format("%d.%m.%Y").to_string(),
    };
    mail::digest(
        &words,
        &fill,
        &to,
        items,
        &ctx.public_url,
        &ctx.unsubscribe_url(user.id.as_str()),
    )
}

/// Writes the digest and marks what it carries, together or not at all.
fn put(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user: &User,
    to: &str,
    day: NaiveDate,
    m: &Mail,
    notices: &[String],
) -> Result<(), ServiceError> {
    conn.transaction(|conn| {
        diesel::insert_into(out::table)
            .values((
                out::id.eq(new_id()),
                out::dedupe.eq(dedupe(&user.id, day)),
                out::user_id.eq(user.id.as_str()),
                out::recipient.eq(to),
                out::subject.eq(&m.subject),
                out::body.eq(&m.body),
                out::created_at.eq(now),
                out::next_attempt_at.eq(now),
            ))
            .execute(conn)?;
        if !notices.is_empty() {
            diesel::update(notifications::table.filter(notifications::id.eq_any(notices)))
                .set(notifications::mailed_at.eq(Some(now)))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Sends every mail that is due and not claimed by another sender: (sent, failed).
pub fn send_due(
    conn: &mut DbConn,
    clock: &Clock,
    ctx: &Context,
    transport: &dyn Transport,
) -> Result<(usize, usize), ServiceError> {
    let (mut sent, mut failed) = (0, 0);
    let mut seen = HashSet::new();
    loop {
        let now = clock.now();
        let due: Vec<DueRow> = out::table
            .filter(out::sent_at.is_null())
            .filter(out::attempts.lt(MAX_ATTEMPTS))
            .filter(out::next_attempt_at.le(now))
            .filter(out::claimed_until.is_null().or(out::claimed_until.lt(now)))
            .order(out::created_at.asc())
            .limit(50)
            .select((
                out::id,
                out::user_id,
                out::recipient,
                out::subject,
                out::body,
                out::attempts,
            ))
            .load(conn)?;
        let fresh: Vec<_> = due.into_iter().filter(|d| seen.insert(d.id.clone())).collect();
        if fresh.is_empty() {
            return Ok((sent, failed));
        }
        for DueRow {
            id,
            user_id,
            recipient: to,
            subject,
            body,
            attempts,
        } in fresh
        {
            if !claim(conn, &id, now)? {
                continue;
            }
            let mail = Outgoing {
                unsubscribe_url: ctx.unsubscribe_url(&user_id),
                id: id.clone(),
                to,
                subject,
                body,
            };
            let outcome = transport.send(&mail);
            let at = clock.now();
            let row = out::table.filter(out::id.eq(&id));
            match outcome {
                Ok(()) => {
                    diesel::update(row)
                        .set((
                            out::sent_at.eq(Some(at)),
                            out::attempts.eq(attempts + 1),
                            out::claimed_until.eq(None::<NaiveDateTime>),
                            out::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(mail = %id, error = %e, "the SMTP server did not take a mail");
                    diesel::update(row)
                        .set((
                            out::attempts.eq(attempts + 1),
                            out::next_attempt_at.eq(at + retry_delay(attempts + 1)),
                            out::claimed_until.eq(None::<NaiveDateTime>),
                            out::last_error.eq(Some(e)),
                        ))
                        .execute(conn)?;
                    failed += 1;
                }
            }
        }
    }
}

/// Takes a mail for this sender for [`CLAIM`] minutes; false when another has it or sent it.
fn claim(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> Result<bool, ServiceError> {
    let n = diesel::update(
        out::table
            .filter(out::id.eq(id))
            .filter(out::sent_at.is_null())
            .filter(out::claimed_until.is_null().or(out::claimed_until.lt(now))),
    )
    .set(out::claimed_until.eq(Some(now + Duration::minutes(CLAIM))))
    .execute(conn)?;
    Ok(n == 1)
}

/// One mail of the outbox as the administrator sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    /// `queued`, `sent` or `undeliverable` (every try failed).
    pub state: &'static str,
    /// When it was composed, as people read it.
    pub created: String,
    /// When the SMTP server took it.
    pub sent: Option<String>,
    pub attempts: i32,
    /// The next try, while queued after a failure.
    pub next_attempt: Option<String>,
    /// What the SMTP server said last time it refused.
    pub last_error: Option<String>,
}

/// An outbox row as the outbox page reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = out)]
struct OutboxRow {
    id: String,
    recipient: String,
    subject: String,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
}

/// A mail due to be sent, as the sender reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = out)]
struct DueRow {
    id: String,
    user_id: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// The outbox, newest first.
pub fn outbox(conn: &mut DbConn, clock: &Clock, page: Page) -> Result<Paged<OutboxMail>, ServiceError> {
    let total = out::table.count().get_result(conn)?;
    let rows: Vec<OutboxRow> = out::table
        .order((out::created_at.desc(), out::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(OutboxRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let OutboxRow {
                id,
                recipient,
                subject,
                created_at: created,
                sent_at: sent,
                attempts,
                next_attempt_at: next,
                last_error,
            } = r;
            let state = match sent {
                Some(_) => "sent",
                None if attempts >= MAX_ATTEMPTS => "undeliverable",
                None => "queued",
            };
            OutboxMail {
                id,
                recipient,
                subject,
                state,
                created: clock.stamp(created),
                sent: sent.map(|s| clock.stamp(s)),
                attempts,
                next_attempt: (state == "queued" && attempts > 0).then(|| clock.stamp(next)),
                last_error: last_error.filter(|_| sent.is_none()),
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

/// Queues an undeliverable mail again, for now (after the SMTP settings were fixed).
pub fn retry(conn: &mut DbConn, clock: &Clock, id: &str) -> Result<(), ServiceError> {
    let n = diesel::update(
        out::table
            .filter(out::id.eq(id))
            .filter(out::sent_at.is_null())
            .filter(out::attempts.ge(MAX_ATTEMPTS)),
    )
    .set((out::attempts.eq(0), out::next_attempt_at.eq(clock.now())))
    .execute(conn)?;
    if n == 1 {
        return Ok(());
    }
    let exists: bool = diesel::select(diesel::dsl::exists(out::table.filter(out::id.eq(id)))).get_result(conn)?;
    if exists {
        Err(ServiceError::Refused("mail_not_undeliverable"))
    } else {
        Err(ServiceError::NotFound)
    }
}

/// A user's own mail settings.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Preferences {
    /// Where digests go; empty or absent for none.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether to receive the daily digest.
    pub digest: bool,
}

/// Sets a user's address and whether they get digests (their own page, the API,
/// or the unsubscribe link with `email` left as it is).
pub fn set_preferences(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    user_id: &str,
    email: Option<Option<&str>>,
    digest: bool,
) -> Result<Preferences, ServiceError> {
    let email = match email {
        Some(raw) => Some(
            mail::clean_address(raw.unwrap_or(""))
                .map_err(|code| crate::domain::validation::FieldErrors::single("email", code))?,
        ),
        None => None,
    };
    write_tx(conn, clock, actor, |conn, journal| {
        let (before_email, before_digest): (Option<String>, bool) = users::table
            .find(user_id)
            .select((users::email, users::mail_digest))
            .first(conn)?;
        let after_email = email.clone().unwrap_or(before_email.clone());
        if after_email != before_email || digest != before_digest {
            diesel::update(users::table.find(user_id))
                .set((users::email.eq(&after_email), users::mail_digest.eq(digest)))
                .execute(conn)?;
            journal.note(
                conn,
                "user",
                user_id,
                "mail_preferences",
                &json!({ "email": after_email, "digest": digest }),
            )?;
        }
        Ok(Preferences {
            email: after_email,
            digest,
        })
    })
}
