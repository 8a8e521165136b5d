//! The text of a job description: typed sections of nested clauses, and the
//! edits HR makes to it. Numbering is derived from position, never stored.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::language::DocLanguage;

mod edits;
pub use edits::{is_catch_all, Place};

/// Kind of a section, in the order sections appear in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    General,
    Qualification,
    Knowledge,
    Tasks,
    Duties,
    Rights,
    Responsibility,
    Safety,
    Relationships,
    Evaluation,
    Final,
}

impl SectionKind {
    /// Every kind in document order.
    pub const ALL: [SectionKind; 11] = [
        SectionKind::General,
        SectionKind::Qualification,
        SectionKind::Knowledge,
        SectionKind::Tasks,
        SectionKind::Duties,
        SectionKind::Rights,
        SectionKind::Responsibility,
        SectionKind::Safety,
        SectionKind::Relationships,
        SectionKind::Evaluation,
        SectionKind::Final,
    ];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::General => "general",
            SectionKind::Qualification => "qualification",
            SectionKind::Knowledge => "knowledge",
            SectionKind::Tasks => "tasks",
            SectionKind::Duties => "duties",
            SectionKind::Rights => "rights",
            SectionKind::Responsibility => "responsibility",
            SectionKind::Safety => "safety",
            SectionKind::Relationships => "relationships",
            SectionKind::Evaluation => "evaluation",
            SectionKind::Final => "final",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Sections every job description must have, with at least one clause.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            SectionKind::Duties | SectionKind::Rights | SectionKind::Responsibility | SectionKind::Safety
        )
    }

    /// The usual heading.
    pub fn default_heading(self) -> &'static str {
        self.default_heading_in(DocLanguage::Ru)
    }

    /// The heading a new section of this kind gets in a document in `language`.
    pub fn default_heading_in(self, language: DocLanguage) -> &'static str {
        if language == DocLanguage::Bg {
            return match self {
                SectionKind::General => "Общи положения",
                SectionKind::Qualification => "Изисквания към квалификацията",
                SectionKind::Knowledge => "Трябва да знае",
                SectionKind::Tasks => "Задачи",
                SectionKind::Duties => "Длъжностни задължения",
                SectionKind::Rights => "Права",
                SectionKind::Responsibility => "Отговорност",
                SectionKind::Safety => "Задължения по безопасност и здраве при работа",
                SectionKind::Relationships => "Взаимоотношения (връзки по длъжността)",
                SectionKind::Evaluation => "Оценка на работата",
                SectionKind::Final => "Заключителни разпоредби",
            };
        }
        match self {
            SectionKind::General => "Общие положения",
            SectionKind::Qualification => "Требования к квалификации",
            SectionKind::Knowledge => "Должен знать",
            SectionKind::Tasks => "Задачи",
            SectionKind::Duties => "Должностные обязанности",
            SectionKind::Rights => "Права",
            SectionKind::Responsibility => "Ответственность",
            SectionKind::Safety => "Обязанности в области охраны труда",
            SectionKind::Relationships => "Взаимоотношения (связи по должности)",
            SectionKind::Evaluation => "Оценка работы",
            SectionKind::Final => "Заключительные положения",
        }
    }
}

/// Where a clause came from in the clause library, and which library revision it copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LibraryLink {
    pub clause_id: String,
    pub revision: i64,
}

/// One numbered item; its children are sub-clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Clause {
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<LibraryLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub children: Vec<Clause>,
}

/// A typed part of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    pub id: String,
    pub kind: SectionKind,
    pub heading: String,
    /// False for an unnumbered list ("– …").
    pub numbered: bool,
    pub clauses: Vec<Clause>,
}

/// The whole text of a version or a template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Content {
    /// The language it is written and printed in; Russian, left unsaid, by default.
    #[serde(default, skip_serializing_if = "DocLanguage::is_default")]
    pub language: DocLanguage,
    pub sections: Vec<Section>,
}

/// Deepest nesting: clause N.M, sub-clause N.M.K.
pub const MAX_DEPTH: usize = 2;
/// Longest clause text accepted, in characters.
pub const MAX_CLAUSE_CHARS: usize = 5000;

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no such clause")]
    UnknownClause,
    #[error("no such section")]
    UnknownSection,
    #[error("the clause is already first")]
    AtStart,
    #[error("the clause is already last")]
    AtEnd,
    #[error("a clause can only be indented under a clause before it")]
    NoParent,
    #[error("the clause is already at the top level")]
    TopLevel,
    #[error("sub-clauses may nest at most {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the section is already in the document")]
    SectionExists,
    #[error("a required section cannot be removed")]
    SectionRequired,
    #[error("the clause is already in the text")]
    ClauseExists,
}

