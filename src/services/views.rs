//! What read pages show, kept while nothing has changed: every change is written to
//! the change log, so its head (a sequence number) says whether anything a view was
//! built from may have changed since.
//!
//! A caller reads the head first and builds the view after, so a stored view is never
//! older than its key (at worst newer, which only costs one rebuild). Each server
//! instance keeps its own; another instance's writes move the same head.

use std::collections::HashMap;
use std::sync::Mutex;

/// The right to build one view while others asking for the same one wait: without it,
/// the many callers that arrive after a change would each build the same long view at
/// once, multiplying the memory and time of one build by their number.
pub type Turn = tokio::sync::MutexGuard<'static, ()>;

/// Builds of views whose keys hash alike take turns; 64 lanes keep unrelated views apart.
/// A request takes at most one turn, so lanes shared by two keys cannot deadlock.
static LANES: [tokio::sync::Mutex<()>; 64] = [const { tokio::sync::Mutex::const_new(()) }; 64];

/// Waits for the turn to build the view of `key`; a caller looks in the cache again
/// once it has the turn, since the build it waited for has usually kept the view.
pub async fn turn(key: &str) -> Turn {
    use std::hash::BuildHasher;
    let hash = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(key);
    LANES[(hash % LANES.len() as u64) as usize].lock().await
}

/// Views kept before the cache starts over.
const CAPACITY: usize = 1024;

/// Views by key, valid for one change-log head.
#[derive(Debug)]
pub struct HeadCache<V> {
    entries: Mutex<(i64, HashMap<String, V>)>,
}

impl<V> Default for HeadCache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new((i64::MIN, HashMap::new())),
        }
    }
}

impl<V: Clone> HeadCache<V> {
    /// The view of `key` built at `head`, if one is kept.
    pub fn get(&self, head: i64, key: &str) -> Option<V> {
        let entries = self.lock();
        (entries.0 == head).then(|| entries.1.get(key).cloned()).flatten()
    }

    /// Keeps `view` of `key`, built after reading `head`. Views of an older head are
    /// dropped; a view built at an older head than the kept ones is not stored.
    pub fn put(&self, head: i64, key: &str, view: V) {
        let mut entries = self.lock();
        if head < entries.0 {
            return;
        }
        if head > entries.0 || entries.1.len() >= CAPACITY {
            entries.1.clear();
            entries.0 = head;
        }
        entries.1.insert(key.to_string(), view);
    }

    /// The view of `key` at `head`: the kept one, or `build`'s (kept for next time).
    pub fn get_or_build<E>(&self, head: i64, key: &str, build: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.get(head, key) {
            return Ok(v);
        }
        let v = build()?;
        self.put(head, key, v.clone());
        Ok(v)
    }

    /// Drops the views built before `head`: the head has moved past them, and a later
    /// view of an older head is not kept either.
    pub fn forget_before(&self, head: i64) {
        let mut entries = self.lock();
        if entries.0 < head {
            entries.1.clear();
            entries.0 = head;
        }
    }

    /// How many views are kept.
    pub fn len(&self) -> usize {
        self.lock().1.len()
    }

    /// True when no view is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (i64, HashMap<String, V>)> {
        // Every update is a whole-value assignment or a single map call, so a
        // poisoned lock still holds a usable map.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_served_only_at_the_head_it_was_built_at() {
        let c = HeadCache::default();
        c.put(5, "a", 1);
        assert_eq!(c.get(5, "a"), Some(1));
        assert_eq!(c.get(6, "a"), None, "a newer head means something changed");
        assert_eq!(c.get(5, "b"), None);
    }

    #[test]
    fn a_newer_head_drops_older_views_and_an_older_one_is_not_kept() {
        let c = HeadCache::default();
        c.put(5, "a", 1);
        c.put(6, "b", 2);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get(6, "b"), Some(2));
        c.put(5, "a", 1);
        assert_eq!(c.get(5, "a"), None, "built before the newest head: not stored");
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn get_or_build_builds_once_per_head() {
        let c = HeadCache::default();
        let mut builds = 0;
        for head in [1, 1, 1, 2, 2] {
            let v: Result<i64, ()> = c.get_or_build(head, "k", || {
                builds += 1;
                Ok(head * 10)
            });
            assert_eq!(v, Ok(head * 10));
        }
        assert_eq!(builds, 2);
    }

    #[test]
    fn a_failed_build_keeps_nothing() {
        let c: HeadCache<i64> = HeadCache::default();
        assert_eq!(c.get_or_build(1, "k", || Err("no")), Err("no"));
        assert!(c.is_empty());
    }

    #[test]
    fn builds_of_the_same_view_take_turns() {
        use futures_util::FutureExt;
        let first = turn("page").now_or_never().expect("free at first");
        assert!(turn("page").now_or_never().is_none(), "the second caller waits");
        drop(first);
        assert!(
            turn("page").now_or_never().is_some(),
            "and goes on once the first is done"
        );
    }

    #[test]
    fn views_older_than_a_head_are_forgotten() {
        let c = HeadCache::default();
        c.put(5, "a", 1);
        c.forget_before(5);
        assert_eq!(c.get(5, "a"), Some(1), "not older");
        c.forget_before(6);
        assert!(c.is_empty());
        c.put(5, "a", 1);
        assert!(c.is_empty(), "built before the head moved: not kept");
        c.put(6, "b", 2);
        assert_eq!(c.get(6, "b"), Some(2));
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let c = HeadCache::default();
        for i in 0..CAPACITY + 1 {
            c.put(1, &i.to_string(), i);
        }
        assert_eq!(c.len(), 1);
    }
}
