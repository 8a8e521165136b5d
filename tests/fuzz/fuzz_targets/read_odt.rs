//! Any bytes read as an .odt (zip, content.xml, styles.xml) and parsed.
//! Input that is not a zip is `content.xml NUL styles.xml`.
#![no_main]

use jobdesc_fuzz::import::{odt, parse};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(paras) = odt::read_odt(&jobdesc_fuzz::as_package(data, &["content.xml", "styles.xml"])) {
        let _ = parse::parse(&paras);
    }
});
