//! `verify_headers`: consecutive headers, each linked to the one before and signed by the script
//! that one's NextConsensus names; the batch stops at the first header that is not.
use antshares_core::{hash160, Header, UInt160, UInt256, Witness};
use antshares_crypto::{public_key_from_secret, sign, Curve};
use antshares_verify::{verify_headers, ChainTip};

/// A bookkeeper set: an m-of-n multisig (or a single key when n = 1) and its secrets.
struct Keeper {
    secrets: Vec<[u8; 32]>,
    script: Vec<u8>,
    m: usize,
}

impl Keeper {
    fn new(m: usize, tags: &[u8]) -> Keeper {
        let secrets: Vec<[u8; 32]> = tags.iter().map(|t| [*t; 32]).collect();
        let keys: Vec<[u8; 33]> = secrets
            .iter()
            .map(|s| public_key_from_secret(Curve::Secp256r1, s).expect("a valid scalar"))
            .collect();
        let mut script = Vec::new();
        if keys.len() == 1 {
            script.push(0x21);
            script.extend_from_slice(&keys[0]);
            script.push(0xac);
        } else {
            script.push(0x50 + m as u8);
            for k in &keys {
                script.push(0x21);
                script.extend_from_slice(k);
            }
            script.push(0x50 + keys.len() as u8);
            script.push(0xae);
        }
        Keeper { secrets, script, m }
    }

    fn hash(&self) -> UInt160 {
        UInt160(hash160(&self.script))
    }

    /// The first m keys sign, in key order (what CHECKMULTISIG walks).
    fn witness(&self, message: &[u8]) -> Witness {
        let mut invocation = Vec::new();
        for secret in &self.secrets[..self.m] {
            invocation.push(0x40);
            invocation.extend(sign(Curve::Secp256r1, secret, message).expect("signs"));
        }
        Witness {
            invocation,
            verification: self.script.clone(),
        }
    }
}

fn keepers() -> Vec<Keeper> {
    vec![
        Keeper::new(1, &[1]),
        Keeper::new(2, &[2, 3, 4]),
        Keeper::new(1, &[5]),
    ]
}

fn start(keepers: &[Keeper]) -> ChainTip {
    ChainTip {
        hash: UInt256([7; 32]),
        height: 41,
        next_consensus: keepers[0].hash(),
    }
}

/// The header after `tip`, signed by `signer`, naming `next` as its NextConsensus.
fn header_after(tip: &ChainTip, signer: &Keeper, next: UInt160) -> Header {
    let mut header = Header {
        version: 0,
        prev_hash: tip.hash,
        merkle_root: UInt256([9; 32]),
        timestamp: 1_700_000_000,
        index: tip.height.wrapping_add(1),
        consensus_data: u64::from(tip.height),
        next_consensus: next,
        witness: Witness {
            invocation: vec![],
            verification: vec![],
        },
    };
    header.witness = signer.witness(&header.unsigned_bytes());
    header
}

/// `n` valid headers after `start`: the bookkeepers take turns, each header naming the next.
fn chain(keepers: &[Keeper], n: usize) -> Vec<Header> {
    let mut tip = start(keepers);
    let mut out = Vec::new();
    for i in 0..n {
        let signer = &keepers[i % keepers.len()];
        let header = header_after(&tip, signer, keepers[(i + 1) % keepers.len()].hash());
        tip = ChainTip {
            hash: header.hash(),
            height: header.index,
            next_consensus: header.next_consensus,
        };
        out.push(header);
    }
    out
}

fn run(headers: &[Header], previous: ChainTip) -> Vec<Result<ChainTip, String>> {
    let raws: Vec<Vec<u8>> = headers.iter().map(Header::to_bytes).collect();
    let views: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    verify_headers(&views, previous)
}

/// The batch stopped at `at` with an error containing `needle`; everything before it passed.
fn assert_stops(results: &[Result<ChainTip, String>], at: usize, needle: &str) {
    assert_eq!(results.len(), at + 1, "{results:?}");
    assert!(results[..at].iter().all(Result::is_ok), "{results:?}");
    let err = results[at].as_ref().expect_err("the header fails");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
}

#[test]
fn a_valid_chain_passes_and_reports_each_tip() {
    let keepers = keepers();
    let headers = chain(&keepers, 12);
    let results = run(&headers, start(&keepers));
    assert_eq!(results.len(), 12);
    for (r, h) in results.iter().zip(&headers) {
        let tip = r.as_ref().expect("valid");
        assert_eq!(
            (tip.hash, tip.height, tip.next_consensus),
            (h.hash(), h.index, h.next_consensus)
        );
    }
    assert!(run(&[], start(&keepers)).is_empty());
}

