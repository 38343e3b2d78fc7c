//! The errors of the ledger logic: impossible inputs are reported, never a panic.
use std::fmt;

use antshares_core::UInt160;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// `burned > minted`, or `minted − burned > 10^16`: no chain can reach these totals.
    ImpossibleSupply { minted: u64, burned: u64 },
    /// A draw on an index that holds no ANS.
    NoHolders,
    /// A draw number not below the total holdings.
    DrawOutOfRange { n: u64, total: u128 },
    /// A holder's balance would go above `u64::MAX`.
    BalanceOverflow {
        key: UInt160,
        balance: u64,
        delta: i128,
    },
    /// A holder's balance would go below zero.
    InsufficientBalance {
        key: UInt160,
        balance: u64,
        delta: i128,
    },
    /// Bulk construction: keys not strictly ascending (at position `index`).
    NotAscending { index: usize, key: UInt160 },
    /// Bulk construction: a zero balance (holders with no ANS are not in the index).
    ZeroBalance { index: usize, key: UInt160 },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ImpossibleSupply { minted, burned } => {
                if burned > minted {
                    write!(
                        f,
                        "impossible ANC totals: burned {burned} exceeds minted {minted} (satoshi)"
                    )
                } else {
                    write!(
                        f,
                        "impossible ANC totals: minted {minted} − burned {burned} exceeds the \
                         10^16 satoshi supply"
                    )
                }
            }
            Error::NoHolders => f.write_str("lottery draw on an empty holder index"),
            Error::DrawOutOfRange { n, total } => write!(
                f,
                "lottery number {n} is not below the total holdings {total}"
            ),
            Error::BalanceOverflow {
                key,
                balance,
                delta,
            } => write!(
                f,
                "balance of {key} would overflow: {balance} + {delta} > {}",
                u64::MAX
            ),
            Error::InsufficientBalance {
                key,
                balance,
                delta,
            } => write!(
                f,
                "balance of {key} would go negative: {balance} + ({delta}) < 0"
            ),
            Error::NotAscending { index, key } => write!(
                f,
                "holder {index} ({key}) is not strictly after the previous key (UInt160 order)"
            ),
            Error::ZeroBalance { index, key } => {
                write!(f, "holder {index} ({key}) has a zero balance")
            }
        }
    }
}

impl std::error::Error for Error {}
