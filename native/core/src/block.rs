//! Block headers, blocks and the P2P `headers` payload.
use crate::error::{Result, Within};
use crate::hash::hash256;
use crate::io::{write_var_int, Reader};
use crate::limits::*;
use crate::merkle::merkle_root;
use crate::transaction::{Transaction, TxSpan, TxView, Witness};
use crate::uint::{UInt160, UInt256};

/// Length of the unsigned header (hashed for the block hash, signed by validators).
pub const HEADER_UNSIGNED_LEN: usize = 104;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub prev_hash: UInt256,
    pub merkle_root: UInt256,
    pub timestamp: u32,
    pub index: u32,
    pub consensus_data: u64,
    pub next_consensus: UInt160,
    pub witness: Witness,
}

impl Header {
    /// The 104 unsigned bytes.
    pub fn unsigned_bytes(&self) -> [u8; HEADER_UNSIGNED_LEN] {
        let mut b = [0u8; HEADER_UNSIGNED_LEN];
        b[0..4].copy_from_slice(&self.version.to_le_bytes());
        b[4..36].copy_from_slice(&self.prev_hash.0);
        b[36..68].copy_from_slice(&self.merkle_root.0);
        b[68..72].copy_from_slice(&self.timestamp.to_le_bytes());
        b[72..76].copy_from_slice(&self.index.to_le_bytes());
        b[76..84].copy_from_slice(&self.consensus_data.to_le_bytes());
        b[84..104].copy_from_slice(&self.next_consensus.0);
        b
    }

    /// Block hash (internal order) = hash256 of the 104 unsigned bytes.
    pub fn hash(&self) -> UInt256 {
        UInt256(hash256(&self.unsigned_bytes()))
    }

    /// Decodes the unsigned header, the `01` separator and the witness.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let version = r.u32("version")?;
        let prev_hash = UInt256(r.array("prev_hash")?);
        let merkle_root = UInt256(r.array("merkle_root")?);
        let timestamp = r.u32("timestamp")?;
        let index = r.u32("index")?;
        let consensus_data = r.u64("consensus_data")?;
        let next_consensus = UInt160(r.array("next_consensus")?);
        let at = r.pos();
        let sep = r.u8("witness_count")?;
        if sep != 1 {
            return r.err(
                "witness_count",
                at,
                format!("header witness count must be 1, got {sep}"),
            );
        }
        let witness = Witness::decode(r).within("witness", None)?;
        Ok(Header {
            version,
            prev_hash,
            merkle_root,
            timestamp,
            index,
            consensus_data,
            next_consensus,
            witness,
        })
    }

    /// Appends unsigned header ‖ `01` ‖ witness (no tx count).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.unsigned_bytes());
        out.push(1);
        self.witness.encode(out);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(
            HEADER_UNSIGNED_LEN
                + 1
                + 4
                + self.witness.invocation.len()
                + self.witness.verification.len(),
        );
        self.encode(&mut v);
        v
    }

    /// Decodes exactly one header (header ‖ `01` ‖ witness), no trailing bytes.
    pub fn from_bytes(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(buf);
        let h = Header::decode(&mut r)?;
        if !r.is_empty() {
            return r.err(
                "header",
                r.pos(),
                format!("{} trailing bytes", r.remaining()),
            );
        }
        Ok(h)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub header: Header,
    pub transactions: Vec<Transaction>,
}

/// A decoded block with what the verifier needs without re-serializing: the block hash, each
/// transaction's txid and its byte span in the source buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedBlock {
    pub block: Block,
    pub hash: UInt256,
    /// txids (internal order), one per transaction.
    pub txids: Vec<UInt256>,
    /// Byte spans of each transaction in the decoded buffer.
    pub spans: Vec<TxSpan>,
}

impl IndexedBlock {
    /// Merkle root recomputed from the txids.
    pub fn compute_merkle_root(&self) -> UInt256 {
        merkle_root(&self.txids)
    }
}