#[test]
fn a_tampered_signature_stops_there() {
    let keepers = keepers();
    // Header 4 is the 2-of-3 multisig's: break its second signature.
    let mut headers = chain(&keepers, 8);
    let last = headers[4].witness.invocation.len() - 1;
    headers[4].witness.invocation[last] ^= 1;
    assert_stops(
        &run(&headers, start(&keepers)),
        4,
        "block witness: signature 2 of 2",
    );
    // A single-signature header whose signature is over other bytes.
    let mut headers = chain(&keepers, 8);
    headers[3].witness = keepers[0].witness(b"something else");
    assert_stops(&run(&headers, start(&keepers)), 3, "single-signature");
}

#[test]
fn a_witness_not_matching_next_consensus_stops_there() {
    let keepers = keepers();
    let mut headers = chain(&keepers, 6);
    // Properly signed, but by a key the previous header did not name.
    let stranger = Keeper::new(1, &[99]);
    headers[2].witness = stranger.witness(&headers[2].unsigned_bytes());
    assert_stops(
        &run(&headers, start(&keepers)),
        2,
        "is not the expected NextConsensus",
    );
    // The first header is bound to `previous`'s NextConsensus.
    let mut other = start(&keepers);
    other.next_consensus = stranger.hash();
    assert_stops(
        &run(&headers, other),
        0,
        "is not the expected NextConsensus",
    );
}

#[test]
fn an_invocation_of_other_than_signature_pushes_stops_there() {
    let keepers = keepers();
    let mut headers = chain(&keepers, 6);
    // A valid signature, behind a PUSH0: the script would still run, but it is not the form.
    headers[3].witness.invocation.insert(0, 0x00);
    assert_stops(&run(&headers, start(&keepers)), 3, "not signature pushes");
    // A non-standard verification script that does hash to the NextConsensus.
    let contract = Witness {
        invocation: vec![],
        verification: vec![0x51],
    };
    let mut tip = start(&keepers);
    tip.next_consensus = contract.script_hash();
    let mut header = header_after(&tip, &keepers[0], keepers[1].hash());
    header.witness = contract;
    assert_stops(&run(&[header], tip), 0, "not a standard");
}

#[test]
fn a_broken_link_stops_there() {
    let keepers = keepers();
    let mut headers = chain(&keepers, 6);
    headers[3].prev_hash = UInt256([1; 32]);
    headers[3].witness = keepers[0].witness(&headers[3].unsigned_bytes());
    assert_stops(&run(&headers, start(&keepers)), 3, "does not follow");
    // Right parent, wrong height.
    let mut headers = chain(&keepers, 6);
    headers[1].index += 1;
    headers[1].witness = keepers[1].witness(&headers[1].unsigned_bytes());
    assert_stops(&run(&headers, start(&keepers)), 1, "does not follow");
    // A batch that does not start at `previous`.
    let headers = chain(&keepers, 3);
    assert_stops(&run(&headers[1..], start(&keepers)), 0, "does not follow");
}

#[test]
fn garbage_and_a_genesis_header_fail_without_panicking() {
    let keepers = keepers();
    let headers = chain(&keepers, 3);
    let mut raws: Vec<Vec<u8>> = headers.iter().map(Header::to_bytes).collect();
    let full = raws[1].clone();
    for cut in [0, 1, 103, 104, 105, full.len() - 1] {
        raws[1] = full[..cut].to_vec();
        let views: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
        assert_stops(
            &verify_headers(&views, start(&keepers)),
            1,
            "headers[1]: decode",
        );
    }
    raws[1] = [full.as_slice(), &[0]].concat(); // a trailing byte (the headers message's 00)
    let views: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
    assert_stops(&verify_headers(&views, start(&keepers)), 1, "trailing");
    // A genesis header after a tip at u32::MAX: index 0 does not follow (no wrap-around).
    let mut tip = start(&keepers);
    tip.height = u32::MAX;
    let mut genesis = header_after(&tip, &keepers[0], keepers[1].hash());
    assert_eq!(genesis.index, 0);
    genesis.witness = keepers[0].witness(&genesis.unsigned_bytes());
    assert_stops(&run(&[genesis], tip), 0, "does not follow");
}
