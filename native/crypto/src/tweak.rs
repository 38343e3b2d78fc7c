//! Point and scalar tweaks for stealth addresses (SPEC §9, `docs/stealth.md`).
//!
//! * [`tweak_add`]: `K + t·G` (a derived public key).
//! * [`ecdh`]: `s·K` (the shared point of a sender and a receiver).
//! * [`secret_tweak_add`]: `s + t mod n` (the derived private key matching [`tweak_add`]).
//! * [`shared_tweak`]: `c = SHA-256(compressed shared point) mod n`, refused when 0.
//!
//! Points are 33-byte compressed keys (`02`/`03` ‖ X), scalars 32 bytes big-endian. A tweak is
//! any scalar in `[0, n-1]`; a secret is in `[1, n-1]` (SM2: `[1, n-2]`, as signing requires).
//! A result that is the point at infinity or the zero scalar (or `n-1` on SM2) is an error, so
//! every returned key can sign. Not constant time with respect to the rejected edge cases.
use core::fmt;

use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::group::{Group, GroupEncoding};

use crate::{sha256, Curve, Error, KEY_LEN, SECRET_LEN};

/// Why a tweak operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TweakError {
    /// The public key is malformed or not on the curve.
    Key(Error),
    /// A secret that is not in `[1, n-1]` (SM2: `[1, n-2]`).
    InvalidSecret,
    /// A tweak that is not below the curve order `n`.
    InvalidTweak,
    /// The result is the point at infinity (the key was `-t·G`).
    Infinity,
    /// The result is the zero scalar, or `n-1` on SM2: not a usable private key.
    UnusableSecret,
    /// The hash of the shared point reduced to 0 (probability 2⁻²⁵⁶): pick another ephemeral key.
    ZeroTweak,
}

impl fmt::Display for TweakError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TweakError::Key(e) => write!(f, "{e}"),
            TweakError::InvalidSecret => {
                f.write_str("invalid secret key (must be 32 bytes in [1, n-1]; SM2: [1, n-2])")
            }
            TweakError::InvalidTweak => f.write_str("invalid tweak (must be 32 bytes below n)"),
            TweakError::Infinity => f.write_str("the tweaked key is the point at infinity"),
            TweakError::UnusableSecret => {
                f.write_str("the tweaked secret is 0 (or n-1 on SM2): not a usable private key")
            }
            TweakError::ZeroTweak => f.write_str("the shared point hashes to 0 mod n"),
        }
    }
}

impl std::error::Error for TweakError {}

impl From<Error> for TweakError {
    fn from(e: Error) -> Self {
        TweakError::Key(e)
    }
}

/// Group orders, big-endian (SEC 2; GB/T 32918.5). All exceed 2²⁵⁵, so one subtraction reduces
/// any 256-bit number mod n.
const ORDER_R1: [u8; 32] =
    hex32("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const ORDER_K1: [u8; 32] =
    hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const ORDER_SM2: [u8; 32] =
    hex32("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");

const fn hex32(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lower-case hex digit"),
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 64);
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

const fn order(curve: Curve) -> &'static [u8; 32] {
    match curve {
        Curve::Secp256r1 => &ORDER_R1,
        Curve::Secp256k1 => &ORDER_K1,
        Curve::Sm2 => &ORDER_SM2,
    }
}

/// `x mod n` for any 256-bit `x` (big-endian): `x` itself, or `x - n` once `x ≥ n`.
fn reduce(x: [u8; 32], n: &[u8; 32]) -> [u8; 32] {
    if &x < n {
        return x;
    }
    let mut out = [0u8; 32];
    let mut borrow = 0u16;
    for i in (0..32).rev() {
        let d = u16::from(x[i])
            .wrapping_sub(u16::from(n[i]))
            .wrapping_sub(borrow);
        out[i] = d as u8;
        borrow = (d >> 15) & 1;
    }
    out
}

