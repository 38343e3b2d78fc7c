//! `Header`, `Block` and the headers payload. Both cache the block hash; a `Block` holds its
//! transactions as `Transaction` objects sharing their cached bytes.
use super::convert::{bytes, hash_of, list_of, one_of};
use super::errors::{decode_err, value_err};
use super::parts::PyWitness;
use super::transaction::PyTransaction;
use super::uint::{u160, u256, PyUInt160, PyUInt256};
use antshares_core::block::Header;
use antshares_core::io::write_var_int;
use antshares_core::{
    decode_block_indexed, decode_headers_payload as core_decode_headers, merkle, UInt256,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

#[pyclass(frozen, name = "Header", module = "antshares_native._native")]
pub struct PyHeader {
    header: Header,
    hash: UInt256,
}

impl PyHeader {
    fn from_core(header: Header) -> Self {
        let hash = header.hash();
        PyHeader { header, hash }
    }

    pub fn core(&self) -> &Header {
        &self.header
    }
}

#[pymethods]
impl PyHeader {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        version: u32,
        prev_hash: &Bound<'_, PyAny>,
        merkle_root: &Bound<'_, PyAny>,
        timestamp: u32,
        index: u32,
        consensus_data: u64,
        next_consensus: &Bound<'_, PyAny>,
        witness: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let witness = one_of::<PyWitness, _>(witness, "witness", |w| w.get().0.clone())?;
        Ok(PyHeader::from_core(Header {
            version,
            prev_hash: u256(prev_hash, "prev_hash")?,
            merkle_root: u256(merkle_root, "merkle_root")?,
            timestamp,
            index,
            consensus_data,
            next_consensus: u160(next_consensus, "next_consensus")?,
            witness,
        }))
    }

    /// Decodes header ‖ `01` ‖ witness (no tx count); trailing bytes are an error.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Header::from_bytes(data)
            .map(PyHeader::from_core)
            .map_err(|e| decode_err(py, &e))
    }

    #[getter]
    fn version(&self) -> u32 {
        self.header.version
    }
    #[getter]
    fn prev_hash(&self) -> PyUInt256 {
        PyUInt256(self.header.prev_hash)
    }
    #[getter]
    fn merkle_root(&self) -> PyUInt256 {
        PyUInt256(self.header.merkle_root)
    }
    #[getter]
    fn timestamp(&self) -> u32 {
        self.header.timestamp
    }
    #[getter]
    fn index(&self) -> u32 {
        self.header.index
    }
    #[getter]
    fn consensus_data(&self) -> u64 {
        self.header.consensus_data
    }
    #[getter]
    fn next_consensus(&self) -> PyUInt160 {
        PyUInt160(self.header.next_consensus)
    }
    #[getter]
    fn witness(&self) -> PyWitness {
        PyWitness(self.header.witness.clone())
    }
    #[getter]
    fn hash(&self) -> PyUInt256 {
        PyUInt256(self.hash)
    }

    /// The 104 unsigned bytes (hashed for the block hash, signed by the validators).
    fn unsigned_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.header.unsigned_bytes())
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.header.to_bytes())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyHeader>()
            .is_ok_and(|o| o.get().header == self.header)
    }

    fn __hash__(&self) -> u64 {
        hash_of(&self.hash.0)
    }

    fn __repr__(&self) -> String {
        format!("Header(index={}, hash='{}')", self.header.index, self.hash)
    }
}

#[pyclass(frozen, name = "Block", module = "antshares_native._native")]
pub struct PyBlock {
    header: Py<PyHeader>,
    transactions: Vec<Py<PyTransaction>>,
}

impl PyBlock {
    fn txids(&self, py: Python<'_>) -> Vec<UInt256> {
        self.transactions
            .iter()
            .map(|t| t.bind(py).get().id())
            .collect()
    }

    fn serialize(&self, py: Python<'_>) -> Vec<u8> {
        let total: usize = self
            .transactions
            .iter()
            .map(|t| t.bind(py).get().raw().len())
            .sum();
        let mut out = Vec::with_capacity(total + 1024);
        self.header.bind(py).get().header.encode(&mut out);
        write_var_int(&mut out, self.transactions.len() as u64);
        for t in &self.transactions {
            out.extend_from_slice(t.bind(py).get().raw());
        }
        out
    }
}

