//! The importer of jobdesc, compiled on its own for fuzzing. `src/import` is
//! plain Rust that names only `domain::document` and `domain::language` of the rest of the crate, so
//! both are taken by path and the fuzz build leaves actix and diesel out.

#[path = "../../../src/import/mod.rs"]
pub mod import;

/// The part of the domain the importer's draft step names: the text, and the
/// language it is written in.
#[path = "../../../src/domain"]
pub mod domain {
    pub mod document;
    pub mod language;
}

use std::io::{Cursor, Write};

/// The input as a zip: a zip when it is one, else its NUL-separated pieces
/// stored under `names` in order. Mutating XML inside a compressed zip seldom
/// gives a readable file, so the fuzzer mostly works on the parts themselves.
pub fn as_package(data: &[u8], names: &[&str]) -> Vec<u8> {
    if data.starts_with(b"PK") {
        return data.to_vec();
    }
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in names.iter().zip(data.splitn(names.len(), |b| *b == 0)) {
        if w.start_file(*name, stored).is_err() || w.write_all(part).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}
