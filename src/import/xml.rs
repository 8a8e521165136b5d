//! Small helpers over quick-xml shared by the docx and odt readers.

use quick_xml::events::{BytesRef, BytesStart};

use super::archive::ReadError;

/// A quick-xml reader over a whole part, configured for document XML.
pub fn reader(xml: &str) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_reader(xml.as_bytes());
    // Word and LibreOffice files are machine-written; mismatched end tags
    // mean damage, so let quick-xml report them.
    r.config_mut().check_end_names = true;
    r
}

/// Turns a quick-xml error into `BadXml` with the byte position.
pub fn bad_xml(part: &str, pos: u64, err: impl std::fmt::Display) -> ReadError {
    ReadError::BadXml(format!("{part} at byte {pos}: {err}"))
}

/// The value of attribute `name` (qualified, e.g. `w:val`), unescaped.
pub fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.as_ref() == name {
            // An undeclared entity in an attribute is left raw, never expanded.
            return Some(match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(_) => a.value.into_owned(),
            });
        }
    }
    None
}

/// An OOXML on/off attribute value: absent `w:val` means on.
pub fn on_off(e: &BytesStart<'_>, name: &str) -> bool {
    match attr(e, name) {
        None => true,
        Some(v) => !matches!(v.as_str(), "0" | "false" | "off" | "none"),
    }
}

/// The text of an entity or character reference: the five XML entities and
/// `&#...;` only. Entities declared in a DTD are NOT expanded (that is how
/// "billion laughs" bombs work), they are dropped.
pub fn resolve_ref(r: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match r.xml10_content().as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// Parses a decimal attribute value, tolerating surrounding spaces.
pub fn parse_num<T: std::str::FromStr>(v: Option<String>) -> Option<T> {
    v.and_then(|s| s.trim().parse().ok())
}
