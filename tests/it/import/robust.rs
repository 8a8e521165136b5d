//! Robustness: the parser never panics and never invents more clauses than the input
//! can hold, on random strings and on mutated seed text.

use jobdesc::import::model::CandidateClause;
use jobdesc::import::model::Paragraph;
use jobdesc::import::parse::parse;
use proptest::prelude::*;

fn count(cs: &[CandidateClause]) -> usize {
    cs.iter().map(|c| 1 + count(&c.children)).sum()
}

fn clauses(text: &str) -> usize {
    let paras: Vec<Paragraph> = text
        .split('\n')
        .enumerate()
        .map(|(i, t)| Paragraph {
            text: t.into(),
            line: i + 1,
            ..Default::default()
        })
        .collect();
    let r = parse(&paras);
    r.documents
        .iter()
        .flat_map(|d| &d.sections)
        .map(|s| count(&s.clauses))
        .sum()
}

/// Each clause comes from its own line or from a split at an embedded "N." number, and each split needs a '.'.
/// Lines end at '\n' and at the breaks normalisation turns into one (U+2028, U+2029, VT, FF).
fn bound(text: &str) -> usize {
    text.split(['\n', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}']).count() + text.matches('.').count()
}

fn seed() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/import/seed_000.txt")).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_strings(s in "\\PC{0,400}") {
        prop_assert!(clauses(&s) <= bound(&s));
    }

    #[test]
    fn structured_noise(s in "([0-9]{1,3}[.)]?[ \t]?|[IVXІХ]{1,3}\\.|[-–•·o] ?|\\[|\\]|\\{\\{|\\$|УТВЕРЖДАЮ|Общие положения|Права|[а-яА-Я]{1,8}| |\n|:|;|\u{AD}|\u{A0}){0,80}") {
        prop_assert!(clauses(&s) <= bound(&s));
    }

    #[test]
    fn mutated_seed(cut in 0usize..14000, len in 0usize..300, insert in "\\PC{0,20}") {
        let text = seed();
        let chars: Vec<char> = text.chars().collect();
        let start = cut.min(chars.len());
        let end = (start + len).min(chars.len());
        let mutated: String = chars[..start].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        prop_assert!(clauses(&mutated) <= bound(&mutated));
        let _ = jobdesc::import::import("mutated.txt", mutated.as_bytes());
        let _ = jobdesc::import::import("mutated.html", mutated.as_bytes());
    }
}

#[test]
fn empty_input_gives_no_documents() {
    assert!(parse(&[]).documents.is_empty());
}

/// Found by `random_strings`: a line separator inside a paragraph is a line break, so it may
/// carry a clause of its own; the bound counted only '\n'.
#[test]
fn a_line_separator_is_a_line_of_its_own() {
    let s = "𞄷\u{2028}Aa";
    assert!(clauses(s) <= bound(s));
}
