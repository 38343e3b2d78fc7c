//! The lottery number of a block's random value (SPEC §5).
use antshares_core::hash256;

/// Lottery numbers are `R mod 10^8`: one per whole ANS share.
pub const LOTTERY_MODULUS: u64 = 100_000_000;

/// `R mod 10^8`, with the 32 bytes of `r` read as an unsigned little-endian 256-bit integer.
pub fn lottery_number(r: &[u8; 32]) -> u64 {
    // Horner's rule from the most significant (last) byte; acc < 10^8, so acc × 256 + 255 fits.
    r.iter()
        .rev()
        .fold(0u64, |acc, &b| (acc * 256 + u64::from(b)) % LOTTERY_MODULUS)
}

/// The random value carried by block 1: dSHA256 of the genesis block hash (its 32 bytes in
/// internal order, i.e. the reverse of the display hex).
pub fn first_random(genesis_hash: &[u8; 32]) -> [u8; 32] {
    hash256(genesis_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_endian_reading() {
        let mut r = [0u8; 32];
        assert_eq!(lottery_number(&r), 0);
        r[0] = 7;
        assert_eq!(lottery_number(&r), 7);
        r[1] = 1; // + 256
        assert_eq!(lottery_number(&r), 263);
        // 2^248 mod 10^8: the last byte is the most significant.
        let mut top = [0u8; 32];
        top[31] = 1;
        let mut p = 1u128;
        for _ in 0..248 {
            p = p * 2 % 100_000_000;
        }
        assert_eq!(u128::from(lottery_number(&top)), p);
        // 2^256 − 1, computed the long way:
        let all = [0xffu8; 32];
        let mut q = 1u128;
        for _ in 0..256 {
            q = q * 2 % 100_000_000;
        }
        let expected = (q + 100_000_000 - 1) % 100_000_000;
        assert_eq!(u128::from(lottery_number(&all)), expected);
        // 2^256 = 115792089237316195423570985008687907853269984665640564039457584007913129639936,
        // whose last eight digits are 29639936, so 2^256 − 1 ≡ 29639935.
        assert_eq!(lottery_number(&all), 29_639_935);
        // 10^8 itself (0x05F5E100, little-endian 00 E1 F5 05) is 0.
        let mut e8 = [0u8; 32];
        e8[..4].copy_from_slice(&[0x00, 0xe1, 0xf5, 0x05]);
        assert_eq!(lottery_number(&e8), 0);
        e8[0] = 0x01;
        assert_eq!(lottery_number(&e8), 1);
    }

    #[test]
    fn first_random_is_double_sha256() {
        // dSHA256 of 32 zero bytes.
        let z = first_random(&[0u8; 32]);
        assert_eq!(
            antshares_core::uint::to_hex(&z),
            "2b32db6c2c0a6235fb1397e8225ea85e0f0e6e8c7b126d0016ccbde0e667151e"
        );
    }
}
