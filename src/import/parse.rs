//! The parser: logical lines in, candidate documents out. One pass over the lines with
//! a few lines of look-ahead, so time is linear in the input.

use super::approval;
use super::document::{Closed, DocBuf, SectionBuf};
use super::headings;
use super::junk;
use super::lines::{self, Line};
use super::model::{
    Approval, CandidateDocument, CandidateSection, DroppedLine, ImportResult, Paragraph, SectionKind, Warning,
};
use super::norm;
use super::numbering::{self, Marker};
use super::titles::{self, TitleInfo};
use super::tree::Item;

/// Parses reader paragraphs into zero or more candidate job descriptions.
pub fn parse(paragraphs: &[Paragraph]) -> ImportResult {
    let lines = lines::logical_lines(paragraphs);
    let mut st = State::default();
    for i in 0..lines.len() {
        st.step(&lines, i);
    }
    st.close_doc();
    if st.docs.is_empty() {
        return fallback(&lines);
    }
    st.dropped.sort_by_key(|d| d.line);
    ImportResult {
        documents: st.docs,
        dropped_lines: st.dropped,
    }
}

#[derive(Default)]
struct State {
    doc: Option<DocBuf>,
    docs: Vec<CandidateDocument>,
    dropped: Vec<DroppedLine>,
    /// Inside a signature sheet or source list (its reason): short lines are dropped.
    skipping: Option<&'static str>,
    seen_doc: bool,
}

fn dropped(l: &Line, reason: &str) -> DroppedLine {
    DroppedLine {
        line: l.line,
        text: l.raw.clone(),
        reason: reason.into(),
    }
}

fn item(l: &Line) -> Item {
    let (parts, printed, bullet) = match &l.marker {
        Some(Marker::Number { parts, printed }) => (Some(parts.clone()), Some(printed.clone()), None),
        Some(Marker::Roman { printed, .. }) => (None, Some(printed.clone()), None),
        Some(Marker::Bullet(c)) => (None, None, Some(*c)),
        None => (None, None, None),
    };
    Item {
        parts,
        printed,
        bullet,
        text: l.text.clone(),
        line: l.line,
        level: l.list_level,
    }
}

/// Long multi-sentence paragraphs and first-person text are article prose, not clauses.
fn is_prose(t: &str) -> bool {
    let f = norm::fold(t);
    let first_person = [
        " я ",
        " мы ",
        "нашей статье",
        "читайте",
        " ние ",
        "нашето",
        "вы можете",
        "можете да",
    ]
    .iter()
    .any(|k| f.contains(k));
    (norm::char_len(t) >= 200 && norm::sentence_breaks(t) >= 1) || (first_person && !t.trim_end().ends_with(':'))
}

/// Text with no letters or digits ("." or "______") makes an empty item.
fn is_empty_text(t: &str) -> bool {
    !t.chars().any(char::is_alphanumeric)
}

impl State {
    fn close_doc(&mut self) {
        if let Some(doc) = self.doc.take() {
            match doc.close() {
                Closed::Kept(d, dr) => {
                    self.docs.push(*d);
                    self.dropped.extend(dr);
                }
                Closed::Discarded(dr) => self.dropped.extend(dr),
            }
        }
    }

    fn open_doc(&mut self) -> &mut DocBuf {
        self.close_doc();
        self.seen_doc = true;
        self.doc.insert(DocBuf::default())
    }

    fn drop_outside(&mut self, l: &Line) {
        let reason = if !self.seen_doc {
            "before_document"
        } else if is_prose(&l.text) {
            "article_text"
        } else {
            "outside_document"
        };
        self.dropped.push(dropped(l, reason));
    }

