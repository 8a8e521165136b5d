//! The job description as a Word document (.docx), from the same input as the PDF:
//! the approval stamp, the title, sections and clauses numbered by Word itself
//! (multilevel lists, so an edit in Word renumbers), signatures and visas.
//! Plain Rust over docx-rs; the importer reads the result back to the same structure.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, IndentLevel, Level, LevelJc, LevelSuffixType, LevelText,
    NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Start,
};

use crate::domain::language::{fill, Words};
use crate::domain::staff::initials;
use crate::pdf::input::{RenderInput, Signature};
use crate::pdf::parts::short_date;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing .docx: {0}")]
pub struct WordError(String);

/// Twips (1/20 pt): A4 and the margins of GOST R 7.0.97 (left 30 mm, right 15, top and bottom 20).
const A4: (u32, u32) = (11906, 16838);
const MARGINS: (i32, i32, i32, i32) = (1134, 850, 1134, 1701);
/// Where the approval stamp starts: the right half of the text area.
const STAMP_INDENT: i32 = 5103;
/// First-line indent of body paragraphs (1.25 cm).
const FIRST_LINE: i32 = 709;
/// Half-points: 14 pt text.
const SIZE: usize = 28;

/// The numbering of section headings: «1.», «2.» …
const SECTIONS: usize = 1;

/// The deepest clause level Word's lists take.
const LEVELS: usize = 9;

/// The numbering of section `n`'s clauses: «n.1.», «n.1.1.» … (one list per section,
/// so a clause's number names its section, as in the printed document).
fn clause_numbering(n: usize) -> usize {
    100 + n
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

fn plain(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s))
}

fn bold(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s).bold())
}

fn stamp(p: Paragraph) -> Paragraph {
    p.indent(Some(STAMP_INDENT), None, None, None)
}

/// The job description of `input` as the bytes of a .docx file.
pub fn document(input: &RenderInput) -> Result<Vec<u8>, WordError> {
    let words = input.document.language.words();
    let of = words.of(&input.position.title, &input.position.title_genitive);
    let mut doc = with_list(page(), None);

    doc = doc.add_paragraph(bold(&input.organization.full_name));
    doc = doc.add_paragraph(stamp(bold(words.approve)));
    for line in signature_lines(words, input.approval.as_ref()) {
        doc = doc.add_paragraph(stamp(plain(&line)));
    }
    if let (Some(order), Some(_)) = (&input.document.order, &input.approval) {
        doc = doc.add_paragraph(stamp(plain(order)));
    }
    doc = doc.add_paragraph(plain(""));
    doc = doc.add_paragraph(bold(words.doctype));
    let number = input.document.registration_number.as_deref().unwrap_or("______");
    let date = input
        .document
        .approved_on
        .as_deref()
        .map(short_date)
        .unwrap_or_else(|| "__________".into());
    doc = doc.add_paragraph(plain(&format!("{date} № {number}")));
    if !input.organization.city.is_empty() {
        doc = doc.add_paragraph(plain(&input.organization.city));
    }
    doc = doc.add_paragraph(bold(&of));
    doc = doc.add_paragraph(plain(""));

    for s in &input.sections {
        let heading = match s.number {
            Some(_) => bold(&s.heading).numbering(NumberingId::new(SECTIONS), IndentLevel::new(0)),
            None => bold(&s.heading),
        };
        doc = doc.add_paragraph(heading.align(AlignmentType::Center));
        let list = clause_numbering(s.number.unwrap_or(0));
        if let Some(n) = s.number {
            doc = doc
                .add_abstract_numbering(clause_levels(list, n))
                .add_numbering(Numbering::new(list, list));
        }
        // Word counts the clauses itself; where its count would differ from the
        // number the document has (an unnumbered section), the number is written out.
        let mut counters = [0usize; LEVELS];
        for c in &s.clauses {
            let depth = c.depth.clamp(1, LEVELS);
            let p = Paragraph::new()
                .add_run(text(&c.text))
                .align(AlignmentType::Both)
                .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE)), None, None);
            let counted = s.number.map(|n| {
                let mut next = counters;
                next[depth - 1] += 1;
                next[depth..].iter_mut().for_each(|x| *x = 0);
                let parts: Vec<String> = next[..depth].iter().map(|x| x.to_string()).collect();
                (format!("{n}.{}", parts.join(".")), next)
            });
            doc = doc.add_paragraph(match counted {
                Some((number, next)) if number == c.number => {
                    counters = next;
                    p.numbering(NumberingId::new(list), IndentLevel::new(depth - 1))
                }
                _ if c.number.is_empty() => p,
                _ => Paragraph::new()
                    .add_run(text(&format!("{}. {}", c.number, c.text)))
                    .align(AlignmentType::Both)
                    .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE)), None, None),
            });
        }
    }

    doc = doc.add_paragraph(plain(""));
    if let Some(a) = &input.author {
        for line in signature_lines(words, Some(a)) {
            doc = doc.add_paragraph(plain(&line));
        }
        doc = doc.add_paragraph(plain(""));
    }
    if !input.visas.is_empty() {
        doc = doc.add_paragraph(bold(words.agreed));
        for v in &input.visas {
            for line in signature_lines(words, Some(v)) {
                doc = doc.add_paragraph(plain(&line));
            }
            if v.remarks {
                doc = doc.add_paragraph(Paragraph::new().add_run(text(words.remarks_attached).italic()));
            }
            doc = doc.add_paragraph(plain(""));
        }
    }
    if !input.remarks.is_empty() {
        // The sheet the visas' «Замечания прилагаются» refers to, on a page of its own.
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_break(BreakType::Page))
                .add_run(text(words.remarks_sheet).bold())
                .align(AlignmentType::Center),
        );
        doc = doc.add_paragraph(
            plain(&fill(
                words.remarks_of,
                &[("of", &of), ("version", &input.document.version.to_string())],
            ))
            .align(AlignmentType::Center),
        );
        for (i, r) in input.remarks.iter().enumerate() {
            let to = if r.clause.is_empty() {
                words.remark_with_visa.to_string()
            } else {
                fill(words.remark_on_clause, &[("number", &r.clause)])
            };
            doc = doc.add_paragraph(plain(&format!("{}. {to}: {} — {}, {}", i + 1, r.text, r.who, r.at)));
        }
    }
    if let Some(hash) = &input.document.content_hash {
        let mut line = format!("SHA-256: {hash}");
        if let Some(url) = &input.document.verify_url {
            line.push_str(&format!(
                "; {} {url}",
                words.verify.trim_end_matches(':').to_lowercase()
            ));
        }
        doc = doc.add_paragraph(Paragraph::new().add_run(text(&line).size(18)));
    }
    pack(doc)
}

