//! Merkle root (format-1x §2.3).
use crate::hash::hash256;
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
    let mut pair = [0u8; 64];
    while n > 1 {
        let parents = n.div_ceil(2);
        for i in 0..parents {
            let l = 2 * i;
            let r = if l + 1 < n { l + 1 } else { l };
            pair[..32].copy_from_slice(&level[l]);
            pair[32..].copy_from_slice(&level[r]);
            level[i] = hash256(&pair);
        }
        n = parents;
    }
    UInt256(level[0])
}
