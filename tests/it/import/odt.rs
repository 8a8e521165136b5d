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
