#![no_main]
//! Script classification, invocation parsing and Base58Check/address/WIF decoding on any input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antshares_core::classify_verification(data);
    if let Some(sigs) = antshares_core::parse_invocation(data) {
        assert_eq!(sigs.len() * 65, data.len());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = antshares_core::base58::check_decode(text);
        let _ = antshares_core::decode_address(text);
        let _ = antshares_core::wif_decode(text);
    }
});
