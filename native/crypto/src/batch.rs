//! Parallel batch verification.
use rayon::prelude::*;

use crate::cache;
use crate::keys::verify_decoded;
use crate::Curve;

/// One signature to check: borrowed key, message and signature.
///
/// For P-256 and secp256k1, `sha256` may carry SHA-256(`message`) computed by the caller (hash a
/// transaction once for all its signatures); when it is set, `message` is not read. SM2 always
/// hashes `message` itself (SM3 over Z‖M) and ignores `sha256`. The caller guarantees that a
/// given `sha256` is the digest of the signed bytes.
#[derive(Debug, Clone, Copy)]
pub struct VerifyItem<'a> {
    /// The curve of `key`.
    pub curve: Curve,
    /// The 33-byte compressed public key.
    pub key: &'a [u8],
    /// The signed bytes (may be empty when `sha256` is given and the curve is not SM2).
    pub message: &'a [u8],
    /// SHA-256 of `message`, if the caller already has it.
    pub sha256: Option<&'a [u8; 32]>,
    /// 64-byte r‖s signature (any other length fails).
    pub signature: &'a [u8],
}

impl<'a> VerifyItem<'a> {
    /// An item over the signed bytes.
    pub fn new(curve: Curve, key: &'a [u8], message: &'a [u8], signature: &'a [u8]) -> Self {
        VerifyItem {
            curve,
            key,
            message,
            sha256: None,
            signature,
        }
    }

    /// An item carrying both the signed bytes and their SHA-256 (usable for every curve).
    pub fn with_sha256(
        curve: Curve,
        key: &'a [u8],
        message: &'a [u8],
        sha256: &'a [u8; 32],
        signature: &'a [u8],
    ) -> Self {
        VerifyItem {
            curve,
            key,
            message,
            sha256: Some(sha256),
            signature,
        }
    }

    /// Verifies this item alone (uses the key cache).
    pub fn verify(&self) -> bool {
        if self.signature.len() != crate::SIGNATURE_LEN {
            return false;
        }
        match cache::get(self.curve, self.key) {
            Ok(k) => {
                let digest = if self.curve == Curve::Sm2 {
                    None
                } else {
                    self.sha256
                };
                verify_decoded(&k, self.message, digest, self.signature)
            }
            Err(_) => false,
        }
    }
}

/// Below this many items the batch is verified on the calling thread.
const PARALLEL_MIN: usize = 4;

fn chunk_len(n: usize) -> usize {
    // A few chunks per thread balances uneven items (SM2 is ~3x slower than P-256) while keeping
    // rayon's per-task overhead negligible.
    let threads = rayon::current_num_threads().max(1);
    n.div_ceil(threads * 4).clamp(1, 256)
}

/// Verifies every item, in parallel on the rayon pool; result `i` is item `i`'s validity.
pub fn verify_batch(items: &[VerifyItem<'_>]) -> Vec<bool> {
    let mut out = vec![false; items.len()];
    verify_batch_into(items, &mut out);
    out
}

/// [`verify_batch`] writing into `out` (`out.len()` must equal `items.len()`; extra entries of
/// either are ignored).
pub fn verify_batch_into(items: &[VerifyItem<'_>], out: &mut [bool]) {
    let n = items.len().min(out.len());
    let (items, out) = (&items[..n], &mut out[..n]);
    if n < PARALLEL_MIN || rayon::current_num_threads() <= 1 {
        for (o, it) in out.iter_mut().zip(items) {
            *o = it.verify();
        }
        return;
    }
    let c = chunk_len(n);
    out.par_chunks_mut(c)
        .zip(items.par_chunks(c))
        .for_each(|(o, its)| {
            for (o, it) in o.iter_mut().zip(its) {
                *o = it.verify();
            }
        });
}
