//! Page content streams, written straight to bytes.
//!
//! printpdf assembles the file: page tree, embedded font subsets with their
//! widths and ToUnicode maps, metadata. The page contents are encoded here,
//! because printpdf's own translation of text costs about a quarter of a
//! microsecond per character (a glyph lookup, allocations, hex digits formatted
//! one byte at a time): more than the whole speed budget for a nine-page
//! document (docs/pdf.md, "Speed").

use std::collections::BTreeSet;

use printpdf::{FontId, PdfFontHandle, Pt, TextItem};

use super::text::Face;
use super::PdfError;

/// One drawing operation; coordinates in points from the bottom-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    BeginText,
    EndText,
    Font(Face, f32),
    /// Starts a line of text at (x, baseline).
    MoveTo(f32, f32),
    Show(Vec<Run>),
    Save,
    Restore,
    /// Fill colour as a grey level (0 black, 1 white).
    Grey(f32),
    LineWidth(f32),
    /// A stroked line from (x1, y1) to (x2, y2).
    Line(f32, f32, f32, f32),
    /// A filled rectangle: x, y, width, height.
    FillRect(f32, f32, f32, f32),
}

/// A piece of a text line: characters, or a kern in thousandths of an em
/// (positive moves left, as in PDF's TJ).
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    Text(String),
    Kern(f32),
}

/// Characters below this are looked up in tables; the rest in sorted lists.
const LOW: usize = 0x500;

/// The characters drawn in each face: what each font subset must hold.
#[derive(Debug, Clone)]
pub struct Repertoire {
    low: [Vec<bool>; 3],
    high: [BTreeSet<char>; 3],
}

impl Default for Repertoire {
    fn default() -> Repertoire {
        Repertoire {
            low: std::array::from_fn(|_| vec![false; LOW]),
            high: Default::default(),
        }
    }
}

impl Repertoire {
    /// Notes the characters of `text` as drawn in `face`.
    pub fn add(&mut self, face: Face, text: &str) {
        let i = face as usize;
        for c in text.chars() {
            match self.low[i].get_mut(c as usize) {
                Some(seen) => *seen = true,
                None => {
                    self.high[i].insert(c);
                }
            }
        }
    }

    /// Adds everything `other` holds.
    pub fn merge(&mut self, other: &Repertoire) {
        for i in 0..3 {
            for (a, b) in self.low[i].iter_mut().zip(&other.low[i]) {
                *a |= *b;
            }
            self.high[i].extend(&other.high[i]);
        }
    }

    /// The characters of `face`, in code-point order.
    pub fn chars(&self, face: Face) -> impl Iterator<Item = char> + '_ {
        let i = face as usize;
        let low = self.low[i]
            .iter()
            .enumerate()
            .filter(|(_, seen)| **seen)
            .filter_map(|(c, _)| char::from_u32(c as u32));
        low.chain(self.high[i].iter().copied())
    }

    /// True when `face` draws nothing (its font is then left out of the file).
    pub fn is_empty(&self, face: Face) -> bool {
        let i = face as usize;
        self.high[i].is_empty() && !self.low[i].iter().any(|s| *s)
    }

    /// A printpdf page that shows every character once per face, so that printpdf
    /// subsets each font to exactly these glyphs and reports their codes.
    pub fn usage_page(&self, fonts: &[FontId; 3]) -> Vec<printpdf::Op> {
        let mut ops = Vec::new();
        for face in Face::ALL.into_iter().filter(|f| !self.is_empty(*f)) {
            ops.extend([
                printpdf::Op::StartTextSection,
                printpdf::Op::SetFont {
                    font: PdfFontHandle::External(fonts[face as usize].clone()),
                    size: Pt(10.0),
                },
                printpdf::Op::ShowText {
                    items: vec![TextItem::Text(self.chars(face).collect())],
                },
                printpdf::Op::EndTextSection,
            ]);
        }
        ops
    }
}

