#![no_main]
//! Any input: decoding never panics, and whatever decodes re-encodes to the same bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = antshares_core::decode_block(data) {
        assert_eq!(block.to_bytes(), data, "a decoded block must re-encode byte-identically");
    }
});
