#![no_main]
//! The P2P `headers` payload: never panics; accepted payloads re-encode identically.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(headers) = antshares_core::decode_headers_payload(data) {
        assert_eq!(antshares_core::encode_headers_payload(&headers), data);
    }
});
