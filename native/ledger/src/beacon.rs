//! The random beacon (SPEC §7.7): Feldman verifiable secret sharing over P-256, and the ledger's
//! checks of the evidence a version-1 MinerTransaction carries.
//!
//! Each bookkeeper deals a degree-f polynomial `p(x) = a_0 + a_1·x + … + a_f·x^f` whose constant
//! term `a_0` is its secret; it publishes the commitments `a_i·G` and gives bookkeeper `j` the share
//! `p(j + 1)` (x = 0 is the secret itself). Any f+1 shares rebuild the secret by Lagrange
//! interpolation at 0. The block after the one that fixed the dealings reveals the secrets; anyone
//! checks each against its dealing's first commitment, and
//! `R = SHA-256(secrets in dealer-index order)`.
//!
//! Scalars travel as 32 bytes, big-endian (the P-256 private-key encoding); points as 33-byte
//! compressed SEC1 (`02`/`03` + X).
use std::fmt;

use antshares_core::beacon::{Dealing, RevealedSecret};
use antshares_core::limits::{MAX_BEACON_COMMITMENTS, MAX_BEACON_DEALINGS};
use p256::elliptic_curve::ff::{Field, PrimeField};
use p256::elliptic_curve::group::{Group, GroupEncoding};
use p256::{CompressedPoint, FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};

use crate::rule::Violation;

/// Bad input to the secret-sharing math.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BeaconError {
    /// A 32-byte value (secret, coefficient or share; `what` names it) is not below the group
    /// order.
    ScalarOutOfRange { what: &'static str, index: usize },
    /// A secret or coefficient is zero: its commitment would be the point at infinity, which has
    /// no compressed encoding.
    ZeroScalar { what: &'static str, index: usize },
    /// No coefficients, or no shares.
    Empty { what: &'static str },
    /// More items than a dealing can carry (`max`).
    TooMany {
        what: &'static str,
        count: usize,
        max: usize,
    },
    /// x = 0 is where the secret sits; shares are evaluated at x ≥ 1.
    ZeroX,
    /// Two shares at the same x.
    DuplicateX(u16),
}

impl fmt::Display for BeaconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BeaconError::ScalarOutOfRange { what, index } => {
                write!(f, "{what} {index} is not below the P-256 group order")
            }
            BeaconError::ZeroScalar { what, index } => write!(f, "{what} {index} is zero"),
            BeaconError::Empty { what } => write!(f, "no {what} given"),
            BeaconError::TooMany { what, count, max } => {
                write!(f, "{count} {what} exceed the maximum {max}")
            }
            BeaconError::ZeroX => write!(f, "share index x must be at least 1"),
            BeaconError::DuplicateX(x) => write!(f, "two shares at x = {x}"),
        }
    }
}

impl std::error::Error for BeaconError {}

/// Most shares `recover_secret` takes: one per bookkeeper.
pub const MAX_SHARES: usize = MAX_BEACON_DEALINGS;

/// A scalar in `0..n`.
fn scalar(bytes: &[u8; 32], what: &'static str, index: usize) -> Result<Scalar, BeaconError> {
    Option::from(Scalar::from_repr(FieldBytes::from(*bytes)))
        .ok_or(BeaconError::ScalarOutOfRange { what, index })
}

/// A scalar in `1..n`.
fn nonzero_scalar(
    bytes: &[u8; 32],
    what: &'static str,
    index: usize,
) -> Result<Scalar, BeaconError> {
    let s = scalar(bytes, what, index)?;
    if bool::from(s.is_zero()) {
        return Err(BeaconError::ZeroScalar { what, index });
    }
    Ok(s)
}

/// Compressed encoding of a point other than the identity (callers guarantee that).
fn compress(p: &ProjectivePoint) -> [u8; 33] {
    let mut out = [0u8; 33];
    out.copy_from_slice(p.to_bytes().as_slice());
    out
}

/// A `02`/`03` point on the curve; `None` otherwise (including the all-zero identity form).
fn point(bytes: &[u8; 33]) -> Option<ProjectivePoint> {
    if !matches!(bytes[0], 0x02 | 0x03) {
        return None;
    }
    Option::from(ProjectivePoint::from_bytes(&CompressedPoint::from(*bytes)))
}

