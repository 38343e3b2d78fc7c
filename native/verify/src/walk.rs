//! CHECKMULTISIG over a batch: many witnesses, all their signature checks in parallel rounds.
//!
//! The script walk (format-1x §4) tries signature i against key j, advancing the signature on a
//! match and the key always, failing once fewer keys than signatures remain. That greedy walk
//! succeeds exactly when the signatures can be matched to strictly increasing keys, so any such
//! matching proves validity and the order of the tries does not change the verdict.
//!
//! Each round submits, for every unfinished witness, the pairs along the "everything matches from
//! here" path — first guided by the key pattern that last satisfied the same script (consecutive
//! blocks are mostly signed by the same bookkeepers) — and verifies them together on all cores.
//! A mismatch resumes the exact greedy walk from the first pair that failed.
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use antshares_crypto::{verify_batch, Curve, VerifyItem};

/// One public key of a verification script.
#[derive(Debug, Clone, Copy)]
pub struct ScriptKey<'a> {
    pub curve: Curve,
    /// 33-byte compressed point.
    pub point: &'a [u8],
}

/// The signed message: its bytes and, for P-256/secp256k1, their SHA-256.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub bytes: &'a [u8],
    pub sha256: &'a [u8; 32],
}

/// One witness to evaluate: `sigs` against the m-of-n `keys` (single-signature: m = n = 1).
#[derive(Debug, Clone)]
pub struct SigCheck<'a> {
    pub message: usize,
    pub m: usize,
    pub keys: Vec<ScriptKey<'a>>,
    pub sigs: Vec<&'a [u8]>,
    /// Identifies the script for the pattern hint (its script hash); None disables the hint.
    pub script_id: Option<[u8; 20]>,
}

/// The verdict on one witness.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckOutcome {
    pub valid: bool,
    /// Key index matched by each matched signature, in order.
    pub matched_keys: Vec<u16>,
    /// Signatures matched to a key.
    pub matched: usize,
    /// Index of the first signature that matched no key (when invalid with the right count).
    pub first_unmatched: Option<usize>,
    /// (signature, key) pairs verified for this witness, speculation included.
    pub tried: usize,
}

const HINT_CAPACITY: usize = 4096;
/// Pairs a walk submits ahead of its next exact step in one round.
pub const SPECULATION: usize = 16;

fn hints() -> &'static Mutex<HashMap<[u8; 20], Vec<u16>>> {
    static HINTS: OnceLock<Mutex<HashMap<[u8; 20], Vec<u16>>>> = OnceLock::new();
    HINTS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Forgets the learned signer patterns (benchmarks use it to measure cold verification).
pub fn clear_hints() {
    if let Ok(mut h) = hints().lock() {
        h.clear();
    }
}

#[derive(Debug)]
struct Walk {
    /// Next signature and key of the exact greedy walk.
    sig: usize,
    key: usize,
    matched_keys: Vec<u16>,
    /// Results already computed for (sig, key) pairs: speculation can cover later steps.
    known: HashMap<(usize, usize), bool>,
    /// The first round's guided path (sig i ↔ path[i]); None once it failed or was not used.
    guided: Option<Vec<u16>>,
    outcome: Option<CheckOutcome>,
}

impl Walk {
    fn new(check: &SigCheck<'_>, hint: Option<Vec<u16>>) -> Walk {
        let n = check.keys.len();
        let mut w = Walk {
            sig: 0,
            key: 0,
            matched_keys: Vec::with_capacity(check.m),
            known: HashMap::new(),
            guided: None,
            outcome: None,
        };
        if check.m == 0 || check.m > n || check.sigs.len() != check.m {
            w.outcome = Some(CheckOutcome::default());
        } else if let Some(path) = hint {
            let increasing = path.windows(2).all(|p| p[0] < p[1]);
            if path.len() == check.m && increasing && path.last().is_some_and(|&k| (k as usize) < n)
            {
                w.guided = Some(path);
            }
        }
        w
    }

    fn finish(&self, valid: bool, first_unmatched: Option<usize>) -> CheckOutcome {
        CheckOutcome {
            valid,
            matched_keys: self.matched_keys.clone(),
            matched: self.matched_keys.len(),
            first_unmatched,
            tried: self.known.len(),
        }
    }

