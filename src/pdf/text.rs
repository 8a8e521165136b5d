//! Fonts (embedded once per process), glyph measurement, hyphenation and line breaking.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use hypher::Lang;

use crate::domain::language::DocLanguage;

const REGULAR: &[u8] = include_bytes!("../../static/fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../static/fonts/LiberationSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../static/fonts/LiberationSerif-Italic.ttf");

/// The three faces of the document font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    /// Every face, in the order fonts are added to a document.
    pub const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Italic];

    /// The face's TrueType data.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Italic => ITALIC,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Glyph advances of one face, in font units, and the units per em.
struct Metrics {
    /// Advances for U+0000..U+0500 (Latin and Cyrillic), looked up directly.
    fast: Vec<Option<u16>>,
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

impl Metrics {
    fn load(face: Face) -> Option<Metrics> {
        let parsed = ttf_parser::Face::parse(face.bytes(), 0).ok()?;
        let fast = (0u32..0x500)
            .map(|c| {
                char::from_u32(c)
                    .and_then(|ch| parsed.glyph_index(ch))
                    .and_then(|g| parsed.glyph_hor_advance(g))
            })
            .collect();
        Some(Metrics {
            fast,
            units_per_em: parsed.units_per_em() as f32,
            face: parsed,
        })
    }

    fn advance(&self, c: char) -> Option<u16> {
        match self.fast.get(c as usize) {
            Some(a) => *a,
            None => self.face.glyph_index(c).and_then(|g| self.face.glyph_hor_advance(g)),
        }
    }
}

fn metrics() -> &'static [Option<Metrics>; 3] {
    static M: OnceLock<[Option<Metrics>; 3]> = OnceLock::new();
    M.get_or_init(|| {
        [
            Metrics::load(Face::Regular),
            Metrics::load(Face::Bold),
            Metrics::load(Face::Italic),
        ]
    })
}

/// True when the face has a glyph for `c`.
pub fn has_glyph(face: Face, c: char) -> bool {
    metrics()[face.index()].as_ref().is_some_and(|m| m.advance(c).is_some())
}

/// Width of `text` in points at `size`; characters without a glyph count as "?".
pub fn width(face: Face, size: f32, text: &str) -> f32 {
    let Some(m) = metrics()[face.index()].as_ref() else {
        return text.chars().count() as f32 * size * 0.5;
    };
    let fallback = m.advance('?').unwrap_or(0);
    let units: u32 = text.chars().map(|c| m.advance(c).unwrap_or(fallback) as u32).sum();
    units as f32 * size / m.units_per_em
}

/// Advance of `text` in whole thousandths of an em per glyph, rounded down as
/// printpdf writes them into the font's /W array: where a PDF viewer's pen ends up.
pub fn em_units(face: Face, text: &str) -> f32 {
    let Some(m) = metrics()[face.index()].as_ref() else {
        return 0.0;
    };
    let fallback = m.advance('?').unwrap_or(0);
    let scale = 1000.0 / m.units_per_em;
    text.chars()
        .map(|c| (m.advance(c).unwrap_or(fallback) as f32 * scale).trunc())
        .sum()
}

