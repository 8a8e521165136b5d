//! Writing the change log inside the transaction of the change it records.

use diesel::prelude::*;
use serde::Serialize;

use super::ServiceError;
use crate::clock::Clock;
use crate::db::schema::{change_log, change_log_checkpoint, change_log_head};
use crate::db::DbConn;
use crate::domain::change_log::{entry_hash, Broken, Entry, Verifier};

/// The change log's open tail within one write transaction.
pub struct Journal {
    actor: String,
    seq: i64,
    hash: String,
    at: chrono::NaiveDateTime,
    today: chrono::NaiveDate,
}

impl Journal {
    /// The instant of this transaction (UTC): every row it writes carries it.
    pub fn at(&self) -> chrono::NaiveDateTime {
        self.at
    }

    /// The sequence number of the last entry written so far.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// The organisation's date at the start of this transaction.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
    }

    /// Appends an entry that has no "before" (a creation or an event).
    pub fn note<A: Serialize>(
        &mut self,
        conn: &mut DbConn,
        entity: &str,
        entity_id: &str,
        action: &str,
        after: &A,
    ) -> Result<(), ServiceError> {
        self.record(conn, entity, entity_id, action, None::<&()>, Some(after))
    }

    /// Appends the entry of a deletion: what was there before.
    pub fn deleted<B: Serialize>(
        &mut self,
        conn: &mut DbConn,
        entity: &str,
        entity_id: &str,
        before: &B,
    ) -> Result<(), ServiceError> {
        self.record(conn, entity, entity_id, "delete", Some(before), None::<&()>)
    }

    /// Appends one entry after the current tip.
    pub fn record<B: Serialize, A: Serialize>(
        &mut self,
        conn: &mut DbConn,
        entity: &str,
        entity_id: &str,
        action: &str,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), ServiceError> {
        let to_json = |v: Option<Result<String, serde_json::Error>>| {
            v.transpose().map_err(|e| ServiceError::Internal(e.to_string()))
        };
        let mut entry = Entry {
            seq: self.seq + 1,
            at: self.at,
            actor: self.actor.clone(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            action: action.to_string(),
            before_json: to_json(before.map(serde_json::to_string))?,
            after_json: to_json(after.map(serde_json::to_string))?,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        entry.hash = entry_hash(&entry);
        diesel::insert_into(change_log::table)
            .values((
                change_log::seq.eq(entry.seq),
                change_log::at.eq(entry.at),
                change_log::actor.eq(&entry.actor),
                change_log::entity.eq(&entry.entity),
                change_log::entity_id.eq(&entry.entity_id),
                change_log::action.eq(&entry.action),
                change_log::before_json.eq(&entry.before_json),
                change_log::after_json.eq(&entry.after_json),
                change_log::prev_hash.eq(&entry.prev_hash),
                change_log::hash.eq(&entry.hash),
            ))
            .execute(conn)?;
        self.seq = entry.seq;
        self.hash = entry.hash;
        Ok(())
    }
}

/// One entry of a bulk append: an event with no "before".
pub struct Note {
    pub entity: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub after_json: String,
}

impl Journal {
    /// Appends many entries after the tip, hashed in order and inserted in
    /// multi-row batches (bulk loads: `jobdesc demo --scale`).
    pub fn note_many(&mut self, conn: &mut DbConn, notes: Vec<Note>) -> Result<usize, ServiceError> {
        let mut rows = Vec::with_capacity(notes.len());
        for n in notes {
            let mut e = Entry {
                seq: self.seq + 1,
                at: self.at,
                actor: self.actor.clone(),
                entity: n.entity.to_string(),
                entity_id: n.entity_id,
                action: n.action.to_string(),
                before_json: None,
                after_json: Some(n.after_json),
                prev_hash: std::mem::take(&mut self.hash),
                hash: String::new(),
            };
            e.hash = entry_hash(&e);
            self.seq = e.seq;
            self.hash = e.hash.clone();
            rows.push(EntryRow {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                entity: e.entity,
                entity_id: e.entity_id,
                action: e.action,
                before_json: e.before_json,
                after_json: e.after_json,
                prev_hash: e.prev_hash,
                hash: e.hash,
            });
        }
        Ok(crate::db::insert_batches!(conn, change_log::table, rows))
    }
}

/// Runs `f` in a write transaction with an open journal; the change and its
/// log entries commit together or not at all.
pub fn write_tx<T>(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    f: impl FnOnce(&mut DbConn, &mut Journal) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    // Inside another transaction the head is not moved until that one commits, which
    // it may not: only an outermost commit is news for this instance (`services::watch`).
    use diesel::connection::TransactionManager;
    let outermost = <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .is_ok_and(|d| d.is_none());
    let mut moved_to = None;
    let out = conn.transaction(|conn| {
        // Writing the head row first takes the write lock at once (SQLite's
        // RESERVED lock, PostgreSQL's row lock), so writers queue here and
        // never deadlock upgrading a read lock.
        diesel::update(change_log_head::table.filter(change_log_head::id.eq(1)))
            .set(change_log_head::seq.eq(change_log_head::seq))
            .execute(conn)?;
        let (seq, hash) = change_log_head::table
            .filter(change_log_head::id.eq(1))
            .select((change_log_head::seq, change_log_head::hash))
            .first::<(i64, String)>(conn)?;
        let (at, today) = clock.now_and_today();
        let mut journal = Journal {
            actor: actor.to_string(),
            seq,
            hash,
            at,
            today,
        };
        let out = f(conn, &mut journal)?;
        diesel::update(change_log_head::table.filter(change_log_head::id.eq(1)))
            .set((
                change_log_head::seq.eq(journal.seq),
                change_log_head::hash.eq(&journal.hash),
            ))
            .execute(conn)?;
        moved_to = Some(journal.seq);
        Ok::<T, ServiceError>(out)
    })?;
    if let Some(seq) = moved_to.filter(|_| outermost) {
        crate::services::watch::note_head(seq);
    }
    Ok(out)
}

/// The stored tip of the chain: the last entry's sequence number and hash.
pub fn head(conn: &mut DbConn) -> Result<(i64, String), ServiceError> {
    Ok(change_log_head::table
        .filter(change_log_head::id.eq(1))
        .select((change_log_head::seq, change_log_head::hash))
        .first::<(i64, String)>(conn)?)
}

/// A row as stored (and as inserted in bulk).
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_log, treat_none_as_default_value = false)]
struct EntryRow {
    seq: i64,
    at: chrono::NaiveDateTime,
    actor: String,
    entity: String,
    entity_id: String,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

fn to_entry(r: EntryRow) -> Entry {
    Entry {
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        entity: r.entity,
        entity_id: r.entity_id,
        action: r.action,
        before_json: r.before_json,
        after_json: r.after_json,
        prev_hash: r.prev_hash,
        hash: r.hash,
    }
}

/// Entries read at once while verifying.
const BATCH: i64 = 1000;

/// The entries after `after` up to `through` (sequence numbers), at most `BATCH`, in order.
fn entries_between(conn: &mut DbConn, after: i64, through: i64) -> Result<Vec<Entry>, ServiceError> {
    let rows = change_log::table
        .filter(change_log::seq.gt(after))
        .filter(change_log::seq.le(through))
        .order(change_log::seq.asc())
        .limit(BATCH)
        .select(EntryRow::as_select())
        .load::<EntryRow>(conn)?;
    Ok(rows.into_iter().map(to_entry).collect())
}

/// Feeds every entry after the verifier's position up to the head read before (`head`)
/// to the verifier, then checks the head against the last one.
///
/// The head is read before the entries: each entry up to it was committed with it, so
/// one committed while the chain is read is neither missed nor taken for a cut.
fn verify_on(
    conn: &mut DbConn,
    mut verifier: Verifier,
    head: &(i64, String),
) -> Result<Result<Verifier, Broken>, ServiceError> {
    while verifier.position().0 < head.0 {
        let batch = entries_between(conn, verifier.position().0, head.0)?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            if let Err(b) = verifier.check(e) {
                return Ok(Err(b));
            }
        }
    }
    Ok(verifier.check_head(head.0, &head.1).map(|()| verifier))
}

