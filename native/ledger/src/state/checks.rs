//! Loose transactions against the tip (what a mempool admits, SPEC §4): each one checked alone,
//! as if it were the only transaction of the next block, under every rule a block's transaction
//! meets. Not cumulative — a mempool settles conflicts between its own transactions — and
//! changes nothing.
//!
//! Three phases, as for a batch of blocks, so the caller can release the GIL around the heavy
//! ones: [`prepare_transactions`] (decode, the rules of the bytes alone, every witness in one
//! parallel batch: no state), [`PreparedTxs::needs`] → store reads → [`Ledger::supply`], then
//! [`Ledger::check_transactions`] (the state rules).
use std::collections::HashSet;

use antshares_core::io::Reader;
use antshares_core::{hash256, sha256, Transaction, TxType, UInt256};
use antshares_verify::verify_transactions;
use rayon::prelude::*;

use super::apply::spends;
use super::overlay::{Overlay, View};
use super::params::violation;
use super::tx::{check_form, check_tx};
use super::Ledger;
use crate::rule::Violation;
use crate::utxo::OutPoint;

/// The verdict on one loose transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxCheck {
    /// Internal byte order; `None` when the bytes do not decode.
    pub txid: Option<UInt256>,
    /// SHA-256 of the complete bytes (witnesses included); `None` when they do not decode.
    pub wtxid: Option<[u8; 32]>,
    pub size: usize,
    /// ANC in − ANC out − service fee, in satoshi (SPEC §4); 0 when rejected.
    pub byte_fee: i64,
    /// `None`: valid against the tip.
    pub violation: Option<Violation>,
}

/// A transaction that decoded.
struct Candidate {
    tx: Transaction,
    txid: UInt256,
    wtxid: [u8; 32],
    /// The first rule it broke before the state was read (form, witnesses).
    early: Option<Violation>,
}

struct Item {
    size: usize,
    /// The decoded transaction, or why its bytes are not one.
    decoded: Result<Candidate, Violation>,
}

/// Loose transactions decoded and (unless trusted) signature-checked, ready for
/// [`Ledger::check_transactions`].
pub struct PreparedTxs {
    items: Vec<Item>,
}

fn decode(raw: &[u8]) -> Item {
    let size = raw.len();
    let mut r = Reader::new(raw);
    let decoded = match Transaction::decode(&mut r) {
        Ok(_) if !r.is_empty() => Err(violation(
            "tx-decode",
            format!("{} trailing bytes after the transaction", r.remaining()),
        )),
        Ok((tx, span)) => {
            let early = standalone_form(&tx, size).err();
            Ok(Candidate {
                txid: UInt256(hash256(&raw[span.unsigned()])),
                wtxid: sha256(raw),
                tx,
                early,
            })
        }
        Err(e) => Err(violation("tx-decode", e.to_string())),
    };
    Item { size, decoded }
}

/// The rules of the bytes alone, checked before any signature: a MinerTransaction exists only
/// inside its block, and the block rules of type and size.
fn standalone_form(tx: &Transaction, size: usize) -> Result<(), Violation> {
    if tx.tx_type() == TxType::Miner {
        return Err(violation(
            "tx-type",
            "a MinerTransaction exists only as the first transaction of its block",
        ));
    }
    check_form(tx, size)
}

/// Decodes every raw transaction (complete bytes, nothing after) and, with `verify_signatures`,
/// checks every witness of those that passed the rules of the bytes alone — orders' witnesses
/// included — in one parallel batch. Needs no state.
pub fn prepare_transactions(raws: &[&[u8]], verify_signatures: bool) -> PreparedTxs {
    let mut items: Vec<Item> = raws.par_iter().map(|raw| decode(raw)).collect();
    if verify_signatures {
        let todo: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| matches!(&item.decoded, Ok(c) if c.early.is_none()))
            .map(|(i, _)| i)
            .collect();
        let slices: Vec<&[u8]> = todo.iter().map(|&i| raws[i]).collect();
        for (i, report) in todo.into_iter().zip(verify_transactions(&slices)) {
            if let (Some(e), Ok(c)) = (report.error, &mut items[i].decoded) {
                // The same rule and wording as a bad witness of a block's transaction.
                c.early = Some(violation("witness-signature", e));
            }
        }
    }
    PreparedTxs { items }
}

impl PreparedTxs {
    /// Transactions still to be checked against the state.
    fn live(&self) -> impl Iterator<Item = &Candidate> {
        self.items
            .iter()
            .filter_map(|item| item.decoded.as_ref().ok())
            .filter(|c| c.early.is_none())
    }

