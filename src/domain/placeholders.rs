//! Placeholders like `{position.title_genitive}` in clause text, resolved from organisation data.

use std::collections::HashMap;

use super::declension::{decline, Case};

/// Every placeholder the system knows, with what it stands for (shown in the editor).
pub const KNOWN: [(&str, &str); 9] = [
    ("organization.full_name", "полное наименование организации"),
    ("organization.short_name", "сокращённое наименование организации"),
    ("organization.city", "город (место составления)"),
    ("organization.head_position", "должность руководителя организации"),
    ("organization.head_name", "ФИО руководителя организации"),
    ("position.title", "наименование должности (именительный падеж)"),
    ("position.title_genitive", "наименование должности (родительный падеж)"),
    ("position.reports_to", "должность непосредственного руководителя"),
    ("department.name", "наименование подразделения"),
];

/// Placeholders that also come in other cases (`{position.reports_to:dative}`), and
/// whether they name a person (the accusative of a person is its genitive).
pub const DECLINABLE: [(&str, bool); 4] = [
    ("position.title", true),
    ("position.reports_to", true),
    ("organization.head_position", true),
    ("department.name", false),
];

/// The phrase with its first letter in lower case, unless the first word is an
/// abbreviation or a name written in capitals («ИТ-отдел», «АХО»).
fn lower_first(phrase: &str) -> String {
    let first_word = phrase.split([' ', '-']).next().unwrap_or_default();
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return phrase.to_string();
    }
    let mut chars = phrase.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A placeholder split into its name and the case asked for after a colon.
fn parts(token: &str) -> (&str, Option<&str>) {
    match token.split_once(':') {
        Some((name, case)) => (name, Some(case)),
        None => (token, None),
    }
}

/// True for a placeholder the system can resolve: a known name, and a case only where
/// the name takes one.
pub fn is_known(token: &str) -> bool {
    let (name, case) = parts(token);
    KNOWN.iter().any(|(k, _)| *k == name)
        && case.is_none_or(|c| Case::parse(c).is_some() && DECLINABLE.iter().any(|(d, _)| *d == name))
}

/// Spans of `{a.b}` in text: (byte start, byte end, name).
fn spans(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find('{').map(|i| i + rest) {
        let Some(close) = text[open..].find('}').map(|i| i + open) else {
            break;
        };
        let name = &text[open + 1..close];
        let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        let (base, case) = parts(name);
        let well_formed = base.split_once('.').is_some_and(|(a, b)| ok(a) && ok(b)) && case.is_none_or(ok);
        if well_formed {
            out.push((open, close + 1, name));
            rest = close + 1;
        } else {
            rest = open + 1;
        }
    }
    out
}

/// Placeholder names used in a text, in order.
pub fn names(text: &str) -> Vec<&str> {
    spans(text).into_iter().map(|(_, _, n)| n).collect()
}

/// Placeholders used in a text that the system does not know.
pub fn unknown(text: &str) -> Vec<String> {
    names(text)
        .into_iter()
        .filter(|n| !is_known(n))
        .map(str::to_string)
        .collect()
}

/// Legacy bracket placeholders from imported texts: `[наименование организации]`, `[значение]`.
pub fn legacy(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = &after[..close];
        if !inner.trim().is_empty() && inner.chars().count() <= 80 && inner.chars().any(char::is_alphabetic) {
            out.push(format!("[{inner}]"));
        }
        rest = &after[close + 1..];
    }
    out
}

/// The values placeholders resolve to; a known name without a value is unresolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(pub HashMap<String, String>);

impl Values {
    /// Sets a value, ignoring empty ones (they stay unresolved).
    pub fn set(&mut self, name: &str, value: &str) {
        if !value.trim().is_empty() {
            self.0.insert(name.to_string(), value.to_string());
        }
    }

