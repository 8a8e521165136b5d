//! Checks of a document's text: what blocks sending it for agreement and what deserves a look.

use std::collections::HashMap;

use serde::Serialize;

use super::document::{Content, SectionKind};
use super::placeholders::{self, Values};

/// Errors block sending for agreement; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, pointing at a clause or a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub severity: Severity,
    /// `required_section_missing`, `required_section_empty`, `empty_clause`,
    /// `unresolved_placeholder`, `unknown_placeholder`, `legacy_placeholder`,
    /// `duplicate_clause`, `contact_in_clause`, `clause_too_long`.
    pub code: &'static str,
    pub section: Option<SectionKind>,
    pub clause_id: Option<String>,
    /// The clause number as printed ("2.3"), empty for sections.
    pub number: String,
    /// The placeholder, address or earlier clause number concerned.
    pub detail: String,
}

/// A clause longer than this is flagged for a look (hard limit is `MAX_CLAUSE_CHARS`).
pub const LONG_CLAUSE_CHARS: usize = 1200;

/// Web or e-mail addresses in a text.
fn contacts(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "()<>«»\"',;".contains(c))
        .map(|w| w.trim_end_matches(['.', ':', '!', '?']))
        .filter(|w| {
            let lower = w.to_lowercase();
            let url = lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.");
            let mail = w
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.'));
            url || mail
        })
        .map(str::to_string)
        .collect()
}

/// Pictographs (emoji and the like) in `text`, each once: the document's fonts have no
/// such glyphs, so they would print as «?».
fn unprintable(text: &str) -> String {
    let mut found = String::new();
    for c in text.chars() {
        let picture = matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF);
        if picture && !found.contains(c) {
            found.push(c);
        }
    }
    found
}

