//! Bookkeeper election (SPEC §6): the native twin of `python/antshares/ledger/election.py`, which
//! is the reference. Every choice it documents is reproduced exactly:
//!
//! - **Count** ([`bookkeeper_count`]): `k` of a ballot is the number of keys it lists (active or
//!   not). Ballots laid end to end by ascending `k` cover `[0, W)`; the band `[W/4, 3W/4]` keeps
//!   the part of each ballot inside it (a ballot crossing an edge is split by weight). The
//!   weighted mean of `k` over the band is rounded half up, in exact integers (positions scaled
//!   by 4). Ballots of equal `k` are merged: their order cannot matter. No ballots: the standby
//!   count. Always `min(max(count, standby count), 1024)`.
//! - **Ranking** ([`elect`]): a ballot adds its full weight to every *active* key it lists. Only
//!   keys with votes > 0 are ranked, by votes descending, ties in multisig key order
//!   ([`antshares_crypto::compare_keys`]: X, then Y, prefix ignored, then curve tag). The list is
//!   filled with the standby keys in profile order, skipping those already chosen, then cut to
//!   the count; it is shorter only when ranked and standby keys together are too few, and never
//!   shorter than the standby list.
//! - **NextMiner** ([`next_consensus`]): the script hash of the `(n − ⌊(n−1)/3⌋)`-of-`n` multisig
//!   of the elected keys, in multisig key order.
//!
//! Inputs are checked as the reference checks them, in the same order, and refused with an
//! [`ElectionError`]; nothing here panics.
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, Hash};

use antshares_core::hash::hash160;
use antshares_core::limits::MAX_MULTISIG_KEYS;
use antshares_core::script::{multisig_script, KeyRef};
use antshares_core::UInt160;
use antshares_crypto::{compare_keys, split_key, validate_key};

use crate::fast_hash::FastMap;
use crate::rule::Violation;

/// The count never exceeds the multisig limit (1024).
pub const MAX_BOOKKEEPERS: usize = MAX_MULTISIG_KEYS;
/// SPEC §4: a Voting transaction lists 1–1024 candidates.
pub const MAX_BALLOT_CANDIDATES: usize = 1024;

/// One active Voting transaction: the voter's whole ANS shares in its unspent outputs, and the
/// public keys (33-byte P-256 or 34-byte tagged) it lists. Borrowed, so the engine can build one
/// per stored vote every block without copying keys.
#[derive(Debug)]
pub struct Ballot<'a, K = Vec<u8>> {
    pub weight: u64,
    pub candidates: &'a [K],
}

// Derived Clone/Copy would demand `K: Copy`; a borrowed ballot is always copyable.
impl<K> Clone for Ballot<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Ballot<'_, K> {}

impl<'a, K> Ballot<'a, K> {
    pub fn new(weight: u64, candidates: &'a [K]) -> Self {
        Ballot { weight, candidates }
    }
}

/// Where a refused key was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPlace {
    /// Candidate `candidate` of ballot `ballot`.
    Candidate { ballot: usize, candidate: usize },
    /// Standby key at this index.
    Standby(usize),
    /// Bookkeeper at this index (of [`next_consensus`]).
    Bookkeeper(usize),
}

impl fmt::Display for KeyPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyPlace::Candidate { ballot, candidate } => {
                write!(f, "ballot {ballot}, candidate {candidate}")
            }
            KeyPlace::Standby(i) => write!(f, "standby key {i}"),
            KeyPlace::Bookkeeper(i) => write!(f, "bookkeeper {i}"),
        }
    }
}

