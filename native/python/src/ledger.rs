//! Binding of `antshares-ledger`: the ANC mint amount, the lottery number, the first random
//! value, and `HolderIndex`, the order-statistics index of ANS holders.
//!
//! Keys are `UInt160` objects or 20 raw bytes.
use antshares_core::UInt160;
use antshares_ledger as l;

use crate::types::PyUInt160;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyTuple};

fn value_err(e: l::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A key argument: a `UInt160` or 20 raw bytes.
fn key_arg(obj: &Bound<'_, PyAny>) -> PyResult<UInt160> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        let raw = b.as_bytes();
        return UInt160::from_slice(raw).ok_or_else(|| {
            PyValueError::new_err(format!("key needs 20 bytes, got {}", raw.len()))
        });
    }
    if let Ok(u) = obj.cast::<PyUInt160>() {
        return Ok(u.get().0);
    }
    Err(PyTypeError::new_err(format!(
        "key must be a UInt160 or 20 bytes, not {}",
        obj.get_type().name()?
    )))
}

/// A new `UInt160` object.
fn key_obj<'py>(py: Python<'py>, k: &UInt160) -> PyResult<Bound<'py, PyAny>> {
    Ok(Bound::new(py, PyUInt160(*k))?.into_any())
}

/// An int argument (not a bool), as `T`; ValueError naming `what` and `range` when out of range.
fn int_arg<'py, T>(obj: &Bound<'py, PyAny>, what: &str, range: &str) -> PyResult<T>
where
    T: FromPyObjectOwned<'py>,
{
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an int, not {}",
            obj.get_type().name()?
        )));
    }
    obj.extract::<T>()
        .map_err(|_| PyValueError::new_err(format!("{what} must be in {range}, got {obj}")))
}

const U64_RANGE: &str = "0..2**64-1";

/// mint_amount(minted, burned) -> int: the ANC (satoshi) the next block mints (SPEC §5).
#[pyfunction]
fn mint_amount(minted: &Bound<'_, PyAny>, burned: &Bound<'_, PyAny>) -> PyResult<u64> {
    let minted: u64 = int_arg(minted, "minted", U64_RANGE)?;
    let burned: u64 = int_arg(burned, "burned", U64_RANGE)?;
    l::mint_amount(minted, burned).map_err(value_err)
}

/// lottery_number(r: bytes) -> int: R mod 10^8, R the 32 bytes read little-endian.
#[pyfunction]
fn lottery_number(r: &[u8]) -> PyResult<u64> {
    let r: &[u8; 32] = r.try_into().map_err(|_| {
        PyValueError::new_err(format!("random value needs 32 bytes, got {}", r.len()))
    })?;
    Ok(l::lottery_number(r))
}

/// first_random(genesis_hash: bytes) -> bytes: dSHA256 of the genesis hash (internal order).
#[pyfunction]
fn first_random<'py>(py: Python<'py>, genesis_hash: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let h: &[u8; 32] = genesis_hash.try_into().map_err(|_| {
        PyValueError::new_err(format!(
            "genesis hash needs 32 bytes, got {}",
            genesis_hash.len()
        ))
    })?;
    Ok(PyBytes::new(py, &l::first_random(h)))
}

/// (key, int) pairs from an iterable of 2-tuples.
fn pairs<'py, T>(items: &Bound<'py, PyAny>, what: &str, range: &str) -> PyResult<Vec<(UInt160, T)>>
where
    T: FromPyObjectOwned<'py>,
{
    let mut v = Vec::new();
    if let Ok(n) = items.len() {
        v.reserve(n);
    }
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        let t = item.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err(format!("item {i}: expected a tuple (key, {what})"))
        })?;
        if t.len() != 2 {
            return Err(PyValueError::new_err(format!(
                "item {i}: expected 2 fields (key, {what}), got {}",
                t.len()
            )));
        }
        v.push((
            key_arg(&t.get_item(0)?)?,
            int_arg(&t.get_item(1)?, what, range)?,
        ));
    }
    Ok(v)
}

/// The ANS holders with their whole-share balances, ordered by UInt160; O(log n) updates and
/// lottery draws.
#[pyclass(name = "HolderIndex", module = "antshares_native._native")]
struct PyHolderIndex {
    inner: l::HolderIndex,
}