fn normalized(text: &str) -> String {
    text.to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs every check. `values` is `None` for templates, whose placeholders stay open.
pub fn check(content: &Content, values: Option<&Values>) -> Vec<Finding> {
    let mut out = Vec::new();
    let find = |severity, code, section, clause_id: Option<&str>, number: &str, detail: String| Finding {
        severity,
        code,
        section,
        clause_id: clause_id.map(str::to_string),
        number: number.to_string(),
        detail,
    };
    for kind in SectionKind::ALL.into_iter().filter(|k| k.is_required()) {
        match content.sections.iter().find(|s| s.kind == kind) {
            None => out.push(find(
                Severity::Error,
                "required_section_missing",
                Some(kind),
                None,
                "",
                String::new(),
            )),
            Some(s)
                if s.clauses
                    .iter()
                    .all(|c| c.text.trim().is_empty() && c.children.is_empty()) =>
            {
                out.push(find(
                    Severity::Error,
                    "required_section_empty",
                    Some(kind),
                    None,
                    "",
                    s.heading.clone(),
                ))
            }
            Some(_) => {}
        }
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    for l in content.clauses() {
        let (id, number, text, kind) = (
            l.clause.id.as_str(),
            l.number.as_str(),
            l.clause.text.as_str(),
            Some(l.section.kind),
        );
        if text.trim().is_empty() {
            out.push(find(
                Severity::Error,
                "empty_clause",
                kind,
                Some(id),
                number,
                String::new(),
            ));
            continue;
        }
        for name in placeholders::unknown(text) {
            out.push(find(
                Severity::Error,
                "unknown_placeholder",
                kind,
                Some(id),
                number,
                format!("{{{name}}}"),
            ));
        }
        if let Some(v) = values {
            for name in v.resolve(text).1.into_iter().filter(|n| placeholders::is_known(n)) {
                out.push(find(
                    Severity::Error,
                    "unresolved_placeholder",
                    kind,
                    Some(id),
                    number,
                    format!("{{{name}}}"),
                ));
            }
        }
        for legacy in placeholders::legacy(text) {
            out.push(find(
                Severity::Error,
                "legacy_placeholder",
                kind,
                Some(id),
                number,
                legacy,
            ));
        }
        for c in contacts(text) {
            out.push(find(Severity::Warning, "contact_in_clause", kind, Some(id), number, c));
        }
        let pictures = unprintable(text);
        if !pictures.is_empty() {
            out.push(find(Severity::Warning, "unprintable", kind, Some(id), number, pictures));
        }
        if text.chars().count() > LONG_CLAUSE_CHARS {
            out.push(find(
                Severity::Warning,
                "clause_too_long",
                kind,
                Some(id),
                number,
                text.chars().count().to_string(),
            ));
        }
        let key = normalized(text);
        match seen.get(&key) {
            Some(first) => out.push(find(
                Severity::Warning,
                "duplicate_clause",
                kind,
                Some(id),
                number,
                first.clone(),
            )),
            None => {
                seen.insert(key, number.to_string());
            }
        }
    }
    out
}

/// True when any finding blocks sending for agreement.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::super::document::tests::{clause, sample};
    use super::super::document::{Section, SectionKind};
    use super::*;

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code).collect()
    }

    fn complete() -> Content {
        let mut c = sample();
        for (i, kind) in [SectionKind::Rights, SectionKind::Responsibility, SectionKind::Safety]
            .into_iter()
            .enumerate()
        {
            c.sections.push(Section {
                id: format!("k{i}"),
                kind,
                heading: kind.default_heading().into(),
                numbered: true,
                clauses: vec![clause(&format!("k{i}c"), &format!("Пункт раздела {}.", kind.as_str()))],
            });
        }
        c
    }

    #[test]
    fn pictographs_are_warned_about_once_each() {
        let mut c = complete();
        c.set_text(
            "c",
            "Отвечает на звонки 📞 и письма ✉️, снова 📞; «кавычки» — тире № 5.",
        )
        .ok();
        let f = check(&c, None);
        assert_eq!(codes(&f), ["unprintable"]);
        assert_eq!(f[0].detail, "📞✉");
        assert_eq!(f[0].severity, Severity::Warning, "a warning: it can still be sent");
    }

    #[test]
    fn required_sections() {
        let f = check(&sample(), None);
        assert_eq!(codes(&f), ["required_section_missing"; 3]);
        assert!(check(&complete(), None).is_empty());
        let mut c = complete();
        c.sections[2].clauses.clear();
        assert_eq!(codes(&check(&c, None)), ["required_section_empty"]);
    }

    #[test]
    fn placeholders_empty_duplicates_contacts() {
        let mut c = complete();
        c.set_text("a", "Подчиняется: {position.reports_to}.").ok();
        c.set_text(
            "c",
            "Ведёт учёт. Пишет на info@example.ru и смотрит https://example.ru.",
        )
        .ok();
        c.set_text("d", "  ").ok();
        c.set_text("e", "ведёт   УЧЁТ").ok();
        c.set_text("b1", "Получает {position.salary} и [значение].").ok();
        let mut values = Values::default();
        values.set("position.title", "кладовщик");
        let f = check(&c, Some(&values));
        assert_eq!(
            codes(&f),
            [
                "unresolved_placeholder",
                "unknown_placeholder",
                "legacy_placeholder",
                "contact_in_clause",
                "contact_in_clause",
                "empty_clause",
            ]
        );
        let e = f.iter().find(|f| f.code == "empty_clause").map(|f| f.number.clone());
        assert_eq!(e.as_deref(), Some("2.2"));
        assert!(has_errors(&f));
        // Without values (a template) open placeholders are fine.
        assert!(!codes(&check(&c, None)).contains(&"unresolved_placeholder"));
    }

    #[test]
    fn duplicate_points_at_the_first() {
        let mut c = complete();
        c.set_text("e", "ВЕДЁТ учёт!").ok();
        let f = check(&c, None);
        assert_eq!(codes(&f), ["duplicate_clause"]);
        assert_eq!(f[0].detail, "2.1");
        assert!(!has_errors(&f));
    }
}
