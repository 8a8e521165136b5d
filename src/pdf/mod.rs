//! PDF output: our own layout engine on printpdf, and the three sheets.

pub mod content;
pub mod input;
pub mod layout;
pub mod order;
pub mod parts;
pub mod text;

use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};

use content::{Codes, Op, Repertoire};
use input::{RenderInput, SheetChanges};
use layout::{Flow, Style};
use text::Face;

/// Which sheets to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Document,
    Acknowledgements,
    Register,
    /// The order that brings the version into force (not part of a complete file).
    Order,
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
            "order" => Some(Part::Order),
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
    #[error("unknown part {0}: use document, acknowledgements, register, order")]
    UnknownPart(String),
    #[error("the embedded font could not be read: {0}")]
    Font(String),
    #[error("the PDF could not be written: {0}")]
    Write(String),
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

/// Adds the three faces under fixed short names. printpdf's own names are 32
/// random letters, repeated at every font change in every page stream; the first
/// six letters also make the subset tag, hence six capitals.
fn add_fonts(doc: &mut PdfDocument, fonts: &[ParsedFont; 3]) -> [FontId; 3] {
    let ids = ["JDSERR", "JDSERB", "JDSERI"].map(|name| FontId(name.to_string()));
    for (id, face) in ids.iter().zip(fonts) {
        let font = printpdf::PdfFont::new(face.clone());
        doc.resources.fonts.map.insert(id.clone(), font);
    }
    ids
}

const PAGE_NUMBER: Style = Style::new(Face::Regular, 11.0);

/// Lays out one part into pages.
fn layout_part(input: &RenderInput, part: Part) -> layout::Finished {
    let words = input.document.language.words();
    let watermark = (!input.document.approved && part == Part::Document).then(|| words.draft.to_string());
    let mut flow = Flow::new(watermark);
    flow.hyphenate_as(input.document.language);
    match part {
        Part::Document => parts::document(&mut flow, input),
        Part::Acknowledgements => parts::acknowledgement_sheet(&mut flow, input),
        Part::Register => parts::register(&mut flow, input),
        Part::Order => order::layout(&mut flow, input),
    }
    flow.finish(PAGE_NUMBER)
}

/// Renders the chosen parts into one PDF.
pub fn render(input: &RenderInput, parts: &[Part]) -> Result<Rendered, PdfError> {
    render_all(std::slice::from_ref(input), parts)
}

/// Several job descriptions in one file (a department's, or a chosen set), one after
/// another, each part of each starting on a new page; `pages` sums each part over them.
pub fn render_all(inputs: &[RenderInput], parts: &[Part]) -> Result<Rendered, PdfError> {
    let Some(input) = inputs.first() else {
        return Err(PdfError::Write("nothing to print".into()));
    };
    let mut pages = Vec::new();
    let mut counts: Vec<(Part, usize)> = parts.iter().map(|p| (*p, 0)).collect();
    let mut missing = std::collections::BTreeSet::new();
    let mut repertoire = Repertoire::default();
    for one in inputs {
        for (i, part) in parts.iter().enumerate() {
            let done = layout_part(one, *part);
            counts[i].1 += done.pages.len();
            missing.extend(done.missing);
            repertoire.merge(&done.repertoire);
            pages.extend(done.pages);
        }
    }
    let words = input.document.language.words();
    let title = match inputs {
        [one] => crate::domain::language::fill(
            words.title,
            &[("of", &words.of(&one.position.title, &one.position.title_genitive))],
        ),
        many => crate::domain::language::fill(words.titles, &[("n", &many.len().to_string())]),
    };
    let mut doc = PdfDocument::new(&title);
    // The file's creation date (metadata: UTC, as PDF readers convert it themselves).
    let now = printpdf::OffsetDateTime::from_unix_timestamp(chrono::Utc::now().timestamp()) // metadata: UTC
        .unwrap_or_else(|_| printpdf::OffsetDateTime::now_utc()); // metadata: UTC
    let info = &mut doc.metadata.info;
    info.document_title = title;
    info.author = input.organization.full_name.clone();
    info.creator = "jobdesc".into();
    info.producer = format!("jobdesc {}", env!("CARGO_PKG_VERSION"));
    info.creation_date = now;
    info.modification_date = now;
    info.metadata_date = now;
    info.subject = input.position.title.clone();
    // One file, one hash: a bundle of several is not a document to verify.
    if let (Some(h), 1) = (&input.document.content_hash, inputs.len()) {
        // Read back by `jobdesc verify FILE.pdf`.
        info.keywords = vec![format!("jobdesc-sha256:{h}")];
        info.identifier = h.clone();
    }
    let bytes = save(&mut doc, &pages, &repertoire)?;
    Ok(Rendered {
        bytes,
        pages: counts,
        missing: missing.into_iter().collect(),
    })
}

