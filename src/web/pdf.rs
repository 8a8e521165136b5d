//! The PDF and Word answers shared by the download pages and the API.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::pdf::{render, Part};
use crate::services::render::input_for;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// `?parts=document,acknowledgements,register` (default: all).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PartsQuery {
    /// Comma-separated: `document`, `acknowledgements`, `register` (default: all).
    #[serde(default)]
    pub parts: String,
}

/// Percent-encodes a file name for `filename*` (RFC 5987).
pub fn rfc5987(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Renders a version's sheets as a downloadable PDF.
pub async fn make_pdf(state: &AppState, id: String, parts: &str) -> Result<HttpResponse, AppError> {
    let parts = Part::parse_list(parts).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let public = state.settings.public_url.clone();
    let input = state
        .with_clock(move |c, clock| input_for(c, clock, &id, &public))
        .await?;
    let title = file_name(&input.position.title_genitive, input.document.version, &parts);
    let rendered = web::block(move || render(&input, &parts))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !rendered.missing.is_empty() {
        tracing::warn!(missing = ?rendered.missing, "characters without a glyph printed as ?");
    }
    let disposition = format!(
        "attachment; filename=\"job-description.pdf\"; filename*=UTF-8''{}.pdf",
        rfc5987(&title)
    );
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(rendered.bytes))
}

/// `?part=order` for the order instead of the job description.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DocxQuery {
    /// `document` (default) or `order`.
    #[serde(default)]
    pub part: Option<String>,
}

/// The job description (or its order) as a Word document (.docx), for people outside the system.
pub async fn make_docx(state: &AppState, id: String, part: Option<&str>) -> Result<HttpResponse, AppError> {
    let part = match part.map(str::trim).filter(|p| !p.is_empty()) {
        None => Part::Document,
        Some(p) => match Part::parse(p) {
            Some(p @ (Part::Document | Part::Order)) => p,
            _ => return Err(AppError::BadRequest(format!("part {p}: use document or order"))),
        },
    };
    let public = state.settings.public_url.clone();
    let input = state
        .with_clock(move |c, clock| input_for(c, clock, &id, &public))
        .await?;
    let title = file_name(&input.position.title_genitive, input.document.version, &[part]);
    let bytes = web::block(move || match part {
        Part::Order => crate::word::order(&input),
        _ => crate::word::document(&input),
    })
    .await?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"job-description.docx\"; filename*=UTF-8''{}.docx",
        rfc5987(&title)
    );
    Ok(HttpResponse::Ok()
        .content_type(DOCX)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(bytes))
}

/// The media type of a .docx file.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The name a PDF is saved under: which document, which version and which sheets, so
/// that downloads of different parts do not overwrite each other.
fn file_name(title_genitive: &str, version: i32, parts: &[Part]) -> String {
    let what = match parts {
        [Part::Acknowledgements] => " лист ознакомления",
        [Part::Register] => " лист регистрации изменений",
        [Part::Document] => "",
        [Part::Order] => " приказ",
        _ if parts.len() == Part::ALL.len() => " с листами",
        _ => " (части)",
    };
    format!("ДИ {title_genitive} ред {version}{what}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_part_downloads_under_its_own_name() {
        use crate::pdf::Part;
        let names: Vec<String> = [
            vec![Part::Document],
            vec![Part::Acknowledgements],
            vec![Part::Register],
            Part::ALL.to_vec(),
        ]
        .iter()
        .map(|p| super::file_name("кладовщика", 2, p))
        .collect();
        assert_eq!(names[0], "ДИ кладовщика ред 2");
        assert_eq!(names[1], "ДИ кладовщика ред 2 лист ознакомления");
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:?}");
    }

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(super::rfc5987("ДИ а.pdf"), "%D0%94%D0%98%20%D0%B0.pdf");
    }
}
