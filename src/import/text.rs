//! Reader for .txt/.md bytes: encoding detection and one paragraph per non-empty line.

use super::error::ReadError;
use super::model::Paragraph;
use encoding_rs::{Encoding, IBM866, KOI8_R, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251};

/// Decodes text bytes and splits them into paragraphs (line = 1-based source line).
pub fn read_text(bytes: &[u8]) -> Result<Vec<Paragraph>, ReadError> {
    let text = decode(bytes)?;
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        out.push(Paragraph {
            text: line.to_string(),
            line: i + 1,
            ..Default::default()
        });
    }
    if out.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(out)
}

/// Decodes bytes: BOM first, then valid UTF-8, then UTF-16 without BOM (many zero
/// bytes on one side), then a Cyrillic single-byte encoding chosen by chardetng.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let enc: &'static Encoding = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        enc
    } else if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else if let Some(enc) = utf16_without_bom(bytes) {
        enc
    } else {
        if bytes.contains(&0) {
            return Err(ReadError::Binary);
        }
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        let guess = det.guess(Some(b"ru"), chardetng::Utf8Detection::Deny);
        // Only Cyrillic single-byte encodings are plausible for job descriptions. chardetng
        // is unsure on short texts, so its guess is checked: real Russian text is mostly
        // lower-case, while KOI8-R read as Windows-1251 (or back) comes out mostly capitals.
        let start = if guess == KOI8_R || guess == IBM866 {
            guess
        } else {
            WINDOWS_1251
        };
        [start, WINDOWS_1251, KOI8_R, IBM866]
            .into_iter()
            .max_by_key(|e| (case_score(e, bytes), *e == start))
            .unwrap_or(start)
    };
    let (text, _, _) = enc.decode(bytes);
    let text = text.into_owned();
    if text.contains('\0') {
        return Err(ReadError::Binary);
    }
    let total = text.chars().count();
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if total > 0 && control * 10 > total {
        return Err(ReadError::Binary);
    }
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

/// Lower-case minus upper-case Cyrillic letters when decoded with `enc`.
fn case_score(enc: &'static Encoding, bytes: &[u8]) -> i64 {
    let (text, _, _) = enc.decode(bytes);
    text.chars()
        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
        .map(|c| if c.is_lowercase() { 1 } else { -1 })
        .sum()
}

fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_zero = bytes.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    // Cyrillic UTF-16 has 0x04 high bytes, ASCII has 0x00: count both as "high side".
    let even_high = bytes.iter().step_by(2).filter(|b| **b == 0 || **b == 4).count();
    let odd_high = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0 || **b == 4).count();
    if odd_high * 10 >= pairs * 9 && odd_zero > 0 && even_zero == 0 {
        Some(UTF_16LE)
    } else if even_high * 10 >= pairs * 9 && even_zero > 0 && odd_zero == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "1. Общие положения\n1.1. Менеджер относится к категории специалистов и подчиняется директору.\n";

    #[test]
    fn utf8_lines() {
        let p = read_text("\n1. Общие\n\n  \n1.1.\tТекст\n".as_bytes()).expect("ok");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].line, 2);
        assert_eq!(p[1].line, 5);
        assert_eq!(p[1].text, "1.1.\tТекст");
    }

    #[test]
    fn utf16_with_bom() {
        for (enc, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let mut bytes = bom.to_vec();
            for u in SAMPLE.encode_utf16() {
                let b = if enc == UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                bytes.extend(b);
            }
            assert_eq!(decode(&bytes).expect("ok"), SAMPLE);
        }
    }

    #[test]
    fn windows_1251_and_koi8() {
        for enc in [WINDOWS_1251, KOI8_R] {
            let (bytes, _, _) = enc.encode(SAMPLE);
            assert_eq!(decode(&bytes).expect("ok"), SAMPLE, "{}", enc.name());
        }
    }

    #[test]
    fn binary_and_empty() {
        assert_eq!(
            read_text(&[0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00, 0xff]),
            Err(ReadError::Binary)
        );
        assert_eq!(read_text(&[1, 2, 3, 4, 5, 6, 7, 8, b'a']), Err(ReadError::Binary));
        assert_eq!(read_text(b""), Err(ReadError::Empty));
        assert_eq!(read_text(b"  \n\n "), Err(ReadError::Empty));
    }
}
