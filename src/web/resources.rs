//! How each organisation resource appears on the web: path, rights, columns, form fields.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::db::DbConn;
use crate::domain::account::{Role, User, UserInput};
use crate::domain::document::SectionKind;
use crate::domain::library::{LibraryClause, LibraryInput, Source};
use crate::domain::staff::{Assignment, AssignmentInput, Employee, EmployeeInput};
use crate::domain::structure::{Category, Department, DepartmentInput, Position, PositionInput};
use crate::domain::validation::FieldErrors;
use crate::i18n::{strings, Strings};
use crate::services::crud::Resource;
use crate::services::templates::{Template, TemplateInput};
use crate::services::{departments, employees, positions, ServiceError};

/// Roles that see the staff structure.
pub const STRUCTURE_VIEW: &[Role] = &[Role::Admin, Role::Hr, Role::Agreer, Role::Approver];
/// Roles that change the staff structure.
pub const STRUCTURE_EDIT: &[Role] = &[Role::Admin, Role::Hr];
/// Roles that manage accounts.
pub const ADMIN: &[Role] = &[Role::Admin];
/// Roles that read job descriptions.
pub const DOC_VIEW: &[Role] = STRUCTURE_VIEW;
/// Roles that write job descriptions, templates and the library.
pub const DOC_EDIT: &[Role] = crate::domain::account::DRAFTERS;
/// Roles that read the change log.
pub const LOG_READERS: &[Role] = &[Role::Admin, Role::Hr];

/// One choice of a select or checkbox group.
#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

/// A form field as the template renders it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    /// `text`, `email`, `date`, `password`, `select` or `checkboxes`.
    pub kind: &'static str,
    pub required: bool,
    pub options: Vec<Opt>,
    pub value: String,
    pub values: Vec<String>,
    pub error: Option<String>,
    pub hint: Option<String>,
}

impl FormField {
    /// A field of `kind` labelled by the string `label_key`.
    pub fn new(name: &'static str, label_key: &str, kind: &'static str, required: bool) -> FormField {
        FormField {
            name,
            label: strings().get(label_key),
            kind,
            required,
            options: Vec::new(),
            value: String::new(),
            values: Vec::new(),
            error: None,
            hint: None,
        }
    }

    /// A multi-line text field.
    pub fn textarea(name: &'static str, required: bool) -> FormField {
        FormField::new(name, &format!("field.{name}"), "textarea", required)
    }

    /// A single-line text field labelled `field.<name>`.
    pub fn text(name: &'static str, required: bool) -> FormField {
        FormField::new(name, &format!("field.{name}"), "text", required)
    }

    /// A drop-down list.
    pub fn select(name: &'static str, required: bool, options: Vec<Opt>) -> FormField {
        FormField {
            options,
            ..FormField::new(name, &format!("field.{name}"), "select", required)
        }
    }
}

/// Fills fields with submitted or stored values and their error messages.
pub fn fill(fields: &mut [FormField], values: &Map<String, Value>, errors: Option<&FieldErrors>, t: &Strings) {
    for f in fields.iter_mut() {
        match values.get(f.name) {
            Some(Value::String(s)) if f.kind != "password" => f.value = s.clone(),
            Some(Value::Array(items)) => {
                f.values = items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            }
            _ => {}
        }
        if let Some(errs) = errors {
            let msgs: Vec<String> = errs
                .0
                .iter()
                .filter(|e| e.field == f.name)
                .map(|e| t.field_error(e))
                .collect();
            if !msgs.is_empty() {
                f.error = Some(msgs.join(" "));
            }
        }
    }
}

/// A resource with pages and API endpoints.
pub trait WebResource: Resource {
    /// URL segment, also the UI title key (`title.<PATH>`).
    const PATH: &'static str;
    /// OpenAPI schema names of the resource and its input.
    const SCHEMA: &'static str;
    const INPUT_SCHEMA: &'static str;
    const VIEW: &'static [Role];
    const EDIT: &'static [Role];
    /// Form fields that repeat (checkbox groups).
    const ARRAY_FIELDS: &'static [&'static str] = &[];

    /// Column header keys of the list page.
    fn columns() -> &'static [&'static str];
    /// Cell texts of one row.
    fn cells(&self, t: &Strings) -> Vec<String>;
    /// Form fields, with the choices that need the database.
    fn form_fields(conn: &mut DbConn, creating: bool) -> Result<Vec<FormField>, ServiceError>;
    /// The stored state as form input (for the edit form).
    fn to_input(&self) -> Self::Input;
    /// Where the first cell of a list row links to, if anywhere.
    fn open_href(&self) -> Option<String> {
        None
    }
    /// Further actions on the edit page: (form action, button label key).
    fn actions(&self) -> Vec<(String, &'static str)> {
        Vec::new()
    }
    /// The header key of a column read from other records (positions: their job
    /// description), shown after the resource's own.
    fn extra_column() -> Option<&'static str> {
        None
    }
    /// That column's cell for each of `items`, in order.
    fn extra(_conn: &mut DbConn, _items: &[Self]) -> Result<Vec<Extra>, ServiceError> {
        Ok(Vec::new())
    }
}

