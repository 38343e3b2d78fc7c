//! Value layouts of the state tables this engine owns (documented on the tables in
//! `python/antshares/storage/schema.py`, which declares the schema). Fixed-width integers are
//! big-endian, as every table of the schema.
use antshares_core::{RegisterData, SplitOrder, UInt160, UInt256};

use crate::agency::CarriedSplit;

/// A registered asset: its registration and how much of it was issued (satoshi).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetState {
    pub register: RegisterData,
    pub issued: i64,
}

pub const ASSET_ANS: u8 = 0x00;
pub const ASSET_ANC: u8 = 0x01;
pub const ASSET_CURRENCY: u8 = 0x08;
pub const ASSET_TOKEN: u8 = 0x60;
pub const ASSET_SHARE: u8 = 0x90;
pub const ASSET_INVOICE: u8 = 0x98;
/// Assets whose receivers must sign (SPEC §4: Share, Invoice).
pub const DUTY_FLAG: u8 = 0x80;

impl AssetState {
    pub fn is_duty(&self) -> bool {
        self.register.asset_type & DUTY_FLAG != 0
    }

    pub fn is_share(&self) -> bool {
        self.register.asset_type == ASSET_SHARE
    }

    /// Output values must be multiples of 10^(8 − precision).
    pub fn unit(&self) -> i64 {
        10i64.pow(8u32.saturating_sub(u32::from(self.register.precision.min(8))))
    }

    /// issued i64 BE ‖ the Register exclusive data in its wire layout (one codec, the core's).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 1 + 9 + self.register.name.len() + 8 + 1 + 33 + 20);
        out.extend_from_slice(&self.issued.to_be_bytes());
        self.register.encode(&mut out);
        out
    }

    pub fn decode(b: &[u8]) -> Result<Self, String> {
        let mut r = antshares_core::io::Reader::new(b);
        let fail = |e: Box<antshares_core::DecodeError>| format!("asset record: {e}");
        let issued = i64::from_be_bytes(r.array("issued").map_err(fail)?);
        let register = RegisterData::decode(&mut r).map_err(fail)?;
        if !r.is_empty() {
            return Err("asset record: trailing bytes".into());
        }
        Ok(AssetState { register, issued })
    }
}

/// An active candidacy: the enrollee's key; its deposit is output 0 of the Enrollment.
pub fn encode_enrollment(txid: &UInt256, key: &[u8; 33]) -> Vec<u8> {
    let mut v = Vec::with_capacity(33 + 34);
    v.extend_from_slice(key);
    v.extend_from_slice(&crate::OutPoint::new(*txid, 0).encode());
    v
}

pub fn decode_enrollment(b: &[u8]) -> Result<[u8; 33], String> {
    if b.len() != 67 {
        return Err(format!("enrollment record needs 67 bytes, got {}", b.len()));
    }
    Ok(b[..33].try_into().expect("length checked"))
}

/// An active ballot: its weight (whole ANS shares in its unspent outputs) and the keys it
/// lists (its k includes keys whose candidacy has since ended, SPEC §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotState {
    pub weight: u64,
    pub candidates: Vec<[u8; 33]>,
}

impl BallotState {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(8 + 33 * self.candidates.len());
        v.extend_from_slice(&self.weight.to_be_bytes());
        for k in &self.candidates {
            v.extend_from_slice(k);
        }
        v
    }

    pub fn decode(b: &[u8]) -> Result<Self, String> {
        if b.len() < 8 + 33 || (b.len() - 8) % 33 != 0 {
            return Err(format!("ballot record has a bad length {}", b.len()));
        }
        let weight = u64::from_be_bytes(b[..8].try_into().expect("length checked"));
        let candidates = b[8..]
            .chunks_exact(33)
            .map(|c| c.try_into().expect("chunk of 33"))
            .collect();
        Ok(BallotState { weight, candidates })
    }
}

/// asset (32) ‖ value asset (32) ‖ agent (20) ‖ amount i64 ‖ price i64 ‖ client (20) ‖
/// n × output index u16 (the outputs paid to the client that a carry-over spends).
pub fn encode_split(s: &CarriedSplit) -> Vec<u8> {
    let mut v = Vec::with_capacity(SPLIT_FIXED + 2 * s.client_outputs.len());
    v.extend_from_slice(&s.asset_id.0);
    v.extend_from_slice(&s.value_asset_id.0);
    v.extend_from_slice(&s.agent.0);
    v.extend_from_slice(&s.split.amount.to_be_bytes());
    v.extend_from_slice(&s.split.price.to_be_bytes());
    v.extend_from_slice(&s.split.client.0);
    for i in &s.client_outputs {
        v.extend_from_slice(&i.to_be_bytes());
    }
    v
}

const SPLIT_FIXED: usize = 32 + 32 + 20 + 8 + 8 + 20;

pub fn decode_split(b: &[u8]) -> Result<CarriedSplit, String> {
    if b.len() < SPLIT_FIXED || (b.len() - SPLIT_FIXED) % 2 != 0 {
        return Err(format!("split record has a bad length {}", b.len()));
    }
    let u256 = |r: std::ops::Range<usize>| UInt256(b[r].try_into().expect("32 bytes"));
    let u160 = |r: std::ops::Range<usize>| UInt160(b[r].try_into().expect("20 bytes"));
    let i64_at = |at: usize| i64::from_be_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    Ok(CarriedSplit {
        asset_id: u256(0..32),
        value_asset_id: u256(32..64),
        agent: u160(64..84),
        split: SplitOrder {
            amount: i64_at(84),
            price: i64_at(92),
            client: u160(100..120),
        },
        client_outputs: b[SPLIT_FIXED..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect(),
    })
}

/// Bookkeepers of a block: n × 33-byte keys in election order.
pub fn encode_keys(keys: &[[u8; 33]]) -> Vec<u8> {
    keys.concat()
}

pub fn decode_keys(b: &[u8]) -> Result<Vec<[u8; 33]>, String> {
    if b.is_empty() || b.len() % 33 != 0 {
        return Err(format!("bookkeeper record has a bad length {}", b.len()));
    }
    Ok(b.chunks_exact(33)
        .map(|c| c.try_into().expect("chunk of 33"))
        .collect())
}

pub fn decode_ballot(b: &[u8]) -> Result<BallotState, String> {
    BallotState::decode(b)
}
