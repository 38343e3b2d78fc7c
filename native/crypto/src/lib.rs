//! AntShares signature primitives (SPEC §3).
//!
//! * Curves: secp256r1 (P-256, the default and the only curve of AntShares-compatible scripts),
//!   secp256k1 and SM2 (tagged keys, 34 bytes = tag `01`/`02` + 33-byte point).
//! * Public keys are 33-byte compressed points (`02`/`03` ‖ X). They are decoded once and kept in
//!   a bounded, thread-safe cache ([`key_cache_stats`]), so repeated keys are not re-decompressed.
//! * Signatures are 64 bytes r‖s, big-endian. P-256 and secp256k1: ECDSA over SHA-256 of the
//!   signed bytes; high-S is accepted by verification, signing always produces low-S. SM2:
//!   GB/T 32918 with SM3 and the default user id `1234567812345678`.
//! * [`verify_batch`] verifies many signatures in parallel on the rayon global pool.
//! * A P-256 key verified a few times gets a precomputed table (`nistz`), which makes its later
//!   verifications about three times cheaper; at most [`HOT_KEY_TABLES`] exist at once.
//!
//! No function of this crate panics on any input: bad keys, signatures or curves verify as
//! `false` or return an [`Error`].
//!
//! Backends (chosen by measurement, see `BACKENDS.md`): AWS-LC (P-256 verification), the `p256`
//! crate (P-256 decompression and signing), libsecp256k1 (secp256k1), the `sm2` crate (SM2).
// Unsafe code is confined to `nistz` (calls into AWS-LC's P-256 assembly).
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod batch;
mod cache;
mod curve;
mod error;
mod keys;
mod nistz;
mod tweak;

pub use batch::{verify_batch, verify_batch_into, VerifyItem};
pub use cache::{clear_key_cache, key_cache_stats, CacheStats, KEY_CACHE_CAPACITY};
pub use curve::Curve;
pub use error::Error;
pub use keys::{
    compare_keys, decompress_key, public_key_from_secret, sign, sort_keys, split_key,
    try_compare_keys, validate_key, verify, verify_prehashed, SM2_DEFAULT_ID,
};
pub use nistz::HOT_KEY_TABLES;
pub use tweak::{ecdh, secret_tweak_add, shared_tweak, tweak_add, TweakError};

/// Length of a compressed public key.
pub const KEY_LEN: usize = 33;
/// Length of a tagged public key (curve tag + compressed point).
pub const TAGGED_KEY_LEN: usize = 34;
/// Length of a signature (r‖s).
pub const SIGNATURE_LEN: usize = 64;
/// Length of a secret key.
pub const SECRET_LEN: usize = 32;

/// SHA-256 of `data` (the digest [`verify_prehashed`] and [`VerifyItem::sha256`] expect).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}
