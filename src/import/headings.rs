//! Section headings (Russian and Bulgarian) and guesses of a section's kind from its
//! lead-in line or content when the heading is missing.

use super::lines::Line;
use super::model::SectionKind;
use super::norm;
use super::numbering::Marker;

use SectionKind::*;

/// Known headings, folded (lower-case, ё→е). Longest match wins, so
/// "обязанности по охране труда" beats "обязанности".
const HEADINGS: &[(&str, SectionKind)] = &[
    ("общие положения", General),
    ("общи положения", General),
    ("общие сведения", General),
    ("общая часть", General),
    ("общи разпоредби", General),
    ("требования к квалификации", Qualification),
    ("квалификационные требования", Qualification),
    ("требования к работнику", Qualification),
    ("квалификационни изисквания", Qualification),
    ("изисквания", Qualification),
    ("изисквания за длъжността", Qualification),
    ("должен знать", Knowledge),
    ("работник должен знать", Knowledge),
    ("трябва да знае", Knowledge),
    ("необходимые знания", Knowledge),
    ("задачи", Tasks),
    ("основные задачи", Tasks),
    ("цели и задачи", Tasks),
    ("трудовые функции", Tasks),
    ("позиционни задачи", Tasks),
    ("основни задачи", Tasks),
    ("должностные обязанности", Duties),
    ("обязанности", Duties),
    ("функциональные обязанности", Duties),
    ("основные функции", Duties),
    ("функции", Duties),
    ("задължения", Duties),
    ("длъжностни задължения", Duties),
    ("работни задължения", Duties),
    ("служебни задължения", Duties),
    ("функции и задължения", Duties),
    ("права", Rights),
    ("права работника", Rights),
    ("права и полномочия", Rights),
    ("полномочия", Rights),
    ("пълномощия", Rights),
    ("ответственность", Responsibility),
    ("отговорност", Responsibility),
    ("отговорности", Responsibility),
    ("охрана труда", Safety),
    ("обязанности по охране труда", Safety),
    ("требования охраны труда", Safety),
    ("требования по охране труда", Safety),
    ("охрана на труда", Safety),
    ("безопасност и здраве при работа", Safety),
    ("взаимоотношения", Relationships),
    ("взаимоотношения по должности", Relationships),
    ("связи по должности", Relationships),
    ("взаимодействие", Relationships),
    ("взаимоотношения (связи по должности)", Relationships),
    ("взаимоотношения и связи по должности", Relationships),
    ("взаимоотношения", Relationships),
    ("взаимодействие с другими подразделениями", Relationships),
    ("оценка работы", Evaluation),
    ("оценка результатов работы", Evaluation),
    ("критерии оценки", Evaluation),
    ("критерии оценки работы", Evaluation),
    ("критерии за оценка", Evaluation),
    ("показатели эффективности", Evaluation),
    ("заключительные положения", Final),
    ("заключителни разпоредби", Final),
    ("заключителни положения", Final),
    ("условия работы", Other),
    ("условия труда", Other),
    ("режим работы", Other),
    ("оплата труда", Other),
    ("условия на труд", Other),
];

/// Matches a heading text (number already removed) against the known headings.
/// Exact match: 0.95; known heading followed by a short tail ("Права менеджера"): 0.8.
pub fn heading_kind(text: &str) -> Option<(SectionKind, f32)> {
    let f = norm::fold(text);
    let f = f.trim_end_matches([':', '.', ' ']).trim_start_matches(['«', '"', ' ']);
    if f.is_empty() || norm::char_len(f) > 90 {
        return None;
    }
    let mut best: Option<(&str, SectionKind, f32)> = None;
    for &(pat, kind) in HEADINGS {
        let conf = if f == pat {
            0.95
        } else if f.starts_with(pat)
            && f[pat.len()..].starts_with([' ', '(', ',', '-', '–', '—'])
            && norm::char_len(&f[pat.len()..]) <= 60
        {
            0.8
        } else {
            continue;
        };
        if best.is_none_or(|(b, _, _)| pat.len() > b.len()) {
            best = Some((pat, kind, conf));
        }
    }
    let (_, mut kind, conf) = best?;
    // Combined headings ("Оценка работы и ответственность"): the required kind wins.
    if !matches!(kind, Responsibility | Duties | Rights | Safety)
        && (f.contains("ответственност") || f.contains("отговорност"))
    {
        kind = Responsibility;
    }
    Some((kind, conf))
}

