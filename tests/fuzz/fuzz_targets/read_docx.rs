//! Any bytes read as a .docx (zip, XML, numbering, styles) and parsed: a
//! clear error or paragraphs, never a panic or a runaway allocation. Input
//! that is not a zip is `document.xml NUL numbering.xml NUL styles.xml`.
#![no_main]

use jobdesc_fuzz::import::{docx, parse};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let bytes = jobdesc_fuzz::as_package(data, &["word/document.xml", "word/numbering.xml", "word/styles.xml"]);
    if let Ok(paras) = docx::read_docx(&bytes) {
        let _ = parse::parse(&paras);
    }
});
