//! Standard scripts (format-1x §4, SPEC §3): building and classifying.
use crate::address::{ADDRESS_VERSION, ADDRESS_VERSION_SECP256K1, ADDRESS_VERSION_SM2};
use crate::limits::MAX_MULTISIG_KEYS;

pub const OP_PUSH0: u8 = 0x00;
pub const OP_PUSHBYTES33: u8 = 0x21;
pub const OP_PUSHBYTES34: u8 = 0x22;
pub const OP_PUSHBYTES64: u8 = 0x40;
pub const OP_PUSHM1: u8 = 0x4f;
pub const OP_PUSH1: u8 = 0x51;
pub const OP_PUSH16: u8 = 0x60;
pub const OP_CHECKSIG: u8 = 0xac;
pub const OP_CHECKMULTISIG: u8 = 0xae;

/// Curve of a public key; the value is the tag byte used in 34-byte tagged keys (0 = untagged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Curve {
    /// secp256r1, the default; keys are 33 bytes, untagged.
    P256 = 0,
    Secp256k1 = 1,
    Sm2 = 2,
}

/// A public key as it appears in a script: curve + 33-byte compressed point (prefix 02/03).
/// P-256 keys serialize as the 33 bytes; others as tag ‖ 33 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyRef {
    pub curve: Curve,
    pub point: [u8; 33],
}

impl KeyRef {
    /// From 33 bytes (P-256, prefix 02/03) or 34 bytes (tag 01/02, then prefix 02/03).
    pub fn from_bytes(b: &[u8]) -> Result<Self, String> {
        let (curve, point) = match b.len() {
            33 => (Curve::P256, b),
            34 => {
                let curve = match b[0] {
                    1 => Curve::Secp256k1,
                    2 => Curve::Sm2,
                    t => {
                        return Err(format!(
                            "unknown key curve tag 0x{t:02x} (expected 01 or 02)"
                        ))
                    }
                };
                (curve, &b[1..])
            }
            n => {
                return Err(format!(
                    "public key must be 33 or 34 (tagged) bytes, got {n}"
                ))
            }
        };
        if point[0] != 0x02 && point[0] != 0x03 {
            return Err(format!(
                "public key must be compressed (prefix 02/03), got prefix 0x{:02x}",
                point[0]
            ));
        }
        let mut p = [0u8; 33];
        p.copy_from_slice(point);
        Ok(KeyRef { curve, point: p })
    }

    /// Serialized length: 33 for P-256, 34 for tagged keys.
    pub fn encoded_len(&self) -> usize {
        if self.curve == Curve::P256 {
            33
        } else {
            34
        }
    }

    /// The key bytes as pushed in scripts (33 or 34 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(34);
        if self.curve != Curve::P256 {
            v.push(self.curve as u8);
        }
        v.extend_from_slice(&self.point);
        v
    }

    /// Appends the push of this key: `21` ‖ 33 bytes or `22` ‖ tag ‖ 33 bytes.
    pub fn push_to(&self, out: &mut Vec<u8>) {
        if self.curve == Curve::P256 {
            out.push(OP_PUSHBYTES33);
        } else {
            out.push(OP_PUSHBYTES34);
            out.push(self.curve as u8);
        }
        out.extend_from_slice(&self.point);
    }
}

/// Appends the canonical push of an integer: 0 → `00`, −1 → `4f`, 1..16 → `50+k`, otherwise a
/// data push of the minimal little-endian two's-complement bytes (17 → `01 11`, 128 → `02 80 00`).
pub fn push_int(out: &mut Vec<u8>, k: i64) {
    match k {
        0 => out.push(OP_PUSH0),
        -1 => out.push(OP_PUSHM1),
        1..=16 => out.push(0x50 + k as u8),
        _ => {
            let bytes = k.to_le_bytes();
            let mut len = 8;
            while len > 1 {
                let top = bytes[len - 1];
                let next_sign = bytes[len - 2] & 0x80;
                if (top == 0 && next_sign == 0) || (top == 0xff && next_sign != 0) {
                    len -= 1;
                } else {
                    break;
                }
            }
            out.push(len as u8);
            out.extend_from_slice(&bytes[..len]);
        }
    }
}

/// Reads a canonical integer push at `s[*pos..]` (as produced by [`push_int`]), advancing `pos`.
fn read_push_int(s: &[u8], pos: &mut usize) -> Option<i64> {
    let op = *s.get(*pos)?;
    let v = match op {
        OP_PUSH0 => 0,
        OP_PUSHM1 => -1,
        OP_PUSH1..=OP_PUSH16 => i64::from(op - 0x50),
        1..=8 => {
            let data = s.get(*pos + 1..*pos + 1 + op as usize)?;
            let mut b = if data[data.len() - 1] & 0x80 != 0 {
                [0xffu8; 8]
            } else {
                [0u8; 8]
            };
            b[..data.len()].copy_from_slice(data);
            let v = i64::from_le_bytes(b);
            let mut canon = Vec::with_capacity(9);
            push_int(&mut canon, v);
            if canon[0] != op || canon[1..] != *data {
                return None;
            }
            *pos += op as usize;
            v
        }
        _ => return None,
    };
    *pos += 1;
    Some(v)
}

