//! `Transaction`: the core transaction with its serialization and txid cached, so `to_bytes`,
//! `hash` and `size` are free after construction or decoding.
use super::convert::{bytes, hash_of, list_of, py_list};
use super::errors::{decode_err, decode_failure, value_err};
use super::exclusive::{exclusive_from_dict, exclusive_to_dict};
use super::parts::{
    coin_refs, witness_list, PyCoinReference, PyTxAttribute, PyTxOutput, PyWitness,
};
use super::uint::PyUInt256;
use antshares_core::io::write_var_int;
use antshares_core::transaction::{Transaction, TxType};
use antshares_core::{decode_transaction_prefix, hash, UInt256};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// A transaction with its serialization and txid cached (computed once).
#[pyclass(frozen, name = "Transaction", module = "antshares_native._native")]
pub struct PyTransaction {
    tx: Transaction,
    raw: Vec<u8>,
    unsigned_len: usize,
    hash: UInt256,
}

impl PyTransaction {
    /// Encodes a constructed transaction once and hashes its unsigned part.
    fn from_core(tx: Transaction) -> Self {
        let mut raw = Vec::with_capacity(256);
        tx.encode_unsigned(&mut raw);
        let unsigned_len = raw.len();
        let hash = UInt256(hash::hash256(&raw));
        write_var_int(&mut raw, tx.witnesses.len() as u64);
        for w in &tx.witnesses {
            w.encode(&mut raw);
        }
        PyTransaction {
            tx,
            raw,
            unsigned_len,
            hash,
        }
    }

    /// A decoded transaction: `raw` is exactly its bytes, `unsigned_len` the length of the
    /// hashed part, `hash` its txid.
    pub fn from_decoded(tx: Transaction, raw: Vec<u8>, unsigned_len: usize, hash: UInt256) -> Self {
        PyTransaction {
            tx,
            raw,
            unsigned_len,
            hash,
        }
    }

    pub fn core(&self) -> &Transaction {
        &self.tx
    }

    /// The txid in internal byte order.
    pub fn id(&self) -> UInt256 {
        self.hash
    }

    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

#[pymethods]
impl PyTransaction {
    #[new]
    #[pyo3(signature = (r#type, version, exclusive, attributes, inputs, outputs, witnesses))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        r#type: u8,
        version: u8,
        exclusive: &Bound<'_, PyDict>,
        attributes: &Bound<'_, PyAny>,
        inputs: &Bound<'_, PyAny>,
        outputs: &Bound<'_, PyAny>,
        witnesses: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let ty = TxType::from_u8(r#type)
            .ok_or_else(|| value_err(format!("unknown transaction type 0x{:02x}", r#type)))?;
        let exclusive = exclusive_from_dict(ty, version, exclusive)?;
        let attributes =
            list_of::<PyTxAttribute, _>(attributes, "attributes", |a| a.get().0.clone())?;
        let outputs = list_of::<PyTxOutput, _>(outputs, "outputs", |o| o.get().0)?;
        let tx = Transaction {
            version,
            exclusive,
            attributes,
            inputs: coin_refs(inputs, "inputs")?,
            outputs,
            witnesses: witness_list(witnesses, "witnesses")?,
        };
        tx.validate().map_err(value_err)?;
        Ok(PyTransaction::from_core(tx))
    }

    /// Decodes exactly one transaction (trailing bytes are an error).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let (tx, span) = decode_transaction_prefix(data).map_err(|e| decode_err(py, &e))?;
        if span.end != data.len() {
            let reason = format!("{} trailing bytes", data.len() - span.end);
            return Err(decode_failure(py, "transaction", span.end, reason));
        }
        let hash = UInt256(hash::hash256(&data[..span.unsigned_end]));
        Ok(PyTransaction::from_decoded(
            tx,
            data.to_vec(),
            span.unsigned_end,
            hash,
        ))
    }

    #[getter(r#type)]
    fn tx_type(&self) -> u8 {
        self.tx.tx_type() as u8
    }

    #[getter]
    fn version(&self) -> u8 {
        self.tx.version
    }

    #[getter]
    fn exclusive<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        exclusive_to_dict(py, &self.tx.exclusive)
    }

    #[getter]
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        py_list(
            py,
            self.tx.attributes.iter().map(|a| PyTxAttribute(a.clone())),
        )
    }

    #[getter]
    fn inputs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        py_list(py, self.tx.inputs.iter().map(|c| PyCoinReference(*c)))
    }

    #[getter]
    fn outputs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        py_list(py, self.tx.outputs.iter().map(|o| PyTxOutput(*o)))
    }

    #[getter]
    fn witnesses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        py_list(py, self.tx.witnesses.iter().map(|w| PyWitness(w.clone())))
    }

    /// txid in internal byte order.
    #[getter]
    fn hash(&self) -> PyUInt256 {
        PyUInt256(self.hash)
    }

    /// txid display string (reversed hex).
    #[getter]
    fn txid(&self) -> String {
        self.hash.to_display()
    }

    /// Serialized size in bytes.
    #[getter]
    fn size(&self) -> usize {
        self.raw.len()
    }

    fn unsigned_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.raw[..self.unsigned_len])
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.raw)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.raw)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyTransaction>()
            .is_ok_and(|o| o.get().raw == self.raw)
    }

    fn __hash__(&self) -> u64 {
        hash_of(&self.hash.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Transaction(type=0x{:02x}, txid='{}', size={})",
            self.tx.tx_type() as u8,
            self.hash,
            self.raw.len()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTransaction>()
}
