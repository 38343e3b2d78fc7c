//! The crate's error type.
use core::fmt;

/// Why a key, secret or curve was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The curve name or code is not one of secp256r1, secp256k1, sm2.
    UnknownCurve,
    /// A public key whose length is not 33 (or 34 for a tagged key).
    InvalidKeyLength(usize),
    /// A compressed key whose first byte is not `02` or `03`.
    InvalidKeyPrefix(u8),
    /// A 34-byte key whose tag byte is not `01` (secp256k1) or `02` (SM2).
    InvalidKeyTag(u8),
    /// The X coordinate is not that of a point on the curve.
    InvalidPoint,
    /// A secret key that is not 32 bytes in `[1, n-1]` (SM2: `[1, n-2]`).
    InvalidSecret,
    /// The backend refused to sign (not expected with a valid secret).
    SigningFailed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownCurve => {
                f.write_str("unknown curve (expected secp256r1, secp256k1 or sm2)")
            }
            Error::InvalidKeyLength(n) => {
                write!(
                    f,
                    "invalid public key length {n} (expected 33, or 34 when tagged)"
                )
            }
            Error::InvalidKeyPrefix(b) => {
                write!(
                    f,
                    "invalid public key prefix 0x{b:02x} (expected 0x02 or 0x03)"
                )
            }
            Error::InvalidKeyTag(b) => {
                write!(
                    f,
                    "invalid key curve tag 0x{b:02x} (expected 0x01 secp256k1 or 0x02 sm2)"
                )
            }
            Error::InvalidPoint => f.write_str("public key is not a point on the curve"),
            Error::InvalidSecret => {
                f.write_str("invalid secret key (must be 32 bytes in [1, n-1])")
            }
            Error::SigningFailed => f.write_str("signing failed"),
        }
    }
}

impl std::error::Error for Error {}
