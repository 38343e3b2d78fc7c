//! Loose transactions (`verify_transactions`) and blocks that reuse their verdicts
//! (`verify_chain_reusing`): a verified wtxid skips exactly that transaction's witnesses, never a
//! transaction with the same txid but other witness bytes.
use antshares_core::merkle::merkle_root;
use antshares_core::{
    hash160, sha256, AgencyData, Block, CoinReference, Exclusive, Header, Order, Transaction,
    TxOutput, UInt160, UInt256, Witness,
};
use antshares_crypto::{public_key_from_secret, sign, Curve};
use antshares_verify::{verify_chain_reusing, verify_transactions, VerifiedSet};

struct Signer {
    secret: [u8; 32],
    script: Vec<u8>,
}

impl Signer {
    fn new(tag: u8) -> Signer {
        let secret = [tag; 32];
        let key = public_key_from_secret(Curve::Secp256r1, &secret).expect("a valid scalar");
        let mut script = vec![0x21];
        script.extend_from_slice(&key);
        script.push(0xac);
        Signer { secret, script }
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

/// A Contract transaction signed by `signers`, in the order given.
fn signed(tag: u8, signers: &[&Signer]) -> Transaction {
    let mut tx = Transaction {
        version: 0,
        exclusive: Exclusive::Contract,
        attributes: vec![],
        inputs: vec![CoinReference {
            prev_hash: UInt256([tag; 32]),
            prev_index: 0,
        }],
        outputs: vec![TxOutput {
            asset_id: UInt256([0xc3; 32]),
            value: 100_000_000,
            script_hash: UInt160([tag; 20]),
        }],
        witnesses: vec![],
    };
    let message = tx.unsigned_bytes();
    tx.witnesses = signers.iter().map(|s| s.witness(&message)).collect();
    tx
}

fn tampered(tx: &Transaction) -> Transaction {
    let mut bad = tx.clone();
    let last = bad.witnesses[0].invocation.len() - 1;
    bad.witnesses[0].invocation[last] ^= 1;
    bad
}

/// A block at height 0 (no block witness to check) holding a MinerTransaction and `txs`.
fn block_of(txs: &[Transaction]) -> Vec<u8> {
    let mut all = vec![Transaction {
        version: 0,
        exclusive: Exclusive::Miner {
            nonce: 1,
            beacon: None,
        },
        attributes: vec![],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    }];
    all.extend_from_slice(txs);
    let ids: Vec<UInt256> = all.iter().map(Transaction::hash).collect();
    Block {
        header: Header {
            version: 0,
            prev_hash: UInt256([7; 32]),
            merkle_root: merkle_root(&ids),
            timestamp: 1_500_000_000,
            index: 0,
            consensus_data: 1,
            next_consensus: UInt160([1; 20]),
            witness: Witness {
                invocation: vec![],
                verification: vec![0x51],
            },
        },
        transactions: all,
    }
    .to_bytes()
}

fn wtxid(tx: &Transaction) -> [u8; 32] {
    sha256(&tx.to_bytes())
}

#[test]
fn loose_transactions_are_checked_each_with_its_own_verdict() {
    let alice = Signer::new(1);
    let good = signed(1, &[&alice]);
    let bad = tampered(&good);
    let raws = [good.to_bytes(), bad.to_bytes()];
    let slices: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    let reports = verify_transactions(&slices);
    assert!(reports[0].ok(), "{:?}", reports[0].error);
    assert_eq!(reports[0].signatures_valid, 1);
    let error = reports[1].error.as_deref().unwrap_or("");
    assert!(
        error.starts_with("witnesses[0]: signature 1 of 1 matches no remaining key"),
        "{error}"
    );
}

#[test]
fn witness_order_and_invocation_form_are_rules_of_the_batch() {
    let (a, b) = (Signer::new(1), Signer::new(2));
    let (low, high) = if a.hash() < b.hash() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let sorted = signed(3, &[low, high]);
    let unsorted = signed(3, &[high, low]);
    let mut pushed_zero = signed(4, &[&a]);
    pushed_zero.witnesses[0].invocation = vec![0x00];
    let raws = [
        sorted.to_bytes(),
        unsorted.to_bytes(),
        pushed_zero.to_bytes(),
    ];
    let slices: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    let reports = verify_transactions(&slices);
    assert!(reports[0].ok(), "{:?}", reports[0].error);
    assert_eq!(reports[0].signatures_valid, 2);
    assert!(reports[1]
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("witnesses[1] is not sorted after witnesses[0]")));
    // A standard script fed anything but signature pushes fails: it must not count as signed.
    assert!(reports[2]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("invocation script is not signature pushes")));
}

