//! The import model shared by readers and the parser (plain Rust, no I/O).
//! This file is the contract between the readers (txt/html/docx/odt) and the parser.
//! It will live at src/import/model.rs in the jobdesc crate.

use serde::{Deserialize, Serialize};

/// One paragraph as a reader saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The text, without the list number a reader computed (that is in `list_number`).
    /// May contain '\n' where the source had line breaks inside one paragraph.
    pub text: String,
    /// 1-based line (txt/md/html) or paragraph index (docx/odt) in the source, for reference.
    pub line: usize,
    /// List level (0 = top) where the reader knows the paragraph is a list item.
    pub list_level: Option<u8>,
    /// The number the source would print for this list item (e.g. "3.1." or "•"),
    /// computed by the reader from automatic numbering; None for typed numbers.
    pub list_number: Option<String>,
    /// Heading level (1 = top) from a heading style or <h1>..<h6>.
    pub heading_level: Option<u8>,
    /// The whole paragraph is bold.
    pub bold: bool,
}

/// A section kind: the code names of DESIGN.md section 3, plus `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    Other,
}

/// The approval stamp as printed (УТВЕРЖДАЮ / ОДОБРЯВАМ).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub position: Option<String>,
    pub name: Option<String>,
    pub date: Option<String>,
}

/// A clause as found: its number as printed (if any) and its sub-clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateClause {
    pub number: Option<String>,
    pub text: String,
    /// Source line of the clause's first line.
    pub line: usize,
    pub children: Vec<CandidateClause>,
}

/// A section as found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateSection {
    pub kind: SectionKind,
    pub heading: String,
    /// 0.0..=1.0: how sure the heading match is.
    pub confidence: f32,
    pub line: usize,
    pub clauses: Vec<CandidateClause>,
}

/// Something the reviewer should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable machine code, e.g. "missing_section", "unresolved_placeholder",
    /// "numbering_gap", "numbering_duplicate", "foreign_clause", "no_structure".
    pub code: String,
    pub message: String,
    pub line: Option<usize>,
}

/// A line left out of the candidate, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedLine {
    pub line: usize,
    pub text: String,
    /// e.g. "navigation", "page_number", "article_text", "legal_database", "empty_item", "before_document".
    pub reason: String,
}

/// One job description found in the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateDocument {
    pub title: Option<String>,
    pub position_title: Option<String>,
    pub position_title_genitive: Option<String>,
    pub organization: Option<String>,
    pub approval: Option<Approval>,
    pub sections: Vec<CandidateSection>,
    pub warnings: Vec<Warning>,
}

/// Everything the parser found in one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub documents: Vec<CandidateDocument>,
    pub dropped_lines: Vec<DroppedLine>,
}
