//! Any bytes read as a text file, parsed, and each candidate made into a
//! draft's text: no panic, whatever comes in.
#![no_main]

use std::collections::HashMap;

use jobdesc_fuzz::import::{draft, parse, text};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(paras) = text::read_text(data) {
        let result = parse::parse(&paras);
        let library = HashMap::new();
        let mut n = 0u32;
        for doc in &result.documents {
            let _ = draft::content(doc, &library, || {
                n += 1;
                n.to_string()
            });
        }
    }
});
