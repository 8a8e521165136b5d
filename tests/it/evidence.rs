//! Evidence packs checked offline, and backups taken under write load and restored.

use std::io::{Read, Write};
use std::process::{Command, Output};

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{Api, Backend, TestApp, PASSWORD};
use crate::workflow::{approve_through, story};

fn jobdesc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobdesc"))
        .args(args)
        .env("JOBDESC_LOG_LEVEL", "warn")
        .env_remove("JOBDESC_DATABASE_URL")
        .output()
        .expect("binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The same zip with one member's text changed.
fn tampered(pack: &[u8], member: &str, from: &str, to: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(pack)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("member");
        let name = f.name().expect("name").to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        if name == member {
            let s = String::from_utf8(bytes).expect("text").replacen(from, to, 1);
            assert!(s.contains(to), "{to} written into {member}");
            bytes = s.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

async fn evidence_packs_verify_offline_and_show_tampering(app: TestApp) {
    let s = story(&app).await;
    let v = &s.version;
    assert_eq!(
        s.hr.get(&format!("/api/v1/versions/{v}/evidence-pack")).await.status,
        StatusCode::CONFLICT,
        "no pack before approval"
    );
    approve_through(&s, v).await;
    let ack = crate::workflow::task_of(&app, v, &s.employee_id);
    let url = format!("/api/v1/acknowledgements/{}/evidence-pack", ack.id);
    assert_eq!(s.hr.get(&url).await.status, StatusCode::CONFLICT, "not signed yet");
    let a = s
        .employee
        .post(
            &format!("/api/v1/acknowledgements/{}/sign", ack.id),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        s.employee.get(&url).await.status,
        StatusCode::FORBIDDEN,
        "packs are for HR"
    );
    let pack = s.hr.bytes_of(&url).await;
    assert_eq!(pack.0, StatusCode::OK);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pack.zip");
    std::fs::write(&file, &pack.1).expect("write pack");
    let key = dir.path().join("secret.key");
    std::fs::write(&key, app.settings.secret_key.expose()).expect("write key");
    let path = file.to_str().expect("path");
    let o = jobdesc(&["verify-pack", path]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("The pack is intact") && text(&o).contains("seals not checked"));
    let o = jobdesc(&["verify-pack", path, "--secret-key-file", key.to_str().expect("key")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("the seal matches the record"), "{}", text(&o));

    // An address changed in the record: the manifest, the log and the seal all disagree.
    let forged = tampered(
        &pack.1,
        "evidence.json",
        "\"ip\": \"127.0.0.1\"",
        "\"ip\": \"10.9.9.9\"",
    );
    std::fs::write(&file, forged).expect("write forged");
    let o = jobdesc(&["verify-pack", path, "--secret-key-file", key.to_str().expect("key")]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("FAIL evidence.json: SHA-256"), "{}", text(&o));
    assert!(text(&o).contains("FAIL") && text(&o).contains("seal"), "{}", text(&o));
    std::fs::write(&file, b"not a pack").expect("write junk");
    let o = jobdesc(&["verify-pack", path]);
    assert!(
        !o.status.success() && text(&o).contains("not an evidence pack"),
        "{}",
        text(&o)
    );

    // The version's pack holds every signed acknowledgement.
    let version_pack = s.hr.bytes_of(&format!("/api/v1/versions/{v}/evidence-pack")).await;
    std::fs::write(&file, &version_pack.1).expect("write");
    let o = jobdesc(&["verify-pack", path]);
    assert!(o.status.success(), "{}", text(&o));
    // From the page too.
    let mut web = app.web_as("hr.pages", "hr").await;
    let page = web.get(&format!("/acknowledgements/{}/evidence", ack.id)).await;
    assert!(page.body.contains("evidence-pack"), "the evidence page links the pack");
    assert_eq!(
        web.get(&format!("/acknowledgements/{}/evidence-pack", ack.id))
            .await
            .status,
        StatusCode::OK
    );
}

/// Writes departments as fast as it can until told to stop; returns the names that got 201.
async fn write_load(api: Api, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<String> {
    let mut written = Vec::new();
    let mut i = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let name = format!("Отдел нагрузки {i}");
        if api.post("/api/v1/departments", json!({ "name": name })).await.status == StatusCode::CREATED {
            written.push(name);
        }
        i += 1;
    }
    written
}

fn count(conn: &mut jobdesc::db::DbConn, name_prefix: &str) -> i64 {
    use diesel::prelude::*;
    use jobdesc::db::schema::departments;
    departments::table
        .filter(departments::name.like(format!("{name_prefix}%")))
        .count()
        .get_result(conn)
        .expect("count")
}

async fn a_backup_under_write_load_restores_whole(app: TestApp) {
    let api = app.api_as("hr", "hr");
    for i in 0..20 {
        api.post("/api/v1/departments", json!({ "name": format!("Отдел до копии {i}") }))
            .await;
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = actix_web::rt::spawn(write_load(api.clone(), stop.clone()));
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("backup.bin");
    let url = app.settings.database_url.expose().to_string();
    let (backup_file, db_url) = (file.to_str().expect("path").to_string(), url.clone());
    let o = actix_web::rt::task::spawn_blocking(move || jobdesc(&["--database-url", &db_url, "backup", &backup_file]))
        .await
        .expect("backup ran");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = load.await.expect("load");
    assert!(o.status.success(), "{}", text(&o));
    assert!(!written.is_empty(), "writes went on during the backup");
    // Restore into a new place and look at it.
    let mut restored_db = None;
    let restored_url = match app.backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("restored/jobdesc.db").display()),
        Backend::Postgres => {
            let admin = crate::helpers::postgres_url().expect("pg");
            let name = format!("jobdesc_restore_{}", uuid::Uuid::new_v4().simple());
            crate::helpers::pg_admin(&admin, &format!("CREATE DATABASE {name}"));
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_string();
            restored_db = Some((admin, name.clone()));
            format!("{base}/{name}")
        }
    };
    let o = jobdesc(&["--database-url", &restored_url, "restore", file.to_str().expect("path")]);
    assert!(o.status.success(), "{}", text(&o));
    let o = jobdesc(&["--database-url", &restored_url, "verify-log"]);
    assert!(o.status.success(), "the restored chain is intact: {}", text(&o));
    let mut restored = jobdesc::db::establish(&restored_url).expect("restored opens");
    assert_eq!(
        count(&mut restored, "Отдел до копии"),
        20,
        "every row from before the backup"
    );
    let during = count(&mut restored, "Отдел нагрузки");
    assert!(during as usize <= written.len(), "nothing that was not written");
    // A second backup to the same name is refused; junk is not restored.
    let o = jobdesc(&["--database-url", &url, "backup", file.to_str().expect("path")]);
    assert!(!o.status.success() && text(&o).contains("exists"), "{}", text(&o));
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"junk").expect("junk");
    if app.backend == Backend::Sqlite {
        let o = jobdesc(&["--database-url", &restored_url, "restore", junk.to_str().expect("path")]);
        assert!(!o.status.success(), "{}", text(&o));
        assert_eq!(
            count(&mut restored, "Отдел до копии"),
            20,
            "a refused restore changes nothing"
        );
    }
    drop(restored);
    if let Some((admin, name)) = restored_db {
        crate::helpers::pg_admin(&admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
    }
}

crate::on_both_backends!(
    evidence_packs_verify_offline_and_show_tampering,
    a_backup_under_write_load_restores_whole,
);
