//! Evidence packs: everything needed to show, without the database, that an employee
//! acknowledged a version — the version's PDF, the sealed records, and the stretch of
//! the change log from the approval to the last signature, with its hashes.
//!
//! `build` reads the database; `verify` works on the pack's bytes alone (`jobdesc
//! verify-pack`), and checks the seals too when given the server's key.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::acknowledgements::{self, Acknowledgement};
use super::{journal, render, versions, ServiceError};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::change_log::{entry_hash, Entry};
use crate::domain::version::Status;

/// Pack format name, the first thing `verify` checks.
pub const FORMAT: &str = "jobdesc-evidence-pack-1";

const PDF: &str = "version.pdf";
const EVIDENCE: &str = "evidence.json";
const LOG: &str = "change-log.json";
const MANIFEST: &str = "manifest.json";
const README: &str = "README.txt";

/// The version the pack is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackedVersion {
    pub id: String,
    pub number: i32,
    pub registration_number: Option<String>,
    pub content_hash: String,
    pub approved_at_utc: Option<String>,
}

/// One acknowledgement as packed: the stored record (sealed) and how people read its time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackedAcknowledgement {
    pub record: Acknowledgement,
    pub signed_at_utc: Option<String>,
    pub signed_at_local: Option<String>,
}

/// `evidence.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub format: String,
    pub generated_at_utc: String,
    pub time_zone: String,
    pub version: PackedVersion,
    pub acknowledgements: Vec<PackedAcknowledgement>,
}

/// Builds the pack of a version (every signed acknowledgement) or of one acknowledgement.
pub fn build(
    conn: &mut DbConn,
    clock: &Clock,
    public_url: &str,
    version_id: &str,
    only: Option<&str>,
) -> Result<Vec<u8>, ServiceError> {
    let state = versions::state(conn, version_id)?;
    let content_hash = match (&state.content_hash, state.status) {
        (Some(h), Status::Approved | Status::Superseded | Status::Withdrawn) => h.clone(),
        _ => return Err(ServiceError::Refused("version_not_approved")),
    };
    let acks: Vec<Acknowledgement> = acknowledgements::of_versions(conn, &[version_id.to_string()])?
        .into_iter()
        .filter(|a| a.signed_at.is_some())
        .filter(|a| only.is_none_or(|id| a.id == id))
        .collect();
    if only.is_some() && acks.is_empty() {
        return Err(ServiceError::Refused("not_signed"));
    }
    let from = journal::last_seq_of(conn, version_id, "approved")?
        .ok_or_else(|| ServiceError::Internal(format!("no approval entry for {version_id}")))?;
    let mut to = from;
    for a in &acks {
        to = to.max(journal::last_seq_of(conn, &a.id, "signed")?.unwrap_or(from));
    }
    let log = journal::range(conn, from, to)?;
    let input = render::input_for(conn, clock, version_id, public_url)?;
    let pdf = crate::pdf::render(&input, &crate::pdf::Part::ALL)
        .map_err(|e| ServiceError::Internal(format!("pdf: {e}")))?
        .bytes;
    let utc = |t: &chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let evidence = Evidence {
        format: FORMAT.into(),
        generated_at_utc: utc(&clock.now()),
        time_zone: clock.zone().name().to_string(),
        version: PackedVersion {
            id: state.id.clone(),
            number: state.number,
            registration_number: state.registration_number.clone(),
            content_hash,
            approved_at_utc: state.approved_at.as_ref().map(utc),
        },
        acknowledgements: acks
            .into_iter()
            .map(|a| PackedAcknowledgement {
                signed_at_utc: a.signed_at.as_ref().map(utc),
                signed_at_local: a.signed_at.map(|t| clock.stamp_with_offset(t)),
                record: a,
            })
            .collect(),
    };
    let mut files: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    files.insert(PDF, pdf);
    files.insert(EVIDENCE, pretty(&evidence)?);
    files.insert(LOG, pretty(&log)?);
    files.insert(README, readme().into_bytes());
    let manifest: BTreeMap<&str, String> = files.iter().map(|(k, v)| (*k, sha256(v))).collect();
    files.insert(MANIFEST, pretty(&manifest)?);
    zip(&files).map_err(|e| ServiceError::Internal(format!("pack: {e}")))
}

