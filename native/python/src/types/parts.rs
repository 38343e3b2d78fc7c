//! The small transaction parts: `Witness`, `CoinReference`, `TxOutput`, `TxAttribute`.
//! Equality and hashing are derived from the core values.
use super::convert::{bytes, list_of};
use super::errors::{decode_err, decode_failure, value_err};
use super::uint::{u160, u256, PyUInt160, PyUInt256};
use antshares_core::transaction::{CoinReference, TxOutput, Witness};
use antshares_core::{TxAttribute, UInt160, UInt256};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

#[pyclass(
    frozen,
    eq,
    hash,
    name = "Witness",
    module = "antshares_native._native"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyWitness(pub Witness);

#[pymethods]
impl PyWitness {
    #[new]
    fn new(invocation: &[u8], verification: &[u8]) -> PyResult<Self> {
        let max = antshares_core::limits::MAX_SCRIPT;
        if invocation.len() > max || verification.len() > max {
            return Err(value_err(format!(
                "witness scripts are limited to {max} bytes"
            )));
        }
        Ok(PyWitness(Witness {
            invocation: invocation.to_vec(),
            verification: verification.to_vec(),
        }))
    }

    #[getter]
    fn invocation<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.0.invocation)
    }

    #[getter]
    fn verification<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.0.verification)
    }

    #[getter]
    fn script_hash(&self) -> PyUInt160 {
        PyUInt160(self.0.script_hash())
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut v = Vec::new();
        self.0.encode(&mut v);
        bytes(py, &v)
    }

    /// Decodes invocation var-bytes ‖ verification var-bytes (no trailing bytes).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Witness::from_bytes(data)
            .map(PyWitness)
            .map_err(|e| decode_err(py, &e))
    }

    fn __repr__(&self) -> String {
        format!(
            "Witness(invocation=<{} bytes>, verification=<{} bytes>)",
            self.0.invocation.len(),
            self.0.verification.len()
        )
    }
}

#[pyclass(
    frozen,
    eq,
    hash,
    name = "CoinReference",
    module = "antshares_native._native"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyCoinReference(pub CoinReference);

#[pymethods]
impl PyCoinReference {
    #[new]
    fn new(prev_hash: &Bound<'_, PyAny>, prev_index: u16) -> PyResult<Self> {
        Ok(PyCoinReference(CoinReference {
            prev_hash: u256(prev_hash, "prev_hash")?,
            prev_index,
        }))
    }

    #[getter]
    fn prev_hash(&self) -> PyUInt256 {
        PyUInt256(self.0.prev_hash)
    }

    #[getter]
    fn prev_index(&self) -> u16 {
        self.0.prev_index
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut v = self.0.prev_hash.0.to_vec();
        v.extend_from_slice(&self.0.prev_index.to_le_bytes());
        bytes(py, &v)
    }

    /// Decodes prev_hash (32) ‖ prev_index (u16 LE): exactly 34 bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        if data.len() != 34 {
            return Err(decode_failure(
                py,
                "coin_reference",
                0,
                format!("needs 34 bytes, got {}", data.len()),
            ));
        }
        Ok(PyCoinReference(CoinReference {
            prev_hash: UInt256::from_slice(&data[..32]).unwrap_or_default(),
            prev_index: u16::from_le_bytes([data[32], data[33]]),
        }))
    }

    fn __repr__(&self) -> String {
        format!(
            "CoinReference(prev_hash=UInt256('{}'), prev_index={})",
            self.0.prev_hash, self.0.prev_index
        )
    }
}

#[pyclass(
    frozen,
    eq,
    hash,
    name = "TxOutput",
    module = "antshares_native._native"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyTxOutput(pub TxOutput);

#[pymethods]
impl PyTxOutput {
    /// `value` is the raw Fixed8 integer and must be positive.
    #[new]
    fn new(
        asset_id: &Bound<'_, PyAny>,
        value: i64,
        script_hash: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        if value <= 0 {
            return Err(value_err(format!("output value {value} must be positive")));
        }
        Ok(PyTxOutput(TxOutput {
            asset_id: u256(asset_id, "asset_id")?,
            value,
            script_hash: u160(script_hash, "script_hash")?,
        }))
    }

    #[getter]
    fn asset_id(&self) -> PyUInt256 {
        PyUInt256(self.0.asset_id)
    }

    #[getter]
    fn value(&self) -> i64 {
        self.0.value
    }

    #[getter]
    fn script_hash(&self) -> PyUInt160 {
        PyUInt160(self.0.script_hash)
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut v = self.0.asset_id.0.to_vec();
        v.extend_from_slice(&self.0.value.to_le_bytes());
        v.extend_from_slice(&self.0.script_hash.0);
        bytes(py, &v)
    }

    /// Decodes asset_id (32) ‖ value (i64 LE, > 0) ‖ script_hash (20): exactly 60 bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        if data.len() != 60 {
            return Err(decode_failure(
                py,
                "output",
                0,
                format!("needs 60 bytes, got {}", data.len()),
            ));
        }
        let value = i64::from_le_bytes(data[32..40].try_into().unwrap_or_default());
        if value <= 0 {
            return Err(decode_failure(
                py,
                "value",
                32,
                format!("output value {value} must be positive"),
            ));
        }
        Ok(PyTxOutput(TxOutput {
            asset_id: UInt256::from_slice(&data[..32]).unwrap_or_default(),
            value,
            script_hash: UInt160::from_slice(&data[40..]).unwrap_or_default(),
        }))
    }

    fn __repr__(&self) -> String {
        format!(
            "TxOutput(asset_id=UInt256('{}'), value={}, script_hash=UInt160('{}'))",
            self.0.asset_id, self.0.value, self.0.script_hash
        )
    }
}

#[pyclass(
    frozen,
    eq,
    hash,
    name = "TxAttribute",
    module = "antshares_native._native"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyTxAttribute(pub TxAttribute);

#[pymethods]
impl PyTxAttribute {
    /// The core validates the data length for the usage.
    #[new]
    fn new(usage: u8, data: &[u8]) -> PyResult<Self> {
        let a = TxAttribute {
            usage,
            data: data.to_vec(),
        };
        a.validate().map_err(value_err)?;
        Ok(PyTxAttribute(a))
    }

    #[getter]
    fn usage(&self) -> u8 {
        self.0.usage
    }

    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.0.data)
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut v = Vec::new();
        self.0.encode(&mut v);
        bytes(py, &v)
    }

    fn __repr__(&self) -> String {
        format!(
            "TxAttribute(usage=0x{:02x}, data=<{} bytes>)",
            self.0.usage,
            self.0.data.len()
        )
    }
}

/// An iterable of `CoinReference` objects (e.g. `inputs`, `claims`).
pub fn coin_refs(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<CoinReference>> {
    list_of::<PyCoinReference, _>(obj, what, |c| c.get().0)
}

/// An iterable of `Witness` objects.
pub fn witness_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Witness>> {
    list_of::<PyWitness, _>(obj, what, |w| w.get().0.clone())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyWitness>()?;
    m.add_class::<PyCoinReference>()?;
    m.add_class::<PyTxOutput>()?;
    m.add_class::<PyTxAttribute>()?;
    Ok(())
}
