//! The UI strings (one TOML file per locale, embedded in the binary).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::validation::FieldError;

const RU: &str = include_str!("../templates/i18n/ru.toml");

/// A locale's strings: nested for templates, flattened for code.
pub struct Strings {
    pub tree: serde_json::Value,
    flat: HashMap<String, String>,
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut HashMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

impl Strings {
    fn parse(text: &str) -> Result<Strings, String> {
        let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut flat = HashMap::new();
        flatten("", &value, &mut flat);
        let tree = serde_json::to_value(&value).map_err(|e| e.to_string())?;
        Ok(Strings { tree, flat })
    }

    /// The string for `key`, if the catalogue has one.
    pub fn find(&self, key: &str) -> Option<&str> {
        self.flat.get(key).map(String::as_str)
    }

    /// The string for `key`, or the key itself so a missing string is visible, not fatal.
    pub fn get(&self, key: &str) -> String {
        self.flat.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// The message for one field error, after the field's label when it has one.
    pub fn labelled_field_error(&self, e: &FieldError) -> String {
        match self.flat.get(&format!("field.{}", e.field)) {
            Some(label) => format!("{label}: {}", self.field_error(e)),
            None => self.field_error(e),
        }
    }

    /// The message for one field error.
    pub fn field_error(&self, e: &FieldError) -> String {
        let text = self.get(&format!("errors.{}", e.code));
        let text = match e.max {
            Some(max) => fill(&text, "max", &max.to_string()),
            None => text,
        };
        match &e.detail {
            Some(detail) => format!("{text} ({detail})"),
            None => text,
        }
    }
}

/// `text` with `{name}` replaced by `value`, and `{name:one|few|many}` by the value and
/// the word's form for it: `{n:символ|символа|символов}` gives «1 символ», «3 символа»,
/// «3203 символа», «11 символов». A value that is not a number takes the last form.
pub fn fill(text: &str, name: &str, value: &str) -> String {
    let mut out = text.replace(&format!("{{{name}}}"), value);
    let open = format!("{{{name}:");
    while let Some(at) = out.find(&open) {
        let Some(len) = out[at..].find('}') else { break };
        let forms: Vec<&str> = out[at + open.len()..at + len].split('|').collect();
        let form = value.parse::<u64>().map_or(2, plural_form);
        let word = forms.get(form).or(forms.last()).copied().unwrap_or("");
        out.replace_range(at..at + len + 1, &format!("{value} {word}"));
    }
    out
}

/// Which of the three Russian forms a count takes: 0 for 1, 21…; 1 for 2–4, 22–24…;
/// 2 for 0, 5–20, 25–30…
pub fn plural_form(n: u64) -> usize {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => 0,
        (2..=4, r) if !(12..=14).contains(&r) => 1,
        _ => 2,
    }
}

/// The Russian strings (the only locale so far).
pub fn strings() -> &'static Strings {
    static S: OnceLock<Strings> = OnceLock::new();
    S.get_or_init(|| {
        Strings::parse(RU).unwrap_or_else(|e| {
            // The file is compiled in; a test parses it, so this is unreachable in a build that passed.
            tracing::error!("templates/i18n/ru.toml: {e}");
            Strings {
                tree: serde_json::Value::Null,
                flat: HashMap::new(),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_right_form_of_the_word() {
        let t = "очень длинный пункт ({n:символ|символа|символов})";
        for (n, want) in [
            (1, "1 символ"),
            (3, "3 символа"),
            (3203, "3203 символа"),
            (11, "11 символов"),
            (12, "12 символов"),
            (21, "21 символ"),
            (25, "25 символов"),
            (0, "0 символов"),
            (111, "111 символов"),
        ] {
            assert_eq!(fill(t, "n", &n.to_string()), format!("очень длинный пункт ({want})"));
        }
        assert_eq!(fill("не более {max}", "max", "64"), "не более 64");
        assert_eq!(
            fill("{x:a|b|c} и {x}", "x", "ab"),
            "ab c и ab",
            "not a number: the last form"
        );
    }

    #[test]
    fn russian_strings_parse_and_cover_every_error_code() {
        let s = Strings::parse(RU).expect("ru.toml parses");
        for code in [
            "required",
            "too_long",
            "control_chars",
            "unknown_reference",
            "cycle",
            "duplicate",
            "unknown_category",
            "unknown_role",
            "invalid_login",
            "password_short",
            "invalid_email",
            "invalid_date",
            "date_order",
            "unknown_time_zone",
        ] {
            assert!(s.flat.contains_key(&format!("errors.{code}")), "{code}");
        }
        let e = FieldError {
            field: "name".into(),
            code: "too_long".into(),
            max: Some(200),
            detail: None,
        };
        assert!(s.field_error(&e).contains("200"));
    }
}
