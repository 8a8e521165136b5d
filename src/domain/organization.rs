//! The organisation: the legal entity whose documents these are.

use serde::{Deserialize, Serialize};

use super::validation::{FieldErrors, LONG_NAME_MAX, NAME_MAX};

/// The legal entity (there is one per installation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organization {
    pub full_name: String,
    pub short_name: String,
    pub legal_form: String,
    pub city: String,
    pub head_position: String,
    pub head_name: String,
    /// IANA time zone in which dates are shown, e.g. `Europe/Moscow`.
    pub time_zone: String,
}

impl Organization {
    /// Trims every field and checks lengths and the time zone.
    pub fn clean(&self) -> Result<Organization, FieldErrors> {
        let mut e = FieldErrors::default();
        e.text("full_name", &self.full_name, LONG_NAME_MAX);
        for (field, value) in [
            ("short_name", &self.short_name),
            ("legal_form", &self.legal_form),
            ("city", &self.city),
            ("head_position", &self.head_position),
            ("head_name", &self.head_name),
        ] {
            e.text(field, value, NAME_MAX);
        }
        if self.time_zone.trim().parse::<chrono_tz::Tz>().is_err() {
            e.add("time_zone", "unknown_time_zone");
        }
        e.into_result()?;
        Ok(Organization {
            full_name: self.full_name.trim().into(),
            short_name: self.short_name.trim().into(),
            legal_form: self.legal_form.trim().into(),
            city: self.city.trim().into(),
            head_position: self.head_position.trim().into(),
            head_name: self.head_name.trim().into(),
            time_zone: self.time_zone.trim().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organization {
        Organization {
            full_name: " Общество с ограниченной ответственностью «Ромашка» ".into(),
            short_name: "ООО «Ромашка»".into(),
            legal_form: "ООО".into(),
            city: "Москва".into(),
            head_position: "Генеральный директор".into(),
            head_name: "Иванов Иван Иванович".into(),
            time_zone: "Europe/Moscow".into(),
        }
    }

    #[test]
    fn valid_organisation_is_trimmed() {
        let o = org().clean().expect("valid");
        assert!(o.full_name.starts_with("Общество"));
    }

    #[test]
    fn unknown_time_zone_is_refused() {
        let mut o = org();
        o.time_zone = "Mars/Olympus".into();
        let e = o.clean().unwrap_err();
        assert_eq!(e.0[0].field, "time_zone");
    }
}
