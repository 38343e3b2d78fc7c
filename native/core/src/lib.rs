//! AntShares core codec: every wire structure of the chain (NEO 2.x byte layouts plus this chain's
//! Voting 0x24 and Agency 0xb0), hashes, Merkle root, Base58Check addresses/WIF and standard
//! scripts. No I/O, no curve math, no PyO3.
//!
//! Decoders never panic: every failure is a [`DecodeError`] naming the field path, the byte offset
//! and the reason. Encoders always produce the canonical (minimal) form, so every accepted input
//! re-encodes byte-identically.

pub mod address;
pub mod attribute;
pub mod base58;
pub mod beacon;
pub mod block;
pub mod error;
pub mod exclusive;
pub mod hash;
pub mod io;
pub mod limits;
pub mod merkle;
pub mod script;
pub mod transaction;
pub mod uint;

pub use address::{address_from_script_hash, decode_address, wif_decode, wif_encode, AddressError};
pub use attribute::TxAttribute;
pub use beacon::{BeaconData, Dealing, RevealedSecret};
pub use block::{
    decode_block, decode_block_indexed, decode_headers_payload, encode_headers_payload, Block,
    Header, IndexedBlock, HEADER_UNSIGNED_LEN,
};
pub use error::DecodeError;
pub use exclusive::{
    AgencyData, EcPoint, Exclusive, Order, PublishData, RegisterData, SplitOrder, StateDescriptor,
};
pub use hash::{hash160, hash256, sha256};
pub use merkle::merkle_root;
pub use script::{classify_verification, parse_invocation, Curve, KeyRef, ScriptClass};
pub use transaction::{
    decode_transaction, decode_transaction_prefix, CoinReference, Transaction, TxOutput, TxSpan,
    TxType, Witness,
};
pub use uint::{UInt160, UInt256};

/// Raw Fixed8 value: the amount × 10^8 as a signed 64-bit integer.
pub type Fixed8 = i64;
