//! Loading the demo organisation from `fixtures/demo.json`.

use std::collections::HashMap;

use diesel::Connection;
use serde::Deserialize;

use super::crud::{self, Resource};
use super::documents::NewDocument;
use super::rules::Rules;
use super::{organization, ServiceError};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::account::{User, UserInput};
use crate::domain::organization::Organization;
use crate::domain::staff::{Assignment, AssignmentInput, Employee, EmployeeInput};
use crate::domain::structure::{Category, Department, DepartmentInput, Position, PositionInput};

/// The password of every demo account; documented in the README.
pub const DEMO_PASSWORD: &str = "maple-harbor-demo";

const DEMO_JSON: &str = include_str!("../../fixtures/demo.json");

#[derive(Deserialize)]
struct Demo {
    organization: Organization,
    departments: Vec<DemoDepartment>,
    positions: Vec<DemoPosition>,
    employees: Vec<DemoEmployee>,
    assignments: Vec<DemoAssignment>,
    users: Vec<DemoUser>,
}

#[derive(Deserialize)]
struct DemoDepartment {
    key: String,
    name: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct DemoPosition {
    key: String,
    title: String,
    title_genitive: String,
    category: String,
    department: String,
    reports_to: Option<String>,
}

#[derive(Deserialize)]
struct DemoEmployee {
    key: String,
    surname: String,
    name: String,
    patronymic: String,
    personnel_number: String,
    email: Option<String>,
}

#[derive(Deserialize)]
struct DemoAssignment {
    employee: String,
    position: String,
    from: String,
    to: Option<String>,
}

#[derive(Deserialize)]
struct DemoUser {
    login: String,
    roles: Vec<String>,
    employee: Option<String>,
}

/// What the demo load created, for the start-up message.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub departments: usize,
    pub positions: usize,
    pub employees: usize,
    pub documents: usize,
    pub logins: Vec<(String, Vec<String>)>,
}

/// True when the database holds no organisation data and no accounts.
pub fn is_empty(conn: &mut DbConn) -> Result<bool, ServiceError> {
    Ok(organization::get(conn)?.is_none()
        && super::users::count(conn)? == 0
        && Department::list(conn, Default::default())?.total == 0)
}

fn key(map: &HashMap<String, String>, k: &str) -> Result<String, ServiceError> {
    map.get(k)
        .cloned()
        .ok_or_else(|| ServiceError::Internal(format!("demo data refers to unknown key {k}")))
}

/// Loads the demo organisation in one transaction; refuses a non-empty database.
pub fn load(conn: &mut DbConn, clock: &Clock, rules: &Rules) -> Result<DemoSummary, ServiceError> {
    if !is_empty(conn)? {
        return Err(ServiceError::Refused("database_not_empty"));
    }
    let demo: Demo = serde_json::from_str(DEMO_JSON).map_err(|e| ServiceError::Internal(format!("demo.json: {e}")))?;
    let actor = "demo";
    conn.transaction(|conn| {
        organization::save(conn, clock, actor, &demo.organization)?;
        let mut depts = HashMap::new();
        for d in &demo.departments {
            let input = DepartmentInput {
                name: d.name.clone(),
                parent_id: d.parent.as_deref().map(|p| key(&depts, p)).transpose()?,
            };
            depts.insert(
                d.key.clone(),
                crud::create::<Department>(conn, clock, rules, actor, &input)?.id,
            );
        }
        // Positions refer to their chiefs, so create them first without the link.
        let mut positions = HashMap::new();
        for p in &demo.positions {
            let input = PositionInput {
                title: p.title.clone(),
                title_genitive: p.title_genitive.clone(),
                category: p.category.clone(),
                department_id: key(&depts, &p.department)?,
                reports_to_id: None,
            };
            positions.insert(
                p.key.clone(),
                crud::create::<Position>(conn, clock, rules, actor, &input)?.id,
            );
        }
        for p in demo.positions.iter().filter(|p| p.reports_to.is_some()) {
            let input = PositionInput {
                title: p.title.clone(),
                title_genitive: p.title_genitive.clone(),
                category: p.category.clone(),
                department_id: key(&depts, &p.department)?,
                reports_to_id: p.reports_to.as_deref().map(|r| key(&positions, r)).transpose()?,
            };
            crud::update::<Position>(conn, clock, actor, &key(&positions, &p.key)?, &input)?;
        }
        let mut employees = HashMap::new();
        for e in &demo.employees {
            let input = EmployeeInput {
                surname: e.surname.clone(),
                name: e.name.clone(),
                patronymic: Some(e.patronymic.clone()),
                personnel_number: e.personnel_number.clone(),
                email: e.email.clone(),
            };
            employees.insert(
                e.key.clone(),
                crud::create::<Employee>(conn, clock, rules, actor, &input)?.id,
            );
        }
        for a in &demo.assignments {
            let input = AssignmentInput {
                employee_id: key(&employees, &a.employee)?,
                position_id: key(&positions, &a.position)?,
                date_from: a.from.clone(),
                date_to: a.to.clone(),
            };
            crud::create::<Assignment>(conn, clock, rules, actor, &input)?;
        }
        let mut logins = Vec::new();
        for u in &demo.users {
            let input = UserInput {
                login: u.login.clone(),
                password: Some(DEMO_PASSWORD.into()),
                roles: u.roles.clone(),
                employee_id: u.employee.as_deref().map(|e| key(&employees, e)).transpose()?,
                // The demo's people have mailboxes, so digests can be tried with any SMTP server.
                email: Some(format!("{}@vector.example", u.login)),
            };
            crud::create::<User>(conn, clock, rules, actor, &input)?;
            logins.push((u.login.clone(), u.roles.clone()));
        }
        // Every department agrees with its head, then the lawyer; the director approves.
        let route = super::routes::RouteInput {
            stages: vec![vec!["head".into()], vec!["lawyer".into()]],
            approver: "director".into(),
        };
        for id in depts.values() {
            super::routes::set_department_route(conn, clock, actor, id, &route)?;
        }
        // One draft job description per category, from that category's template.
        let templates = super::templates::all(conn)?;
        let mut documents = 0;
        for category in Category::ALL {
            let template = templates.iter().find(|t| t.category == Some(category));
            let position = demo.positions.iter().find(|p| p.category == category.as_str());
            if let (Some(t), Some(p)) = (template, position) {
                let input = NewDocument {
                    position_id: key(&positions, &p.key)?,
                    template_id: Some(t.id.clone()),
                    copy_from: None,
                };
                super::documents::create(conn, clock, actor, &input)?;
                documents += 1;
            }
        }
        Ok(DemoSummary {
            departments: depts.len(),
            positions: positions.len(),
            employees: employees.len(),
            documents,
            logins,
        })
    })
}
