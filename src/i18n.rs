//! The UI strings (one TOML file per locale, embedded in the binary) and the locale
//! of the request being answered.
//!
//! The locale is set once per request (`web::locale`) for the whole of its handling,
//! so code reads `strings()` without passing a language around. Outside a request
//! (the outbox worker, the CLI) the organisation's language, Russian, is used.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::validation::FieldError;

const RU: &str = include_str!("../templates/i18n/ru.toml");
const EN: &str = include_str!("../templates/i18n/en.toml");

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    /// Every locale, the default first.
    pub const ALL: [Locale; 2] = [Locale::Ru, Locale::En];

    /// The stored code and `lang` attribute: `ru`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    /// The language's own name, as a switch offers it: «Русский», «English».
    pub fn name(self) -> &'static str {
        match self {
            Locale::Ru => "Русский",
            Locale::En => "English",
        }
    }

    /// The locale of a code.
    pub fn parse(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// The first language of an `Accept-Language` header (by weight) that the interface speaks.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut offers: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim().to_ascii_lowercase();
                let weight = bits
                    .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                let primary = tag.split('-').next()?;
                Some((weight, Locale::parse(primary)?))
            })
            .filter(|(w, _)| *w > 0.0)
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, l)| *l)
    }
}

tokio::task_local! {
    static CURRENT: Locale;
}

/// The locale of the request being answered (the default outside one).
pub fn current() -> Locale {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` (a request's handling) with `locale` as the current one.
pub async fn scope<F: std::future::Future>(locale: Locale, f: F) -> F::Output {
    CURRENT.scope(locale, f).await
}

/// Runs blocking work for a request (on another thread) in that request's `locale`.
pub fn sync_scope<T>(locale: Locale, f: impl FnOnce() -> T) -> T {
    CURRENT.sync_scope(locale, f)
}

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
        let form = value.parse::<u64>().map_or(2, |n| plural_form(current(), n));
        let word = forms.get(form).or(forms.last()).copied().unwrap_or("");
        out.replace_range(at..at + len + 1, &format!("{value} {word}"));
    }
    out
}

/// Which of the three forms a count takes. Russian: 0 for 1, 21…; 1 for 2–4, 22–24…;
/// 2 for 0, 5–20, 25–30… English: 0 for 1, 2 for any other count.
pub fn plural_form(locale: Locale, n: u64) -> usize {
    match locale {
        Locale::En if n == 1 => 0,
        Locale::En => 2,
        Locale::Ru => match (n % 10, n % 100) {
            (1, r) if r != 11 => 0,
            (2..=4, r) if !(12..=14).contains(&r) => 1,
            _ => 2,
        },
    }
}

/// The strings of the current request's locale.
pub fn strings() -> &'static Strings {
    strings_for(current())
}

/// The strings of the organisation's language (Russian): for what is stored or printed
/// (notifications, the remarks and register sheets), whoever's request made it.
pub fn organisation() -> &'static Strings {
    strings_for(Locale::default())
}

/// The strings of `locale`.
pub fn strings_for(locale: Locale) -> &'static Strings {
    static S: OnceLock<[Strings; 2]> = OnceLock::new();
    let all = S.get_or_init(|| {
        [(RU, "ru"), (EN, "en")].map(|(text, code)| {
            Strings::parse(text).unwrap_or_else(|e| {
                // The files are compiled in; a test parses them, so this is unreachable in a build that passed.
                tracing::error!("templates/i18n/{code}.toml: {e}");
                Strings {
                    tree: serde_json::Value::Null,
                    flat: HashMap::new(),
                }
            })
        })
    });
    match locale {
        Locale::Ru => &all[0],
        Locale::En => &all[1],
    }
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
    fn english_counts_and_the_locale_of_a_request() {
        assert_eq!(current(), Locale::Ru, "outside a request: the organisation's language");
        let t = "{n:character|characters|characters}";
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let english = runtime.block_on(scope(Locale::En, async {
            assert_eq!(strings().get("nav.logout"), strings_for(Locale::En).get("nav.logout"));
            [1, 2, 21, 0].map(|n| fill(t, "n", &n.to_string()))
        }));
        assert_eq!(
            english,
            ["1 character", "2 characters", "21 characters", "0 characters"]
        );
        assert_eq!(current(), Locale::Ru, "the scope ends with the request");
        assert_ne!(
            strings_for(Locale::En).get("nav.logout"),
            strings_for(Locale::Ru).get("nav.logout")
        );
    }

    #[test]
    fn the_interface_language_from_accept_language() {
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9,ru;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE, ru;q=0.5, en;q=0.4"),
            Some(Locale::Ru)
        );
        assert_eq!(Locale::from_accept_language("de, fr;q=0.8"), None);
        assert_eq!(Locale::from_accept_language("en;q=0, ru;q=0.1"), Some(Locale::Ru));
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn english_has_every_key_of_russian_with_the_same_placeholders() {
        let ru = Strings::parse(RU).expect("ru.toml parses");
        let en = Strings::parse(EN).expect("en.toml parses");
        let names = |text: &str| -> Vec<String> {
            let mut out: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split('}').next())
                .map(|inside| inside.split(':').next().unwrap_or("").to_string())
                .collect();
            out.sort();
            out
        };
        let mut ru_keys: Vec<&String> = ru.flat.keys().collect();
        ru_keys.sort();
        let mut en_keys: Vec<&String> = en.flat.keys().collect();
        en_keys.sort();
        assert_eq!(ru_keys, en_keys, "the same keys in both catalogues");
        for (key, text) in &ru.flat {
            assert_eq!(names(text), names(&en.flat[key]), "placeholders of {key}");
            let cyrillic = en.flat[key].chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
            assert!(!cyrillic, "{key} is not translated: {}", en.flat[key]);
        }
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
