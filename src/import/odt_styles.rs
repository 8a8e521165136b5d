//! ODF styles that matter to the reader: list styles (how list items are
//! numbered) and paragraph/text styles (bold), from content.xml and styles.xml.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::archive::ReadError;
use super::docx_numbering::format_number;
use super::xml::{attr, bad_xml, parse_num, reader};

/// ODF allows ten list levels.
pub const LEVELS: usize = 10;

/// The name under which the outline style (numbering of headings) is kept
/// beside the list styles; no `style:name` can hold a control character.
pub const OUTLINE: &str = "\u{1}outline";

/// How one level of a list style marks its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelStyle {
    /// A bullet character.
    Bullet(String),
    /// A number: `style:num-format`, prefix, suffix, display-levels, start-value.
    Number {
        format: String,
        prefix: String,
        suffix: String,
        display: usize,
        start: u32,
    },
}

/// A `style:style` entry: parent and bold.
#[derive(Debug, Clone, Default)]
struct Style {
    parent: Option<String>,
    bold: Option<bool>,
    list_style: Option<String>,
}

/// List styles and paragraph/text styles by name.
#[derive(Debug, Clone, Default)]
pub struct OdtStyles {
    lists: HashMap<String, Vec<Option<LevelStyle>>>,
    styles: HashMap<String, Style>,
}

impl OdtStyles {
    /// Adds the styles found in one part (styles.xml or content.xml).
    pub fn add_part(&mut self, xml: &str, part: &str) -> Result<(), ReadError> {
        let mut r = reader(xml);
        let mut list: Option<String> = None;
        let mut style: Option<String> = None;
        // The level element being read, for its style:list-level-properties child.
        loop {
            let ev = r.read_event().map_err(|e| bad_xml(part, r.error_position(), e))?;
            let (e, is_start) = match &ev {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    match e.name().as_ref() {
                        "text:list-style" | "text:outline-style" => list = None,
                        "style:style" => style = None,
                        // The body holds no styles: stop reading there.
                        "office:automatic-styles" if part == "content.xml" => break,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match e.name().as_ref() {
                "text:list-style" | "text:outline-style" => {
                    let name = if e.name().as_ref() == "text:outline-style" {
                        OUTLINE.to_string()
                    } else {
                        attr(e, "style:name").unwrap_or_default()
                    };
                    self.lists.insert(name.clone(), vec![None; LEVELS]);
                    list = is_start.then_some(name);
                }
                "text:list-level-style-number" | "text:list-level-style-bullet" | "text:outline-level-style" => {
                    let Some(levels) = list.as_ref().and_then(|l| self.lists.get_mut(l)) else {
                        continue;
                    };
                    let level = parse_num::<usize>(attr(e, "text:level")).unwrap_or(1).clamp(1, LEVELS) - 1;
                    levels[level] = Some(if e.name().as_ref() == "text:list-level-style-bullet" {
                        LevelStyle::Bullet(attr(e, "text:bullet-char").unwrap_or_default())
                    } else {
                        LevelStyle::Number {
                            format: attr(e, "style:num-format").unwrap_or_default(),
                            prefix: attr(e, "style:num-prefix").unwrap_or_default(),
                            suffix: attr(e, "style:num-suffix").unwrap_or_default(),
                            display: parse_num(attr(e, "text:display-levels")).unwrap_or(1),
                            start: parse_num(attr(e, "text:start-value")).unwrap_or(1),
                        }
                    });
                }
                "style:style" => {
                    let name = attr(e, "style:name").unwrap_or_default();
                    let st = Style {
                        parent: attr(e, "style:parent-style-name"),
                        list_style: attr(e, "style:list-style-name"),
                        bold: None,
                    };
                    self.styles.insert(name.clone(), st);
                    style = is_start.then_some(name);
                }
                "style:text-properties" => {
                    if let Some(st) = style.as_ref().and_then(|s| self.styles.get_mut(s))
                        && let Some(w) = attr(e, "fo:font-weight")
                    {
                        st.bold = Some(w == "bold" || w.parse::<u32>().is_ok_and(|n| n >= 600));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Bold of style `name` with its parents, if any says.
    pub fn bold(&self, name: &str) -> Option<bool> {
        let mut next = Some(name);
        for _ in 0..32 {
            let st = self.styles.get(next?)?;
            if st.bold.is_some() {
                return st.bold;
            }
            next = st.parent.as_deref();
        }
        None
    }

    /// The list style a paragraph style attaches, with its parents.
    pub fn list_style_of(&self, name: &str) -> Option<&str> {
        let mut next = Some(name);
        for _ in 0..32 {
            let st = self.styles.get(next?)?;
            if let Some(l) = &st.list_style {
                return Some(l);
            }
            next = st.parent.as_deref();
        }
        None
    }

    /// The definition of `level` (0-based) in list style `list`.
    pub fn level(&self, list: &str, level: usize) -> Option<&LevelStyle> {
        self.lists.get(list)?.get(level)?.as_ref()
    }

    /// Renders the label of an item at `level` with the given counters.
    pub fn render(&self, list: &str, level: usize, counters: &[u32; LEVELS]) -> Option<String> {
        match self.level(list, level)? {
            LevelStyle::Bullet(c) => Some(bullet(c)),
            LevelStyle::Number {
                prefix,
                suffix,
                display,
                ..
            } => {
                let first = (level + 1).saturating_sub((*display).max(1));
                let parts: Vec<String> = (first..=level)
                    .map(|l| {
                        let fmt = match self.level(list, l) {
                            Some(LevelStyle::Number { format, .. }) => format.as_str(),
                            _ => "1",
                        };
                        format_number(counters[l], word_format(fmt))
                    })
                    .collect();
                let text = format!("{prefix}{}{suffix}", parts.join("."));
                (!text.trim().is_empty()).then_some(text)
            }
        }
    }

    /// The start value of `level` in list style `list` (1 when unknown).
    pub fn start(&self, list: Option<&str>, level: usize) -> u32 {
        match list.and_then(|l| self.level(l, level)) {
            Some(LevelStyle::Number { start, .. }) => *start,
            _ => 1,
        }
    }
}

/// Symbol-font private-use bullets and missing bullets print as '•'.
fn bullet(c: &str) -> String {
    let mapped: String = c
        .chars()
        .map(|c| {
            if ('\u{F000}'..='\u{F0FF}').contains(&c) {
                '•'
            } else {
                c
            }
        })
        .collect();
    if mapped.trim().is_empty() {
        "•".into()
    } else {
        mapped
    }
}

/// ODF `style:num-format` ("1", "a", "I", "а"...) to the Word name `format_number` knows.
fn word_format(f: &str) -> &'static str {
    match f {
        "" => "none",
        "a" => "lowerLetter",
        "A" => "upperLetter",
        "i" => "lowerRoman",
        "I" => "upperRoman",
        f if f.starts_with('а') => "russianLower",
        f if f.starts_with('А') => "russianUpper",
        _ => "decimal",
    }
}