/// The order that brings the version into force, as a Word document (`pdf::order`).
pub fn order(input: &RenderInput) -> Result<Vec<u8>, WordError> {
    let o = crate::pdf::order::order_text(input);
    let mut doc = with_list(page(), Some(FIRST_LINE));
    doc = doc
        .add_paragraph(bold(&o.organization).align(AlignmentType::Center))
        .add_paragraph(plain(""))
        .add_paragraph(bold(o.heading).align(AlignmentType::Center))
        .add_paragraph(plain(&o.number_line));
    if !o.city.is_empty() {
        doc = doc.add_paragraph(plain(&o.city).align(AlignmentType::Center));
    }
    doc = doc
        .add_paragraph(plain(""))
        .add_paragraph(bold(&o.title))
        .add_paragraph(plain(""))
        .add_paragraph(plain(&o.preamble).align(AlignmentType::Both).indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        ))
        .add_paragraph(bold(o.verb));
    for item in &o.items {
        doc = doc.add_paragraph(
            plain(item)
                .align(AlignmentType::Both)
                .numbering(NumberingId::new(SECTIONS), IndentLevel::new(0)),
        );
    }
    doc = doc
        .add_paragraph(plain(""))
        .add_paragraph(plain(""))
        .add_paragraph(plain(&o.signer_position))
        .add_paragraph(plain(&format!("________________ {}", o.signer_name)).align(AlignmentType::Right));
    pack(doc)
}

fn pack(doc: Docx) -> Result<Vec<u8>, WordError> {
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| WordError(e.to_string()))?;
    Ok(out.into_inner())
}

/// `doc` with the one-level list «1.», «2.» … (section headings, an order's items),
/// its first line indented by `first_line` twips when given.
fn with_list(doc: Docx, first_line: Option<i32>) -> Docx {
    let level = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("decimal"),
        LevelText::new("%1."),
        LevelJc::new("left"),
    )
    .suffix(LevelSuffixType::Space);
    let level = match first_line {
        Some(w) => level.indent(Some(0), Some(SpecialIndentType::FirstLine(w)), None, None),
        None => level,
    };
    doc.add_abstract_numbering(AbstractNumbering::new(SECTIONS).add_level(level))
        .add_numbering(Numbering::new(SECTIONS, SECTIONS))
}

