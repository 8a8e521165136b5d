//! Comparing two versions clause by clause, with word-level marks inside changed clauses.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::document::{Content, SectionKind};

/// What happened to one clause between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Unchanged,
    Added,
    Removed,
    Changed,
    Moved,
    /// Moved and its text changed.
    MovedChanged,
}

/// A run of words: kept, inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WordRun {
    /// `equal`, `insert` or `delete`.
    pub op: &'static str,
    pub text: String,
}

/// One clause in the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClauseDiff {
    pub kind: ChangeKind,
    pub clause_id: String,
    pub section: SectionKind,
    pub old_number: Option<String>,
    pub new_number: Option<String>,
    pub old_text: Option<String>,
    pub new_text: Option<String>,
    /// Word-level runs for changed clauses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordRun>,
}

/// A section present in only one of the versions, or renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    pub kind: SectionKind,
    /// `added`, `removed` or `renamed`.
    pub change: &'static str,
    pub old_heading: Option<String>,
    pub new_heading: Option<String>,
}

/// The comparison of two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Diff {
    pub sections: Vec<SectionDiff>,
    /// Clauses in the new version's order; removed ones where they stood.
    pub clauses: Vec<ClauseDiff>,
}

impl Diff {
    /// True when nothing but numbering differs.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty() && self.clauses.iter().all(|c| c.kind == ChangeKind::Unchanged)
    }
}

/// Word-level runs between two texts.
pub fn words(old: &str, new: &str) -> Vec<WordRun> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<WordRun> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Insert => "insert",
            ChangeTag::Delete => "delete",
        };
        match runs.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => runs.push(WordRun {
                op,
                text: change.value().to_string(),
            }),
        }
    }
    runs
}

/// Longest common subsequence of two id lists: the clauses that kept their relative order.
fn in_order(old: &[&str], new: &[&str]) -> HashSet<String> {
    let (n, m) = (old.len(), new.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if old[i] == new[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut keep) = (0, 0, HashSet::new());
    while i < n && j < m {
        if old[i] == new[j] {
            keep.insert(old[i].to_string());
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    keep
}

/// Compares two versions; clauses are matched by id, which a new revision keeps.
pub fn diff(old: &Content, new: &Content) -> Diff {
    let mut sections = Vec::new();
    for kind in SectionKind::ALL {
        let (o, n) = (
            old.sections.iter().find(|s| s.kind == kind),
            new.sections.iter().find(|s| s.kind == kind),
        );
        let change = match (o, n) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a.heading != b.heading => "renamed",
            _ => continue,
        };
        sections.push(SectionDiff {
            kind,
            change,
            old_heading: o.map(|s| s.heading.clone()),
            new_heading: n.map(|s| s.heading.clone()),
        });
    }

    let old_list = old.clauses();
    let new_list = new.clauses();
    let old_by_id: HashMap<&str, usize> = old_list
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clause.id.as_str(), i))
        .collect();
    let new_ids: HashSet<&str> = new_list.iter().map(|l| l.clause.id.as_str()).collect();
    // Parent (or section, for top-level clauses) of each clause: a change of it is a move.
    fn parents(c: &Content) -> HashMap<String, String> {
        let mut out = HashMap::new();
        fn walk(parent: &str, list: &[super::document::Clause], out: &mut HashMap<String, String>) {
            for c in list {
                out.insert(c.id.clone(), parent.to_string());
                walk(&c.id, &c.children, out);
            }
        }
        for s in &c.sections {
            walk(s.kind.as_str(), &s.clauses, &mut out);
        }
        out
    }
    let (old_parent, new_parent) = (parents(old), parents(new));
    let common_old: Vec<&str> = old_list
        .iter()
        .map(|l| l.clause.id.as_str())
        .filter(|id| new_ids.contains(id))
        .collect();
    let common_new: Vec<&str> = new_list
        .iter()
        .map(|l| l.clause.id.as_str())
        .filter(|id| old_by_id.contains_key(id))
        .collect();
    let kept = in_order(&common_old, &common_new);

    // Removed clauses go after the nearest earlier clause that survives.
    let mut removed_after: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
    let mut anchor: Option<&str> = None;
    for (i, l) in old_list.iter().enumerate() {
        let id = l.clause.id.as_str();
        if new_ids.contains(id) {
            anchor = Some(id);
        } else {
            removed_after.entry(anchor).or_default().push(i);
        }
    }
    let removed = |i: usize| {
        let l = &old_list[i];
        ClauseDiff {
            kind: ChangeKind::Removed,
            clause_id: l.clause.id.clone(),
            section: l.section.kind,
            old_number: Some(l.number.clone()),
            new_number: None,
            old_text: Some(l.clause.text.clone()),
            new_text: None,
            words: Vec::new(),
        }
    };

    let mut clauses: Vec<ClauseDiff> = removed_after
        .get(&None)
        .into_iter()
        .flatten()
        .map(|i| removed(*i))
        .collect();
    for l in &new_list {
        let id = l.clause.id.as_str();
        let entry = match old_by_id.get(id) {
            None => ClauseDiff {
                kind: ChangeKind::Added,
                clause_id: id.to_string(),
                section: l.section.kind,
                old_number: None,
                new_number: Some(l.number.clone()),
                old_text: None,
                new_text: Some(l.clause.text.clone()),
                words: Vec::new(),
            },
            Some(&oi) => {
                let o = &old_list[oi];
                let moved = !kept.contains(id) || old_parent.get(id) != new_parent.get(id);
                let changed = o.clause.text != l.clause.text;
                let kind = match (moved, changed) {
                    (false, false) => ChangeKind::Unchanged,
                    (false, true) => ChangeKind::Changed,
                    (true, false) => ChangeKind::Moved,
                    (true, true) => ChangeKind::MovedChanged,
                };
                ClauseDiff {
                    kind,
                    clause_id: id.to_string(),
                    section: l.section.kind,
                    old_number: Some(o.number.clone()),
                    new_number: Some(l.number.clone()),
                    old_text: Some(o.clause.text.clone()),
                    new_text: Some(l.clause.text.clone()),
                    words: if changed {
                        words(&o.clause.text, &l.clause.text)
                    } else {
                        Vec::new()
                    },
                }
            }
        };
        clauses.push(entry);
        if let Some(list) = removed_after.get(&Some(id)) {
            clauses.extend(list.iter().map(|i| removed(*i)));
        }
    }
    Diff { sections, clauses }
}

