//! Transaction attributes in their 2.x form.
use crate::error::Result;
use crate::io::{write_var_bytes, Reader};
use crate::limits::{MAX_ATTRIBUTE_DATA, MAX_DESCRIPTION_URL};

pub const USAGE_CONTRACT_HASH: u8 = 0x00;
pub const USAGE_ECDH02: u8 = 0x02;
pub const USAGE_ECDH03: u8 = 0x03;
pub const USAGE_SCRIPT: u8 = 0x20;
pub const USAGE_VOTE: u8 = 0x30;
pub const USAGE_DESCRIPTION_URL: u8 = 0x81;
pub const USAGE_DESCRIPTION: u8 = 0x90;
pub const USAGE_HASH1: u8 = 0xa1;
pub const USAGE_HASH15: u8 = 0xaf;
pub const USAGE_REMARK: u8 = 0xf0;

/// How an attribute's data is laid out, by usage byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrLayout {
    /// Exactly this many raw bytes.
    Fixed(usize),
    /// 1-byte length then bytes (DescriptionUrl).
    ShortBytes,
    /// var-bytes ≤ 65535 (Description, Remarks).
    VarBytes,
}

/// The layout for `usage`, or `None` if the usage is invalid.
pub fn layout(usage: u8) -> Option<AttrLayout> {
    match usage {
        USAGE_CONTRACT_HASH | USAGE_ECDH02 | USAGE_ECDH03 | USAGE_VOTE => {
            Some(AttrLayout::Fixed(32))
        }
        USAGE_HASH1..=USAGE_HASH15 => Some(AttrLayout::Fixed(32)),
        USAGE_SCRIPT => Some(AttrLayout::Fixed(20)),
        USAGE_DESCRIPTION_URL => Some(AttrLayout::ShortBytes),
        USAGE_DESCRIPTION | USAGE_REMARK..=0xff => Some(AttrLayout::VarBytes),
        _ => None,
    }
}

/// An attribute: usage byte and its data (without any length prefix).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxAttribute {
    pub usage: u8,
    pub data: Vec<u8>,
}

impl TxAttribute {
    /// Checks that `data` fits the usage's layout.
    pub fn validate(&self) -> std::result::Result<(), String> {
        match layout(self.usage) {
            None => Err(format!("invalid attribute usage 0x{:02x}", self.usage)),
            Some(AttrLayout::Fixed(n)) if self.data.len() != n => Err(format!(
                "attribute usage 0x{:02x} needs exactly {n} bytes, got {}",
                self.usage,
                self.data.len()
            )),
            Some(AttrLayout::ShortBytes) if self.data.len() > MAX_DESCRIPTION_URL => Err(format!(
                "DescriptionUrl attribute data is {} bytes, maximum {MAX_DESCRIPTION_URL}",
                self.data.len()
            )),
            Some(AttrLayout::VarBytes) if self.data.len() > MAX_ATTRIBUTE_DATA => Err(format!(
                "attribute usage 0x{:02x} data is {} bytes, maximum {MAX_ATTRIBUTE_DATA}",
                self.usage,
                self.data.len()
            )),
            _ => Ok(()),
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let (usage, data) = read_attribute(r)?;
        Ok(TxAttribute {
            usage,
            data: data.to_vec(),
        })
    }

    /// Serializes; the attribute must be valid (see [`validate`](Self::validate)).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.usage);
        match layout(self.usage) {
            Some(AttrLayout::ShortBytes) => {
                out.push(self.data.len().min(255) as u8);
                out.extend_from_slice(&self.data[..self.data.len().min(255)]);
            }
            Some(AttrLayout::VarBytes) => write_var_bytes(out, &self.data),
            _ => out.extend_from_slice(&self.data),
        }
    }
}

/// Reads and validates one attribute (usage byte, then data in its usage's layout), borrowing the
/// data: the one place the attribute wire rules live.
pub(crate) fn read_attribute<'a>(r: &mut Reader<'a>) -> Result<(u8, &'a [u8])> {
    let at = r.pos();
    let usage = r.u8("usage")?;
    let data = match layout(usage) {
        None => {
            return r.err(
                "usage",
                at,
                format!("invalid attribute usage 0x{usage:02x}"),
            )
        }
        Some(AttrLayout::Fixed(n)) => r.bytes("data", n)?,
        Some(AttrLayout::ShortBytes) => {
            let n = r.u8("data")? as usize;
            r.bytes("data", n)?
        }
        Some(AttrLayout::VarBytes) => r.var_bytes("data", MAX_ATTRIBUTE_DATA)?,
    };
    Ok((usage, data))
}
