//! Binding of the ledger engine (`antshares_ledger::state`): whole batches of raw blocks per
//! call, the GIL released while blocks are decoded, verified and applied; store reads come
//! back through one Python callback per batch.
use antshares_core::io::Reader;
use antshares_core::{
    decode_block_indexed, decode_transaction, Exclusive, Header, RevealedSecret, UInt160, UInt256,
};
use antshares_ledger::state::{
    apply_prepared, chain_tip_of, decode_keys, inputless_txids, prepare, prepare_reusing,
    prepare_transactions, spent_outpoints, BlockError, ChainParams, Ledger, Prepared, ServiceFees,
    Tip,
};
use antshares_ledger::{Coin, OutPoint, OUTPOINT_SIZE};
use antshares_verify::VerifiedSet;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

fn value_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn hash32(b: &[u8], what: &str) -> PyResult<UInt256> {
    UInt256::from_slice(b)
        .ok_or_else(|| value_err(format!("{what} needs 32 bytes, got {}", b.len())))
}

fn error_dict<'py>(py: Python<'py>, e: &BlockError) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("height", e.height)?;
    d.set_item("block_hash", e.block_hash.map(|h| PyBytes::new(py, &h.0)))?;
    d.set_item("tx_index", e.tx_index)?;
    d.set_item("txid", e.txid.map(|h| PyBytes::new(py, &h.0)))?;
    d.set_item("rule", e.violation.rule)?;
    d.set_item("detail", &e.violation.detail)?;
    d.set_item("message", e.to_string())?;
    Ok(d)
}

/// The wtxids of `verified` (an iterable of 32-byte bytes); None when it holds none, so the
/// verifier hashes nothing extra.
fn verified_set(verified: Option<&Bound<'_, PyAny>>) -> PyResult<Option<VerifiedSet>> {
    let Some(obj) = verified.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let mut set = VerifiedSet::new();
    for item in obj.try_iter()? {
        let item = item?;
        let b = item
            .cast::<PyBytes>()
            .map_err(|_| value_err("verified wtxids must be bytes"))?
            .as_bytes();
        let id: [u8; 32] = b
            .try_into()
            .map_err(|_| value_err(format!("a wtxid needs 32 bytes, got {}", b.len())))?;
        set.insert(id);
    }
    Ok((!set.is_empty()).then_some(set))
}

/// Calls `reader(outpoint_keys, txids)` for what the ledger lacks and feeds the answers back.
fn feed(
    py: Python<'_>,
    ledger: &mut Ledger,
    spent: &[OutPoint],
    txids: &[UInt256],
    reader: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let missing = ledger.missing_outpoints(spent);
    if missing.is_empty() && txids.is_empty() {
        return Ok(());
    }
    let mut keys = Vec::with_capacity(missing.len() * OUTPOINT_SIZE);
    for op in &missing {
        keys.extend_from_slice(&op.encode());
    }
    let ids: Vec<u8> = txids.iter().flat_map(|t| t.0).collect();
    let answer = reader.call1((PyBytes::new(py, &keys), PyBytes::new(py, &ids)))?;
    let (coins, known): (Bound<'_, PyAny>, Bound<'_, PyAny>) = answer.extract()?;
    if coins.len()? != missing.len() || known.len()? != txids.len() {
        return Err(value_err("reader returned the wrong number of answers"));
    }
    let mut supplied = Vec::with_capacity(missing.len());
    for (op, item) in missing.iter().zip(coins.try_iter()?) {
        let item = item?;
        let coin = if item.is_none() {
            None
        } else {
            let b = item
                .cast::<PyBytes>()
                .map_err(|_| value_err("reader coins must be bytes or None"))?;
            Some(Coin::decode(b.as_bytes()).map_err(value_err)?)
        };
        supplied.push((*op, coin));
    }
    let mut flags = Vec::with_capacity(txids.len());
    for (id, item) in txids.iter().zip(known.try_iter()?) {
        flags.push((*id, item?.is_truthy()?));
    }
    ledger.supply(supplied, flags);
    Ok(())
}

/// The ledger state machine of one node (SPEC §4–§7), mirroring its store.
#[pyclass(name = "Ledger", module = "antshares_native._native")]
struct PyLedger {
    inner: Ledger,
}

impl PyLedger {
    fn apply<'py>(
        &mut self,
        py: Python<'py>,
        prepared: Prepared,
        reader: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ledger = &mut self.inner;
        let (spent, txids) = py.detach(|| prepared.needs());
        feed(py, ledger, &spent, &txids, reader)?;
        let outcome = py.detach(|| apply_prepared(ledger, prepared));
        let d = PyDict::new(py);
        d.set_item("applied", outcome.applied)?;
        d.set_item("transactions", outcome.transactions)?;
        d.set_item("signatures", outcome.signatures)?;
        d.set_item("reused", outcome.reused)?;
        match &outcome.error {
            Some(e) => d.set_item("error", error_dict(py, e)?)?,
            None => d.set_item("error", py.None())?,
        }
        Ok(d)
    }
}

