//! The approval stamp (УТВЕРЖДАЮ / УТВЪРЖДАВАМ / ОДОБРЯВАМ), dates, person names and
//! organisation lines that stand above a job description.

use super::model::Approval;
use super::norm;

/// If the line opens an approval stamp, the text after the keyword (may be empty).
pub fn approval_start(text: &str) -> Option<String> {
    let f = norm::fold(text);
    for k in [
        "утверждаю",
        "утвърждавам",
        "аз одобрявам",
        "одобрявам",
        "утверждено",
        "утвердил",
    ] {
        if let Some(rest) = f.strip_prefix(k) {
            if rest.starts_with(|c: char| c.is_alphabetic()) {
                return None;
            }
            let skip = k.chars().count();
            let tail: String = text.trim().chars().skip(skip).collect();
            return Some(tail.trim_start_matches([':', ' ', '.']).trim().to_string());
        }
    }
    None
}

/// Puts one line of a stamp into the approval. Returns false when the line does not
/// look like part of a stamp (then the stamp is over).
pub fn absorb(a: &mut Approval, text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || norm::char_len(t) > 120 {
        return false;
    }
    let bare: String = t
        .chars()
        .filter(|c| !matches!(c, '_' | ' ' | '-' | '—' | '–' | '.' | '/'))
        .collect();
    if bare.is_empty() {
        return true;
    }
    if is_date(t) {
        if a.date.is_none() {
            a.date = Some(t.to_string());
        }
        return true;
    }
    let cleaned = t.trim_matches(|c: char| c == '_' || c == ' ').to_string();
    if let Some((pos, name)) = split_name(&cleaned) {
        if a.name.is_none() {
            a.name = Some(name);
        }
        if !pos.is_empty() && a.position.is_none() {
            a.position = Some(pos);
        }
        return true;
    }
    let f = norm::fold(&cleaned);
    if f.starts_with("(подпись")
        || f.starts_with("(подпис")
        || f.starts_with("(фамилия")
        || f.starts_with("м.п")
        || f == "т.т."
    {
        return true;
    }
    if a.position.is_none() && !cleaned.chars().any(|c| c.is_ascii_digit()) {
        let p = cleaned.trim_start_matches('(').trim_end_matches(')').trim();
        if !p.is_empty() {
            a.position = Some(p.to_string());
        }
        return true;
    }
    false
}

/// Dates as printed in stamps: «24» ноября 2026 г., 12.03.2018 г., __.__.20__, 00.00.201_.
pub fn is_date(t: &str) -> bool {
    let f = norm::fold(t);
    const MONTHS: &[&str] = &[
        "январ",
        "феврал",
        "март",
        "апрел",
        "мая",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
        "януари",
        "февруари",
        "май",
        "юни",
        "юли",
        "септември",
        "октомври",
        "ноември",
        "декември",
    ];
    let digits = f.chars().filter(|c| c.is_ascii_digit() || *c == '_').count();
    let datey = f
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '_' | '.' | '«' | '»' | '"' | ' ' | 'г' | '#'))
        .count();
    let len = f.chars().count();
    if len <= 40 && digits >= 2 && MONTHS.iter().any(|m| f.contains(m)) {
        return true;
    }
    len <= 30 && digits >= 4 && f.contains('.') && datey * 10 >= len * 8
}

/// Finds a person's name: "И.О. Фамилия", "Фамилия И.О." or "Имя Отчество Фамилия".
/// Returns (text before the name, the name).
pub fn split_name(t: &str) -> Option<(String, String)> {
    let words: Vec<&str> = t.split_whitespace().filter(|w| !w.chars().all(|c| c == '_')).collect();
    let is_initials = |w: &str| {
        let letters: Vec<char> = w.chars().filter(|c| *c != '.').collect();
        w.contains('.') && !letters.is_empty() && letters.len() <= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    let is_cap = |w: &str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.clone().count() >= 2 && cs.all(char::is_lowercase)
    };
    let n = words.len();
    for i in 0..n {
        // "И.О. Фамилия" / "И. О. Фамилия"
        if is_initials(words[i]) {
            let mut j = i + 1;
            if j < n && is_initials(words[j]) {
                j += 1;
            }
            if j < n && is_cap(words[j]) {
                return Some((words[..i].join(" "), words[i..=j].join(" ")));
            }
            if i > 0 && is_cap(words[i - 1]) {
                let end = if i + 1 < n && is_initials(words[i + 1]) {
                    i + 1
                } else {
                    i
                };
                return Some((words[..i - 1].join(" "), words[i - 1..=end].join(" ")));
            }
        }
    }
    if n >= 3 {
        for i in 0..=n - 3 {
            let patronymic = ["ович", "евич", "ич", "овна", "евна", "ична", "инична"]
                .iter()
                .any(|s| words[i + 1].ends_with(s));
            if is_cap(words[i]) && is_cap(words[i + 1]) && is_cap(words[i + 2]) && patronymic {
                return Some((words[..i].join(" "), words[i..i + 3].join(" ")));
            }
        }
    }
    None
}

/// A line naming the organisation: ООО «…», АО «…», Bulgarian ЕООД/ООД/АД …
pub fn is_organization(t: &str) -> bool {
    let t = t.trim();
    if norm::char_len(t) > 150 {
        return false;
    }
    const FORMS: &[&str] = &[
        "ООО", "ОАО", "ЗАО", "ПАО", "АО", "ИП", "ГУП", "МУП", "ФГУП", "ГБУ", "ГКУ", "МБУ", "МБОУ", "ГБОУ", "АНО",
        "НКО", "ЕООД", "ООД", "ЕАД", "АД", "ЕТ",
    ];
    let first = t.split([' ', '«', '"']).next().unwrap_or("");
    FORMS.contains(&first)
        || norm::fold(t).starts_with("общество с ограниченной")
        || norm::fold(t).starts_with("акционерное общество")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_lines() {
        assert_eq!(approval_start("УТВЕРЖДАЮ"), Some(String::new()));
        assert_eq!(
            approval_start("Утверждаю: Генеральный директор"),
            Some("Генеральный директор".into())
        );
        assert!(approval_start("ОДОБРЯВАМ").is_some());
        assert!(approval_start("Утверждающий документ").is_none());
        let mut a = Approval::default();
        for l in [
            "Генеральный директор ООО «Ромашка»",
            "_____________ И.И. Иванов",
            "«24» ноября 2026 г.",
        ] {
            assert!(absorb(&mut a, l), "{l}");
        }
        assert_eq!(a.position.as_deref(), Some("Генеральный директор ООО «Ромашка»"));
        assert_eq!(a.name.as_deref(), Some("И.И. Иванов"));
        assert_eq!(a.date.as_deref(), Some("«24» ноября 2026 г."));
    }

    #[test]
    fn names_and_dates() {
        assert_eq!(split_name("Иванов И.О.").map(|x| x.1), Some("Иванов И.О.".into()));
        assert_eq!(
            split_name("Евгений Александрович Сараев").map(|x| x.1),
            Some("Евгений Александрович Сараев".into())
        );
        assert!(is_date("__.__.20__"));
        assert!(is_date("12.03.2018 г."));
        assert!(!is_date("Директор"));
        assert!(is_organization("ООО «Проект-А» (ДомКомплект)"));
    }
}
