//! A reviewed candidate becomes the text of a draft: one section per kind in the
//! usual order, clauses nested at most two deep, library clauses linked where
//! the text is the same.

use crate::domain::document::{self, Clause, Content, LibraryLink, Section, MAX_DEPTH};
use crate::domain::language::DocLanguage;

use super::model::{CandidateClause, CandidateDocument, SectionKind as Found};

/// The document model's kind for a found one; `None` for `other`.
pub fn kind(found: Found) -> Option<document::SectionKind> {
    use document::SectionKind as K;
    Some(match found {
        Found::General => K::General,
        Found::Qualification => K::Qualification,
        Found::Knowledge => K::Knowledge,
        Found::Tasks => K::Tasks,
        Found::Duties => K::Duties,
        Found::Rights => K::Rights,
        Found::Responsibility => K::Responsibility,
        Found::Safety => K::Safety,
        Found::Relationships => K::Relationships,
        Found::Evaluation => K::Evaluation,
        Found::Final => K::Final,
        Found::Other => return None,
    })
}

/// Text compared with the library: case, punctuation at the end and runs of spaces do not count.
pub fn normalised(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    words.join(" ").trim_end_matches(['.', ';', ',', ':']).replace('ё', "е")
}

/// How alike two texts are, 0.0..=1.0: shared words over all words (case and punctuation aside).
pub fn likeness(a: &str, b: &str) -> f32 {
    let words = |t: &str| -> std::collections::HashSet<String> {
        normalised(t)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 2)
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let all = a.union(&b).count();
    if all == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f32 / all as f32
}

/// Where to look up library clauses: normalised text -> link.
pub trait Library {
    fn find(&self, normalised: &str) -> Option<LibraryLink>;
}

impl Library for std::collections::HashMap<String, LibraryLink> {
    fn find(&self, normalised: &str) -> Option<LibraryLink> {
        self.get(normalised).cloned()
    }
}

/// Every heading and clause of a document, to tell its language by.
fn words_of(doc: &CandidateDocument) -> String {
    fn add(c: &crate::import::model::CandidateClause, out: &mut String) {
        out.push_str(&c.text);
        out.push('\n');
        c.children.iter().for_each(|ch| add(ch, out));
    }
    let mut out = doc.title.clone().unwrap_or_default();
    for s in &doc.sections {
        out.push_str(&s.heading);
        out.push('\n');
        s.clauses.iter().for_each(|c| add(c, &mut out));
    }
    out
}

/// The draft's text. Sections of one kind are joined; an `other` section goes into
/// the final provisions as a clause with its heading, its clauses below it;
/// required sections that were not found are added empty, so the checks name them.
pub fn content(doc: &CandidateDocument, library: &dyn Library, mut new_id: impl FnMut() -> String) -> Content {
    let mut out = Content {
        language: DocLanguage::detect(&words_of(doc)),
        ..Content::default()
    };
    let section = |out: &mut Content, k: document::SectionKind, heading: &str, new_id: &mut dyn FnMut() -> String| {
        if let Some(i) = out.sections.iter().position(|s| s.kind == k) {
            return i;
        }
        let at = out
            .sections
            .iter()
            .position(|s| s.kind > k)
            .unwrap_or(out.sections.len());
        let heading = match bare_heading(heading) {
            "" => k.default_heading_in(out.language),
            h => h,
        };
        out.sections.insert(
            at,
            Section {
                id: new_id(),
                kind: k,
                heading: heading_case(heading),
                numbered: true,
                clauses: Vec::new(),
            },
        );
        at
    };
    for s in &doc.sections {
        match kind(s.kind) {
            Some(k) => {
                let i = section(&mut out, k, &s.heading, &mut new_id);
                let clauses = s.clauses.iter().map(|c| clause(c, 1, library, &mut new_id));
                out.sections[i].clauses.extend(clauses);
            }
            None => {
                let i = section(&mut out, document::SectionKind::Final, "", &mut new_id);
                let mut group = Clause {
                    id: new_id(),
                    text: format!("{}:", heading_case(bare_heading(&s.heading).trim_end_matches(':'))),
                    library: None,
                    children: Vec::new(),
                };
                for c in &s.clauses {
                    let c = clause(c, 2, library, &mut new_id);
                    group.children.push(c);
                }
                out.sections[i].clauses.push(group);
            }
        }
    }
    for k in document::SectionKind::ALL.into_iter().filter(|k| k.is_required()) {
        section(&mut out, k, "", &mut new_id);
    }
    out
}

