//! The revision register: one row per approved revision, its content in the
//! usual legal phrasing summarised from the comparison with the previous one.

use std::collections::HashMap;

use serde::Serialize;

use super::diff::{ChangeKind, Diff};
use super::document::{Content, SectionKind};
use super::language::{Change, DocLanguage, Words};

/// Share of a section's clauses that, once changed, makes the whole section "restated".
const RESTATE_SHARE: f64 = 0.5;

/// A clause's text in quotes, without the `;` that ends it in its list: the register
/// lists changes with `;` of its own («…мессенджеры;»; would say it twice).
fn quote(words: &Words, text: &str) -> String {
    words.quote(text.trim().trim_end_matches(';').trim_end())
}

/// Summarises the changes from `old` to `new` as register lines, e.g.
/// "пункт 2.3 изложить в новой редакции: «…»", "дополнить пунктом 2.17 следующего
/// содержания: «…»", "пункт 4.5 исключить", "раздел 5 изложить в новой редакции".
/// The phrasing is the new version's language's.
pub fn summarize(old: &Content, new: &Content, diff: &Diff) -> Vec<String> {
    let words = new.language.words();
    let new_numbers = new.section_numbers();
    let old_numbers = old.section_numbers();
    let number_of = |c: &Content, nums: &HashMap<String, usize>, kind: SectionKind| {
        c.sections
            .iter()
            .find(|s| s.kind == kind)
            .and_then(|s| nums.get(&s.id).copied())
    };
    let mut lines = Vec::new();
    let mut restated = Vec::new();
    for s in &new.sections {
        let total = diff.clauses.iter().filter(|c| c.section == s.kind).count();
        let touched = diff
            .clauses
            .iter()
            .filter(|c| c.section == s.kind && c.kind != ChangeKind::Unchanged && c.kind != ChangeKind::Moved)
            .count();
        let existed = old.sections.iter().any(|o| o.kind == s.kind);
        if existed && total >= 4 && touched as f64 / total as f64 > RESTATE_SHARE {
            restated.push(s.kind);
            let n = number_of(new, &new_numbers, s.kind)
                .map(|n| n.to_string())
                .unwrap_or_default();
            let n = if n.is_empty() { n } else { format!(" {n}") };
            lines.push(words.change(Change::SectionRestated, &[("n", &n), ("heading", &s.heading)]));
        }
    }
    for s in &diff.sections {
        match s.change {
            "added" => {
                let n = number_of(new, &new_numbers, s.kind)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                let heading = s.new_heading.clone().unwrap_or_default();
                lines.push(words.change(Change::SectionAdded, &[("n", &n), ("heading", &heading)]));
            }
            "removed" => {
                let n = number_of(old, &old_numbers, s.kind)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                let heading = s.old_heading.clone().unwrap_or_default();
                lines.push(words.change(Change::SectionRemoved, &[("n", &n), ("heading", &heading)]));
            }
            _ => {
                let n = number_of(new, &new_numbers, s.kind)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                let heading = quote(words, &s.new_heading.clone().unwrap_or_default());
                lines.push(words.change(Change::SectionRenamed, &[("n", &n), ("heading", &heading)]));
            }
        }
    }
    let added_or_removed_section = |k: SectionKind| diff.sections.iter().any(|s| s.kind == k && s.change != "renamed");
    // Clauses that only changed their number because others were added or removed before
    // them, in runs: «пункты 4.5–4.8 считать соответственно пунктами 4.4–4.7».
    let shifts = |c: &&super::diff::ClauseDiff| {
        c.kind == ChangeKind::Unchanged
            && !restated.contains(&c.section)
            && !added_or_removed_section(c.section)
            && c.old_number.is_some()
            && c.new_number.is_some()
            && c.old_number != c.new_number
    };
    let shifted_numbers: std::collections::HashSet<&str> = diff
        .clauses
        .iter()
        .filter(shifts)
        .filter_map(|c| c.old_number.as_deref())
        .collect();
    let mut renumbered: Vec<Vec<(String, String)>> = Vec::new();
    let mut run_open = false;
    for c in &diff.clauses {
        // A sub-clause whose clause is renumbered follows it without being named.
        let parent_shifted = c
            .old_number
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .is_some_and(|(parent, _)| shifted_numbers.contains(parent));
        if shifts(&c) && parent_shifted {
            continue;
        }
        let shifted = shifts(&c);
        if shifted {
            let pair = (
                c.old_number.clone().unwrap_or_default(),
                c.new_number.clone().unwrap_or_default(),
            );
            match renumbered.last_mut() {
                Some(run) if run_open => run.push(pair),
                _ => renumbered.push(vec![pair]),
            }
        }
        run_open = shifted;
    }
    for c in &diff.clauses {
        if restated.contains(&c.section) || added_or_removed_section(c.section) {
            continue;
        }
        let old_n = c.old_number.clone().unwrap_or_default();
        let new_n = c.new_number.clone().unwrap_or_default();
        let text = c.new_text.as_deref().map(|t| quote(words, t)).unwrap_or_default();
        let change = match c.kind {
            ChangeKind::Unchanged => continue,
            ChangeKind::Changed => Change::ClauseChanged,
            ChangeKind::Added => Change::ClauseAdded,
            ChangeKind::Removed => Change::ClauseRemoved,
            ChangeKind::Moved => Change::ClauseMoved,
            ChangeKind::MovedChanged => Change::ClauseMovedChanged,
        };
        lines.push(words.change(change, &[("old", &old_n), ("new", &new_n), ("text", &text)]));
    }
    for run in renumbered {
        let (first, last) = (&run[0], &run[run.len() - 1]);
        lines.push(if run.len() == 1 {
            words.change(Change::ClauseMoved, &[("old", &first.0), ("new", &first.1)])
        } else {
            let (old, new) = (format!("{}–{}", first.0, last.0), format!("{}–{}", first.1, last.1));
            words.change(Change::ClausesMoved, &[("old", &old), ("new", &new)])
        });
    }
    lines
}