/// The stealth tweak of a shared point: `SHA-256(point) mod n` (the point as its 33-byte
/// compressed encoding). Only the length is checked: hashing is the same for any bytes.
pub fn shared_tweak(curve: Curve, shared_point: &[u8]) -> Result<[u8; 32], TweakError> {
    if shared_point.len() != KEY_LEN {
        return Err(TweakError::Key(Error::InvalidKeyLength(shared_point.len())));
    }
    let c = reduce(sha256(shared_point), order(curve));
    if c == [0u8; 32] {
        return Err(TweakError::ZeroTweak);
    }
    Ok(c)
}

/// `key + tweak·G`, compressed. `tweak` in `[0, n-1]`; the point at infinity is an error.
pub fn tweak_add(curve: Curve, key: &[u8], tweak: &[u8]) -> Result<[u8; KEY_LEN], TweakError> {
    let tweak = tweak_array(curve, tweak)?;
    match curve {
        Curve::Secp256r1 => weierstrass::tweak_add::<p256::ProjectivePoint>(key, tweak),
        Curve::Sm2 => weierstrass::tweak_add::<sm2::ProjectivePoint>(key, tweak),
        Curve::Secp256k1 => {
            let t = k1_scalar(tweak).ok_or(TweakError::InvalidTweak)?;
            let k = k1_key(key)?;
            let sum = k.add_exp_tweak(&t).map_err(|_| TweakError::Infinity)?;
            Ok(sum.serialize())
        }
    }
}

/// `secret·key`, compressed: the ECDH shared point (`a·B == b·A`).
pub fn ecdh(curve: Curve, secret: &[u8], key: &[u8]) -> Result<[u8; KEY_LEN], TweakError> {
    let secret = secret_array(curve, secret)?;
    match curve {
        Curve::Secp256r1 => weierstrass::ecdh::<p256::ProjectivePoint>(secret, key),
        Curve::Sm2 => weierstrass::ecdh::<sm2::ProjectivePoint>(secret, key),
        Curve::Secp256k1 => {
            let s = k1_scalar(secret).ok_or(TweakError::InvalidSecret)?;
            let k = k1_key(key)?;
            // Non-zero s below n times a point of the prime-order group is never infinity.
            let shared = k.mul_tweak(&s).map_err(|_| TweakError::InvalidSecret)?;
            Ok(shared.serialize())
        }
    }
}

/// `secret + tweak mod n`: the private key of [`tweak_add`]`(public(secret), tweak)`.
pub fn secret_tweak_add(
    curve: Curve,
    secret: &[u8],
    tweak: &[u8],
) -> Result<[u8; SECRET_LEN], TweakError> {
    let secret = secret_array(curve, secret)?;
    let tweak = tweak_array(curve, tweak)?;
    match curve {
        Curve::Secp256r1 => weierstrass::secret_tweak_add::<p256::Scalar>(secret, tweak, false),
        Curve::Sm2 => weierstrass::secret_tweak_add::<sm2::Scalar>(secret, tweak, true),
        Curve::Secp256k1 => {
            let s = secp256k1::SecretKey::from_secret_bytes(*secret)
                .map_err(|_| TweakError::InvalidSecret)?;
            let t = k1_scalar(tweak).ok_or(TweakError::InvalidTweak)?;
            let sum = s.add_tweak(&t).map_err(|_| TweakError::UnusableSecret)?;
            Ok(sum.to_secret_bytes())
        }
    }
}

fn tweak_array(curve: Curve, tweak: &[u8]) -> Result<&[u8; 32], TweakError> {
    let t: &[u8; 32] = tweak.try_into().map_err(|_| TweakError::InvalidTweak)?;
    if t >= order(curve) {
        return Err(TweakError::InvalidTweak);
    }
    Ok(t)
}

fn secret_array(curve: Curve, secret: &[u8]) -> Result<&[u8; 32], TweakError> {
    let s: &[u8; 32] = secret.try_into().map_err(|_| TweakError::InvalidSecret)?;
    let n = order(curve);
    // SM2 signing inverts 1 + d, so d = n-1 is not a private key (GB/T 32918).
    let limit = if curve == Curve::Sm2 {
        reduce_one(n)
    } else {
        *n
    };
    if s == &[0u8; 32] || s >= &limit {
        return Err(TweakError::InvalidSecret);
    }
    Ok(s)
}

/// `n - 1` (n is odd, so only the last byte changes).
const fn reduce_one(n: &[u8; 32]) -> [u8; 32] {
    let mut out = *n;
    out[31] -= 1;
    out
}