/// Replaces characters the font cannot show with "?" and notes which they were.
pub fn sanitize(face: Face, text: &str, missing: &mut BTreeSet<char>) -> String {
    text.chars()
        .map(|c| {
            if c == '\t' || c == '\n' {
                ' '
            } else if c.is_control() || !has_glyph(face, c) {
                missing.insert(c);
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// The patterns for a word: English for Latin script, Bulgarian when the word has
/// letters Russian lacks in that use (ѝ), otherwise the document's Cyrillic language.
fn language(word: &str, cyrillic: DocLanguage) -> Lang {
    if word.chars().any(|c| c.is_ascii_alphabetic()) {
        Lang::English
    } else if word.contains(['ѝ', 'Ѝ']) || cyrillic == DocLanguage::Bg {
        Lang::Bulgarian
    } else {
        Lang::Russian
    }
}

/// Byte offsets where `word` of a document in `cyrillic` may be hyphenated
/// (Knuth–Liang patterns).
pub fn hyphen_points(word: &str, cyrillic: DocLanguage) -> Vec<usize> {
    let mut at = 0;
    let mut points = Vec::new();
    for syllable in hypher::hyphenate(word, language(word, cyrillic)) {
        if at > 0 {
            points.push(at);
        }
        at += syllable.len();
    }
    points
}

/// Hyphenation points already found while laying out one file: table rows
/// repeat the same words (every employee of a position has its title), and
/// the patterns are the costly part of layout.
#[derive(Debug, Default)]
pub struct HyphenMemo {
    points: HashMap<String, Vec<usize>>,
    /// The language of the document's Cyrillic words.
    cyrillic: DocLanguage,
}

impl HyphenMemo {
    /// Hyphenates Cyrillic words as `language` does from now on.
    pub fn set_language(&mut self, language: DocLanguage) {
        if self.cyrillic != language {
            self.cyrillic = language;
            self.points.clear();
        }
    }

    fn points(&mut self, word: &str) -> &[usize] {
        if !self.points.contains_key(word) {
            self.points.insert(word.to_string(), hyphen_points(word, self.cyrillic));
        }
        self.points.get(word).map(Vec::as_slice).unwrap_or_default()
    }
}

/// One laid-out line: its words, whether it ends a paragraph, and whether
/// its last word was hyphenated.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub words: Vec<String>,
    pub last: bool,
}

impl Line {
    /// The words joined with single spaces.
    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

/// Splits `word` so that its head plus a hyphen fits `avail`; `None` if no break fits.
fn hyphenate_to_fit(face: Face, size: f32, word: &str, avail: f32, memo: &mut HyphenMemo) -> Option<(String, String)> {
    // The shortest head is two letters and a hyphen; when not even that fits,
    // the patterns need not be consulted (they are the costly part of layout).
    let shortest: String = word.chars().take(2).chain(['-']).collect();
    // Bold text is headings, labels and table headers: set whole, never «ПОД-ПИСЬЮ».
    if face == Face::Bold || word.chars().count() < 4 || width(face, size, &shortest) > avail {
        return None;
    }
    // Letters, not characters: «организаци-» with «и,» left over is one letter on a line.
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
    memo.points(word)
        .iter()
        .rev()
        .map(|b| (&word[..*b], &word[*b..]))
        .find(|(head, tail)| {
            letters(head) >= 2 && letters(tail) >= 2 && width(face, size, &format!("{head}-")) <= avail
        })
        .map(|(head, tail)| (format!("{head}-"), tail.to_string()))
}

/// Splits a word that fits nowhere at the last character that still fits (at least one).
fn hard_split(face: Face, size: f32, word: &str, avail: f32) -> (String, String) {
    let mut cut = 0;
    for (i, c) in word.char_indices() {
        let end = i + c.len_utf8();
        if width(face, size, &word[..end]) > avail && cut > 0 {
            break;
        }
        cut = end;
    }
    (word[..cut].to_string(), word[cut..].to_string())
}

/// Breaks a paragraph into lines no wider than `max`: whole words first, then
/// hyphenation, then (for words longer than a line) a hard break.
pub fn wrap(face: Face, size: f32, text: &str, max: f32, memo: &mut HyphenMemo) -> Vec<Line> {
    let space = width(face, size, " ");
    let mut lines = Vec::new();
    let mut line: Vec<String> = Vec::new();
    let mut line_w = 0.0;
    let mut queue: std::collections::VecDeque<String> = text.split_whitespace().map(str::to_string).collect();
    while let Some(word) = queue.pop_front() {
        let w = width(face, size, &word);
        let need = if line.is_empty() { w } else { line_w + space + w };
        if need <= max {
            line_w = need;
            line.push(word);
            continue;
        }
        let avail = if line.is_empty() { max } else { max - line_w - space };
        if let Some((head, tail)) = hyphenate_to_fit(face, size, &word, avail, memo) {
            line.push(head);
            lines.push(Line {
                words: std::mem::take(&mut line),
                last: false,
            });
            line_w = 0.0;
            queue.push_front(tail);
        } else if !line.is_empty() {
            lines.push(Line {
                words: std::mem::take(&mut line),
                last: false,
            });
            line_w = 0.0;
            queue.push_front(word);
        } else {
            let (head, tail) = hard_split(face, size, &word, max);
            lines.push(Line {
                words: vec![head],
                last: false,
            });
            if !tail.is_empty() {
                queue.push_front(tail);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(Line {
            words: line,
            last: true,
        });
    } else if let Some(l) = lines.last_mut() {
        l.last = true;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_is_measured_with_real_advances() {
        let a = width(Face::Regular, 12.0, "Ш");
        let b = width(Face::Regular, 12.0, "і");
        assert!(a > b * 2.0, "a wide letter is wider than a narrow one: {a} {b}");
        assert!(
            (width(Face::Regular, 24.0, "Ш") - 2.0 * a).abs() < 0.01,
            "width scales with size"
        );
        assert!(width(Face::Bold, 12.0, "Должностная") > width(Face::Regular, 12.0, "Должностная"));
    }

    #[test]
    fn lines_never_exceed_the_measure() {
        let text = "Обеспечивает своевременное и качественное выполнение должностных обязанностей, \
                    предусмотренных настоящей должностной инструкцией, и соблюдение правил внутреннего трудового распорядка.";
        for max in [80.0, 150.0, 300.0] {
            for l in wrap(Face::Regular, 12.0, text, max, &mut HyphenMemo::default()) {
                assert!(
                    width(Face::Regular, 12.0, &l.text()) <= max + 0.01,
                    "{} > {max}",
                    l.text()
                );
            }
        }
    }

    #[test]
    fn bold_text_is_not_hyphenated_and_no_single_letter_is_left_over() {
        let narrow = width(Face::Bold, 9.0, "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОД");
        let lines = wrap(
            Face::Bold,
            9.0,
            "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
            narrow,
            &mut HyphenMemo::default(),
        );
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| !l.text().ends_with('-')), "{lines:?}");
        assert_eq!(lines[1].text(), "ПОДПИСЬЮ");
        // Wherever a regular line breaks «организации,», at least two letters go over.
        for cut in 5..40 {
            let max = width(Face::Regular, 12.0, "устава ") + cut as f32 * 1.5;
            let lines = wrap(
                Face::Regular,
                12.0,
                "устава организации, работы",
                max,
                &mut HyphenMemo::default(),
            );
            for pair in lines.windows(2) {
                if pair[0].text().ends_with('-') {
                    let next = pair[1].words.first().cloned().unwrap_or_default();
                    let letters = next.chars().take_while(|c| c.is_alphabetic()).count();
                    assert!(letters >= 2, "{lines:?}");
                }
            }
        }
    }

    #[test]
    fn a_bulgarian_document_is_hyphenated_with_bulgarian_patterns() {
        let word = "задълженията";
        let (bg, ru) = (
            hyphen_points(word, DocLanguage::Bg),
            hyphen_points(word, DocLanguage::Ru),
        );
        assert!(!bg.is_empty());
        assert_eq!(
            bg,
            hypher::hyphenate(word, Lang::Bulgarian)
                .scan(0, |at, s| {
                    *at += s.len();
                    Some(*at)
                })
                .filter(|p| *p < word.len())
                .collect::<Vec<_>>()
        );
        let mut memo = HyphenMemo::default();
        memo.set_language(DocLanguage::Bg);
        assert_eq!(memo.points(word), bg.as_slice());
        memo.set_language(DocLanguage::Ru);
        assert_eq!(
            memo.points(word),
            ru.as_slice(),
            "the memo forgets the other language's points"
        );
    }

    #[test]
    fn russian_words_are_hyphenated_and_long_words_broken() {
        assert!(!hyphen_points("инструкцией", DocLanguage::Ru).is_empty());
        let lines = wrap(
            Face::Regular,
            12.0,
            "Настоящая должностная инструкция",
            90.0,
            &mut HyphenMemo::default(),
        );
        assert!(lines.iter().any(|l| l.text().ends_with('-')), "{lines:?}");
        let long = "а".repeat(300);
        let lines = wrap(Face::Regular, 12.0, &long, 100.0, &mut HyphenMemo::default());
        assert!(lines.len() > 3);
        let joined: String = lines.iter().map(|l| l.text()).collect();
        assert_eq!(joined, long, "a hard break keeps every character");
        assert!(lines.last().is_some_and(|l| l.last));
    }

    #[test]
    fn missing_glyphs_are_replaced() {
        let mut missing = BTreeSet::new();
        assert_eq!(sanitize(Face::Regular, "Текст 😀 漢", &mut missing), "Текст ? ?");
        assert_eq!(missing.len(), 2);
    }
}
