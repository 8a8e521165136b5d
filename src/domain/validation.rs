//! Field-level validation results shared by every input type.

use serde::Serialize;

/// Why one field was refused; `code` is translated by the UI, `max` fills `{max}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// What exactly was wrong, where the code alone does not say (e.g. which program is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// All field errors of one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records an error for `field`.
    pub fn add(&mut self, field: &str, code: &str) {
        self.0.push(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            max: None,
            detail: None,
        });
    }

    /// Turns the collection into a result.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Checks a required single-line text: trimmed, not empty, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, "required");
        } else {
            self.limit(field, value, max);
        }
    }

    /// Checks an optional text for length only.
    pub fn limit(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.0.push(FieldError {
                field: field.to_string(),
                code: "too_long".to_string(),
                max: Some(max),
                detail: None,
            });
        } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.add(field, "control_chars");
        } else if value.chars().any(invisible) {
            self.add(field, "invalid_characters");
        }
    }

    /// The same errors, the last one explained by `detail`.
    pub fn with_detail(mut self, detail: String) -> FieldErrors {
        if let Some(last) = self.0.last_mut() {
            last.detail = Some(detail);
        }
        self
    }

    /// A single error for one field.
    pub fn single(field: &str, code: &str) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.add(field, code);
        e
    }
}

/// Characters that change how text around them is shown without showing themselves:
/// bidirectional overrides and isolates (which can make `gpj.exe` read as `exe.jpg`)
/// and zero-width characters (which make two equal-looking names differ).
pub fn invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}')
}

/// Usual upper bound of a name-like field.
pub const NAME_MAX: usize = 200;
/// Upper bound of a long name (an organisation's full name).
pub const LONG_NAME_MAX: usize = 500;

/// Trims the value and turns an empty string into `None`.
pub fn clean_opt(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_are_required() {
        let mut e = FieldErrors::default();
        e.text("a", "", 10);
        e.text("b", "   ", 10);
        e.text("c", "ok", 10);
        assert_eq!(e.0.len(), 2);
        assert!(e.0.iter().all(|f| f.code == "required"));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let mut e = FieldErrors::default();
        e.text("a", "Отдел", 5);
        assert!(e.0.is_empty(), "five Cyrillic letters fit in five");
        e.text("a", "Отделы", 5);
        assert_eq!(e.0[0].code, "too_long");
        assert_eq!(e.0[0].max, Some(5));
    }

    #[test]
    fn control_characters_are_refused() {
        let mut e = FieldErrors::default();
        e.text("a", "a\u{0}b", 10);
        e.text("r", "evil\u{202E}gpj.exe", 20);
        e.text("z", "Иванов\u{200B}", 20);
        let codes: Vec<_> = e.0.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["control_chars", "invalid_characters", "invalid_characters"]);
    }
}