/// `s·G`, compressed: the commitment to a secret (and the first commitment of its dealing).
pub fn commitment(secret: &[u8; 32]) -> Result<[u8; 33], BeaconError> {
    let s = nonzero_scalar(secret, "secret", 0)?;
    Ok(compress(&ProjectivePoint::mul_by_generator(&s)))
}

/// The polynomial's coefficients `a_0 … a_f` (each in `1..n`, at most
/// [`MAX_BEACON_COMMITMENTS`]).
fn coefficient_scalars(coefficients: &[[u8; 32]]) -> Result<Vec<Scalar>, BeaconError> {
    if coefficients.is_empty() {
        return Err(BeaconError::Empty {
            what: "coefficients",
        });
    }
    if coefficients.len() > MAX_BEACON_COMMITMENTS {
        return Err(BeaconError::TooMany {
            what: "coefficients",
            count: coefficients.len(),
            max: MAX_BEACON_COMMITMENTS,
        });
    }
    coefficients
        .iter()
        .enumerate()
        .map(|(i, c)| nonzero_scalar(c, "coefficient", i))
        .collect()
}

/// The Feldman commitments `a_i·G` of the polynomial with `coefficients` (`a_0` = the secret).
/// Every coefficient must be in `1..n` so that every commitment has a compressed encoding.
pub fn deal(coefficients: &[[u8; 32]]) -> Result<Vec<[u8; 33]>, BeaconError> {
    Ok(coefficient_scalars(coefficients)?
        .iter()
        .map(|a| compress(&ProjectivePoint::mul_by_generator(a)))
        .collect())
}

/// The share for the bookkeeper at `x` (its index + 1): the polynomial evaluated at `x ≥ 1`.
pub fn share(coefficients: &[[u8; 32]], x: u16) -> Result<[u8; 32], BeaconError> {
    if x == 0 {
        return Err(BeaconError::ZeroX);
    }
    let a = coefficient_scalars(coefficients)?;
    let x = Scalar::from(u64::from(x));
    // Horner: ((a_f·x + a_{f−1})·x + …)·x + a_0.
    let value = a.iter().rev().fold(Scalar::ZERO, |acc, c| acc * x + c);
    Ok(value.to_repr().into())
}

/// Whether `share` is the value at `x` of the polynomial committed to by `commitments`:
/// `share·G == Σ C_i·x^i`. False for any malformed input (bad point, share ≥ n, x = 0, no
/// commitments), never an error: a share that cannot be checked does not verify.
pub fn verify_share(commitments: &[[u8; 33]], x: u16, share: &[u8; 32]) -> bool {
    if x == 0 || commitments.is_empty() || commitments.len() > MAX_BEACON_COMMITMENTS {
        return false;
    }
    let Ok(s) = scalar(share, "share", 0) else {
        return false;
    };
    let x = Scalar::from(u64::from(x));
    let mut acc = ProjectivePoint::identity();
    for c in commitments.iter().rev() {
        let Some(p) = point(c) else {
            return false;
        };
        acc = acc * x + p;
    }
    acc == ProjectivePoint::mul_by_generator(&s)
}

