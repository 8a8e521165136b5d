//! A text as it will print: section titles numbered, placeholders resolved.

use serde::Serialize;

use super::document::Content;
use super::placeholders::Values;

/// A clause as it will print.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PreviewClause {
    pub number: String,
    pub depth: usize,
    pub text: String,
    /// Some placeholder in it has no value yet.
    pub unresolved: bool,
}

/// A section as it will print.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PreviewSection {
    pub title: String,
    pub numbered: bool,
    pub clauses: Vec<PreviewClause>,
}

/// The resolved text as it will print, section by section.
pub fn preview_sections(content: &Content, values: &Values) -> Vec<PreviewSection> {
    let numbers = content.section_numbers();
    let located = content.clauses();
    content
        .sections
        .iter()
        .map(|s| {
            let title = match numbers.get(&s.id) {
                Some(n) => format!("{n}. {}", s.heading),
                None => s.heading.clone(),
            };
            let clauses = located
                .iter()
                .filter(|l| l.section.id == s.id)
                .map(|l| {
                    let (text, missing) = values.resolve(&l.clause.text);
                    PreviewClause {
                        number: l.number.clone(),
                        depth: l.depth,
                        text,
                        unresolved: !missing.is_empty(),
                    }
                })
                .collect();
            PreviewSection {
                title,
                numbered: s.numbered,
                clauses,
            }
        })
        .collect()
}
