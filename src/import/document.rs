//! A document being assembled, and its final checks: validity, placeholders,
//! foreign clauses, missing required sections.

use super::junk;
use super::model::{Approval, CandidateClause, CandidateDocument, CandidateSection, DroppedLine, SectionKind, Warning};
use super::placeholders;
use super::tree::{self, Item};

/// A section being filled.
#[derive(Debug, Clone)]
pub struct SectionBuf {
    pub kind: SectionKind,
    pub heading: String,
    pub confidence: f32,
    pub line: usize,
    /// Top number of the section ("3" of "3. Права" or of its "3.1" clauses).
    pub prefix: Option<u32>,
    items: Vec<Item>,
    /// Kept as items arrive, so that each new line is checked in constant time.
    first_multi_top: Option<u32>,
    last_single: Option<u32>,
}

impl SectionBuf {
    /// An empty section (besides `items`, usually a lead-in).
    pub fn new(kind: SectionKind, confidence: f32, line: usize, prefix: Option<u32>, items: Vec<Item>) -> SectionBuf {
        let mut s = SectionBuf {
            kind,
            heading: String::new(),
            confidence,
            line,
            prefix,
            items: Vec::new(),
            first_multi_top: None,
            last_single: None,
        };
        s.extend(items);
        s
    }

    /// The items so far.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Adds an item at the end.
    pub fn push(&mut self, it: Item) {
        if let Some(p) = &it.parts {
            if p.len() >= 2 && self.first_multi_top.is_none() {
                self.first_multi_top = Some(p[0]);
            }
            if p.len() == 1 {
                self.last_single = Some(p[0]);
            }
        }
        self.items.push(it);
    }

    /// Adds items at the end.
    pub fn extend(&mut self, items: impl IntoIterator<Item = Item>) {
        for it in items {
            self.push(it);
        }
    }

    /// Takes the last item back if it is an unnumbered lead-in line (the caches stay true:
    /// they only follow numbered items).
    pub fn pop_lead(&mut self) -> Option<Item> {
        let last = self.items.last()?;
        let is_lead = last.parts.is_none() && last.bullet.is_none() && last.text.trim_end().ends_with(':');
        if is_lead {
            self.items.pop()
        } else {
            None
        }
    }

    /// The top number of the section's first "N.M" clause.
    pub fn first_multi_top(&self) -> Option<u32> {
        self.first_multi_top
    }

    /// True once a numbered item arrived.
    pub fn has_numbered(&self) -> bool {
        self.first_multi_top.is_some() || self.last_single.is_some()
    }

    /// The last top-level single number seen, to notice a list restarting at "1.".
    pub fn last_single(&self) -> Option<u32> {
        self.last_single
    }

    /// Moves the items out (closing the section).
    pub fn into_items(self) -> Vec<Item> {
        self.items
    }
}

/// A document being filled.
#[derive(Debug, Clone, Default)]
pub struct DocBuf {
    pub title: Option<String>,
    pub position_title: Option<String>,
    pub position_title_genitive: Option<String>,
    pub organization: Option<String>,
    pub approval: Option<Approval>,
    /// Lines of the stamp still allowed.
    pub approval_budget: usize,
    /// A bare title was seen: the next short line may name the position.
    pub awaiting_position: bool,
    pub sections: Vec<SectionBuf>,
    pub warnings: Vec<Warning>,
    /// Lines used for content (given back as dropped if the document is discarded).
    pub consumed: Vec<(usize, String)>,
    /// Lines dropped while inside the document.
    pub dropped: Vec<DroppedLine>,
    /// Numbered or bulleted items (and items of a lead-in list).
    pub list_items: usize,
    /// Long prose paragraphs dropped inside the document.
    pub prose_dropped: usize,
    /// The document numbers clauses "N.M".
    pub multilevel: bool,
    /// Last number of a numbered clause.
    pub last_number: Vec<u32>,
    /// Plain lines after numbered clauses, kept only if the list goes on.
    pub pending: Vec<Item>,
    /// Plain lines are being taken as items of a lead-in ("должен знать:").
    pub in_lead_list: bool,
}

