//! What one server instance knows of the database between requests, so that a request
//! whose answer is kept needs no trip to it: the change log's head and the callers
//! already identified (by the hash of their session secret or API token).
//!
//! Only PostgreSQL is watched: its triggers announce every move of the head and every
//! session or token that ends (`NOTIFY`), and a thread of each instance listens. While
//! that thread is not connected, nothing is known and every request asks the database,
//! as on SQLite. This instance's own changes are known at once (`note_head`,
//! `note_ended`); another instance's within the time a notification takes to arrive.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use chrono::NaiveDateTime;

/// The channel on which the head's new sequence number is announced.
pub const HEAD_CHANNEL: &str = "jobdesc_head";
/// The channel on which an ended session's or token's hash is announced.
pub const ENDED_CHANNEL: &str = "jobdesc_ended";

/// The listening connection's name, as `pg_stat_activity` shows it.
pub const APPLICATION: &str = "jobdesc-watch";

/// The head while nothing is known.
const UNKNOWN: i64 = -1;
/// Callers remembered before the memory starts over.
const CAPACITY: usize = 10_000;

/// A caller identified by the database: whose credential it is and, for a session,
/// when it started and when the database last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub session: Option<(NaiveDateTime, NaiveDateTime)>,
}

/// What this instance knows; see the module's description.
#[derive(Debug)]
pub struct Watch {
    head: AtomicI64,
    callers: RwLock<HashMap<String, Caller>>,
    /// Moves whenever a caller may have ended: a caller read from the database before
    /// it moved is not remembered (its end may already have been announced).
    ended: AtomicU64,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            head: AtomicI64::new(UNKNOWN),
            callers: RwLock::default(),
            ended: AtomicU64::new(0),
        }
    }
}

impl Watch {
    /// The change log's head, when it is watched.
    pub fn head(&self) -> Option<i64> {
        let head = self.head.load(Ordering::Acquire);
        (head != UNKNOWN).then_some(head)
    }

    /// The caller remembered under `key`, while watching.
    pub fn caller(&self, key: &str) -> Option<Caller> {
        self.head()?;
        self.read().get(key).cloned()
    }

    /// Where the ends stand now: pass it to `remember` with what is read after.
    pub fn generation(&self) -> u64 {
        self.ended.load(Ordering::Acquire)
    }

    /// Remembers `caller` under `key`, read from the database after `generation` was
    /// taken, unless anything ended meanwhile or nothing is watched.
    pub fn remember(&self, generation: u64, key: &str, caller: Caller) {
        let mut callers = self.write();
        if self.generation() != generation || self.head().is_none() {
            return;
        }
        if callers.len() >= CAPACITY {
            callers.clear();
        }
        callers.insert(key.to_string(), caller);
    }

    /// The head moved to `seq` (announced, or written by this instance): the head only
    /// goes forward, whatever order the news arrives in.
    pub fn moved(&self, seq: i64) {
        let mut known = self.head.load(Ordering::Acquire);
        while known != UNKNOWN && seq > known {
            match self
                .head
                .compare_exchange_weak(known, seq, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(now) => known = now,
            }
        }
    }

    /// The session or token with hash `key` ended.
    pub fn ended(&self, key: &str) {
        let mut callers = self.write();
        self.ended.fetch_add(1, Ordering::AcqRel);
        callers.remove(key);
    }

    /// Sessions or tokens ended, which ones not said: every caller is read again.
    pub fn ended_all(&self) {
        let mut callers = self.write();
        self.ended.fetch_add(1, Ordering::AcqRel);
        callers.clear();
    }

    /// Watching starts (again) from `head`: what was remembered before may have missed news.
    fn start(&self, head: i64) {
        self.ended_all();
        self.head.store(head, Ordering::Release);
    }

    /// Watching stops: from now on every request asks the database.
    fn stop(&self) {
        self.head.store(UNKNOWN, Ordering::Release);
        self.ended_all();
    }