fn k1_scalar(bytes: &[u8; 32]) -> Option<secp256k1::Scalar> {
    secp256k1::Scalar::from_be_bytes(*bytes).ok()
}

fn k1_key(key: &[u8]) -> Result<secp256k1::PublicKey, TweakError> {
    let key = compressed(key)?;
    secp256k1::PublicKey::from_byte_array_compressed(*key)
        .map_err(|_| TweakError::Key(Error::InvalidPoint))
}

/// Checks the length and the `02`/`03` prefix (the identity and uncompressed forms are refused).
fn compressed(key: &[u8]) -> Result<&[u8; KEY_LEN], TweakError> {
    let key: &[u8; KEY_LEN] = key
        .try_into()
        .map_err(|_| Error::InvalidKeyLength(key.len()))?;
    if key[0] != 2 && key[0] != 3 {
        return Err(Error::InvalidKeyPrefix(key[0]).into());
    }
    Ok(key)
}

/// P-256 and SM2 through the `group`/`ff` traits their crates share.
mod weierstrass {
    use super::*;

    fn point<P: GroupEncoding>(key: &[u8]) -> Result<P, TweakError> {
        let key = compressed(key)?;
        let mut repr = P::Repr::default();
        if repr.as_ref().len() != KEY_LEN {
            return Err(Error::InvalidKeyLength(KEY_LEN).into());
        }
        repr.as_mut().copy_from_slice(key);
        Option::from(P::from_bytes(&repr)).ok_or(TweakError::Key(Error::InvalidPoint))
    }

    fn encode<P: Group + GroupEncoding>(p: P) -> Result<[u8; KEY_LEN], TweakError> {
        if bool::from(p.is_identity()) {
            return Err(TweakError::Infinity);
        }
        p.to_bytes()
            .as_ref()
            .try_into()
            .map_err(|_| TweakError::Key(Error::InvalidPoint))
    }

    /// A scalar of a 32-byte big-endian value already checked to be below n.
    fn scalar<S: PrimeField>(bytes: &[u8; 32]) -> Result<S, TweakError> {
        let mut repr = S::Repr::default();
        if repr.as_ref().len() != 32 {
            return Err(TweakError::InvalidTweak);
        }
        repr.as_mut().copy_from_slice(bytes);
        Option::from(S::from_repr(repr)).ok_or(TweakError::InvalidTweak)
    }

    pub(super) fn tweak_add<P: Group + GroupEncoding>(
        key: &[u8],
        tweak: &[u8; 32],
    ) -> Result<[u8; KEY_LEN], TweakError> {
        let k: P = point(key)?;
        let t: P::Scalar = scalar(tweak)?;
        encode(k + P::mul_by_generator(&t))
    }

    pub(super) fn ecdh<P: Group + GroupEncoding>(
        secret: &[u8; 32],
        key: &[u8],
    ) -> Result<[u8; KEY_LEN], TweakError> {
        let s: P::Scalar = scalar(secret).map_err(|_| TweakError::InvalidSecret)?;
        let k: P = point(key)?;
        encode(k * s)
    }