/// The outcome of closing a document.
pub enum Closed {
    Kept(Box<CandidateDocument>, Vec<DroppedLine>),
    Discarded(Vec<DroppedLine>),
}

const REQUIRED: &[(SectionKind, &str)] = &[
    (SectionKind::Duties, "должностные обязанности"),
    (SectionKind::Rights, "права"),
    (SectionKind::Responsibility, "ответственность"),
    (SectionKind::Safety, "охрана труда"),
];

impl DocBuf {
    /// True when some non-general section already has clauses (a new "Общие положения" then starts a new document).
    pub fn has_later_sections(&self) -> bool {
        self.sections
            .iter()
            .any(|s| s.kind != SectionKind::General && !s.items.is_empty())
    }

    /// Finishes the document: keeps it if it looks like a job description.
    pub fn close(mut self) -> Closed {
        let clauses: usize = self.sections.iter().map(|s| s.items.len()).sum();
        let filled = self.sections.iter().filter(|s| !s.items.is_empty()).count();
        let valid = self.list_items >= 3 || (filled >= 2 && self.prose_dropped == 0 && clauses >= 4);
        if !valid {
            let mut dropped = self.dropped;
            dropped.extend(self.consumed.into_iter().map(|(line, text)| DroppedLine {
                line,
                text,
                reason: "not_a_document".into(),
            }));
            return Closed::Discarded(dropped);
        }
        // Plain lines after the last clause that no list followed: a footer.
        let pending = std::mem::take(&mut self.pending);
        let footer: std::collections::HashSet<usize> = pending.iter().map(|p| p.line).collect();
        self.consumed.retain(|(l, _)| !footer.contains(l));
        for p in pending {
            self.dropped.push(DroppedLine {
                line: p.line,
                text: p.text,
                reason: "footer".into(),
            });
        }
        let mut sections = Vec::new();
        for s in std::mem::take(&mut self.sections) {
            if s.items.is_empty() {
                self.dropped.push(DroppedLine {
                    line: s.line,
                    text: s.heading.clone(),
                    reason: "empty_section".into(),
                });
                continue;
            }
            let mut clauses = tree::build(s.items(), &mut self.warnings);
            for c in clauses.iter_mut() {
                review(c, &mut self.warnings);
            }
            sections.push(CandidateSection {
                kind: s.kind,
                heading: s.heading,
                confidence: s.confidence,
                line: s.line,
                clauses,
            });
        }
        for (kind, name) in REQUIRED {
            if !sections.iter().any(|s| s.kind == *kind) {
                self.warnings.push(Warning {
                    code: "missing_section".into(),
                    message: format!("нет раздела «{name}»"),
                    line: None,
                });
            }
        }
        let doc = CandidateDocument {
            title: self.title,
            position_title: self.position_title,
            position_title_genitive: self.position_title_genitive,
            organization: self.organization,
            approval: self.approval,
            sections,
            warnings: self.warnings,
        };
        Closed::Kept(Box::new(doc), self.dropped)
    }
}

/// Placeholders and foreign (advertising) clauses, recursively.
fn review(c: &mut CandidateClause, warnings: &mut Vec<Warning>) {
    let (text, found) = placeholders::resolve(&c.text);
    for f in found {
        let message = match f.mapped {
            Some(m) => format!("«{}» заменено на {m}", f.printed),
            None => format!("не заполнено: «{}»", f.printed),
        };
        warnings.push(Warning {
            code: "unresolved_placeholder".into(),
            message,
            line: Some(c.line),
        });
    }
    c.text = text;
    if junk::has_domain(&c.text) {
        warnings.push(Warning {
            code: "foreign_clause".into(),
            message: "пункт похож на рекламу или ссылку на сайт".into(),
            line: Some(c.line),
        });
    }
    for ch in c.children.iter_mut() {
        review(ch, warnings);
    }
}