    /// Applies what a thread noted while it worked on the database (`note_head`,
    /// `note_ended`), taken with `take_notes`.
    pub fn apply(&self, (head, ended): (Option<i64>, bool)) {
        if ended {
            self.ended_all();
        }
        if let Some(seq) = head {
            self.moved(seq);
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Caller>> {
        // Every update is one map call or a clear: a poisoned lock still holds a usable map.
        self.callers.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Caller>> {
        self.callers.write().unwrap_or_else(|p| p.into_inner())
    }
}

thread_local! {
    /// The head this thread committed last, and whether it ended a session or token,
    /// since the notes were last taken.
    static NOTES: Cell<(Option<i64>, bool)> = const { Cell::new((None, false)) };
}

/// This thread committed a change that moved the head to `seq`.
pub fn note_head(seq: i64) {
    NOTES.with(|n| {
        let (head, ended) = n.get();
        n.set((Some(head.map_or(seq, |h| h.max(seq))), ended));
    });
}

/// This thread ended sessions or tokens (noted before the commit: forgetting a caller
/// that in the end was not ended only costs a trip to the database).
pub fn note_ended() {
    NOTES.with(|n| n.set((n.get().0, true)));
}

/// Takes this thread's notes, leaving none.
pub fn take_notes() -> (Option<i64>, bool) {
    NOTES.with(|n| n.replace((None, false)))
}

/// How long the listening thread waits before connecting again after a failure.
const RECONNECT: Duration = Duration::from_secs(1);
/// How often the listening thread looks whether its instance is still there.
const LOOK: Duration = Duration::from_millis(500);

/// Starts the thread that keeps `watch` current from the PostgreSQL database at `url`.
/// It ends when the instance drops its watch.
pub fn listen(url: String, watch: &Arc<Watch>) -> std::io::Result<()> {
    let watch = Arc::downgrade(watch);
    std::thread::Builder::new()
        .name("jobdesc-watch".into())
        .spawn(move || {
            while watch.strong_count() > 0 {
                match follow(&url, &watch) {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(error = %e, "not watching the database: every request asks it"),
                }
                std::thread::sleep(RECONNECT);
            }
        })
        .map(|_| ())
}

/// Listens until the instance is gone (`Ok`) or the connection fails.
fn follow(url: &str, watch: &Weak<Watch>) -> Result<(), String> {
    let mut listener = crate::db::listen::Listener::connect(url, APPLICATION, &[HEAD_CHANNEL, ENDED_CHANNEL])?;
    // Listening first, then the head: a move after this read is announced.
    let head = listener
        .query("SELECT seq FROM change_log_head WHERE id = 1")?
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or("the change log's head is missing")?;
    let Some(w) = watch.upgrade() else { return Ok(()) };
    w.start(head);
    drop(w);
    tracing::info!(head, "watching the database for changes");
    loop {
        let news = listener.wait(LOOK);
        let Some(w) = watch.upgrade() else { return Ok(()) };
        let news = match news {
            Ok(news) => news,
            Err(e) => {
                w.stop();
                return Err(e);
            }
        };
        for n in news {
            match n.channel.as_str() {
                HEAD_CHANNEL => match n.payload.parse() {
                    Ok(seq) => w.moved(seq),
                    Err(_) => w.ended_all(),
                },
                ENDED_CHANNEL => w.ended(&n.payload),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(user: &str) -> Caller {
        Caller {
            user_id: user.into(),
            session: None,
        }
    }

    #[test]
    fn nothing_is_known_until_watching_starts() {
        let w = Watch::default();
        w.moved(5);
        assert_eq!(w.head(), None, "a write noted while not watching starts nothing");
        w.remember(w.generation(), "k", caller("u"));
        assert_eq!(w.caller("k"), None);
        w.start(7);
        assert_eq!(w.head(), Some(7));
        w.stop();
        assert_eq!(w.head(), None);
    }

    #[test]
    fn the_head_only_goes_forward() {
        let w = Watch::default();
        w.start(10);
        w.moved(12);
        w.moved(11);
        assert_eq!(w.head(), Some(12), "an older announcement arriving late");
    }

    #[test]
    fn a_caller_is_remembered_until_it_ends() {
        let w = Watch::default();
        w.start(1);
        w.remember(w.generation(), "a", caller("u1"));
        w.remember(w.generation(), "b", caller("u2"));
        assert_eq!(w.caller("a"), Some(caller("u1")));
        w.ended("a");
        assert_eq!(w.caller("a"), None);
        assert_eq!(w.caller("b"), Some(caller("u2")));
        w.ended_all();
        assert_eq!(w.caller("b"), None);
    }

    #[test]
    fn a_caller_read_before_an_end_was_announced_is_not_remembered() {
        let w = Watch::default();
        w.start(1);
        let before = w.generation();
        // The database was read, then an end arrived, then the caller would be kept:
        // it may be the one that ended.
        w.ended("a");
        w.remember(before, "a", caller("u1"));
        assert_eq!(w.caller("a"), None);
    }

    #[test]
    fn losing_the_connection_forgets_everything() {
        let w = Watch::default();
        w.start(3);
        w.remember(w.generation(), "a", caller("u1"));
        w.stop();
        w.start(4);
        assert_eq!(w.caller("a"), None, "news may have been missed while not listening");
    }

    #[test]
    fn a_thread_s_notes_are_applied_once() {
        let w = Watch::default();
        w.start(1);
        w.remember(w.generation(), "a", caller("u1"));
        take_notes();
        note_head(5);
        note_head(4);
        note_ended();
        w.apply(take_notes());
        assert_eq!(w.head(), Some(5));
        assert_eq!(w.caller("a"), None);
        assert_eq!(take_notes(), (None, false), "taken");
    }
}
