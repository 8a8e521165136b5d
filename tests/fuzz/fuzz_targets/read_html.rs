//! Any bytes read as an HTML page and parsed: no panic, whatever comes in.
#![no_main]

use jobdesc_fuzz::import::{html, parse};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(paras) = html::read_html(data) {
        let _ = parse::parse(&paras);
    }
});