#[cfg(test)]
mod tests {
    use super::super::document::tests::{clause, sample};
    use super::super::document::{Move, SectionKind};
    use super::*;

    fn kinds(d: &Diff) -> Vec<(String, ChangeKind)> {
        d.clauses
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .map(|c| (c.clause_id.clone(), c.kind))
            .collect()
    }

    #[test]
    fn identical_versions_have_no_changes() {
        assert!(diff(&sample(), &sample()).is_empty());
    }

    #[test]
    fn insertion_renumbers_but_only_the_new_clause_is_added() {
        let old = sample();
        let mut new = sample();
        new.add_clause("s2", None, clause("x", "Новый пункт.")).ok();
        new.move_clause("x", Move::Up).ok();
        new.move_clause("x", Move::Up).ok();
        new.move_clause("x", Move::Up).ok();
        let d = diff(&old, &new);
        assert_eq!(kinds(&d), vec![("x".to_string(), ChangeKind::Added)]);
        let c = d.clauses.iter().find(|c| c.clause_id == "c").expect("c");
        assert_eq!(
            (c.old_number.as_deref(), c.new_number.as_deref()),
            (Some("2.1"), Some("2.2"))
        );
    }

    #[test]
    fn changed_removed_moved() {
        let old = sample();
        let mut new = sample();
        new.set_text("c", "Ведёт кадровый учёт.").ok();
        new.remove_clause("d").ok();
        new.move_clause("a", Move::Down).ok();
        let d = diff(&old, &new);
        let k = kinds(&d);
        assert!(k.contains(&("c".into(), ChangeKind::Changed)));
        assert!(k.contains(&("d".into(), ChangeKind::Removed)));
        assert_eq!(
            k.iter().filter(|(_, kind)| *kind == ChangeKind::Moved).count(),
            1,
            "{k:?}"
        );
        // The removed clause stands where it was: after c.
        let pos = |id: &str| d.clauses.iter().position(|c| c.clause_id == id);
        assert_eq!(pos("d"), pos("c").map(|p| p + 1));
        let c = d.clauses.iter().find(|c| c.clause_id == "c").expect("c");
        assert!(c.words.iter().any(|w| w.op == "insert" && w.text.contains("кадровый")));
    }

    #[test]
    fn indent_is_a_move_and_sections_are_compared() {
        let old = sample();
        let mut new = sample();
        new.move_clause("d", Move::Indent).ok();
        new.add_section("s9".into(), SectionKind::Rights).ok();
        new.rename_section("s1", "1. Общие положения", true).ok();
        let d = diff(&old, &new);
        assert_eq!(kinds(&d), vec![("d".to_string(), ChangeKind::Moved)]);
        let changes: Vec<_> = d.sections.iter().map(|s| (s.kind, s.change)).collect();
        assert_eq!(
            changes,
            [(SectionKind::General, "renamed"), (SectionKind::Rights, "added")]
        );
    }

    #[test]
    fn word_runs_cover_both_texts() {
        let runs = words("Ведёт учёт товаров на складе.", "Ведёт учёт материалов на складе.");
        let old: String = runs
            .iter()
            .filter(|r| r.op != "insert")
            .map(|r| r.text.as_str())
            .collect();
        let new: String = runs
            .iter()
            .filter(|r| r.op != "delete")
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(old, "Ведёт учёт товаров на складе.");
        assert_eq!(new, "Ведёт учёт материалов на складе.");
    }
}