    fn step(&mut self, lines: &[Line], i: usize) {
        let l = &lines[i];
        let numbered = l.marker.is_some();
        if matches!(l.marker, Some(Marker::Number { .. })) && is_empty_text(&l.text) {
            self.dropped.push(dropped(l, "empty_item"));
            if let Some(d) = self.doc.as_mut() {
                d.warnings.push(Warning {
                    code: "empty_item".into(),
                    message: format!("пустой пункт «{}» пропущен", l.raw),
                    line: Some(l.line),
                });
            }
            return;
        }
        if let Some(reason) = junk::junk_reason(&l.raw, numbered) {
            if reason == junk::SIGNATURE || reason == junk::SOURCES {
                if self.doc.as_ref().is_some_and(|d| d.list_items > 0) {
                    self.close_doc();
                }
                self.skipping = Some(reason);
            }
            self.dropped.push(dropped(l, reason));
            return;
        }
        let multilevel = self.doc.as_ref().is_some_and(|d| d.multilevel);
        let heading = headings::line_heading(l, multilevel);
        let title = if numbered { None } else { titles::parse_title(&l.text) };
        let stamp = if numbered {
            None
        } else {
            approval::approval_start(&l.text)
        };
        if let Some(reason) = self.skipping {
            let sources = self.doc.is_none();
            if (!numbered || sources)
                && heading.is_none()
                && title.is_none()
                && stamp.is_none()
                && norm::char_len(&l.text) < 100
            {
                self.dropped.push(dropped(l, reason));
                return;
            }
            self.skipping = None;
        }
        if let Some(t) = title {
            self.on_title(l, t);
            return;
        }
        if let Some(rest) = stamp {
            self.on_stamp(l, &rest);
            return;
        }
        if !numbered && heading.is_none() && self.preamble(l) {
            return;
        }
        if let Some((kind, conf)) = heading {
            self.on_heading(l, kind, conf);
            return;
        }
        let Some(doc) = self.doc.as_mut() else {
            self.drop_outside(l);
            return;
        };
        if !numbered && is_prose(&l.text) && !l.text.trim_end().ends_with(':') {
            if doc.list_items == 0 {
                doc.prose_dropped += 1;
                doc.dropped.push(dropped(l, "article_text"));
                return;
            }
            if !continues_soon(lines, i, &doc.last_number) {
                self.close_doc();
                self.dropped.push(dropped(l, "article_text"));
                return;
            }
        }
        if doc.sections.is_empty() && !numbered {
            let next_listed = lines.get(i + 1).is_some_and(|n| n.marker.is_some());
            if !(l.text.trim_end().ends_with(':') && next_listed) {
                doc.dropped.push(dropped(l, "header"));
                return;
            }
        }
        if starts_new_document(doc, l) {
            let doc = self.open_doc();
            doc.consumed.push((l.line, l.raw.clone()));
            add_clause(doc, l);
            return;
        }
        doc.consumed.push((l.line, l.raw.clone()));
        add_clause(doc, l);
    }

    /// Lines between a title and the first section: stamp, organisation, position, date.
    fn preamble(&mut self, l: &Line) -> bool {
        let Some(doc) = self.doc.as_mut() else { return false };
        if !doc.sections.is_empty() {
            return false;
        }
        let t = l.text.trim();
        if doc.approval_budget > 0 {
            if let Some(a) = doc.approval.as_mut()
                && approval::absorb(a, t)
            {
                doc.approval_budget -= 1;
                doc.consumed.push((l.line, l.raw.clone()));
                return true;
            }
            doc.approval_budget = 0;
        }
        if doc.organization.is_none() && approval::is_organization(t) {
            doc.organization = Some(t.to_string());
            doc.consumed.push((l.line, l.raw.clone()));
            return true;
        }
        if doc.awaiting_position {
            doc.awaiting_position = false;
            let p = titles::strip_brackets(t);
            if doc.position_title.is_none() && !p.is_empty() && norm::char_len(&p) <= 80 && !norm::ends_terminal(&p) {
                doc.position_title = Some(norm::sentence_case(&p));
                doc.consumed.push((l.line, l.raw.clone()));
                return true;
            }
        }
        if approval::is_date(t)
            && let Some(a) = doc.approval.as_mut().filter(|a| a.date.is_none())
        {
            a.date = Some(t.to_string());
            doc.consumed.push((l.line, l.raw.clone()));
            return true;
        }
        false
    }

