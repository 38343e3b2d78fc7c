//! The hash maps of hot paths: foldhash, seeded at random per process (fast on 20–34-byte
//! keys, unlike SipHash, and still not predictable by whoever crafts txids).
use std::collections::{HashMap, HashSet};

pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;
