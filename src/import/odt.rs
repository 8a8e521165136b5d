//! .odt reader: paragraphs, headings, lists and tables of `content.xml`, with
//! list labels computed from the ODF list styles.
//!
//! Element names are matched with the usual ODF prefixes (`text:`, `office:`)
//! that LibreOffice and other producers write.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::archive::{Archive, Limits, ReadError};
use super::model::Paragraph;
use super::odt_styles::{OdtStyles, LEVELS, OUTLINE};
use super::xml::{attr, bad_xml, parse_num, reader, resolve_ref};

/// Content that is not running text: notes, comments, tracked deletions,
/// index templates and drawing titles.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "text:note" | "office:annotation" | "text:tracked-changes" | "svg:title" | "svg:desc"
    ) || (name.starts_with("text:") && name.ends_with("-source"))
}

/// One open `text:list`.
#[derive(Debug)]
struct List {
    style: Option<String>,
    /// `xml:id` of a top-level list, which a later `text:continue-list` may name.
    id: Option<String>,
    /// A `text:list-item` is open whose first paragraph has not been seen.
    pending: bool,
    /// `text:start-value` of the open item.
    item_start: Option<u32>,
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Open {
    index: usize,
    style_bold: bool,
    /// Inside `text:number`: the label a producer wrote out, kept apart from the text.
    label: Option<String>,
    /// Whitespace seen in character data and not yet written (ODF collapses runs of it).
    space: bool,
}

/// Reads an .odt with the default limits.
pub fn read_odt(bytes: &[u8]) -> Result<Vec<Paragraph>, ReadError> {
    read_odt_with(bytes, Limits::default())
}

/// Reads an .odt within the given limits.
pub fn read_odt_with(bytes: &[u8], limits: Limits) -> Result<Vec<Paragraph>, ReadError> {
    let mut archive = Archive::open(bytes, limits)?;
    if let Some(manifest) = archive.read_string("META-INF/manifest.xml")?
        && manifest.contains("encryption-data")
    {
        return Err(ReadError::Encrypted);
    }
    let content = archive.read_required("content.xml")?;
    let mut styles = OdtStyles::default();
    if let Some(xml) = archive.read_string("styles.xml")? {
        styles.add_part(&xml, "styles.xml")?;
    }
    styles.add_part(&content, "content.xml")?;
    let mut paras = body(&content, &styles)?;
    for p in &mut paras {
        p.text = p.text.trim_matches(|c| c == ' ' || c == '\n').to_string();
    }
    Ok(paras
        .into_iter()
        .filter(|p| !p.text.trim().is_empty() || p.list_number.is_some())
        .collect())
}

/// Walks the document body, collecting paragraphs in order.
fn body(xml: &str, styles: &OdtStyles) -> Result<Vec<Paragraph>, ReadError> {
    let mut r = reader(xml);
    let mut out: Vec<Paragraph> = Vec::new();
    // Every paragraph seen, kept or not, for `line`.
    let mut seen = 0usize;
    let mut lists: Vec<List> = Vec::new();
    // Counters of the current top-level list, and of the last list per style
    // for `text:continue-numbering`.
    let mut counters = [0u32; LEVELS];
    let mut last: HashMap<String, [u32; LEVELS]> = HashMap::new();
    let mut by_id: HashMap<String, [u32; LEVELS]> = HashMap::new();
    // Counters of the headings' outline numbering, which runs through the whole text.
    let mut outline = [0u32; LEVELS];
    let mut open: Vec<Open> = Vec::new();
    // Bold of spans, innermost last; Some(false)/Some(true) when a span style says.
    let mut spans: Vec<Option<bool>> = Vec::new();
    let mut bold_ok: HashMap<usize, (bool, bool)> = HashMap::new();
    let mut skip = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| bad_xml("content.xml", r.error_position(), e))?;
        if skip > 0 {
            match ev {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(ev, Event::Start(_));
                let name = e.name();
                let name = name.as_ref();
                if skipped(name) {
                    skip = usize::from(is_start);
                    continue;
                }
                match name {
                    "text:list" if is_start => {
                        let style = attr(e, "text:style-name").or_else(|| lists.last().and_then(|l| l.style.clone()));
                        let id = attr(e, "xml:id");
                        if lists.is_empty() {
                            // `continue-list` names the list to go on with; `continue-numbering`
                            // goes on with the last list of the same style.
                            let named = attr(e, "text:continue-list").and_then(|id| by_id.get(&id).copied());
                            let cont = attr(e, "text:continue-numbering").is_some_and(|v| v == "true");
                            counters = match (named, &style, cont) {
                                (Some(c), _, _) => c,
                                (None, Some(s), true) => last.get(s).copied().unwrap_or([0; LEVELS]),
                                _ => [0; LEVELS],
                            };
                        }
                        lists.push(List {
                            style,
                            id,
                            pending: false,
                            item_start: None,
                        });
                    }
                    "text:list-item" | "text:list-header" if is_start => {
                        if let Some(l) = lists.last_mut() {
                            l.pending = name == "text:list-item";
                            l.item_start = parse_num(attr(e, "text:start-value"));
                        }
                    }
                    "text:p" | "text:h" => {
                        seen += 1;
                        let mut p = Paragraph {
                            line: seen,
                            ..Paragraph::default()
                        };
                        let pstyle = attr(e, "text:style-name");
                        if name == "text:h" {
                            let level: u8 = parse_num(attr(e, "text:outline-level")).unwrap_or(1u8).max(1);
                            p.heading_level = Some(level);
                            if lists.is_empty() && attr(e, "text:is-list-header").is_none_or(|v| v != "true") {
                                let restart = attr(e, "text:restart-numbering").is_some_and(|v| v == "true");
                                let start = restart.then(|| parse_num(attr(e, "text:start-value"))).flatten();
                                number_heading(&mut p, usize::from(level) - 1, &mut outline, styles, start);
                            }
                        }
                        number(&mut p, &mut lists, &mut counters, styles, pstyle.as_deref());
                        let style_bold = pstyle.as_deref().and_then(|s| styles.bold(s)).unwrap_or(false);
                        out.push(p);
                        if is_start {
                            open.push(Open {
                                index: out.len() - 1,
                                style_bold,
                                label: None,
                                space: false,
                            });
                        }
                    }
                    "text:span" if is_start => spans.push(attr(e, "text:style-name").and_then(|s| styles.bold(&s))),
                    "text:number" if is_start => {
                        if let Some(o) = open.last_mut() {
                            o.label = Some(String::new());
                        }
                    }
                    _ => {
                        if let Some(o) = open.last_mut() {
                            leaf(e, &mut out[o.index].text, o);
                        }
                    }
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "text:list" => {
                    if let Some(l) = lists.pop()
                        && lists.is_empty()
                    {
                        if let Some(id) = l.id {
                            by_id.insert(id, counters);
                        }
                        if let Some(s) = l.style {
                            last.insert(s, counters);
                        }
                    }
                }
                "text:number" => {
                    if let Some(o) = open.last_mut()
                        && let Some(label) = o.label.take()
                    {
                        let p = &mut out[o.index];
                        let label = label.trim();
                        if p.list_number.is_none() && !label.is_empty() {
                            p.list_number = Some(label.to_string());
                        }
                    }
                }
                "text:p" | "text:h" => {
                    if let Some(o) = open.pop() {
                        let (any, all) = bold_ok.remove(&o.index).unwrap_or((false, true));
                        out[o.index].bold = any && all;
                    }
                }
                "text:span" => {
                    spans.pop();
                }
                _ => {}
            },
            Event::Text(ref t) => {
                if let Some(o) = open.last_mut() {
                    let s = t.xml10_content();
                    if let Some(label) = &mut o.label {
                        label.push_str(&s);
                        continue;
                    }
                    push_collapsed(&mut out[o.index].text, o, &s);
                    if !s.trim().is_empty() {
                        let bold = spans.iter().rev().find_map(|b| *b).unwrap_or(o.style_bold);
                        let e = bold_ok.entry(o.index).or_insert((false, true));
                        *e = (true, e.1 && bold);
                    }
                }
            }
            Event::GeneralRef(ref g) => {
                if let (Some(o), Some(c)) = (open.last_mut(), resolve_ref(g)) {
                    match &mut o.label {
                        Some(label) => label.push(c),
                        None => push_collapsed(&mut out[o.index].text, o, c.encode_utf8(&mut [0; 4])),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Gives a paragraph its list level and, for an item's first paragraph, its label.
fn number(
    p: &mut Paragraph,
    lists: &mut [List],
    counters: &mut [u32; LEVELS],
    styles: &OdtStyles,
    pstyle: Option<&str>,
) {
    let depth = lists.len();
    let Some(list) = lists.last_mut() else { return };
    let level = (depth - 1).min(LEVELS - 1);
    p.list_level = Some(level as u8);
    if !list.pending {
        return;
    }
    list.pending = false;
    let style = list
        .style
        .clone()
        .or_else(|| pstyle.and_then(|s| styles.list_style_of(s)).map(str::to_string));
    let start = list.item_start.unwrap_or_else(|| styles.start(style.as_deref(), level));
    counters[level] = if counters[level] == 0 || list.item_start.is_some() {
        start
    } else {
        counters[level] + 1
    };
    for c in counters.iter_mut().skip(level + 1) {
        *c = 0;
    }
    // A level never used yet shows its start value in "1.1."-style labels.
    for (l, c) in counters.iter_mut().enumerate().take(level) {
        if *c == 0 {
            *c = styles.start(style.as_deref(), l);
        }
    }
    p.list_number = style.and_then(|s| styles.render(&s, level, counters));
}

/// Gives a heading outside any list its label from the outline style
/// (chapter numbering), which counts all headings of the text in one sequence.
fn number_heading(
    p: &mut Paragraph,
    level: usize,
    outline: &mut [u32; LEVELS],
    styles: &OdtStyles,
    restart: Option<u32>,
) {
    let level = level.min(LEVELS - 1);
    if styles.level(OUTLINE, level).is_none() {
        return;
    }
    outline[level] = match restart {
        Some(start) => start,
        None if outline[level] == 0 => styles.start(Some(OUTLINE), level),
        None => outline[level] + 1,
    };
    for c in outline.iter_mut().skip(level + 1) {
        *c = 0;
    }
    for (l, c) in outline.iter_mut().enumerate().take(level) {
        if *c == 0 {
            *c = styles.start(Some(OUTLINE), l);
        }
    }
    p.list_number = styles.render(OUTLINE, level, outline);
    if p.list_number.is_some() {
        p.list_level = Some(level as u8);
    }
}

/// Inline elements that stand for characters.
fn leaf(e: &BytesStart<'_>, text: &mut String, o: &mut Open) {
    let s = match e.name().as_ref() {
        "text:s" => " ".repeat(parse_num::<usize>(attr(e, "text:c")).unwrap_or(1).clamp(1, 1_000)),
        "text:tab" => "\t".into(),
        "text:line-break" => "\n".into(),
        _ => return,
    };
    if o.space && !text.is_empty() {
        text.push(' ');
    }
    o.space = false;
    text.push_str(&s);
}

/// Appends character data with ODF whitespace collapsing: any run of
/// space/tab/newline is one space, and none at the paragraph start.
fn push_collapsed(text: &mut String, o: &mut Open, s: &str) {
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            o.space = true;
        } else {
            if o.space && !text.is_empty() && !text.ends_with([' ', '\t', '\n']) {
                text.push(' ');
            }
            o.space = false;
            text.push(c);
        }
    }
}
