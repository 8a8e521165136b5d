//! PDF output: our own layout engine on printpdf, and the three sheets.

pub mod input;
pub mod layout;
pub mod parts;
pub mod text;

use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};

use input::{RenderInput, SheetChanges};
use layout::{Flow, Style};
use text::Face;

/// Which sheets to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Document,
    Acknowledgements,
    Register,
}

impl Part {
    /// Every part, in the order of a complete file.
    pub const ALL: [Part; 3] = [Part::Document, Part::Acknowledgements, Part::Register];

    /// Parses `document`, `acknowledgements` (or `ack`), `register`.
    pub fn parse(s: &str) -> Option<Part> {
        match s.trim() {
            "document" | "doc" => Some(Part::Document),
            "acknowledgements" | "ack" | "acknowledgement" => Some(Part::Acknowledgements),
            "register" => Some(Part::Register),
            _ => None,
        }
    }

    /// Parses a comma-separated list; empty means all.
    pub fn parse_list(s: &str) -> Result<Vec<Part>, PdfError> {
        if s.trim().is_empty() {
            return Ok(Part::ALL.to_vec());
        }
        s.split(',')
            .map(|p| Part::parse(p).ok_or_else(|| PdfError::UnknownPart(p.trim().to_string())))
            .collect()
    }
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("unknown part {0}: use document, acknowledgements, register")]
    UnknownPart(String),
    #[error("the embedded font could not be read: {0}")]
    Font(String),
}

/// A rendered file and what went into it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Pages per part, in order.
    pub pages: Vec<(Part, usize)>,
    /// Characters replaced by "?" because the font has no glyph for them.
    pub missing: Vec<char>,
}

fn parsed_fonts() -> Result<&'static [ParsedFont; 3], PdfError> {
    static FONTS: OnceLock<Result<[ParsedFont; 3], String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let parse = |f: Face| ParsedFont::from_bytes(f.bytes(), 0, &mut Vec::new()).ok_or_else(|| format!("{f:?}"));
            Ok([parse(Face::Regular)?, parse(Face::Bold)?, parse(Face::Italic)?])
        })
        .as_ref()
        .map_err(|e| PdfError::Font(e.clone()))
}

const PAGE_NUMBER: Style = Style::new(Face::Regular, 11.0);

/// Lays out one part into pages.
fn layout_part(fonts: &[FontId; 3], input: &RenderInput, part: Part) -> layout::Finished {
    let watermark = (!input.document.approved && part == Part::Document).then(|| "ПРОЕКТ".to_string());
    let mut flow = Flow::new(fonts, watermark);
    match part {
        Part::Document => parts::document(&mut flow, input),
        Part::Acknowledgements => parts::acknowledgement_sheet(&mut flow, input),
        Part::Register => parts::register(&mut flow, input),
    }
    flow.finish(PAGE_NUMBER)
}

/// Renders the chosen parts into one PDF.
pub fn render(input: &RenderInput, parts: &[Part]) -> Result<Rendered, PdfError> {
    let fonts = parsed_fonts()?;
    let title = format!("Должностная инструкция {}", input.position.title_genitive);
    let mut doc = PdfDocument::new(&title);
    let ids = [
        doc.add_font(&fonts[0]),
        doc.add_font(&fonts[1]),
        doc.add_font(&fonts[2]),
    ];
    let mut pages = Vec::new();
    let mut counts = Vec::new();
    let mut missing = std::collections::BTreeSet::new();
    let mut used = [false; 3];
    for part in parts {
        let done = layout_part(&ids, input, *part);
        counts.push((*part, done.pages.len()));
        missing.extend(done.missing);
        for (u, d) in used.iter_mut().zip(done.used) {
            *u |= d;
        }
        pages.extend(
            done.pages
                .into_iter()
                .map(|o| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), o)),
        );
    }
    // A face nobody used would cost subsetting time for nothing.
    for (id, used) in ids.iter().zip(used) {
        if !used {
            doc.resources.fonts.map.remove(id);
        }
    }
    let missing: Vec<char> = missing.into_iter().collect();
    let now = printpdf::OffsetDateTime::from_unix_timestamp(chrono::Utc::now().timestamp())
        .unwrap_or_else(|_| printpdf::OffsetDateTime::now_utc());
    let info = &mut doc.metadata.info;
    info.document_title = title;
    info.author = input.organization.full_name.clone();
    info.creator = "jobdesc".into();
    info.producer = format!("jobdesc {}", env!("CARGO_PKG_VERSION"));
    info.creation_date = now;
    info.modification_date = now;
    info.metadata_date = now;
    info.subject = input.position.title.clone();
    if let Some(h) = &input.document.content_hash {
        // Read back by `jobdesc verify FILE.pdf`.
        info.keywords = vec![format!("jobdesc-sha256:{h}")];
        info.identifier = h.clone();
    }
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let bytes = doc.with_pages(pages).save(&options, &mut Vec::new());
    Ok(Rendered {
        bytes,
        pages: counts,
        missing,
    })
}

/// Which sheets of the job description changed between two versions, by laying
/// out both and comparing page by page; and how many sheets the new one has.
pub fn sheet_changes(old: &RenderInput, new: &RenderInput) -> Result<(SheetChanges, usize), PdfError> {
    let fonts = parsed_fonts()?;
    let mut doc = PdfDocument::new("layout");
    let ids = [
        doc.add_font(&fonts[0]),
        doc.add_font(&fonts[1]),
        doc.add_font(&fonts[2]),
    ];
    let a = layout_part(&ids, old, Part::Document).text;
    let b = layout_part(&ids, new, Part::Document).text;
    let mut s = SheetChanges::default();
    for i in 0..a.len().max(b.len()) {
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if x != y => s.changed.push(i + 1),
            (None, Some(_)) => s.new.push(i + 1),
            (Some(_), None) => s.cancelled.push(i + 1),
            _ => {}
        }
    }
    Ok((s, b.len()))
}
