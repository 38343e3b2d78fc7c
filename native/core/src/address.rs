//! Addresses (Base58Check(version ‖ script hash)) and WIF private keys.
use crate::base58::{check_decode, check_encode, Base58Error};
use crate::uint::UInt160;
use std::fmt;

/// Default address version (`A…`): P-256 / mixed scripts.
pub const ADDRESS_VERSION: u8 = 0x17;
/// Address version when every key of the script is secp256k1 (`3…`).
pub const ADDRESS_VERSION_SECP256K1: u8 = 0x05;
/// Address version when every key of the script is SM2 (`S…`).
pub const ADDRESS_VERSION_SM2: u8 = 0x3f;
/// WIF prefix byte and compression suffix byte.
pub const WIF_PREFIX: u8 = 0x80;
pub const WIF_SUFFIX: u8 = 0x01;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressError {
    Base58(Base58Error),
    /// Decoded payload length differs from what the format needs.
    BadLength {
        expected: usize,
        got: usize,
    },
    /// Address version byte not one of 0x17, 0x05, 0x3F.
    UnknownVersion(u8),
    /// WIF not starting with 0x80 / not ending with 0x01.
    BadWifPrefix(u8),
    BadWifSuffix(u8),
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::Base58(e) => e.fmt(f),
            AddressError::BadLength { expected, got } => {
                write!(f, "decoded payload is {got} bytes, expected {expected}")
            }
            AddressError::UnknownVersion(v) => {
                write!(
                    f,
                    "unknown address version byte 0x{v:02x} (expected 0x17, 0x05 or 0x3f)"
                )
            }
            AddressError::BadWifPrefix(v) => {
                write!(f, "WIF must start with byte 0x80, got 0x{v:02x}")
            }
            AddressError::BadWifSuffix(v) => {
                write!(f, "WIF must end with compression byte 0x01, got 0x{v:02x}")
            }
        }
    }
}

impl std::error::Error for AddressError {}

impl From<Base58Error> for AddressError {
    fn from(e: Base58Error) -> Self {
        AddressError::Base58(e)
    }
}

/// Base58Check(version ‖ script hash).
pub fn address_from_script_hash(hash: &UInt160, version: u8) -> String {
    let mut b = [0u8; 21];
    b[0] = version;
    b[1..].copy_from_slice(&hash.0);
    check_encode(&b)
}

/// Decodes an address into (version, script hash). Accepts versions 0x17, 0x05 and 0x3F.
pub fn decode_address(addr: &str) -> Result<(u8, UInt160), AddressError> {
    let raw = check_decode(addr)?;
    if raw.len() != 21 {
        return Err(AddressError::BadLength {
            expected: 21,
            got: raw.len(),
        });
    }
    let version = raw[0];
    if !matches!(
        version,
        ADDRESS_VERSION | ADDRESS_VERSION_SECP256K1 | ADDRESS_VERSION_SM2
    ) {
        return Err(AddressError::UnknownVersion(version));
    }
    let mut h = [0u8; 20];
    h.copy_from_slice(&raw[1..]);
    Ok((version, UInt160(h)))
}

/// WIF = Base58Check(0x80 ‖ secret ‖ 0x01).
pub fn wif_encode(secret: &[u8; 32]) -> String {
    let mut b = [0u8; 34];
    b[0] = WIF_PREFIX;
    b[1..33].copy_from_slice(secret);
    b[33] = WIF_SUFFIX;
    check_encode(&b)
}

/// Decodes a WIF into the 32-byte secret.
pub fn wif_decode(wif: &str) -> Result<[u8; 32], AddressError> {
    let raw = check_decode(wif)?;
    if raw.len() != 34 {
        return Err(AddressError::BadLength {
            expected: 34,
            got: raw.len(),
        });
    }
    if raw[0] != WIF_PREFIX {
        return Err(AddressError::BadWifPrefix(raw[0]));
    }
    if raw[33] != WIF_SUFFIX {
        return Err(AddressError::BadWifSuffix(raw[33]));
    }
    let mut s = [0u8; 32];
    s.copy_from_slice(&raw[1..33]);
    Ok(s)
}
