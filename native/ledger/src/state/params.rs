//! Protocol parameters of one network (SPEC §2, §4): data from its profile, never code paths.
use antshares_core::{KeyRef, UInt160, UInt256};

use crate::rule::Violation;

/// Service fees (SPEC §4), in ANC satoshi; burned by the transactions that pay them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceFees {
    pub register: i64,
    pub issue: i64,
    pub enrollment: i64,
    pub voting: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainParams {
    /// The standby bookkeepers in profile order: 33-byte compressed P-256 keys.
    pub standby_keys: Vec<[u8; 33]>,
    pub fees: ServiceFees,
    /// Minimum ANC deposit of an Enrollment (satoshi).
    pub min_deposit: i64,
}

impl ChainParams {
    /// Checks what the rules rely on: at least one standby key, each a P-256 key (bookkeepers
    /// deal and encrypt on P-256, SPEC §7), fees and deposit not negative.
    pub fn new(
        standby_keys: &[Vec<u8>],
        fees: ServiceFees,
        min_deposit: i64,
    ) -> Result<Self, String> {
        if standby_keys.is_empty() || standby_keys.len() > 1024 {
            return Err(format!(
                "a network needs 1..=1024 standby keys, got {}",
                standby_keys.len()
            ));
        }
        let mut keys = Vec::with_capacity(standby_keys.len());
        for (i, k) in standby_keys.iter().enumerate() {
            let key = KeyRef::from_bytes(k).map_err(|e| format!("standby key {i}: {e}"))?;
            if key.curve != antshares_core::Curve::P256 {
                return Err(format!("standby key {i}: bookkeepers use P-256 keys"));
            }
            keys.push(key.point);
        }
        let all = [
            fees.register,
            fees.issue,
            fees.enrollment,
            fees.voting,
            min_deposit,
        ];
        if all.iter().any(|&v| v < 0) {
            return Err("service fees and the deposit must not be negative".into());
        }
        Ok(ChainParams {
            standby_keys: keys,
            fees,
            min_deposit,
        })
    }
}

/// Script hash of the single-signature script `21 key AC` of a P-256 key.
pub fn single_sig_hash(key: &[u8; 33]) -> UInt160 {
    let key = KeyRef {
        curve: antshares_core::Curve::P256,
        point: *key,
    };
    UInt160(antshares_core::hash160(
        &antshares_core::script::single_sig_script(&key),
    ))
}

/// The ANS and ANC asset ids: the genesis Register transactions of type 0x00 and 0x01.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NativeAssets {
    pub ans: UInt256,
    pub anc: UInt256,
}

pub(crate) fn violation(rule: &'static str, detail: impl Into<String>) -> Violation {
    Violation::new(rule, detail)
}
