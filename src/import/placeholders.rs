//! Template placeholders in clause text ("[наименование организации]", "{{ name }}",
//! "$company_name", "(Ф.И.О.)", "______") and their mapping to jobdesc placeholders.

use super::norm;

/// One placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// As printed.
    pub printed: String,
    /// The jobdesc placeholder it was replaced with, if the meaning is clear.
    pub mapped: Option<&'static str>,
}

/// Replaces placeholders whose meaning is clear and lists all of them.
pub fn resolve(text: &str) -> (String, Vec<Found>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = placeholder_end(&chars, i) {
            let printed: String = chars[i..end].iter().collect();
            let mapped = map(&printed);
            out.push_str(mapped.unwrap_or(&printed));
            found.push(Found { printed, mapped });
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (out, found)
}

/// End (exclusive char index) of a placeholder starting at `i`, if one starts there.
fn placeholder_end(c: &[char], i: usize) -> Option<usize> {
    let close_within = |open: char, close: char, max: usize| -> Option<usize> {
        if c[i] != open {
            return None;
        }
        let lim = (i + max).min(c.len());
        (i + 1..lim).find(|&j| c[j] == close).map(|j| j + 1)
    };
    match c[i] {
        '{' if c.get(i + 1) == Some(&'{') => {
            let lim = (i + 80).min(c.len());
            (i + 2..lim.saturating_sub(1))
                .find(|&j| c[j] == '}' && c.get(j + 1) == Some(&'}'))
                .map(|j| j + 2)
        }
        '[' => {
            let end = close_within('[', ']', 120)?;
            c[i + 1..end - 1].iter().any(|ch| ch.is_alphabetic()).then_some(end)
        }
        '$' => {
            let mut j = i + 1;
            while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            (j > i + 1 && c[i + 1].is_ascii_alphabetic()).then_some(j)
        }
        '(' => {
            let end = close_within('(', ')', 60)?;
            let inner: String = c[i + 1..end - 1].iter().collect();
            let f = norm::fold(&inner);
            const WORDS: &[&str] = &[
                "ф.и.о",
                "фио",
                "ф. и. о",
                "подпись",
                "наименование",
                "название",
                "должность",
                "фамилия",
                "расшифровка",
                "име на",
                "подпис",
                "дата",
            ];
            WORDS.iter().any(|w| f.starts_with(w)).then_some(end)
        }
        '_' => {
            let mut j = i;
            while j < c.len() && c[j] == '_' {
                j += 1;
            }
            (j - i >= 3).then_some(j)
        }
        _ => None,
    }
}

/// The jobdesc placeholder for a printed one, when its meaning is clear.
fn map(printed: &str) -> Option<&'static str> {
    let f = norm::fold(printed).replace('_', " ");
    let boss = [
        "руковод",
        "ръковод",
        "началник",
        "начальник",
        "директор",
        "непосредствен",
        "пряк",
    ]
    .iter()
    .any(|w| f.contains(w));
    if boss {
        return None;
    }
    let org = [
        "организаци",
        "компани",
        "предприяти",
        "company",
        "organization",
        "организация",
        "фирм",
    ]
    .iter()
    .any(|w| f.contains(w));
    let named = [
        "наименование",
        "название",
        "име на",
        "name",
        "компания",
        "организация",
        "company",
    ]
    .iter()
    .any(|w| f.contains(w));
    if org && named && !f.contains("должност") {
        return Some("{organization.short_name}");
    }
    // "[наименование должности]" is left as it is: in real texts it names the
    // superior who appoints or the substitute as often as the position itself.
    if ["подразделени", "отдел", "department", "звено"]
        .iter()
        .any(|w| f.contains(w))
        && named
    {
        return Some("{department.name}");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_clear_placeholders() {
        let (t, f) = resolve("подчиняется руководителю [наименование организации].");
        assert_eq!(t, "подчиняется руководителю {organization.short_name}.");
        assert_eq!(f.len(), 1);
        let (t, _) = resolve("Работник $company_name и {{ company_name }}");
        assert_eq!(t, "Работник {organization.short_name} и {organization.short_name}");
        let (t, f) = resolve("приказом [наименование должности]");
        assert_eq!(
            t, "приказом [наименование должности]",
            "which position is meant is not clear"
        );
        assert_eq!(f.len(), 1, "but it is reported");
        let (t, _) = resolve("в [наименование структурного подразделения]");
        assert_eq!(t, "в {department.name}");
    }

    #[test]
    fn keeps_unclear_placeholders() {
        let (t, f) = resolve("стаж не менее [значение] лет, (Ф.И.О.) и ______");
        assert_eq!(t, "стаж не менее [значение] лет, (Ф.И.О.) и ______");
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|x| x.mapped.is_none()));
        let (_, f) = resolve("обычный текст (с пояснением) и 5 $");
        assert!(f.is_empty());
    }
}
