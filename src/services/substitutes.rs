//! Substitutes: a user names someone to act in their name for a period.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::journal::write_tx;
use super::{new_id, users, ServiceError};
use crate::clock::Clock;
use crate::db::schema::substitutes as sub;
use crate::db::DbConn;
use crate::domain::account::{Role, User, UserId};
use crate::domain::validation::FieldErrors;

/// A substitution: `substitute_login` acts for `user_login` from `date_from` to `date_to`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Substitution {
    pub id: String,
    pub user_login: String,
    pub substitute_login: String,
    pub date_from: NaiveDate,
    pub date_to: NaiveDate,
}

/// What a user enters to name a substitute.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubstitutionInput {
    #[serde(default)]
    pub substitute_login: String,
    #[serde(default)]
    pub date_from: String,
    #[serde(default)]
    pub date_to: String,
}

/// A substitution row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sub)]
struct SubstitutionRow {
    id: String,
    user_id: UserId,
    substitute_id: UserId,
    date_from: NaiveDate,
    date_to: NaiveDate,
}

/// Substitutions where `user` is either side.
pub fn of_user(conn: &mut DbConn, user: &User) -> Result<Vec<Substitution>, ServiceError> {
    let rows: Vec<SubstitutionRow> = sub::table
        .filter(sub::user_id.eq(&user.id).or(sub::substitute_id.eq(&user.id)))
        .order(sub::date_from.desc())
        .select(SubstitutionRow::as_select())
        .load(conn)?;
    let ids: Vec<&UserId> = rows.iter().flat_map(|r| [&r.user_id, &r.substitute_id]).collect();
    let logins = users::logins(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| Substitution {
            user_login: logins.get(&r.user_id).cloned().unwrap_or_default(),
            substitute_login: logins.get(&r.substitute_id).cloned().unwrap_or_default(),
            id: r.id,
            date_from: r.date_from,
            date_to: r.date_to,
        })
        .collect())
}

/// Names a substitute for the signed-in user.
pub fn add(
    conn: &mut DbConn,
    clock: &Clock,
    user: &User,
    input: &SubstitutionInput,
) -> Result<Substitution, ServiceError> {
    let mut e = FieldErrors::default();
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (from, to) = (parse(&input.date_from), parse(&input.date_to));
    if from.is_none() {
        e.add("date_from", "invalid_date");
    }
    if to.is_none() {
        e.add("date_to", "invalid_date");
    }
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        e.add("date_to", "date_order");
    }
    let substitute = users::by_login(conn, &input.substitute_login)?.map(|(u, _)| u);
    match &substitute {
        None => e.add("substitute_login", "unknown_reference"),
        Some(s) if s.id == user.id => e.add("substitute_login", "self_substitute"),
        // Acting for someone needs their workflow role: no borrowing rights by substitution.
        Some(s)
            if [Role::Agreer, Role::Approver]
                .iter()
                .any(|r| user.has(*r) && !s.has(*r))
                || !s.active =>
        {
            e.add("substitute_login", "substitute_lacks_role")
        }
        Some(_) => {}
    }
    e.into_result()?;
    let (Some(s), Some(from), Some(to)) = (substitute, from, to) else {
        return Err(FieldErrors::single("substitute_login", "unknown_reference").into());
    };
    write_tx(conn, clock, &user.login, |conn, journal| {
        let id = new_id();
        diesel::insert_into(sub::table)
            .values((
                sub::id.eq(&id),
                sub::user_id.eq(&user.id),
                sub::substitute_id.eq(&s.id),
                sub::date_from.eq(from),
                sub::date_to.eq(to),
            ))
            .execute(conn)?;
        journal.note(
            conn,
            "substitute",
            &id,
            "create",
            &json!({ "user": user.login, "substitute": s.login, "date_from": from, "date_to": to }),
        )?;
        Ok(Substitution {
            id,
            user_login: user.login.clone(),
            substitute_login: s.login.clone(),
            date_from: from,
            date_to: to,
        })
    })
}

/// Removes one of the user's own substitutions.
pub fn remove(conn: &mut DbConn, clock: &Clock, user: &User, id: &str) -> Result<(), ServiceError> {
    write_tx(conn, clock, &user.login, |conn, journal| {
        let n = diesel::delete(sub::table.find(id).filter(sub::user_id.eq(&user.id))).execute(conn)?;
        if n == 0 {
            return Err(ServiceError::NotFound);
        }
        journal.deleted(conn, "substitute", id, &json!({ "user": user.login }))
    })
}

/// Users `actor` may act for today: themselves and those who named them substitute.
pub fn principals(conn: &mut DbConn, actor: &User, today: NaiveDate) -> Result<Vec<UserId>, ServiceError> {
    let mut out = vec![actor.id.clone()];
    out.extend(
        sub::table
            .filter(sub::substitute_id.eq(&actor.id))
            .filter(sub::date_from.le(today))
            .filter(sub::date_to.ge(today))
            .select(sub::user_id)
            .load::<UserId>(conn)?,
    );
    Ok(out)
}