/// Blocks decoded and (unless trusted) signature-checked, ready for Ledger.apply_prepared.
#[pyclass(name = "PreparedBlocks", module = "antshares_native._native")]
struct PyPrepared {
    inner: Option<Prepared>,
}

#[pymethods]
impl PyPrepared {
    fn __len__(&self) -> usize {
        self.inner.as_ref().map_or(0, Prepared::len)
    }
}

/// prepare_blocks(blocks, verify_signatures, previous_block, verified=None) -> PreparedBlocks:
/// decodes the blocks and checks all their signatures in one parallel batch (the GIL released),
/// chained from `previous_block` (the raw block before them; None for a chain starting at
/// genesis). The witnesses of transactions whose wtxid (SHA-256 of their complete bytes) is in
/// `verified` are taken as verified. Needs no ledger: the next batch is prepared while this one
/// is applied.
#[pyfunction]
#[pyo3(signature = (blocks, verify_signatures, previous_block, verified=None))]
fn prepare_blocks(
    py: Python<'_>,
    blocks: Vec<Vec<u8>>,
    verify_signatures: bool,
    previous_block: Option<&[u8]>,
    verified: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPrepared> {
    let previous = match previous_block {
        Some(raw) => Some(chain_tip_of(
            &Header::decode(&mut Reader::new(raw)).map_err(value_err)?,
        )),
        None => None,
    };
    let verified = verified_set(verified)?;
    Ok(PyPrepared {
        inner: Some(
            py.detach(|| prepare_reusing(blocks, previous, verify_signatures, verified.as_ref())),
        ),
    })
}

#[pymethods]
impl PyLedger {
    /// Ledger(standby_keys, fees=(register, issue, enrollment, voting), min_deposit,
    /// utxo_cache_bytes): amounts in ANC satoshi.
    #[new]
    fn new(
        standby_keys: Vec<Vec<u8>>,
        fees: (i64, i64, i64, i64),
        min_deposit: i64,
        utxo_cache_bytes: usize,
    ) -> PyResult<Self> {
        let fees = ServiceFees {
            register: fees.0,
            issue: fees.1,
            enrollment: fees.2,
            voting: fees.3,
        };
        let params = ChainParams::new(&standby_keys, fees, min_deposit).map_err(value_err)?;
        Ok(PyLedger {
            inner: Ledger::new(params, utxo_cache_bytes),
        })
    }

    /// Loads one state table's entries, as the store holds them.
    fn load_table(&mut self, table: &str, items: Vec<(Vec<u8>, Vec<u8>)>) -> PyResult<()> {
        let l = &mut self.inner;
        match table {
            "ans_holders" => {
                let mut holders = Vec::with_capacity(items.len());
                for (k, v) in items {
                    let mut key: [u8; 20] = k
                        .as_slice()
                        .try_into()
                        .map_err(|_| value_err("holder key needs 20 bytes"))?;
                    key.reverse();
                    let balance = u64::from_be_bytes(
                        v.as_slice()
                            .try_into()
                            .map_err(|_| value_err("holder value needs 8 bytes"))?,
                    );
                    holders.push((UInt160(key), balance));
                }
                l.load_holders(holders).map_err(value_err)
            }
            "assets" | "enrollments" | "ballots" | "agency_splits" => {
                for (k, v) in items {
                    let id = hash32(&k, table)?;
                    match table {
                        "assets" => l.load_asset(id, &v),
                        "enrollments" => l.load_enrollment(id, &v),
                        "ballots" => l.load_ballot(id, &v),
                        _ => l.load_split(id, &v),
                    }
                    .map_err(value_err)?;
                }
                Ok(())
            }
            _ => Err(value_err(format!("no loadable table {table:?}"))),
        }
    }

    fn load_totals(&mut self, minted: u64, burned: u64) -> PyResult<()> {
        self.inner.load_totals(minted, burned).map_err(value_err)
    }

    /// load_tip(tip_block, bookkeepers, beacon, genesis_hash): the raw tip block, the
    /// bookkeepers record of the next height, the tip's beacon record (None at the genesis).
    fn load_tip(
        &mut self,
        tip_block: &[u8],
        bookkeepers: &[u8],
        beacon: Option<&[u8]>,
        genesis_hash: &[u8],
    ) -> PyResult<()> {
        let header = Header::decode(&mut Reader::new(tip_block)).map_err(value_err)?;
        let tip = Tip {
            height: header.index,
            hash: header.hash(),
            timestamp: header.timestamp,
            next_consensus: header.next_consensus,
        };
        let keepers = decode_keys(bookkeepers).map_err(value_err)?;
        let beacon = match beacon {
            None => None,
            Some(b) if b.len() > 32 => {
                let tx = decode_transaction(&b[32..]).map_err(value_err)?;
                match tx.exclusive {
                    Exclusive::Miner { beacon, .. } => beacon,
                    _ => return Err(value_err("beacon record does not hold a MinerTransaction")),
                }
            }
            Some(_) => return Err(value_err("beacon record too short")),
        };
        self.inner
            .load_tip(tip, keepers, beacon, hash32(genesis_hash, "genesis hash")?)
            .map_err(value_err)
    }

    /// Applies the genesis block; returns None, or the rejection as a dict.
    fn apply_genesis<'py>(
        &mut self,
        py: Python<'py>,
        raw: &[u8],
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let block = decode_block_indexed(raw).map_err(value_err)?;
        match self.inner.apply_genesis(raw, &block) {
            Ok(()) => Ok(None),
            Err(e) => Ok(Some(error_dict(py, &e)?)),
        }
    }

    /// apply_batch(blocks, verify_signatures, reader) -> dict(applied, transactions,
    /// signatures, reused, error): prepare_blocks() from the tip, then apply_prepared().
    fn apply_batch<'py>(
        &mut self,
        py: Python<'py>,
        blocks: Vec<Vec<u8>>,
        verify_signatures: bool,
        reader: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let previous = self.inner.tip().map(|t| antshares_verify::ChainTip {
            hash: t.hash,
            height: t.height,
            next_consensus: t.next_consensus,
        });
        let prepared = py.detach(|| prepare(blocks, previous, verify_signatures));
        self.apply(py, prepared, reader)
    }

    /// apply_prepared(prepared, reader) -> dict(applied, transactions, signatures, reused, error):
    /// asks `reader(outpoint_keys, txids) -> (coins, known)` once for the store's UTXOs and
    /// input-less txids, then applies the blocks in order up to the first rejected. A batch is
    /// applied once.
    fn apply_prepared<'py>(
        &mut self,
        py: Python<'py>,
        prepared: &mut PyPrepared,
        reader: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let prepared = prepared
            .inner
            .take()
            .ok_or_else(|| value_err("this batch was already applied"))?;
        self.apply(py, prepared, reader)
    }

    /// propose(transactions, secrets, reader) -> dict: what the next block must hold with these
    /// candidates (raw transactions, in order) and these revealed secrets [(dealer, secret)].
    fn propose<'py>(
        &mut self,
        py: Python<'py>,
        transactions: Vec<Vec<u8>>,
        secrets: Vec<(u16, Vec<u8>)>,
        reader: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mut txs = Vec::with_capacity(transactions.len());
        for (i, raw) in transactions.iter().enumerate() {
            txs.push(
                decode_transaction(raw).map_err(|e| value_err(format!("transaction {i}: {e}")))?,
            );
        }
        let txids: Vec<UInt256> = txs.iter().map(|tx| tx.hash()).collect();
        let spent = spent_outpoints(&txs);
        let inputless = inputless_txids(&txs, &txids);
        let candidates: Vec<_> = txs
            .into_iter()
            .zip(txids)
            .zip(&transactions)
            .map(|((tx, txid), raw)| (tx, txid, raw.len()))
            .collect();
        let secrets: Vec<RevealedSecret> = secrets
            .into_iter()
            .map(|(dealer, s)| {
                Ok(RevealedSecret {
                    dealer,
                    secret: s
                        .as_slice()
                        .try_into()
                        .map_err(|_| value_err("a secret needs 32 bytes"))?,
                })
            })
            .collect::<PyResult<_>>()?;
        let ledger = &mut self.inner;
        feed(py, ledger, &spent, &inputless, reader)?;
        let p = py
            .detach(|| ledger.propose(&candidates, &secrets))
            .map_err(value_err)?;
        let d = PyDict::new(py);
        d.set_item("height", p.height)?;
        d.set_item("prev_hash", PyBytes::new(py, &p.prev_hash.0))?;
        d.set_item("included", p.included)?;
        let rejected = PyList::empty(py);
        for (i, v) in &p.rejected {
            rejected.append((i, v.rule, &v.detail))?;
        }
        d.set_item("rejected", rejected)?;
        let outputs = PyList::empty(py);
        for o in &p.miner_outputs {
            outputs.append((
                PyBytes::new(py, &o.asset_id.0),
                o.value,
                PyBytes::new(py, &o.script_hash.0),
            ))?;
        }
        d.set_item("miner_outputs", outputs)?;
        d.set_item("random", PyBytes::new(py, &p.random))?;
        d.set_item("nonce", p.nonce)?;
        d.set_item("next_consensus", PyBytes::new(py, &p.next_consensus.0))?;
        d.set_item(
            "bookkeepers",
            p.bookkeepers
                .iter()
                .map(|k| PyBytes::new(py, k))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "next_bookkeepers",
            p.next_bookkeepers
                .iter()
                .map(|k| PyBytes::new(py, k))
                .collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    /// check_transactions(transactions, verify_signatures, reader) -> [(txid, wtxid, size,
    /// byte_fee, rule, detail)]: each raw transaction checked alone against the tip, as the only
    /// transaction of the next block (not cumulative); rule and detail are None when it is
    /// valid, txid and wtxid None when it does not decode. With `verify_signatures` every witness
    /// is checked in one parallel batch (the GIL released); without, only the state rules run.
    /// Changes nothing; `reader` answers as for apply_prepared.
    fn check_transactions<'py>(
        &mut self,
        py: Python<'py>,
        transactions: Vec<Vec<u8>>,
        verify_signatures: bool,
        reader: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let (prepared, spent, inputless) = py.detach(|| {
            let slices: Vec<&[u8]> = transactions.iter().map(Vec::as_slice).collect();
            let prepared = prepare_transactions(&slices, verify_signatures);
            let (spent, inputless) = prepared.needs();
            (prepared, spent, inputless)
        });
        let ledger = &mut self.inner;
        feed(py, ledger, &spent, &inputless, reader)?;
        let checks = py
            .detach(|| ledger.check_transactions(&prepared))
            .map_err(value_err)?;
        let out = PyList::empty(py);
        for c in &checks {
            let rule = c.violation.as_ref().map(|v| v.rule);
            let detail = c.violation.as_ref().map(|v| v.detail.as_str());
            out.append((
                c.txid.map(|t| PyBytes::new(py, &t.0)),
                c.wtxid.map(|w| PyBytes::new(py, &w)),
                c.size,
                c.byte_fee,
                rule,
                detail,
            ))?;
        }
        Ok(out)
    }

    /// take_writes() -> [(table name, [(key, value), ...] puts, [key, ...] deletes, bytes of
    /// the puts), ...]: everything to commit, in one transaction.
    fn take_writes<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let writes = self
            .inner
            .take_writes()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let out = PyList::empty(py);
        for (table, items) in writes.into_tables() {
            let puts = PyList::empty(py);
            let deletes = PyList::empty(py);
            let mut size = 0usize;
            for (k, v) in items {
                let key = PyBytes::new(py, &k);
                match v {
                    Some(v) => {
                        size += k.len() + v.len();
                        puts.append(PyTuple::new(
                            py,
                            [key.into_any(), PyBytes::new(py, &v).into_any()],
                        )?)?;
                    }
                    None => deletes.append(key)?,
                }
            }
            out.append((table.name(), puts, deletes, size))?;
        }
        Ok(out)
    }

    /// The writes of take_writes() are committed.
    fn writes_committed(&mut self) -> PyResult<()> {
        self.inner
            .writes_committed()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// Tip height, None before the genesis.
    #[getter]
    fn height(&self) -> Option<u32> {
        self.inner.tip().map(|t| t.height)
    }

    /// Timestamp of the tip block, None before the genesis.
    #[getter]
    fn tip_timestamp(&self) -> Option<u32> {
        self.inner.tip().map(|t| t.timestamp)
    }

    #[getter]
    fn tip_hash<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner.tip().map(|t| PyBytes::new(py, &t.hash.0))
    }

    /// Bookkeepers of the next block, in election order.
    #[getter]
    fn bookkeepers<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.inner
            .bookkeepers()
            .iter()
            .map(|k| PyBytes::new(py, k))
            .collect()
    }

    /// (ANC minted, ANC burned), satoshi.
    #[getter]
    fn totals(&self) -> (u64, u64) {
        self.inner.totals()
    }

    /// (ANS asset id, ANC asset id).
    #[getter]
    fn native_assets<'py>(&self, py: Python<'py>) -> (Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
        let n = self.inner.native_assets();
        (PyBytes::new(py, &n.ans.0), PyBytes::new(py, &n.anc.0))
    }

    /// Number of ANS holders and their whole shares in total.
    #[getter]
    fn holders(&self) -> (usize, u128) {
        (self.inner.holders().len(), self.inner.holders().total())
    }

    /// Bytes the UTXO cache holds now, and its budget.
    #[getter]
    fn utxo_cache_usage(&self) -> (usize, usize) {
        let c = self.inner.utxo_cache();
        (c.memory_usage(), c.memory_budget())
    }

    /// Active enrollments and ballots.
    #[getter]
    fn election_state(&self) -> (usize, usize) {
        (self.inner.enrollment_count(), self.inner.ballot_count())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLedger>()?;
    m.add_class::<PyPrepared>()?;
    m.add_function(wrap_pyfunction!(prepare_blocks, m)?)
}
