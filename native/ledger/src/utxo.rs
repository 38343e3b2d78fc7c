//! The UTXO set's read path: outpoints and coins, their fixed-size store encoding, and
//! [`UtxoCache`], the in-memory layered view (block overlay → cache → store) in front of LMDB.
//!
//! # Store encoding
//! The LMDB table of the UTXO set stores exactly these bytes (no length prefixes, no versions):
//!
//! - key, [`OUTPOINT_SIZE`] = 34 bytes: the txid (32 bytes, internal order) then the output
//!   index as a **big-endian** `u16`, so that the keys of one transaction sort by index;
//! - value, [`COIN_SIZE`] = 64 bytes: asset id (32 bytes, internal order) ‖ value (`i64`
//!   Fixed8 satoshi, little-endian, > 0) ‖ script hash (20 bytes) ‖ height of the block that
//!   created the output (`u32`, little-endian).
//!
//! Decoding checks the lengths and that the value is positive; it never panics.
use std::fmt;

use antshares_core::{Fixed8, UInt160, UInt256};

mod cache;

pub use cache::UtxoCache;

/// Bytes of an encoded [`OutPoint`]: txid ‖ index (big-endian u16).
pub const OUTPOINT_SIZE: usize = 34;
/// Bytes of an encoded [`Coin`]: asset id ‖ value (i64 LE) ‖ script hash ‖ height (u32 LE).
pub const COIN_SIZE: usize = 64;

/// A transaction output's address: the transaction's hash and the output's index.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct OutPoint {
    pub txid: UInt256,
    pub index: u16,
}

impl OutPoint {
    pub fn new(txid: UInt256, index: u16) -> Self {
        OutPoint { txid, index }
    }

    /// The 34-byte store key.
    pub fn encode(&self) -> [u8; OUTPOINT_SIZE] {
        let mut b = [0u8; OUTPOINT_SIZE];
        b[..32].copy_from_slice(&self.txid.0);
        b[32..].copy_from_slice(&self.index.to_be_bytes());
        b
    }

    /// From exactly 34 bytes.
    pub fn decode(b: &[u8]) -> Result<Self, UtxoError> {
        let b: &[u8; OUTPOINT_SIZE] = b
            .try_into()
            .map_err(|_| UtxoError::BadOutPoint { len: b.len() })?;
        let mut txid = [0u8; 32];
        txid.copy_from_slice(&b[..32]);
        Ok(OutPoint {
            txid: UInt256(txid),
            index: u16::from_be_bytes([b[32], b[33]]),
        })
    }
}

/// Display form: the txid's display form (reversed hex), a colon, the index.
impl fmt::Display for OutPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.txid, self.index)
    }
}

/// What the view says about an outpoint, without fetching anything.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lookup {
    Unspent(Coin),
    /// Known not to be an unspent output (spent, or known absent from the store).
    Spent,
    /// Not in the cache: the store decides.
    Unknown,
}

/// Counters: `hits` and `misses` count the outpoints [`UtxoCache::missing`] answered from
/// memory and sent to the store; `entries` and `dirty` are the current counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct UtxoStats {
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    pub entries: usize,
    pub dirty: usize,
}

/// An unspent output: what it holds, who may spend it, and the height that created it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Coin {
    pub asset_id: UInt256,
    /// Fixed8 satoshi, > 0.
    pub value: Fixed8,
    pub script_hash: UInt160,
    pub height: u32,
}

impl Coin {
    /// The 64-byte store value.
    pub fn encode(&self) -> [u8; COIN_SIZE] {
        let mut b = [0u8; COIN_SIZE];
        b[..32].copy_from_slice(&self.asset_id.0);
        b[32..40].copy_from_slice(&self.value.to_le_bytes());
        b[40..60].copy_from_slice(&self.script_hash.0);
        b[60..].copy_from_slice(&self.height.to_le_bytes());
        b
    }

