//! The edits HR makes to a text: adding, changing, moving and removing clauses and
//! sections. Each keeps the tree valid (depth, required sections) or refuses.

use serde::{Deserialize, Serialize};

use super::{Clause, Content, EditError, LibraryLink, Move, Section, SectionKind, MAX_DEPTH};

/// Where a clause stands: its section, its parent clause (none at the top level)
/// and its index among its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub section_id: String,
    pub parent_id: Option<String>,
    pub index: usize,
}

/// Finds a clause's sibling list and index.
fn locate_mut<'a>(list: &'a mut Vec<Clause>, id: &str) -> Option<(&'a mut Vec<Clause>, usize)> {
    if let Some(i) = list.iter().position(|c| c.id == id) {
        return Some((list, i));
    }
    for c in list.iter_mut() {
        if let Some(found) = locate_mut(&mut c.children, id) {
            return Some(found);
        }
    }
    None
}

fn depth_of(list: &[Clause], id: &str, depth: usize) -> Option<usize> {
    for c in list {
        if c.id == id {
            return Some(depth);
        }
        if let Some(d) = depth_of(&c.children, id, depth + 1) {
            return Some(d);
        }
    }
    None
}

fn height(c: &Clause) -> usize {
    1 + c.children.iter().map(height).max().unwrap_or(0)
}

/// Finds the parent list containing `id`'s parent, and the parent's index.
fn parent_of<'a>(list: &'a mut Vec<Clause>, id: &str) -> Option<(&'a mut Vec<Clause>, usize)> {
    let pos = list.iter().position(|c| c.children.iter().any(|ch| ch.id == id));
    match pos {
        Some(i) => Some((list, i)),
        None => {
            for c in list.iter_mut() {
                if let Some(found) = parent_of(&mut c.children, id) {
                    return Some(found);
                }
            }
            None
        }
    }
}

impl Content {
    fn section_mut(&mut self, id: &str) -> Result<&mut Section, EditError> {
        self.sections
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(EditError::UnknownSection)
    }

    fn list_of(&mut self, clause_id: &str) -> Result<(&mut Vec<Clause>, usize), EditError> {
        self.sections
            .iter_mut()
            .find_map(|s| locate_mut(&mut s.clauses, clause_id))
            .ok_or(EditError::UnknownClause)
    }

    fn depth(&self, clause_id: &str) -> Option<usize> {
        self.sections.iter().find_map(|s| depth_of(&s.clauses, clause_id, 1))
    }

    /// Adds a clause at the end of a section (before a closing catch-all such as «Выполняет
    /// иные обязанности…», which stays last), or as the last sub-clause of `parent`.
    pub fn add_clause(&mut self, section_id: &str, parent: Option<&str>, clause: Clause) -> Result<(), EditError> {
        match parent {
            None => {
                let clauses = &mut self.section_mut(section_id)?.clauses;
                let at = match clauses.last() {
                    Some(last) if is_catch_all(&last.text) && !is_catch_all(&clause.text) => clauses.len() - 1,
                    _ => clauses.len(),
                };
                clauses.insert(at, clause);
            }
            Some(p) => {
                if self.depth(p).ok_or(EditError::UnknownClause)? + height(&clause) > MAX_DEPTH {
                    return Err(EditError::TooDeep);
                }
                let section = self.section_mut(section_id)?;
                let (list, i) = locate_mut(&mut section.clauses, p).ok_or(EditError::UnknownClause)?;
                list[i].children.push(clause);
            }
        }
        Ok(())
    }

    /// Inserts a clause right after `after` (the clause the author is at), at its level.
    pub fn insert_after(&mut self, after: &str, clause: Clause) -> Result<(), EditError> {
        let depth = self.depth(after).ok_or(EditError::UnknownClause)?;
        if depth - 1 + height(&clause) > MAX_DEPTH {
            return Err(EditError::TooDeep);
        }
        let (list, i) = self.list_of(after)?;
        list.insert(i + 1, clause);
        Ok(())
    }

    /// Replaces a clause's text; the library link stays (see `unlink`).
    pub fn set_text(&mut self, clause_id: &str, text: &str) -> Result<String, EditError> {
        let (list, i) = self.list_of(clause_id)?;
        Ok(std::mem::replace(&mut list[i].text, text.to_string()))
    }

    /// Drops a clause's library link: its text is HR's own now.
    pub fn unlink(&mut self, clause_id: &str) -> Result<(), EditError> {
        let (list, i) = self.list_of(clause_id)?;
        list[i].library = None;
        Ok(())
    }

    /// Replaces the text with the library's and records the revision copied.
    pub fn relink(&mut self, clause_id: &str, text: &str, link: LibraryLink) -> Result<(), EditError> {
        let (list, i) = self.list_of(clause_id)?;
        list[i].text = text.to_string();
        list[i].library = Some(link);
        Ok(())
    }

    /// Removes a clause with its sub-clauses; returns what was removed.
    pub fn remove_clause(&mut self, clause_id: &str) -> Result<Clause, EditError> {
        let (list, i) = self.list_of(clause_id)?;
        Ok(list.remove(i))
    }