impl EditError {
    /// Stable code for translations and API bodies.
    pub fn code(&self) -> &'static str {
        match self {
            EditError::UnknownClause => "unknown_clause",
            EditError::UnknownSection => "unknown_section",
            EditError::AtStart => "move_at_start",
            EditError::AtEnd => "move_at_end",
            EditError::NoParent => "indent_no_parent",
            EditError::TopLevel => "outdent_top_level",
            EditError::TooDeep => "too_deep",
            EditError::SectionExists => "section_exists",
            EditError::SectionRequired => "section_required",
            EditError::ClauseExists => "clause_exists",
        }
    }
}

/// A move of one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Up,
    Down,
    Indent,
    Outdent,
}

impl Move {
    /// Parses a form value.
    pub fn parse(s: &str) -> Option<Move> {
        match s {
            "up" => Some(Move::Up),
            "down" => Some(Move::Down),
            "indent" => Some(Move::Indent),
            "outdent" => Some(Move::Outdent),
            _ => None,
        }
    }
}

/// A clause as read: its number, depth and section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<'a> {
    pub clause: &'a Clause,
    pub section: &'a Section,
    /// "2.1.3", or "" in an unnumbered section.
    pub number: String,
    /// 1 for a clause, 2 for a sub-clause.
    pub depth: usize,
}

fn walk<'a>(section: &'a Section, prefix: &str, depth: usize, clauses: &'a [Clause], out: &mut Vec<Located<'a>>) {
    for (i, c) in clauses.iter().enumerate() {
        let number = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}.{}", i + 1)
        };
        out.push(Located {
            clause: c,
            section,
            number: number.clone(),
            depth,
        });
        walk(section, &number, depth + 1, &c.children, out);
    }
}

