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

/// The organisation, if it was set up.
pub fn get(conn: &mut DbConn) -> Result<Option<Organization>, ServiceError> {
    let row = organization::table
        .find(ORG_ID)
        .select((
            organization::full_name,
            organization::short_name,
            organization::legal_form,
            organization::city,
            organization::head_position,
            organization::head_name,
            organization::time_zone,
        ))
        .first::<(String, String, String, String, String, String, String)>(conn)
        .optional()?;
    Ok(row.map(|r| Organization {
        full_name: r.0,
        short_name: r.1,
        legal_form: r.2,
        city: r.3,
        head_position: r.4,
        head_name: r.5,
        time_zone: r.6,
    }))
}

/// Creates or replaces the organisation's details and logs the change.
pub fn save(conn: &mut DbConn, clock: &Clock, actor: &str, input: &Organization) -> Result<Organization, ServiceError> {
    let org = input.clean()?;
    let zone =
        crate::clock::parse_zone(&org.time_zone).map_err(|_| FieldErrors::single("time_zone", "unknown_time_zone"))?;
    let saved = write_tx(conn, clock, actor, |conn, journal| {
        let before = get(conn)?;
        let values = (
            organization::full_name.eq(&org.full_name),
            organization::short_name.eq(&org.short_name),
            organization::legal_form.eq(&org.legal_form),
            organization::city.eq(&org.city),
            organization::head_position.eq(&org.head_position),
            organization::head_name.eq(&org.head_name),
            organization::time_zone.eq(&org.time_zone),
            organization::updated_at.eq(journal.at()),
        );
        let action = if before.is_some() {
            diesel::update(organization::table.find(ORG_ID))
                .set(values)
                .execute(conn)?;
            "update"
        } else {
            diesel::insert_into(organization::table)
                .values((organization::id.eq(ORG_ID), values))
                .execute(conn)?;
            "create"
        };
        journal.record(conn, "organization", ORG_ID, action, before.as_ref(), Some(&org))?;
        Ok(org.clone())
    })?;
    // From now on dates are the organisation's; other instances read it at their start.
    clock.set_zone(zone);
    Ok(saved)
}