#[test]
fn garbage_and_trailing_bytes_do_not_decode() {
    let mut trailing = signed(1, &[&Signer::new(1)]).to_bytes();
    trailing.push(0);
    let raws: [&[u8]; 4] = [&[], &[0x80], &[0xff; 300], &trailing];
    for report in verify_transactions(&raws) {
        assert!(report
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("decode: ")));
    }
    assert!(verify_transactions(&[]).is_empty());
}

#[test]
fn agency_order_witnesses_are_in_the_batch() {
    let (agent, seller, buyer) = (Signer::new(1), Signer::new(2), Signer::new(3));
    let order = |client: &Signer, amount: i64, tag: u8| Order {
        amount,
        price: 100_000_000,
        client: client.hash(),
        inputs: vec![CoinReference {
            prev_hash: UInt256([tag; 32]),
            prev_index: 0,
        }],
        witnesses: vec![],
    };
    let mut data = AgencyData {
        asset_id: UInt256([0xa1; 32]),
        value_asset_id: UInt256([0xb2; 32]),
        agent: agent.hash(),
        orders: vec![
            order(&seller, -100_000_000, 8),
            order(&buyer, 100_000_000, 9),
        ],
        split_order: None,
    };
    let signers = [&seller, &buyer];
    for (o, client) in signers.iter().enumerate() {
        let message = data.order_signed_bytes(&data.orders[o]);
        data.orders[o].witnesses = vec![client.witness(&message)];
    }
    let mut tx = Transaction {
        version: 0,
        exclusive: Exclusive::Agency(data.clone()),
        attributes: vec![],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    };
    tx.witnesses = vec![agent.witness(&tx.unsigned_bytes())];
    // The order witnesses are part of the unsigned bytes: the agent signs the forged one.
    let mut forged = tx.clone();
    if let Exclusive::Agency(d) = &mut forged.exclusive {
        d.orders[1].witnesses[0].invocation[10] ^= 1;
    }
    forged.witnesses = vec![agent.witness(&forged.unsigned_bytes())];
    let raws = [tx.to_bytes(), forged.to_bytes()];
    let slices: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    let reports = verify_transactions(&slices);
    assert!(reports[0].ok(), "{:?}", reports[0].error);
    assert_eq!(reports[0].signatures_valid, 3);
    assert!(reports[1]
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("orders[1].witnesses[0]: ")));
}

#[test]
fn a_verified_wtxid_skips_exactly_that_transaction() {
    let alice = Signer::new(1);
    let good = signed(1, &[&alice]);
    let bad = tampered(&good);
    assert_eq!(
        good.hash(),
        bad.hash(),
        "witnesses are not part of the txid"
    );
    let raw = block_of(std::slice::from_ref(&bad));
    let check = |set: Option<&VerifiedSet>| verify_chain_reusing(&[&raw], None, set).remove(0);

    // Checked as usual without a set, or with an empty one.
    for set in [None, Some(VerifiedSet::new())] {
        let report = check(set.as_ref());
        assert!(report
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("transactions[1].witnesses[0]: ")));
        assert_eq!(report.signatures_reused, 0);
    }
    // The same txid verified with other witness bytes: still checked, still rejected.
    let other: VerifiedSet = [wtxid(&good)].into();
    let report = check(Some(&other));
    assert!(!report.ok());
    assert_eq!(report.signatures_checked, 1);
    assert_eq!(report.signatures_reused, 0);
    // Its exact bytes verified: skipped (the skip is real: this signature is bad).
    let exact: VerifiedSet = [wtxid(&bad)].into();
    let report = check(Some(&exact));
    assert!(report.ok(), "{:?}", report.error);
    assert!(report.merkle_ok);
    assert_eq!(report.signatures_checked, 0);
    assert_eq!(report.signatures_reused, 1);
}