/// A cell of a list's extra column.
#[derive(Debug, Clone, Serialize)]
pub struct Extra {
    pub text: String,
    pub href: Option<String>,
    /// The row has what the column is about (a position: an approved job description).
    pub present: bool,
}

fn opt(value: &str, label: String) -> Opt {
    Opt {
        value: value.to_string(),
        label,
    }
}

impl WebResource for Department {
    const PATH: &'static str = "departments";
    const SCHEMA: &'static str = "Department";
    const INPUT_SCHEMA: &'static str = "DepartmentInput";
    const VIEW: &'static [Role] = STRUCTURE_VIEW;
    const EDIT: &'static [Role] = STRUCTURE_EDIT;

    fn columns() -> &'static [&'static str] {
        &["field.name", "field.parent_name"]
    }

    fn cells(&self, _: &Strings) -> Vec<String> {
        vec![self.name.clone(), self.parent_name.clone().unwrap_or_default()]
    }

    fn form_fields(conn: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        let parents = departments::all(conn)?
            .into_iter()
            .map(|d| opt(&d.id, d.name))
            .collect();
        Ok(vec![
            FormField::text("name", true),
            FormField::select("parent_id", false, parents),
        ])
    }

    fn to_input(&self) -> DepartmentInput {
        DepartmentInput {
            name: self.name.clone(),
            parent_id: self.parent_id.clone(),
        }
    }
}

impl WebResource for Position {
    const PATH: &'static str = "positions";
    const SCHEMA: &'static str = "Position";
    const INPUT_SCHEMA: &'static str = "PositionInput";
    const VIEW: &'static [Role] = STRUCTURE_VIEW;
    const EDIT: &'static [Role] = STRUCTURE_EDIT;

    fn columns() -> &'static [&'static str] {
        &[
            "field.position_title",
            "field.category",
            "field.department_name",
            "field.reports_to_title",
        ]
    }

    fn cells(&self, t: &Strings) -> Vec<String> {
        vec![
            self.title.clone(),
            t.get(&format!("category.{}", self.category.as_str())),
            self.department_name.clone(),
            self.reports_to_title.clone().unwrap_or_default(),
        ]
    }

    fn extra_column() -> Option<&'static str> {
        Some("field.job_description")
    }

    /// The version in force (number and registration), else the newest one's status.
    fn extra(conn: &mut DbConn, items: &[Self]) -> Result<Vec<Extra>, ServiceError> {
        let t = strings();
        let ids: Vec<&str> = items.iter().map(|p| p.id.as_str()).collect();
        let docs = crate::services::documents::of_positions(conn, &ids)?;
        Ok(items
            .iter()
            .map(|p| match docs.get(&p.id) {
                None => Extra {
                    text: t.get("positions.no_document"),
                    href: None,
                    present: false,
                },
                Some((id, versions)) => {
                    let in_force = versions
                        .iter()
                        .find(|v| v.status == crate::domain::version::Status::Approved);
                    let shown = in_force.or(versions.first());
                    let text = shown.map_or_else(String::new, |v| {
                        let mut s = format!(
                            "{}, {} {}",
                            t.get(&format!("status.{}", v.status.as_str())),
                            t.get("positions.version"),
                            v.number
                        );
                        if let Some(n) = &v.registration_number {
                            s.push_str(&format!(", № {n}"));
                        }
                        s
                    });
                    Extra {
                        text,
                        href: Some(format!("/documents/{id}")),
                        present: in_force.is_some(),
                    }
                }
            })
            .collect())
    }

    fn form_fields(conn: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        let t = strings();
        let categories = Category::ALL
            .iter()
            .map(|c| opt(c.as_str(), t.get(&format!("category.{}", c.as_str()))))
            .collect();
        let depts = departments::all(conn)?
            .into_iter()
            .map(|d| opt(&d.id, d.name))
            .collect();
        let chiefs = positions::all(conn)?
            .into_iter()
            .map(|p| opt(&p.id, format!("{} ({})", p.title, p.department_name)))
            .collect();
        Ok(vec![
            FormField::text("title", true),
            FormField::text("title_genitive", true),
            FormField::select("category", true, categories),
            FormField::select("department_id", true, depts),
            FormField::select("reports_to_id", false, chiefs),
        ])
    }

    fn to_input(&self) -> PositionInput {
        PositionInput {
            title: self.title.clone(),
            title_genitive: self.title_genitive.clone(),
            category: self.category.as_str().into(),
            department_id: self.department_id.clone(),
            reports_to_id: self.reports_to_id.clone(),
        }
    }
}

