//! The decoded-key cache: a sharded, bounded map from (curve, 33-byte key) to the backend's
//! parsed key, so that a key seen again (in the same block or a later one) is not decompressed
//! and validated again.
//!
//! Each shard is a `Mutex<HashMap>` with FIFO eviction; decoding happens outside the lock.
//! Hit/miss counters live inside the shards (no shared atomics on the hot path).
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use aws_lc_rs::signature::{ParsedPublicKey, ECDSA_P256_SHA256_FIXED};

use crate::nistz::HotKey;
use crate::{Curve, Error, KEY_LEN};

/// Number of decoded keys the cache holds at most (all curves together).
pub const KEY_CACHE_CAPACITY: usize = 32 * 1024;
const SHARDS: usize = 64;
const PER_SHARD: usize = KEY_CACHE_CAPACITY / SHARDS;

/// The backend representation of a validated public key.
pub(crate) enum Backend {
    R1(ParsedPublicKey, HotKey),
    K1(secp256k1::PublicKey),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

/// A validated public key: its Y coordinate (for key ordering) and the backend's parsed key.
pub(crate) struct DecodedKey {
    pub(crate) y: [u8; 32],
    pub(crate) backend: Backend,
}

/// Cache counters, see [`key_cache_stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to decode the key (including keys that turned out invalid).
    pub misses: u64,
    /// Keys held now.
    pub size: usize,
    /// P-256 keys holding a precomputed verification table now (hot keys; at most
    /// [`HOT_KEY_TABLES`](crate::HOT_KEY_TABLES)).
    pub hot_tables: usize,
}

type CacheKey = [u8; KEY_LEN + 1];

#[derive(Default)]
struct Shard {
    map: HashMap<CacheKey, Arc<DecodedKey>>,
    order: VecDeque<CacheKey>,
    hits: u64,
    misses: u64,
}

struct Cache {
    shards: Vec<Mutex<Shard>>,
    hasher: RandomState,
}

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Cache {
        shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
        hasher: RandomState::new(),
    })
}

fn lock(m: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A panic while holding the lock cannot leave the map inconsistent in a way that matters
    // (entries are immutable), so poisoning is ignored.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Checks length and prefix of a compressed key.
pub(crate) fn check_compressed(key: &[u8]) -> Result<&[u8; KEY_LEN], Error> {
    let k: &[u8; KEY_LEN] = key
        .try_into()
        .map_err(|_| Error::InvalidKeyLength(key.len()))?;
    match k[0] {
        2 | 3 => Ok(k),
        b => Err(Error::InvalidKeyPrefix(b)),
    }
}

/// The decoded key for `(curve, key)`, from the cache or decoded and inserted.
pub(crate) fn get(curve: Curve, key: &[u8]) -> Result<Arc<DecodedKey>, Error> {
    let k = check_compressed(key)?;
    let mut ck = [0u8; KEY_LEN + 1];
    ck[0] = curve.code();
    ck[1..].copy_from_slice(k);
    let c = cache();
    let h = c.hasher.hash_one(ck);
    let shard = &c.shards[(h >> 58) as usize % SHARDS];
    {
        let mut s = lock(shard);
        if let Some(v) = s.map.get(&ck) {
            let v = Arc::clone(v);
            s.hits += 1;
            return Ok(v);
        }
        s.misses += 1;
    }
    let decoded = Arc::new(decode(curve, k)?);
    let mut s = lock(shard);
    if let Some(v) = s.map.get(&ck) {
        return Ok(Arc::clone(v));
    }
    while s.map.len() >= PER_SHARD {
        match s.order.pop_front() {
            Some(old) => {
                s.map.remove(&old);
            }
            None => break,
        }
    }
    s.map.insert(ck, Arc::clone(&decoded));
    s.order.push_back(ck);
    Ok(decoded)
}

/// Decompresses and validates a key (no cache).
pub(crate) fn decode(curve: Curve, k: &[u8; KEY_LEN]) -> Result<DecodedKey, Error> {
    match curve {
        Curve::Secp256r1 => {
            // The p256 crate's square root is faster than AWS-LC's generic BN_mod_sqrt, so
            // decompress here and give AWS-LC the uncompressed point (it re-checks it is on the curve).
            let vk =
                p256::ecdsa::VerifyingKey::from_sec1_bytes(k).map_err(|_| Error::InvalidPoint)?;
            let unc = vk.to_sec1_point(false);
            let unc = unc.as_bytes();
            if unc.len() != 65 {
                return Err(Error::InvalidPoint);
            }
            let parsed = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, unc)
                .map_err(|_| Error::InvalidPoint)?;
            let mut x = [0u8; 32];
            let mut y = [0u8; 32];
            x.copy_from_slice(&unc[1..33]);
            y.copy_from_slice(&unc[33..65]);
            Ok(DecodedKey {
                y,
                backend: Backend::R1(parsed, HotKey::new(&x, &y)),
            })
        }
        Curve::Secp256k1 => {
            let pk = secp256k1::PublicKey::from_byte_array_compressed(*k)
                .map_err(|_| Error::InvalidPoint)?;
            let unc = pk.serialize_uncompressed();
            let mut y = [0u8; 32];
            y.copy_from_slice(&unc[33..65]);
            Ok(DecodedKey {
                y,
                backend: Backend::K1(pk),
            })
        }
        Curve::Sm2 => {
            let vk = sm2::dsa::VerifyingKey::from_sec1_bytes(crate::SM2_DEFAULT_ID, k)
                .map_err(|_| Error::InvalidPoint)?;
            use sm2::elliptic_curve::sec1::ToSec1Point;
            let unc = vk.to_sec1_point(false);
            let unc = unc.as_bytes();
            if unc.len() != 65 {
                return Err(Error::InvalidPoint);
            }
            let mut y = [0u8; 32];
            y.copy_from_slice(&unc[33..65]);
            Ok(DecodedKey {
                y,
                backend: Backend::Sm2(Box::new(vk)),
            })
        }
    }
}

/// Hits, misses and size of the decoded-key cache (process-wide).
pub fn key_cache_stats() -> CacheStats {
    let mut st = CacheStats::default();
    for sh in &cache().shards {
        let s = lock(sh);
        st.hits += s.hits;
        st.misses += s.misses;
        st.size += s.map.len();
    }
    st.hot_tables = crate::nistz::tables_alive();
    st
}

/// Empties the decoded-key cache and resets its counters.
pub fn clear_key_cache() {
    for sh in &cache().shards {
        *lock(sh) = Shard::default();
    }
}