impl Block {
    pub fn hash(&self) -> UInt256 {
        self.header.hash()
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        self.header.encode(out);
        write_var_int(out, self.transactions.len() as u64);
        for tx in &self.transactions {
            tx.encode(out);
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(1024);
        self.encode(&mut v);
        v
    }

    /// Merkle root recomputed from the transactions (re-serializes each one).
    pub fn compute_merkle_root(&self) -> UInt256 {
        let ids: Vec<UInt256> = self.transactions.iter().map(|t| t.hash()).collect();
        merkle_root(&ids)
    }
}

/// Decodes a full block's frame: header, transaction count, each transaction through `each`
/// (given the reader, the transaction's index and the count), no trailing bytes.
fn decode_block_with<'a>(
    buf: &'a [u8],
    mut each: impl FnMut(&mut Reader<'a>, usize, usize) -> Result<()>,
) -> Result<(Header, usize)> {
    let mut r = Reader::new(buf);
    let header = Header::decode(&mut r)?;
    let at = r.pos();
    let n = r.count(
        "transactions",
        MAX_BLOCK_TRANSACTIONS,
        min_size::TRANSACTION,
    )?;
    if n == 0 {
        return r.err("transactions", at, "a block needs at least one transaction");
    }
    for i in 0..n {
        each(&mut r, i, n)?;
    }
    if !r.is_empty() {
        return r.err(
            "block",
            r.pos(),
            format!("{} trailing bytes", r.remaining()),
        );
    }
    Ok((header, n))
}

/// Decodes a full block (no trailing bytes allowed) and indexes it.
pub fn decode_block_indexed(buf: &[u8]) -> Result<IndexedBlock> {
    let mut transactions = Vec::new();
    let mut txids = Vec::new();
    let mut spans = Vec::new();
    let (header, _) = decode_block_with(buf, |r, i, n| {
        if i == 0 {
            transactions.reserve_exact(n);
            txids.reserve_exact(n);
            spans.reserve_exact(n);
        }
        let (tx, span) = Transaction::decode(r).within("transactions", Some(i))?;
        txids.push(UInt256(hash256(&buf[span.unsigned()])));
        transactions.push(tx);
        spans.push(span);
        Ok(())
    })?;
    let hash = UInt256(hash256(&buf[..HEADER_UNSIGNED_LEN]));
    Ok(IndexedBlock {
        block: Block {
            header,
            transactions,
        },
        hash,
        txids,
        spans,
    })
}

/// A block validated exactly like [`decode_block_indexed`] (same rules, same errors) without
/// copying its transactions or hashing them: the header, the block hash and a [`TxView`] per
/// transaction. The caller hashes the spans (in parallel, once for both the signed-message
/// digest and the txid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockView<'a> {
    pub header: Header,
    pub hash: UInt256,
    pub transactions: Vec<TxView<'a>>,
}

/// Decodes a full block into a [`BlockView`] (no trailing bytes allowed).
pub fn decode_block_view(buf: &[u8]) -> Result<BlockView<'_>> {
    decode_block_view_with(buf, |_, _, _| {})
}

/// [`decode_block_view`], calling `on_tx(index, count, tx)` as each transaction is decoded (a
/// caller can start hashing before the whole block is read). On an error the calls made so far
/// describe transactions that were valid on their own.
pub fn decode_block_view_with<'a>(
    buf: &'a [u8],
    mut on_tx: impl FnMut(usize, usize, &TxView<'a>),
) -> Result<BlockView<'a>> {
    let mut transactions = Vec::new();
    let (header, n) = decode_block_with(buf, |r, i, n| {
        if i == 0 {
            transactions.reserve_exact(n);
        }
        let tx = Transaction::decode_view(r).within("transactions", Some(i))?;
        on_tx(i, n, &tx);
        transactions.push(tx);
        Ok(())
    })?;
    debug_assert_eq!(n, transactions.len());
    let hash = UInt256(hash256(&buf[..HEADER_UNSIGNED_LEN]));
    Ok(BlockView {
        header,
        hash,
        transactions,
    })
}

/// Decodes a full block (no trailing bytes allowed).
pub fn decode_block(buf: &[u8]) -> Result<Block> {
    decode_block_indexed(buf).map(|b| b.block)
}

/// Decodes a P2P `headers` payload: count (≤ 2000), then each header followed by a `00` byte.
pub fn decode_headers_payload(buf: &[u8]) -> Result<Vec<Header>> {
    let mut r = Reader::new(buf);
    let n = r.count("headers", MAX_HEADERS, min_size::HEADER_IN_PAYLOAD)?;
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        let h = Header::decode(&mut r).within("headers", Some(i))?;
        let at = r.pos();
        let c = r.u8("tx_count").within("headers", Some(i))?;
        if c != 0 {
            return Err(crate::error::DecodeError::new(
                "tx_count",
                at,
                format!("header tx count must be 0, got {c}"),
            ))
            .within("headers", Some(i));
        }
        v.push(h);
    }
    if !r.is_empty() {
        return r.err(
            "headers",
            r.pos(),
            format!("{} trailing bytes", r.remaining()),
        );
    }
    Ok(v)
}

/// Encodes a P2P `headers` payload.
pub fn encode_headers_payload(headers: &[Header]) -> Vec<u8> {
    let mut out = Vec::with_capacity(3 + headers.len() * 700);
    write_var_int(&mut out, headers.len() as u64);
    for h in headers {
        h.encode(&mut out);
        out.push(0);
    }
    out
}
