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
            Some(max) => text.replace("{max}", &max.to_string()),
            None => text,
        };
        match &e.detail {
            Some(detail) => format!("{text} ({detail})"),
            None => text,
        }
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
