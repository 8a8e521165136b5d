//! The checks of a text, computed once per revision: reads of the editor and
//! of the version JSON take them from here instead of checking again.
//!
//! A text's revision goes up with every stored edit, and the placeholder
//! values (organisation and position data) are part of the key, so an entry
//! can never be stale; entries of old revisions simply stop being asked for.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use crate::domain::checks::{check, Finding};
use crate::domain::document::Content;
use crate::domain::placeholders::Values;

/// Entries kept before the cache starts over (a few kilobytes each).
const CAPACITY: usize = 4096;

/// Which text at which revision, checked against which values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    owner: String,
    revision: i64,
    values: u64,
}

/// Findings by text and revision, shared by every worker of the server.
#[derive(Debug, Default)]
pub struct FindingsCache {
    entries: Mutex<HashMap<Key, Arc<Vec<Finding>>>>,
}

/// A fingerprint of the placeholder values, independent of map order.
fn fingerprint(values: Option<&Values>) -> u64 {
    let mut h = DefaultHasher::new();
    if let Some(v) = values {
        let mut pairs: Vec<_> = v.0.iter().collect();
        pairs.sort();
        pairs.hash(&mut h);
    } else {
        "template".hash(&mut h);
    }
    h.finish()
}

impl FindingsCache {
    /// The findings of `owner`'s text at `revision`, checking it only the first time.
    pub fn of(&self, owner: &str, revision: i64, content: &Content, values: Option<&Values>) -> Arc<Vec<Finding>> {
        let key = Key {
            owner: owner.to_string(),
            revision,
            values: fingerprint(values),
        };
        if let Some(found) = self.lock().get(&key) {
            return found.clone();
        }
        // Checked outside the lock: two first readers may both check, which is harmless.
        let findings = Arc::new(check(content, values));
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, findings.clone());
        findings
    }

    /// How many texts are cached (for tests and health).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Vec<Finding>>>> {
        // A panic while holding the lock cannot leave the map half-written
        // (insert and clear are single calls), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::sample;

    #[test]
    fn a_revision_is_checked_once_and_new_revisions_or_values_are_checked_again() {
        let cache = FindingsCache::default();
        let content = sample();
        let first = cache.of("v1", 1, &content, None);
        let again = cache.of("v1", 1, &content, None);
        assert!(Arc::ptr_eq(&first, &again), "the second read is served from the cache");
        assert_eq!(*first, check(&content, None));
        assert!(!Arc::ptr_eq(&first, &cache.of("v1", 2, &content, None)));
        let mut values = Values::default();
        values.set("position.title", "Инженер");
        let with_values = cache.of("v1", 2, &content, Some(&values));
        assert_eq!(*with_values, check(&content, Some(&values)));
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let cache = FindingsCache::default();
        let content = sample();
        for r in 0..CAPACITY as i64 + 1 {
            cache.of("v", r, &content, None);
        }
        assert_eq!(cache.len(), 1);
    }
}
