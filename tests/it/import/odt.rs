//! Behaviour of the .odt reader on fixtures built in memory.

use super::docx_builder::zip;
use jobdesc::import::archive::ReadError;
use jobdesc::import::odt::read_odt;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
<office:automatic-styles>
  <style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <text:list-style style:name="L1">
    <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
    <text:list-level-style-number text:level="2" style:num-suffix="." style:num-format="1" text:display-levels="2"/>
  </text:list-style>
  <text:list-style style:name="LB"><text:list-level-style-bullet text:level="1" text:bullet-char="&#xF0B7;"/></text:list-style>
</office:automatic-styles><office:body><office:text>"#;
const TAIL: &str = "</office:text></office:body></office:document-content>";

fn odt(body: &str) -> Vec<u8> {
    let content = format!("{HEAD}{body}{TAIL}");
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn headings_lists_and_spaces() {
    let body = r#"<text:h text:outline-level="2">Общие   положения</text:h>
      <text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p>
      <text:list text:style-name="L1">
        <text:list-item><text:p>Раздел</text:p>
          <text:list><text:list-item><text:p>Пункт один</text:p></text:list-item>
                     <text:list-item><text:p>Пункт два</text:p></text:list-item></text:list></text:list-item>
        <text:list-item><text:p>Второй раздел</text:p></text:list-item>
      </text:list>
      <text:list text:style-name="LB"><text:list-item><text:p>bullet</text:p></text:list-item></text:list>
      <text:p><text:span text:style-name="B">всё жирное</text:span></text:p>"#;
    let ps = read_odt(&odt(body)).expect("reads");
    let got: Vec<(&str, Option<u8>, Option<&str>)> = ps
        .iter()
        .map(|p| (p.text.as_str(), p.list_level, p.list_number.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Общие положения", None, None),
            ("a   b\tc\nd", None, None),
            ("Раздел", Some(0), Some("1.")),
            ("Пункт один", Some(1), Some("1.1.")),
            ("Пункт два", Some(1), Some("1.2.")),
            ("Второй раздел", Some(0), Some("2.")),
            ("bullet", Some(0), Some("•")),
            ("всё жирное", None, None),
        ]
    );
    assert_eq!(ps[0].heading_level, Some(2));
    assert!(ps[7].bold && !ps[2].bold);
    assert_eq!(ps[0].line, 1);
}

#[test]
fn tables_and_notes() {
    let body = r#"<table:table><table:table-row><table:table-cell><text:p>A1</text:p></table:table-cell>
      <table:table-cell><text:p>B1<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>сноска</text:p></text:note-body></text:note></text:p></table:table-cell></table:table-row></table:table>"#;
    let ps = read_odt(&odt(body)).expect("reads");
    assert_eq!(ps.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), ["A1", "B1"]);
}

#[test]
fn continue_numbering_and_start_value() {
    let body = r#"<text:list text:style-name="L1"><text:list-item><text:p>a</text:p></text:list-item></text:list>
      <text:p>между</text:p>
      <text:list text:style-name="L1" text:continue-numbering="true"><text:list-item><text:p>b</text:p></text:list-item></text:list>
      <text:list text:style-name="L1"><text:list-item text:start-value="7"><text:p>c</text:p></text:list-item></text:list>"#;
    let ps = read_odt(&odt(body)).expect("reads");
    let nums: Vec<Option<&str>> = ps.iter().map(|p| p.list_number.as_deref()).collect();
    assert_eq!(nums, [Some("1."), None, Some("2."), Some("7.")]);
}