impl WebResource for Employee {
    const PATH: &'static str = "employees";
    const SCHEMA: &'static str = "Employee";
    const INPUT_SCHEMA: &'static str = "EmployeeInput";
    const VIEW: &'static [Role] = STRUCTURE_VIEW;
    const EDIT: &'static [Role] = STRUCTURE_EDIT;

    fn columns() -> &'static [&'static str] {
        &["field.personnel_number", "field.employee_name", "field.email"]
    }

    fn cells(&self, _: &Strings) -> Vec<String> {
        vec![
            self.personnel_number.clone(),
            self.full_name(),
            self.email.clone().unwrap_or_default(),
        ]
    }

    fn form_fields(_: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        Ok(vec![
            FormField::text("surname", true),
            FormField::new("name", "field.first_name", "text", true),
            FormField::text("patronymic", false),
            FormField::text("personnel_number", true),
            FormField::new("email", "field.email", "email", false),
        ])
    }

    fn to_input(&self) -> EmployeeInput {
        EmployeeInput {
            surname: self.surname.clone(),
            name: self.name.clone(),
            patronymic: Some(self.patronymic.clone()),
            personnel_number: self.personnel_number.clone(),
            email: self.email.clone(),
        }
    }
}

impl WebResource for Assignment {
    const PATH: &'static str = "assignments";
    const SCHEMA: &'static str = "Assignment";
    const INPUT_SCHEMA: &'static str = "AssignmentInput";
    const VIEW: &'static [Role] = STRUCTURE_VIEW;
    const EDIT: &'static [Role] = STRUCTURE_EDIT;

    fn columns() -> &'static [&'static str] {
        &[
            "field.employee_name",
            "field.position_title",
            "field.date_from",
            "field.date_to",
        ]
    }

    fn cells(&self, _: &Strings) -> Vec<String> {
        vec![
            self.employee_name.clone(),
            self.position_title.clone(),
            self.date_from.format("%d.%m.%Y").to_string(),
            self.date_to
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default(),
        ]
    }

    fn form_fields(conn: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        let people = employees::all(conn)?
            .into_iter()
            .map(|e| opt(&e.id, e.full_name()))
            .collect();
        let posts = positions::all(conn)?
            .into_iter()
            .map(|p| opt(&p.id, format!("{} ({})", p.title, p.department_name)))
            .collect();
        Ok(vec![
            FormField::select("employee_id", true, people),
            FormField::select("position_id", true, posts),
            FormField::new("date_from", "field.date_from", "date", true),
            FormField::new("date_to", "field.date_to", "date", false),
        ])
    }

    fn to_input(&self) -> AssignmentInput {
        AssignmentInput {
            employee_id: self.employee_id.clone(),
            position_id: self.position_id.clone(),
            date_from: self.date_from.to_string(),
            date_to: self.date_to.map(|d| d.to_string()),
        }
    }
}

