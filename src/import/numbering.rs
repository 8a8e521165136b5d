//! Leading list markers (typed numbers, Roman numerals, bullets) and numbers embedded
//! in run-together text. All scanning is by chars or ASCII bytes, so slicing is safe.

/// What a line starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// Arabic, possibly multi-level ("1.4.1"); `printed` is as typed minus a trailing '.'.
    Number { parts: Vec<u32>, printed: String },
    /// A Roman section number (Latin letters or the Cyrillic look-alikes І, Х).
    Roman { value: u32, printed: String },
    /// A bullet sign, or the letter of an "а)" item.
    Bullet(char),
}

impl Marker {
    /// The components of an Arabic number.
    pub fn parts(&self) -> Option<&[u32]> {
        match self {
            Marker::Number { parts, .. } => Some(parts),
            _ => None,
        }
    }
}

/// Splits a leading marker from the text. The rest is trimmed.
pub fn split_marker(s: &str) -> (Option<Marker>, &str) {
    let s = s.trim();
    if let Some((parts, printed, end)) = parse_arabic(s, false) {
        let rest = s[end..].trim();
        // "1. 2.1. Text": an automatic number before a typed one; the typed one is more precise.
        if let Some((inner, inner_printed, inner_end)) = parse_arabic(rest, false)
            && inner.len() >= 2
        {
            let inner_rest = rest[inner_end..].trim();
            return (
                Some(Marker::Number {
                    parts: inner,
                    printed: inner_printed,
                }),
                inner_rest,
            );
        }
        return (Some(Marker::Number { parts, printed }), rest);
    }
    if let Some((value, printed, end)) = parse_roman(s) {
        return (Some(Marker::Roman { value, printed }), s[end..].trim());
    }
    if let Some((c, end)) = parse_bullet(s) {
        let rest = s[end..].trim();
        // "• 1.1. Text": keep the number, it carries the structure.
        if let Some((parts, printed, e)) = parse_arabic(rest, false)
            && parts.len() >= 2
        {
            return (Some(Marker::Number { parts, printed }), rest[e..].trim());
        }
        return (Some(Marker::Bullet(c)), rest);
    }
    (None, s)
}

/// Parses "1.", "1.4.1", "2)", "1.ОБЩИЕ". Returns parts, printed form and byte end.
/// `embedded` relaxes nothing but forbids the bare "1 Text" form (too ambiguous mid-line).
pub fn parse_arabic(s: &str, embedded: bool) -> Option<(Vec<u32>, String, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut parts = Vec::new();
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let len = i - start;
        if len == 0 || len > 3 || (parts.is_empty() && len > 2) {
            return None;
        }
        parts.push(s[start..i].parse::<u32>().ok()?);
        if parts.len() > 6 {
            return None;
        }
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            continue;
        }
        break;
    }
    let printed = s[..i].to_string();
    let mut dot = false;
    let mut close = false;
    if i < b.len() && b[i] == b'.' {
        dot = true;
        i += 1;
    } else if i < b.len() && b[i] == b')' {
        close = true;
        i += 1;
    }
    let rest = &s[i..];
    let Some(first) = rest.chars().next() else {
        return (dot || close || parts.len() > 1).then_some((parts, printed, i));
    };
    if first == ' ' || first == '\t' {
        let next = rest.trim_start().chars().next();
        let ok = match next {
            None => dot || close,
            Some(c) if dot || close => !(c.is_ascii_digit() && embedded),
            Some(c) if parts.len() >= 2 => c.is_uppercase() || "[«\"“(".contains(c),
            Some(c) => !embedded && c.is_uppercase() && parts[0] <= 30,
        };
        return ok.then_some((parts, printed, i));
    }
    // Directly glued text: "1.ОБЩИЕ", "1.2.За", "1)текст".
    if (dot || close) && (first.is_alphabetic() || "[«\"“".contains(first)) {
        return Some((parts, printed, i));
    }
    None
}