/// Why an election input was refused. The messages are those of the Python reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElectionError {
    /// A ballot of weight 0.
    ZeroWeight { ballot: usize },
    /// A key that is not 33 or 34 bytes long.
    KeyLength { place: KeyPlace, length: usize },
    /// A ballot listing no candidate, or more than [`MAX_BALLOT_CANDIDATES`].
    CandidateCount { ballot: usize, listed: usize },
    /// A ballot listing one key twice.
    DuplicateCandidate { ballot: usize, key: Vec<u8> },
    /// A standby count outside `1..=1024`.
    StandbyCount(usize),
    /// An empty standby list.
    NoStandbyKeys,
    /// A standby list naming one key twice.
    DuplicateStandbyKey(Vec<u8>),
    /// A voted active candidate that is not a valid public key.
    InvalidCandidate {
        key: Vec<u8>,
        reason: antshares_crypto::Error,
    },
    /// [`next_consensus`] of no keys.
    NoBookkeepers,
    /// [`next_consensus`] of more than [`MAX_BOOKKEEPERS`] keys.
    TooManyBookkeepers(usize),
    /// [`next_consensus`] of a list naming one key twice.
    DuplicateBookkeeper(Vec<u8>),
    /// [`next_consensus`] of a key that is not a valid public key.
    InvalidBookkeeper {
        key: Vec<u8>,
        reason: antshares_crypto::Error,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for ElectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElectionError::ZeroWeight { ballot } => {
                write!(
                    f,
                    "ballot {ballot}: weight must be > 0 whole ANS shares, got 0"
                )
            }
            ElectionError::KeyLength { place, length } => {
                write!(f, "{place}: a public key is 33 or 34 bytes, not {length}")
            }
            ElectionError::CandidateCount { ballot, listed } => write!(
                f,
                "ballot {ballot}: lists {listed} candidates; a Voting transaction lists \
                 1 to {MAX_BALLOT_CANDIDATES}"
            ),
            ElectionError::DuplicateCandidate { ballot, key } => {
                write!(f, "ballot {ballot}: candidate {} is listed twice", hex(key))
            }
            ElectionError::StandbyCount(n) => write!(
                f,
                "standby count must be between 1 and {MAX_BOOKKEEPERS}, got {n}"
            ),
            ElectionError::NoStandbyKeys => f.write_str("at least one standby key is needed"),
            ElectionError::DuplicateStandbyKey(key) => {
                write!(f, "standby key {} appears twice", hex(key))
            }
            ElectionError::InvalidCandidate { key, reason } => write!(
                f,
                "an active candidate has an invalid public key: {}: {reason}",
                hex(key)
            ),
            ElectionError::NoBookkeepers => {
                f.write_str("next_consensus needs at least one bookkeeper")
            }
            ElectionError::TooManyBookkeepers(n) => write!(
                f,
                "next_consensus takes at most {MAX_BOOKKEEPERS} bookkeepers, got {n}"
            ),
            ElectionError::DuplicateBookkeeper(key) => {
                write!(f, "bookkeeper {} appears twice", hex(key))
            }
            ElectionError::InvalidBookkeeper { key, reason } => {
                write!(
                    f,
                    "bookkeeper {} is an invalid public key: {reason}",
                    hex(key)
                )
            }
        }
    }
}

impl std::error::Error for ElectionError {}

impl From<ElectionError> for Violation {
    fn from(e: ElectionError) -> Self {
        Violation::new("bookkeeper-election", e.to_string())
    }
}

/// Signatures needed among `n` bookkeepers: `n − ⌊(n−1)/3⌋` (0 for no bookkeepers).
pub fn consensus_threshold(n: usize) -> usize {
    n - n.saturating_sub(1) / 3
}

fn check_key_length(key: &[u8], place: KeyPlace) -> Result<(), ElectionError> {
    match key.len() {
        33 | 34 => Ok(()),
        length => Err(ElectionError::KeyLength { place, length }),
    }
}

/// The first key (in list order) that appears again later: the one the reference names.
fn first_repeated<K: AsRef<[u8]>>(keys: &[K]) -> Option<&[u8]> {
    keys.iter().enumerate().find_map(|(i, k)| {
        let k = k.as_ref();
        keys[i + 1..].iter().any(|o| o.as_ref() == k).then_some(k)
    })
}

