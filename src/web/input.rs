//! Refusing input no field may hold, before any handler or query sees it: control
//! characters (NUL first: PostgreSQL cannot store it) in paths, queries and bodies,
//! and ids that are not UUIDs.

use serde_json::Value;

/// The request's media type, lower-cased (empty when absent or not text).
pub fn content_type(headers: &actix_web::http::header::HeaderMap) -> String {
    headers
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Control characters other than tab and line breaks (C0, DEL, C1).
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// True when any text of `s` is forbidden.
pub fn has_forbidden(s: &str) -> bool {
    s.chars().any(forbidden)
}

/// True when any string or key in the JSON value holds a forbidden character.
pub fn json_has_forbidden(v: &Value) -> bool {
    match v {
        Value::String(s) => has_forbidden(s),
        Value::Array(items) => items.iter().any(json_has_forbidden),
        Value::Object(map) => map.iter().any(|(k, v)| has_forbidden(k) || json_has_forbidden(v)),
        _ => false,
    }
}

/// True when an urlencoded string (query or form body) decodes to a forbidden character.
pub fn urlencoded_has_forbidden(raw: &[u8]) -> bool {
    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw) {
        Ok(pairs) => pairs.iter().any(|(k, v)| has_forbidden(k) || has_forbidden(v)),
        // Not decodable: the handler's own parser answers 400.
        Err(_) => false,
    }
}

/// Path parameters that name records: `id`, and `cid`/`sid` for clauses and sections.
pub fn is_id_param(name: &str) -> bool {
    name == "id" || name == "cid" || name == "sid"
}

/// True when `s` is a UUID in its usual hyphenated form.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_anywhere() {
        assert!(has_forbidden("a\0b"));
        assert!(!has_forbidden("строка\tс\r\nпереносом"));
        assert!(json_has_forbidden(&serde_json::json!({ "login": "\u{0}" })));
        assert!(json_has_forbidden(&serde_json::json!({ "a": [1, { "b\u{1b}": 2 }] })));
        assert!(!json_has_forbidden(&serde_json::json!({ "a": ["обычный текст"] })));
        assert!(urlencoded_has_forbidden(b"next=%2F%00"));
        assert!(urlencoded_has_forbidden(b"a=%C2%85"));
        assert!(!urlencoded_has_forbidden(b"text=%D0%B0%0D%0A"));
    }

    #[test]
    fn ids_are_uuids() {
        assert!(is_uuid("0b7e6a58-3f55-4ad6-9a0d-6b2e1f0c9d11"));
        assert!(!is_uuid("%00"));
        assert!(!is_uuid("0b7e6a583f554ad69a0d6b2e1f0c9d11"));
    }
}
