//! Reading `multipart/form-data` uploads: files and text fields, within a size limit.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::web::error::AppError;

/// One uploaded file.
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a multipart body held.
#[derive(Default)]
pub struct Upload {
    pub files: Vec<UploadedFile>,
    pub fields: HashMap<String, String>,
}

/// The multipart body of a file form, or `None` for a plain form posted to it (which
/// carries no file): its CSRF token is still checked first, so a form without one is
/// refused as forbidden whatever its encoding.
pub async fn multipart_or_checked_form(
    req: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    session: &actix_session::Session,
) -> Result<Option<Multipart>, AppError> {
    use actix_web::FromRequest;
    let multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        return Ok(Some(Multipart::new(req.headers(), payload)));
    }
    let body = actix_web::web::Bytes::from_request(req, &mut payload.into_inner())
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    crate::web::forms::Form::parse(session, &body, &[])?;
    Ok(None)
}

/// Reads the whole body; more than `limit` bytes in total is 413 (nothing is kept).
pub async fn read(mut body: Multipart, limit: u64) -> Result<Upload, AppError> {
    let mut out = Upload::default();
    let mut total: u64 = 0;
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(format!("multipart: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("multipart: {e}")))?;
            total += chunk.len() as u64;
            if total > limit {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            // A file input left empty still sends a part with no name and no bytes.
            Some(f) if !f.is_empty() || !bytes.is_empty() => out.files.push(UploadedFile { name: f, bytes }),
            Some(_) => {}
            None => {
                let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest(format!("{name}: not UTF-8")))?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}
