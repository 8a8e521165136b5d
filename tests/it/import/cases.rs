//! End-to-end cases from the issue: one small text per tricky situation.

use jobdesc::import::import;

fn import_text(bytes: &[u8]) -> Result<jobdesc::import::ImportResult, jobdesc::import::ReadError> {
    import("input.txt", bytes)
}
use jobdesc::import::model::{ImportResult, SectionKind};
use jobdesc::import::tree::count;

fn run(s: &str) -> ImportResult {
    import_text(s.as_bytes()).expect("text")
}

fn codes(r: &ImportResult) -> Vec<String> {
    r.documents
        .iter()
        .flat_map(|d| d.warnings.iter().map(|w| w.code.clone()))
        .collect()
}

const DOC: &str = "УТВЕРЖДАЮ\nГенеральный директор\nИ.И. Иванов\n«24» ноября 2026 г.\nДОЛЖНОСТНАЯ ИНСТРУКЦИЯ\nменеджера по продажам\n1. ОБЩИЕ ПОЛОЖЕНИЯ\n1.1. Менеджер относится к категории специалистов.\n1.2. Менеджер должен знать:\n– законы;\n– устав.\n2. Должностные обязанности\n2.1. Ищет клиентов; 2.2. Ведёт переговоры.\n2.4. Готовит отчёты\nпо итогам месяца.\n2.4. Дубль.\n4.10. .\n3. Права\n3.1. Получать информацию.\n4. Ответственность\n4.1. За нарушения.\n5. Охрана труда\n5.1. Соблюдать правила.\n";

#[test]
fn full_document() {
    let r = run(DOC);
    assert_eq!(r.documents.len(), 1);
    let d = &r.documents[0];
    let a = d.approval.clone().expect("approval");
    assert_eq!(a.position.as_deref(), Some("Генеральный директор"));
    assert_eq!(a.name.as_deref(), Some("И.И. Иванов"));
    assert_eq!(a.date.as_deref(), Some("«24» ноября 2026 г."));
    assert_eq!(d.position_title_genitive.as_deref(), Some("менеджера по продажам"));
    assert_eq!(d.position_title.as_deref(), Some("Менеджер по продажам"));
    let kinds: Vec<_> = d.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SectionKind::General,
            SectionKind::Duties,
            SectionKind::Rights,
            SectionKind::Responsibility,
            SectionKind::Safety
        ]
    );
    assert_eq!(d.sections[0].clauses[1].children.len(), 2, "bullets under the lead-in");
    let duties = &d.sections[1].clauses;
    assert_eq!(duties.len(), 4);
    assert_eq!(duties[1].text, "Ведёт переговоры.");
    assert_eq!(duties[2].text, "Готовит отчёты по итогам месяца.");
    let c = codes(&r);
    assert!(c.contains(&"numbering_gap".to_string()));
    assert!(c.contains(&"numbering_duplicate".to_string()));
    assert!(c.contains(&"empty_item".to_string()));
    assert!(!c.contains(&"missing_section".to_string()));
    assert!(r.dropped_lines.iter().any(|l| l.reason == "empty_item"));
}

#[test]
fn two_documents_and_junk() {
    let one = "Должностная инструкция бухгалтера\n1. Общие положения\n1.1. Текст один.\n1.2. Текст два.\n2. Права\n2.1. Право.\n";
    let two = "Главная | Скачать\nДокумент предоставлен КонсультантПлюс\nСтраница 3 из 5\n";
    let r = run(&format!("{two}{one}Поделиться:\n{one}Добавить комментарий\n"));
    assert_eq!(r.documents.len(), 2);
    assert_eq!(r.documents[0].position_title.as_deref(), Some("Бухгалтер"));
    let reasons: Vec<_> = r.dropped_lines.iter().map(|l| l.reason.as_str()).collect();
    assert!(reasons.contains(&"legal_database"));
    assert!(reasons.contains(&"page_number"));
    assert!(reasons.contains(&"comment_form"));
    let missing = codes(&r).iter().filter(|c| *c == "missing_section").count();
    assert_eq!(missing, 6, "duties, responsibility, safety missing in both");
}

#[test]
fn new_general_section_starts_new_document() {
    let t = "1. Общие положения\n1.1. А.\n2. Права\n2.1. Б.\n2.2. В.\n1. Общие положения\n1.1. Г.\n2. Обязанности\n2.1. Д.\n2.2. Е.\n";
    assert_eq!(run(t).documents.len(), 2);
}

#[test]
fn automatic_and_typed_numbering_agree() {
    use jobdesc::import::model::Paragraph;
    let typed: Vec<Paragraph> = [
        "1. Общие положения",
        "1.1. Текст.",
        "1.1.1. Подпункт.",
        "2. Права",
        "2.1. Право.",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| Paragraph {
        text: (*t).into(),
        line: i + 1,
        ..Default::default()
    })
    .collect();
    let auto: Vec<Paragraph> = typed
        .iter()
        .map(|p| {
            let (n, rest) = p.text.split_once(' ').unwrap_or(("", ""));
            Paragraph {
                text: rest.into(),
                list_number: Some(n.into()),
                ..p.clone()
            }
        })
        .collect();
    let a = jobdesc::import::parse::parse(&auto);
    let b = jobdesc::import::parse::parse(&typed);
    assert_eq!(a.documents[0].sections, b.documents[0].sections);
    assert_eq!(count(&a.documents[0].sections[0].clauses), 2);
}

#[test]
fn placeholders_foreign_and_no_structure() {
    let t = "Общие положения\n1.1. Подчиняется руководителю [наименование организации].\n1.2. Стаж не менее [значение] лет.\n1.3. Подпишитесь на www.example.ru\n";
    let r = run(t);
    let d = &r.documents[0];
    assert_eq!(
        d.sections[0].clauses[0].text,
        "Подчиняется руководителю {organization.short_name}."
    );
    let c = codes(&r);
    assert_eq!(c.iter().filter(|x| *x == "unresolved_placeholder").count(), 2);
    assert!(c.contains(&"foreign_clause".to_string()));
    let r = run("Просто текст без структуры\nещё одна строка текста.\n");
    assert_eq!(r.documents.len(), 1);
    assert_eq!(r.documents[0].sections[0].kind, SectionKind::Other);
    assert!(codes(&r).contains(&"no_structure".to_string()));
}

#[test]
fn bulgarian_stamp_and_roman_headings() {
    let t = "ОДОБРЯВАМ\nУправител\nДЛЪЖНОСТНА ХАРАКТЕРИСТИКА на длъжността мениджър продажби\nI. Общи положения\n1. Текст.\n2. Текст две.\nII. Задължения\n1. Задължение.\nIII. Права\n1. Право.\nIV. Отговорност\n1. За нарушения.\n";
    let r = run(t);
    let d = &r.documents[0];
    assert_eq!(d.position_title.as_deref(), Some("Мениджър продажби"));
    assert_eq!(
        d.approval.as_ref().and_then(|a| a.position.as_deref()),
        Some("Управител")
    );
    assert_eq!(d.sections.len(), 4);
    assert_eq!(d.sections[3].kind, SectionKind::Responsibility);
}
