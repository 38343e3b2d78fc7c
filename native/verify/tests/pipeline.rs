//! Large blocks are decoded and hashed as a pipeline of 1024-transaction Merkle subtrees; the
//! result must equal the plain definition for every transaction count around the chunk edges.
use antshares_core::merkle::merkle_root;
use antshares_core::{
    decode_block_indexed, Block, Exclusive, Header, Transaction, TxAttribute, UInt160, UInt256,
    Witness,
};
use antshares_verify::verify_block;

fn remark_tx(i: usize) -> Transaction {
    let mut data = vec![0u8; 64]; // ~75 bytes a transaction: big blocks take the pipelined path
    data[..8].copy_from_slice(&(i as u64).to_le_bytes());
    Transaction {
        version: 0,
        exclusive: Exclusive::Contract,
        attributes: vec![TxAttribute { usage: 0xf0, data }],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    }
}

fn block_of(n: usize) -> Vec<u8> {
    let mut txs = vec![Transaction {
        version: 0,
        exclusive: Exclusive::Miner {
            nonce: n as u32,
            beacon: None,
        },
        attributes: vec![],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    }];
    txs.extend((1..n).map(remark_tx));
    let ids: Vec<UInt256> = txs.iter().map(|t| t.hash()).collect();
    let header = Header {
        version: 0,
        prev_hash: UInt256([7; 32]),
        merkle_root: merkle_root(&ids),
        timestamp: 1_500_000_000,
        index: 0, // genesis-like: no block witness to sign
        consensus_data: 1,
        next_consensus: UInt160([1; 20]),
        witness: Witness {
            invocation: vec![],
            verification: vec![0x51],
        },
    };
    Block {
        header,
        transactions: txs,
    }
    .to_bytes()
}

#[test]
fn pipelined_merkle_roots_and_txids_match_the_definition() {
    for n in [
        1, 2, 1023, 1024, 1025, 1026, 2047, 2048, 2049, 3073, 4097, 5000,
    ] {
        let raw = block_of(n);
        let owned = decode_block_indexed(&raw).expect("decodes");
        let report = verify_block(&raw, None);
        assert!(report.ok(), "{n} transactions: {:?}", report.error);
        assert!(report.merkle_ok, "{n} transactions: merkle");
        assert_eq!(report.txids, owned.txids, "{n} transactions: txids");
        assert_eq!(
            report.merkle_root,
            Some(merkle_root(&owned.txids)),
            "{n} transactions"
        );
    }
}

#[test]
fn a_wrong_merkle_root_is_caught_on_the_pipelined_path() {
    let mut raw = block_of(3000);
    raw[40] ^= 1; // inside the header's Merkle root
    let report = verify_block(&raw, None);
    assert!(!report.merkle_ok);
    assert!(report
        .error
        .as_deref()
        .unwrap_or("")
        .starts_with("merkle root mismatch"));
}

/// A hostile m-of-n witness whose signatures match nothing: the exact walk needs n − m + 1 checks,
/// and speculation may add at most its lookahead to each, never m × n.
#[test]
fn garbage_multisig_cost_is_bounded() {
    use antshares_crypto::{public_key_from_secret, Curve};
    use antshares_verify::{run_checks, Message, ScriptKey, SigCheck, SPECULATION};

    let (m, n) = (200usize, 400usize);
    let points: Vec<[u8; 33]> = (0..n)
        .map(|i| {
            let mut secret = [0u8; 32];
            secret[24..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            public_key_from_secret(Curve::Secp256r1, &secret).expect("key")
        })
        .collect();
    let garbage = [7u8; 64];
    let digest = [9u8; 32];
    let messages = [Message {
        bytes: b"hostile",
        sha256: &digest,
    }];
    let check = SigCheck {
        message: 0,
        m,
        keys: points
            .iter()
            .map(|p| ScriptKey {
                curve: Curve::Secp256r1,
                point: p,
            })
            .collect(),
        sigs: vec![&garbage[..]; m],
        script_id: None,
    };
    let outcome = &run_checks(&messages, std::slice::from_ref(&check))[0];
    assert!(!outcome.valid);
    assert_eq!(outcome.first_unmatched, Some(0));
    let exact = n - m + 1;
    assert!(outcome.tried >= exact, "the exact walk tries {exact} pairs");
    assert!(
        outcome.tried <= exact * SPECULATION,
        "{} pairs tried",
        outcome.tried
    );
}
