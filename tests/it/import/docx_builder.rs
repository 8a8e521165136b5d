//! Builds small .docx (and other zip) files in memory, for tests here and in
//! the main crate. Not used when reading documents.

use std::io::{Cursor, Write};

use zip::result::ZipResult;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// Namespaces Word declares on its root elements (the ones fixtures use).
const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14""#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Escapes text for XML character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes the given (name, content) parts into an in-memory zip.
pub fn try_zip(parts: &[(&str, &[u8])]) -> ZipResult<Vec<u8>> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        w.start_file(*name, SimpleFileOptions::default())?;
        w.write_all(data)?;
    }
    Ok(w.finish()?.into_inner())
}

/// Like `try_zip`; writing to memory does not fail, so this panics only on a zip-crate bug.
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    try_zip(parts).expect("writing a zip to memory")
}

/// A minimal .docx under construction.
#[derive(Debug, Clone, Default)]
pub struct DocxBuilder {
    body: String,
    numbering: Option<String>,
    styles: Option<String>,
    parts: Vec<(String, String)>,
    without_document: bool,
}

impl DocxBuilder {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// A paragraph with optional style, numbering (numId, ilvl) and bold run.
    pub fn para(mut self, text: &str, style: Option<&str>, num: Option<(u32, u8)>, bold: bool) -> Self {
        let mut ppr = String::new();
        if let Some(s) = style {
            ppr.push_str(&format!(r#"<w:pStyle w:val="{}"/>"#, escape(s)));
        }
        if let Some((id, lvl)) = num {
            ppr.push_str(&format!(
                r#"<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{id}"/></w:numPr>"#
            ));
        }
        let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
        self.body.push_str(&format!(
            r#"<w:p><w:pPr>{ppr}</w:pPr><w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            escape(text)
        ));
        self
    }

    /// A plain paragraph.
    pub fn paragraph(self, text: &str) -> Self {
        self.para(text, None, None, false)
    }

    /// A paragraph whose only run is bold.
    pub fn bold(self, text: &str) -> Self {
        self.para(text, None, None, true)
    }

    /// A paragraph with its own `w:numPr`.
    pub fn numbered(self, text: &str, num_id: u32, ilvl: u8) -> Self {
        self.para(text, None, Some((num_id, ilvl)), false)
    }

    /// A paragraph with a paragraph style (`w:pStyle`).
    pub fn styled(self, text: &str, style_id: &str) -> Self {
        self.para(text, Some(style_id), None, false)
    }

    /// Raw XML appended inside `w:body` (tables, text boxes, runs with breaks...).
    pub fn raw(mut self, xml: &str) -> Self {
        self.body.push_str(xml);
        self
    }

    /// numbering.xml: either a whole part or the children of `w:numbering`.
    pub fn numbering_xml(mut self, xml: &str) -> Self {
        self.numbering = Some(wrap(xml, "w:numbering"));
        self
    }

    /// styles.xml: either a whole part or the children of `w:styles`.
    pub fn styles_xml(mut self, xml: &str) -> Self {
        self.styles = Some(wrap(xml, "w:styles"));
        self
    }

    /// Any other part, e.g. `word/header1.xml`.
    pub fn part(mut self, name: &str, content: &str) -> Self {
        self.parts.push((name.to_string(), content.to_string()));
        self
    }

    /// Leaves out `word/document.xml` (for the missing-part case).
    pub fn without_document(mut self) -> Self {
        self.without_document = true;
        self
    }

    /// The document.xml text this builder writes.
    pub fn document_xml(&self) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{}<w:sectPr/></w:body></w:document>"#,
            self.body
        )
    }

    /// The .docx bytes, or the zip writer's error.
    pub fn try_build(&self) -> ZipResult<Vec<u8>> {
        let document = self.document_xml();
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
        ];
        if !self.without_document {
            parts.push(("word/document.xml", document.as_bytes()));
        }
        if let Some(n) = &self.numbering {
            parts.push(("word/numbering.xml", n.as_bytes()));
        }
        if let Some(s) = &self.styles {
            parts.push(("word/styles.xml", s.as_bytes()));
        }
        for (name, content) in &self.parts {
            parts.push((name, content.as_bytes()));
        }
        try_zip(&parts)
    }

    /// The .docx bytes (panics only on a zip-crate bug; for tests).
    pub fn build(&self) -> Vec<u8> {
        self.try_build().expect("writing a docx to memory")
    }
}

/// Wraps children in the part's root element unless `xml` already is a whole part.
fn wrap(xml: &str, root: &str) -> String {
    let t = xml.trim_start();
    if t.starts_with("<?xml") || t.starts_with(&format!("<{root}")) {
        xml.to_string()
    } else {
        format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{root} {NS}>{xml}</{root}>"#)
    }
}
