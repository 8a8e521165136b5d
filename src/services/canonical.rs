//! The canonical form of an approved version, as hashed at approval and documented
//! in `docs/canonical.md`.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{documents, organization, versions, ServiceError};
use crate::db::DbConn;

/// The canonical content of an approved version, as hashed and documented in `docs/canonical.md`.
#[derive(Debug, Serialize)]
struct Canonical {
    format: &'static str,
    organization: serde_json::Value,
    position: serde_json::Value,
    document: serde_json::Value,
    sections: Vec<serde_json::Value>,
}

/// SHA-256 (hex) of the canonical JSON of a version with its requisites.
pub fn content_hash(
    conn: &mut DbConn,
    version_id: &str,
    registration_number: &str,
    approved_on: NaiveDate,
    effective: NaiveDate,
) -> Result<(String, String), ServiceError> {
    let v = versions::get(conn, version_id)?;
    let values = documents::values(conn, version_id)?;
    let org = organization::get(conn)?;
    let get = |k: &str| values.0.get(k).cloned().unwrap_or_default();
    let numbers = v.content.section_numbers();
    let located = v.content.clauses();
    let sections = v
        .content
        .sections
        .iter()
        .map(|s| {
            let clauses: Vec<serde_json::Value> = located
                .iter()
                .filter(|l| l.section.id == s.id)
                .map(|l| json!({ "number": l.number, "depth": l.depth, "text": values.resolve(&l.clause.text).0 }))
                .collect();
            json!({ "kind": s.kind, "number": numbers.get(&s.id), "heading": s.heading, "clauses": clauses })
        })
        .collect();
    let canonical = Canonical {
        format: "jobdesc-canonical-1",
        organization: json!({
            "full_name": org.as_ref().map(|o| o.full_name.clone()),
            "short_name": org.as_ref().map(|o| o.short_name.clone()),
            "city": org.as_ref().map(|o| o.city.clone()),
            "head_position": org.as_ref().map(|o| o.head_position.clone()),
            "head_name": org.as_ref().map(|o| o.head_name.clone()),
        }),
        position: json!({ "title": get("position.title"), "title_genitive": get("position.title_genitive"),
                          "department": get("department.name") }),
        document: json!({ "job_description_id": v.job_description_id, "version": v.number,
                          "registration_number": registration_number,
                          "approved_on": approved_on.to_string(), "effective_date": effective.to_string() }),
        sections,
    };
    let text = serde_json::to_string(&canonical).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((hex::encode(Sha256::digest(text.as_bytes())), text))
}
