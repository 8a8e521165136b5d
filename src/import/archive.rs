//! Safe opening of zip-based documents (.docx, .odt): size and entry limits, typed errors.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

pub use super::error::ReadError;

/// Limits that keep a hostile archive from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum total uncompressed bytes, declared and actually read.
    pub max_total: u64,
    /// Maximum number of entries in the archive.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total: 50 * 1024 * 1024,
            max_entries: 2_000,
        }
    }
}

/// An opened archive that reads entries within `Limits`.
pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    limits: Limits,
    /// Bytes actually decompressed so far, over all entries: a lying header
    /// cannot make us read more than `max_total` in total.
    read_so_far: u64,
}

/// The OLE compound-file signature: password-protected Office files are such
/// a container (with an "EncryptedPackage" stream) instead of a zip.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl<'a> Archive<'a> {
    /// Opens `bytes` as a zip, checking entry count and declared total size.
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Self, ReadError> {
        if bytes.starts_with(&CFB_MAGIC) {
            return Err(if is_encrypted_package(bytes) {
                ReadError::Encrypted
            } else {
                ReadError::NotZip
            });
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotZip)?;
        if zip.len() > limits.max_entries {
            return Err(ReadError::TooManyEntries);
        }
        let mut declared: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip.by_index_data(i).map_err(|_| ReadError::NotZip)?;
            declared = declared.saturating_add(entry.size());
        }
        if declared > limits.max_total {
            return Err(ReadError::TooLarge {
                limit: limits.max_total,
            });
        }
        Ok(Archive {
            zip,
            limits,
            read_so_far: 0,
        })
    }

    /// Whether the archive has an entry with exactly this name.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Reads an entry as text, `Ok(None)` when it does not exist.
    pub fn read_string(&mut self, name: &str) -> Result<Option<String>, ReadError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let encrypted = self.zip.by_index_data(index).map(|e| e.encrypted()).unwrap_or(false);
        if encrypted {
            return Err(ReadError::Encrypted);
        }
        let remaining = self.limits.max_total.saturating_sub(self.read_so_far);
        let file = self.zip.by_index(index).map_err(map_zip_error)?;
        let mut buf = Vec::new();
        // One byte over the remaining budget tells "exactly at the limit" from "over it".
        file.take(remaining.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| ReadError::Corrupt(e.to_string()))?;
        let len = buf.len() as u64;
        if len > remaining {
            return Err(ReadError::TooLarge {
                limit: self.limits.max_total,
            });
        }
        self.read_so_far += len;
        decode_text(buf).map(Some)
    }

    /// Reads an entry as text; a missing entry is `MissingPart`.
    pub fn read_required(&mut self, name: &str) -> Result<String, ReadError> {
        self.read_string(name)?
            .ok_or_else(|| ReadError::MissingPart(name.to_string()))
    }
}

fn map_zip_error(e: ZipError) -> ReadError {
    match e {
        ZipError::UnsupportedArchive(msg) if msg == ZipError::PASSWORD_REQUIRED => ReadError::Encrypted,
        ZipError::InvalidPassword => ReadError::Encrypted,
        other => ReadError::Corrupt(other.to_string()),
    }
}

/// Looks for the UTF-16LE stream name "EncryptedPackage" that Office writes
/// into a password-protected file's compound-file directory.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// XML parts are UTF-8 in practice; UTF-16 with a BOM is allowed by XML and
/// handled too. Anything else is reported, not guessed.
fn decode_text(buf: Vec<u8>) -> Result<String, ReadError> {
    if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) {
        let le = buf[0] == 0xFF;
        let units: Vec<u16> = buf[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| ReadError::BadXml("invalid UTF-16".into()));
    }
    let mut text = String::from_utf8(buf).map_err(|_| ReadError::BadXml("not valid UTF-8".into()))?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let mut v = vec![0xEF, 0xBB, 0xBF];
        v.extend_from_slice(b"<a/>");
        assert_eq!(decode_text(v), Ok("<a/>".to_string()));
    }

    #[test]
    fn utf16le_is_decoded() {
        let mut v = vec![0xFF, 0xFE];
        v.extend("<a/>".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_text(v), Ok("<a/>".to_string()));
    }

    #[test]
    fn garbage_is_not_zip() {
        assert!(matches!(
            Archive::open(b"hello", Limits::default()),
            Err(ReadError::NotZip)
        ));
        assert!(matches!(Archive::open(&[], Limits::default()), Err(ReadError::NotZip)));
    }

    #[test]
    fn compound_file_with_encrypted_package_is_encrypted() {
        let mut v = CFB_MAGIC.to_vec();
        v.extend(vec![0u8; 100]);
        v.extend("EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert!(matches!(
            Archive::open(&v, Limits::default()),
            Err(ReadError::Encrypted)
        ));
    }
}