/// Recomputes the whole chain; `Ok(n)` when all `n` entries are intact.
pub fn verify(conn: &mut DbConn) -> Result<Result<u64, Broken>, ServiceError> {
    let head = head(conn)?;
    Ok(verify_on(conn, Verifier::default(), &head)?.map(|v| v.checked()))
}

/// The outcome of a check from the checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verified {
    /// Entries recomputed by this check.
    pub checked: u64,
    /// The chain is intact up to this entry (the head).
    pub through: i64,
    /// Where this check started: the checkpoint, or `None` for the whole chain.
    pub from: Option<i64>,
}

/// Verifies the chain and moves the checkpoint to the head. `full` recomputes
/// every entry; otherwise only the entries added since the stored checkpoint
/// (the whole chain when there is none, or when the checkpoint's entry no
/// longer has the hash it had): what lies before it was verified when it was set.
pub fn verify_and_checkpoint(
    conn: &mut DbConn,
    clock: &Clock,
    full: bool,
) -> Result<Result<Verified, Broken>, ServiceError> {
    // The head, the checkpoint and the checkpoint's entry in one query: while nothing
    // was added since the last check, that is all a check reads.
    let (head_seq, head_hash, stored_seq, stored_hash, stored_entry): (
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<EntryRow>,
    ) = change_log_head::table
        .left_join(change_log_checkpoint::table.on(change_log_checkpoint::id.eq(change_log_head::id)))
        .left_join(change_log::table.on(change_log::seq.eq(change_log_checkpoint::seq)))
        .filter(change_log_head::id.eq(1))
        .select((
            change_log_head::seq,
            change_log_head::hash,
            change_log_checkpoint::seq.nullable(),
            change_log_checkpoint::hash.nullable(),
            Option::<EntryRow>::as_select(),
        ))
        .first(conn)?;
    let head = (head_seq, head_hash);
    // The checkpoint's own entry must still be the one verified, content and all.
    let start = match (stored_seq.zip(stored_hash), stored_entry.map(to_entry)) {
        (Some((seq, hash)), Some(e)) if !full && e.hash == hash && entry_hash(&e) == e.hash => Some((seq, hash)),
        _ => None,
    };
    let verifier = match &start {
        Some((seq, hash)) => Verifier::resume(*seq, hash),
        None => Verifier::default(),
    };
    let verifier = match verify_on(conn, verifier, &head)? {
        Ok(v) => v,
        Err(b) => return Ok(Err(b)),
    };
    let (through, hash) = verifier.position();
    if start.as_ref().map(|s| s.0) != Some(through) {
        let values = (
            change_log_checkpoint::seq.eq(through),
            change_log_checkpoint::hash.eq(hash),
            change_log_checkpoint::verified_at.eq(clock.now()),
        );
        let moved = diesel::update(change_log_checkpoint::table.find(1))
            .set(values)
            .execute(conn)?;
        if moved == 0 {
            use diesel::result::{DatabaseErrorKind, Error};
            // Another check may have set the first checkpoint meanwhile: either is right.
            match diesel::insert_into(change_log_checkpoint::table)
                .values((change_log_checkpoint::id.eq(1), values))
                .execute(conn)
            {
                Ok(_) | Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
                Err(e) => Err(e)?,
            }
        }
    }
    Ok(Ok(Verified {
        checked: verifier.checked(),
        through,
        from: start.map(|s| s.0),
    }))
}

