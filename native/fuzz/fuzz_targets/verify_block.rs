#![no_main]
//! The whole verifier on hostile input: never panics; an undecodable block is reported, not ok.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = antshares_verify::verify_block(data, None);
    if antshares_core::decode_block(data).is_err() {
        assert!(!report.ok());
    }
});
