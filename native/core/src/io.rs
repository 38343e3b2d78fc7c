//! Byte reader (bounds-checked, canonical var-ints) and writer helpers.
use crate::error::{DecodeError, Result};
use std::borrow::Cow;

/// A cursor over a byte slice. Every read names the field it reads so errors point at it.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Current offset from the start of the buffer.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// The whole underlying buffer.
    #[inline]
    pub fn buffer(&self) -> &'a [u8] {
        self.buf
    }

    pub fn err<T>(
        &self,
        field: &str,
        at: usize,
        reason: impl Into<Cow<'static, str>>,
    ) -> Result<T> {
        Err(DecodeError::new(field, at, reason))
    }

    #[inline]
    pub fn bytes(&mut self, field: &str, n: usize) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return self.err(
                field,
                self.pos,
                format!(
                    "unexpected end of data: need {n} bytes, {} left",
                    self.remaining()
                ),
            );
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    #[inline]
    pub fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N]> {
        let s = self.bytes(field, N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    #[inline]
    pub fn u8(&mut self, field: &str) -> Result<u8> {
        Ok(self.bytes(field, 1)?[0])
    }

    #[inline]
    pub fn u16(&mut self, field: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    #[inline]
    pub fn u32(&mut self, field: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    #[inline]
    pub fn u64(&mut self, field: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    #[inline]
    pub fn i64(&mut self, field: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array(field)?))
    }

    /// A bool byte: exactly 0 or 1.
    pub fn bool(&mut self, field: &str) -> Result<bool> {
        let at = self.pos;
        match self.u8(field)? {
            0 => Ok(false),
            1 => Ok(true),
            b => self.err(field, at, format!("bool byte must be 0 or 1, got {b}")),
        }
    }

    /// A var-int in its minimal form; larger-than-needed prefixes are rejected.
    #[inline]
    pub fn var_int(&mut self, field: &str) -> Result<u64> {
        let at = self.pos;
        let first = self.u8(field)?;
        let (v, min) = match first {
            0xfd => (u64::from(self.u16(field)?), 0xfd),
            0xfe => (u64::from(self.u32(field)?), 0x1_0000),
            0xff => (self.u64(field)?, 0x1_0000_0000),
            b => return Ok(u64::from(b)),
        };
        if v < min {
            return self.err(field, at, format!("non-minimal var-int encoding of {v}"));
        }
        Ok(v)
    }

    /// A var-int count ≤ `max`, with `count × min_elem` ≤ bytes left.
    #[inline]
    pub fn count(&mut self, field: &str, max: usize, min_elem: usize) -> Result<usize> {
        let at = self.pos;
        let v = self.var_int(field)?;
        if v > max as u64 {
            return self.err(field, at, format!("count {v} exceeds the maximum {max}"));
        }
        let n = v as usize;
        if n.saturating_mul(min_elem) > self.remaining() {
            return self.err(
                field,
                at,
                format!(
                    "count {n} needs at least {} bytes, {} left",
                    n * min_elem,
                    self.remaining()
                ),
            );
        }
        Ok(n)
    }

    /// Var-bytes with length ≤ `max`, borrowed from the buffer.
    #[inline]
    pub fn var_bytes(&mut self, field: &str, max: usize) -> Result<&'a [u8]> {
        let at = self.pos;
        let v = self.var_int(field)?;
        if v > max as u64 {
            return self.err(field, at, format!("length {v} exceeds the maximum {max}"));
        }
        if v > self.remaining() as u64 {
            return self.err(
                field,
                at,
                format!("length {v} exceeds the {} bytes left", self.remaining()),
            );
        }
        self.bytes(field, v as usize)
    }

    /// Var-string: var-bytes holding valid UTF-8.
    pub fn var_string(&mut self, field: &str, max: usize) -> Result<String> {
        let at = self.pos;
        let b = self.var_bytes(field, max)?;
        match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => self.err(field, at, "invalid UTF-8"),
        }
    }
}

/// Appends `v` as a minimal var-int.
#[inline]
pub fn write_var_int(out: &mut Vec<u8>, v: u64) {
    if v < 0xfd {
        out.push(v as u8);
    } else if v <= 0xffff {
        out.push(0xfd);
        out.extend_from_slice(&(v as u16).to_le_bytes());
    } else if v <= 0xffff_ffff {
        out.push(0xfe);
        out.extend_from_slice(&(v as u32).to_le_bytes());
    } else {
        out.push(0xff);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Size in bytes of the minimal var-int for `v`.
#[inline]
pub fn var_int_size(v: u64) -> usize {
    if v < 0xfd {
        1
    } else if v <= 0xffff {
        3
    } else if v <= 0xffff_ffff {
        5
    } else {
        9
    }
}

/// Appends var-bytes (minimal length prefix, then the bytes).
#[inline]
pub fn write_var_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_var_int(out, b.len() as u64);
    out.extend_from_slice(b);
}