#[test]
fn odt_errors() {
    assert_eq!(read_odt(b"not a zip"), Err(ReadError::NotZip));
    let no_content = zip(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
    assert_eq!(read_odt(&no_content), Err(ReadError::MissingPart("content.xml".into())));
    let encrypted = zip(&[
        (
            "META-INF/manifest.xml",
            b"<manifest:manifest><manifest:encryption-data/></manifest:manifest>",
        ),
        ("content.xml", b"\x01\x02garbage"),
    ]);
    assert_eq!(read_odt(&encrypted), Err(ReadError::Encrypted));
}

/// An .odt with a styles.xml holding the outline style LibreOffice writes for
/// chapter numbering: headings of level 1 as "1.", level 2 as "1.1.".
fn odt_with_outline(body: &str) -> Vec<u8> {
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0">
<office:styles>
  <text:outline-style style:name="Outline">
    <text:outline-level-style text:level="1" style:num-format="1" style:num-suffix="."/>
    <text:outline-level-style text:level="2" style:num-format="1" style:num-suffix="." text:display-levels="2"/>
    <text:outline-level-style text:level="3" style:num-format=""/>
  </text:outline-style>
</office:styles></office:document-styles>"#;
    let content = format!("{HEAD}{body}{TAIL}");
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("styles.xml", styles.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn outline_numbering_of_headings() {
    let body = r#"<text:h text:outline-level="1">Общие положения</text:h>
      <text:h text:outline-level="2">Назначение</text:h>
      <text:h text:outline-level="2">Подчинение</text:h>
      <text:p>обычный абзац</text:p>
      <text:h text:outline-level="1">Права</text:h>
      <text:h text:outline-level="2">Право</text:h>
      <text:h text:outline-level="1" text:is-list-header="true">Приложение</text:h>
      <text:h text:outline-level="3">Без номера</text:h>
      <text:h text:outline-level="1" text:restart-numbering="true" text:start-value="7">Седьмой</text:h>"#;
    let ps = read_odt(&odt_with_outline(body)).expect("reads");
    let got: Vec<(Option<&str>, &str)> = ps.iter().map(|p| (p.list_number.as_deref(), p.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (Some("1."), "Общие положения"),
            (Some("1.1."), "Назначение"),
            (Some("1.2."), "Подчинение"),
            (None, "обычный абзац"),
            (Some("2."), "Права"),
            (Some("2.1."), "Право"),
            (None, "Приложение"),
            (None, "Без номера"),
            (Some("7."), "Седьмой"),
        ]
    );
    assert_eq!((ps[1].list_level, ps[1].heading_level), (Some(1), Some(2)));
}

#[test]
fn headings_without_an_outline_style_stay_unnumbered_and_a_written_label_is_kept() {
    let body = r#"<text:h text:outline-level="1">Общие положения</text:h>
      <text:h text:outline-level="1"><text:number>2.</text:number>Права</text:h>"#;
    let ps = read_odt(&odt(body)).expect("reads");
    let got: Vec<(Option<&str>, &str)> = ps.iter().map(|p| (p.list_number.as_deref(), p.text.as_str())).collect();
    assert_eq!(got, [(None, "Общие положения"), (Some("2."), "Права")]);
}

#[test]
fn continue_list_names_the_list_it_goes_on_with() {
    // The second list of style L1 goes on with the first one (by its xml:id),
    // not with the list just before it.
    let body = r#"<text:list xml:id="a" text:style-name="L1"><text:list-item><text:p>a1</text:p></text:list-item><text:list-item><text:p>a2</text:p></text:list-item></text:list>
      <text:list xml:id="b" text:style-name="L1"><text:list-item><text:p>b1</text:p></text:list-item></text:list>
      <text:list text:style-name="L1" text:continue-list="a"><text:list-item><text:p>a3</text:p></text:list-item></text:list>
      <text:list text:style-name="L1" text:continue-list="nowhere"><text:list-item><text:p>c1</text:p></text:list-item></text:list>"#;
    let ps = read_odt(&odt(body)).expect("reads");
    let got: Vec<(Option<&str>, &str)> = ps.iter().map(|p| (p.list_number.as_deref(), p.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (Some("1."), "a1"),
            (Some("2."), "a2"),
            (Some("1."), "b1"),
            (Some("3."), "a3"),
            (Some("1."), "c1")
        ]
    );
}

#[test]
fn outline_numbered_headings_give_the_same_tree_as_typed_numbers() {
    // Chapter numbering on the headings, clauses as outline level 2 (LibreOffice's
    // "Heading 2" numbered 1.1.): the same candidate as the numbers typed.
    let sections = [
        (
            "Общие положения",
            [
                "Настоящая инструкция определяет обязанности.",
                "Работник назначается приказом.",
            ],
        ),
        (
            "Должностные обязанности",
            ["Ведёт учёт товаров.", "Принимает товар на склад."],
        ),
        ("Права", ["Вносить предложения руководству.", "Получать информацию."]),
        (
            "Ответственность",
            ["За ненадлежащее исполнение обязанностей.", "За причинение ущерба."],
        ),
    ];
    let mut body = String::from("<text:p>ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ кладовщика</text:p>");
    let mut typed = String::from("ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ кладовщика\n");
    for (i, (heading, clauses)) in sections.iter().enumerate() {
        body.push_str(&format!(r#"<text:h text:outline-level="1">{heading}</text:h>"#));
        typed.push_str(&format!("{}. {heading}\n", i + 1));
        for (j, c) in clauses.iter().enumerate() {
            body.push_str(&format!(r#"<text:h text:outline-level="2">{c}</text:h>"#));
            typed.push_str(&format!("{}.{}. {c}\n", i + 1, j + 1));
        }
    }
    let auto = jobdesc::import::import("instruction.odt", &odt_with_outline(&body)).expect("odt");
    let typed = jobdesc::import::import("instruction.txt", typed.as_bytes()).expect("text");
    let tree = super::web::tree;
    assert_eq!(tree(&auto), tree(&typed));
    let kinds: Vec<String> = tree(&auto).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["general", "duties", "rights", "responsibility"]);
    assert_eq!(
        tree(&auto)[1].1[0],
        (Some("2.1".to_string()), "Ведёт учёт товаров.".to_string())
    );
}
