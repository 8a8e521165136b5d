//! `word/styles.xml`: what a paragraph or character style contributes
//! (heading level, bold, numbering), with `w:basedOn` chains resolved.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::archive::ReadError;
use super::xml::{attr, bad_xml, on_off, parse_num, reader};

/// `w:basedOn` chains longer than this are treated as cycles.
const MAX_CHAIN: usize = 32;

/// One style's own (not inherited) properties.
#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    /// From the style name ("heading 2", "Заголовок 2") or id ("Heading2").
    heading: Option<u8>,
    /// `w:outlineLvl` + 1; 0-based 9 means body text and is not kept.
    outline: Option<u8>,
    bold: Option<bool>,
    num_id: Option<u32>,
    ilvl: Option<u8>,
}

/// A paragraph style's effective properties after inheritance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParaStyle {
    /// Heading level 1..=9.
    pub heading_level: Option<u8>,
    /// The style makes runs bold.
    pub bold: bool,
    /// `w:numId` from the style chain (0 = numbering off).
    pub num_id: Option<u32>,
    /// `w:ilvl` from the style chain.
    pub ilvl: Option<u8>,
}

/// All styles of a document.
#[derive(Debug, Clone, Default)]
pub struct StyleSheet {
    styles: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

/// "Heading3", "heading 3", "Заголовок 3" → 3.
fn heading_from_name(name: &str) -> Option<u8> {
    let lower = name.trim().to_lowercase();
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("заголовок"))?
        .trim_start();
    match rest.parse::<u8>() {
        Ok(n @ 1..=9) => Some(n),
        _ => None,
    }
}

impl StyleSheet {
    /// Parses styles.xml; an absent part gives an empty sheet.
    pub fn parse(xml: &str) -> Result<Self, ReadError> {
        let mut r = reader(xml);
        let mut sheet = StyleSheet::default();
        let mut cur: Option<(String, Style)> = None;
        // Where we are inside the current w:style.
        let (mut in_ppr, mut in_rpr, mut in_numpr) = (false, false, false);
        // Table-conditional formatting and revision marks carry pPr/rPr
        // that are not the style's own: skip them whole.
        let mut skip = 0usize;
        loop {
            let ev = r
                .read_event()
                .map_err(|e| bad_xml("styles.xml", r.error_position(), e))?;
            let (e, is_start) = match &ev {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    match e.name().as_ref() {
                        "w:style" => {
                            if let Some((id, st)) = cur.take() {
                                sheet.styles.insert(id, st);
                            }
                        }
                        "w:pPr" => in_ppr = false,
                        "w:rPr" => in_rpr = false,
                        "w:numPr" => in_numpr = false,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            if skip > 0 {
                skip += usize::from(is_start);
                continue;
            }
            let name = e.name();
            match name.as_ref() {
                "w:tblStylePr" | "w:pPrChange" | "w:rPrChange" if is_start => skip = 1,
                "w:style" => {
                    let id = attr(e, "w:styleId").unwrap_or_default();
                    let kind = attr(e, "w:type").unwrap_or_else(|| "paragraph".into());
                    if kind == "paragraph" && attr(e, "w:default").is_some_and(|v| v == "1" || v == "true") {
                        sheet.default_paragraph = Some(id.clone());
                    }
                    let st = Style {
                        heading: heading_from_name(&id),
                        ..Style::default()
                    };
                    if is_start {
                        cur = Some((id, st));
                    }
                }
                _ => {
                    if let Some((_, st)) = cur.as_mut() {
                        apply(st, e, is_start, &mut in_ppr, &mut in_rpr, &mut in_numpr);
                    }
                }
            }
        }
        Ok(sheet)
    }

    /// Effective properties of paragraph style `id` (the default paragraph style when None).
    pub fn paragraph(&self, id: Option<&str>) -> ParaStyle {
        let mut out = ParaStyle::default();
        let (mut heading, mut outline, mut bold) = (None, None, None);
        let mut next = id.or(self.default_paragraph.as_deref());
        if let Some(n) = next.filter(|n| !self.styles.contains_key(*n)) {
            // A style id that styles.xml does not define (a generator that
            // wrote no styles part, say) can still say "Heading2".
            heading = heading_from_name(n);
        }
        for _ in 0..MAX_CHAIN {
            let Some(st) = next.and_then(|n| self.styles.get(n)) else {
                break;
            };
            heading = heading.or(st.heading);
            outline = outline.or(st.outline);
            bold = bold.or(st.bold);
            out.num_id = out.num_id.or(st.num_id);
            out.ilvl = out.ilvl.or(st.ilvl);
            next = st.based_on.as_deref();
        }
        out.heading_level = heading.or(outline);
        out.bold = bold.unwrap_or(false);
        out
    }

    /// Whether character style `id` (with its chain) sets bold, if it says.
    pub fn char_bold(&self, id: &str) -> Option<bool> {
        let mut next = Some(id);
        for _ in 0..MAX_CHAIN {
            let st = self.styles.get(next?)?;
            if st.bold.is_some() {
                return st.bold;
            }
            next = st.based_on.as_deref();
        }
        None
    }

    /// The default paragraph style's id, if the sheet names one.
    pub fn default_paragraph(&self) -> Option<&str> {
        self.default_paragraph.as_deref()
    }
}

/// Applies one child element of `w:style` to the style being built.
fn apply(
    st: &mut Style,
    e: &BytesStart<'_>,
    is_start: bool,
    in_ppr: &mut bool,
    in_rpr: &mut bool,
    in_numpr: &mut bool,
) {
    match e.name().as_ref() {
        "w:name" => {
            if let Some(h) = attr(e, "w:val").as_deref().and_then(heading_from_name) {
                st.heading = Some(h);
            }
        }
        "w:basedOn" => st.based_on = attr(e, "w:val"),
        "w:pPr" => *in_ppr = is_start,
        "w:rPr" => *in_rpr = is_start,
        "w:numPr" if *in_ppr => *in_numpr = is_start,
        "w:numId" if *in_numpr => st.num_id = parse_num(attr(e, "w:val")),
        "w:ilvl" if *in_numpr => st.ilvl = parse_num(attr(e, "w:val")),
        "w:outlineLvl" if *in_ppr => {
            st.outline = parse_num::<u8>(attr(e, "w:val")).filter(|l| *l < 9).map(|l| l + 1);
        }
        "w:b" if *in_rpr => st.bold = Some(on_off(e, "w:val")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        assert_eq!(heading_from_name("heading 1"), Some(1));
        assert_eq!(heading_from_name("Heading2"), Some(2));
        assert_eq!(heading_from_name("Заголовок 3"), Some(3));
        assert_eq!(heading_from_name("Normal"), None);
        assert_eq!(heading_from_name("heading 10"), None);
    }

    #[test]
    fn based_on_chain_and_cycle() {
        let xml = r#"<w:styles xmlns:w="x">
          <w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
          <w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr><w:rPr><w:b/></w:rPr></w:style>
        </w:styles>"#;
        let s = StyleSheet::parse(xml).expect("parses");
        let p = s.paragraph(Some("A"));
        assert_eq!((p.num_id, p.ilvl, p.bold), (Some(7), Some(1), true));
    }
}
