//! Departments and positions: the staff structure documents are written for.

use serde::{Deserialize, Serialize};

use super::validation::{clean_opt, FieldErrors, NAME_MAX};

/// A structural unit; units form a tree through `parent_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// Name of the parent unit, for display.
    pub parent_name: Option<String>,
}

/// What a client sends to create or change a department.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DepartmentInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

impl DepartmentInput {
    /// Trims and checks the fields that need no database.
    pub fn clean(&self) -> Result<DepartmentInput, FieldErrors> {
        let mut e = FieldErrors::default();
        e.text("name", &self.name, NAME_MAX);
        e.into_result()?;
        Ok(DepartmentInput {
            name: self.name.trim().into(),
            parent_id: clean_opt(&self.parent_id),
        })
    }
}

/// Position category, as in Russian staffing tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// руководитель
    Manager,
    /// специалист
    Specialist,
    /// служащий
    Clerk,
    /// рабочий
    Worker,
}

impl Category {
    /// Every category in display order.
    pub const ALL: [Category; 4] = [
        Category::Manager,
        Category::Specialist,
        Category::Clerk,
        Category::Worker,
    ];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Manager => "manager",
            Category::Specialist => "specialist",
            Category::Clerk => "clerk",
            Category::Worker => "worker",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A staff position in a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Position {
    pub id: String,
    /// Title in the nominative: "менеджер по работе с клиентами".
    pub title: String,
    /// Title in the genitive: "менеджера по работе с клиентами".
    pub title_genitive: String,
    pub category: Category,
    pub department_id: String,
    pub department_name: String,
    pub reports_to_id: Option<String>,
    pub reports_to_title: Option<String>,
}

/// What a client sends to create or change a position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PositionInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub title_genitive: String,
    /// One of `manager`, `specialist`, `clerk`, `worker`.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub reports_to_id: Option<String>,
}

impl PositionInput {
    /// Trims and checks the fields that need no database.
    pub fn clean(&self) -> Result<(PositionInput, Category), FieldErrors> {
        let mut e = FieldErrors::default();
        e.text("title", &self.title, NAME_MAX);
        e.text("title_genitive", &self.title_genitive, NAME_MAX);
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            e.add("category", "unknown_category");
        }
        if self.department_id.trim().is_empty() {
            e.add("department_id", "required");
        }
        e.into_result()?;
        let category = category.ok_or_else(|| FieldErrors::single("category", "unknown_category"))?;
        let clean = PositionInput {
            title: self.title.trim().into(),
            title_genitive: self.title_genitive.trim().into(),
            category: self.category.trim().into(),
            department_id: self.department_id.trim().into(),
            reports_to_id: clean_opt(&self.reports_to_id),
        };
        Ok((clean, category))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("boss"), None);
    }

    #[test]
    fn position_needs_title_category_and_department() {
        let e = PositionInput::default().clean().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "title_genitive", "category", "department_id"]);
    }

    #[test]
    fn empty_parent_means_root() {
        let d = DepartmentInput {
            name: " Бухгалтерия ".into(),
            parent_id: Some("  ".into()),
        }
        .clean()
        .expect("valid");
        assert_eq!(d.name, "Бухгалтерия");
        assert_eq!(d.parent_id, None);
    }
}
