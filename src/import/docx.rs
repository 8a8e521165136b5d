//! .docx reader: the paragraphs of `word/document.xml` (body, tables, text
//! boxes) with Word's automatic numbers, heading levels and bold.
//!
//! Element names are matched with Word's usual prefixes (`w:`, `mc:`), which
//! Word, LibreOffice and Google Docs all write. Headers, footers, footnotes
//! and comments live in other parts and are not read.

use quick_xml::events::{BytesStart, Event};

use super::archive::{Archive, Limits, ReadError};
use super::docx_numbering::Numbering;
use super::docx_styles::StyleSheet;
use super::model::Paragraph;
use super::xml::{attr, bad_xml, on_off, parse_num, reader, resolve_ref};

/// A paragraph as collected, before styles and numbering are applied.
#[derive(Debug, Default)]
struct RawPara {
    text: String,
    style: Option<String>,
    num_id: Option<u32>,
    ilvl: Option<u8>,
    /// 1-based heading level from the paragraph's own `w:outlineLvl`.
    outline: Option<u8>,
    /// Every run with visible text was bold (meaningful only with `any_text`).
    all_bold: bool,
    any_text: bool,
    /// Cached bold of the paragraph style, looked up at the first run.
    style_bold: Option<bool>,
}

/// A run's own formatting.
#[derive(Debug, Default)]
struct Run {
    bold: Option<bool>,
    style: Option<String>,
    has_text: bool,
}

/// The element kinds whose children matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    NumPr,
    R,
    RPr,
    T,
    Other,
}

/// Elements whose whole content is not document text: the VML copy of a
/// text box (`mc:Fallback`), deleted and moved-away text, old properties of
/// tracked changes, and field instructions.
const SKIPPED: &[&str] = &[
    "mc:Fallback",
    "w:del",
    "w:moveFrom",
    "w:delText",
    "w:instrText",
    "w:pPrChange",
    "w:rPrChange",
    "w:numberingChange",
];

/// Reads a .docx with the default limits.
pub fn read_docx(bytes: &[u8]) -> Result<Vec<Paragraph>, ReadError> {
    read_docx_with(bytes, Limits::default())
}

/// Reads a .docx within the given limits.
pub fn read_docx_with(bytes: &[u8], limits: Limits) -> Result<Vec<Paragraph>, ReadError> {
    let mut archive = Archive::open(bytes, limits)?;
    let document = archive.read_required("word/document.xml")?;
    let styles = match archive.read_string("word/styles.xml")? {
        Some(xml) => StyleSheet::parse(&xml)?,
        None => StyleSheet::default(),
    };
    let mut numbering = match archive.read_string("word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml)?,
        None => Numbering::default(),
    };
    let raws = collect(&document, &styles)?;
    Ok(finish(raws, &styles, &mut numbering))
}