/// `21 <33-byte key> AC` (P-256) or `22 <34-byte tagged key> AC`.
pub fn single_sig_script(key: &KeyRef) -> Vec<u8> {
    let mut v = Vec::with_capacity(36);
    key.push_to(&mut v);
    v.push(OP_CHECKSIG);
    v
}

/// m-of-n multisig: push(m), each key (in the order given: callers sort by X then Y), push(n), AE.
pub fn multisig_script(m: usize, keys: &[KeyRef]) -> Result<Vec<u8>, String> {
    let n = keys.len();
    if n == 0 || n > MAX_MULTISIG_KEYS {
        return Err(format!(
            "multisig needs 1..={MAX_MULTISIG_KEYS} keys, got {n}"
        ));
    }
    if m == 0 || m > n {
        return Err(format!(
            "multisig m must satisfy 1 <= m <= n = {n}, got {m}"
        ));
    }
    let mut v = Vec::with_capacity(8 + n * 35);
    push_int(&mut v, m as i64);
    for k in keys {
        k.push_to(&mut v);
    }
    push_int(&mut v, n as i64);
    v.push(OP_CHECKMULTISIG);
    Ok(v)
}

/// What a verification script is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptClass {
    Single(KeyRef),
    Multi { m: usize, keys: Vec<KeyRef> },
    NonStandard,
}

/// Reads a canonical key push at `s[*pos..]`.
fn read_key(s: &[u8], pos: &mut usize) -> Option<KeyRef> {
    let len = match *s.get(*pos)? {
        OP_PUSHBYTES33 => 33,
        OP_PUSHBYTES34 => 34,
        _ => return None,
    };
    let data = s.get(*pos + 1..*pos + 1 + len)?;
    let k = KeyRef::from_bytes(data).ok()?;
    *pos += 1 + len;
    Some(k)
}

/// Classifies a verification script. Only the exact canonical forms are recognised: single-sig
/// `21 key AC` / `22 tagged AC`, and multisig with minimal m/n pushes, 1 ≤ m ≤ n ≤ 1024, n equal
/// to the number of keys, ending in `AE`.
pub fn classify_verification(s: &[u8]) -> ScriptClass {
    let mut pos = 0;
    if let Some(k) = read_key(s, &mut pos) {
        if pos + 1 == s.len() && s[pos] == OP_CHECKSIG {
            return ScriptClass::Single(k);
        }
        return ScriptClass::NonStandard;
    }
    classify_multi(s).unwrap_or(ScriptClass::NonStandard)
}

fn classify_multi(s: &[u8]) -> Option<ScriptClass> {
    if s.last() != Some(&OP_CHECKMULTISIG) {
        return None;
    }
    let mut pos = 0;
    let m = read_push_int(s, &mut pos)?;
    let mut keys = Vec::new();
    while let Some(k) = read_key(s, &mut pos) {
        if keys.len() == MAX_MULTISIG_KEYS {
            return None;
        }
        keys.push(k);
    }
    let n = read_push_int(s, &mut pos)?;
    if pos + 1 != s.len() || n != keys.len() as i64 || m < 1 || m > n {
        return None;
    }
    Some(ScriptClass::Multi {
        m: m as usize,
        keys,
    })
}

/// Parses an invocation script made only of `40` ‖ 64-byte pushes (empty script → empty list).
pub fn parse_invocation(s: &[u8]) -> Option<Vec<[u8; 64]>> {
    if s.len() % 65 != 0 {
        return None;
    }
    let mut v = Vec::with_capacity(s.len() / 65);
    for c in s.chunks_exact(65) {
        if c[0] != OP_PUSHBYTES64 {
            return None;
        }
        let mut sig = [0u8; 64];
        sig.copy_from_slice(&c[1..]);
        v.push(sig);
    }
    Some(v)
}

/// Address version byte for a script with these keys: 0x05 if all secp256k1, 0x3F if all SM2,
/// else 0x17.
pub fn address_version_for_keys(keys: &[KeyRef]) -> u8 {
    if !keys.is_empty() && keys.iter().all(|k| k.curve == Curve::Secp256k1) {
        ADDRESS_VERSION_SECP256K1
    } else if !keys.is_empty() && keys.iter().all(|k| k.curve == Curve::Sm2) {
        ADDRESS_VERSION_SM2
    } else {
        ADDRESS_VERSION
    }
}
