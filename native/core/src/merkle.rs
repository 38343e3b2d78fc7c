//! Merkle root (format-1x §2.3).
use crate::hash::hash256_pair;
use crate::uint::UInt256;

/// Merkle root of the txids (internal byte order): parent = hash256(left ‖ right), an odd last
/// node is paired with itself, one leaf is the root. An empty list gives the all-zero hash.
pub fn merkle_root(leaves: &[UInt256]) -> UInt256 {
    match leaves.len() {
        0 => return UInt256::ZERO,
        1 => return leaves[0],
        _ => {}
    }
    let mut level: Vec<[u8; 32]> = leaves.iter().map(|h| h.0).collect();
    merkle_root_in_place(&mut level)
}

/// Same as [`merkle_root`] but reduces the given buffer in place (no allocation).
pub fn merkle_root_in_place(level: &mut [[u8; 32]]) -> UInt256 {
    let mut n = level.len();
    if n == 0 {
        return UInt256::ZERO;
    }
    while n > 1 {
        n = merkle_level_in_place(level, n);
    }
    UInt256(level[0])
}

/// Reduces the first `n` nodes of `level` to their `n.div_ceil(2)` parents, stored at the front
/// (an odd last node is paired with itself); returns the parent count. One level of
/// [`merkle_root_in_place`], for callers that spread a level over threads.
pub fn merkle_level_in_place(level: &mut [[u8; 32]], n: usize) -> usize {
    let n = n.min(level.len());
    let parents = n.div_ceil(2);
    for i in 0..parents {
        let l = 2 * i;
        let r = if l + 1 < n { l + 1 } else { l };
        level[i] = hash256_pair(&level[l], &level[r]);
    }
    parents
}