impl WebResource for User {
    const PATH: &'static str = "users";
    const SCHEMA: &'static str = "User";
    const INPUT_SCHEMA: &'static str = "UserInput";
    const VIEW: &'static [Role] = ADMIN;
    const EDIT: &'static [Role] = ADMIN;
    const ARRAY_FIELDS: &'static [&'static str] = &["roles"];

    fn columns() -> &'static [&'static str] {
        &[
            "field.login",
            "field.roles",
            "field.employee_id",
            "field.sign_in",
            "field.active",
        ]
    }

    fn actions(&self) -> Vec<(String, &'static str)> {
        if self.active {
            vec![(format!("/users/{}/disable", self.id), "action.disable_user")]
        } else {
            vec![(format!("/users/{}/enable", self.id), "action.enable_user")]
        }
    }

    fn cells(&self, t: &Strings) -> Vec<String> {
        let roles: Vec<String> = self
            .roles
            .iter()
            .map(|r| t.get(&format!("role.{}", r.as_str())))
            .collect();
        vec![
            self.login.clone(),
            roles.join(", "),
            self.employee_name.clone().unwrap_or_default(),
            t.get(if self.directory_dn.is_some() {
                "msg.sign_in_directory"
            } else {
                "msg.sign_in_password"
            }),
            t.get(if self.active { "msg.active" } else { "msg.disabled" }),
        ]
    }

    fn form_fields(conn: &mut DbConn, creating: bool) -> Result<Vec<FormField>, ServiceError> {
        let t = strings();
        let roles = Role::ALL
            .iter()
            .map(|r| opt(r.as_str(), t.get(&format!("role.{}", r.as_str()))))
            .collect();
        let people = employees::all(conn)?
            .into_iter()
            .map(|e| opt(&e.id, e.full_name()))
            .collect();
        let mut password = FormField::new("password", "field.password", "password", creating);
        if !creating {
            password.hint = Some(t.get("msg.password_keep"));
        }
        Ok(vec![
            FormField::text("login", true),
            password,
            FormField {
                options: roles,
                ..FormField::new("roles", "field.roles", "checkboxes", true)
            },
            FormField::select("employee_id", false, people),
            FormField::new("email", "field.email", "email", false),
        ])
    }

    fn to_input(&self) -> UserInput {
        UserInput {
            login: self.login.clone(),
            password: None,
            roles: self.roles.iter().map(|r| r.as_str().to_string()).collect(),
            employee_id: self.employee_id.clone(),
            email: self.email.clone(),
        }
    }
}

impl WebResource for LibraryClause {
    const PATH: &'static str = "library";
    const SCHEMA: &'static str = "LibraryClause";
    const INPUT_SCHEMA: &'static str = "LibraryInput";
    const VIEW: &'static [Role] = DOC_EDIT;
    const EDIT: &'static [Role] = DOC_EDIT;
    const ARRAY_FIELDS: &'static [&'static str] = &["categories"];

    fn columns() -> &'static [&'static str] {
        &["field.text", "field.section", "field.source"]
    }

    fn cells(&self, t: &Strings) -> Vec<String> {
        vec![
            self.text.clone(),
            t.get(&format!("section.{}", self.section.as_str())),
            t.get(&format!("source.{}", self.source.as_str())),
        ]
    }

    fn form_fields(_: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        let t = strings();
        let labelled = |code: &str, prefix: &str| opt(code, t.get(&format!("{prefix}.{code}")));
        Ok(vec![
            FormField::select(
                "section",
                true,
                SectionKind::ALL
                    .iter()
                    .map(|k| labelled(k.as_str(), "section"))
                    .collect(),
            ),
            FormField {
                options: Category::ALL.iter().map(|c| labelled(c.as_str(), "category")).collect(),
                hint: Some(t.get("library.any_category")),
                ..FormField::new("categories", "field.categories", "checkboxes", false)
            },
            FormField::select(
                "source",
                true,
                Source::ALL.iter().map(|s| labelled(s.as_str(), "source")).collect(),
            ),
            FormField::textarea("text", true),
        ])
    }

    fn to_input(&self) -> LibraryInput {
        LibraryInput {
            section: self.section.as_str().into(),
            categories: self.categories.iter().map(|c| c.as_str().to_string()).collect(),
            source: self.source.as_str().into(),
            text: self.text.clone(),
        }
    }

    fn open_href(&self) -> Option<String> {
        Some(format!("/library/{}/usage", self.id))
    }
}

impl WebResource for Template {
    const PATH: &'static str = "templates";
    const SCHEMA: &'static str = "Template";
    const INPUT_SCHEMA: &'static str = "TemplateInput";
    const VIEW: &'static [Role] = DOC_EDIT;
    const EDIT: &'static [Role] = DOC_EDIT;

    fn columns() -> &'static [&'static str] {
        &["field.name", "field.category", "field.clause_count"]
    }

    fn cells(&self, t: &Strings) -> Vec<String> {
        vec![
            self.name.clone(),
            self.category
                .map(|c| t.get(&format!("category.{}", c.as_str())))
                .unwrap_or_default(),
            self.clause_count.to_string(),
        ]
    }

    fn form_fields(_: &mut DbConn, _: bool) -> Result<Vec<FormField>, ServiceError> {
        let t = strings();
        let categories = Category::ALL
            .iter()
            .map(|c| opt(c.as_str(), t.get(&format!("category.{}", c.as_str()))))
            .collect();
        Ok(vec![
            FormField::text("name", true),
            FormField::select("category", false, categories),
        ])
    }

    fn to_input(&self) -> TemplateInput {
        TemplateInput {
            name: self.name.clone(),
            category: self.category.map(|c| c.as_str().to_string()),
        }
    }

    fn open_href(&self) -> Option<String> {
        Some(format!("/templates/{}/text", self.id))
    }
}
