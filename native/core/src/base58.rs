//! Base58 (Bitcoin alphabet) and Base58Check (checksum = first 4 bytes of hash256).
use crate::hash::hash256;
use crate::limits::MAX_BASE58_LEN;
use std::fmt;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base58Error {
    InvalidCharacter { ch: char, position: usize },
    TooLong(usize),
    TooShort,
    BadChecksum,
}

impl fmt::Display for Base58Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base58Error::InvalidCharacter { ch, position } => {
                write!(f, "invalid Base58 character {ch:?} at position {position}")
            }
            Base58Error::TooLong(n) => {
                write!(
                    f,
                    "Base58 string of {n} characters is longer than {MAX_BASE58_LEN}"
                )
            }
            Base58Error::TooShort => write!(f, "Base58Check data shorter than its 4-byte checksum"),
            Base58Error::BadChecksum => write!(f, "Base58Check checksum mismatch"),
        }
    }
}

impl std::error::Error for Base58Error {}

/// Plain Base58 encoding.
pub fn encode(data: &[u8]) -> String {
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    // log(256)/log(58) ≈ 1.37
    let mut digits: Vec<u8> = Vec::with_capacity(data.len() * 138 / 100 + 1);
    for &byte in &data[zeros..] {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut s = String::with_capacity(zeros + digits.len());
    s.extend(std::iter::repeat('1').take(zeros));
    s.extend(
        digits
            .iter()
            .rev()
            .map(|&d| char::from(ALPHABET[d as usize])),
    );
    s
}

/// Plain Base58 decoding.
pub fn decode(s: &str) -> Result<Vec<u8>, Base58Error> {
    if s.len() > MAX_BASE58_LEN {
        return Err(Base58Error::TooLong(s.len()));
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(s.len());
    let mut zeros = 0usize;
    let mut leading = true;
    for (position, ch) in s.chars().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|&a| char::from(a) == ch)
            .ok_or(Base58Error::InvalidCharacter { ch, position })? as u32;
        if leading && v == 0 {
            zeros += 1;
            continue;
        }
        leading = false;
        let mut carry = v;
        for b in bytes.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(bytes.iter().rev());
    Ok(out)
}

/// Base58Check: data ‖ first 4 bytes of hash256(data).
pub fn check_encode(data: &[u8]) -> String {
    let mut buf = Vec::with_capacity(data.len() + 4);
    buf.extend_from_slice(data);
    buf.extend_from_slice(&hash256(data)[..4]);
    encode(&buf)
}

/// Decodes Base58Check and verifies the checksum; returns the payload without it.
pub fn check_decode(s: &str) -> Result<Vec<u8>, Base58Error> {
    let mut raw = decode(s)?;
    if raw.len() < 4 {
        return Err(Base58Error::TooShort);
    }
    let split = raw.len() - 4;
    if hash256(&raw[..split])[..4] != raw[split..] {
        return Err(Base58Error::BadChecksum);
    }
    raw.truncate(split);
    Ok(raw)
}