fn pretty<T: Serialize>(value: &T) -> Result<Vec<u8>, ServiceError> {
    serde_json::to_vec_pretty(value).map_err(|e| ServiceError::Internal(format!("pack: {e}")))
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn readme() -> String {
    format!(
        "{FORMAT}\n\n\
         {PDF}            the version as printed: document, acknowledgement sheet, register\n\
         {EVIDENCE}       the version and each acknowledgement record (who, what, when, how, from where, seal)\n\
         {LOG}     the change-log entries from the approval to the last signature, with their hashes\n\
         {MANIFEST}       SHA-256 of every other file\n\n\
         Check it without the database:  jobdesc verify-pack <this file>\n\
         (add --secret-key-file data/secret.key to check the seals as well)\n"
    )
}

fn zip(files: &BTreeMap<&str, Vec<u8>>) -> zip::result::ZipResult<Vec<u8>> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(*name, options)?;
        out.write_all(bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

/// One finding of `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    pub what: String,
}

/// Why a pack could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("not an evidence pack (zip): {0}")]
    Zip(String),
    #[error("the pack lacks {0}")]
    Missing(&'static str),
    #[error("{0} is not valid: {1}")]
    Json(&'static str, String),
}

fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, PackError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| PackError::Zip(e.to_string()))?;
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| PackError::Zip(e.to_string()))?;
        let name = f.name().map_err(|e| PackError::Zip(e.to_string()))?.to_string();
        // A pack holds a PDF and JSON; a member larger than this is not ours.
        let mut buf = Vec::new();
        f.by_ref()
            .take(256 << 20)
            .read_to_end(&mut buf)
            .map_err(|e| PackError::Zip(e.to_string()))?;
        files.insert(name, buf);
    }
    Ok(files)
}

fn parse<T: serde::de::DeserializeOwned>(
    files: &BTreeMap<String, Vec<u8>>,
    name: &'static str,
) -> Result<T, PackError> {
    let bytes = files.get(name).ok_or(PackError::Missing(name))?;
    serde_json::from_slice(bytes).map_err(|e| PackError::Json(name, e.to_string()))
}

/// Checks a pack from its bytes alone; with `key`, the seals too.
pub fn verify(bytes: &[u8], key: Option<&[u8]>) -> Result<Vec<Check>, PackError> {
    let files = unzip(bytes)?;
    let mut checks = Vec::new();
    let mut check = |ok: bool, what: String| checks.push(Check { ok, what });

    let manifest: BTreeMap<String, String> = parse(&files, MANIFEST)?;
    for (name, hash) in &manifest {
        let actual = files.get(name).map(|b| sha256(b));
        check(
            actual.as_deref() == Some(hash),
            format!("{name}: SHA-256 as in the manifest"),
        );
    }
    let evidence: Evidence = parse(&files, EVIDENCE)?;
    check(evidence.format == FORMAT, format!("format {}", evidence.format));
    let log: Vec<Entry> = parse(&files, LOG)?;

    // The stretch of the chain: every entry hashes to itself and links to the one before.
    let mut intact = !log.is_empty();
    for (i, e) in log.iter().enumerate() {
        let linked = i == 0 || (e.seq == log[i - 1].seq + 1 && e.prev_hash == log[i - 1].hash);
        intact &= linked && entry_hash(e) == e.hash;
    }
    let span = match (log.first(), log.last()) {
        (Some(a), Some(b)) => format!("{}..{}", a.seq, b.seq),
        _ => "empty".into(),
    };
    check(
        intact,
        format!("change log {span}: every hash recomputes and links to the previous"),
    );

    let after = |e: &Entry| -> serde_json::Value {
        e.after_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    };
    let v = &evidence.version;
    let approved = log
        .iter()
        .any(|e| e.entity_id == v.id && e.action == "approved" && after(e)["content_hash"] == v.content_hash.as_str());
    check(
        approved,
        format!(
            "the log records the approval of version {} with hash {}",
            v.number, v.content_hash
        ),
    );
    let printed = files.get(PDF).and_then(|pdf| render::hash_in_pdf(pdf));
    check(
        printed.as_deref() == Some(v.content_hash.as_str()),
        format!("{PDF} carries the approved content hash"),
    );
    for a in &evidence.acknowledgements {
        let r = &a.record;
        let signed = log.iter().any(|e| {
            let x = after(e);
            e.entity_id == r.id
                && e.action == "signed"
                && x["signature_code"] == r.signature_code.as_deref().unwrap_or_default()
                && x["content_hash"] == r.content_hash.as_str()
                && x["ip"] == r.ip.as_deref().unwrap_or_default()
                && x["user_agent"] == r.user_agent.as_deref().unwrap_or_default()
        });
        check(
            signed,
            format!("{}: the log records this signature as packed", r.employee_name),
        );
        check(
            r.content_hash == v.content_hash,
            format!("{}: acknowledged the approved text", r.employee_name),
        );
        if let Some(key) = key {
            let sealed = r.signature_code.as_deref() == Some(acknowledgements::signature(key, r).as_str());
            check(sealed, format!("{}: the seal matches the record", r.employee_name));
        }
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_pack() {
        assert!(matches!(verify(b"not a zip", None), Err(PackError::Zip(_))));
        let empty = zip(&BTreeMap::new()).expect("zip");
        assert!(matches!(verify(&empty, None), Err(PackError::Missing(MANIFEST))));
    }
}
