//! The three supported curves.
use core::fmt;
use core::str::FromStr;

use crate::Error;

/// A signature curve. `#[repr(u8)]` values are the packed-batch codes (0 r1, 1 k1, 2 SM2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Curve {
    /// NIST P-256 (secp256r1), ECDSA with SHA-256. The default curve; untagged 33-byte keys.
    #[default]
    Secp256r1 = 0,
    /// secp256k1, ECDSA with SHA-256. Tagged keys with tag `01`.
    Secp256k1 = 1,
    /// SM2 (GB/T 32918) with SM3 and the default user id. Tagged keys with tag `02`.
    Sm2 = 2,
}

impl Curve {
    /// All curves, in code order.
    pub const ALL: [Curve; 3] = [Curve::Secp256r1, Curve::Secp256k1, Curve::Sm2];

    /// The curve of a packed-batch code (0, 1, 2).
    pub const fn from_code(code: u8) -> Option<Curve> {
        match code {
            0 => Some(Curve::Secp256r1),
            1 => Some(Curve::Secp256k1),
            2 => Some(Curve::Sm2),
            _ => None,
        }
    }

    /// The packed-batch code (0, 1, 2).
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The curve of a tagged key's tag byte (`01` secp256k1, `02` SM2). P-256 keys are untagged.
    pub const fn from_tag(tag: u8) -> Option<Curve> {
        match tag {
            1 => Some(Curve::Secp256k1),
            2 => Some(Curve::Sm2),
            _ => None,
        }
    }

    /// The tag byte of this curve in a 34-byte tagged key; `None` for P-256 (untagged).
    pub const fn tag(self) -> Option<u8> {
        match self {
            Curve::Secp256r1 => None,
            Curve::Secp256k1 => Some(1),
            Curve::Sm2 => Some(2),
        }
    }

    /// The lower-case name: `secp256r1`, `secp256k1` or `sm2`.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::Secp256r1 => "secp256r1",
            Curve::Secp256k1 => "secp256k1",
            Curve::Sm2 => "sm2",
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Curve {
    type Err = Error;

    /// Accepts `secp256r1` (also `p256`, `p-256`), `secp256k1` (also `k1`), `sm2`; any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "secp256r1" | "p256" | "p-256" | "r1" => Ok(Curve::Secp256r1),
            "secp256k1" | "k1" => Ok(Curve::Secp256k1),
            "sm2" => Ok(Curve::Sm2),
            _ => Err(Error::UnknownCurve),
        }
    }
}