/// One clause at `depth` (1 = clause, 2 = sub-clause); deeper levels are lifted to the last one.
fn clause(c: &CandidateClause, depth: usize, library: &dyn Library, new_id: &mut dyn FnMut() -> String) -> Clause {
    let text = c.text.trim().to_string();
    let mut children = Vec::new();
    if depth < MAX_DEPTH {
        for ch in &c.children {
            children.push(clause(ch, depth + 1, library, new_id));
        }
    } else {
        flatten(&c.children, &mut |ch| children.push(leaf(ch, library, new_id)));
        // A clause at the deepest level has no children: its descendants follow it.
        return with_followers(leaf(c, library, new_id), children);
    }
    Clause {
        id: new_id(),
        library: library.find(&normalised(&text)),
        text,
        children,
    }
}

fn leaf(c: &CandidateClause, library: &dyn Library, new_id: &mut dyn FnMut() -> String) -> Clause {
    let text = c.text.trim().to_string();
    Clause {
        id: new_id(),
        library: library.find(&normalised(&text)),
        text,
        children: Vec::new(),
    }
}

/// Joins deeper items into the text of the deepest allowed clause, one per line.
fn with_followers(mut c: Clause, followers: Vec<Clause>) -> Clause {
    for f in followers {
        c.text.push('\n');
        c.text.push_str(&f.text);
        c.library = None;
    }
    c
}

fn flatten(clauses: &[CandidateClause], f: &mut dyn FnMut(&CandidateClause)) {
    for c in clauses {
        f(c);
        flatten(&c.children, f);
    }
}

/// A heading without its printed number: "1. Общие положения", "IV ПРАВА" -> the words
/// (the draft numbers sections itself).
pub fn bare_heading(h: &str) -> &str {
    let h = h.trim();
    let Some((first, rest)) = h.split_once(char::is_whitespace) else {
        return h;
    };
    let token = first.trim_end_matches(['.', ')']);
    let numeral = !token.is_empty()
        && (token.chars().all(|c| c.is_ascii_digit() || c == '.')
            || token.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'І' | 'Х')));
    if numeral && !rest.trim().is_empty() {
        rest.trim()
    } else {
        h
    }
}

