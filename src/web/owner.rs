//! Which text an editor URL edits: a version of a job description or a template.

use crate::db::DbConn;
use crate::domain::account::Role;
use crate::domain::placeholders::Values;
use crate::domain::version::Status;
use crate::services::crud::Resource;
use crate::services::templates::Template;
use crate::services::texts::Owner;
use crate::services::{documents, versions, ServiceError};
use crate::web::resources::{DOC_EDIT, DOC_VIEW};

/// What kind of text an editor URL edits.
pub trait OwnerKind: 'static {
    /// URL prefix of the edit routes: `/versions` or `/templates`.
    const BASE: &'static str;
    /// Route of the editor page.
    const SHOW: &'static str;
    /// Who may open the editor page (read-only unless they may edit).
    const READERS: &'static [Role];
    fn owner(id: &str) -> Owner;
    /// Where the editor page of this text is.
    fn editor_url(id: &str) -> String;
    /// Title, placeholder values (versions only), status and a link back.
    fn describe(conn: &mut DbConn, id: &str) -> Result<Described, ServiceError>;
    /// The version whose workflow is shown under the text (versions only).
    fn version_id(_id: &str) -> Option<&str> {
        None
    }
}

/// How an editor page introduces its text.
pub struct Described {
    pub title: String,
    pub values: Option<Values>,
    pub status: Option<Status>,
    pub back: String,
}

/// Editing a version of a job description.
pub struct VersionKind;

/// Editing a template.
pub struct TemplateKind;

impl OwnerKind for VersionKind {
    const BASE: &'static str = "/versions";
    const SHOW: &'static str = "/versions/{id}";
    const READERS: &'static [Role] = DOC_VIEW;

    fn owner(id: &str) -> Owner {
        Owner::Version(id.to_string())
    }

    fn editor_url(id: &str) -> String {
        format!("/versions/{id}")
    }

    fn version_id(id: &str) -> Option<&str> {
        Some(id)
    }

    fn describe(conn: &mut DbConn, id: &str) -> Result<Described, ServiceError> {
        let v = versions::get(conn, id)?;
        Ok(Described {
            title: crate::i18n::strings()
                .get("editor.version_title")
                .replace("{title}", &v.position_title)
                .replace("{number}", &v.number.to_string()),
            values: Some(documents::values(conn, id)?),
            status: Some(v.status),
            back: format!("/documents/{}", v.job_description_id),
        })
    }
}

impl OwnerKind for TemplateKind {
    const BASE: &'static str = "/templates";
    const SHOW: &'static str = "/templates/{id}/text";
    const READERS: &'static [Role] = DOC_EDIT;

    fn owner(id: &str) -> Owner {
        Owner::Template(id.to_string())
    }

    fn editor_url(id: &str) -> String {
        format!("/templates/{id}/text")
    }

    fn describe(conn: &mut DbConn, id: &str) -> Result<Described, ServiceError> {
        let t = Template::get(conn, id)?;
        Ok(Described {
            title: t.name,
            values: None,
            status: None,
            back: "/templates".into(),
        })
    }
}
