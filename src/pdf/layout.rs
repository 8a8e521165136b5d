//! The layout engine: pages with margins, paragraphs (justified, hyphenated,
//! with hanging numbers), headings kept with what follows, tables whose rows
//! split across pages under a repeated header, page numbers and a watermark.

use std::collections::BTreeSet;

use super::content::{Op, Repertoire, Run};

use super::text::{em_units, sanitize, width, wrap, Face, HyphenMemo};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
/// Margins of GOST R 7.0.97: 20 mm left, 10 mm right, 20 mm top and bottom.
pub const LEFT: f32 = 20.0 * MM;
pub const RIGHT: f32 = 10.0 * MM;
pub const TOP: f32 = 20.0 * MM;
pub const BOTTOM: f32 = 20.0 * MM;
pub const TEXT_W: f32 = PAGE_W - LEFT - RIGHT;
/// Ascent of Liberation Serif relative to the size.
const ASCENT: f32 = 0.891;
pub const CELL_PAD: f32 = 2.5;

/// Font face and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
}

impl Style {
    pub const fn new(face: Face, size: f32) -> Style {
        Style { face, size }
    }

    /// Distance between baselines.
    pub fn leading(&self) -> f32 {
        self.size * 1.2
    }
}

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

/// A table column.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub width: f32,
}

impl Column {
    /// A column `mm` millimetres wide.
    pub fn mm(title: &str, mm: f32) -> Column {
        Column {
            title: title.to_string(),
            width: mm * MM,
        }
    }
}

/// A laid-out part: page contents, page text, replaced characters, characters drawn.
pub struct Finished {
    pub pages: Vec<Vec<Op>>,
    pub text: Vec<Vec<String>>,
    pub missing: BTreeSet<char>,
    pub repertoire: Repertoire,
}

/// Builds pages top to bottom.
pub struct Flow {
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Text of each page, line by line (for comparing layouts).
    pub page_text: Vec<Vec<String>>,
    y: f32,
    watermark: Option<String>,
    /// Characters the font cannot show, replaced by "?".
    pub missing: BTreeSet<char>,
    /// Characters drawn in each face (the font subsets hold just these).
    repertoire: Repertoire,
    hyphens: HyphenMemo,
    /// Style of the open text section: runs in one style share one BT..ET and Tf.
    text_style: Option<Style>,
}

impl Flow {
    /// Hyphenates the Cyrillic words of what follows as `language` does.
    pub fn hyphenate_as(&mut self, language: crate::domain::language::DocLanguage) {
        self.hyphens.set_language(language);
    }

    /// A flow with its first page; `watermark` is drawn under every page.
    pub fn new(watermark: Option<String>) -> Flow {
        let mut f = Flow {
            pages: Vec::new(),
            ops: Vec::new(),
            page_text: vec![Vec::new()],
            y: TOP,
            watermark,
            missing: BTreeSet::new(),
            repertoire: Repertoire::default(),
            hyphens: HyphenMemo::default(),
            text_style: None,
        };
        f.start_page();
        f
    }

    fn start_page(&mut self) {
        self.y = TOP;
        if let Some(mark) = self.watermark.clone() {
            let size = 90.0;
            let w = width(Face::Bold, size, &mark);
            // Horizontal, light, centred: under the text and still extractable as a word.
            let x = LEFT + (TEXT_W - w) / 2.0;
            let y = PAGE_H / 2.0 - size / 3.0;
            self.ops.extend([Op::Save, Op::Grey(0.88)]);
            self.begin_text(Style::new(Face::Bold, size));
            self.repertoire.add(Face::Bold, &mark);
            self.ops.extend([Op::MoveTo(x, y), Op::Show(vec![Run::Text(mark)])]);
            self.end_text();
            self.ops.push(Op::Restore);
        }
    }

    /// Opens a text section in `style`, or keeps the open one if it matches.
    fn begin_text(&mut self, style: Style) {
        if self.text_style == Some(style) {
            return;
        }
        if self.text_style.is_none() {
            self.ops.push(Op::BeginText);
        }
        self.ops.push(Op::Font(style.face, style.size));
        self.text_style = Some(style);
    }

    /// Closes the open text section before graphics or the end of a page.
    fn end_text(&mut self) {
        if self.text_style.take().is_some() {
            self.ops.push(Op::EndText);
        }
    }

    /// Closes the page and starts the next.
    pub fn new_page(&mut self) {
        self.end_text();
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.page_text.push(Vec::new());
        self.start_page();
    }

    /// Height left on the current page.
    pub fn space_left(&self) -> f32 {
        PAGE_H - BOTTOM - self.y
    }

    /// Starts a new page unless `h` still fits (or the page is empty).
    pub fn ensure(&mut self, h: f32) {
        if h > self.space_left() + 0.01 && self.y > TOP + 0.01 {
            self.new_page();
        }
    }

