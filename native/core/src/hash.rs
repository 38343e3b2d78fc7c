//! The chain's hash functions.
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

/// SHA-256.
#[inline]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Double SHA-256 (txids, block hashes, Merkle nodes, Base58Check checksums).
#[inline]
pub fn hash256(data: &[u8]) -> [u8; 32] {
    let first = Sha256::digest(data);
    Sha256::digest(first).into()
}

/// RIPEMD-160(SHA-256(data)): script hashes.
#[inline]
pub fn hash160(data: &[u8]) -> [u8; 20] {
    let first = Sha256::digest(data);
    Ripemd160::digest(first).into()
}
