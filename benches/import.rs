//! Import benchmark: a 5 MB text (the seeds repeated) and a 200-page .docx
//! (8,000 numbered paragraphs), each read and parsed in one process. Also prints
//! each input at half the size, to show the time grows linearly, and a baseline
//! measured in the same run: decoding the same bytes alone.
//!
//! Run: `cargo bench --bench import`.

use std::io::Write;
use std::time::Instant;

fn ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

/// Whole seeds over and over, to at least `bytes` (never cut inside a character).
fn text(bytes: usize) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/import");
    let seeds: Vec<u8> = (0..5)
        .flat_map(|i| {
            std::fs::read(format!("{dir}/seed_00{i}.txt"))
                .expect("seed")
                .into_iter()
                .chain(*b"\n\n")
        })
        .collect();
    let mut out = Vec::with_capacity(bytes + seeds.len());
    while out.len() < bytes {
        out.extend_from_slice(&seeds);
    }
    out
}

/// A .docx with `n` paragraphs: headings and clauses numbered by Word's automatic numbering.
fn docx(n: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let (style, text) = if i % 40 == 0 {
            ("Heading1", "Должностные обязанности".to_string())
        } else {
            (
                "Clause",
                format!("Выполняет поручение номер {i}, оформляет документы и отчитывается руководителю."),
            )
        };
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        ));
    }
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let document =
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{body}</w:body></w:document>"#);
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {w}>
        <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
        <w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering {w}><w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
        </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types/>"#.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/numbering.xml", numbering),
    ] {
        zip.start_file(name, opts).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

fn report(name: &str, file: &str, full: &[u8], half: &[u8], baseline: impl Fn(&[u8])) {
    // The median of three runs of each.
    let run = |bytes: &[u8]| {
        let mut found = 0;
        let mut times: Vec<f64> = (0..3)
            .map(|_| {
                ms(|| {
                    found = jobdesc::import::import(file, bytes)
                        .map(|r| r.documents.len())
                        .unwrap_or(0)
                })
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        (times[1], found)
    };
    run(half); // warm-up
    let (t_half, docs_half) = run(half);
    let (t_full, docs) = run(full);
    let base = ms(|| baseline(full));
    println!("{name}");
    println!(
        "  size            {:.2} MB ({} bytes)",
        full.len() as f64 / 1e6,
        full.len()
    );
    println!("  read + parse    {t_full:.0} ms median of 3 ({docs} job descriptions found)");
    println!(
        "  half the input  {t_half:.0} ms ({docs_half} found; full / half = {:.2}; linear is 2)",
        t_full / t_half.max(0.001)
    );
    println!(
        "  baseline        {base:.0} ms (decoding the bytes alone; parse = {:.1} x baseline)",
        t_full / base.max(0.001)
    );
}

fn main() {
    let (full, half) = (text(5_000_000), text(2_500_000));
    report("import: 5 MB of text", "big.txt", &full, &half, |b| {
        std::hint::black_box(String::from_utf8_lossy(b).lines().count());
    });
    let (full, half) = (docx(8_000), docx(4_000));
    report(
        "import: 200-page .docx (8,000 paragraphs)",
        "big.docx",
        &full,
        &half,
        |b| {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(b)).expect("zip");
            let mut s = String::new();
            std::io::Read::read_to_string(&mut z.by_name("word/document.xml").expect("part"), &mut s).expect("read");
            std::hint::black_box(s.len());
        },
    );
}
