//! Formats read through installed converters: `.doc`/`.rtf` by LibreOffice
//! (to `.docx`), PDF by poppler's `pdftotext`. Each runs in a temporary folder
//! that is removed afterwards.

use std::path::Path;
use std::process::Command;

use super::error::ReadError;

/// A temporary folder removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, ReadError> {
        let dir = std::env::temp_dir().join(format!("jobdesc-import-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| ReadError::Unsupported(format!("temporary folder: {e}")))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn missing(program: &str, package: &str, what: &str) -> ReadError {
    ReadError::Unsupported(format!(
        "{what} needs {program}, which is not installed (Debian package {package}); \
         save the file as .docx or paste its text instead"
    ))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, ReadError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| ReadError::Unsupported(format!("temporary file: {e}")))?;
    Ok(path)
}

/// Converts a `.doc` or `.rtf` file to `.docx` with LibreOffice (`soffice --headless`).
pub fn legacy_to_docx(file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let scratch = Scratch::new()?;
    let ext = if bytes.starts_with(b"{\\rtf") { "rtf" } else { "doc" };
    let input = write(&scratch.0, &format!("input.{ext}"), bytes)?;
    // A profile of its own, so a running LibreOffice of the user's does not take the job.
    let profile = format!("-env:UserInstallation=file://{}", scratch.0.join("profile").display());
    let run = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "docx", "--outdir"])
        .arg(&scratch.0)
        .arg(&input)
        .output();
    let out = match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(missing(
                "LibreOffice",
                "libreoffice-writer",
                &format!("Reading {file_name}"),
            ))
        }
        Err(e) => return Err(ReadError::Unsupported(format!("LibreOffice did not start: {e}"))),
        Ok(out) => out,
    };
    std::fs::read(scratch.0.join("input.docx")).map_err(|_| {
        ReadError::Unsupported(format!(
            "LibreOffice could not convert {file_name}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    })
}

/// The text layer of a PDF, by `pdftotext` (poppler).
pub fn pdf_to_text(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let scratch = Scratch::new()?;
    let input = write(&scratch.0, "input.pdf", bytes)?;
    let run = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&input)
        .arg("-")
        .output();
    match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(missing("pdftotext", "poppler-utils", "Reading a PDF"))
        }
        Err(e) => Err(ReadError::Unsupported(format!("pdftotext did not start: {e}"))),
        Ok(out) if out.status.success() && !out.stdout.iter().all(u8::is_ascii_whitespace) => Ok(out.stdout),
        Ok(_) => Err(ReadError::Unsupported(
            "the PDF has no text layer (a scan?); import the original document instead".into(),
        )),
    }
}
