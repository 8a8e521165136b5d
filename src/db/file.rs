//! Noticing that the SQLite file was deleted or replaced while the server runs.

/// The SQLite file the server opened, to notice when it is deleted or replaced
/// underneath (SQLite would go on writing into the deleted file).
#[derive(Debug, Clone)]
pub struct DbFile {
    path: std::path::PathBuf,
    identity: (u64, u64),
}

impl DbFile {
    fn identity(path: &std::path::Path) -> Option<(u64, u64)> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            Some((meta.len().min(1), 0))
        }
    }

    /// Remembers the file as it is now.
    pub fn open(path: &std::path::Path) -> Option<DbFile> {
        Some(DbFile {
            path: path.to_path_buf(),
            identity: DbFile::identity(path)?,
        })
    }

    /// True while the path still names the file that was opened.
    pub fn unchanged(&self) -> bool {
        DbFile::identity(&self.path) == Some(self.identity)
    }
}