    /// The pairs this walk wants verified in the next round.
    fn wanted(&self, check: &SigCheck<'_>, out: &mut Vec<(usize, usize)>) {
        if self.outcome.is_some() {
            return;
        }
        if let Some(path) = &self.guided {
            out.extend(path.iter().enumerate().map(|(i, &k)| (i, k as usize)));
            return;
        }
        // Bounded lookahead: a mismatch wastes at most the rest of its diagonal, so a hostile
        // m-of-n script costs O(n · SPECULATION) checks, not O(m · n).
        let steps = (check.m - self.sig)
            .min(check.keys.len() - self.key)
            .min(SPECULATION);
        for t in 0..steps {
            let pair = (self.sig + t, self.key + t);
            if !self.known.contains_key(&pair) {
                out.push(pair);
            }
        }
    }

    /// Advances with the results known so far; returns once it needs more.
    fn advance(&mut self, check: &SigCheck<'_>) {
        if self.outcome.is_some() {
            return;
        }
        if let Some(path) = &self.guided {
            let mut all_ok = true;
            for (i, &k) in path.iter().enumerate() {
                match self.known.get(&(i, k as usize)) {
                    None => return, // its round has not run yet
                    Some(false) => all_ok = false,
                    Some(true) => {}
                }
            }
            if all_ok {
                self.matched_keys = path.clone();
                self.outcome = Some(self.finish(true, None));
                return;
            }
            self.guided = None; // a stale pattern: fall back to the exact walk
        }
        let n = check.keys.len();
        while let Some(&ok) = self.known.get(&(self.sig, self.key)) {
            if ok {
                self.matched_keys.push(self.key as u16);
                self.sig += 1;
            }
            self.key += 1;
            if self.sig == check.m {
                self.outcome = Some(self.finish(true, None));
                return;
            }
            if n - self.key < check.m - self.sig {
                self.outcome = Some(self.finish(false, Some(self.sig)));
                return;
            }
        }
    }
}

/// Evaluates every check; all signature verifications of a round run in one parallel batch.
pub fn run_checks(messages: &[Message<'_>], checks: &[SigCheck<'_>]) -> Vec<CheckOutcome> {
    let mut walks: Vec<Walk> = {
        let table = hints().lock().ok();
        checks
            .iter()
            .map(|c| {
                let hint = match (&table, c.script_id, c.keys.len() > c.m) {
                    (Some(t), Some(id), true) => t.get(&id).cloned(),
                    _ => None,
                };
                Walk::new(c, hint)
            })
            .collect()
    };
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    let mut wanted: Vec<(usize, usize)> = Vec::new();
    loop {
        pairs.clear();
        for (w, (walk, check)) in walks.iter_mut().zip(checks).enumerate() {
            walk.advance(check);
            wanted.clear();
            walk.wanted(check, &mut wanted);
            pairs.extend(wanted.iter().map(|&(s, k)| (w, s, k)));
        }
        if pairs.is_empty() {
            break;
        }
        let items: Vec<VerifyItem<'_>> = pairs
            .iter()
            .map(|&(w, s, k)| {
                let check = &checks[w];
                let key = check.keys[k];
                let msg = &messages[check.message];
                VerifyItem::with_sha256(key.curve, key.point, msg.bytes, msg.sha256, check.sigs[s])
            })
            .collect();
        let results = verify_batch(&items);
        for (&(w, s, k), ok) in pairs.iter().zip(results) {
            walks[w].known.insert((s, k), ok);
        }
    }
    remember_patterns(checks, &walks);
    walks
        .into_iter()
        .map(|w| w.outcome.unwrap_or_default())
        .collect()
}

fn remember_patterns(checks: &[SigCheck<'_>], walks: &[Walk]) {
    let Ok(mut table) = hints().lock() else {
        return;
    };
    for (check, walk) in checks.iter().zip(walks) {
        let (Some(id), Some(outcome)) = (check.script_id, &walk.outcome) else {
            continue;
        };
        if outcome.valid && check.keys.len() > check.m {
            if table.len() >= HINT_CAPACITY && !table.contains_key(&id) {
                table.clear();
            }
            table.insert(id, outcome.matched_keys.clone());
        }
    }
}
