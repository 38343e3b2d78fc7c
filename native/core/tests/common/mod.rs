#![allow(dead_code)]
use std::path::PathBuf;

pub fn shared_dir() -> PathBuf {
    match std::env::var_os("ANTSHARES_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

pub fn hex(s: &str) -> Vec<u8> {
    antshares_core::uint::parse_hex(s.trim()).unwrap_or_else(|| panic!("bad hex in test data"))
}

pub fn to_hex(b: &[u8]) -> String {
    antshares_core::uint::to_hex(b)
}

pub fn vectors() -> Vec<serde_json::Value> {
    let p = shared_dir().join("vectors/vectors.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("vectors.json")
}

/// (file name, raw block bytes) for every block in vectors/blocks/.
pub fn block_files() -> Vec<(String, Vec<u8>)> {
    let dir = shared_dir().join("vectors/blocks");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "hex"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, hex(&std::fs::read_to_string(&p).unwrap()))
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no block files in {}", dir.display());
    v
}

/// Tiny deterministic PRNG (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