    /// The value of one placeholder, in the case it asks for.
    fn value(&self, token: &str) -> Option<String> {
        let (name, case) = parts(token);
        let value = self.0.get(name)?;
        let Some(case) = case else { return Some(value.clone()) };
        let case = Case::parse(case)?;
        let animate = DECLINABLE.iter().find(|(d, _)| *d == name)?.1;
        // HR's own genitive of the title wins over the rules.
        if (name, case) == ("position.title", Case::Genitive)
            && let Some(g) = self.0.get("position.title_genitive")
        {
            return Some(g.clone());
        }
        let declined = decline(value, case, animate);
        // In running text a department is a common noun: «работа отдела продаж».
        Some(if name == "department.name" {
            lower_first(&declined)
        } else {
            declined
        })
    }

    /// The text with every resolvable placeholder replaced, and the names left unresolved.
    pub fn resolve(&self, text: &str) -> (String, Vec<String>) {
        let mut out = String::with_capacity(text.len());
        let mut missing = Vec::new();
        let mut last = 0;
        for (start, end, name) in spans(text) {
            out.push_str(&text[last..start]);
            match self.value(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push_str(&text[start..end]);
                    missing.push(name.to_string());
                }
            }
            last = end;
        }
        out.push_str(&text[last..]);
        (out, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_resolves() {
        let mut v = Values::default();
        v.set("position.title_genitive", "менеджера по работе с клиентами");
        v.set("organization.short_name", "ООО «Ромашка»");
        let (text, missing) = v.resolve(
            "Инструкция {position.title_genitive} {organization.short_name}; подчиняется: {position.reports_to}.",
        );
        assert_eq!(
            text,
            "Инструкция менеджера по работе с клиентами ООО «Ромашка»; подчиняется: {position.reports_to}."
        );
        assert_eq!(missing, ["position.reports_to"]);
    }

    #[test]
    fn unknown_names_and_odd_braces() {
        assert_eq!(unknown("{position.salary} и {position.title}"), ["position.salary"]);
        assert!(names("{ не плейсхолдер } {a} {A.b} {x.y").is_empty());
        assert_eq!(names("{{position.title}}"), ["position.title"]);
    }

    #[test]
    fn cases_of_titles() {
        let mut v = Values::default();
        v.set("organization.head_position", "Генеральный директор");
        v.set("position.title", "инженер-программист");
        v.set("position.title_genitive", "инженера-программиста 1 категории");
        v.set("department.name", "Отдел продаж");
        let (text, missing) = v.resolve(
            "приказом {organization.head_position:genitive}; подчиняется {organization.head_position:dative}; \
             должность {position.title:genitive}; работа {department.name:genitive}; {position.reports_to:dative}",
        );
        assert_eq!(
            text,
            "приказом Генерального директора; подчиняется Генеральному директору; \
             должность инженера-программиста 1 категории; работа отдела продаж; {position.reports_to:dative}"
        );
        assert_eq!(missing, ["position.reports_to:dative"]);
        v.set("department.name", "ИТ-отдел");
        assert_eq!(v.resolve("работа {department.name:genitive}").0, "работа ИТ-отдела");
        v.set("department.name", "Склад");
        assert_eq!(
            v.resolve("{department.name}: работа {department.name:genitive}").0,
            "Склад: работа склада"
        );
        assert!(is_known("position.reports_to:dative"));
        assert_eq!(
            unknown("{organization.head_name:dative} {position.title:vocative} {position.title:instrumental}"),
            ["organization.head_name:dative", "position.title:vocative"]
        );
        assert!(names("{position.title:Dative}").is_empty());
    }

    #[test]
    fn legacy_brackets() {
        assert_eq!(
            legacy("Работник [наименование организации] получает [значение] рублей [1]."),
            ["[наименование организации]", "[значение]"]
        );
    }

    #[test]
    fn empty_value_stays_unresolved() {
        let mut v = Values::default();
        v.set("position.reports_to", "  ");
        assert_eq!(v.resolve("{position.reports_to}").1, ["position.reports_to"]);
    }
}