/// zlib level for page and font streams: level 1 of zlib-rs keeps the reference
/// document under 3 ms and 100 KB; level 2 adds 0.7 ms for 14 KB less, and
/// printpdf's own save uses level 9 (docs/pdf.md, "Speed").
const DEFLATE_LEVEL: u32 = 1;

/// Writes the file: printpdf builds it around one page that shows each drawn
/// character once (so it subsets the fonts to them and tells their codes), then
/// every page gets its own content stream, and the streams are deflated.
fn save(doc: &mut PdfDocument, pages: &[Vec<Op>], repertoire: &Repertoire) -> Result<Vec<u8>, PdfError> {
    let fonts = add_fonts(doc, parsed_fonts()?);
    let a4 = |ops| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops);
    let mut skeleton = vec![a4(repertoire.usage_page(&fonts))];
    skeleton.extend((1..pages.len()).map(|_| a4(Vec::new())));
    doc.with_pages(skeleton);
    let options = PdfSaveOptions {
        subset_fonts: true,
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = printpdf::serialize::to_lopdf_doc(doc, &options, &mut Vec::new());
    let contents: Vec<lopdf::ObjectId> = pdf
        .get_pages()
        .values()
        .map(|page| pdf.get_dictionary(*page)?.get(b"Contents")?.as_reference())
        .collect::<Result<_, _>>()
        .map_err(|e| PdfError::Write(format!("printpdf's page tree: {e}")))?;
    let mut codes = None;
    for (i, id) in contents.iter().enumerate() {
        let ops = pages.get(i).map(Vec::as_slice).unwrap_or_default();
        let stream = pdf
            .get_object_mut(*id)
            .and_then(lopdf::Object::as_stream_mut)
            .map_err(|e| PdfError::Write(format!("page contents: {e}")))?;
        let codes = match &codes {
            Some(c) => c,
            None => codes.insert(Codes::read(repertoire, &stream.content)?),
        };
        stream.set_content(content::encode(ops, codes, &fonts));
    }
    let mut z = flate2::Compress::new(flate2::Compression::new(DEFLATE_LEVEL), true);
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let packed = deflate(&mut z, &stream.content)?;
            if packed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

/// zlib-compresses `data`, reusing one compressor for all streams of a file.
fn deflate(z: &mut flate2::Compress, data: &[u8]) -> Result<Vec<u8>, PdfError> {
    z.reset();
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let done = usize::try_from(z.total_in()).unwrap_or(data.len()).min(data.len());
        match z.compress_vec(&data[done..], &mut out, flate2::FlushCompress::Finish) {
            Ok(flate2::Status::StreamEnd) => return Ok(out),
            Ok(_) => out.reserve(out.capacity().max(64)),
            Err(e) => return Err(PdfError::Write(format!("deflate: {e}"))),
        }
    }
}

/// Which sheets of the job description changed between two versions, by laying
/// out both and comparing page by page; and how many sheets the new one has.
pub fn sheet_changes(old: &RenderInput, new: &RenderInput) -> Result<(SheetChanges, usize), PdfError> {
    let a = layout_part(old, Part::Document).text;
    let b = layout_part(new, Part::Document).text;
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
