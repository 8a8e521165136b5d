//! Document title lines ("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ менеджера по …", Bulgarian
//! "ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА на …") and the position name they carry.

use super::norm;

/// What a title line tells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TitleInfo {
    /// The line as printed.
    pub title: String,
    /// Position in the nominative case (best guess), e.g. "Менеджер по продажам".
    pub position_title: Option<String>,
    /// Position as printed after a Russian title (usually genitive).
    pub position_title_genitive: Option<String>,
}

const RU: &[&str] = &["должностная инструкция", "должностные инструкции"];
const BG: &[&str] = &[
    "длъжностна характеристика",
    "длъжностна инструкция",
    "описание на длъжността",
    "описание на работата",
];

/// Recognises a title line; None for ordinary text that merely mentions a job description.
pub fn parse_title(text: &str) -> Option<TitleInfo> {
    let t = text.trim();
    let len = norm::char_len(t);
    if len == 0 || len > 160 || t.ends_with(['.', ';', ',']) || norm::sentence_breaks(t) > 0 || t.contains(". ") {
        return None;
    }
    // Titles start with a capital and have no stray brackets (scraped fragments do).
    if norm::starts_lowercase(t) || t.contains(']') && !t.contains('[') {
        return None;
    }
    let f = norm::fold(t);
    let mut info = TitleInfo {
        title: t.to_string(),
        ..Default::default()
    };
    for (pats, russian) in [(RU, true), (BG, false)] {
        for pat in pats {
            if f.starts_with(pat) {
                // fold() keeps char count, so the tail is found by chars in the original.
                let tail: String = t.chars().skip(pat.chars().count()).collect();
                fill_position(&mut info, &tail, russian);
                return Some(info);
            }
            if f.ends_with(pat) && russian {
                let head: String = t.chars().take(len - pat.chars().count()).collect();
                let head = head.trim().trim_end_matches([':', '-', '–', '—']).trim();
                if !head.is_empty() {
                    info.position_title = Some(norm::sentence_case(head));
                }
                return Some(info);
            }
        }
    }
    None
}

fn fill_position(info: &mut TitleInfo, tail: &str, russian: bool) {
    let mut tail = tail.trim();
    let after_colon = tail.starts_with([':', '-', '–', '—']);
    tail = tail.trim_start_matches([':', '-', '–', '—', ' ']);
    if !russian {
        for prefix in ["на длъжността ", "на длъжност ", "на "] {
            if norm::fold(tail).starts_with(prefix) {
                // Same byte length when both forms are Cyrillic; otherwise keep the tail.
                tail = tail.get(prefix.len()..).map_or(tail, str::trim);
                break;
            }
        }
    }
    let tail = strip_brackets(tail);
    if tail.is_empty() {
        return;
    }
    if russian && !after_colon {
        let printed = if norm::is_upper(&tail) {
            tail.to_lowercase()
        } else {
            tail.clone()
        };
        info.position_title = Some(norm::sentence_case(&nominative(&printed)));
        info.position_title_genitive = Some(printed);
    } else {
        info.position_title = Some(norm::sentence_case(&tail));
    }
}

/// Removes "[…]" placeholders from a position name ("Мениджър[име на компания]").
pub fn strip_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Best-effort nominative of a genitive or dative position name: adjectives and the
/// head noun are turned back, the rest ("по работе с клиентами") kept as is.
pub fn nominative(s: &str) -> String {
    let mut words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    for w in words.iter_mut() {
        let lower = w.to_lowercase();
        if let Some(adj) = adjective(&lower) {
            *w = keep_case(w, &adj);
            continue;
        }
        if let Some(noun) = noun(&lower) {
            *w = keep_case(w, &noun);
        }
        break;
    }
    words.join(" ")
}

fn adjective(w: &str) -> Option<String> {
    for (end, soft) in [("ого", false), ("его", true), ("ому", false), ("ему", true)] {
        if let Some(stem) = w.strip_suffix(end) {
            if stem.chars().count() < 2 {
                return None;
            }
            let velar = stem.ends_with(['г', 'к', 'х', 'ж', 'ш', 'ч', 'щ']);
            return Some(format!("{stem}{}", if soft || velar { "ий" } else { "ый" }));
        }
    }
    None
}

fn noun(w: &str) -> Option<String> {
    let chars: Vec<char> = w.chars().collect();
    if chars.len() < 4 {
        return None;
    }
    let last = chars[chars.len() - 1];
    let before = chars[chars.len() - 2];
    let consonant = !"аеёиоуыэюяьй".contains(before);
    let stem: String = chars[..chars.len() - 1].iter().collect();
    match last {
        'а' | 'у' if consonant => Some(stem),
        'я' | 'ю' if consonant => Some(format!("{stem}ь")),
        'ы' => Some(format!("{stem}а")),
        _ => None,
    }
}

fn keep_case(orig: &str, new: &str) -> String {
    if orig.chars().next().is_some_and(char::is_uppercase) {
        norm::sentence_case(new)
    } else {
        new.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_genitive_title() {
        let t = parse_title("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ менеджера по работе с клиентами").expect("title");
        assert_eq!(
            t.position_title_genitive.as_deref(),
            Some("менеджера по работе с клиентами")
        );
        assert_eq!(t.position_title.as_deref(), Some("Менеджер по работе с клиентами"));
        let t = parse_title("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ РУКОВОДИТЕЛЯ СЛУЖБЫ СЕРВИСА").expect("title");
        assert_eq!(t.position_title.as_deref(), Some("Руководитель службы сервиса"));
        let t = parse_title("Должностная инструкция главного бухгалтера").expect("title");
        assert_eq!(t.position_title.as_deref(), Some("Главный бухгалтер"));
    }

    #[test]
    fn colon_and_suffix_forms() {
        let t = parse_title("Должностная инструкция: Менеджер по продажам").expect("title");
        assert_eq!(t.position_title.as_deref(), Some("Менеджер по продажам"));
        assert_eq!(t.position_title_genitive, None);
        let t = parse_title("РУКОВОДИТЕЛЬ СЛУЖБЫ КЛИЕНТСКОГО СЕРВИСА ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ").expect("title");
        assert_eq!(
            t.position_title.as_deref(),
            Some("Руководитель службы клиентского сервиса")
        );
    }

    #[test]
    fn bulgarian_title() {
        let t = parse_title("ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА на длъжността мениджър продажби").expect("title");
        assert_eq!(t.position_title.as_deref(), Some("Мениджър продажби"));
        let t = parse_title("Длъжностна характеристика на мениджър обслужване на клиенти").expect("title");
        assert_eq!(t.position_title.as_deref(), Some("Мениджър обслужване на клиенти"));
    }

    #[test]
    fn prose_is_not_a_title() {
        assert!(parse_title("Должностная инструкция менеджера применяется для описания. Документ важен.").is_none());
        assert!(parse_title("Длъжностна характеристика на гаранционния мениджър. Отговорности").is_none());
        assert!(parse_title("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ").is_some());
    }
}
