//! AntShares ledger logic with no I/O and no Python: pure, exact functions of chain data.
//!
//! - [`mint`]: the ANC generated per block (SPEC §5), in exact integers;
//! - [`lottery`]: the lottery number of a block's random value, and the first random value;
//! - [`holders`]: [`HolderIndex`], the order-statistics index of ANS holders that picks the
//!   lottery winner in O(log n);
//! - [`utxo`]: outpoints and coins with their fixed-size store encoding, and [`UtxoCache`], the
//!   layered UTXO view (block overlay → cache → store) in front of LMDB.
pub mod agency;
pub mod beacon;
pub mod election;
pub mod error;
mod fast_hash;
pub mod holders;
pub mod lottery;
pub mod mint;
pub mod rule;
pub mod state;
pub mod utxo;

pub use error::Error;
pub use holders::{HolderIndex, Iter};
pub use lottery::{first_random, lottery_number, LOTTERY_MODULUS};
pub use mint::{mint_amount, MINT_RATE_DENOMINATOR, MINT_RATE_NUMERATOR, TOTAL_ANC_SATOSHI};
pub use rule::Violation;
pub use utxo::{Coin, Lookup, OutPoint, UtxoCache, UtxoError, UtxoStats, COIN_SIZE, OUTPOINT_SIZE};
