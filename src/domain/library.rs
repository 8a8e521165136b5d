//! The clause library: reusable clauses, and finding them by words in any grammatical form.

use serde::{Deserialize, Serialize};

use super::document::{Content, SectionKind, MAX_CLAUSE_CHARS};
use super::placeholders;
use super::structure::Category;
use super::validation::FieldErrors;

/// Where a library clause comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Written by the organisation.
    Custom,
    /// Единый квалификационный справочник.
    Eks,
    /// A professional standard.
    Profstandard,
    /// Taken from an imported document.
    Imported,
}

impl Source {
    /// Every source in display order.
    pub const ALL: [Source; 4] = [Source::Custom, Source::Eks, Source::Profstandard, Source::Imported];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Custom => "custom",
            Source::Eks => "eks",
            Source::Profstandard => "profstandard",
            Source::Imported => "imported",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A reusable clause. `revision` grows with every edit, so documents can tell they are behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LibraryClause {
    pub id: String,
    pub section: SectionKind,
    /// Empty: suitable for every category.
    pub categories: Vec<Category>,
    pub source: Source,
    pub text: String,
    pub revision: i64,
}

/// What a client sends to create or change a library clause.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LibraryInput {
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub text: String,
}

/// A checked library input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLibrary {
    pub section: SectionKind,
    pub categories: Vec<Category>,
    pub source: Source,
    pub text: String,
}

/// Checks a clause text: not empty, not too long, only known placeholders.
pub fn check_clause_text(field: &str, text: &str, e: &mut FieldErrors) {
    e.text(field, text, MAX_CLAUSE_CHARS);
    let unknown = placeholders::unknown(text);
    if !unknown.is_empty() {
        let which: Vec<String> = unknown.iter().map(|n| format!("{{{n}}}")).collect();
        e.0.extend(
            FieldErrors::single(field, "unknown_placeholder")
                .with_detail(which.join(", "))
                .0,
        );
    }
}

impl LibraryInput {
    /// Checks every field.
    pub fn clean(&self) -> Result<ValidLibrary, FieldErrors> {
        let mut e = FieldErrors::default();
        let section = SectionKind::parse(self.section.trim());
        if section.is_none() {
            e.add("section", "unknown_section_kind");
        }
        let source = Source::parse(self.source.trim());
        if source.is_none() {
            e.add("source", "unknown_source");
        }
        let mut categories = Vec::new();
        for c in &self.categories {
            match Category::parse(c.trim()) {
                Some(c) if !categories.contains(&c) => categories.push(c),
                Some(_) => {}
                None => e.add("categories", "unknown_category"),
            }
        }
        check_clause_text("text", &self.text, &mut e);
        e.into_result()?;
        match (section, source) {
            (Some(section), Some(source)) => Ok(ValidLibrary {
                section,
                categories,
                source,
                text: self.text.trim().to_string(),
            }),
            _ => Err(FieldErrors::single("section", "unknown_section_kind")),
        }
    }
}

/// Russian inflection endings, longest first, stripped to get a crude stem.
const ENDINGS: [&str; 43] = [
    "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "иям", "иях", "ость", "ости", "ать", "ять",
    "ить", "еть", "ться", "тся", "ешь", "ует", "уют", "ает", "яет", "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие",
    "ые", "ых", "их", "ам", "ям", "ах", "ях", "ом", "ем", "ей",
];

fn normalize(word: &str) -> String {
    word.to_lowercase().replace('ё', "е")
}

/// A crude stem: the word without its ending (at least 4 letters kept) and a final vowel.
fn stem(word: &str) -> String {
    let w = normalize(word);
    let len = w.chars().count();
    for end in ENDINGS {
        if w.ends_with(end) && len - end.chars().count() >= 4 {
            return w[..w.len() - end.len()].to_string();
        }
    }
    match w.chars().last() {
        Some(c) if len > 4 && "аеиоуыэюяь".contains(c) => w[..w.len() - c.len_utf8()].to_string(),
        _ => w,
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(normalize)
        .collect()
}

/// True when every word of `query` matches the start of some word of `text`,
/// ignoring case, ё/е and Russian endings ("инструктажа" finds "инструктажи").
pub fn matches(text: &str, query: &str) -> bool {
    let text_words = words(text);
    words(query).iter().all(|q| {
        let s = stem(q);
        text_words
            .iter()
            .any(|w| w.starts_with(&s) || w.starts_with(q.as_str()))
    })
}

/// True while an edited text still follows its library formulation: at least half of
/// the formulation's words (by stem, short words aside) are still in it. A clause HR
/// rewrote completely is no longer marked as coming from the library.
pub fn still_follows(text: &str, library_text: &str) -> bool {
    let stems = |t: &str| -> std::collections::BTreeSet<String> {
        words(t)
            .iter()
            .filter(|w| w.chars().count() > 2)
            .map(|w| stem(w))
            .collect()
    };
    let (own, library) = (stems(text), stems(library_text));
    if library.is_empty() {
        return true;
    }
    let kept = library.iter().filter(|s| own.contains(*s)).count();
    kept * 2 >= library.len()
}

/// Clause ids in `content` that link to `library_id`.
pub fn linked_clauses(content: &Content, library_id: &str) -> Vec<String> {
    content
        .clauses()
        .iter()
        .filter(|l| l.clause.library.as_ref().is_some_and(|k| k.clause_id == library_id))
        .map(|l| l.clause.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_clause_no_longer_follows_its_formulation() {
        let library = "Соблюдает правила внутреннего трудового распорядка и трудовую дисциплину.";
        assert!(still_follows(library, library));
        assert!(still_follows(
            "Соблюдает правила внутреннего трудового распорядка организации.",
            library
        ));
        assert!(still_follows(
            "СОБЛЮДАЕТ ТРУДОВУЮ ДИСЦИПЛИНУ и правила распорядка.",
            library
        ));
        assert!(!still_follows("Ведёт переговоры с ключевыми клиентами.", library));
        assert!(!still_follows("Соблюдает сроки подготовки отчётов.", library));
    }

    #[test]
    fn word_forms_match() {
        let text = "Проходит вводный и первичный инструктажи по охране труда, обучение и проверку знаний.";
        for q in [
            "инструктаж",
            "ИНСТРУКТАЖА",
            "охрана труда",
            "охраной",
            "первичного инструктажа",
            "знания",
            "обучения",
        ] {
            assert!(matches(text, q), "{q}");
        }
        for q in ["медицинский", "инструктор", "охрана леса"] {
            assert!(!matches(text, q), "{q}");
        }
        assert!(matches("Ведёт учёт", "учет"));
        assert!(matches("anything", ""), "an empty query matches everything");
    }

    #[test]
    fn input_is_checked() {
        let ok = LibraryInput {
            section: "safety".into(),
            categories: vec!["worker".into(), "worker".into()],
            source: "eks".into(),
            text: " Проходит инструктажи. ".into(),
        }
        .clean()
        .expect("valid");
        assert_eq!(ok.categories, [Category::Worker]);
        assert_eq!(ok.text, "Проходит инструктажи.");
        let e = LibraryInput {
            section: "x".into(),
            categories: vec!["boss".into()],
            source: "y".into(),
            text: "{position.salary}".into(),
        }
        .clean()
        .unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "unknown_section_kind",
                "unknown_source",
                "unknown_category",
                "unknown_placeholder"
            ]
        );
        assert_eq!(e.0[3].detail.as_deref(), Some("{position.salary}"));
    }
}