    fn on_title(&mut self, l: &Line, t: TitleInfo) {
        if let Some(doc) = self.doc.as_mut()
            && doc.list_items == 0
            && doc.sections.is_empty()
        {
            // A repeated or split title of the same document.
            if doc.title.is_none() {
                doc.title = Some(t.title);
            } else {
                doc.dropped.push(dropped(l, "duplicate_title"));
            }
            if doc.position_title.is_none() {
                doc.position_title = t.position_title;
                doc.position_title_genitive = t.position_title_genitive;
            }
            doc.awaiting_position = doc.position_title.is_none();
            return;
        }
        let doc = self.open_doc();
        doc.awaiting_position = t.position_title.is_none();
        doc.title = Some(t.title);
        doc.position_title = t.position_title;
        doc.position_title_genitive = t.position_title_genitive;
        doc.consumed.push((l.line, l.raw.clone()));
    }

    fn on_stamp(&mut self, l: &Line, rest: &str) {
        let reuse = self
            .doc
            .as_ref()
            .is_some_and(|d| d.list_items == 0 && d.sections.is_empty() && d.approval.is_none());
        let doc = if reuse {
            self.doc.as_mut()
        } else {
            Some(self.open_doc())
        };
        let Some(doc) = doc else { return };
        let mut a = Approval::default();
        if !rest.is_empty() {
            approval::absorb(&mut a, rest);
        }
        doc.approval = Some(a);
        doc.approval_budget = 6;
        doc.consumed.push((l.line, l.raw.clone()));
    }

    fn on_heading(&mut self, l: &Line, kind: SectionKind, conf: f32) {
        let new_doc = match self.doc.as_ref() {
            Some(d) => kind == SectionKind::General && d.has_later_sections(),
            None => {
                if kind != SectionKind::General && conf < 0.9 {
                    self.drop_outside(l);
                    return;
                }
                true
            }
        };
        if new_doc {
            self.open_doc();
        }
        let Some(doc) = self.doc.as_mut() else { return };
        flush_pending(doc);
        doc.in_lead_list = false;
        doc.approval_budget = 0;
        doc.awaiting_position = false;
        let prefix = match &l.marker {
            Some(Marker::Number { parts, .. }) => parts.first().copied(),
            Some(Marker::Roman { value, .. }) => Some(*value),
            _ => None,
        };
        doc.consumed.push((l.line, l.raw.clone()));
        let mut sec = SectionBuf::new(kind, conf, l.line, prefix, Vec::new());
        sec.heading = l.raw.trim().to_string();
        doc.sections.push(sec);
    }
}

/// A numbered line continuing `last` within the next few lines.
fn continues_soon(lines: &[Line], i: usize, last: &[u32]) -> bool {
    lines.iter().skip(i + 1).take(3).any(|n| {
        n.marker
            .as_ref()
            .and_then(Marker::parts)
            .is_some_and(|p| numbering::is_successor(last, p))
    })
}

fn flush_pending(doc: &mut DocBuf) {
    let pending = std::mem::take(&mut doc.pending);
    if let Some(sec) = doc.sections.last_mut() {
        sec.extend(pending);
    }
}

fn new_section(doc: &mut DocBuf, lead: Option<Item>, first: &str, top: Option<u32>, line: usize) {
    let (kind, confidence) = headings::guess_kind(lead.as_ref().map(|i| i.text.as_str()), first, top);
    let line = lead.as_ref().map_or(line, |i| i.line);
    doc.sections
        .push(SectionBuf::new(kind, confidence, line, top, lead.into_iter().collect()));
}

