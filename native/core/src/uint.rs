//! UInt160 / UInt256: raw bytes in internal order; displayed reversed; ordered as little-endian
//! numbers (compared from the last byte).
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

macro_rules! uint_type {
    ($name:ident, $n:expr) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(pub [u8; $n]);

        impl $name {
            pub const LEN: usize = $n;
            pub const ZERO: $name = $name([0u8; $n]);

            /// From a slice of exactly the right length.
            pub fn from_slice(b: &[u8]) -> Option<Self> {
                <[u8; $n]>::try_from(b).ok().map($name)
            }

            #[inline]
            pub fn as_bytes(&self) -> &[u8; $n] {
                &self.0
            }

            /// Display form: the bytes reversed, lowercase hex, no prefix.
            pub fn to_display(&self) -> String {
                let mut s = String::with_capacity($n * 2);
                for b in self.0.iter().rev() {
                    s.push(char::from(HEX[(b >> 4) as usize]));
                    s.push(char::from(HEX[(b & 15) as usize]));
                }
                s
            }

            /// Parses the display form (optional `0x` prefix).
            pub fn from_display(s: &str) -> Result<Self, String> {
                let s = s
                    .strip_prefix("0x")
                    .or_else(|| s.strip_prefix("0X"))
                    .unwrap_or(s);
                let raw = parse_hex(s)
                    .ok_or_else(|| format!("invalid hex for {}: {s:?}", stringify!($name)))?;
                if raw.len() != $n {
                    return Err(format!(
                        "{} needs {} hex digits, got {}",
                        stringify!($name),
                        $n * 2,
                        s.len()
                    ));
                }
                let mut a = [0u8; $n];
                for (d, v) in a.iter_mut().zip(raw.iter().rev()) {
                    *d = *v;
                }
                Ok($name(a))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.iter().rev().cmp(other.0.iter().rev())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_display())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(0x{})", stringify!($name), self.to_display())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::from_display(s)
            }
        }

        impl From<[u8; $n]> for $name {
            fn from(a: [u8; $n]) -> Self {
                $name(a)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }
    };
}

const HEX: &[u8; 16] = b"0123456789abcdef";

uint_type!(UInt160, 20);
uint_type!(UInt256, 32);

/// Lowercase/uppercase hex → bytes; `None` on odd length or a non-hex digit.
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    fn nib(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    b.chunks_exact(2)
        .map(|p| Some((nib(p[0])? << 4) | nib(p[1])?))
        .collect()
}

/// Bytes → lowercase hex.
pub fn to_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(char::from(HEX[(x >> 4) as usize]));
        s.push(char::from(HEX[(x & 15) as usize]));
    }
    s
}
