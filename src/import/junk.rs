//! Lines that are not part of any job description: site navigation, share buttons,
//! comment forms, salary surveys, legal-database stamps, page numbers, signature sheets.

use super::norm;

/// Reason codes used in `DroppedLine::reason`.
pub const SIGNATURE: &str = "signature_sheet";
/// A list of sources after the document ("Источники", "Литература").
pub const SOURCES: &str = "sources";

const LEGAL: &[&str] = &[
    "консультантплюс",
    "консультант плюс",
    "consultantplus",
    "www.consultant.ru",
    "документ предоставлен",
    "дата сохранения",
    "система гарант",
    "garant.ru",
    "www.garant",
    "техэксперт",
    "сохранено в",
];

const NAV_PREFIX: &[&str] = &[
    "скачать",
    "поделиться",
    "распечатать",
    "вернуться",
    "читайте также",
    "смотрите также",
    "подробнее",
    "общий каталог",
    "список разделов",
    "подписка",
    "заказать",
    "просмотреть",
    "методика расчета",
    "не нашли",
    "мы поможем",
    "изтеглете",
    "изтегли",
    "сподели",
    "прочетете също",
    "общ каталог",
    "общият каталог",
    "источник:",
    "теги:",
    "метки:",
    "рубрики",
    "похожие",
    "поделитесь",
    "далее »",
    "оцените статью",
    "понравилась статья",
];

const COMMENT: &[&str] = &[
    "добавить комментарий",
    "оставить комментарий",
    "ваш адрес email",
    "обязательные поля",
    "отправить комментарий",
    "комментарии",
    "имя *",
    "email *",
    "добави коментар",
    "коментари",
];

const SIGNATURE_MARKS: &[&str] = &[
    "лист ознакомления",
    "с должностной инструкцией ознакомлен",
    "с инструкцией ознакомлен",
    "лист регистрации изменений",
    "согласовано",
    "запознат с",
    "ознакомлен:",
    "№ п/п",
    "дата ознакомления",
    "личная подпись",
    "подпись работника",
];

/// The reason a line is junk, or None. Numbered lines are only checked for stamps
/// and page numbers: a numbered clause is never navigation.
pub fn junk_reason(raw: &str, numbered: bool) -> Option<&'static str> {
    let f = norm::fold(raw);
    let f = f.trim();
    if LEGAL.iter().any(|k| f.contains(k)) && norm::char_len(f) < 200 {
        return Some("legal_database");
    }
    if is_page_number(f) {
        return Some("page_number");
    }
    if numbered {
        return None;
    }
    if [
        "источники",
        "източници",
        "литература",
        "список литературы",
        "използвана литература",
    ]
    .iter()
    .any(|k| f.starts_with(k))
        && norm::char_len(f) <= 40
    {
        return Some(SOURCES);
    }
    if SIGNATURE_MARKS.iter().any(|k| f.starts_with(k)) {
        return Some(SIGNATURE);
    }
    let short = norm::char_len(f) <= 120;
    if short && NAV_PREFIX.iter().any(|k| f.starts_with(k)) {
        return Some("navigation");
    }
    if short && COMMENT.iter().any(|k| f.starts_with(k)) {
        return Some("comment_form");
    }
    if short && is_bare_domain(f) {
        return Some("navigation");
    }
    if short && (f.contains("руб.") || f.contains("зарплат") || f.contains("superjob")) && !f.ends_with(':') {
        return Some("salary_survey");
    }
    if f.starts_with("(.doc") || f.starts_with("(.pdf") || f.starts_with("(.rtf") {
        return Some("navigation");
    }
    None
}

/// "Страница 3 из 5", "стр. 3", "- 3 -", "3 / 5", or a lone number.
fn is_page_number(f: &str) -> bool {
    let stripped: String = f.chars().filter(|c| !c.is_whitespace()).collect();
    if stripped.is_empty() {
        return false;
    }
    let body = stripped.trim_matches(|c| c == '-' || c == '–' || c == '—');
    if !body.is_empty() && body.len() <= 4 && body.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if body.contains('/') && body.chars().all(|c| c.is_ascii_digit() || c == '/') && body.len() <= 9 {
        return true;
    }
    for p in ["страница", "стр.", "page", "стр"] {
        if let Some(rest) = stripped.strip_prefix(p) {
            let rest = rest.replace("из", "/").replace("от", "/").replace("of", "/");
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '/') {
                return true;
            }
        }
    }
    false
}

/// "Prom-Nadzor.ru", "www.site.com": a lone web address.
fn is_bare_domain(f: &str) -> bool {
    !f.contains(' ') && (f.starts_with("http") || f.starts_with("www.") || has_domain(f)) && norm::char_len(f) <= 60
}

/// True when the text contains a web address: "http", "www." or "name.ru"-like token.
pub fn has_domain(f: &str) -> bool {
    let f = f.to_lowercase();
    if f.contains("http://") || f.contains("https://") || f.contains("www.") {
        return true;
    }
    const TLD: &[&str] = &[
        ".ru", ".com", ".net", ".org", ".bg", ".рф", ".su", ".info", ".ua", ".by", ".kz", ".io",
    ];
    f.split(|c: char| c.is_whitespace() || "()[]«»\"',;".contains(c))
        .any(|tok| {
            let tok = tok.trim_end_matches(['.', ':', '!', '?']);
            TLD.iter().any(|t| {
                tok.ends_with(t) && tok.len() > t.len() + 1 && {
                    let name = &tok[..tok.len() - t.len()];
                    name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                        && name.chars().any(char::is_alphabetic)
                }
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_and_forms() {
        assert_eq!(
            junk_reason(
                "Скачать должностную инструкцию: Должностная инструкция менеджера",
                false
            ),
            Some("navigation")
        );
        assert_eq!(junk_reason("Поделиться:", false), Some("navigation"));
        assert_eq!(junk_reason("Добавить комментарий", false), Some("comment_form"));
        assert_eq!(junk_reason("Prom-Nadzor.ru", false), Some("navigation"));
        assert_eq!(junk_reason("115 000 руб.", false), Some("salary_survey"));
    }

    #[test]
    fn legal_database_and_pages() {
        assert_eq!(
            junk_reason("Документ предоставлен КонсультантПлюс", false),
            Some("legal_database")
        );
        assert_eq!(
            junk_reason("Дата сохранения: 12.03.2020", false),
            Some("legal_database")
        );
        assert_eq!(junk_reason("Страница 3 из 5", false), Some("page_number"));
        assert_eq!(junk_reason("12", false), Some("page_number"));
        assert_eq!(junk_reason("- 4 -", false), Some("page_number"));
    }

    #[test]
    fn clauses_are_not_junk() {
        assert_eq!(junk_reason("Менеджер по работе с клиентами имеет право:", false), None);
        assert_eq!(junk_reason("Организовать подписку на сеть new-commerce.ru", true), None);
        assert!(has_domain(
            "Организовать подписку на любую социальную сеть new-commerce.ru"
        ));
        assert!(!has_domain("Правила и нормы охраны труда."));
    }
}
