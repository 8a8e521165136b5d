//! The agreement record of a version as people read it: every visa of every
//! round and the clause comments, with logins instead of user ids.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{users, versions, ServiceError};
use crate::db::schema::{clause_comments, visas};
use crate::db::DbConn;
use crate::domain::account::UserId;
use crate::domain::workflow::Decision;

/// A visa as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisaRecord {
    pub round: i32,
    /// From 1.
    pub stage: i32,
    /// The agreer in whose name it was given.
    pub user_id: UserId,
    pub login: String,
    /// The substitute who gave it, when not the agreer.
    pub acted_by: Option<String>,
    pub decision: Decision,
    pub comment: String,
    pub at: NaiveDateTime,
}

/// A clause comment as recorded: an agreer's remark, or HR's answer to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    pub id: String,
    /// The remark this answers; `None` for a remark.
    pub reply_to: Option<String>,
    /// The clause it is about.
    pub clause_id: String,
    /// The clause's number in the version (empty when the clause is gone).
    pub number: String,
    pub login: String,
    pub text: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = visas)]
struct VisaRow {
    round: i32,
    stage: i32,
    user_id: UserId,
    acted_by: UserId,
    decision: String,
    comment: String,
    at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = clause_comments)]
struct CommentRow {
    id: String,
    reply_to: Option<String>,
    clause_id: String,
    user_id: UserId,
    text: String,
    at: NaiveDateTime,
}

/// A version's visas (oldest first) and clause comments.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub visas: Vec<VisaRecord>,
    pub comments: Vec<CommentRecord>,
}

/// Reads the agreement record of a version.
pub fn record(conn: &mut DbConn, version_id: &str) -> Result<Record, ServiceError> {
    let visa_rows: Vec<VisaRow> = visas::table
        .filter(visas::version_id.eq(version_id))
        .order((visas::round.asc(), visas::at.asc()))
        .select(VisaRow::as_select())
        .load(conn)?;
    let comment_rows: Vec<CommentRow> = clause_comments::table
        .filter(clause_comments::version_id.eq(version_id))
        .order(clause_comments::at.asc())
        .select(CommentRow::as_select())
        .load(conn)?;
    let mut ids: Vec<&UserId> = visa_rows.iter().flat_map(|v| [&v.user_id, &v.acted_by]).collect();
    ids.extend(comment_rows.iter().map(|c| &c.user_id));
    let names = users::logins(conn, &ids)?;
    let name = |id: &UserId| names.get(id).cloned().unwrap_or_else(|| "?".into());
    let content = versions::get(conn, version_id)?.content;
    let visas = visa_rows
        .iter()
        .filter_map(|v| {
            Some(VisaRecord {
                round: v.round,
                stage: v.stage + 1,
                user_id: v.user_id.clone(),
                login: name(&v.user_id),
                acted_by: (v.acted_by != v.user_id).then(|| name(&v.acted_by)),
                decision: Decision::parse(&v.decision)?,
                comment: v.comment.clone(),
                at: v.at,
            })
        })
        .collect();
    let comments = comment_rows
        .iter()
        .map(|c| CommentRecord {
            id: c.id.clone(),
            reply_to: c.reply_to.clone(),
            clause_id: c.clause_id.clone(),
            number: content.find(&c.clause_id).map(|l| l.number).unwrap_or_default(),
            login: name(&c.user_id),
            text: c.text.clone(),
            at: c.at,
        })
        .collect();
    Ok(Record { visas, comments })
}