/// The two-byte code of each character in each face's embedded subset.
pub struct Codes {
    low: [Vec<u16>; 3],
    high: [Vec<(char, u16)>; 3],
}

impl Codes {
    /// Reads the codes printpdf gave the characters of `usage_page`: its content
    /// stream holds one hex string per used face, one code per character, in the
    /// order the page listed them. Reading them back, instead of predicting how
    /// printpdf renumbers a subset, keeps the two in step.
    pub fn read(repertoire: &Repertoire, usage_content: &[u8]) -> Result<Codes, PdfError> {
        let mut strings = hex_strings(usage_content);
        let mut codes = Codes {
            low: std::array::from_fn(|_| vec![0; LOW]),
            high: Default::default(),
        };
        for face in Face::ALL.into_iter().filter(|f| !repertoire.is_empty(*f)) {
            let i = face as usize;
            let found = strings
                .next()
                .ok_or_else(|| PdfError::Write(format!("printpdf wrote no codes for {face:?}")))?;
            let chars: Vec<char> = repertoire.chars(face).collect();
            if found.len() != chars.len() {
                return Err(PdfError::Write(format!(
                    "printpdf wrote {} codes for {} characters in {face:?}",
                    found.len(),
                    chars.len()
                )));
            }
            for (c, code) in chars.into_iter().zip(found) {
                match codes.low[i].get_mut(c as usize) {
                    Some(slot) => *slot = code,
                    None => codes.high[i].push((c, code)),
                }
            }
        }
        Ok(codes)
    }

    fn get(&self, face: Face, c: char) -> u16 {
        let i = face as usize;
        match self.low[i].get(c as usize) {
            Some(code) => *code,
            None => self.high[i]
                .binary_search_by_key(&c, |(ch, _)| *ch)
                .map(|k| self.high[i][k].1)
                .unwrap_or(0),
        }
    }
}

/// The hex strings `<...>` of a content stream, each as big-endian u16 codes.
fn hex_strings(content: &[u8]) -> impl Iterator<Item = Vec<u16>> + '_ {
    content.split(|b| *b == b'<').skip(1).map(|rest| {
        let end = rest.iter().position(|b| *b == b'>').unwrap_or(rest.len());
        let digits: Vec<u8> = rest[..end]
            .iter()
            .filter_map(|b| (*b as char).to_digit(16).map(|d| d as u8))
            .collect();
        digits
            .chunks_exact(4)
            .map(|q| q.iter().fold(0u16, |acc, d| acc << 4 | *d as u16))
            .collect()
    })
}

/// Writes numbers and strings in PDF syntax.
struct Writer<'a> {
    out: Vec<u8>,
    codes: &'a Codes,
    names: &'a [FontId; 3],
    face: Face,
}