/// An empty A4 document in the house style.
fn page() -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGINS.0)
                .right(MARGINS.1)
                .bottom(MARGINS.2)
                .left(MARGINS.3),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(SIZE)
}

/// The levels of section `n`'s clause list: «n.%1.», «n.%1.%2.» …
fn clause_levels(id: usize, n: usize) -> AbstractNumbering {
    (0..LEVELS).fold(AbstractNumbering::new(id), |a, level| {
        let counters: Vec<String> = (1..=level + 1).map(|i| format!("%{i}")).collect();
        a.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new("decimal"),
                LevelText::new(format!("{n}.{}.", counters.join("."))),
                LevelJc::new("left"),
            )
            .indent(Some(0), Some(SpecialIndentType::FirstLine(FIRST_LINE)), None, None)
            .suffix(LevelSuffixType::Space),
        )
    })
}

/// A signature as lines: position, the line to sign (or the electronic mark), the date.
fn signature_lines(words: &Words, s: Option<&Signature>) -> Vec<String> {
    let Some(s) = s else {
        return vec![
            "________________________".into(),
            words.name_blank.into(),
            words.date_blank.into(),
        ];
    };
    let mut lines = vec![s.position.clone()];
    match &s.electronic {
        Some(e) => {
            lines.push(words.e_signed.into());
            lines.push(fill(words.signed_by, &[("who", &e.signed_by)]));
            lines.push(fill(words.at_code, &[("at", &e.at), ("code", &e.code)]));
            lines.push(initials(&s.name));
        }
        None => lines.push(format!("________________ {}", initials(&s.name))),
    }
    if let Some(d) = &s.date {
        lines.push(words.long_date(d));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::CandidateClause;

    fn reference() -> RenderInput {
        let text = include_str!("../fixtures/reference.json");
        serde_json::from_str(text).expect("the reference input")
    }

    fn flatten(clauses: &[CandidateClause], out: &mut Vec<(String, String)>) {
        for c in clauses {
            out.push((c.number.clone().unwrap_or_default(), c.text.clone()));
            flatten(&c.children, out);
        }
    }

    #[test]
    fn a_document_exported_to_word_imports_back_to_the_same_structure() {
        let input = reference();
        let bytes = document(&input).expect("a .docx");
        let found = crate::import::import("export.docx", &bytes).expect("the export reads back");
        assert_eq!(found.documents.len(), 1, "{found:#?}");
        let d = &found.documents[0];
        assert_eq!(d.sections.len(), input.sections.len(), "{d:#?}");
        for (s, back) in input.sections.iter().zip(&d.sections) {
            assert_eq!(
                back.heading
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' '),
                s.heading
            );
            let mut clauses = Vec::new();
            flatten(&back.clauses, &mut clauses);
            let numbered: Vec<(String, String)> = clauses.into_iter().filter(|(n, _)| !n.is_empty()).collect();
            let expected: Vec<(String, String)> = s
                .clauses
                .iter()
                .filter(|c| !c.number.is_empty())
                .map(|c| (c.number.clone(), c.text.clone()))
                .collect();
            assert_eq!(numbered, expected, "section {}", s.heading);
        }
        let approval = d.approval.clone().expect("the approval stamp is recognised");
        assert_eq!(
            approval.position.as_deref(),
            Some("Генеральный директор"),
            "{approval:?}"
        );
    }

    #[test]
    fn the_order_is_a_word_document_with_its_items_numbered() {
        let bytes = order(&reference()).expect("a .docx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut body = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("document"), &mut body)
            .expect("read");
        assert!(
            body.contains("ПРИКАЗЫВАЮ:") && body.contains("Об утверждении новой редакции"),
            "{body}"
        );
        assert_eq!(body.matches("<w:numPr>").count(), 4, "four items in a Word list");
    }

    #[test]
    fn clauses_are_numbered_by_word_lists() {
        let bytes = document(&reference()).expect("a .docx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/numbering.xml").expect("numbering"), &mut xml)
            .expect("read");
        assert!(
            xml.contains(r#"w:val="1.%1.""#) && xml.contains(r#"w:val="1.%1.%2.""#),
            "{xml}"
        );
        let mut body = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("document"), &mut body)
            .expect("read");
        assert!(!body.contains("1.4.1."), "numbers come from the lists, not the text");
        assert!(body.contains("<w:numPr>"));
    }
}
