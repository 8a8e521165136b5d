//! Positions: staff positions in departments, linked by reports-to.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::Resource;
use super::{Cursor, Page, Paged, ServiceError};
use crate::db::schema::{assignments, departments, positions};
use crate::db::DbConn;
use crate::domain::hierarchy::creates_cycle;
use crate::domain::structure::{Category, Position, PositionInput};
use crate::domain::validation::FieldErrors;

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = positions)]
struct PositionRow {
    id: String,
    title: String,
    title_genitive: String,
    category: String,
    department_id: String,
    reports_to_id: Option<String>,
}

fn to_positions(conn: &mut DbConn, rows: Vec<PositionRow>) -> Result<Vec<Position>, ServiceError> {
    let dept_ids: Vec<&String> = rows.iter().map(|r| &r.department_id).collect();
    let depts: HashMap<String, String> = departments::table
        .filter(departments::id.eq_any(dept_ids))
        .select((departments::id, departments::name))
        .load(conn)?
        .into_iter()
        .collect();
    let chief_ids: Vec<&String> = rows.iter().filter_map(|r| r.reports_to_id.as_ref()).collect();
    let chiefs: HashMap<String, String> = positions::table
        .filter(positions::id.eq_any(chief_ids))
        .select((positions::id, positions::title))
        .load(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(
            |PositionRow {
                 id,
                 title,
                 title_genitive,
                 category,
                 department_id,
                 reports_to_id,
             }| {
                Ok(Position {
                    category: Category::parse(&category).ok_or_else(|| {
                        ServiceError::Internal(format!("unknown category {category} in position {id}"))
                    })?,
                    department_name: depts.get(&department_id).cloned().unwrap_or_default(),
                    reports_to_title: reports_to_id.as_ref().and_then(|r| chiefs.get(r).cloned()),
                    id,
                    title,
                    title_genitive,
                    department_id,
                    reports_to_id,
                })
            },
        )
        .collect()
}

/// A page boundary in position-title order.
#[derive(Debug, Clone)]
pub struct TitleBound {
    /// The page comes after the boundary (else before it).
    pub after: bool,
    pub title: String,
    pub id: String,
}

/// Where a cursor's position stands in title order; `None` without a cursor or
/// when its position is gone (then the page number decides).
pub fn title_bound(conn: &mut DbConn, cursor: Option<&Cursor>) -> Result<Option<TitleBound>, ServiceError> {
    let Some(c) = cursor else { return Ok(None) };
    let (after, id) = match c {
        Cursor::After(id) => (true, id),
        Cursor::Before(id) => (false, id),
    };
    let title: Option<String> = positions::table
        .find(id)
        .select(positions::title)
        .first(conn)
        .optional()?;
    Ok(title.map(|title| TitleBound {
        after,
        title,
        id: id.clone(),
    }))
}

/// `(positions.title, positions.id)` beyond a [`TitleBound`]: a row-value
/// comparison, which both backends answer from the title index (diesel has no
/// operator for it).
macro_rules! beyond {
    ($b:expr) => {
        diesel::dsl::sql::<diesel::sql_types::Bool>(if $b.after {
            "(positions.title, positions.id) > ("
        } else {
            "(positions.title, positions.id) < ("
        })
        .bind::<diesel::sql_types::Text, _>($b.title.clone())
        .sql(", ")
        .bind::<diesel::sql_types::Text, _>($b.id.clone())
        .sql(")")
    };
}

/// Orders a boxed query joined to `positions` by title and takes one page of
/// it: after or before a bound (read backwards, so reverse the rows: see
/// [`backwards`]), or by page number.
macro_rules! in_title_order {
    ($q:expr, $page:expr, $bound:expr) => {{
        use $crate::db::schema::positions as p;
        let q = $q.limit($page.per_page);
        match $bound {
            Some(b) if b.after => q
                .filter($crate::services::positions::beyond!(b))
                .order((p::title.asc(), p::id.asc())),
            Some(b) => q
                .filter($crate::services::positions::beyond!(b))
                .order((p::title.desc(), p::id.desc())),
            None => q.order((p::title.asc(), p::id.asc())).offset($page.offset()),
        }
    }};
}
pub(crate) use {beyond, in_title_order};

/// True when a page was read backwards from its bound (its rows come reversed).
pub fn backwards(bound: &Option<TitleBound>) -> bool {
    bound.as_ref().is_some_and(|b| !b.after)
}

/// Every position, by title (for pickers).
pub fn all(conn: &mut DbConn) -> Result<Vec<Position>, ServiceError> {
    let rows = positions::table
        .order(positions::title.asc())
        .select(PositionRow::as_select())
        .load(conn)?;
    to_positions(conn, rows)
}

/// The stored columns of a position, written the same way on create and change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = positions, treat_none_as_null = true)]
struct Changes<'a> {
    title: &'a str,
    title_genitive: &'a str,
    category: &'a str,
    department_id: &'a str,
    reports_to_id: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> Changes<'a> {
    fn of(p: &'a PositionInput, at: NaiveDateTime) -> Self {
        Changes {
            title: &p.title,
            title_genitive: &p.title_genitive,
            category: &p.category,
            department_id: &p.department_id,
            reports_to_id: p.reports_to_id.as_deref(),
            updated_at: at,
        }
    }
}