    /// From exactly 64 bytes holding a positive value.
    pub fn decode(b: &[u8]) -> Result<Self, UtxoError> {
        let b: &[u8; COIN_SIZE] = b
            .try_into()
            .map_err(|_| UtxoError::BadCoin { len: b.len() })?;
        let mut asset = [0u8; 32];
        asset.copy_from_slice(&b[..32]);
        let mut value = [0u8; 8];
        value.copy_from_slice(&b[32..40]);
        let mut script = [0u8; 20];
        script.copy_from_slice(&b[40..60]);
        let coin = Coin {
            asset_id: UInt256(asset),
            value: i64::from_le_bytes(value),
            script_hash: UInt160(script),
            height: u32::from_le_bytes([b[60], b[61], b[62], b[63]]),
        };
        coin.check()?;
        Ok(coin)
    }

    /// Err unless the value is positive.
    pub fn check(&self) -> Result<(), UtxoError> {
        if self.value > 0 {
            Ok(())
        } else {
            Err(UtxoError::NonPositiveValue { value: self.value })
        }
    }
}

/// The errors of the UTXO view: a rejected spend or add, a call out of order, bad bytes.
/// A failed call changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UtxoError {
    /// A spend of an outpoint that is not an unspent output (never created, or spent in an
    /// earlier block).
    Missing(OutPoint),
    /// A spend of an outpoint already spent earlier in the same block (a double spend).
    AlreadySpent(OutPoint),
    /// An add of an outpoint that is already an unspent output (a duplicate transaction).
    Exists(OutPoint),
    /// A spend of an outpoint the cache knows nothing about: the caller must first fetch
    /// `missing()` from the store and `load()` the answers.
    NotLoaded(OutPoint),
    /// `begin_block()` or `flush()` while a block is open.
    BlockOpen,
    /// `spend`, `add`, `commit_block()` or `abort_block()` with no block open.
    NoBlock,
    /// `begin_block()` between `flush()` and `flush_done()`.
    FlushPending,
    /// `flush_done()` with no `flush()` before it.
    NoFlush,
    /// An encoded outpoint of the wrong length.
    BadOutPoint { len: usize },
    /// An encoded coin of the wrong length.
    BadCoin { len: usize },
    /// A coin whose value is not positive.
    NonPositiveValue { value: i64 },
}

impl UtxoError {
    /// The outpoint the error is about, if any.
    pub fn outpoint(&self) -> Option<OutPoint> {
        match self {
            UtxoError::Missing(o)
            | UtxoError::AlreadySpent(o)
            | UtxoError::Exists(o)
            | UtxoError::NotLoaded(o) => Some(*o),
            _ => None,
        }
    }
}

impl fmt::Display for UtxoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UtxoError::Missing(o) => write!(
                f,
                "outpoint {o} is not an unspent output (never created, or spent in an earlier block)"
            ),
            UtxoError::AlreadySpent(o) => {
                write!(f, "outpoint {o} is already spent in this block (double spend)")
            }
            UtxoError::Exists(o) => write!(
                f,
                "outpoint {o} is already an unspent output (duplicate transaction)"
            ),
            UtxoError::NotLoaded(o) => write!(
                f,
                "outpoint {o} is not loaded: fetch missing() from the store and load() it first"
            ),
            UtxoError::BlockOpen => f.write_str("a block is open: commit or abort it first"),
            UtxoError::NoBlock => f.write_str("no block is open: call begin_block() first"),
            UtxoError::FlushPending => {
                f.write_str("a flush is pending: write it and call flush_done() first")
            }
            UtxoError::NoFlush => f.write_str("flush_done() without a flush() before it"),
            UtxoError::BadOutPoint { len } => write!(
                f,
                "an outpoint needs {OUTPOINT_SIZE} bytes (txid, big-endian index), got {len}"
            ),
            UtxoError::BadCoin { len } => write!(f, "a coin needs {COIN_SIZE} bytes, got {len}"),
            UtxoError::NonPositiveValue { value } => {
                write!(f, "a coin's value must be positive, got {value}")
            }
        }
    }
}

impl std::error::Error for UtxoError {}
