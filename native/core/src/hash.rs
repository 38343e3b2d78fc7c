//! The chain's hash functions.
use ripemd::Ripemd160;
use sha2::block_api::compress256;
use sha2::{Digest, Sha256};

/// SHA-256.
#[inline]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Double SHA-256 (txids, block hashes, Merkle nodes, Base58Check checksums).
#[inline]
pub fn hash256(data: &[u8]) -> [u8; 32] {
    sha256_of_digest(&sha256(data))
}

/// RIPEMD-160(SHA-256(data)): script hashes.
#[inline]
pub fn hash160(data: &[u8]) -> [u8; 20] {
    let first = Sha256::digest(data);
    Ripemd160::digest(first).into()
}

const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The padding block that follows a 64-byte message (0x80, zeros, bit length 512).
const PAD_64: [u8; 64] = {
    let mut b = [0u8; 64];
    b[0] = 0x80;
    b[62] = 0x02; // 512 = 0x0200
    b
};

#[inline]
fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// SHA-256 of a 32-byte value (one compression, no streaming state): the outer hash of
/// [`hash256`]. `hash256(m) == sha256_of_digest(&sha256(m))`, so a caller that needs both the
/// single digest of `m` (the signed-message digest) and its double hash (the txid) hashes `m` once.
#[inline]
pub fn sha256_of_digest(d: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(d);
    block[32] = 0x80;
    block[62] = 0x01; // 256 = 0x0100
    let mut state = IV;
    compress256(&mut state, &[block]);
    state_bytes(&state)
}

/// hash256(left ‖ right): a Merkle parent (three compressions, no streaming state).
#[inline]
pub fn hash256_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(left);
    block[32..].copy_from_slice(right);
    let mut state = IV;
    compress256(&mut state, &[block, PAD_64]);
    sha256_of_digest(&state_bytes(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_size_paths_match_the_streaming_hash() {
        for seed in 0u8..32 {
            let a: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(seed).wrapping_add(7));
            let b: [u8; 32] = std::array::from_fn(|i| (i as u8) ^ seed);
            let mut ab = a.to_vec();
            ab.extend_from_slice(&b);
            let streamed: [u8; 32] = Sha256::digest(Sha256::digest(&ab)).into();
            assert_eq!(hash256_pair(&a, &b), streamed);
            let once: [u8; 32] = Sha256::digest(a).into();
            assert_eq!(sha256_of_digest(&a), once);
            assert_eq!(hash256(&ab), streamed);
        }
        // Known answer: hash256("") = 5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456.
        assert_eq!(hash256(b"")[..4], [0x5d, 0xf6, 0xe0, 0xe2]);
    }
}