/// The secret (the polynomial at 0) from shares `(x, p(x))` by Lagrange interpolation. Any f+1
/// correct shares of a degree-f polynomial give its secret; fewer, or wrong ones, give some other
/// value — check the result with [`commitment`].
pub fn recover_secret(shares: &[(u16, [u8; 32])]) -> Result<[u8; 32], BeaconError> {
    if shares.is_empty() {
        return Err(BeaconError::Empty { what: "shares" });
    }
    if shares.len() > MAX_SHARES {
        return Err(BeaconError::TooMany {
            what: "shares",
            count: shares.len(),
            max: MAX_SHARES,
        });
    }
    let mut xs: Vec<u16> = shares.iter().map(|(x, _)| *x).collect();
    xs.sort_unstable();
    if xs[0] == 0 {
        return Err(BeaconError::ZeroX);
    }
    if let Some(w) = xs.windows(2).find(|w| w[0] == w[1]) {
        return Err(BeaconError::DuplicateX(w[0]));
    }
    let mut secret = Scalar::ZERO;
    for (j, (xj, yj)) in shares.iter().enumerate() {
        let y = scalar(yj, "share", j)?;
        let xj = Scalar::from(u64::from(*xj));
        // λ_j(0) = Π_{m≠j} x_m / (x_m − x_j); the x are distinct and nonzero, so it is defined.
        let mut num = Scalar::ONE;
        let mut den = Scalar::ONE;
        for (m, (xm, _)) in shares.iter().enumerate() {
            if m != j {
                let xm = Scalar::from(u64::from(*xm));
                num *= xm;
                den *= xm - xj;
            }
        }
        // Cannot fail: the differences of distinct u16 values are nonzero mod n.
        let inv: Option<Scalar> = den.invert().into();
        let inv = inv.ok_or(BeaconError::DuplicateX(shares[j].0))?;
        secret += y * num * inv;
    }
    Ok(secret.to_repr().into())
}