/// Walks document.xml and collects paragraphs in document order.
fn collect(xml: &str, styles: &StyleSheet) -> Result<Vec<RawPara>, ReadError> {
    let mut r = reader(xml);
    let mut paras: Vec<RawPara> = Vec::new();
    let mut tags: Vec<Tag> = Vec::new();
    // Paragraphs nest (a text box's paragraphs sit inside a run of the anchor
    // paragraph), so do runs; each keeps its slot, taken at its start.
    let mut p_stack: Vec<usize> = Vec::new();
    let mut r_stack: Vec<Run> = Vec::new();
    let mut skip = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| bad_xml("word/document.xml", r.error_position(), e))?;
        if skip > 0 {
            match ev {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        let top = tags.last().copied();
        match ev {
            Event::Start(e) => {
                let name = e.name();
                if SKIPPED.contains(&name.as_ref()) {
                    skip = 1;
                    continue;
                }
                let tag = match name.as_ref() {
                    "w:p" => {
                        p_stack.push(paras.len());
                        paras.push(RawPara {
                            all_bold: true,
                            ..RawPara::default()
                        });
                        Tag::P
                    }
                    "w:pPr" if top == Some(Tag::P) => Tag::PPr,
                    "w:numPr" if top == Some(Tag::PPr) => Tag::NumPr,
                    "w:r" => {
                        r_stack.push(Run::default());
                        Tag::R
                    }
                    "w:rPr" if top == Some(Tag::R) => Tag::RPr,
                    "w:t" if top == Some(Tag::R) => Tag::T,
                    _ => {
                        leaf(&e, top, &mut paras, &p_stack, &mut r_stack);
                        Tag::Other
                    }
                };
                tags.push(tag);
            }
            Event::Empty(e) => {
                if e.name().as_ref() == "w:p" {
                    // An empty paragraph still counts for `line`.
                    paras.push(RawPara::default());
                } else {
                    leaf(&e, top, &mut paras, &p_stack, &mut r_stack);
                }
            }
            Event::End(_) => match tags.pop() {
                Some(Tag::P) => {
                    p_stack.pop();
                }
                Some(Tag::R) => {
                    if let (Some(run), Some(&p)) = (r_stack.pop(), p_stack.last()) {
                        end_run(run, &mut paras[p], styles);
                    }
                }
                _ => {}
            },
            Event::Text(t) if top == Some(Tag::T) => push_text(&mut paras, &p_stack, &mut r_stack, &t.xml10_content()),
            Event::CData(t) if top == Some(Tag::T) => push_text(&mut paras, &p_stack, &mut r_stack, &t.xml10_content()),
            Event::GeneralRef(g) if top == Some(Tag::T) => {
                if let Some(c) = resolve_ref(&g) {
                    push_text(&mut paras, &p_stack, &mut r_stack, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(paras)
}

/// Handles an element whose own attributes matter (properties, run content).
fn leaf(e: &BytesStart<'_>, top: Option<Tag>, paras: &mut [RawPara], p_stack: &[usize], r_stack: &mut [Run]) {
    let Some(&p) = p_stack.last() else { return };
    let para = &mut paras[p];
    match (top, e.name().as_ref()) {
        (Some(Tag::PPr), "w:pStyle") => para.style = attr(e, "w:val"),
        (Some(Tag::PPr), "w:outlineLvl") => {
            para.outline = parse_num::<u8>(attr(e, "w:val")).filter(|l| *l < 9).map(|l| l + 1);
        }
        (Some(Tag::NumPr), "w:numId") => para.num_id = parse_num(attr(e, "w:val")),
        (Some(Tag::NumPr), "w:ilvl") => para.ilvl = parse_num(attr(e, "w:val")),
        (Some(Tag::RPr), "w:b") => {
            if let Some(run) = r_stack.last_mut() {
                run.bold = Some(on_off(e, "w:val"));
            }
        }
        (Some(Tag::RPr), "w:rStyle") => {
            if let Some(run) = r_stack.last_mut() {
                run.style = attr(e, "w:val");
            }
        }
        (Some(Tag::R), name) => {
            let s = match name {
                "w:tab" => "\t",
                "w:br" | "w:cr" => "\n",
                "w:noBreakHyphen" => "-",
                "w:sym" => match sym_char(e) {
                    Some(c) => {
                        para.text.push(c);
                        if let Some(run) = r_stack.last_mut() {
                            run.has_text = true;
                        }
                        return;
                    }
                    None => return,
                },
                // w:softHyphen is an optional hyphen: invisible in running text.
                _ => return,
            };
            para.text.push_str(s);
        }
        _ => {}
    }
}

/// `w:sym`: a character from a symbol font. Symbol's bullet (F0B7 / B7) is
/// '•'; other private-use symbol glyphs have no Unicode meaning and are dropped.
fn sym_char(e: &BytesStart<'_>) -> Option<char> {
    let code = u32::from_str_radix(attr(e, "w:char")?.trim(), 16).ok()?;
    match code {
        0xF0B7 | 0xB7 => Some('•'),
        0xF000..=0xF0FF => None,
        _ => char::from_u32(code),
    }
}

fn push_text(paras: &mut [RawPara], p_stack: &[usize], r_stack: &mut [Run], s: &str) {
    let Some(&p) = p_stack.last() else { return };
    paras[p].text.push_str(s);
    if let Some(run) = r_stack.last_mut() {
        run.has_text |= !s.trim().is_empty();
    }
}

/// Folds a finished run's boldness into its paragraph.
fn end_run(run: Run, para: &mut RawPara, styles: &StyleSheet) {
    if !run.has_text {
        return;
    }
    let style_bold = *para
        .style_bold
        .get_or_insert_with(|| styles.paragraph(para.style.as_deref()).bold);
    let bold = run
        .bold
        .or_else(|| run.style.as_deref().and_then(|s| styles.char_bold(s)))
        .unwrap_or(style_bold);
    para.any_text = true;
    para.all_bold &= bold;
}

/// Applies styles and numbering in document order and builds the output.
fn finish(raws: Vec<RawPara>, styles: &StyleSheet, numbering: &mut Numbering) -> Vec<Paragraph> {
    let mut out = Vec::new();
    for (i, raw) in raws.into_iter().enumerate() {
        let style_id = raw.style.as_deref().or(styles.default_paragraph());
        let ps = styles.paragraph(raw.style.as_deref());
        let (list_level, list_number) = match raw.num_id.or(ps.num_id) {
            // numId 0 switches numbering off, also one inherited from the style.
            Some(id) if id != 0 && numbering.has_num(id) => {
                let ilvl = raw
                    .ilvl
                    .or(ps.ilvl)
                    .or_else(|| style_id.and_then(|s| numbering.level_for_style(id, s)))
                    .unwrap_or(0);
                (Some(ilvl), numbering.next(id, ilvl))
            }
            _ => (None, None),
        };
        let text = raw.text.trim_matches('\n').to_string();
        if text.trim().is_empty() && list_number.is_none() {
            continue;
        }
        out.push(Paragraph {
            text,
            line: i + 1,
            list_level,
            list_number,
            heading_level: raw.outline.or(ps.heading_level),
            bold: raw.any_text && raw.all_bold,
        });
    }
    out
}