#[pymethods]
impl PyBlock {
    #[new]
    fn new(header: &Bound<'_, PyAny>, transactions: &Bound<'_, PyAny>) -> PyResult<Self> {
        let header = one_of::<PyHeader, _>(header, "header", |h| h.clone().unbind())?;
        let txs =
            list_of::<PyTransaction, _>(transactions, "transactions", |t| t.clone().unbind())?;
        let max = antshares_core::limits::MAX_BLOCK_TRANSACTIONS;
        if txs.is_empty() || txs.len() > max {
            return Err(value_err(format!(
                "a block needs 1..={max} transactions, got {}",
                txs.len()
            )));
        }
        Ok(PyBlock {
            header,
            transactions: txs,
        })
    }

    /// Decodes a full block (trailing bytes are an error). The GIL is released while decoding.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let ib = py
            .detach(|| decode_block_indexed(data))
            .map_err(|e| decode_err(py, &e))?;
        let header = Py::new(
            py,
            PyHeader {
                header: ib.block.header,
                hash: ib.hash,
            },
        )?;
        let mut transactions = Vec::with_capacity(ib.block.transactions.len());
        for ((tx, span), hash) in ib
            .block
            .transactions
            .into_iter()
            .zip(&ib.spans)
            .zip(&ib.txids)
        {
            transactions.push(Py::new(
                py,
                PyTransaction::from_decoded(
                    tx,
                    data[span.full()].to_vec(),
                    span.unsigned_end - span.start,
                    *hash,
                ),
            )?);
        }
        Ok(PyBlock {
            header,
            transactions,
        })
    }

    #[getter]
    fn header(&self, py: Python<'_>) -> Py<PyHeader> {
        self.header.clone_ref(py)
    }

    #[getter]
    fn transactions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.transactions.iter().map(|t| t.bind(py)))
    }

    #[getter]
    fn hash(&self, py: Python<'_>) -> PyUInt256 {
        PyUInt256(self.header.bind(py).get().hash)
    }

    #[getter]
    fn index(&self, py: Python<'_>) -> u32 {
        self.header.bind(py).get().header.index
    }

    #[getter]
    fn timestamp(&self, py: Python<'_>) -> u32 {
        self.header.bind(py).get().header.timestamp
    }

    /// The Merkle root stored in the header.
    #[getter]
    fn merkle_root(&self, py: Python<'_>) -> PyUInt256 {
        PyUInt256(self.header.bind(py).get().header.merkle_root)
    }

    /// The Merkle root recomputed from the transactions' txids.
    fn compute_merkle_root(&self, py: Python<'_>) -> PyUInt256 {
        let ids = self.txids(py);
        PyUInt256(py.detach(|| merkle::merkle_root(&ids)))
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.serialize(py))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyBlock>()
            .is_ok_and(|o| o.get().serialize(py) == self.serialize(py))
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        hash_of(&self.header.bind(py).get().hash.0)
    }

    fn __len__(&self) -> usize {
        self.transactions.len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let h = self.header.bind(py).get();
        format!(
            "Block(index={}, hash='{}', transactions={})",
            h.header.index,
            h.hash,
            self.transactions.len()
        )
    }
}

/// decode_headers_payload(data) -> list[Header]
#[pyfunction]
fn decode_headers_payload(py: Python<'_>, data: &[u8]) -> PyResult<Vec<PyHeader>> {
    let hs = core_decode_headers(data).map_err(|e| decode_err(py, &e))?;
    Ok(hs.into_iter().map(PyHeader::from_core).collect())
}

/// encode_headers_payload(headers) -> bytes
#[pyfunction]
fn encode_headers_payload<'py>(
    py: Python<'py>,
    headers: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let hs = list_of::<PyHeader, _>(headers, "headers", |h| h.get().header.clone())?;
    let max = antshares_core::limits::MAX_HEADERS;
    if hs.len() > max {
        return Err(value_err(format!(
            "a headers payload holds at most {max} headers"
        )));
    }
    Ok(bytes(py, &antshares_core::encode_headers_payload(&hs)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHeader>()?;
    m.add_class::<PyBlock>()?;
    m.add_function(wrap_pyfunction!(decode_headers_payload, m)?)?;
    m.add_function(wrap_pyfunction!(encode_headers_payload, m)?)?;
    Ok(())
}