/// Takes a plain lead-in ("Руководитель отдела:") from the end of the current section,
/// so that it opens the new untitled section with the list it introduces.
fn take_lead(doc: &mut DocBuf) -> Option<Item> {
    doc.sections.last_mut()?.pop_lead()
}

/// True when the numbered clause `parts` cannot continue the current section.
fn section_changes(doc: &DocBuf, parts: &[u32]) -> bool {
    let Some(sec) = doc.sections.last() else { return true };
    let Some(&top) = parts.first() else { return false };
    // The top number of the section's own "N.M" clauses; a Roman or
    // restarting "1." list above them does not count.
    let own_top = sec.first_multi_top();
    if parts.len() >= 2 {
        own_top.is_some_and(|p| p != top)
    } else {
        sec.last_single().is_some_and(|last| top <= last) && lead_text(sec).and_then(headings::lead_in_kind).is_some()
    }
}

/// The plain line ending the section, which may introduce the next clause.
fn lead_text(sec: &SectionBuf) -> Option<&str> {
    sec.items()
        .last()
        .filter(|i| i.parts.is_none() && i.bullet.is_none())
        .map(|i| i.text.as_str())
}

/// A job description pasted into the previous one without its title and heading: after
/// later sections, a numbered clause that only general provisions hold, or a new
/// untitled section that would be guessed general (its numbering restarting at "1.1").
fn starts_new_document(doc: &DocBuf, l: &Line) -> bool {
    let Some(parts) = l.marker.as_ref().and_then(Marker::parts) else {
        return false;
    };
    let Some(sec) = doc.sections.last() else { return false };
    if sec.kind == SectionKind::General || !doc.has_later_sections() {
        return false;
    }
    if headings::opens_general(&l.text) {
        return true;
    }
    let multi = parts.len() >= 2;
    let lead = lead_text(sec).filter(|t| t.trim_end().ends_with(':'));
    let top = parts.first().copied().filter(|_| multi);
    section_changes(doc, parts) && headings::guess_kind(lead, &l.text, top).0 == SectionKind::General
}

fn add_clause(doc: &mut DocBuf, l: &Line) {
    let it = item(l);
    match (&it.parts, it.bullet) {
        (Some(parts), _) => {
            flush_pending(doc);
            doc.in_lead_list = false;
            let top = parts[0];
            let multi = parts.len() >= 2;
            if section_changes(doc, parts) {
                let lead = take_lead(doc);
                new_section(doc, lead, &it.text, multi.then_some(top), it.line);
            }
            doc.list_items += 1;
            doc.multilevel |= multi;
            doc.last_number = parts.clone();
        }
        (None, Some(_)) => {
            flush_pending(doc);
            doc.in_lead_list = false;
            if doc.sections.is_empty() {
                new_section(doc, None, &it.text, None, it.line);
            }
            doc.list_items += 1;
        }
        (None, None) => {
            if doc.sections.is_empty() {
                new_section(doc, None, &it.text, None, it.line);
            }
            let ends_colon = it.text.trim_end().ends_with(':');
            let Some(sec) = doc.sections.last_mut() else { return };
            let after_lead = sec.items().last().is_some_and(|i| i.text.trim_end().ends_with(':'));
            if ends_colon {
                let pending = std::mem::take(&mut doc.pending);
                sec.extend(pending);
                doc.in_lead_list = false;
            } else if after_lead || doc.in_lead_list {
                doc.in_lead_list = true;
                doc.list_items += 1;
            } else if sec.has_numbered() {
                doc.pending.push(it);
                return;
            }
        }
    }
    if let Some(sec) = doc.sections.last_mut() {
        sec.push(it);
    }
}