fn parse_roman(s: &str) -> Option<(u32, String, usize)> {
    let mut value = 0u32;
    let mut prev = 0u32;
    let mut printed = String::new();
    let mut end = 0;
    for (idx, c) in s.char_indices() {
        let v = match c {
            'I' | 'І' | 'Ι' => 1,
            'V' => 5,
            'X' | 'Х' => 10,
            'L' => 50,
            _ => {
                end = idx;
                break;
            }
        };
        value = if v > prev && prev > 0 {
            value + v - 2 * prev
        } else {
            value + v
        };
        prev = v;
        printed.push(c);
        end = idx + c.len_utf8();
        if printed.chars().count() > 6 {
            return None;
        }
    }
    if printed.is_empty() || value == 0 || value > 40 {
        return None;
    }
    let rest = &s[end..];
    let mut chars = rest.chars();
    match chars.next() {
        Some('.') | Some(')') => {
            let after = chars.next();
            if after.is_none_or(|c| c.is_whitespace() || c.is_alphabetic()) {
                Some((value, printed, end + 1))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Bullet signs, including Symbol-font private-use bullets from Word.
fn is_bullet_sign(c: char) -> bool {
    matches!(
        c,
        '•' | '·'
            | '●'
            | '○'
            | '◦'
            | '▪'
            | '■'
            | '□'
            | '►'
            | '▸'
            | '➢'
            | '✓'
            | '✔'
            | '→'
            | '⁃'
            | '∙'
            | '\u{F0B7}'
            | '\u{F0A7}'
            | '\u{F076}'
            | '\u{F0D8}'
            | '\u{F0FC}'
            | '\u{F0A8}'
            | '\u{F02D}'
    )
}

fn parse_bullet(s: &str) -> Option<(char, usize)> {
    let mut it = s.char_indices();
    let (_, c) = it.next()?;
    let next = it.next().map(|(_, n)| n);
    let w = c.len_utf8();
    if is_bullet_sign(c) {
        return Some((c, w));
    }
    match c {
        '-' | '–' | '—' | '*' | '−' => {
            let ok = next.is_some_and(|n| n.is_whitespace() || n.is_alphabetic() || "[«\"“(".contains(n));
            ok.then_some((c, w))
        }
        // Latin "o" is a common Word bullet; Cyrillic "о" is a preposition unless widely spaced.
        'o' => next.is_some_and(|n| n == ' ' || n == '\t').then_some((c, w)),
        'о' => (s[w..].starts_with("  ") || s[w..].starts_with('\t')).then_some((c, w)),
        _ if c.is_alphabetic() && c.is_lowercase() && next == Some(')') => {
            let after = s[w + 1..].chars().next();
            after.is_some_and(char::is_whitespace).then_some((c, w + 1))
        }
        _ => None,
    }
}

/// True when `next` may follow `cur` in one numbered list: next sibling, first child,
/// or the next item of an ancestor ("2.16" → "2.17", "2.16.1", "3").
pub fn is_successor(cur: &[u32], next: &[u32]) -> bool {
    if cur.is_empty() || next.is_empty() {
        return false;
    }
    if next.len() == cur.len() + 1 && next[..cur.len()] == *cur && next[cur.len()] == 1 {
        return true;
    }
    if next.len() <= cur.len() {
        let k = next.len();
        return next[..k - 1] == cur[..k - 1] && next[k - 1] == cur[k - 1] + 1;
    }
    false
}

/// Finds the first embedded number in `text` (after ". ", "; " or ": ") that continues
/// `cur`. Returns its byte offset and parts. Linear: each char is looked at once and each
/// candidate parse reads at most a few bytes.
pub fn find_embedded(text: &str, cur: &[u32]) -> Option<(usize, Vec<u32>)> {
    let mut prev_punct = false;
    let mut seen_space = false;
    for (idx, c) in text.char_indices() {
        if c.is_ascii_digit()
            && prev_punct
            && seen_space
            && let Some((parts, _, _)) = parse_arabic(&text[idx..], true)
        {
            let has_dot = text.as_bytes().get(idx + parts_len_bytes(&parts)) == Some(&b'.');
            if (has_dot || parts.len() >= 2) && is_successor(cur, &parts) {
                return Some((idx, parts));
            }
        }
        if c == ' ' || c == '\t' {
            seen_space = prev_punct;
            continue;
        }
        prev_punct = matches!(c, '.' | ';' | ':' | ']');
        seen_space = false;
    }
    None
}

fn parts_len_bytes(parts: &[u32]) -> usize {
    parts.iter().map(|p| p.to_string().len()).sum::<usize>() + parts.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<Vec<u32>> {
        split_marker(s).0.and_then(|m| m.parts().map(<[u32]>::to_vec))
    }

    #[test]
    fn numbers_of_all_shapes() {
        assert_eq!(num("1.4.1. Нормативными"), Some(vec![1, 4, 1]));
        assert_eq!(num("2.1 Организует"), Some(vec![2, 1]));
        assert_eq!(num("1.ОБЩИЕ ПОЛОЖЕНИЯ"), Some(vec![1]));
        assert_eq!(num("1.2.За длъжност"), Some(vec![1, 2]));
        assert_eq!(num("3.\tПрава"), Some(vec![3]));
        assert_eq!(num("4.    Ответственность"), Some(vec![4]));
        assert_eq!(num("6.1) решаване"), Some(vec![6, 1]));
        assert_eq!(num("    1. 2.1. Законодателни"), Some(vec![2, 1]));
        assert_eq!(split_marker("2.1.1. приему").1, "приему");
    }

    #[test]
    fn not_numbers() {
        assert_eq!(num("115 000 руб."), None);
        assert_eq!(num("12.03.2018 г."), None);
        assert_eq!(num("2018 год"), None);
        assert_eq!(num("15 лет опыта"), None);
    }

    #[test]
    fn roman_latin_and_cyrillic() {
        assert!(matches!(
            split_marker("IV. Отговорност").0,
            Some(Marker::Roman { value: 4, .. })
        ));
        assert!(matches!(
            split_marker("ІІ. Задължения").0,
            Some(Marker::Roman { value: 2, .. })
        ));
        assert!(matches!(
            split_marker("Х. Заключительные").0,
            Some(Marker::Roman { value: 10, .. })
        ));
        assert!(split_marker("Иванов").0.is_none());
    }

    #[test]
    fn bullets() {
        for s in [
            "– текст",
            "- текст",
            "-текст",
            "• текст",
            "o  Ежемесячная",
            "· текст",
            "\u{F0B7} текст",
            "а) текст",
        ] {
            assert!(matches!(split_marker(s).0, Some(Marker::Bullet(_))), "{s}");
        }
        assert!(split_marker("о работе").0.is_none());
        assert!(split_marker("-5% скидка").0.is_none());
    }

    #[test]
    fn embedded_successor() {
        let t = "Участвует в работе; 2.3. Готовит отчеты";
        let (at, parts) = find_embedded(t, &[2, 2]).expect("found");
        assert_eq!(parts, vec![2, 3]);
        assert!(t[at..].starts_with("2.3."));
        assert!(find_embedded("см. п. 5.1. выше", &[2, 2]).is_none());
        assert!(is_successor(&[2, 16], &[3]));
        assert!(is_successor(&[1, 4], &[1, 4, 1]));
        assert!(!is_successor(&[1, 4], &[1, 6]));
    }
}
