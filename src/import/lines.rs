//! Turns reader paragraphs into logical lines: one line per printed clause, with its
//! leading marker split off. Joins wrapped lines and splits run-together clauses.

use super::headings;
use super::model::Paragraph;
use super::norm;
use super::numbering::{self, Marker};

/// One logical line of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text without its marker.
    pub text: String,
    /// The text as printed, marker included (for dropped lines).
    pub raw: String,
    /// 1-based source line of the first printed line.
    pub line: usize,
    /// Number or bullet found at the start (typed or from `list_number`).
    pub marker: Option<Marker>,
    /// List level from the reader, if any.
    pub list_level: Option<u8>,
    /// Heading level from the reader, if any.
    pub heading_level: Option<u8>,
    /// The paragraph is bold.
    pub bold: bool,
}

/// Builds logical lines from paragraphs.
pub fn logical_lines(paragraphs: &[Paragraph]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut last_line_no = 0usize;
    for p in paragraphs {
        let cleaned = norm::clean(&p.text);
        for (k, sub) in cleaned.split('\n').enumerate() {
            let sub = sub.trim();
            if sub.is_empty() {
                continue;
            }
            // Automatic numbering is treated exactly as if the number were typed.
            let raw = match (&p.list_number, k) {
                (Some(n), 0) if !n.trim().is_empty() => format!("{} {}", norm::clean(n).trim(), sub),
                _ => sub.to_string(),
            };
            let (marker, rest) = numbering::split_marker(&raw);
            let line = Line {
                text: rest.to_string(),
                raw: raw.clone(),
                line: p.line,
                marker,
                list_level: p.list_level,
                heading_level: p.heading_level,
                bold: p.bold,
            };
            let adjacent = k > 0 || p.line <= last_line_no + 1;
            match out.last_mut() {
                Some(prev) if adjacent && is_continuation(prev, &line) => {
                    prev.text = join(&prev.text, &line.text);
                    prev.raw = join(&prev.raw, &line.raw);
                }
                _ => out.push(line),
            }
        }
        last_line_no = p.line;
    }
    split_run_together(out)
}

/// A wrapped line: no marker, and the previous line is not finished. A capitalised
/// line ("Российской Федерации.") is joined only when the previous line plainly breaks
/// off mid-phrase, since lists of unpunctuated items also start each line with a capital.
fn is_continuation(prev: &Line, cur: &Line) -> bool {
    let base = cur.marker.is_none()
        && cur.heading_level.is_none()
        && prev.heading_level.is_none()
        && !norm::ends_terminal(&prev.text)
        && !prev.text.is_empty()
        && headings::heading_kind(&cur.text).is_none()
        && !(prev.marker.is_some() && headings::heading_kind(&prev.text).is_some());
    if !base {
        return false;
    }
    if norm::starts_lowercase(&cur.text) {
        return true;
    }
    cur.text.chars().next().is_some_and(char::is_uppercase)
        && !norm::is_upper(&cur.text)
        && !matches!(prev.marker, Some(Marker::Roman { .. }))
        && headings::heading_kind(&prev.text).is_none()
        && breaks_off(&prev.text)
}

/// Prepositions and conjunctions (Russian and Bulgarian) that cannot end a sentence.
const DANGLING: &[&str] = &[
    "в",
    "во",
    "във",
    "с",
    "со",
    "със",
    "к",
    "ко",
    "към",
    "по",
    "на",
    "от",
    "для",
    "за",
    "о",
    "об",
    "при",
    "из",
    "и",
    "или",
    "а",
    "но",
    "что",
    "че",
    "без",
    "до",
    "под",
    "над",
    "между",
    "через",
    "чрез",
    "у",
    "да",
];

/// The text stops mid-phrase: a trailing comma, dash or open bracket, or a dangling
/// preposition or conjunction.
fn breaks_off(text: &str) -> bool {
    let t = text.trim_end();
    if t.ends_with([',', '(', '-', '–', '—']) {
        return true;
    }
    let last = t.rsplit(char::is_whitespace).next().unwrap_or("");
    // A lone word is a heading or a label, not a clause broken off.
    t.contains(char::is_whitespace) && DANGLING.contains(&norm::fold(last).as_str())
}

fn join(a: &str, b: &str) -> String {
    // A hyphen at the end of a wrapped line stays, without a space ("бизнес-" + "планов").
    if a.ends_with('-') && a.chars().rev().nth(1).is_some_and(char::is_alphabetic) {
        format!("{a}{b}")
    } else {
        format!("{a} {b}")
    }
}

