//! The organisation's own details (a single record).

use diesel::prelude::*;

use super::journal::write_tx;
use super::ServiceError;
use crate::clock::Clock;
use crate::db::schema::organization;
use crate::db::DbConn;
use crate::domain::organization::Organization;
use crate::domain::validation::FieldErrors;

/// The fixed id of the one organisation row.
const ORG_ID: &str = "organization";

/// The stored organisation row: read whole, written whole.
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organization)]
struct OrgRow {
    id: String,
    full_name: String,
    short_name: String,
    legal_form: String,
    city: String,
    head_position: String,
    head_name: String,
    time_zone: String,
    updated_at: chrono::NaiveDateTime,
}

impl OrgRow {
    fn of(o: &Organization, at: chrono::NaiveDateTime) -> OrgRow {
        OrgRow {
            id: ORG_ID.to_string(),
            full_name: o.full_name.clone(),
            short_name: o.short_name.clone(),
            legal_form: o.legal_form.clone(),
            city: o.city.clone(),
            head_position: o.head_position.clone(),
            head_name: o.head_name.clone(),
            time_zone: o.time_zone.clone(),
            updated_at: at,
        }
    }
}

impl From<OrgRow> for Organization {
    fn from(r: OrgRow) -> Self {
        Organization {
            full_name: r.full_name,
            short_name: r.short_name,
            legal_form: r.legal_form,
            city: r.city,
            head_position: r.head_position,
            head_name: r.head_name,
            time_zone: r.time_zone,
        }
    }
}

/// The organisation, if it was set up.
pub fn get(conn: &mut DbConn) -> Result<Option<Organization>, ServiceError> {
    let row = organization::table
        .find(ORG_ID)
        .select(OrgRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Organization::from))
}

/// Creates or replaces the organisation's details and logs the change.
pub fn save(conn: &mut DbConn, clock: &Clock, actor: &str, input: &Organization) -> Result<Organization, ServiceError> {
    let org = input.clean()?;
    let zone =
        crate::clock::parse_zone(&org.time_zone).map_err(|_| FieldErrors::single("time_zone", "unknown_time_zone"))?;
    let saved = write_tx(conn, clock, actor, |conn, journal| {
        let before = get(conn)?;
        let row = OrgRow::of(&org, journal.at());
        let action = if before.is_some() {
            diesel::update(organization::table.find(ORG_ID))
                .set(&row)
                .execute(conn)?;
            "update"
        } else {
            diesel::insert_into(organization::table).values(&row).execute(conn)?;
            "create"
        };
        journal.record(conn, "organization", ORG_ID, action, before.as_ref(), Some(&org))?;
        Ok(org.clone())
    })?;
    // From now on dates are the organisation's; other instances read it at their start.
    clock.set_zone(zone);
    Ok(saved)
}