    /// Where a clause stands, so that a removal can be undone.
    pub fn place_of(&self, clause_id: &str) -> Option<Place> {
        fn walk(list: &[Clause], parent: Option<&str>, id: &str) -> Option<(Option<String>, usize)> {
            if let Some(i) = list.iter().position(|c| c.id == id) {
                return Some((parent.map(str::to_string), i));
            }
            list.iter().find_map(|c| walk(&c.children, Some(&c.id), id))
        }
        self.sections.iter().find_map(|s| {
            walk(&s.clauses, None, clause_id).map(|(parent_id, index)| Place {
                section_id: s.id.clone(),
                parent_id,
                index,
            })
        })
    }

    /// Puts a removed clause (with its sub-clauses) back where it stood; if the
    /// siblings changed since, at the same index or last.
    pub fn restore_clause(&mut self, place: &Place, clause: Clause) -> Result<(), EditError> {
        fn ids(c: &Clause, out: &mut Vec<String>) {
            out.push(c.id.clone());
            c.children.iter().for_each(|ch| ids(ch, out));
        }
        let mut all = Vec::new();
        ids(&clause, &mut all);
        if all.iter().any(|id| self.find(id).is_some()) {
            return Err(EditError::ClauseExists);
        }
        let list = match &place.parent_id {
            None => &mut self.section_mut(&place.section_id)?.clauses,
            Some(p) => {
                if self.depth(p).ok_or(EditError::UnknownClause)? + height(&clause) > MAX_DEPTH {
                    return Err(EditError::TooDeep);
                }
                let section = self.section_mut(&place.section_id)?;
                let (list, i) = locate_mut(&mut section.clauses, p).ok_or(EditError::UnknownClause)?;
                &mut list[i].children
            }
        };
        let at = place.index.min(list.len());
        list.insert(at, clause);
        Ok(())
    }

    /// Moves a clause among its siblings or changes its level.
    pub fn move_clause(&mut self, clause_id: &str, m: Move) -> Result<(), EditError> {
        match m {
            Move::Up | Move::Down => {
                let (list, i) = self.list_of(clause_id)?;
                let j = match m {
                    Move::Up if i == 0 => return Err(EditError::AtStart),
                    Move::Up => i - 1,
                    _ if i + 1 >= list.len() => return Err(EditError::AtEnd),
                    _ => i + 1,
                };
                list.swap(i, j);
            }
            Move::Indent => {
                let depth = self.depth(clause_id).ok_or(EditError::UnknownClause)?;
                let (list, i) = self.list_of(clause_id)?;
                if i == 0 {
                    return Err(EditError::NoParent);
                }
                if depth + height(&list[i]) > MAX_DEPTH {
                    return Err(EditError::TooDeep);
                }
                let c = list.remove(i);
                list[i - 1].children.push(c);
            }
            Move::Outdent => {
                self.list_of(clause_id)?;
                let (list, p) = self
                    .sections
                    .iter_mut()
                    .find_map(|s| parent_of(&mut s.clauses, clause_id))
                    .ok_or(EditError::TopLevel)?;
                let i = list[p]
                    .children
                    .iter()
                    .position(|c| c.id == clause_id)
                    .ok_or(EditError::UnknownClause)?;
                // Later siblings stay under the old parent; the clause lands right after it.
                let c = list[p].children.remove(i);
                list.insert(p + 1, c);
            }
        }
        Ok(())
    }

    /// Adds a section of `kind` at its place in the usual order.
    pub fn add_section(&mut self, id: String, kind: SectionKind) -> Result<(), EditError> {
        if self.sections.iter().any(|s| s.kind == kind) {
            return Err(EditError::SectionExists);
        }
        let at = self
            .sections
            .iter()
            .position(|s| s.kind > kind)
            .unwrap_or(self.sections.len());
        self.sections.insert(
            at,
            Section {
                id,
                kind,
                heading: kind.default_heading_in(self.language).to_string(),
                numbered: true,
                clauses: Vec::new(),
            },
        );
        Ok(())
    }

    /// Removes an optional section with its clauses.
    pub fn remove_section(&mut self, section_id: &str) -> Result<Section, EditError> {
        let i = self
            .sections
            .iter()
            .position(|s| s.id == section_id)
            .ok_or(EditError::UnknownSection)?;
        if self.sections[i].kind.is_required() {
            return Err(EditError::SectionRequired);
        }
        Ok(self.sections.remove(i))
    }

    /// Renames a section and sets whether it is numbered; returns the old heading.
    pub fn rename_section(&mut self, section_id: &str, heading: &str, numbered: bool) -> Result<String, EditError> {
        let s = self.section_mut(section_id)?;
        s.numbered = numbered;
        Ok(std::mem::replace(&mut s.heading, heading.to_string()))
    }
}

/// Word stems of what a catch-all clause is about (duties, orders, functions, …).
const CATCH_ALL_STEMS: [&str; 7] = ["обязан", "поручен", "функци", "задани", "распоряжен", "прав", "нарушен"];

/// True for the clause that closes a list of duties, rights or responsibilities:
/// «Выполняет иные обязанности…», «Исполняет другие поручения…», «Несёт ответственность
/// за иные нарушения…». New clauses go before it.
pub fn is_catch_all(text: &str) -> bool {
    let t = text.trim().to_lowercase().replace('ё', "е");
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(5)
        .collect();
    words
        .iter()
        .any(|w| ["иные", "иных", "другие", "других", "прочие"].contains(w))
        && words.iter().any(|w| CATCH_ALL_STEMS.iter().any(|k| w.starts_with(k)))
}