    pub(super) fn secret_tweak_add<S: PrimeField>(
        secret: &[u8; 32],
        tweak: &[u8; 32],
        sm2_range: bool,
    ) -> Result<[u8; SECRET_LEN], TweakError> {
        let sum = scalar::<S>(secret).map_err(|_| TweakError::InvalidSecret)? + scalar::<S>(tweak)?;
        if bool::from(sum.is_zero()) || (sm2_range && sum == -S::ONE) {
            return Err(TweakError::UnusableSecret);
        }
        sum.to_repr()
            .as_ref()
            .try_into()
            .map_err(|_| TweakError::UnusableSecret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_key_from_secret;

    fn secret(label: &str) -> [u8; 32] {
        sha256(label.as_bytes())
    }

    fn pubkey(curve: Curve, s: &[u8; 32]) -> [u8; KEY_LEN] {
        public_key_from_secret(curve, s).unwrap()
    }

    #[test]
    fn tweak_add_matches_secret_tweak_add_on_every_curve() {
        for curve in Curve::ALL {
            for i in 0..8 {
                let s = secret(&format!("{curve}/s/{i}"));
                let t = reduce(secret(&format!("{curve}/t/{i}")), order(curve));
                let by_point = tweak_add(curve, &pubkey(curve, &s), &t).unwrap();
                let by_secret = secret_tweak_add(curve, &s, &t).unwrap();
                assert_eq!(by_point, pubkey(curve, &by_secret), "{curve} #{i}");
            }
        }
    }

    #[test]
    fn ecdh_is_symmetric_on_every_curve() {
        for curve in Curve::ALL {
            let a = secret(&format!("{curve}/a"));
            let b = secret(&format!("{curve}/b"));
            let ab = ecdh(curve, &a, &pubkey(curve, &b)).unwrap();
            let ba = ecdh(curve, &b, &pubkey(curve, &a)).unwrap();
            assert_eq!(ab, ba, "{curve}");
            assert_ne!(ab, pubkey(curve, &a));
        }
    }

    #[test]
    fn ecdh_matches_other_implementations() {
        use aws_lc_rs::agreement::{agree, PrivateKey, UnparsedPublicKey, ECDH_P256};
        for i in 0..4 {
            let a = secret(&format!("cross/a/{i}"));
            let b = secret(&format!("cross/b/{i}"));
            // P-256: AWS-LC's ECDH gives the shared X coordinate.
            let r1 = ecdh(Curve::Secp256r1, &a, &pubkey(Curve::Secp256r1, &b)).unwrap();
            let mine = PrivateKey::from_private_key(&ECDH_P256, &a).unwrap();
            let peer = UnparsedPublicKey::new(
                &ECDH_P256,
                crate::decompress_key(Curve::Secp256r1, &pubkey(Curve::Secp256r1, &b)).unwrap(),
            );
            let x = agree(&mine, peer, (), |x| Ok(x.to_vec())).unwrap();
            assert_eq!(&r1[1..], &x[..]);
            // secp256k1: libsecp256k1's ECDH module gives X ‖ Y.
            let k1 = ecdh(Curve::Secp256k1, &a, &pubkey(Curve::Secp256k1, &b)).unwrap();
            let point = secp256k1::ecdh::shared_secret_point(
                &secp256k1::PublicKey::from_byte_array_compressed(pubkey(Curve::Secp256k1, &b))
                    .unwrap(),
                &secp256k1::SecretKey::from_secret_bytes(a).unwrap(),
            );
            assert_eq!(&k1[1..], &point[..32]);
            assert_eq!(k1[0], 2 + (point[63] & 1));
        }
    }

    #[test]
    fn small_values_follow_the_group_law() {
        for curve in Curve::ALL {
            let one = {
                let mut x = [0u8; 32];
                x[31] = 1;
                x
            };
            let two = {
                let mut x = [0u8; 32];
                x[31] = 2;
                x
            };
            let g = pubkey(curve, &one);
            // G + 1·G = 2G, 2·G = 2G, 1 + 1 = 2, tweak 0 leaves the key as it is.
            assert_eq!(tweak_add(curve, &g, &one).unwrap(), pubkey(curve, &two));
            assert_eq!(ecdh(curve, &two, &g).unwrap(), pubkey(curve, &two));
            assert_eq!(secret_tweak_add(curve, &one, &one).unwrap(), two);
            assert_eq!(tweak_add(curve, &g, &[0u8; 32]).unwrap(), g);
        }
    }

    #[test]
    fn results_at_infinity_or_zero_are_refused() {
        for curve in Curve::ALL {
            let s = secret(&format!("{curve}/edge"));
            let n = order(curve);
            // t = n - s: s + t = 0 mod n and K + t·G = infinity.
            let t = reduce(sub(n, &s), n);
            assert_eq!(
                secret_tweak_add(curve, &s, &t),
                Err(TweakError::UnusableSecret)
            );
            assert_eq!(
                tweak_add(curve, &pubkey(curve, &s), &t),
                Err(TweakError::Infinity)
            );
        }
        // SM2: s + t = n - 1 is not a signing key.
        let s = secret("sm2/edge");
        let t = sub(&reduce_one(&ORDER_SM2), &s);
        assert_eq!(
            secret_tweak_add(Curve::Sm2, &s, &t),
            Err(TweakError::UnusableSecret)
        );
    }

    #[test]
    fn bad_inputs_are_refused() {
        for curve in Curve::ALL {
            let s = secret(&format!("{curve}/bad"));
            let k = pubkey(curve, &s);
            let n = *order(curve);
            let bad_tweaks: [&[u8]; 4] = [&n, &[0xff; 32], &[1u8; 31], &[1u8; 33]];
            for t in bad_tweaks {
                assert_eq!(tweak_add(curve, &k, t), Err(TweakError::InvalidTweak));
                assert_eq!(
                    secret_tweak_add(curve, &s, t),
                    Err(TweakError::InvalidTweak)
                );
            }
            let bad_secrets: [&[u8]; 4] = [&[0u8; 32], &n, &[0xff; 32], &[1u8; 31]];
            for bad in bad_secrets {
                assert_eq!(ecdh(curve, bad, &k), Err(TweakError::InvalidSecret));
                assert_eq!(
                    secret_tweak_add(curve, bad, &s),
                    Err(TweakError::InvalidSecret)
                );
            }
            let mut uncompressed = [4u8; 33];
            uncompressed[1..].copy_from_slice(&k[1..]);
            let mut off_curve = k;
            let mut found_off_curve = false;
            for x in 0u8..=255 {
                off_curve[32] = x;
                if crate::validate_key(curve, &off_curve).is_err() {
                    found_off_curve = true;
                    break;
                }
            }
            assert!(found_off_curve);
            let bad_keys: [(&[u8], TweakError); 5] = [
                (&k[..32], Error::InvalidKeyLength(32).into()),
                (&[0u8; 33], Error::InvalidKeyPrefix(0).into()),
                (&uncompressed, Error::InvalidKeyPrefix(4).into()),
                (&[2u8; 34], Error::InvalidKeyLength(34).into()),
                (&off_curve, Error::InvalidPoint.into()),
            ];
            for (key, err) in bad_keys {
                assert_eq!(tweak_add(curve, key, &s), Err(err), "{curve} {key:02x?}");
                assert_eq!(ecdh(curve, &s, key), Err(err), "{curve} {key:02x?}");
            }
        }
        let sm2_n_minus_1 = reduce_one(&ORDER_SM2);
        assert_eq!(
            ecdh(
                Curve::Sm2,
                &sm2_n_minus_1,
                &pubkey(Curve::Sm2, &secret("x"))
            ),
            Err(TweakError::InvalidSecret)
        );
    }

    #[test]
    fn shared_tweak_hashes_and_reduces() {
        for curve in Curve::ALL {
            let point = pubkey(curve, &secret(&format!("{curve}/shared")));
            let c = shared_tweak(curve, &point).unwrap();
            assert_eq!(c, reduce(sha256(&point), order(curve)));
            assert!(&c < order(curve));
            assert_eq!(
                shared_tweak(curve, &point[..32]),
                Err(TweakError::Key(Error::InvalidKeyLength(32)))
            );
        }
        // Values at or above n wrap once.
        let n = ORDER_R1;
        let mut n_plus_5 = n;
        n_plus_5[31] += 5;
        let mut five = [0u8; 32];
        five[31] = 5;
        assert_eq!(reduce(n_plus_5, &n), five);
        assert_eq!(reduce(n, &n), [0u8; 32]);
        assert_eq!(reduce([0xff; 32], &n), sub(&[0xff; 32], &n));
    }

    #[test]
    fn orders_match_the_backends() {
        assert_eq!(ORDER_K1, secp256k1::constants::CURVE_ORDER);
        assert_eq!(
            (-p256::Scalar::ONE).to_repr().as_slice(),
            reduce_one(&ORDER_R1)
        );
        assert_eq!(
            (-sm2::Scalar::ONE).to_repr().as_slice(),
            reduce_one(&ORDER_SM2)
        );
    }

    /// Big-endian `a - b` for `a ≥ b`.
    fn sub(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
            borrow = i16::from(d < 0);
            if d < 0 {
                d += 256;
            }
            out[i] = d as u8;
        }
        out
    }
}