/// Loose match for lines already known to be headings (Roman or bold): a keyword anywhere.
fn keyword_kind(text: &str) -> Option<SectionKind> {
    let f = norm::fold(text);
    let table: &[(&str, SectionKind)] = &[
        ("охран", Safety),
        ("безопасн", Safety),
        ("ответственност", Responsibility),
        ("отговорност", Responsibility),
        ("обязанност", Duties),
        ("задължени", Duties),
        ("функци", Duties),
        ("задачи", Tasks),
        ("прав", Rights),
        ("квалификац", Qualification),
        ("изисквания", Qualification),
        ("требовани", Qualification),
        ("знать", Knowledge),
        ("взаимо", Relationships),
        ("оценк", Evaluation),
        ("заключ", Final),
        ("общ", General),
    ];
    table.iter().find(|(k, _)| f.contains(k)).map(|&(_, kind)| kind)
}

/// Decides whether a logical line is a section heading. `multilevel` tells that the
/// document numbers clauses "N.M", so a short "N. Text" line is a heading even if unknown.
pub fn line_heading(line: &Line, multilevel: bool) -> Option<(SectionKind, f32)> {
    let t = line.text.trim();
    let len = norm::char_len(t);
    if t.is_empty() || len > 90 || t.ends_with([';', ',']) {
        return None;
    }
    let known = heading_kind(t);
    match &line.marker {
        Some(Marker::Roman { .. }) => Some(known.unwrap_or_else(|| keyword_kind(t).map_or((Other, 0.5), |k| (k, 0.6)))),
        Some(Marker::Number { parts, .. }) if parts.len() == 1 => {
            if known.is_some() {
                return known;
            }
            let styled = line.heading_level.is_some() || line.bold || norm::is_upper(t);
            let short = len <= 50 && !norm::ends_terminal(t) && t.split_whitespace().count() <= 5;
            let starts_upper = t.chars().next().is_some_and(char::is_uppercase);
            if styled && short {
                Some(keyword_kind(t).map_or((Other, 0.5), |k| (k, 0.6)))
            } else if multilevel && short && starts_upper {
                Some(keyword_kind(t).map_or((Other, 0.4), |k| (k, 0.5)))
            } else {
                None
            }
        }
        Some(_) => None,
        None => {
            if known.is_some() {
                return known;
            }
            (line.heading_level.is_some() && len <= 60).then(|| keyword_kind(t).map_or((Other, 0.5), |k| (k, 0.6)))
        }
    }
}

/// The kind announced by a lead-in line such as "… имеет право:" or "… несет ответственность:".
pub fn lead_in_kind(text: &str) -> Option<SectionKind> {
    let f = norm::fold(text);
    let table: &[(&str, SectionKind)] = &[
        ("имеет право", Rights),
        ("имеют право", Rights),
        ("има право", Rights),
        ("вправе", Rights),
        ("несет ответственность", Responsibility),
        ("несут ответственность", Responsibility),
        ("носи отговорност", Responsibility),
        ("отговаря за", Responsibility),
        ("привлечен к ответственности", Responsibility),
        ("обязан", Duties),
        ("обязанности", Duties),
        ("задължения", Duties),
        ("должен знать", Knowledge),
        ("трябва да знае", Knowledge),
        ("критерии", Evaluation),
    ];
    table.iter().find(|(k, _)| f.contains(k)).map(|&(_, kind)| kind)
}

/// A clause that only general provisions hold: the post's category, or the formula
/// "appointed to and released from the post" (Bulgarian "назначава … и освобождава").
/// Both halves of the formula are required, because an HR post's duties may mention
/// appointments alone.
pub fn opens_general(text: &str) -> bool {
    let f = norm::fold(text);
    ["относится к категории", "принадлежи към категорията"]
        .iter()
        .any(|k| f.contains(k))
        || (f.contains("назнач") && f.contains("освоб") && (f.contains("должност") || f.contains("длъжност")))
}