/// "ОБЩИЕ ПОЛОЖЕНИЯ" -> "Общие положения"; headings in mixed case stay as they are.
fn heading_case(h: &str) -> String {
    if h.chars().any(char::is_lowercase) {
        return h.to_string();
    }
    let lower = h.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::{CandidateSection, SectionKind as Found};
    use std::collections::HashMap;

    fn c(number: &str, text: &str, children: Vec<CandidateClause>) -> CandidateClause {
        CandidateClause {
            number: Some(number.into()),
            text: text.into(),
            line: 1,
            children,
        }
    }

    fn s(kind: Found, heading: &str, clauses: Vec<CandidateClause>) -> CandidateSection {
        CandidateSection {
            kind,
            heading: heading.into(),
            confidence: 1.0,
            line: 1,
            clauses,
        }
    }

    fn doc(sections: Vec<CandidateSection>) -> CandidateDocument {
        CandidateDocument {
            title: None,
            position_title: None,
            position_title_genitive: None,
            organization: None,
            approval: None,
            sections,
            warnings: Vec::new(),
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("id{n}")
        }
    }

    #[test]
    fn sections_come_in_order_joined_by_kind_with_required_ones_added() {
        let d = doc(vec![
            s(Found::Rights, "ПРАВА", vec![c("3.1", "Запрашивать сведения.", vec![])]),
            s(
                Found::General,
                "Общие положения",
                vec![c("1.1", "Назначается приказом.", vec![])],
            ),
            s(
                Found::Rights,
                "Права (продолжение)",
                vec![c("3.2", "Вносить предложения.", vec![])],
            ),
        ]);
        let content = content(&d, &HashMap::new(), ids());
        let kinds: Vec<_> = content.sections.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, ["general", "duties", "rights", "responsibility", "safety"]);
        assert_eq!(content.sections[2].heading, "Права");
        assert_eq!(content.sections[2].clauses.len(), 2);
        assert!(
            content.sections[1].clauses.is_empty(),
            "a missing required section is added empty"
        );
    }

    #[test]
    fn deep_clauses_are_lifted_and_other_sections_go_to_the_final_provisions() {
        let d = doc(vec![
            s(
                Found::General,
                "Общие положения",
                vec![c(
                    "1.4",
                    "Руководствуется:",
                    vec![c("1.4.1", "Уставом;", vec![c("a", "глубже", vec![])])],
                )],
            ),
            s(
                Found::Other,
                "Условия работы",
                vec![c("7.1", "Режим работы определяется правилами.", vec![])],
            ),
        ]);
        let content = content(&d, &HashMap::new(), ids());
        let general = &content.sections[0];
        assert_eq!(general.clauses[0].children[0].text, "Уставом;\nглубже");
        let last = content.sections.last().expect("final");
        assert_eq!(last.kind.as_str(), "final");
        assert_eq!(last.clauses[0].text, "Условия работы:");
        assert_eq!(last.clauses[0].children[0].text, "Режим работы определяется правилами.");
    }

    #[test]
    fn likeness_counts_shared_words() {
        let a = "Соблюдает правила охраны труда и пожарной безопасности.";
        assert_eq!(likeness(a, a), 1.0);
        assert!(likeness(a, "Соблюдать правила охраны труда и пожарной безопасности") > 0.6);
        assert!(likeness(a, "Ведёт переговоры с клиентами.") < 0.1);
        assert_eq!(likeness("", ""), 0.0);
    }

    #[test]
    fn printed_numbers_leave_the_headings() {
        assert_eq!(bare_heading("1. Общие положения"), "Общие положения");
        assert_eq!(bare_heading("IV ПРАВА"), "ПРАВА");
        assert_eq!(bare_heading("ІІ. Задължения"), "Задължения");
        assert_eq!(bare_heading("Права"), "Права");
        assert_eq!(bare_heading("1.2."), "1.2.");
        let d = doc(vec![s(
            Found::Duties,
            "2. ДОЛЖНОСТНЫЕ ОБЯЗАННОСТИ",
            vec![c("2.1", "Ведёт учёт.", vec![])],
        )]);
        let content = content(&d, &HashMap::new(), ids());
        assert_eq!(content.sections[0].heading, "Должностные обязанности");
    }

    #[test]
    fn the_same_text_as_a_library_clause_is_linked() {
        let link = LibraryLink {
            clause_id: "lib1".into(),
            revision: 3,
        };
        let library: HashMap<String, LibraryLink> = [(normalised("Соблюдает правила охраны труда."), link.clone())]
            .into_iter()
            .collect();
        let d = doc(vec![s(
            Found::Safety,
            "Охрана труда",
            vec![c("5.1", "соблюдает  правила охраны труда", vec![])],
        )]);
        let content = content(&d, &library, ids());
        let safety = content
            .sections
            .iter()
            .find(|s| s.kind.as_str() == "safety")
            .expect("safety");
        assert_eq!(safety.clauses[0].library, Some(link));
    }
}