/// Checks every ballot as the reference does: weight, then each key's length, then the number
/// of keys, then duplicates. With `admitted` (ballots the Voting rule accepted: keys of the
/// right length, none twice) only the weight and the number of keys.
fn check_ballots<K: AsRef<[u8]>>(
    ballots: &[Ballot<'_, K>],
    admitted: bool,
) -> Result<(), ElectionError> {
    // Scratch space reused across ballots.
    let mut seen: HashSet<&[u8]> = HashSet::new();
    for (i, ballot) in ballots.iter().enumerate() {
        if ballot.weight == 0 {
            return Err(ElectionError::ZeroWeight { ballot: i });
        }
        if !admitted {
            for (j, key) in ballot.candidates.iter().enumerate() {
                let place = KeyPlace::Candidate {
                    ballot: i,
                    candidate: j,
                };
                check_key_length(key.as_ref(), place)?;
            }
        }
        let listed = ballot.candidates.len();
        if !(1..=MAX_BALLOT_CANDIDATES).contains(&listed) {
            return Err(ElectionError::CandidateCount { ballot: i, listed });
        }
        if admitted {
            continue;
        }
        seen.clear();
        if !ballot.candidates.iter().all(|k| seen.insert(k.as_ref())) {
            let key = first_repeated(ballot.candidates).unwrap_or_default();
            return Err(ElectionError::DuplicateCandidate {
                ballot: i,
                key: key.to_vec(),
            });
        }
    }
    Ok(())
}

fn check_standby_count(standby_count: usize) -> Result<(), ElectionError> {
    if (1..=MAX_BOOKKEEPERS).contains(&standby_count) {
        Ok(())
    } else {
        Err(ElectionError::StandbyCount(standby_count))
    }
}

fn check_standby_keys<K: AsRef<[u8]>>(standby: &[K]) -> Result<(), ElectionError> {
    for (i, key) in standby.iter().enumerate() {
        check_key_length(key.as_ref(), KeyPlace::Standby(i))?;
    }
    if standby.is_empty() {
        return Err(ElectionError::NoStandbyKeys);
    }
    check_standby_count(standby.len())?;
    let mut seen = HashSet::with_capacity(standby.len());
    if !standby.iter().all(|k| seen.insert(k.as_ref())) {
        let key = first_repeated(standby).unwrap_or_default();
        return Err(ElectionError::DuplicateStandbyKey(key.to_vec()));
    }
    Ok(())
}

/// The count of already-checked ballots.
fn count_checked<K>(ballots: &[Ballot<'_, K>], standby_count: usize) -> usize {
    // Equal k share one interval whatever their order, so one merged weight per k suffices.
    // u128: a sum of u64 weights times 4 × 1024 cannot overflow for any ballot list that fits
    // in memory.
    let mut weight_by_k = vec![0u128; MAX_BALLOT_CANDIDATES + 1];
    let mut total: u128 = 0;
    for ballot in ballots {
        weight_by_k[ballot.candidates.len()] += u128::from(ballot.weight);
        total += u128::from(ballot.weight);
    }
    if total == 0 {
        return standby_count;
    }
    // Positions scaled by 4 so the band [W/4, 3W/4] has integer edges [W, 3W].
    let (low, high) = (total, 3 * total);
    let mut start: u128 = 0;
    let mut weighted: u128 = 0; // Σ k × (4 × weight inside the band)
    for (k, &weight) in weight_by_k.iter().enumerate().filter(|(_, &w)| w > 0) {
        let end = start + 4 * weight;
        let inside = end.min(high).saturating_sub(start.max(low));
        weighted += k as u128 * inside;
        start = end;
    }
    // mean = weighted / (4 × W/2) = weighted / 2W; round half up = ⌊mean + 1/2⌋.
    let count = (weighted + total) / (2 * total);
    let floor = standby_count as u128;
    count.clamp(floor, MAX_BOOKKEEPERS as u128) as usize
}

/// The number of bookkeepers (SPEC §6): the round-half-up w-weighted mean `k` over the middle
/// half of the weight, at least `standby_count`, at most 1024; `standby_count` when there are no
/// ballots. `standby_count` must be 1–1024.
pub fn bookkeeper_count<K: AsRef<[u8]>>(
    ballots: &[Ballot<'_, K>],
    standby_count: usize,
) -> Result<usize, ElectionError> {
    check_standby_count(standby_count)?;
    check_ballots(ballots, false)?;
    Ok(count_checked(ballots, standby_count))
}

/// The bookkeepers of the next block (SPEC §6), in election order: voted active candidates first
/// (votes descending, ties in multisig key order), then standby keys in profile order.
///
/// Every voted active candidate must be a valid public key (as in the reference, even one ranked
/// below the cut); keys that are not active are never decoded.
pub fn elect<K, A, S, T>(
    ballots: &[Ballot<'_, K>],
    active_candidates: &HashSet<A, S>,
    standby_keys: &[T],
) -> Result<Vec<Vec<u8>>, ElectionError>
where
    K: AsRef<[u8]>,
    T: AsRef<[u8]>,
    A: Borrow<[u8]> + Eq + Hash,
    S: BuildHasher,
{
    check_ballots(ballots, false)?;
    elect_checked(ballots, active_candidates, standby_keys, true)
}

/// [`elect`] for the ledger engine, which re-elects every block that changes a ballot: its
/// ballots passed the Voting rule (1–1024 distinct candidates, positive ANS weight) and its
/// active candidates the Enrollment rule (valid P-256 keys), so only what those rules cannot
/// vouch for is checked again (weights and candidate counts, the standby list). Same result as
/// [`elect`] on such inputs (a property test compares them).
pub fn elect_admitted<K, A, S, T>(
    ballots: &[Ballot<'_, K>],
    active_candidates: &HashSet<A, S>,
    standby_keys: &[T],
) -> Result<Vec<Vec<u8>>, ElectionError>
where
    K: AsRef<[u8]>,
    T: AsRef<[u8]>,
    A: Borrow<[u8]> + Eq + Hash,
    S: BuildHasher,
{
    check_ballots(ballots, true)?;
    elect_checked(ballots, active_candidates, standby_keys, false)
}

/// The election of ballots already checked; with `validate_candidates`, every voted active
/// candidate must be a valid public key.
fn elect_checked<K, A, S, T>(
    ballots: &[Ballot<'_, K>],
    active_candidates: &HashSet<A, S>,
    standby_keys: &[T],
    validate_candidates: bool,
) -> Result<Vec<Vec<u8>>, ElectionError>
where
    K: AsRef<[u8]>,
    T: AsRef<[u8]>,
    A: Borrow<[u8]> + Eq + Hash,
    S: BuildHasher,
{
    check_standby_keys(standby_keys)?;
    let ranked = tally(ballots, active_candidates);
    if validate_candidates {
        for &(key, _) in &ranked {
            split_key(key)
                .and_then(|(curve, point)| validate_key(curve, point))
                .map_err(|reason| ElectionError::InvalidCandidate {
                    key: key.to_vec(),
                    reason,
                })?;
        }
    }
    let count = count_checked(ballots, standby_keys.len());
    Ok(choose(ranked, count, standby_keys))
}

/// Each active candidate's votes: the full weight of every ballot listing it.
fn tally<'k, K, A, S>(
    ballots: &[Ballot<'k, K>],
    active_candidates: &HashSet<A, S>,
) -> Vec<(&'k [u8], u128)>
where
    K: AsRef<[u8]>,
    A: Borrow<[u8]> + Eq + Hash,
    S: BuildHasher,
{
    let mut votes: FastMap<&[u8], u128> = FastMap::default();
    for ballot in ballots {
        for key in ballot.candidates {
            let key = key.as_ref();
            if active_candidates.contains(key) {
                *votes.entry(key).or_insert(0) += u128::from(ballot.weight);
            }
        }
    }
    votes.into_iter().collect()
}

/// The first `count` of the ranked candidates, then standby keys not already chosen.
fn choose<T: AsRef<[u8]>>(
    mut ranked: Vec<(&[u8], u128)>,
    count: usize,
    standby_keys: &[T],
) -> Vec<Vec<u8>> {
    // A total order on distinct valid keys, so an unstable sort is deterministic.
    let by_rank =
        |a: &(&[u8], u128), b: &(&[u8], u128)| b.1.cmp(&a.1).then_with(|| compare_keys(a.0, b.0));
    if ranked.len() > count {
        ranked.select_nth_unstable_by(count, by_rank);
        ranked.truncate(count);
    }
    ranked.sort_unstable_by(by_rank);

    let mut chosen: Vec<Vec<u8>> = Vec::with_capacity(count);
    chosen.extend(ranked.iter().map(|&(key, _)| key.to_vec()));
    if chosen.len() < count {
        let taken: HashSet<&[u8]> = ranked.iter().map(|&(key, _)| key).collect();
        let fill = standby_keys
            .iter()
            .map(AsRef::as_ref)
            .filter(|key| !taken.contains(key))
            .take(count - chosen.len())
            .map(<[u8]>::to_vec);
        chosen.extend(fill);
    }
    chosen
}

/// NextMiner / NextConsensus: the script hash of the `(n − ⌊(n−1)/3⌋)`-of-`n` multisig of the
/// keys, which are put in multisig key order (so the order given does not matter).
pub fn next_consensus<K: AsRef<[u8]>>(bookkeepers: &[K]) -> Result<UInt160, ElectionError> {
    for (i, key) in bookkeepers.iter().enumerate() {
        check_key_length(key.as_ref(), KeyPlace::Bookkeeper(i))?;
    }
    let n = bookkeepers.len();
    if n == 0 {
        return Err(ElectionError::NoBookkeepers);
    }
    if n > MAX_BOOKKEEPERS {
        return Err(ElectionError::TooManyBookkeepers(n));
    }
    let mut seen = HashSet::with_capacity(n);
    if !bookkeepers.iter().all(|k| seen.insert(k.as_ref())) {
        let key = first_repeated(bookkeepers).unwrap_or_default();
        return Err(ElectionError::DuplicateBookkeeper(key.to_vec()));
    }
    let invalid = |key: &[u8], reason| ElectionError::InvalidBookkeeper {
        key: key.to_vec(),
        reason,
    };
    let mut sorted: Vec<&[u8]> = bookkeepers.iter().map(AsRef::as_ref).collect();
    for &key in &sorted {
        split_key(key)
            .and_then(|(curve, point)| validate_key(curve, point))
            .map_err(|reason| invalid(key, reason))?;
    }
    sorted.sort_unstable_by(|a, b| compare_keys(a, b));
    let refs = sorted
        .iter()
        .map(|&key| {
            // Cannot fail once split_key accepted the key; mapped rather than unwrapped.
            KeyRef::from_bytes(key)
                .map_err(|_| invalid(key, antshares_crypto::Error::InvalidKeyLength(key.len())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let script = multisig_script(consensus_threshold(n), &refs)
        .map_err(|_| ElectionError::TooManyBookkeepers(n))?;
    Ok(UInt160(hash160(&script)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use antshares_crypto::{public_key_from_secret, Curve};

    fn key(i: u32) -> Vec<u8> {
        let mut secret = [0u8; 32];
        secret[28..].copy_from_slice(&i.to_be_bytes());
        public_key_from_secret(Curve::Secp256r1, &secret)
            .expect("valid secret")
            .to_vec()
    }

    /// A key of the right shape only (not a curve point): the count never decodes keys.
    fn fake_key(i: usize) -> Vec<u8> {
        let mut k = vec![2u8; 33];
        k[25..].copy_from_slice(&(i as u64).to_be_bytes());
        k
    }

    fn fake_keys(k: usize) -> Vec<Vec<u8>> {
        (0..k).map(fake_key).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn count_of(weights_and_k: &[(u64, usize)], standby: usize) -> usize {
        let lists: Vec<Vec<Vec<u8>>> = weights_and_k.iter().map(|&(_, k)| fake_keys(k)).collect();
        let ballots: Vec<Ballot<'_>> = weights_and_k
            .iter()
            .zip(&lists)
            .map(|(&(w, _), c)| Ballot::new(w, c))
            .collect();
        bookkeeper_count(&ballots, standby).expect("valid ballots")
    }

    #[test]
    fn count_splits_at_band_edges_and_rounds_half_up() {
        // W = 8, band [2, 6]: k=2 → 1, k=5 → 2, k=9 → 1; mean 21/4 = 5.25 → 5.
        assert_eq!(count_of(&[(3, 2), (2, 5), (3, 9)], 1), 5);
        // W = 2, band [0.5, 1.5]: mean (1 + 4) / 2 = 2.5 → 3 (half up, not to even).
        assert_eq!(count_of(&[(1, 1), (1, 4)], 1), 3);
        // 9/4 = 2.25 → 2.
        assert_eq!(count_of(&[(5, 2), (3, 3)], 1), 2);
        assert_eq!(count_of(&[], 7), 7);
        assert_eq!(count_of(&[(5, 3)], 7), 7);
        assert_eq!(count_of(&[(1, 1023), (1, 1024)], 1), 1024);
        // Huge weights: exact, no overflow.
        assert_eq!(count_of(&[(u64::MAX, 2), (u64::MAX, 3)], 1), 3);
        assert_eq!(count_of(&[(u64::MAX, 4), (1, 1000)], 1), 4);
    }

    #[test]
    fn mainnet_standby_keys_give_the_genesis_next_consensus() {
        let standby: Vec<Vec<u8>> = [
            "03b209fd4f53a7170ea4444e0cb0a6bb6a53c2bd016926989cf85f9b0fba17a70c",
            "02df48f60e8f3e01c48ff40b9b7f1310d7a8b2a193188befe1c2e3df740e895093",
            "03b8d9d5771d8f513aa0869b9cc8d50986403b78c6da36890638c3d46a5adce04a",
            "02ca0e27697b9c248f6f16e085fd0061e26f44da85b58ee835c110caa5ec3ba554",
            "024c7b7fb6c310fccf1ba33b082519d82964ea93868d676662d4a59ad548df0e7d",
            "02aaec38470f6aad0042c6e877cfd8087d2676b0f516fddd362801b9bd3936399e",
            "02486fd15702c4490a26703112a5cc1d0923fd697a33406bd5a1c00e0013b09a70",
        ]
        .iter()
        .map(|h| unhex(h))
        .collect();
        let chosen =
            elect::<Vec<u8>, Vec<u8>, _, _>(&[], &HashSet::new(), &standby).expect("valid");
        assert_eq!(chosen, standby);
        let nc = next_consensus(&chosen).expect("valid keys");
        assert_eq!(
            nc.0.to_vec(),
            unhex("59e75d652b5d3827bf04c165bbe9ef95cca4bf55")
        );
    }

    #[test]
    fn ranking_ties_and_standby_fill() {
        let (a, b, c) = (key(1), key(2), key(3));
        let standby = vec![key(1001), key(1002), key(1003)];
        let (ab, c_only, b_only) = (vec![a.clone(), b.clone()], vec![c.clone()], vec![b.clone()]);
        let ballots = [
            Ballot::new(5, &ab),
            Ballot::new(3, &c_only),
            Ballot::new(2, &b_only),
        ];
        let active: HashSet<Vec<u8>> = [a.clone(), b.clone(), c.clone()].into();
        // Count 3 (standby); votes b 7, a 5, c 3.
        assert_eq!(
            elect(&ballots, &active, &standby).unwrap(),
            vec![b.clone(), a.clone(), c.clone()]
        );
        // With c inactive, the fill takes the first standby key.
        let active: HashSet<Vec<u8>> = [a.clone(), b.clone()].into();
        assert_eq!(
            elect(&ballots, &active, &standby).unwrap(),
            vec![b.clone(), a.clone(), standby[0].clone()]
        );
        // Equal votes: multisig key order.
        let all: Vec<Vec<u8>> = (1..=12).map(key).collect();
        let active: HashSet<Vec<u8>> = all.iter().cloned().collect();
        let mut expected = all.clone();
        antshares_crypto::sort_keys(&mut expected).unwrap();
        let chosen = elect(&[Ballot::new(2, &all)], &active, &standby[..1]).unwrap();
        assert_eq!(chosen, expected);
    }

    #[test]
    fn admitted_election_equals_the_checked_one() {
        // Ballots as the Voting rule admits them (distinct valid keys, positive weights), some
        // candidates inactive, counts both above and below the standby count.
        let pool: Vec<Vec<u8>> = (1..=40).map(key).collect();
        let standby: Vec<Vec<u8>> = (1001..=1007).map(key).collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for round in 0..200 {
            let lists: Vec<Vec<Vec<u8>>> = (0..1 + next(30))
                .map(|_| {
                    let start = next(pool.len() as u64) as usize;
                    let len = 1 + next(12) as usize;
                    pool.iter().cycle().skip(start).take(len).cloned().collect()
                })
                .collect();
            let ballots: Vec<Ballot<'_, Vec<u8>>> = lists
                .iter()
                .map(|l| Ballot::new(1 + next(1_000_000), l))
                .collect();
            let active: HashSet<Vec<u8>> = pool.iter().filter(|_| next(4) != 0).cloned().collect();
            let standby_len = 1 + (round % standby.len());
            assert_eq!(
                elect_admitted(&ballots, &active, &standby[..standby_len]).unwrap(),
                elect(&ballots, &active, &standby[..standby_len]).unwrap(),
                "round {round}"
            );
        }
        // What the rules cannot vouch for is still refused.
        let one = vec![key(1)];
        let active: HashSet<Vec<u8>> = HashSet::new();
        assert_eq!(
            elect_admitted(&[Ballot::new(0, &one)], &active, &standby),
            Err(ElectionError::ZeroWeight { ballot: 0 })
        );
        let none: Vec<Vec<u8>> = Vec::new();
        assert!(elect_admitted(&[Ballot::new(1, &none)], &active, &standby).is_err());
        assert!(elect_admitted::<Vec<u8>, Vec<u8>, _, Vec<u8>>(&[], &active, &[]).is_err());
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let ok = vec![key(1)];
        let standby = vec![key(1001)];
        let none: HashSet<Vec<u8>> = HashSet::new();
        let err = |ballots: &[Ballot<'_>]| elect(ballots, &none, &standby).unwrap_err();
        assert_eq!(
            err(&[Ballot::new(0, &ok)]),
            ElectionError::ZeroWeight { ballot: 0 }
        );
        assert_eq!(
            err(&[Ballot::new(1, &ok), Ballot::new(1, &[])]),
            ElectionError::CandidateCount {
                ballot: 1,
                listed: 0
            }
        );
        let twice = vec![key(1), key(2), key(2), key(1)];
        assert_eq!(
            err(&[Ballot::new(1, &twice)]),
            ElectionError::DuplicateCandidate {
                ballot: 0,
                key: key(1)
            }
        );
        let short = vec![vec![2u8; 32]];
        assert!(err(&[Ballot::new(1, &short)])
            .to_string()
            .contains("ballot 0, candidate 0: a public key is 33 or 34 bytes, not 32"));
        assert_eq!(
            bookkeeper_count::<Vec<u8>>(&[], 0),
            Err(ElectionError::StandbyCount(0))
        );
        let empty: Vec<Vec<u8>> = Vec::new();
        assert_eq!(
            elect::<Vec<u8>, _, _, _>(&[], &none, &empty),
            Err(ElectionError::NoStandbyKeys)
        );
        let mut bad = vec![0xffu8; 33]; // X = 2^256 − 1 ≥ p: not on the curve
        bad[0] = 2;
        let listed = vec![bad.clone(), key(1)];
        let active: HashSet<Vec<u8>> = listed.iter().cloned().collect();
        assert!(matches!(
            elect(&[Ballot::new(1, &listed)], &active, &standby),
            Err(ElectionError::InvalidCandidate { .. })
        ));
        assert_eq!(
            next_consensus::<Vec<u8>>(&[]),
            Err(ElectionError::NoBookkeepers)
        );
        assert!(matches!(
            next_consensus(&[bad]),
            Err(ElectionError::InvalidBookkeeper { .. })
        ));
        assert!(matches!(
            next_consensus(&[key(1), key(1)]),
            Err(ElectionError::DuplicateBookkeeper(_))
        ));
        let violation: Violation = ElectionError::NoBookkeepers.into();
        assert_eq!(violation.rule, "bookkeeper-election");
    }

    #[test]
    fn consensus_threshold_matches_spec() {
        let expected = [(1, 1), (2, 2), (3, 3), (4, 3), (7, 5), (1024, 683)];
        for (n, m) in expected {
            assert_eq!(consensus_threshold(n), m, "n = {n}");
        }
    }
}
