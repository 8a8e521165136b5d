//! Query strings read by both the pages and the API.

use serde::Deserialize;

use crate::domain::document::SectionKind;
use crate::domain::structure::Category;
use crate::services::library;

/// `?page=N&per_page=M`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page (at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// `?before=N` of the change log page: the entries older than sequence number N.
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub before: Option<i64>,
}

/// `?q=&section=&category=&page=` of the library page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct LibraryQuery {
    /// Words to find (any word form).
    pub q: Option<String>,
    /// Section kind code (`duties`, `rights`...).
    pub section: Option<String>,
    /// Position category code (`manager`, `specialist`...).
    pub category: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl LibraryQuery {
    /// The service query; unknown section or category codes filter nothing.
    pub fn to_query(&self) -> library::Query {
        library::Query {
            words: self.q.clone().unwrap_or_default(),
            section: self.section.as_deref().and_then(SectionKind::parse),
            category: self.category.as_deref().and_then(Category::parse),
        }
    }
}
