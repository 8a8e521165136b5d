//! The hash chain of the change log: how an entry is hashed and how a chain is checked.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One stored change-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    pub seq: i64,
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Timestamps are hashed with microseconds: both backends store that precision.
pub fn hash_time(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Hashes an entry's content together with its predecessor's hash.
pub fn entry_hash(e: &Entry) -> String {
    let mut h = Sha256::new();
    let fields: [&str; 9] = [
        &e.prev_hash,
        &e.seq.to_string(),
        &hash_time(&e.at),
        &e.actor,
        &e.entity,
        &e.entity_id,
        &e.action,
        e.before_json.as_deref().unwrap_or("\u{0}null"),
        e.after_json.as_deref().unwrap_or("\u{0}null"),
    ];
    // Length prefixes keep field boundaries unambiguous.
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where and why a chain stopped being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub reason: &'static str,
}

const GAP: &str = "sequence gap: an entry is missing or was inserted";
const LINK: &str = "previous-hash link does not match the entry before it";
const ALTERED: &str = "content does not match its hash: the entry was altered";
const CUT: &str = "the chain ends before the recorded head: entries were removed";

impl Broken {
    /// What kind of break this is, as a code pages put in words (`log_reason.*`).
    pub fn code(&self) -> &'static str {
        match self.reason {
            GAP => "gap",
            LINK => "link",
            ALTERED => "altered",
            _ => "cut",
        }
    }
}

/// Incremental chain checker: feed entries in `seq` order.
#[derive(Debug, Default)]
pub struct Verifier {
    last_seq: i64,
    last_hash: String,
    checked: u64,
}

impl Verifier {
    /// Checks the next entry against its predecessor.
    pub fn check(&mut self, e: &Entry) -> Result<(), Broken> {
        let broken = |reason| Err(Broken { seq: e.seq, reason });
        if e.seq != self.last_seq + 1 {
            return broken(GAP);
        }
        if e.prev_hash != self.last_hash {
            return broken(LINK);
        }
        if entry_hash(e) != e.hash {
            return broken(ALTERED);
        }
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// Resumes after an entry already known intact (a checkpoint).
    pub fn resume(seq: i64, hash: &str) -> Verifier {
        Verifier {
            last_seq: seq,
            last_hash: hash.to_string(),
            checked: 0,
        }
    }

    /// The sequence number and hash of the last entry verified (or resumed from).
    pub fn position(&self) -> (i64, &str) {
        (self.last_seq, &self.last_hash)
    }

    /// Number of entries verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// Checks the stored tip (sequence and hash) against the last verified entry,
    /// which detects entries cut off the end.
    pub fn check_head(&self, seq: i64, hash: &str) -> Result<(), Broken> {
        if seq != self.last_seq || hash != self.last_hash {
            return Err(Broken {
                seq: self.last_seq + 1,
                reason: CUT,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = String::new();
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at,
                    actor: "hr".into(),
                    entity: "department".into(),
                    entity_id: format!("id{seq}"),
                    action: "create".into(),
                    before_json: None,
                    after_json: Some(format!("{{\"name\":\"Отдел {seq}\"}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[Entry]) -> Result<u64, Broken> {
        let mut v = Verifier::default();
        for e in entries {
            v.check(e)?;
        }
        Ok(v.checked())
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn altered_content_is_found_at_its_entry() {
        let mut c = chain(5);
        c[2].after_json = Some("{\"name\":\"Подделка\"}".into());
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(3));
    }

    #[test]
    fn rehashed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c[1].actor = "intruder".into();
        c[1].hash = entry_hash(&c[1]);
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(3));
    }

    #[test]
    fn removed_entry_is_a_gap() {
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(5));
    }

    #[test]
    fn truncated_tail_is_found_by_the_head() {
        let c = chain(5);
        let mut v = Verifier::default();
        for e in &c[..3] {
            v.check(e).ok();
        }
        assert!(v.check_head(5, &c[4].hash).is_err());
        assert!(v.check_head(3, &c[2].hash).is_ok());
    }

    #[test]
    fn field_boundaries_matter() {
        let c = chain(1);
        let mut moved = c[0].clone();
        moved.entity = "departmen".into();
        moved.entity_id = format!("t{}", c[0].entity_id);
        assert_ne!(entry_hash(&moved), c[0].hash);
    }
}
