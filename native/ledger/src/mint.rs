//! ANC generation per block (SPEC §5), in exact integers.
//!
//! `mint = floor(undistributed × 24297257 / 10^14)` satoshi, where
//! `undistributed = 10^16 − (minted so far − burned so far)`.
use crate::Error;

/// The whole ANC supply in satoshi: 100,000,000 ANC × 10^8.
pub const TOTAL_ANC_SATOSHI: u64 = 10_000_000_000_000_000;
/// The share of the undistributed pool minted per block is `NUMERATOR / DENOMINATOR`.
pub const MINT_RATE_NUMERATOR: u64 = 24_297_257;
pub const MINT_RATE_DENOMINATOR: u64 = 100_000_000_000_000;

/// The ANC (satoshi) the next block mints, given the totals of all earlier blocks.
///
/// Domain: `burned ≤ minted` (ANC enters only by minting, so no more can be burned than was
/// minted) and `minted − burned ≤ 10^16` (circulation never exceeds the supply). Outside it the
/// state is impossible and [`Error::ImpossibleSupply`] is returned. `minted` alone may exceed
/// 10^16: burned fees return to the pool and are minted again.
///
/// The result is at most `10^16 × 24297257 / 10^14 = 2,429,725,700` (block 1), and never more
/// than the undistributed pool, so `minted + mint − burned ≤ 10^16` keeps holding.
/// The product `undistributed × 24297257 < 2^79` is computed in `u128`: no rounding, no floats.
pub fn mint_amount(minted: u64, burned: u64) -> Result<u64, Error> {
    let circulating = minted
        .checked_sub(burned)
        .filter(|&c| c <= TOTAL_ANC_SATOSHI)
        .ok_or(Error::ImpossibleSupply { minted, burned })?;
    let undistributed = u128::from(TOTAL_ANC_SATOSHI - circulating);
    let mint = undistributed * u128::from(MINT_RATE_NUMERATOR) / u128::from(MINT_RATE_DENOMINATOR);
    // mint ≤ 2,429,725,700 < 2^32.
    Ok(mint as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_block() {
        // 10^16 × 24297257 / 10^14 = 24297257 × 100 = 2,429,725,700 exactly (no remainder).
        assert_eq!(mint_amount(0, 0), Ok(2_429_725_700));
    }

    #[test]
    fn second_and_third_blocks() {
        // Block 2: minted = 2,429,725,700 = 24297257 × 100, so
        //   undistributed × 24297257 = 10^16 × 24297257 − 24297257² × 100
        //   24297257² = 590,356,697,724,049 (hand: 24297257 × 24297257)
        //   = 242,972,570,000,000,000,000,000 − 59,035,669,772,404,900
        //   = 242,972,510,964,330,227,595,100;  / 10^14 → 2,429,725,109 (.64…).
        assert_eq!(24_297_257u128 * 24_297_257, 590_356_697_724_049);
        assert_eq!(mint_amount(2_429_725_700, 0), Ok(2_429_725_109));
        // Block 3: minted = 2,429,725,700 + 2,429,725,109 = 4,859,450,809;
        //   4,859,450,809 × 24297257 = 4×10^9 × 24297257 + 859,450,809 × 24297257
        //   = 97,189,028,000,000,000 + 20,882,297,185,130,913 = 118,071,325,185,130,913;
        //   242,972,570,000,000,000,000,000 − 118,071,325,185,130,913
        //   = 242,972,451,928,674,814,869,087;  / 10^14 → 2,429,724,519 (.28…).
        assert_eq!(
            859_450_809u128 * 24_297_257,
            20_882_297_185_130_913,
            "hand product"
        );
        assert_eq!(mint_amount(4_859_450_809, 0), Ok(2_429_724_519));
    }

    #[test]
    fn burned_fees_raise_the_mint() {
        let minted = 2_429_725_700 + 2_429_725_109;
        let base = mint_amount(minted, 0).unwrap();
        // Burning everything minted restores the block-1 amount.
        assert_eq!(mint_amount(minted, minted), Ok(2_429_725_700));
        let mut last = base;
        for burned in [1u64, 500_000_000, 1_000_000_000, minted - 1] {
            let m = mint_amount(minted, burned).unwrap();
            assert!(m >= last, "burned {burned}: {m} < {last}");
            last = m;
        }
        // 10,000 ANC burned (a Register fee) adds 10^12 × 24297257 / 10^14 = 242,972.57 (±1 by
        // the floors).
        // (with 10^15 satoshi minted so far: 10^16 − 10^15 → 10^16 − 10^15 + 10^12 undistributed):
        // 9×10^15 × 24297257 / 10^14 = 2,186,753,130 and 9.001×10^15 → 2,186,996,102.57 → …102.
        let before = mint_amount(1_000_000_000_000_000, 0).unwrap();
        let after = mint_amount(1_000_000_000_000_000, 1_000_000_000_000).unwrap();
        assert_eq!((before, after), (2_186_753_130, 2_186_996_102));
        assert_eq!(after - before, 242_972);
    }

    #[test]
    fn bounds() {
        // Everything in circulation: nothing left to mint.
        assert_eq!(mint_amount(TOTAL_ANC_SATOSHI, 0), Ok(0));
        // Below 10^14 / 24297257 ≈ 4,115,690.9 satoshi undistributed the mint is 0.
        assert_eq!(mint_amount(TOTAL_ANC_SATOSHI - 4_115_690, 0), Ok(0));
        assert_eq!(mint_amount(TOTAL_ANC_SATOSHI - 4_115_691, 0), Ok(1));
        // Minted may exceed the supply when burns are re-minted.
        assert_eq!(mint_amount(u64::MAX, u64::MAX - TOTAL_ANC_SATOSHI), Ok(0));
        assert_eq!(mint_amount(u64::MAX, u64::MAX), Ok(2_429_725_700));
        // Impossible states.
        assert_eq!(
            mint_amount(0, 1),
            Err(Error::ImpossibleSupply {
                minted: 0,
                burned: 1
            })
        );
        assert!(mint_amount(TOTAL_ANC_SATOSHI + 1, 0).is_err());
        assert!(mint_amount(u64::MAX, 0).is_err());
    }

    #[test]
    fn chain_of_mints_stays_within_supply() {
        // 100,000 blocks: circulation grows, never passes 10^16, the mint never increases.
        let (mut minted, mut last) = (0u64, u64::MAX);
        for _ in 0..100_000 {
            let m = mint_amount(minted, 0).unwrap();
            assert!(m <= last);
            last = m;
            minted += m;
            assert!(minted <= TOTAL_ANC_SATOSHI);
        }
    }
}
