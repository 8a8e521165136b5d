//! Behaviour of the .docx reader on fixtures built in memory.

use super::docx_builder::{zip, DocxBuilder};
use jobdesc::import::archive::{Limits, ReadError};
use jobdesc::import::docx::{read_docx, read_docx_with};
use jobdesc::import::model::Paragraph;

fn texts(ps: &[Paragraph]) -> Vec<&str> {
    ps.iter().map(|p| p.text.as_str()).collect()
}

fn numbers(ps: &[Paragraph]) -> Vec<(Option<&str>, &str)> {
    ps.iter().map(|p| (p.list_number.as_deref(), p.text.as_str())).collect()
}

fn read(b: DocxBuilder) -> Vec<Paragraph> {
    read_docx(&b.build()).expect("reads")
}

/// A decimal multi-level list: level 0 "%1.", level 1 "%1.%2.".
const DECIMAL: &str = r#"<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;

#[test]
fn plain_paragraphs_in_order_with_lines() {
    let ps = read(
        DocxBuilder::new()
            .paragraph("Первый")
            .paragraph("")
            .paragraph("Третий & <x>")
            .bold("Жирный"),
    );
    assert_eq!(texts(&ps), ["Первый", "Третий & <x>", "Жирный"]);
    assert_eq!(ps.iter().map(|p| p.line).collect::<Vec<_>>(), [1, 3, 4]);
    assert!(!ps[0].bold && ps[2].bold);
    assert_eq!(ps[0].list_level, None);
}

#[test]
fn tabs_breaks_hyphens_and_symbols() {
    let ps = read(DocxBuilder::new().raw(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
        <w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>
        <w:noBreakHyphen/><w:t>e</w:t><w:softHyphen/><w:t>f </w:t><w:sym w:font="Symbol" w:char="F0B7"/></w:r></w:p>"#,
    ));
    assert_eq!(texts(&ps), ["a\tb\nc\nd-ef •"]);
}

#[test]
fn deleted_text_skipped_inserted_kept() {
    let ps = read(DocxBuilder::new().raw(
        r#"<w:p><w:r><w:t xml:space="preserve">keep </w:t></w:r><w:del w:id="1"><w:r><w:delText>gone</w:delText></w:r></w:del>
        <w:ins w:id="2"><w:r><w:t>new</w:t></w:r></w:ins></w:p>"#,
    ));
    assert_eq!(texts(&ps), ["keep new"]);
}

#[test]
fn table_cells_are_paragraphs() {
    let ps = read(DocxBuilder::new().paragraph("before").raw(
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B1</w:t></w:r></w:p><w:p><w:r><w:t>B1b</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:p><w:r><w:t>A2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
    ).paragraph("after"));
    assert_eq!(texts(&ps), ["before", "A1", "B1", "B1b", "A2", "after"]);
}

#[test]
fn text_box_read_once() {
    let tb = r#"<w:p><w:r><w:t>anchor</w:t></w:r><w:r><mc:AlternateContent>
      <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>
        <w:p><w:r><w:t>in the box</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>in the box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
    </mc:AlternateContent></w:r></w:p>"#;
    let ps = read(DocxBuilder::new().raw(tb).paragraph("next"));
    assert_eq!(texts(&ps), ["anchor", "in the box", "next"]);
}

#[test]
fn headers_and_footers_not_read() {
    let hdr = r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>HEADER</w:t></w:r></w:p></w:hdr>"#;
    let ftr = r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Page 1</w:t></w:r></w:p></w:ftr>"#;
    let ps = read(
        DocxBuilder::new()
            .paragraph("body")
            .part("word/header1.xml", hdr)
            .part("word/footer1.xml", ftr),
    );
    assert_eq!(texts(&ps), ["body"]);
}

