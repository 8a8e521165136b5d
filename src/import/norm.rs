//! Character clean-up shared by all readers and the parser.

/// Cleans one paragraph: drops soft hyphens, zero-width characters and CR,
/// turns NBSP and other exotic spaces into a plain space. Tabs and '\n' are kept
/// because they carry meaning (number separator, line break).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\r' => {}
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
            '\u{2028}' | '\u{2029}' | '\u{000B}' | '\u{000C}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    out
}

/// Lower-cases, maps ё→е and Latin look-alikes to Cyrillic when the text is Cyrillic,
/// collapses whitespace: the form all keyword matching is done on.
pub fn fold(s: &str) -> String {
    let cyrillic = s.chars().any(is_cyrillic);
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        let c = if c == 'ё' { 'е' } else { c };
        out.push(if cyrillic { latin_to_cyrillic(c) } else { c });
    }
    out
}

/// True for letters of the Cyrillic block.
pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn latin_to_cyrillic(c: char) -> char {
    match c {
        'a' => 'а',
        'e' => 'е',
        'o' => 'о',
        'p' => 'р',
        'c' => 'с',
        'x' => 'х',
        'y' => 'у',
        'k' => 'к',
        'm' => 'м',
        't' => 'т',
        'b' => 'в',
        'h' => 'н',
        _ => c,
    }
}

/// True when the text ends with sentence or list punctuation.
pub fn ends_terminal(s: &str) -> bool {
    matches!(s.trim_end().chars().last(), Some('.' | ';' | ':' | '!' | '?' | '…'))
}

/// True when the first letter-like char is lowercase.
pub fn starts_lowercase(s: &str) -> bool {
    s.trim_start().chars().next().is_some_and(char::is_lowercase)
}

/// True when the text has letters and none of them is lowercase.
pub fn is_upper(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase)
}

/// "ДОЛЖНОСТНАЯ" → "должностная" when all caps, then the first letter upper-cased.
pub fn sentence_case(s: &str) -> String {
    let base = if is_upper(s) { s.to_lowercase() } else { s.to_string() };
    let mut chars = base.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Number of chars (not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Counts sentence ends followed by a space and an upper-case letter: tells prose from clauses.
pub fn sentence_breaks(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    let mut n = 0;
    for i in 0..chars.len().saturating_sub(2) {
        if matches!(chars[i], '.' | '!' | '?') && chars[i + 1] == ' ' && chars[i + 2].is_uppercase() {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_soft_hyphen_and_nbsp() {
        assert_eq!(clean("обя\u{00AD}занности\u{00A0}и\tтаб"), "обязанности и\tтаб");
    }

    #[test]
    fn folds_lookalikes_and_case() {
        assert_eq!(fold("OБЩИЕ  Положения"), "общие положения");
        assert_eq!(fold("Ёлка"), "елка");
    }

    #[test]
    fn sentence_case_of_caps() {
        assert_eq!(sentence_case("МЕНЕДЖЕР ПО ПРОДАЖАМ"), "Менеджер по продажам");
        assert_eq!(sentence_case("менеджер"), "Менеджер");
    }
}