/// The entries from `from` to `to` (sequence numbers, both included), in order.
pub fn range(conn: &mut DbConn, from: i64, to: i64) -> Result<Vec<Entry>, ServiceError> {
    let rows = change_log::table
        .filter(change_log::seq.ge(from))
        .filter(change_log::seq.le(to))
        .order(change_log::seq.asc())
        .select(EntryRow::as_select())
        .load::<EntryRow>(conn)?;
    Ok(rows.into_iter().map(to_entry).collect())
}

/// The sequence number of the newest entry about `entity_id` with `action`.
pub fn last_seq_of(conn: &mut DbConn, entity_id: &str, action: &str) -> Result<Option<i64>, ServiceError> {
    Ok(change_log::table
        .filter(change_log::entity_id.eq(entity_id))
        .filter(change_log::action.eq(action))
        .select(diesel::dsl::max(change_log::seq))
        .first::<Option<i64>>(conn)?)
}

/// An entry as the log page lists it: what was done, by whom and when; not what it
/// recorded, which can be long (each entry's own page shows it).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_log)]
pub struct Listed {
    pub seq: i64,
    pub at: chrono::NaiveDateTime,
    pub actor: String,
    pub entity: String,
    pub action: String,
}

/// A page of the log as listed, newest first: `limit` entries before sequence number
/// `before` (from the tip when `None`).
pub fn listed(conn: &mut DbConn, before: Option<i64>, limit: i64) -> Result<Vec<Listed>, ServiceError> {
    Ok(change_log::table
        .filter(change_log::seq.lt(before.unwrap_or(i64::MAX)))
        .order(change_log::seq.desc())
        .limit(limit)
        .select(Listed::as_select())
        .load(conn)?)
}

/// One entry by its sequence number.
pub fn entry(conn: &mut DbConn, seq: i64) -> Result<Entry, ServiceError> {
    let row = change_log::table
        .filter(change_log::seq.eq(seq))
        .select(EntryRow::as_select())
        .get_result::<EntryRow>(conn)
        .optional()?;
    row.map(to_entry).ok_or(ServiceError::NotFound)
}

/// The newest entries, newest first, optionally for one entity.
pub fn recent(conn: &mut DbConn, entity_id: Option<&str>, limit: i64) -> Result<Vec<Entry>, ServiceError> {
    let mut q = change_log::table.into_boxed();
    if let Some(id) = entity_id {
        q = q.filter(change_log::entity_id.eq(id.to_string()));
    }
    let rows = q
        .order(change_log::seq.desc())
        .limit(limit)
        .select(EntryRow::as_select())
        .load::<EntryRow>(conn)?;
    Ok(rows.into_iter().map(to_entry).collect())
}