fn check(conn: &mut DbConn, id: &str, input: &PositionInput) -> Result<PositionInput, ServiceError> {
    let (input, _) = input.clean()?;
    let mut e = FieldErrors::default();
    if !crate::exists!(conn, departments, &input.department_id)? {
        e.add("department_id", "unknown_reference");
    }
    if let Some(chief) = &input.reports_to_id {
        if !crate::exists!(conn, positions, chief)? {
            e.add("reports_to_id", "unknown_reference");
        } else {
            let parents: HashMap<String, String> = positions::table
                .filter(positions::reports_to_id.is_not_null())
                .select((positions::id, positions::reports_to_id.assume_not_null()))
                .load(conn)?
                .into_iter()
                .collect();
            if creates_cycle(id, Some(chief), &parents) {
                e.add("reports_to_id", "cycle");
            }
        }
    }
    e.into_result()?;
    Ok(input)
}

impl Resource for Position {
    type Input = PositionInput;
    const ENTITY: &'static str = "position";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        Self::list_from(conn, page, None)
    }

    fn list_from(conn: &mut DbConn, page: Page, cursor: Option<&Cursor>) -> Result<Paged<Self>, ServiceError> {
        let total = positions::table.count().get_result(conn)?;
        let bound = title_bound(conn, cursor)?;
        let mut rows: Vec<PositionRow> = match &bound {
            // A page by number deep in the list: count off ids on the title index
            // alone (an index-only scan, no row read), then read the page's rows.
            None if page.offset() > 0 => {
                let ids: Vec<String> = positions::table
                    .select(positions::id)
                    .order((positions::title.asc(), positions::id.asc()))
                    .limit(page.per_page)
                    .offset(page.offset())
                    .load(conn)?;
                positions::table
                    .filter(positions::id.eq_any(&ids))
                    .select(PositionRow::as_select())
                    .order((positions::title.asc(), positions::id.asc()))
                    .load(conn)?
            }
            _ => {
                let q = positions::table.select(PositionRow::as_select()).into_boxed();
                in_title_order!(q, page, &bound).load(conn)?
            }
        };
        if backwards(&bound) {
            rows.reverse();
        }
        Ok(Paged {
            items: to_positions(conn, rows)?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        let row = positions::table.find(id).select(PositionRow::as_select()).first(conn)?;
        to_positions(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &PositionInput) -> Result<(), ServiceError> {
        let p = check(conn, id, input)?;
        diesel::insert_into(positions::table)
            .values((positions::id.eq(id), Changes::of(&p, at)))
            .execute(conn)?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &PositionInput) -> Result<(), ServiceError> {
        let p = check(conn, id, input)?;
        diesel::update(positions::table.find(id))
            .set(Changes::of(&p, at))
            .execute(conn)?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        let held: bool = diesel::select(diesel::dsl::exists(
            assignments::table.filter(assignments::position_id.eq(id)),
        ))
        .get_result(conn)?;
        if held {
            return Err(ServiceError::Refused("position_has_assignments"));
        }
        let documented: bool = diesel::select(diesel::dsl::exists(
            crate::db::schema::job_descriptions::table.filter(crate::db::schema::job_descriptions::position_id.eq(id)),
        ))
        .get_result(conn)?;
        if documented {
            return Err(ServiceError::Refused("position_has_document"));
        }
        let subordinates: bool = diesel::select(diesel::dsl::exists(
            positions::table.filter(positions::reports_to_id.eq(id)),
        ))
        .get_result(conn)?;
        if subordinates {
            return Err(ServiceError::Refused("position_has_subordinates"));
        }
        diesel::delete(positions::table.find(id)).execute(conn)?;
        Ok(())
    }
}