    /// Moves down.
    pub fn skip(&mut self, h: f32) {
        self.y += h;
    }

    /// Places one run of text with its top-left corner at (x, top).
    fn show(&mut self, style: Style, x: f32, top: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.begin_text(style);
        self.repertoire.add(style.face, text);
        self.ops.extend([
            Op::MoveTo(x, PAGE_H - top - style.size * ASCENT),
            Op::Show(vec![Run::Text(text.to_string())]),
        ]);
        if let Some(p) = self.page_text.last_mut() {
            p.push(text.to_string());
        }
    }

    /// Places a justified line as one TJ: the words, and between them the
    /// kern that moves the pen to where the next word starts.
    fn show_justified(&mut self, style: Style, x: f32, top: f32, words: &[String], measure: f32) {
        let widths: Vec<f32> = words.iter().map(|w| width(style.face, style.size, w)).collect();
        let gap = (measure - widths.iter().sum::<f32>()) / (words.len().saturating_sub(1)).max(1) as f32;
        self.begin_text(style);
        self.ops.push(Op::MoveTo(x, PAGE_H - top - style.size * ASCENT));
        let mut items = Vec::with_capacity(words.len() * 2);
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                // The viewer advances by the file's /W widths (whole thousandths of
                // an em, rounded down), not by our measure; the kern moves the pen
                // from there to where the next word starts, so the edge stays exact.
                let step = (widths[i - 1] + gap) * 1000.0 / style.size;
                let kern = em_units(style.face, &words[i - 1]) - step;
                items.push(Run::Kern(kern));
            }
            self.repertoire.add(style.face, w);
            items.push(Run::Text(w.clone()));
        }
        self.ops.push(Op::Show(items));
        if let Some(p) = self.page_text.last_mut() {
            p.push(words.join(" "));
        }
    }

    /// Lays out a paragraph in the column `x .. x + measure`. A `prefix` (a clause
    /// number) hangs left of the text; `keep` lines are kept together at the start.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        style: Style,
        text: &str,
        x: f32,
        measure: f32,
        align: Align,
        prefix: Option<&str>,
        keep: usize,
    ) {
        let text = sanitize(style.face, text, &mut self.missing);
        let prefix = prefix
            .filter(|p| !p.is_empty())
            .map(|p| sanitize(style.face, p, &mut self.missing));
        let indent = match &prefix {
            Some(p) => (width(style.face, style.size, p) + style.size * 0.5)
                .max(style.size * 2.2)
                .min(measure / 3.0),
            None => 0.0,
        };
        let lines = wrap(style.face, style.size, &text, measure - indent, &mut self.hyphens);
        let lead = style.leading();
        self.ensure(lead * keep.min(lines.len()).max(1) as f32);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(lead);
            let top = self.y;
            if i == 0
                && let Some(p) = &prefix
            {
                self.show(style, x, top, p);
            }
            let tx = x + indent;
            let avail = measure - indent;
            let text = line.text();
            match align {
                Align::Justify if !line.last && line.words.len() > 1 => {
                    self.show_justified(style, tx, top, &line.words, avail)
                }
                Align::Center => {
                    let w = width(style.face, style.size, &text);
                    self.show(style, tx + (avail - w).max(0.0) / 2.0, top, &text)
                }
                Align::Right => {
                    let w = width(style.face, style.size, &text);
                    self.show(style, tx + (avail - w).max(0.0), top, &text)
                }
                _ => self.show(style, tx, top, &text),
            }
            self.y += lead;
        }
    }

    /// A heading that is never left alone at the bottom of a page.
    pub fn heading(&mut self, style: Style, text: &str, next_line: f32) {
        let lines = wrap(style.face, style.size, text, TEXT_W, &mut self.hyphens)
            .len()
            .max(1);
        self.ensure(style.leading() * lines as f32 + style.leading() * 0.5 + next_line * 2.0);
        self.paragraph(style, text, LEFT, TEXT_W, Align::Center, None, lines);
        self.skip(style.leading() * 0.3);
    }

    /// A line between two points given from the top of the page.
    fn stroke(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
        self.end_text();
        self.ops.push(Op::Line(x1, PAGE_H - y1, x2, PAGE_H - y2));
    }

    /// A horizontal rule from `x1` to `x2` at the current position.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.end_text();
        self.ops.push(Op::LineWidth(0.5));
        self.stroke((x1, y), (x2, y));
    }

    /// A filled rectangle (QR modules).
    pub fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32) {
        self.end_text();
        self.ops.push(Op::FillRect(x, PAGE_H - top - h, w, h));
    }

    /// Current position from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Places text at an absolute position (signature lines, stamps).
    pub fn text_at(&mut self, style: Style, x: f32, top: f32, text: &str) {
        let text = sanitize(style.face, text, &mut self.missing);
        self.show(style, x, top, &text);
    }

    fn draw_cells(
        &mut self,
        cols: &[Column],
        cells: &[Vec<String>],
        lines: std::ops::Range<usize>,
        style: Style,
        top: f32,
        h: f32,
    ) {
        let lead = style.leading();
        let mut x = LEFT;
        for (c, col) in cols.iter().enumerate() {
            for (i, line) in cells[c].iter().enumerate().take(lines.end).skip(lines.start) {
                let ty = top + CELL_PAD + (i - lines.start) as f32 * lead;
                self.show(style, x + CELL_PAD, ty, line);
            }
            x += col.width;
        }
        // Borders: top, bottom and every column edge.
        self.end_text();
        self.ops.push(Op::LineWidth(0.5));
        let right = LEFT + cols.iter().map(|c| c.width).sum::<f32>();
        self.stroke((LEFT, top), (right, top));
        self.stroke((LEFT, top + h), (right, top + h));
        let mut x = LEFT;
        self.stroke((x, top), (x, top + h));
        for col in cols {
            x += col.width;
            self.stroke((x, top), (x, top + h));
        }
    }

    fn wrap_cells(&mut self, cols: &[Column], row: &[String], style: Style) -> Vec<Vec<String>> {
        cols.iter()
            .enumerate()
            .map(|(i, col)| {
                let raw = row.get(i).map(String::as_str).unwrap_or("");
                let mut lines = Vec::new();
                // Line breaks in a cell are kept; each part is wrapped to the column.
                for part in raw.split('\n') {
                    let part = sanitize(style.face, part, &mut self.missing);
                    lines.extend(
                        wrap(
                            style.face,
                            style.size,
                            &part,
                            col.width - 2.0 * CELL_PAD,
                            &mut self.hyphens,
                        )
                        .into_iter()
                        .map(|l| l.text()),
                    );
                }
                lines
            })
            .collect()
    }

    fn header(&mut self, cols: &[Column], style: Style) {
        let titles: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
        let cells = self.wrap_cells(cols, &titles, style);
        let n = cells.iter().map(Vec::len).max().unwrap_or(1);
        let h = n as f32 * style.leading() + 2.0 * CELL_PAD;
        let top = self.y;
        self.draw_cells(cols, &cells, 0..n, style, top, h);
        self.y += h;
    }

    /// A bordered table; a row taller than what is left continues on the next
    /// page, and every page repeats the header. Rows are at least `min_row` high.
    pub fn table(&mut self, cols: &[Column], rows: &[Vec<String>], head: Style, body: Style, min_row: f32) {
        let lead = body.leading();
        self.ensure(head.leading() * 3.0 + 2.0 * CELL_PAD + lead * 2.0);
        self.header(cols, head);
        for row in rows {
            let cells = self.wrap_cells(cols, row, body);
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let full = (n as f32 * lead + 2.0 * CELL_PAD).max(min_row);
            let mut from = 0;
            // Start on a new page rather than leave a sliver of a row.
            if full > self.space_left() && self.space_left() < lead * 2.0 + 2.0 * CELL_PAD {
                self.new_page();
                self.header(cols, head);
            }
            while from < n {
                let fit = ((self.space_left() - 2.0 * CELL_PAD) / lead).floor().max(1.0) as usize;
                let to = (from + fit).min(n);
                let h = if from == 0 && to == n {
                    full
                } else {
                    (to - from) as f32 * lead + 2.0 * CELL_PAD
                };
                let top = self.y;
                self.draw_cells(cols, &cells, from..to, body, top, h);
                self.y += h;
                from = to;
                if from < n {
                    self.new_page();
                    self.header(cols, head);
                }
            }
        }
    }

    /// Empty rows (for paper signatures) down to the bottom of the page.
    pub fn blank_rows(&mut self, cols: &[Column], body: Style, row_h: f32) {
        let empty: Vec<Vec<String>> = cols.iter().map(|_| Vec::new()).collect();
        while self.space_left() >= row_h {
            let top = self.y;
            self.draw_cells(cols, &empty, 0..0, body, top, row_h);
            self.y += row_h;
        }
    }

    /// Closes the flow: page numbers from the second page, centred in the top margin.
    pub fn finish(mut self, number_style: Style) -> Finished {
        self.end_text();
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate().skip(1) {
            let n = (i + 1).to_string();
            let w = width(number_style.face, number_style.size, &n);
            self.repertoire.add(number_style.face, &n);
            page.extend([
                Op::BeginText,
                Op::Font(number_style.face, number_style.size),
                Op::MoveTo(LEFT + (TEXT_W - w) / 2.0, PAGE_H - TOP / 2.0 - number_style.size * 0.3),
                Op::Show(vec![Run::Text(n)]),
                Op::EndText,
            ]);
        }
        debug_assert_eq!(total, self.page_text.len());
        Finished {
            pages: self.pages,
            text: self.page_text,
            missing: self.missing,
            repertoire: self.repertoire,
        }
    }
}
