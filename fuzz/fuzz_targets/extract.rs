//! Any bytes through the whole extractor: charset detection, parsing, body and metadata.
//! The property is that nothing panics, overflows the stack, or runs away.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let article = chorus_extract::extract_html(data, None, None, &Default::default());
    assert!(!article.text.contains('\0'), "NUL in the text");
});
