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

/// The query of a list page: its page, and what the list is narrowed to.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    pub after: Option<String>,
    pub before: Option<String>,
    /// Words to find, in any form and case.
    pub q: Option<String>,
    /// Status code of the newest version (documents).
    pub status: Option<String>,
    /// `1`: only rows without what the list's extra column shows (positions without an
    /// approved job description).
    pub without: Option<String>,
}

impl ListQuery {
    /// The page's number and size.
    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }

    /// The neighbour the page was reached from, if any (only for an unfiltered list).
    pub fn cursor(&self) -> Option<Cursor> {
        PageQuery {
            page: self.page,
            per_page: self.per_page,
            after: self.after.clone(),
            before: self.before.clone(),
        }
        .cursor()
    }

    /// The words searched for, if any.
    pub fn words(&self) -> &str {
        self.q.as_deref().map(str::trim).unwrap_or("")
    }

    /// True when only rows without the extra column's thing are wanted.
    pub fn without(&self) -> bool {
        self.without.as_deref() == Some("1")
    }

    /// True when the list is narrowed by anything.
    pub fn is_filtered(&self) -> bool {
        !self.words().is_empty() || self.without() || self.status.as_deref().is_some_and(|s| !s.is_empty())
    }

    /// The narrowing as a query-string tail (`&q=…`) for the pager's links.
    pub fn filter_link(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if !self.words().is_empty() {
            pairs.push(("q", self.words()));
        }
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty()) {
            pairs.push(("status", s));
        }
        if self.without() {
            pairs.push(("without", "1"));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(s) if !s.is_empty() => format!("&{s}"),
            _ => String::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_keeps_what_the_list_is_narrowed_to() {
        let q = ListQuery {
            q: Some(" склад & учёт ".into()),
            status: Some("approved".into()),
            without: Some("1".into()),
            ..ListQuery::default()
        };
        assert!(q.is_filtered());
        assert_eq!(
            q.filter_link(),
            "&q=%D1%81%D0%BA%D0%BB%D0%B0%D0%B4+%26+%D1%83%D1%87%D1%91%D1%82&status=approved&without=1"
        );
        let plain = ListQuery::default();
        assert!(!plain.is_filtered());
        assert_eq!(plain.filter_link(), "");
        assert!(!ListQuery {
            without: Some("0".into()),
            ..ListQuery::default()
        }
        .without());
    }
}