/// The beacon value of a block: SHA-256 of its dealings' secrets, concatenated in dealer-index
/// order.
pub fn random_value(secrets: &[[u8; 32]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for s in secrets {
        h.update(s);
    }
    h.finalize().into()
}

/// The header Nonce of the block that carries `r`: its low 64 bits, little-endian.
pub fn header_nonce(r: &[u8; 32]) -> u64 {
    let mut low = [0u8; 8];
    low.copy_from_slice(&r[..8]);
    u64::from_le_bytes(low)
}

/// f = ⌊(N−1)/3⌋ for N ≥ 1 bookkeepers.
fn fault_bound(bookkeepers: usize) -> usize {
    (bookkeepers - 1) / 3
}

/// The dealings a block fixes (SPEC §7.3, §7.7), given the number N of its bookkeepers: at least
/// f+1 of them, dealer indexes strictly ascending and below N, each with exactly f+1 commitments
/// that are all points of the curve.
pub fn check_dealings(dealings: &[Dealing], bookkeepers: usize) -> Result<(), Violation> {
    const RULE: &str = "beacon-dealings";
    if bookkeepers == 0 || bookkeepers > MAX_BEACON_DEALINGS {
        return Err(Violation::new(
            RULE,
            format!("{bookkeepers} bookkeepers is outside 1..={MAX_BEACON_DEALINGS}"),
        ));
    }
    let threshold = fault_bound(bookkeepers) + 1;
    if dealings.len() < threshold {
        return Err(Violation::new(
            RULE,
            format!(
                "{} dealings, at least f+1 = {threshold} needed with {bookkeepers} bookkeepers",
                dealings.len()
            ),
        ));
    }
    let mut previous: Option<u16> = None;
    for (i, d) in dealings.iter().enumerate() {
        if usize::from(d.dealer) >= bookkeepers {
            return Err(Violation::new(
                RULE,
                format!(
                    "dealing {i}: dealer {} is not below the {bookkeepers} bookkeepers",
                    d.dealer
                ),
            ));
        }
        if previous.is_some_and(|p| d.dealer <= p) {
            return Err(Violation::new(
                RULE,
                format!(
                    "dealing {i}: dealer {} does not follow dealer {} in ascending order",
                    d.dealer,
                    previous.unwrap_or_default()
                ),
            ));
        }
        previous = Some(d.dealer);
        if d.commitments.len() != threshold {
            return Err(Violation::new(
                RULE,
                format!(
                    "dealer {}: {} commitments, exactly f+1 = {threshold} needed",
                    d.dealer,
                    d.commitments.len()
                ),
            ));
        }
        if let Some(k) = d.commitments.iter().position(|c| point(c).is_none()) {
            return Err(Violation::new(
                RULE,
                format!("dealer {}: commitment {k} is not a P-256 point", d.dealer),
            ));
        }
    }
    Ok(())
}

/// The secrets a block reveals for the dealings `fixed` in the previous block (which passed
/// [`check_dealings`]): each dealing revealed exactly once, in ascending dealer order, each secret
/// `s` with `s·G` equal to its dealing's first commitment. Returns R, the previous block's beacon
/// value ([`random_value`] of the secrets).
pub fn check_reveal(fixed: &[Dealing], revealed: &[RevealedSecret]) -> Result<[u8; 32], Violation> {
    if let Some(w) = fixed.windows(2).find(|w| w[1].dealer <= w[0].dealer) {
        return Err(Violation::new(
            "beacon-dealings",
            format!(
                "fixed dealings out of order: dealer {} after dealer {}",
                w[1].dealer, w[0].dealer
            ),
        ));
    }
    for w in revealed.windows(2) {
        if w[1].dealer == w[0].dealer {
            return Err(Violation::new(
                "beacon-reveal-extra",
                format!("dealer {} revealed twice", w[0].dealer),
            ));
        }
        if w[1].dealer < w[0].dealer {
            return Err(Violation::new(
                "beacon-reveal-order",
                format!(
                    "secret of dealer {} follows dealer {}; ascending order required",
                    w[1].dealer, w[0].dealer
                ),
            ));
        }
    }
    // Both lists ascend: walk them together.
    let missing = |d: &Dealing| {
        Violation::new(
            "beacon-reveal-missing",
            format!("the secret of dealer {} is not revealed", d.dealer),
        )
    };
    let extra = |r: &RevealedSecret| {
        Violation::new(
            "beacon-reveal-extra",
            format!(
                "dealer {} has no dealing fixed in the previous block",
                r.dealer
            ),
        )
    };
    let mut secrets = Vec::with_capacity(fixed.len());
    let (mut i, mut j) = (0, 0);
    loop {
        match (fixed.get(i), revealed.get(j)) {
            (None, None) => break,
            (Some(d), None) => return Err(missing(d)),
            (None, Some(r)) => return Err(extra(r)),
            (Some(d), Some(r)) if d.dealer < r.dealer => return Err(missing(d)),
            (Some(d), Some(r)) if r.dealer < d.dealer => return Err(extra(r)),
            (Some(d), Some(r)) => {
                let matches = match commitment(&r.secret) {
                    Ok(c) => d.commitments.first() == Some(&c),
                    Err(e) => {
                        return Err(Violation::new(
                            "beacon-secret-mismatch",
                            format!("the secret of dealer {} is invalid: {e}", d.dealer),
                        ))
                    }
                };
                if !matches {
                    return Err(Violation::new(
                        "beacon-secret-mismatch",
                        format!(
                            "the secret of dealer {} does not match its first commitment",
                            d.dealer
                        ),
                    ));
                }
                secrets.push(r.secret);
                i += 1;
                j += 1;
            }
        }
    }
    Ok(random_value(&secrets))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic test scalars (SHA-256 of a label: far below n with overwhelming likelihood,
    /// and checked).
    fn scalar_bytes(label: &str, i: usize) -> [u8; 32] {
        let b: [u8; 32] = Sha256::digest(format!("{label}/{i}")).into();
        assert!(scalar(&b, "test", i).is_ok());
        b
    }

    fn poly(label: &str, degree: usize) -> Vec<[u8; 32]> {
        (0..=degree).map(|i| scalar_bytes(label, i)).collect()
    }

    /// The order n, big-endian.
    const ORDER: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];

    fn one() -> [u8; 32] {
        let mut b = [0u8; 32];
        b[31] = 1;
        b
    }

    #[test]
    fn commitment_of_one_is_the_generator() {
        let g = commitment(&one()).unwrap();
        // The standard P-256 generator's X coordinate; Y is odd.
        let gx = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
        let hex: String = g[1..].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, gx);
        assert_eq!(g[0], 0x03);
    }

    #[test]
    fn commitment_rejects_zero_and_order() {
        assert_eq!(
            commitment(&[0; 32]),
            Err(BeaconError::ZeroScalar {
                what: "secret",
                index: 0
            })
        );
        assert!(matches!(
            commitment(&ORDER),
            Err(BeaconError::ScalarOutOfRange { .. })
        ));
        let mut below = ORDER;
        below[31] -= 1;
        // n − 1 is −1: its commitment is −G, G with the other Y parity.
        let minus_g = commitment(&below).unwrap();
        let g = commitment(&one()).unwrap();
        assert_eq!(minus_g[1..], g[1..]);
        assert_ne!(minus_g[0], g[0]);
    }

    #[test]
    fn deal_commits_to_each_coefficient() {
        let a = poly("deal", 3);
        let c = deal(&a).unwrap();
        assert_eq!(c.len(), 4);
        for (ai, ci) in a.iter().zip(&c) {
            assert_eq!(commitment(ai).unwrap(), *ci);
        }
        assert!(matches!(deal(&[]), Err(BeaconError::Empty { .. })));
        let mut bad = a.clone();
        bad[2] = [0; 32];
        assert_eq!(
            deal(&bad),
            Err(BeaconError::ZeroScalar {
                what: "coefficient",
                index: 2
            })
        );
        let too_many = vec![one(); MAX_BEACON_COMMITMENTS + 1];
        assert!(matches!(deal(&too_many), Err(BeaconError::TooMany { .. })));
    }

    #[test]
    fn share_of_a_constant_is_the_constant() {
        let s = scalar_bytes("constant", 0);
        for x in [1, 2, 1000, u16::MAX] {
            assert_eq!(share(&[s], x).unwrap(), s);
        }
        assert_eq!(share(&[s], 0), Err(BeaconError::ZeroX));
    }

    #[test]
    fn share_of_a_line_is_exact() {
        // p(x) = 5 + 7x: p(3) = 26.
        let mut five = [0u8; 32];
        five[31] = 5;
        let mut seven = [0u8; 32];
        seven[31] = 7;
        let got = share(&[five, seven], 3).unwrap();
        let mut want = [0u8; 32];
        want[31] = 26;
        assert_eq!(got, want);
    }

    #[test]
    fn shares_verify_against_their_commitments_only() {
        let a = poly("verify", 4);
        let c = deal(&a).unwrap();
        for x in 1..=10u16 {
            let s = share(&a, x).unwrap();
            assert!(verify_share(&c, x, &s), "x = {x}");
            assert!(!verify_share(&c, x + 1, &s), "share {x} verified at x+1");
            let mut flipped = s;
            flipped[31] ^= 1;
            assert!(!verify_share(&c, x, &flipped));
        }
        let s1 = share(&a, 1).unwrap();
        assert!(!verify_share(&c, 0, &s1));
        assert!(!verify_share(&[], 1, &s1));
        assert!(!verify_share(&c, 1, &ORDER));
        // Another polynomial's commitments.
        let other = deal(&poly("other", 4)).unwrap();
        assert!(!verify_share(&other, 1, &s1));
        // A commitment off the curve or with a bad prefix.
        let mut broken = c.clone();
        broken[1][0] = 0x04;
        assert!(!verify_share(&broken, 1, &s1));
        let mut identity = c.clone();
        identity[1] = [0; 33];
        assert!(!verify_share(&identity, 1, &s1));
    }

    /// Every K-subset of N shares (taken in a scrambled order) recovers the secret; K−1 do not.
    #[test]
    fn lagrange_recovers_from_any_k_of_n() {
        for n in [1usize, 4, 7] {
            let f = (n - 1) / 3;
            let k = f + 1;
            let a = poly(&format!("lagrange{n}"), f);
            let shares: Vec<(u16, [u8; 32])> =
                (1..=n as u16).map(|x| (x, share(&a, x).unwrap())).collect();
            for mask in 0u32..(1 << n) {
                let mut chosen: Vec<_> = (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| shares[i])
                    .collect();
                chosen.reverse();
                let got = recover_secret(&chosen);
                match chosen.len() {
                    0 => assert!(got.is_err()),
                    c if c >= k => assert_eq!(got.unwrap(), a[0], "n={n} mask={mask:b}"),
                    _ => assert_ne!(got.unwrap(), a[0], "n={n} mask={mask:b}"),
                }
            }
        }
    }

    #[test]
    fn lagrange_with_large_x_and_a_wrong_share() {
        let a = poly("large", 5);
        let xs = [1u16, 99, 400, 1023, 1024, 65535];
        let mut shares: Vec<_> = xs.iter().map(|&x| (x, share(&a, x).unwrap())).collect();
        assert_eq!(recover_secret(&shares).unwrap(), a[0]);
        shares[3].1[20] ^= 0x10;
        assert_ne!(recover_secret(&shares).unwrap(), a[0]);
    }

    #[test]
    fn recover_rejects_bad_shares() {
        let s = scalar_bytes("bad", 0);
        assert_eq!(recover_secret(&[(0, s)]), Err(BeaconError::ZeroX));
        assert_eq!(
            recover_secret(&[(2, s), (5, s), (2, s)]),
            Err(BeaconError::DuplicateX(2))
        );
        assert!(matches!(
            recover_secret(&[(1, s), (2, ORDER)]),
            Err(BeaconError::ScalarOutOfRange { index: 1, .. })
        ));
        let many: Vec<_> = (1..=MAX_SHARES as u16 + 1).map(|x| (x, s)).collect();
        assert!(matches!(
            recover_secret(&many),
            Err(BeaconError::TooMany { .. })
        ));
    }

    #[test]
    fn header_nonce_is_the_low_bits_little_endian() {
        let mut r = [0xeeu8; 32];
        r[..8].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(header_nonce(&r), 0x0807_0605_0403_0201);
    }

    #[test]
    fn random_value_hashes_the_concatenation() {
        let a = scalar_bytes("r", 0);
        let b = scalar_bytes("r", 1);
        let mut cat = a.to_vec();
        cat.extend_from_slice(&b);
        let want: [u8; 32] = Sha256::digest(&cat).into();
        assert_eq!(random_value(&[a, b]), want);
        assert_ne!(random_value(&[b, a]), want);
    }

    /// N = 7 bookkeepers (f = 2): dealings of the given dealers, with their secrets.
    fn dealings(dealers: &[u16]) -> (Vec<Dealing>, Vec<RevealedSecret>) {
        let mut ds = Vec::new();
        let mut rs = Vec::new();
        for &d in dealers {
            let a = poly(&format!("dealer{d}"), 2);
            ds.push(Dealing {
                dealer: d,
                commitments: deal(&a).unwrap(),
            });
            rs.push(RevealedSecret {
                dealer: d,
                secret: a[0],
            });
        }
        (ds, rs)
    }

    #[test]
    fn check_dealings_accepts_f_plus_1_and_more() {
        let (ds, _) = dealings(&[0, 3, 6]);
        assert_eq!(check_dealings(&ds, 7), Ok(()));
        let (ds, _) = dealings(&[0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(check_dealings(&ds, 7), Ok(()));
    }

    #[test]
    fn check_dealings_rejects_each_fault() {
        let bad = |ds: &[Dealing], n: usize| {
            let v = check_dealings(ds, n).unwrap_err();
            assert_eq!(v.rule, "beacon-dealings");
            v.detail
        };
        let (ds, _) = dealings(&[0, 3, 6]);
        assert!(bad(&ds[..2], 7).contains("at least f+1 = 3"));
        let (beyond, _) = dealings(&[0, 3, 7]);
        assert!(bad(&beyond, 7).contains("dealer 7 is not below the 7"));
        assert!(bad(&ds, 0).contains("outside"));
        let mut swapped = ds.clone();
        swapped.swap(0, 1);
        assert!(bad(&swapped, 7).contains("ascending"));
        let mut twice = ds.clone();
        twice[1].dealer = 0;
        assert!(bad(&twice, 7).contains("ascending"));
        let mut short = ds.clone();
        short[2].commitments.pop();
        assert!(bad(&short, 7).contains("exactly f+1 = 3"));
        // 4 bookkeepers: f = 1, so these 3-commitment dealings are too long.
        assert!(bad(&ds[..2], 4).contains("exactly f+1 = 2"));
        let mut off_curve = ds.clone();
        off_curve[1].commitments[2] = no_point();
        assert!(bad(&off_curve, 7).contains("commitment 2 is not a P-256 point"));
    }

    /// A compressed encoding whose X has no point on the curve.
    fn no_point() -> [u8; 33] {
        (0u8..=255)
            .map(|x| {
                let mut p = [0u8; 33];
                p[0] = 0x02;
                p[32] = x;
                p
            })
            .find(|p| point(p).is_none())
            .unwrap()
    }

    #[test]
    fn check_reveal_returns_the_hash_of_the_secrets() {
        let (ds, rs) = dealings(&[1, 2, 5]);
        let r = check_reveal(&ds, &rs).unwrap();
        let secrets: Vec<_> = rs.iter().map(|s| s.secret).collect();
        assert_eq!(r, random_value(&secrets));
        assert_eq!(check_reveal(&[], &[]).unwrap(), random_value(&[]));
    }

    #[test]
    fn check_reveal_rejects_each_fault() {
        let (ds, rs) = dealings(&[1, 2, 5]);
        let rule = |fixed: &[Dealing], revealed: &[RevealedSecret]| {
            check_reveal(fixed, revealed).unwrap_err().rule
        };
        // A missing secret: first, middle, last.
        for i in 0..3 {
            let mut fewer = rs.clone();
            fewer.remove(i);
            assert_eq!(rule(&ds, &fewer), "beacon-reveal-missing", "removed {i}");
        }
        // A secret for a dealing that was not fixed, before, between and after.
        let (_, others) = dealings(&[0, 3, 6]);
        for o in others {
            let mut more = rs.clone();
            more.push(o);
            more.sort_by_key(|s| s.dealer);
            assert_eq!(
                rule(&ds, &more),
                "beacon-reveal-extra",
                "dealer {}",
                o.dealer
            );
        }
        // The same secret twice.
        let mut twice = rs.clone();
        twice.insert(1, rs[1]);
        assert_eq!(rule(&ds, &twice), "beacon-reveal-extra");
        // Out of order.
        let mut swapped = rs.clone();
        swapped.swap(1, 2);
        assert_eq!(rule(&ds, &swapped), "beacon-reveal-order");
        // A wrong secret, a zero secret, a secret ≥ n.
        for secret in [scalar_bytes("wrong", 0), [0; 32], ORDER] {
            let mut wrong = rs.clone();
            wrong[2].secret = secret;
            assert_eq!(rule(&ds, &wrong), "beacon-secret-mismatch");
        }
        // Secrets swapped between dealers.
        let mut crossed = rs.clone();
        crossed[0].secret = rs[1].secret;
        crossed[1].secret = rs[0].secret;
        assert_eq!(rule(&ds, &crossed), "beacon-secret-mismatch");
        // Nothing revealed at all.
        assert_eq!(rule(&ds, &[]), "beacon-reveal-missing");
        assert_eq!(rule(&[], &rs), "beacon-reveal-extra");
    }

    #[test]
    fn dealt_secrets_rebuilt_from_shares_pass_the_reveal_check() {
        // The whole flow for N = 4 (f = 1, K = 2): deal, share, verify, rebuild, check.
        let n = 4u16;
        let mut fixed = Vec::new();
        let mut revealed = Vec::new();
        for dealer in 0..n {
            let a = poly(&format!("flow{dealer}"), 1);
            let c = deal(&a).unwrap();
            let shares: Vec<_> = (1..=n).map(|x| (x, share(&a, x).unwrap())).collect();
            assert!(shares.iter().all(|(x, s)| verify_share(&c, *x, s)));
            let secret = recover_secret(&shares[2..]).unwrap();
            fixed.push(Dealing {
                dealer,
                commitments: c,
            });
            revealed.push(RevealedSecret { dealer, secret });
        }
        assert_eq!(check_dealings(&fixed, n as usize), Ok(()));
        let r = check_reveal(&fixed, &revealed).unwrap();
        assert_eq!(
            header_nonce(&r),
            u64::from_le_bytes(r[..8].try_into().unwrap())
        );
    }
}
