//! Why a reader refused its input (the parser itself never fails).

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// NUL bytes or mostly control characters: not a text file.
    #[error("the file looks binary, not text")]
    Binary,
    /// No text at all (zero bytes or only whitespace).
    #[error("the file is empty")]
    Empty,
    /// A format the importer does not read (`.doc`, `.rtf` without LibreOffice, images...).
    #[error("{0}")]
    Unsupported(String),
    /// The input is not a zip archive (or its directory is broken).
    #[error("the file is not a zip archive")]
    NotZip,
    /// The archive would decompress to more than `limit` bytes in total.
    #[error("the archive decompresses to more than {limit} bytes")]
    TooLarge {
        /// The limit in bytes that was exceeded.
        limit: u64,
    },
    /// The archive has more entries than allowed.
    #[error("the archive has too many entries")]
    TooManyEntries,
    /// A part the format requires is missing, e.g. `word/document.xml`.
    #[error("the archive has no {0}")]
    MissingPart(String),
    /// A part is not well-formed XML (message only).
    #[error("bad XML: {0}")]
    BadXml(String),
    /// The document is password-protected.
    #[error("the document is encrypted")]
    Encrypted,
    /// An entry's compressed data is damaged (bad deflate stream, CRC mismatch...).
    #[error("damaged archive entry: {0}")]
    Corrupt(String),
}