impl Content {
    /// Every clause in reading order, with its computed number.
    pub fn clauses(&self) -> Vec<Located<'_>> {
        let mut out = Vec::new();
        let mut n = 0;
        for s in &self.sections {
            let prefix = if s.numbered {
                n += 1;
                n.to_string()
            } else {
                String::new()
            };
            walk(s, &prefix, 1, &s.clauses, &mut out);
        }
        out
    }

    /// Section numbers by section id (numbered sections only).
    pub fn section_numbers(&self) -> HashMap<String, usize> {
        self.sections
            .iter()
            .filter(|s| s.numbered)
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i + 1))
            .collect()
    }

    /// One clause with its number.
    pub fn find(&self, id: &str) -> Option<Located<'_>> {
        self.clauses().into_iter().find(|l| l.clause.id == id)
    }

    /// A copy with fresh section and clause ids (a new document from a template or another document).
    pub fn with_new_ids(&self, mut new_id: impl FnMut() -> String) -> Content {
        fn renew(c: &Clause, new_id: &mut dyn FnMut() -> String) -> Clause {
            Clause {
                id: new_id(),
                text: c.text.clone(),
                library: c.library.clone(),
                children: c.children.iter().map(|ch| renew(ch, new_id)).collect(),
            }
        }
        Content {
            language: self.language,
            sections: self
                .sections
                .iter()
                .map(|s| Section {
                    id: new_id(),
                    kind: s.kind,
                    heading: s.heading.clone(),
                    numbered: s.numbered,
                    clauses: s.clauses.iter().map(|c| renew(c, &mut new_id)).collect(),
                })
                .collect(),
        }
    }

    /// Number of clauses, sub-clauses included.
    pub fn clause_count(&self) -> usize {
        self.clauses().len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn clause(id: &str, text: &str) -> Clause {
        Clause {
            id: id.into(),
            text: text.into(),
            library: None,
            children: Vec::new(),
        }
    }

    /// general: a, b(b1); duties: c, d, e.
    pub(crate) fn sample() -> Content {
        let mut b = clause("b", "Назначается приказом.");
        b.children.push(clause("b1", "Освобождается приказом."));
        Content {
            language: DocLanguage::Ru,
            sections: vec![
                Section {
                    id: "s1".into(),
                    kind: SectionKind::General,
                    heading: "Общие положения".into(),
                    numbered: true,
                    clauses: vec![clause("a", "Относится к специалистам."), b],
                },
                Section {
                    id: "s2".into(),
                    kind: SectionKind::Duties,
                    heading: "Должностные обязанности".into(),
                    numbered: true,
                    clauses: vec![
                        clause("c", "Ведёт учёт."),
                        clause("d", "Готовит отчёты."),
                        clause("e", "Консультирует."),
                    ],
                },
            ],
        }
    }

    fn numbers(c: &Content) -> Vec<(String, String)> {
        c.clauses()
            .iter()
            .map(|l| (l.clause.id.clone(), l.number.clone()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn a_new_section_is_headed_in_the_document_s_language() {
        let mut c = sample();
        c.language = DocLanguage::Bg;
        c.add_section("n".into(), SectionKind::Evaluation).expect("added");
        let added = c.sections.iter().find(|s| s.id == "n").expect("the section");
        assert_eq!(added.heading, "Оценка на работата");
    }

    #[test]
    fn a_new_clause_goes_before_the_closing_catch_all() {
        let mut c = sample();
        c.add_clause(
            "s2",
            None,
            clause("z", "Выполняет иные обязанности по поручению руководителя."),
        )
        .ok();
        c.add_clause("s2", None, clause("n", "Участвует в инвентаризации."))
            .ok();
        let ids: Vec<String> = c.sections[1].clauses.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, ["c", "d", "e", "n", "z"], "the catch-all stays last");
        for text in [
            "Выполняет иные обязанности, предусмотренные трудовым договором.",
            "Исполняет другие поручения руководителя;",
            "Выполняет также иные функции",
            "Несёт ответственность за иные нарушения, установленные законом.",
        ] {
            assert!(is_catch_all(text), "{text}");
        }
        for text in ["Ведёт учёт иных материалов на складе.", "Готовит обязанности", "Иные"]
        {
            assert!(!is_catch_all(text), "{text}");
        }
    }

    #[test]
    fn numbering_is_computed_from_position() {
        assert_eq!(
            numbers(&sample()),
            pairs(&[
                ("a", "1.1"),
                ("b", "1.2"),
                ("b1", "1.2.1"),
                ("c", "2.1"),
                ("d", "2.2"),
                ("e", "2.3")
            ])
        );
    }

    #[test]
    fn unnumbered_sections_do_not_count() {
        let mut c = sample();
        c.sections[0].numbered = false;
        assert_eq!(numbers(&c)[0].1, "");
        assert_eq!(c.find("c").map(|l| l.number), Some("1.1".into()));
    }

    #[test]
    fn moves_renumber() {
        let mut c = sample();
        c.move_clause("e", Move::Up).expect("up");
        assert_eq!(c.find("e").map(|l| l.number), Some("2.2".into()));
        assert_eq!(c.find("d").map(|l| l.number), Some("2.3".into()));
        assert_eq!(c.move_clause("c", Move::Up), Err(EditError::AtStart));
        assert_eq!(c.move_clause("d", Move::Down), Err(EditError::AtEnd));
        assert_eq!(c.move_clause("zz", Move::Down), Err(EditError::UnknownClause));
    }

    #[test]
    fn indent_and_outdent() {
        let mut c = sample();
        assert_eq!(c.move_clause("c", Move::Indent), Err(EditError::NoParent));
        c.move_clause("d", Move::Indent).expect("indent");
        assert_eq!(c.find("d").map(|l| l.number), Some("2.1.1".into()));
        assert_eq!(c.find("e").map(|l| l.number), Some("2.2".into()));
        // d is at the deepest level; indenting b1 under nothing fails, and b (with a child) under a is too deep.
        assert_eq!(c.move_clause("b", Move::Indent), Err(EditError::TooDeep));
        c.move_clause("d", Move::Outdent).expect("outdent");
        assert_eq!(numbers(&c), numbers(&sample()));
        assert_eq!(c.move_clause("d", Move::Outdent), Err(EditError::TopLevel));
    }

    #[test]
    fn outdent_places_the_clause_after_its_parent() {
        let mut c = sample();
        c.move_clause("b1", Move::Outdent).expect("outdent");
        assert_eq!(
            numbers(&c)[..3].to_vec(),
            pairs(&[("a", "1.1"), ("b", "1.2"), ("b1", "1.3")])
        );
    }

    #[test]
    fn add_edit_remove() {
        let mut c = sample();
        c.add_clause("s2", None, clause("f", "Новый пункт.")).expect("add");
        assert_eq!(c.find("f").map(|l| l.number), Some("2.4".into()));
        c.add_clause("s2", Some("f"), clause("f1", "Подпункт."))
            .expect("add child");
        assert_eq!(c.find("f1").map(|l| l.number), Some("2.4.1".into()));
        assert_eq!(
            c.add_clause("s2", Some("f1"), clause("f2", "x")),
            Err(EditError::TooDeep)
        );
        assert_eq!(c.set_text("f", "Изменённый пункт."), Ok("Новый пункт.".into()));
        let removed = c.remove_clause("f").expect("remove");
        assert_eq!(removed.children.len(), 1, "sub-clauses go with their clause");
        assert!(c.find("f1").is_none());
        assert_eq!(
            c.add_clause("nope", None, clause("g", "x")),
            Err(EditError::UnknownSection)
        );
    }

    #[test]
    fn sections_keep_their_order_and_required_ones_stay() {
        let mut c = sample();
        c.add_section("s3".into(), SectionKind::Knowledge).expect("add");
        let kinds: Vec<_> = c.sections.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [SectionKind::General, SectionKind::Knowledge, SectionKind::Duties]
        );
        assert_eq!(c.find("c").map(|l| l.number), Some("3.1".into()));
        assert_eq!(
            c.add_section("s4".into(), SectionKind::Knowledge),
            Err(EditError::SectionExists)
        );
        assert_eq!(c.remove_section("s2").map(|_| ()), Err(EditError::SectionRequired));
        c.remove_section("s3").expect("optional section removed");
        assert_eq!(
            c.rename_section("s1", "I. Общие положения", true),
            Ok("Общие положения".into())
        );
    }

    #[test]
    fn fresh_ids_keep_the_text() {
        let c = sample();
        let mut n = 0;
        let copy = c.with_new_ids(|| {
            n += 1;
            format!("n{n}")
        });
        assert_eq!(copy.clause_count(), c.clause_count());
        assert!(copy.clauses().iter().all(|l| l.clause.id.starts_with('n')));
        let texts = |c: &Content| c.clauses().iter().map(|l| l.clause.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&copy), texts(&c));
    }

    #[test]
    fn a_removed_clause_goes_back_where_it_stood() {
        let original = sample();
        let mut c = original.clone();
        let place = c.place_of("b").expect("b is in the text");
        assert_eq!(
            (place.section_id.as_str(), place.parent_id.as_deref(), place.index),
            ("s1", None, 1)
        );
        let removed = c.remove_clause("b").expect("b removed");
        c.restore_clause(&place, removed.clone()).expect("restored");
        assert_eq!(c, original, "numbering and sub-clauses as before");
        assert_eq!(c.restore_clause(&place, removed), Err(EditError::ClauseExists));

        let place = c.place_of("b1").expect("b1 is in the text");
        assert_eq!(place.parent_id.as_deref(), Some("b"));
        let removed = c.remove_clause("b1").expect("b1 removed");
        c.remove_clause("b").expect("parent removed too");
        assert_eq!(c.restore_clause(&place, removed), Err(EditError::UnknownClause));

        // Siblings removed since: the clause goes last rather than nowhere.
        let mut c = sample();
        let place = c.place_of("e").expect("e");
        let e = c.remove_clause("e").expect("e removed");
        c.remove_clause("d").expect("d removed");
        c.restore_clause(&place, e).expect("restored");
        let ids: Vec<_> = c.clauses().iter().map(|l| l.clause.id.clone()).collect();
        assert_eq!(ids.last().map(String::as_str), Some("e"));
    }

    #[test]
    fn a_clause_goes_in_where_the_author_is() {
        let mut c = sample();
        c.insert_after("c", clause("n", "Новый пункт.")).expect("after c");
        c.insert_after("b1", clause("m", "Новый подпункт.")).expect("after b1");
        let numbers: Vec<_> = c
            .clauses()
            .iter()
            .map(|l| (l.clause.id.clone(), l.number.clone()))
            .collect();
        let at = |id: &str| {
            numbers
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        assert_eq!((at("c"), at("n"), at("d")), ("2.1".into(), "2.2".into(), "2.3".into()));
        assert_eq!((at("b1"), at("m")), ("1.2.1".into(), "1.2.2".into()));
        assert_eq!(c.insert_after("x", clause("o", "?")), Err(EditError::UnknownClause));
    }
}
