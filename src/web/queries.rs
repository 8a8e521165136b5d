//! Query strings read by both the pages and the API.

use serde::Deserialize;

use crate::domain::document::SectionKind;
use crate::domain::structure::Category;
use crate::services::{library, Cursor, Page};

/// `?page=N&per_page=M`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page (at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    /// Pages in position-title order: the page right after this position
    /// (the next link), read from the index instead of counted off.
    pub after: Option<String>,
    /// The page right before this position (the previous link).
    pub before: Option<String>,
}

impl PageQuery {
    /// The page's number and size.
    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }

    /// The neighbour the page was reached from, if any.
    pub fn cursor(&self) -> Option<Cursor> {
        match (&self.after, &self.before) {
            (Some(a), _) => Some(Cursor::After(a.clone())),
            (None, Some(b)) => Some(Cursor::Before(b.clone())),
            (None, None) => None,
        }
    }
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
