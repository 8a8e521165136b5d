//! Employees and their assignments to positions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{clean_opt, FieldErrors, NAME_MAX};

/// A person who may hold positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Employee {
    pub id: String,
    pub surname: String,
    pub name: String,
    pub patronymic: String,
    pub personnel_number: String,
    pub email: Option<String>,
}

impl Employee {
    /// "Фамилия Имя Отчество".
    pub fn full_name(&self) -> String {
        [&self.surname, &self.name, &self.patronymic]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// "И.О. Фамилия", as under a signature.
    pub fn initials_surname(&self) -> String {
        let initial = |s: &str| s.chars().next().map(|c| format!("{c}.")).unwrap_or_default();
        format!("{}{} {}", initial(&self.name), initial(&self.patronymic), self.surname)
    }
}

/// What a client sends to create or change an employee.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmployeeInput {
    #[serde(default)]
    pub surname: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default)]
    pub personnel_number: String,
    #[serde(default)]
    pub email: Option<String>,
}

impl EmployeeInput {
    /// Trims and checks the fields that need no database.
    pub fn clean(&self) -> Result<EmployeeInput, FieldErrors> {
        let mut e = FieldErrors::default();
        e.text("surname", &self.surname, NAME_MAX);
        e.text("name", &self.name, NAME_MAX);
        let patronymic = clean_opt(&self.patronymic);
        e.limit("patronymic", patronymic.as_deref().unwrap_or(""), NAME_MAX);
        e.text("personnel_number", &self.personnel_number, 50);
        let email = clean_opt(&self.email);
        if let Some(m) = &email
            && !is_email(m)
        {
            e.add("email", "invalid_email");
        }
        e.into_result()?;
        Ok(EmployeeInput {
            surname: self.surname.trim().into(),
            name: self.name.trim().into(),
            patronymic,
            personnel_number: self.personnel_number.trim().into(),
            email,
        })
    }
}

/// A plausibility check, not RFC 5322: one `@`, a dot in the domain, no spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// An employee holding a position for a period; `date_to` empty while current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub id: String,
    pub employee_id: String,
    pub employee_name: String,
    pub position_id: String,
    pub position_title: String,
    pub date_from: NaiveDate,
    pub date_to: Option<NaiveDate>,
}

impl Assignment {
    /// True when the assignment covers `day`.
    pub fn is_current(&self, day: NaiveDate) -> bool {
        self.date_from <= day && self.date_to.is_none_or(|to| to >= day)
    }
}

/// What a client sends to create or change an assignment; dates as `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignmentInput {
    #[serde(default)]
    pub employee_id: String,
    #[serde(default)]
    pub position_id: String,
    #[serde(default)]
    pub date_from: String,
    #[serde(default)]
    pub date_to: Option<String>,
}

/// An assignment input whose dates were parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAssignment {
    pub employee_id: String,
    pub position_id: String,
    pub date_from: NaiveDate,
    pub date_to: Option<NaiveDate>,
}

impl AssignmentInput {
    /// Parses the dates and checks their order.
    pub fn clean(&self) -> Result<ValidAssignment, FieldErrors> {
        let mut e = FieldErrors::default();
        for (field, value) in [("employee_id", &self.employee_id), ("position_id", &self.position_id)] {
            if value.trim().is_empty() {
                e.add(field, "required");
            }
        }
        let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let date_from = parse(&self.date_from);
        if self.date_from.trim().is_empty() {
            e.add("date_from", "required");
        } else if date_from.is_none() {
            e.add("date_from", "invalid_date");
        }
        let date_to = match clean_opt(&self.date_to) {
            None => None,
            Some(s) => {
                let d = parse(&s);
                if d.is_none() {
                    e.add("date_to", "invalid_date");
                }
                d
            }
        };
        if let (Some(from), Some(to)) = (date_from, date_to)
            && to < from
        {
            e.add("date_to", "date_order");
        }
        e.into_result()?;
        let date_from = date_from.ok_or_else(|| FieldErrors::single("date_from", "invalid_date"))?;
        Ok(ValidAssignment {
            employee_id: self.employee_id.trim().into(),
            position_id: self.position_id.trim().into(),
            date_from,
            date_to,
        })
    }
}

/// "Андрей Викторович Воронцов" or "Воронцов Андрей Викторович" -> "А.В. Воронцов".
pub fn initials(full_name: &str) -> String {
    let parts: Vec<&str> = full_name.split_whitespace().collect();
    match parts.as_slice() {
        [surname, name, patronymic, ..] => {
            let i = |s: &str| s.chars().next().map(|c| format!("{c}.")).unwrap_or_default();
            format!("{}{} {surname}", i(name), i(patronymic))
        }
        [surname, name] => format!("{}. {surname}", name.chars().next().unwrap_or(' ')),
        _ => full_name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(from: &str, to: Option<&str>) -> AssignmentInput {
        AssignmentInput {
            employee_id: "e".into(),
            position_id: "p".into(),
            date_from: from.into(),
            date_to: to.map(Into::into),
        }
    }

    #[test]
    fn dates_parse_and_order_is_checked() {
        assert!(input("2024-01-10", None).clean().is_ok());
        assert!(input("2024-01-10", Some("")).clean().is_ok());
        let e = input("2024-01-10", Some("2023-12-31")).clean().unwrap_err();
        assert_eq!(e.0[0].code, "date_order");
        let e = input("10.01.2024", None).clean().unwrap_err();
        assert_eq!(e.0[0].code, "invalid_date");
    }

    #[test]
    fn current_assignment() {
        let a = input("2024-01-10", Some("2024-12-31")).clean().expect("valid");
        let asg = Assignment {
            id: "a".into(),
            employee_id: a.employee_id,
            employee_name: String::new(),
            position_id: a.position_id,
            position_title: String::new(),
            date_from: a.date_from,
            date_to: a.date_to,
        };
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert!(asg.is_current(d("2024-06-01")));
        assert!(!asg.is_current(d("2025-01-01")));
        assert!(!asg.is_current(d("2024-01-09")));
    }

    #[test]
    fn emails() {
        assert!(is_email("a.petrova@example.ru"));
        for bad in ["", "a", "a@b", "a@@b.ru", "a b@c.ru", "@c.ru", "a@.ru"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn initials() {
        let e = Employee {
            id: String::new(),
            surname: "Петрова".into(),
            name: "Анна".into(),
            patronymic: "Сергеевна".into(),
            personnel_number: "1".into(),
            email: None,
        };
        assert_eq!(e.initials_surname(), "А.С. Петрова");
        assert_eq!(e.full_name(), "Петрова Анна Сергеевна");
    }
}

#[cfg(test)]
mod initials_tests {
    use super::initials;

    #[test]
    fn initials_of_full_names() {
        assert_eq!(initials("Воронцов Андрей Викторович"), "А.В. Воронцов");
        assert_eq!(initials("Смит Джон"), "Д. Смит");
        assert_eq!(initials("Платон"), "Платон");
    }
}