/// Splits "2.2. Text; 2.3. Next" into two lines when the embedded number continues the
/// sequence (own number, or the last number seen before an unnumbered line).
fn split_run_together(lines: Vec<Line>) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    let mut last: Vec<u32> = Vec::new();
    for mut line in lines {
        if let Some(p) = line.marker.as_ref().and_then(Marker::parts) {
            last = p.to_vec();
        }
        while !last.is_empty() {
            let Some((at, parts)) = numbering::find_embedded(&line.text, &last) else {
                break;
            };
            let tail = line.text[at..].to_string();
            let head = line.text[..at].trim_end().to_string();
            let (marker, rest) = numbering::split_marker(&tail);
            if marker.is_none() {
                break;
            }
            let rest = rest.to_string();
            line.raw = match &line.marker {
                Some(_) if line.raw.ends_with(line.text.as_str()) => {
                    let cut = line.raw.len() - line.text.len();
                    format!("{}{}", &line.raw[..cut], head)
                }
                _ => head.clone(),
            };
            line.text = head;
            let next = Line {
                text: rest,
                raw: tail,
                marker,
                ..line.clone()
            };
            out.push(line);
            line = next;
            last = parts;
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, line: usize) -> Paragraph {
        Paragraph {
            text: text.into(),
            line,
            ..Default::default()
        }
    }

    #[test]
    fn joins_wrapped_lines() {
        let ls = logical_lines(&[
            para("2.1. Осуществляет поиск", 1),
            para("клиентов и партнёров.", 2),
            para("2.2. Далее.", 3),
        ]);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].text, "Осуществляет поиск клиентов и партнёров.");
    }

    #[test]
    fn joins_capitalised_line_after_dangling_word() {
        let ls = logical_lines(&[
            para("2.1. Соблюдает требования законодательства", 1),
            para("Российской Федерации.", 2),
        ]);
        assert_eq!(ls.len(), 2, "no dangling word: a new item");
        let ls = logical_lines(&[
            para("2.1. Соблюдает нормы трудового законодательства в", 1),
            para("Российской Федерации.", 2),
        ]);
        assert_eq!(ls.len(), 1);
        assert_eq!(
            ls[0].text,
            "Соблюдает нормы трудового законодательства в Российской Федерации."
        );
        let ls = logical_lines(&[
            para("3.1. Отговаря за сроковете,", 1),
            para("Определени от Директора.", 2),
        ]);
        assert_eq!(ls.len(), 1);
        for second in ["ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ", "Права", "2.2. Далее."] {
            assert_eq!(
                logical_lines(&[para("2.1. Ведёт учёт и", 1), para(second, 2)]).len(),
                2,
                "{second}"
            );
        }
        assert_eq!(
            logical_lines(&[para("2.1. Ведёт учёт и", 1), para("Организует работу.", 3)]).len(),
            2,
            "blank line between"
        );
    }

    #[test]
    fn does_not_join_after_terminal_punctuation() {
        let ls = logical_lines(&[para("Должен знать:", 1), para("законы;", 2)]);
        assert_eq!(ls.len(), 2);
    }

    #[test]
    fn splits_run_together_clauses() {
        let ls = logical_lines(&[para("2.2. Ведёт учёт; 2.3. Готовит отчёты. 2.4. Иное.", 1)]);
        let texts: Vec<_> = ls.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["Ведёт учёт;", "Готовит отчёты.", "Иное."]);
        assert_eq!(ls[2].marker.as_ref().and_then(Marker::parts), Some(&[2u32, 4][..]));
    }

    #[test]
    fn splits_sections_on_newlines() {
        let ls = logical_lines(&[para("1. Общие положения\n1.1. Текст.\n1.2. Ещё.", 4)]);
        assert_eq!(ls.len(), 3);
        assert!(ls.iter().all(|l| l.line == 4));
    }

    #[test]
    fn list_number_equals_typed_number() {
        let auto = Paragraph {
            text: "Текст пункта.".into(),
            line: 1,
            list_number: Some("1.4.".into()),
            ..Default::default()
        };
        let typed = para("1.4. Текст пункта.", 1);
        let a = logical_lines(&[auto]);
        let t = logical_lines(&[typed]);
        assert_eq!(a[0].marker, t[0].marker);
        assert_eq!(a[0].text, t[0].text);
    }

    #[test]
    fn soft_hyphen_and_nbsp() {
        let ls = logical_lines(&[para("1.1.\u{00A0}Обя\u{00AD}занности", 1)]);
        assert_eq!(ls[0].text, "Обязанности");
    }
}