#[test]
fn multi_level_list() {
    let ps = read(
        DocxBuilder::new()
            .numbering_xml(DECIMAL)
            .numbered("a", 1, 0)
            .numbered("b", 1, 1)
            .numbered("c", 1, 1)
            .numbered("d", 1, 0)
            .numbered("e", 1, 1),
    );
    assert_eq!(
        numbers(&ps),
        [
            (Some("1."), "a"),
            (Some("1.1."), "b"),
            (Some("1.2."), "c"),
            (Some("2."), "d"),
            (Some("2.1."), "e")
        ]
    );
    assert_eq!(
        ps.iter().map(|p| p.list_level).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(1), Some(0), Some(1)]
    );
}

#[test]
fn section_prefix_in_lvl_text() {
    let num = r#"<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="3.%1."/></w:lvl></w:abstractNum>
      <w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>"#;
    let ps = read(
        DocxBuilder::new()
            .numbering_xml(num)
            .numbered("x", 5, 0)
            .numbered("y", 5, 0),
    );
    assert_eq!(numbers(&ps), [(Some("3.1."), "x"), (Some("3.2."), "y")]);
}

#[test]
fn headings_as_list_items() {
    // Russian Word: style ids are digits, the names say "heading 1".
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
      <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>
        <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
      <w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#;
    let ps = read(
        DocxBuilder::new()
            .styles_xml(styles)
            .numbering_xml(DECIMAL)
            .styled("Общие положения", "1")
            .styled("Настоящая инструкция...", "Clause")
            .styled("Работник назначается...", "Clause")
            .styled("Должностные обязанности", "1")
            .styled("Выполняет...", "Clause"),
    );
    assert_eq!(
        numbers(&ps),
        [
            (Some("1."), "Общие положения"),
            (Some("1.1."), "Настоящая инструкция..."),
            (Some("1.2."), "Работник назначается..."),
            (Some("2."), "Должностные обязанности"),
            (Some("2.1."), "Выполняет..."),
        ]
    );
    assert_eq!(ps[0].heading_level, Some(1));
    assert!(ps[0].bold && !ps[1].bold);
    assert_eq!(ps[1].heading_level, None);
}

#[test]
fn heading_style_ids_and_russian_names() {
    let styles = r#"<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
      <w:style w:type="paragraph" w:styleId="x3"><w:name w:val="Заголовок 3"/></w:style>"#;
    let ps = read(
        DocxBuilder::new()
            .styles_xml(styles)
            .styled("A", "Heading2")
            .styled("B", "x3")
            .styled("C", "Heading4"),
    );
    assert_eq!(
        ps.iter().map(|p| p.heading_level).collect::<Vec<_>>(),
        [Some(2), Some(3), Some(4)]
    );
}

#[test]
fn bullets_inherited_from_style_and_num_id_zero() {
    let num = r#"<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val=""/><w:rPr><w:rFonts w:ascii="Symbol"/></w:rPr></w:lvl></w:abstractNum>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:styleId="ListBase"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="ListBullet"><w:basedOn w:val="ListBase"/></w:style>"#;
    let ps = read(
        DocxBuilder::new()
            .styles_xml(styles)
            .numbering_xml(num)
            .styled("one", "ListBullet")
            .para("off", Some("ListBullet"), Some((0, 0)), false)
            .styled("two", "ListBullet"),
    );
    assert_eq!(numbers(&ps), [(Some("•"), "one"), (None, "off"), (Some("•"), "two")]);
    assert_eq!(ps[1].list_level, None);
}

#[test]
fn start_override_restarts_shared_abstract() {
    let num = format!(
        "{DECIMAL}{}",
        r#"<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
           <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>"#
    );
    let ps = read(
        DocxBuilder::new()
            .numbering_xml(&num)
            .numbered("a", 1, 0)
            .numbered("b", 1, 0)
            .paragraph("break")
            .numbered("c", 2, 0)
            .numbered("d", 2, 0)
            .numbered("e", 3, 0),
    );
    assert_eq!(
        numbers(&ps),
        [
            (Some("1."), "a"),
            (Some("2."), "b"),
            (None, "break"),
            (Some("1."), "c"),
            (Some("2."), "d"),
            (Some("5."), "e")
        ]
    );
}

