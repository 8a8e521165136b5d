//! What the sheets print: a self-contained description of one job description
//! version, its signatures, acknowledgements and register (`render --from-json`).

use serde::{Deserialize, Serialize};

/// Everything the three sheets need; documented in `docs/pdf.md`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RenderInput {
    pub organization: OrgInfo,
    pub position: PositionInfo,
    pub document: DocInfo,
    #[serde(default)]
    pub approval: Option<Signature>,
    #[serde(default)]
    pub author: Option<Signature>,
    #[serde(default)]
    pub visas: Vec<Signature>,
    pub sections: Vec<SectionOut>,
    #[serde(default)]
    pub acknowledgements: Vec<AckOut>,
    #[serde(default)]
    pub register: Vec<RegisterOut>,
    #[serde(default)]
    pub journal: Vec<JournalOut>,
    /// The remarks the visas refer to («Замечания прилагаются»): printed after the
    /// document as its remarks sheet.
    #[serde(default)]
    pub remarks: Vec<RemarkOut>,
}

/// One remark of an agreer: on a clause, or with a visa.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemarkOut {
    /// The clause's number; empty for a remark given with the visa.
    #[serde(default)]
    pub clause: String,
    pub text: String,
    /// Who, as printed: «И.О. Фамилия, должность».
    pub who: String,
    /// When, in the organisation's time.
    pub at: String,
}

/// The organisation's requisites.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgInfo {
    pub full_name: String,
    #[serde(default)]
    pub city: String,
}

/// The position the document describes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PositionInfo {
    pub title: String,
    pub title_genitive: String,
    #[serde(default)]
    pub department: String,
}

/// Registration data of the version.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocInfo {
    #[serde(default)]
    pub registration_number: Option<String>,
    /// Approval date, `YYYY-MM-DD`.
    #[serde(default)]
    pub approved_on: Option<String>,
    #[serde(default)]
    pub effective_date: Option<String>,
    pub version: i32,
    /// The document's language (`ru`, `bg`): what its sheets print around its text.
    #[serde(default)]
    pub language: crate::domain::language::DocLanguage,
    /// True once approved: no "ПРОЕКТ" mark.
    #[serde(default)]
    pub approved: bool,
    #[serde(default)]
    pub content_hash: Option<String>,
    /// The verification page of this exact version (for the QR code).
    #[serde(default)]
    pub verify_url: Option<String>,
    /// The order that brought it into force («Приказ от … № …»), printed under the stamp.
    #[serde(default)]
    pub order: Option<String>,
    /// The order's number and date (`YYYY-MM-DD`), for the order itself.
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub order_date: Option<String>,
}

/// A signature line: approval, author, or a visa.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Signature {
    pub position: String,
    /// Full name ("Фамилия Имя Отчество"); printed as "И.О. Фамилия".
    pub name: String,
    #[serde(default)]
    pub date: Option<String>,
    /// Visa given with remarks.
    #[serde(default)]
    pub remarks: bool,
    /// Signed in the system: printed as the mark of an electronic signature.
    #[serde(default)]
    pub electronic: Option<ElectronicMark>,
}

/// The mark of an electronic signature.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ElectronicMark {
    pub signed_by: String,
    pub at: String,
    pub code: String,
}

/// A numbered section with its clauses, text resolved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SectionOut {
    #[serde(default)]
    pub number: Option<usize>,
    pub heading: String,
    pub clauses: Vec<ClauseOut>,
}

/// A clause as printed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClauseOut {
    /// "2.1.3", or empty in an unnumbered list.
    #[serde(default)]
    pub number: String,
    #[serde(default = "one")]
    pub depth: usize,
    pub text: String,
}

fn one() -> usize {
    1
}

/// One row of the acknowledgement sheet.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AckOut {
    pub name: String,
    pub position: String,
    /// Date of acknowledgement, `DD.MM.YYYY`, empty while unsigned.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub electronic: Option<ElectronicMark>,
}

/// One row of the revision register.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterOut {
    pub change_number: i32,
    /// Sheet numbers: changed, replaced, new, cancelled.
    #[serde(default)]
    pub sheets: SheetChanges,
    #[serde(default)]
    pub total_sheets: Option<usize>,
    pub entered: String,
    pub effective: String,
    pub content: Vec<String>,
    pub author: String,
    /// Основание: the order that brought it into force («Приказ от … № …»).
    #[serde(default)]
    pub basis: String,
}

/// Which sheets a revision changed, computed by laying out both versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SheetChanges {
    pub changed: Vec<usize>,
    pub replaced: Vec<usize>,
    pub new: Vec<usize>,
    pub cancelled: Vec<usize>,
}

/// One entry of the detailed journal.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JournalOut {
    pub at: String,
    pub who: String,
    pub what: String,
}
