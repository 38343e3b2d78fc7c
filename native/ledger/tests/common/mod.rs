//! Shared by the ledger's property tests and its benchmark example.
#![allow(dead_code)] // each user takes what it needs

/// SplitMix64: a tiny deterministic generator, so every failure replays from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below<N: Copy + TryInto<u64> + TryFrom<u64>>(&mut self, n: N) -> N {
        let m: u64 = n
            .try_into()
            .unwrap_or_else(|_| unreachable!("n fits in u64"));
        N::try_from(self.next() % m).unwrap_or_else(|_| unreachable!("below n fits in N"))
    }

    /// A random element of `v`, if any.
    pub fn pick<T: Copy>(&mut self, v: &[T]) -> Option<T> {
        (!v.is_empty()).then(|| v[self.below(v.len())])
    }
}
