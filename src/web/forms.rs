//! Reading HTML form posts: CSRF check first, then fields as JSON for the shared input types.

use actix_session::Session;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::session::check_csrf;
use crate::web::error::AppError;

/// A parsed form: its fields, with empty strings as null and repeated names as arrays.
pub struct Form(pub Map<String, Value>);

impl Form {
    /// Parses an urlencoded body whose CSRF token matches the session.
    pub fn parse(session: &Session, body: &[u8], array_fields: &[&str]) -> Result<Form, AppError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|e| AppError::BadRequest(format!("form: {e}")))?;
        let token = pairs.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str());
        check_csrf(session, token)?;
        let mut map = Map::new();
        for name in array_fields {
            map.insert(name.to_string(), Value::Array(Vec::new()));
        }
        for (k, v) in pairs {
            if k == "csrf_token" {
                continue;
            }
            if array_fields.contains(&k.as_str()) {
                if let Some(Value::Array(items)) = map.get_mut(&k) {
                    items.push(Value::String(v));
                }
            } else if v.trim().is_empty() {
                map.insert(k, Value::Null);
            } else {
                map.insert(k, Value::String(v));
            }
        }
        Ok(Form(map))
    }

    /// Decodes into an input type; unknown fields are ignored.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        // Required strings arrive as null when empty; the input types default them.
        let map: Map<String, Value> = self
            .0
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        serde_json::from_value(Value::Object(map)).map_err(|e| AppError::BadRequest(format!("form: {e}")))
    }

    /// One text field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }
}