/// No job description found: every non-junk line becomes a clause of one `other` section.
fn fallback(lines: &[Line]) -> ImportResult {
    let mut dropped_lines = Vec::new();
    let mut items = Vec::new();
    for l in lines {
        if let Some(reason) = junk::junk_reason(&l.raw, l.marker.is_some()) {
            dropped_lines.push(dropped(l, reason));
        } else if is_empty_text(&l.text) {
            dropped_lines.push(dropped(l, "empty_item"));
        } else {
            let mut it = item(l);
            it.parts = None;
            it.bullet = None;
            items.push(it);
        }
    }
    if items.is_empty() {
        return ImportResult {
            documents: Vec::new(),
            dropped_lines,
        };
    }
    let mut warnings = vec![Warning {
        code: "no_structure".into(),
        message: "структура не распознана".into(),
        line: None,
    }];
    let clauses = items
        .iter()
        .map(|i| super::model::CandidateClause {
            number: i.printed.clone(),
            text: i.text.clone(),
            line: i.line,
            children: Vec::new(),
        })
        .collect();
    let line = items.first().map_or(1, |i| i.line);
    let section = CandidateSection {
        kind: SectionKind::Other,
        heading: String::new(),
        confidence: 0.0,
        line,
        clauses,
    };
    warnings.push(Warning {
        code: "missing_section".into(),
        message: "нет обязательных разделов".into(),
        line: None,
    });
    let doc = CandidateDocument {
        title: None,
        position_title: None,
        position_title_genitive: None,
        organization: None,
        approval: None,
        sections: vec![section],
        warnings,
    };
    ImportResult {
        documents: vec![doc],
        dropped_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> ImportResult {
        let paras: Vec<Paragraph> = text
            .lines()
            .enumerate()
            .map(|(i, t)| Paragraph {
                text: t.into(),
                line: i + 1,
                ..Default::default()
            })
            .collect();
        parse(&paras)
    }

    fn kinds(d: &CandidateDocument) -> Vec<SectionKind> {
        d.sections.iter().map(|s| s.kind).collect()
    }

    #[test]
    fn pasted_document_without_title_or_heading() {
        let t = "I. Общи положения\n1. Мениджърът принадлежи към категорията на специалистите.\n2. Има висше образование.\nII. Работни задължения\nМениджър на акаунти:\n1. Обслужва клиенти.\n3. Назначаването на длъжността Мениджър ключови клиенти и освобождаването от нея се извършва със заповед.\n4. Отчита се на директора.\n5. Замества се от друг мениджър.\nII. Позиционни задачи\n1. Поддържа клиентската база.\n";
        let r = run(t);
        assert_eq!(r.documents.len(), 2);
        assert_eq!(kinds(&r.documents[0]), vec![SectionKind::General, SectionKind::Duties]);
        assert_eq!(super::super::tree::count(&r.documents[0].sections[1].clauses), 2);
        assert_eq!(kinds(&r.documents[1]), vec![SectionKind::General, SectionKind::Tasks]);
        assert_eq!(r.documents[1].sections[0].clauses.len(), 3);
    }

    #[test]
    fn numbering_restarting_at_one_after_later_sections() {
        let t = "1. Общие положения\n1.1. А.\n1.2. Б.\n2. Права\n2.1. В.\n2.2. Г.\n1.1. Бухгалтер подчиняется директору.\n1.2. Д.\n2.1. Е.\n";
        let r = run(t);
        assert_eq!(r.documents.len(), 2);
        assert_eq!(kinds(&r.documents[1])[0], SectionKind::General);
    }

    #[test]
    fn appointments_in_duties_stay_in_the_document() {
        let t = "1. Общие положения\n1.1. Специалист назначается на должность и освобождается от нее приказом.\n1.2. Б.\n2. Обязанности\n2.1. Оформляет документы о назначении работников на должность.\n2.2. Ведёт учёт.\n3. Права\n3.1. В.\n";
        let r = run(t);
        assert_eq!(r.documents.len(), 1);
        assert_eq!(
            kinds(&r.documents[0]),
            vec![SectionKind::General, SectionKind::Duties, SectionKind::Rights]
        );
    }
}