#[pymethods]
impl PyHolderIndex {
    /// HolderIndex(items=None): optionally from (key, balance) pairs in any order; zero
    /// balances are skipped, a key given twice is a ValueError.
    #[new]
    #[pyo3(signature = (items = None))]
    fn new(py: Python<'_>, items: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(items) = items else {
            return Ok(PyHolderIndex {
                inner: l::HolderIndex::new(),
            });
        };
        let mut v: Vec<(UInt160, u64)> = pairs(items, "balance", U64_RANGE)?;
        let inner = py.detach(move || {
            v.retain(|&(_, b)| b != 0);
            v.sort_unstable_by_key(|a| a.0);
            l::HolderIndex::from_sorted(v)
        });
        let inner = inner.map_err(|e| match e {
            l::Error::NotAscending { key, .. } => {
                PyValueError::new_err(format!("key {key} is given twice"))
            }
            e => value_err(e),
        })?;
        Ok(PyHolderIndex { inner })
    }

    /// set_balance(key, balance) -> int: sets the balance (0 removes the holder); returns
    /// the previous balance.
    fn set_balance(&mut self, key: &Bound<'_, PyAny>, balance: &Bound<'_, PyAny>) -> PyResult<u64> {
        let key = key_arg(key)?;
        let balance: u64 = int_arg(balance, "balance", U64_RANGE)?;
        Ok(self.inner.set_balance(&key, balance))
    }

    /// add(key, delta) -> int: adds a signed delta; returns the new balance. ValueError (and
    /// no change) when the balance would leave 0..2**64-1.
    fn add(&mut self, key: &Bound<'_, PyAny>, delta: &Bound<'_, PyAny>) -> PyResult<u64> {
        let key = key_arg(key)?;
        let delta: i128 = int_arg(delta, "delta", "-2**127..2**127-1")?;
        self.inner.adjust(&key, delta).map_err(value_err)
    }

    /// apply(deltas): many (key, delta) at once, atomically: all or nothing.
    fn apply(&mut self, deltas: &Bound<'_, PyAny>) -> PyResult<()> {
        let deltas: Vec<(UInt160, i128)> = pairs(deltas, "delta", "-2**127..2**127-1")?;
        self.inner.apply(&deltas).map_err(value_err)
    }

    /// balance(key) -> int: 0 for a key that holds nothing.
    fn balance(&self, key: &Bound<'_, PyAny>) -> PyResult<u64> {
        Ok(self.inner.balance(&key_arg(key)?))
    }

    /// The sum of all balances.
    #[getter]
    fn total(&self) -> u128 {
        self.inner.total()
    }

    /// winner(n) -> UInt160: the first holder in key order whose cumulative balance exceeds n
    /// (0 <= n < total).
    fn winner<'py>(&self, py: Python<'py>, n: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let n: u64 = int_arg(n, "n", U64_RANGE)?;
        let k = self.inner.winner(n).map_err(value_err)?;
        key_obj(py, &k)
    }

    /// prefix_sum(key) -> int: the balances of the holders strictly before `key`.
    fn prefix_sum(&self, key: &Bound<'_, PyAny>) -> PyResult<u128> {
        Ok(self.inner.prefix_sum(&key_arg(key)?))
    }

    /// items() -> list[tuple[UInt160, int]]: every holder in ascending key order.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let inner = &self.inner;
        let snapshot = py.detach(|| inner.snapshot());
        let list = PyList::empty(py);
        for (k, b) in snapshot {
            list.append((key_obj(py, &k)?, b))?;
        }
        Ok(list)
    }

    /// copy() -> HolderIndex: an independent copy.
    fn copy(&self, py: Python<'_>) -> Self {
        let inner = &self.inner;
        PyHolderIndex {
            inner: py.detach(|| inner.clone()),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.contains(&key_arg(key)?))
    }

    fn __repr__(&self) -> String {
        format!(
            "HolderIndex(<{} holders, total {}>)",
            self.inner.len(),
            self.inner.total()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHolderIndex>()?;
    m.add_function(wrap_pyfunction!(mint_amount, m)?)?;
    m.add_function(wrap_pyfunction!(lottery_number, m)?)?;
    m.add_function(wrap_pyfunction!(first_random, m)?)?;
    Ok(())
}
