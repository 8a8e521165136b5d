//! The facts a version is judged by (its state, this round's visas, who wrote and
//! sent it) and the actor judging it (their principals today), read once per request.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::versions::{self, VersionState};
use super::{substitutes, users, ServiceError};
use crate::db::schema::{change_log, visas};
use crate::db::DbConn;
use crate::domain::account::{Role, User, UserId, DRAFTERS};
use crate::domain::actions::{Actions, Caller, Situation};
use crate::domain::workflow::{Decision, GivenVisa};

/// A visa row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = visas)]
struct VisaRow {
    stage: i32,
    user_id: UserId,
    acted_by: UserId,
    decision: String,
}

fn given_visa(r: VisaRow) -> Option<GivenVisa> {
    Decision::parse(&r.decision).map(|decision| GivenVisa {
        stage: r.stage as usize,
        user_id: r.user_id,
        acted_by: r.acted_by,
        decision,
    })
}

/// The facts the rules judge a version by, read once.
#[derive(Debug, Clone)]
pub struct Facts {
    pub state: VersionState,
    given: Vec<GivenVisa>,
    authors: Vec<UserId>,
    newest: bool,
}

impl Facts {
    /// Reads a version's facts.
    pub fn load(conn: &mut DbConn, version_id: &str) -> Result<Facts, ServiceError> {
        let state = versions::state(conn, version_id)?;
        Facts::of(conn, state)
    }

    /// The facts of a version whose state is already read.
    pub fn of(conn: &mut DbConn, state: VersionState) -> Result<Facts, ServiceError> {
        Facts::of_many(conn, vec![state])?.pop().ok_or(ServiceError::NotFound)
    }

    /// The facts of many versions in a few queries, not a few per version (the
    /// inbox and the in-flight list judge every version in agreement): this
    /// round's visas, and its authors (who created it and who sent it: they may
    /// not approve it).
    pub fn of_many(conn: &mut DbConn, states: Vec<VersionState>) -> Result<Vec<Facts>, ServiceError> {
        let ids: Vec<&str> = states.iter().map(|s| s.id.as_str()).collect();
        let mut visas_of: HashMap<String, Vec<(i32, GivenVisa)>> = HashMap::new();
        let mut creators: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(versions::CHUNK) {
            let rows: Vec<(String, i32, VisaRow)> = visas::table
                .filter(visas::version_id.eq_any(chunk))
                .select((visas::version_id, visas::round, VisaRow::as_select()))
                .load(conn)?;
            for (version, round, r) in rows {
                if let Some(v) = given_visa(r) {
                    visas_of.entry(version).or_default().push((round, v));
                }
            }
            let rows: Vec<(String, String)> = change_log::table
                .filter(change_log::entity.eq("version"))
                .filter(change_log::entity_id.eq_any(chunk))
                .filter(change_log::action.eq("create"))
                .select((change_log::entity_id, change_log::actor))
                .load(conn)?;
            for (version, login) in rows {
                creators.entry(version).or_default().push(login);
            }
        }
        let logins: Vec<String> = creators
            .values()
            .flatten()
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let id_of = users::ids_by_login(conn, &logins)?;
        let jd_ids: Vec<&str> = states.iter().map(|s| s.job_description_id.as_str()).collect();
        let newest = versions::newest_numbers(conn, &jd_ids)?;
        Ok(states
            .into_iter()
            .map(|state| {
                let given = visas_of
                    .remove(&state.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(round, _)| *round == state.round)
                    .map(|(_, v)| v)
                    .collect();
                let mut authors: Vec<UserId> = creators
                    .get(&state.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|l| id_of.get(l).cloned())
                    .collect();
                authors.extend(state.sent_by.clone());
                let newest = newest.get(&state.job_description_id) == Some(&state.number);
                Facts {
                    state,
                    given,
                    authors,
                    newest,
                }
            })
            .collect())
    }

    /// This round's visas.
    pub fn given(&self) -> &[GivenVisa] {
        &self.given
    }

    /// The situation as the rules see it.
    pub fn situation(&self) -> Situation<'_> {
        Situation {
            status: self.state.status,
            route: self.state.route.as_ref(),
            given: &self.given,
            authors: &self.authors,
            number: self.state.number,
            newest: self.newest,
        }
    }
}

/// A user and whom they may act for today.
#[derive(Debug, Clone)]
pub struct Actor<'a> {
    pub user: &'a User,
    pub principals: Vec<UserId>,
}

impl<'a> Actor<'a> {
    /// Reads whom `user` stands in for today.
    pub fn load(conn: &mut DbConn, user: &'a User, today: NaiveDate) -> Result<Actor<'a>, ServiceError> {
        Ok(Actor {
            user,
            principals: substitutes::principals(conn, user, today)?,
        })
    }

    /// The caller as the rules see them.
    pub fn caller(&self) -> Caller<'_> {
        Caller {
            id: &self.user.id,
            principals: &self.principals,
            agreer: self.user.has(Role::Agreer),
            approver: self.user.has(Role::Approver),
            drafter: DRAFTERS.iter().any(|r| self.user.has(*r)),
        }
    }
}

/// What `user` may do on a version today.
pub fn actions(conn: &mut DbConn, user: &User, facts: &Facts, today: NaiveDate) -> Result<Actions, ServiceError> {
    let actor = Actor::load(conn, user, today)?;
    Ok(facts.situation().actions(&actor.caller()))
}