#[test]
fn letters_and_russian_letters() {
    let num = r#"<w:abstractNum w:abstractNumId="0">
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="russianLower"/><w:lvlText w:val="%1)"/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let ps = read(
        DocxBuilder::new()
            .numbering_xml(num)
            .numbered("x", 1, 0)
            .numbered("y", 1, 0)
            .numbered("z", 1, 1),
    );
    assert_eq!(numbers(&ps), [(Some("а)"), "x"), (Some("б)"), "y"), (Some("a)"), "z")]);
}

#[test]
fn not_zip() {
    assert_eq!(read_docx(b"PK\x03\x04 not really"), Err(ReadError::NotZip));
    assert_eq!(read_docx(b"{\\rtf1 hello}"), Err(ReadError::NotZip));
}

#[test]
fn missing_document_part() {
    let bytes = DocxBuilder::new().without_document().build();
    assert_eq!(
        read_docx(&bytes),
        Err(ReadError::MissingPart("word/document.xml".into()))
    );
}

#[test]
fn zip_bomb_is_refused() {
    let body = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>".repeat(20_000);
    let bytes = DocxBuilder::new().raw(&body).build();
    assert!(bytes.len() < 100_000, "fixture compresses well: {}", bytes.len());
    let limits = Limits {
        max_total: 64 * 1024,
        ..Limits::default()
    };
    assert_eq!(
        read_docx_with(&bytes, limits),
        Err(ReadError::TooLarge { limit: 64 * 1024 })
    );
}

#[test]
fn lying_size_header_is_cut_off() {
    // Declared sizes say 100 bytes; the deflate stream really holds 1 MB.
    let doc = format!("<w:document><w:body>{}</w:body></w:document>", " ".repeat(1_000_000));
    let mut bytes = zip(&[("word/document.xml", doc.as_bytes())]);
    patch_uncompressed_sizes(&mut bytes, 100);
    let limits = Limits {
        max_total: 10_000,
        ..Limits::default()
    };
    let got = read_docx_with(&bytes, limits);
    assert!(
        matches!(got, Err(ReadError::TooLarge { .. }) | Err(ReadError::Corrupt(_))),
        "{got:?}"
    );
}

/// Rewrites the uncompressed-size fields of every local and central header.
fn patch_uncompressed_sizes(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 4 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..30).map(|i| format!("f{i}.xml")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"<a/>"[..])).collect();
    let limits = Limits {
        max_entries: 20,
        ..Limits::default()
    };
    assert_eq!(read_docx_with(&zip(&parts), limits), Err(ReadError::TooManyEntries));
}

#[test]
fn dtd_entities_are_not_expanded() {
    let doc = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>
      <w:document xmlns:w="w"><w:body><w:p><w:r><w:t>x&b;y&a;z&amp;</w:t></w:r></w:p></w:body></w:document>"#;
    let bytes = zip(&[("word/document.xml", doc.as_bytes())]);
    match read_docx(&bytes) {
        Ok(ps) => assert_eq!(texts(&ps), ["xyz&"]),
        Err(e) => assert!(matches!(e, ReadError::BadXml(_)), "{e:?}"),
    }
}

#[test]
fn broken_xml_is_bad_xml() {
    let bytes = zip(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
    assert!(matches!(read_docx(&bytes), Err(ReadError::BadXml(_))));
}

#[test]
fn two_hundred_pages() {
    let num = DECIMAL.to_string();
    let mut b = DocxBuilder::new().numbering_xml(&num);
    for i in 0..8_000 {
        b = match i % 4 {
            0 => b.numbered("Раздел инструкции", 1, 0),
            1 | 2 => b.numbered(
                "Пункт с достаточно длинным текстом, как в настоящей должностной инструкции.",
                1,
                1,
            ),
            _ => b.paragraph("Обычный абзац текста без номера, занимающий строку или две на странице."),
        };
    }
    let bytes = b.build();
    let start = std::time::Instant::now();
    let ps = read_docx(&bytes).expect("reads");
    eprintln!("8000 paragraphs read in {:?}", start.elapsed());
    assert_eq!(ps.len(), 8_000);
    assert_eq!(ps[7_998].list_number.as_deref(), Some("2000.2."));
}
