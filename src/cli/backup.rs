//! `backup` and `restore`: SQLite through `VACUUM INTO` (a consistent snapshot taken in
//! one read transaction, so writers carry on), PostgreSQL through pg_dump/pg_restore.

use std::path::Path;
use std::process::Command;

use diesel::connection::SimpleConnection;

use super::CliError;
use crate::config::Settings;
use crate::db::{sqlite_path, DbConn};

fn message(m: impl Into<String>) -> CliError {
    CliError::Message(m.into())
}

fn run(program: &str, args: &[&str]) -> Result<(), CliError> {
    let out = Command::new(program).args(args).output().map_err(|e| {
        message(format!(
            "{program} is needed for PostgreSQL backups ({e}); install the postgresql-client package"
        ))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(message(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Writes a backup of the open database to `file` (which must not exist).
pub fn backup(conn: &mut DbConn, url: &str, file: &Path) -> Result<(), CliError> {
    if file.exists() {
        return Err(message(format!("{} exists; choose a new file name", file.display())));
    }
    let target = file
        .to_str()
        .ok_or_else(|| message("the backup file name must be valid UTF-8"))?;
    match conn {
        DbConn::Sqlite(_) => conn
            .batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
            .map_err(|e| message(format!("backup failed: {e}"))),
        DbConn::Pg(_) => run("pg_dump", &["--format=custom", "--no-owner", "--file", target, url]),
    }
}

/// Puts a backup in place of the configured database.
pub fn restore(settings: &Settings, file: &Path) -> Result<(), CliError> {
    if !file.is_file() {
        return Err(message(format!("{} is not a file", file.display())));
    }
    let url = settings.database_url.expose();
    let Some(db) = sqlite_path(url) else {
        let source = file
            .to_str()
            .ok_or_else(|| message("the backup file name must be valid UTF-8"))?;
        run(
            "pg_restore",
            &["--clean", "--if-exists", "--no-owner", "--dbname", url, source],
        )?;
        println!("Restored {} into the PostgreSQL database.", file.display());
        return Ok(());
    };
    // A backup must open as a jobdesc database before it replaces anything.
    let mut probe = crate::db::establish(&format!("sqlite://{}", file.display()))
        .map_err(|e| message(format!("{} is not a database: {e}", file.display())))?;
    probe
        .batch_execute("SELECT seq FROM change_log_head")
        .map_err(|_| message(format!("{} is not a jobdesc backup", file.display())))?;
    drop(probe);
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir).map_err(|e| message(format!("{}: {e}", dir.display())))?;
    }
    if db.exists() {
        let kept = db.with_extension("db.before-restore");
        std::fs::rename(&db, &kept).map_err(|e| message(format!("{}: {e}", db.display())))?;
        // Its write-ahead log belongs with it, not with the restored file.
        for suffix in ["-wal", "-shm"] {
            let side = format!("{}{suffix}", db.display());
            if Path::new(&side).exists() {
                std::fs::rename(&side, format!("{}{suffix}", kept.display()))
                    .map_err(|e| message(format!("{side}: {e}")))?;
            }
        }
        println!("The database that was there is kept as {}.", kept.display());
    }
    std::fs::copy(file, &db).map_err(|e| message(format!("{}: {e}", db.display())))?;
    println!("Restored {} to {}.", file.display(), db.display());
    Ok(())
}
