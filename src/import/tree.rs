//! Builds the clause tree of one section from its flat items and checks the numbering.

use super::model::{CandidateClause, Warning};
use super::norm;

/// One flat clause before nesting.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Number components, for numbered items.
    pub parts: Option<Vec<u32>>,
    /// Number as printed minus a trailing '.'.
    pub printed: Option<String>,
    /// Bullet sign, for bulleted items.
    pub bullet: Option<char>,
    /// Clause text without its marker.
    pub text: String,
    /// Source line.
    pub line: usize,
    /// List level from the reader.
    pub level: Option<u8>,
}

struct Open {
    path: Vec<usize>,
    parts: Option<Vec<u32>>,
    bullet: Option<char>,
    lead_in: bool,
    level: Option<u8>,
}

/// Nests items: "1.4.1" under "1.4", bullets and items after a lead-in under it.
/// Warns about gaps and duplicates among numbered siblings.
pub fn build(items: &[Item], warnings: &mut Vec<Warning>) -> Vec<CandidateClause> {
    let mut roots: Vec<CandidateClause> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut last_sibling: Vec<(Vec<u32>, usize)> = Vec::new();
    for it in items {
        match (&it.parts, it.bullet) {
            (Some(p), _) => {
                while let Some(top) = stack.last() {
                    let is_parent = top
                        .parts
                        .as_ref()
                        .is_some_and(|tp| tp.len() < p.len() && p[..tp.len()] == tp[..]);
                    let by_level = matches!((top.level, it.level), (Some(a), Some(b)) if b > a) && top.parts.is_some();
                    if is_parent || by_level {
                        break;
                    }
                    stack.pop();
                }
                check_numbering(p, it.line, &mut last_sibling, warnings);
            }
            (None, Some(b)) => {
                while let Some(top) = stack.last() {
                    let same_list = top.bullet == Some(b) && top.level == it.level;
                    let deeper = matches!((top.level, it.level), (Some(a), Some(l)) if l > a);
                    let parent_ok = top.bullet.is_none() || (top.lead_in && !same_list) || deeper;
                    if same_list {
                        stack.pop();
                        break;
                    }
                    if parent_ok {
                        break;
                    }
                    stack.pop();
                }
            }
            (None, None) => {
                // A plain line is an item of the lead-in above it, else a top-level clause.
                while let Some(top) = stack.last() {
                    if top.lead_in && top.bullet.is_none() {
                        break;
                    }
                    stack.pop();
                }
            }
        }
        let clause = CandidateClause {
            number: it.printed.clone(),
            text: it.text.clone(),
            line: it.line,
            children: Vec::new(),
        };
        let path = insert(&mut roots, stack.last().map(|o| o.path.as_slice()), clause);
        let lead_in = it.text.trim_end().ends_with(':') || (it.parts.is_some() && !norm::ends_terminal(&it.text));
        stack.push(Open {
            path,
            parts: it.parts.clone(),
            bullet: it.bullet,
            lead_in,
            level: it.level,
        });
    }
    roots
}

fn insert(roots: &mut Vec<CandidateClause>, parent: Option<&[usize]>, c: CandidateClause) -> Vec<usize> {
    let mut list = roots;
    let mut out = Vec::new();
    for &i in parent.unwrap_or(&[]) {
        if i >= list.len() {
            break;
        }
        out.push(i);
        list = &mut list[i].children;
    }
    list.push(c);
    out.push(list.len() - 1);
    out
}

fn check_numbering(p: &[u32], line: usize, last: &mut Vec<(Vec<u32>, usize)>, warnings: &mut Vec<Warning>) {
    let prefix = &p[..p.len() - 1];
    let cur = p[p.len() - 1];
    if let Some(entry) = last.iter_mut().find(|(pre, _)| pre.as_slice() == prefix) {
        let prev = entry.1 as u32;
        let printed = p.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
        if cur == prev {
            warnings.push(Warning {
                code: "numbering_duplicate".into(),
                message: format!("номер {printed} повторяется"),
                line: Some(line),
            });
        } else if cur > prev + 1 {
            warnings.push(Warning {
                code: "numbering_gap".into(),
                message: format!("пропуск в нумерации перед {printed}"),
                line: Some(line),
            });
        }
        entry.1 = cur as usize;
    } else {
        last.push((prefix.to_vec(), cur as usize));
    }
}

/// Counts clauses of a tree, nested ones included.
pub fn count(clauses: &[CandidateClause]) -> usize {
    clauses.iter().map(|c| 1 + count(&c.children)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(p: &[u32], text: &str) -> Item {
        let printed = p.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
        Item {
            parts: Some(p.to_vec()),
            printed: Some(printed),
            bullet: None,
            text: text.into(),
            line: 1,
            level: None,
        }
    }
    fn bul(text: &str) -> Item {
        Item {
            parts: None,
            printed: None,
            bullet: Some('–'),
            text: text.into(),
            line: 1,
            level: None,
        }
    }
    fn plain(text: &str) -> Item {
        Item {
            parts: None,
            printed: None,
            bullet: None,
            text: text.into(),
            line: 1,
            level: None,
        }
    }

    #[test]
    fn multi_level_nesting() {
        let mut w = Vec::new();
        let t = build(
            &[
                num(&[1, 4], "руководствуется:"),
                num(&[1, 4, 1], "законами;"),
                num(&[1, 4, 2], "уставом."),
                num(&[1, 5], "Иное."),
            ],
            &mut w,
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].children.len(), 2);
        assert_eq!(t[0].children[0].number.as_deref(), Some("1.4.1"));
        assert!(w.is_empty());
    }

    #[test]
    fn lead_in_with_bullets_and_plain_items() {
        let mut w = Vec::new();
        let t = build(
            &[
                plain("Работник должен знать:"),
                bul("законы;"),
                bul("устав."),
                num(&[2, 1], "Текст."),
            ],
            &mut w,
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].children.len(), 2);
        let t = build(
            &[
                num(&[1, 4], "должен знать:"),
                plain("Законы;"),
                plain("Устав;"),
                bul("[другое]."),
            ],
            &mut w,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(count(&t), 4);
    }

    #[test]
    fn gaps_and_duplicates_warned() {
        let mut w = Vec::new();
        let t = build(&[num(&[3, 1], "а."), num(&[3, 3], "б."), num(&[3, 3], "в.")], &mut w);
        assert_eq!(t.len(), 3);
        let codes: Vec<_> = w.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, vec!["numbering_gap", "numbering_duplicate"]);
    }
}