    /// The outpoints the live transactions spend and their input-less txids, each once (the
    /// caller passes the outpoints through `Ledger::missing_outpoints`).
    pub fn needs(&self) -> (Vec<OutPoint>, Vec<UInt256>) {
        let mut spent = Vec::new();
        let mut inputless = Vec::new();
        let mut seen = HashSet::new();
        for c in self.live() {
            let before = spent.len();
            spent.extend(spends(&c.tx));
            if spent.len() == before && seen.insert(c.txid) {
                inputless.push(c.txid);
            }
        }
        (spent, inputless)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Ledger {
    /// Checks each prepared transaction alone against the tip state, with every rule of a
    /// block's transaction at the next height; one verdict per transaction, in order. Changes
    /// nothing. Fails only without a genesis.
    pub fn check_transactions(
        &mut self,
        prepared: &PreparedTxs,
    ) -> Result<Vec<TxCheck>, Violation> {
        let height = self
            .tip
            .as_ref()
            .ok_or_else(|| violation("genesis", "no genesis applied"))?
            .height
            .wrapping_add(1);
        // The checks only read (effects are never committed), so one empty overlay stands for
        // each transaction's fresh block and the UTXO cache needs no block of its own.
        let overlay = Overlay::default();
        let mut out = Vec::with_capacity(prepared.items.len());
        for item in &prepared.items {
            let c = match &item.decoded {
                Ok(c) => c,
                Err(v) => {
                    out.push(TxCheck {
                        txid: None,
                        wtxid: None,
                        size: item.size,
                        byte_fee: 0,
                        violation: Some(v.clone()),
                    });
                    continue;
                }
            };
            let verdict = match &c.early {
                Some(v) => Err(v.clone()),
                None => {
                    let scripts = self.script_infos(&c.tx);
                    let view = View {
                        ledger: self,
                        overlay: &overlay,
                    };
                    check_tx(&view, &c.tx, c.txid, item.size, height, &scripts)
                        .map(|effect| effect.byte_fee)
                }
            };
            let (byte_fee, violation) = match verdict {
                Ok(fee) => (fee, None),
                Err(v) => (0, Some(v)),
            };
            out.push(TxCheck {
                txid: Some(c.txid),
                wtxid: Some(c.wtxid),
                size: item.size,
                byte_fee,
                violation,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use antshares_core::exclusive::EcPoint;
    use antshares_core::{
        hash160, CoinReference, Exclusive, RegisterData, TxOutput, UInt160, Witness,
    };
    use antshares_crypto::{public_key_from_secret, sign, Curve};

    use super::*;
    use crate::state::records::ASSET_ANC;
    use crate::state::{AssetState, ChainParams, NativeAssets, ServiceFees, Tip};
    use crate::utxo::{Coin, Lookup};

    const ANC: UInt256 = UInt256([0xc3; 32]);
    const COIN: i64 = 100_000_000;

    struct Signer {
        secret: [u8; 32],
        key: [u8; 33],
        script: Vec<u8>,
    }

    impl Signer {
        fn new(tag: u8) -> Signer {
            let secret = [tag; 32];
            let key = public_key_from_secret(Curve::Secp256r1, &secret).expect("a valid scalar");
            let mut script = vec![0x21];
            script.extend_from_slice(&key);
            script.push(0xac);
            Signer {
                secret,
                key,
                script,
            }
        }

        fn hash(&self) -> UInt160 {
            UInt160(hash160(&self.script))
        }

        fn witness(&self, message: &[u8]) -> Witness {
            let mut invocation = vec![0x40];
            invocation.extend(sign(Curve::Secp256r1, &self.secret, message).expect("signs"));
            Witness {
                invocation,
                verification: self.script.clone(),
            }
        }
    }

    /// A ledger at height 5 that knows ANC, and the "store" behind it: 10 ANC of alice's at
    /// `funded()`.
    fn chain() -> (Ledger, HashMap<OutPoint, Coin>) {
        let keeper = Signer::new(9);
        let fees = ServiceFees {
            register: 5 * COIN,
            issue: 3 * COIN,
            enrollment: 2 * COIN,
            voting: COIN,
        };
        let params = ChainParams::new(&[keeper.key.to_vec()], fees, 10 * COIN).expect("params");
        let mut ledger = Ledger::new(params, 1 << 20);
        ledger.native = NativeAssets {
            ans: UInt256([0xa5; 32]),
            anc: ANC,
        };
        let register = RegisterData {
            asset_type: ASSET_ANC,
            name: "ANC".into(),
            amount: 100_000_000 * COIN,
            precision: 8,
            owner: EcPoint::Infinity,
            admin: UInt160::default(),
        };
        ledger.assets.insert(
            ANC,
            AssetState {
                register,
                issued: 0,
            },
        );
        ledger.tip = Some(Tip {
            height: 5,
            hash: UInt256([5; 32]),
            timestamp: 1_500_000_000,
            next_consensus: keeper.hash(),
        });
        let coin = Coin {
            asset_id: ANC,
            value: 10 * COIN,
            script_hash: Signer::new(1).hash(),
            height: 1,
        };
        (ledger, HashMap::from([(funded(), coin)]))
    }

    fn funded() -> OutPoint {
        OutPoint::new(UInt256([0xaa; 32]), 0)
    }

    /// Spends `input`, pays `value` ANC to bob, signed by `signers`.
    fn pay(input: OutPoint, value: i64, signers: &[&Signer]) -> Transaction {
        let mut tx = Transaction {
            version: 0,
            exclusive: Exclusive::Contract,
            attributes: vec![],
            inputs: vec![CoinReference {
                prev_hash: input.txid,
                prev_index: input.index,
            }],
            outputs: vec![TxOutput {
                asset_id: ANC,
                value,
                script_hash: Signer::new(2).hash(),
            }],
            witnesses: vec![],
        };
        let message = tx.unsigned_bytes();
        tx.witnesses = signers.iter().map(|s| s.witness(&message)).collect();
        tx
    }

    /// The three phases, the store answering for what the cache lacks (input-less txids are
    /// in it when listed in `known`).
    fn check_with(
        ledger: &mut Ledger,
        store: &HashMap<OutPoint, Coin>,
        known: &[UInt256],
        raws: &[Vec<u8>],
        verify: bool,
    ) -> Vec<TxCheck> {
        let slices: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
        let prepared = prepare_transactions(&slices, verify);
        assert_eq!(prepared.len(), raws.len());
        let (spent, txids) = prepared.needs();
        let missing = ledger.missing_outpoints(&spent);
        let coins = missing.iter().map(|op| (*op, store.get(op).copied()));
        let flags = txids.iter().map(|id| (*id, known.contains(id)));
        ledger.supply(coins.collect(), flags.collect());
        ledger.check_transactions(&prepared).expect("a tip")
    }

    fn check(
        ledger: &mut Ledger,
        store: &HashMap<OutPoint, Coin>,
        raws: &[Vec<u8>],
    ) -> Vec<TxCheck> {
        check_with(ledger, store, &[], raws, true)
    }

    fn rule(c: &TxCheck) -> Option<&'static str> {
        c.violation.as_ref().map(|v| v.rule)
    }

    #[test]
    fn a_valid_transfer_passes_with_its_byte_fee() {
        let (mut ledger, store) = chain();
        let tx = pay(funded(), 9 * COIN, &[&Signer::new(1)]);
        let raw = tx.to_bytes();
        let [c] = check(&mut ledger, &store, std::slice::from_ref(&raw))
            .try_into()
            .expect("one");
        assert_eq!(c.violation, None);
        assert_eq!(c.byte_fee, COIN);
        assert_eq!(c.txid, Some(tx.hash()));
        assert_eq!(c.wtxid, Some(sha256(&raw)));
        assert_eq!(c.size, raw.len());
        // Nothing changed: the coin is still unspent, and the same check passes again.
        assert!(matches!(ledger.utxos.peek(&funded()), Lookup::Unspent(_)));
        assert_eq!(check(&mut ledger, &store, &[raw]), vec![c]);
    }

    #[test]
    fn a_bad_signature_fails_unless_signatures_are_trusted() {
        let (mut ledger, store) = chain();
        let mut tx = pay(funded(), 9 * COIN, &[&Signer::new(1)]);
        tx.witnesses[0].invocation[20] ^= 1;
        let raws = [tx.to_bytes()];
        let [c] = check(&mut ledger, &store, &raws).try_into().expect("one");
        assert_eq!(rule(&c), Some("witness-signature"));
        assert_eq!(c.byte_fee, 0);
        assert_eq!(c.txid, Some(tx.hash()));
        let detail = &c.violation.as_ref().expect("rejected").detail;
        assert!(detail.starts_with("witnesses[0]: "), "{detail}");
        // Trusted: only the state rules run, and they pass.
        let [c] = check_with(&mut ledger, &store, &[], &raws, false)
            .try_into()
            .expect("one");
        assert_eq!(c.violation, None);
        assert_eq!(c.byte_fee, COIN);
    }

    #[test]
    fn required_signers_are_a_state_rule_in_both_modes() {
        let (mut ledger, store) = chain();
        // A valid signature, by someone who does not own the coin.
        let raws = [pay(funded(), 9 * COIN, &[&Signer::new(3)]).to_bytes()];
        for verify in [true, false] {
            let checks = check_with(&mut ledger, &store, &[], &raws, verify);
            assert_eq!(rule(&checks[0]), Some("witness-set"), "verify {verify}");
        }
    }

    #[test]
    fn a_missing_input_fails() {
        let (mut ledger, store) = chain();
        let nowhere = OutPoint::new(UInt256([0xbb; 32]), 3);
        let raws = [pay(nowhere, COIN, &[&Signer::new(1)]).to_bytes()];
        let checks = check(&mut ledger, &store, &raws);
        assert_eq!(rule(&checks[0]), Some("spent-or-missing-input"));
    }

    #[test]
    fn transactions_are_checked_independently() {
        let (mut ledger, store) = chain();
        let alice = Signer::new(1);
        let first = pay(funded(), 9 * COIN, &[&alice]).to_bytes();
        let second = pay(funded(), 8 * COIN, &[&alice]).to_bytes();
        let checks = check(&mut ledger, &store, &[first, second]);
        assert_eq!(checks.iter().map(rule).collect::<Vec<_>>(), [None, None]);
        assert_eq!(checks[1].byte_fee, 2 * COIN);
    }

    #[test]
    fn an_inputless_txid_already_in_the_chain_is_a_duplicate() {
        let (mut ledger, store) = chain();
        let tx = Transaction {
            version: 0,
            exclusive: Exclusive::Contract,
            attributes: vec![],
            inputs: vec![],
            outputs: vec![],
            witnesses: vec![],
        };
        let raws = [tx.to_bytes()];
        let fresh = check(&mut ledger, &store, &raws);
        assert_eq!(fresh[0].violation, None);
        let (mut ledger, store) = chain();
        let known = check_with(&mut ledger, &store, &[tx.hash()], &raws, true);
        assert_eq!(rule(&known[0]), Some("tx-duplicate"));
    }

    #[test]
    fn miner_transactions_oversize_and_garbage_are_rejected_before_the_state() {
        let (mut ledger, store) = chain();
        let miner = Transaction {
            version: 0,
            exclusive: Exclusive::Miner {
                nonce: 7,
                beacon: None,
            },
            attributes: vec![],
            inputs: vec![],
            outputs: vec![],
            witnesses: vec![],
        };
        // About 2 MB of outputs: over the 1 MB limit, whatever its signature.
        let mut big = pay(funded(), COIN, &[&Signer::new(1)]);
        big.outputs = vec![big.outputs[0]; 35_000];
        let mut trailing = pay(funded(), COIN, &[&Signer::new(1)]).to_bytes();
        trailing.push(0);
        let raws = [
            miner.to_bytes(),
            big.to_bytes(),
            vec![],
            vec![0x80],
            vec![0xff; 1000],
            trailing,
        ];
        let checks = check(&mut ledger, &store, &raws);
        let rules: Vec<_> = checks.iter().map(rule).collect();
        assert_eq!(
            rules,
            [
                Some("tx-type"),
                Some("tx-size"),
                Some("tx-decode"),
                Some("tx-decode"),
                Some("tx-decode"),
                Some("tx-decode"),
            ]
        );
        assert_eq!(checks[0].txid, Some(miner.hash()));
        assert!(checks[2..]
            .iter()
            .all(|c| c.txid.is_none() && c.wtxid.is_none()));
        assert_eq!(checks[4].size, 1000);
    }

    #[test]
    fn a_standard_script_with_a_bare_push_is_not_a_signature() {
        let (mut ledger, store) = chain();
        let mut tx = pay(funded(), 9 * COIN, &[&Signer::new(1)]);
        tx.witnesses[0].invocation = vec![0x00];
        let checks = check(&mut ledger, &store, &[tx.to_bytes()]);
        assert_eq!(rule(&checks[0]), Some("witness-signature"));
    }

    #[test]
    fn without_a_genesis_nothing_is_checked() {
        let params = ChainParams::new(&[Signer::new(9).key.to_vec()], ServiceFees::default(), 0)
            .expect("params");
        let mut empty = Ledger::new(params, 1 << 20);
        let prepared = prepare_transactions(&[], true);
        assert!(prepared.is_empty());
        assert!(empty.check_transactions(&prepared).is_err());
    }
}
