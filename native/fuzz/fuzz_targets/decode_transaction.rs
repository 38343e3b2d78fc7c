#![no_main]
//! Any input: decoding never panics, and whatever decodes re-encodes to the same bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = antshares_core::decode_transaction(data) {
        assert_eq!(tx.to_bytes(), data, "a decoded transaction must re-encode byte-identically");
    }
});
