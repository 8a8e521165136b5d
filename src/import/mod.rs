//! Import of existing job descriptions (text, HTML, .docx, .odt; .doc, .rtf and
//! PDF through installed converters) into candidate documents for review.
//!
//! Readers turn bytes into [`model::Paragraph`]s; [`parse::parse`] turns those
//! into candidates. Both are plain Rust without I/O; only [`convert`] runs
//! external programs, and only for formats the readers cannot take directly.

pub mod approval;
pub mod archive;
pub mod convert;
pub mod document;
pub mod docx;
pub mod docx_numbering;
pub mod docx_styles;
pub mod draft;
pub mod error;
pub mod headings;
pub mod html;
pub mod junk;
pub mod lines;
pub mod model;
pub mod norm;
pub mod numbering;
pub mod odt;
pub mod odt_styles;
pub mod parse;
pub mod placeholders;
pub mod text;
pub mod titles;
pub mod tree;
pub mod xml;

pub use error::ReadError;
pub use model::ImportResult;

/// What a file is, from its name and first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Docx,
    Odt,
    /// Word 97-2003 or RTF: read after conversion to .docx by LibreOffice.
    Legacy,
    Pdf,
}

impl Format {
    /// Decides by content first (a renamed file is still what it is), then by extension.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if bytes.starts_with(b"PK\x03\x04") {
            return if ext == "odt" { Format::Odt } else { Format::Docx };
        }
        if bytes.starts_with(b"\xD0\xCF\x11\xE0") || bytes.starts_with(b"{\\rtf") {
            return Format::Legacy;
        }
        if bytes.starts_with(b"%PDF") {
            return Format::Pdf;
        }
        match ext.as_str() {
            "html" | "htm" | "xhtml" => Format::Html,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "doc" | "rtf" => Format::Legacy,
            "pdf" => Format::Pdf,
            _ if looks_like_html(bytes) => Format::Html,
            _ => Format::Text,
        }
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// Reads one file of any supported format into paragraphs.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<model::Paragraph>, ReadError> {
    match Format::detect(file_name, bytes) {
        Format::Text => text::read_text(bytes),
        Format::Html => html::read_html(bytes),
        Format::Docx => docx::read_docx(bytes),
        Format::Odt => odt::read_odt(bytes),
        Format::Legacy => docx::read_docx(&convert::legacy_to_docx(file_name, bytes)?),
        Format::Pdf => text::read_text(&convert::pdf_to_text(bytes)?),
    }
}

/// Reads and parses one file.
pub fn import(file_name: &str, bytes: &[u8]) -> Result<ImportResult, ReadError> {
    Ok(parse::parse(&read(file_name, bytes)?))
}