/// Sections whose change means the revision is not merely editorial.
pub const SUBSTANTIVE: [SectionKind; 4] = [
    SectionKind::Duties,
    SectionKind::Rights,
    SectionKind::Responsibility,
    SectionKind::Safety,
];

/// True when the comparison touches duties, rights, responsibility or safety.
pub fn is_substantive(diff: &Diff) -> bool {
    diff.sections.iter().any(|s| SUBSTANTIVE.contains(&s.kind))
        || diff
            .clauses
            .iter()
            .any(|c| c.kind != ChangeKind::Unchanged && SUBSTANTIVE.contains(&c.section))
}

/// How an order is cited in the document's language: «Приказ от 01.12.2026 № 15-к»,
/// «Заповед № 15 от 01.12.2026 г.» (the number kept with its sign).
pub fn order_basis(language: DocLanguage, number: &str, date: chrono::NaiveDate) -> String {
    match language {
        DocLanguage::Ru => format!("Приказ от {} №\u{a0}{number}", date.format("%d.%m.%Y")),
        DocLanguage::Bg => format!("Заповед №\u{a0}{number} от {}\u{a0}г.", date.format("%d.%m.%Y")),
    }
}

/// One row of the register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterRow {
    /// Основание: the order that brought the revision into force, when one was recorded.
    pub basis: Option<String>,
    /// № изменения: 1 for the second approved revision, and so on.
    pub change_number: i32,
    pub version_number: i32,
    pub registration_number: Option<String>,
    /// Дата внесения изменения (approval).
    #[schema(value_type = String)]
    pub entered: chrono::NaiveDate,
    /// Дата введения изменения (in force).
    #[schema(value_type = String)]
    pub effective: chrono::NaiveDate,
    /// Изменение внёс.
    pub author: String,
    pub editorial: bool,
    /// Содержание изменения, one line per change.
    pub content: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::super::diff::diff;
    use super::super::document::tests::{clause, sample};
    use super::super::document::{Move, SectionKind};
    use super::*;

    #[test]
    fn legal_phrasing_of_each_change() {
        let old = sample();
        let mut new = sample();
        new.set_text("c", "Ведёт кадровый учёт.").ok();
        new.remove_clause("b1").ok();
        new.add_clause("s2", None, clause("x", "Участвует в инвентаризации."))
            .ok();
        let lines = summarize(&old, &new, &diff(&old, &new));
        assert_eq!(
            lines,
            [
                "пункт 1.2.1 исключить",
                "пункт 2.1 изложить в новой редакции: «Ведёт кадровый учёт.»",
                "дополнить пунктом 2.4 следующего содержания: «Участвует в инвентаризации.»",
            ]
        );
        assert!(is_substantive(&diff(&old, &new)), "duties changed");
    }

    #[test]
    fn a_bulgarian_document_is_changed_in_bulgarian() {
        let mut old = sample();
        old.language = DocLanguage::Bg;
        let mut new = old.clone();
        new.set_text("c", "Води кадровия отчет.").ok();
        new.remove_clause("b1").ok();
        new.add_clause("s2", None, clause("x", "Участва в инвентаризацията."))
            .ok();
        assert_eq!(
            summarize(&old, &new, &diff(&old, &new)),
            [
                "т. 1.2.1 се отменя",
                "т. 2.1 се изменя така: „Води кадровия отчет.“",
                "създава се т. 2.4 със следното съдържание: „Участва в инвентаризацията.“",
            ]
        );
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(
            order_basis(DocLanguage::Bg, "15", date),
            "Заповед №\u{a0}15 от 01.12.2026\u{a0}г."
        );
        assert_eq!(
            order_basis(DocLanguage::Ru, "15-к", date),
            "Приказ от 01.12.2026 №\u{a0}15-к"
        );
    }

    #[test]
    fn a_mostly_changed_section_is_restated_and_moves_renumber() {
        let old = sample();
        let mut new = sample();
        new.add_clause("s2", None, clause("f", "Пятый пункт.")).ok();
        new.set_text("c", "Новый первый.").ok();
        new.set_text("d", "Новый второй.").ok();
        new.set_text("e", "Новый третий.").ok();
        let lines = summarize(&old, &new, &diff(&old, &new));
        assert_eq!(lines, ["раздел 2 «Должностные обязанности» изложить в новой редакции"]);

        let mut moved = sample();
        moved.move_clause("a", Move::Down).ok();
        let lines = summarize(&old, &moved, &diff(&old, &moved));
        assert_eq!(
            lines,
            ["пункт 1.1 считать пунктом 1.2", "пункт 1.2 считать пунктом 1.1"]
        );
        assert!(
            !is_substantive(&diff(&old, &moved)),
            "general provisions only: editorial"
        );
    }

    #[test]
    fn clauses_after_a_removed_one_are_renumbered_in_one_line() {
        let old = sample();
        let mut new = sample();
        new.remove_clause("c").ok();
        let lines = summarize(&old, &new, &diff(&old, &new));
        assert_eq!(
            lines,
            [
                "пункт 2.1 исключить",
                "пункты 2.2–2.3 считать соответственно пунктами 2.1–2.2"
            ],
            "{lines:?}"
        );
        let mut one = sample();
        one.remove_clause("d").ok();
        assert_eq!(
            summarize(&old, &one, &diff(&old, &one)),
            ["пункт 2.2 исключить", "пункт 2.3 считать пунктом 2.2"]
        );
    }

    #[test]
    fn a_quoted_list_item_does_not_end_in_two_semicolons() {
        let old = sample();
        let mut new = sample();
        new.set_text("c", "Не использует мессенджеры;").ok();
        let lines = summarize(&old, &new, &diff(&old, &new));
        assert_eq!(
            lines,
            ["пункт 2.1 изложить в новой редакции: «Не использует мессенджеры»"]
        );
    }

    #[test]
    fn sections_added_and_renamed() {
        let old = sample();
        let mut new = sample();
        new.add_section("s9".into(), SectionKind::Rights).ok();
        new.rename_section("s1", "Общие сведения", true).ok();
        let lines = summarize(&old, &new, &diff(&old, &new));
        assert_eq!(
            lines,
            [
                "наименование раздела 1 изложить в следующей редакции: «Общие сведения»",
                "дополнить разделом 3 «Права»",
            ]
        );
    }
}