/// Guesses the kind of an untitled section from its first clause and top number.
/// Falls back on the usual order (1 general, 2 duties, 3 rights, 4 responsibility).
pub fn guess_kind(lead_in: Option<&str>, first_clause: &str, top: Option<u32>) -> (SectionKind, f32) {
    if let Some(k) = lead_in.and_then(lead_in_kind) {
        return (k, 0.6);
    }
    let f = norm::fold(first_clause);
    let content: &[(&str, SectionKind)] = &[
        ("относится к категории", General),
        ("принадлежи към категорията", General),
        ("назначается на должность", General),
        ("назначение на должность", General),
        ("руководствуется", General),
        ("се ръководи", General),
        ("имеет право", Rights),
        ("требовать", Rights),
        ("изисква", Rights),
        ("несет ответственность", Responsibility),
    ];
    if let Some(&(_, k)) = content.iter().find(|(k, _)| f.contains(k)) {
        return (k, 0.5);
    }
    if opens_general(first_clause) {
        return (General, 0.5);
    }
    let k = match top {
        Some(1) => General,
        Some(2) => Duties,
        Some(3) => Rights,
        Some(4) => Responsibility,
        _ => Other,
    };
    (k, 0.3)
}

#[cfg(test)]
mod tests {
    use super::super::lines::logical_lines;
    use super::super::model::Paragraph;
    use super::*;

    fn line(s: &str) -> Line {
        let p = Paragraph {
            text: s.into(),
            line: 1,
            ..Default::default()
        };
        logical_lines(&[p]).remove(0)
    }

    #[test]
    fn russian_and_bulgarian_headings() {
        let cases = [
            ("1. Общие положения", General),
            ("I. Общи положения", General),
            ("1.ОБЩИЕ ПОЛОЖЕНИЯ", General),
            ("Должностные обязанности", Duties),
            ("II. Работни задължения", Duties),
            ("3. Функциональные обязанности", Duties),
            ("2. Задачи", Tasks),
            ("Трудовые функции", Tasks),
            ("права", Rights),
            ("4. Полномочия", Rights),
            ("IV. Отговорност", Responsibility),
            ("ОТВЕТСТВЕННОСТЬ", Responsibility),
            ("6. Обязанности по охране труда", Safety),
            ("4. Взаимоотношения (связи по должности)", Relationships),
            ("7. Взаимоотношения по должности", Relationships),
            ("2. Требования к квалификации:", Qualification),
            ("Квалификационные требования", Qualification),
            ("Работник должен знать", Knowledge),
            ("Оценка работы", Evaluation),
            ("5. Оценка работы и ответственность", Responsibility),
            ("VII. Заключителни разпоредби", Final),
            ("Х. Заключительные положения", Final),
            ("ІІІ. Права", Rights),
            ("Условия работы", Other),
        ];
        for (s, k) in cases {
            assert_eq!(line_heading(&line(s), false).map(|x| x.0), Some(k), "{s}");
        }
    }

    #[test]
    fn clauses_are_not_headings() {
        for s in [
            "1.1. Менеджер относится к категории специалистов.",
            "2. Обслужва клиенти в клона на Предприятието.",
            "— права на работника;",
            "Заработная плата и требования работодателей",
        ] {
            assert!(line_heading(&line(s), true).is_none(), "{s}");
        }
    }

    #[test]
    fn unknown_numbered_heading_in_multilevel_document() {
        assert_eq!(line_heading(&line("6. Оплата труда"), true).map(|x| x.0), Some(Other));
        assert_eq!(line_heading(&line("6. Режим дня"), true).map(|x| x.0), Some(Other));
        assert!(line_heading(&line("6. Режим дня"), false).is_none());
    }

    #[test]
    fn lead_in_and_guess() {
        assert_eq!(lead_in_kind("Акаунт мениджърът има право да:"), Some(Rights));
        assert_eq!(
            guess_kind(
                None,
                "Руководитель отдела относится к категории руководителей.",
                Some(1)
            )
            .0,
            General
        );
        assert_eq!(guess_kind(None, "Организует работу.", Some(2)).0, Duties);
        let bg =
            "Назначаването на длъжността Мениджър ключови клиенти и освобождаването от нея се извършва със заповед.";
        assert_eq!(guess_kind(None, bg, None).0, General);
    }

    #[test]
    fn general_opening_clauses() {
        assert!(opens_general(
            "Назначаването на длъжността Мениджър и освобождаването от нея се извършва със заповед."
        ));
        assert!(opens_general(
            "Бухгалтер назначается на должность и освобождается от нее приказом директора."
        ));
        assert!(opens_general(
            "Акаунт мениджърът принадлежи към категорията на специалистите."
        ));
        assert!(!opens_general(
            "Оформляет документы о назначении работников на должность."
        ));
        assert!(!opens_general("Обслужва клиенти в клона на Предприятието."));
    }
}