impl Writer<'_> {
    /// A number with at most two decimals (coordinates are rounded to 1/100 pt).
    fn num(&mut self, v: f32) {
        let hundredths = (v * 100.0).round() as i64;
        if hundredths < 0 {
            self.out.push(b'-');
        }
        let h = hundredths.unsigned_abs();
        self.int(h / 100);
        let frac = h % 100;
        if frac != 0 {
            self.out.push(b'.');
            self.out.push(b'0' + (frac / 10) as u8);
            if !frac.is_multiple_of(10) {
                self.out.push(b'0' + (frac % 10) as u8);
            }
        }
        self.out.push(b' ');
    }

    fn int(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[i..]);
    }

    fn op(&mut self, op: &str) {
        self.out.extend_from_slice(op.as_bytes());
        self.out.push(b'\n');
    }

    /// A literal string of two-byte codes, with the bytes PDF treats specially escaped.
    fn string(&mut self, text: &str) {
        self.out.push(b'(');
        for c in text.chars() {
            for b in self.codes.get(self.face, c).to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => self.out.extend_from_slice(&[b'\\', b]),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    b'\n' => self.out.extend_from_slice(b"\\n"),
                    _ => self.out.push(b),
                }
            }
        }
        self.out.push(b')');
    }

    fn write(&mut self, op: &Op) {
        match op {
            Op::BeginText => self.op("BT"),
            Op::EndText => self.op("ET"),
            Op::Font(face, size) => {
                self.face = *face;
                self.out.push(b'/');
                self.out.extend_from_slice(self.names[*face as usize].0.as_bytes());
                self.out.push(b' ');
                self.num(*size);
                self.op("Tf");
            }
            Op::MoveTo(x, y) => {
                self.out.extend_from_slice(b"1 0 0 1 ");
                self.num(*x);
                self.num(*y);
                self.op("Tm");
            }
            Op::Show(runs) => match runs.as_slice() {
                [Run::Text(t)] => {
                    self.string(t);
                    self.op(" Tj");
                }
                _ => {
                    self.out.push(b'[');
                    for run in runs {
                        match run {
                            Run::Text(t) => self.string(t),
                            Run::Kern(k) => {
                                self.out.push(b' ');
                                self.num(*k);
                            }
                        }
                    }
                    self.op("] TJ");
                }
            },
            Op::Save => self.op("q"),
            Op::Restore => self.op("Q"),
            Op::Grey(g) => {
                self.num(*g);
                self.op("g");
            }
            Op::LineWidth(w) => {
                self.num(*w);
                self.op("w");
            }
            Op::Line(x1, y1, x2, y2) => {
                self.num(*x1);
                self.num(*y1);
                self.out.extend_from_slice(b"m ");
                self.num(*x2);
                self.num(*y2);
                self.op("l S");
            }
            Op::FillRect(x, y, w, h) => {
                self.num(*x);
                self.num(*y);
                self.num(*w);
                self.num(*h);
                self.op("re f");
            }
        }
    }
}

/// Encodes one page's operations as a content stream.
pub fn encode(ops: &[Op], codes: &Codes, names: &[FontId; 3]) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(ops.len() * 24),
        codes,
        names,
        face: Face::Regular,
    };
    for op in ops {
        w.write(op);
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> [FontId; 3] {
        ["R", "B", "I"].map(|n| FontId(n.to_string()))
    }

    #[test]
    fn numbers_are_short_and_exact_to_a_hundredth() {
        let mut rep = Repertoire::default();
        rep.add(Face::Regular, "a");
        let codes = Codes::read(&rep, b"<0007>").expect("codes");
        let out = encode(
            &[Op::FillRect(12.0, -3.5, 0.25, 100.004), Op::LineWidth(0.5)],
            &codes,
            &names(),
        );
        assert_eq!(String::from_utf8_lossy(&out), "12 -3.5 0.25 100 re f\n0.5 w\n");
    }

    #[test]
    fn text_uses_the_codes_printpdf_assigned() {
        let mut rep = Repertoire::default();
        rep.add(Face::Bold, "Да(№");
        let order: String = rep.chars(Face::Bold).collect();
        assert_eq!(order, "(Да№", "code-point order, high characters last");
        // Codes as printpdf would write them for "(Да№"; 0x0A28 is a newline and a parenthesis.
        let codes = Codes::read(&rep, b"BT /B 10 Tf <0001 0A28 0003 0004> Tj ET").expect("codes");
        let out = encode(
            &[
                Op::Font(Face::Bold, 12.0),
                Op::Show(vec![Run::Text("Да".into()), Run::Kern(-250.0), Run::Text("№(".into())]),
            ],
            &codes,
            &names(),
        );
        assert_eq!(
            out,
            b"/B 12 Tf\n[(\\n\\(\x00\x03) -250 (\x00\x04\x00\x01)] TJ\n".to_vec()
        );
    }

    #[test]
    fn a_code_count_that_does_not_match_is_an_error() {
        let mut rep = Repertoire::default();
        rep.add(Face::Regular, "аб");
        assert!(Codes::read(&rep, b"<0001>").is_err());
        assert!(Codes::read(&rep, b"").is_err());
    }
}
