//! Binding of `antshares_ledger::UtxoCache`: whole batches per call, as packed bytes.
//!
//! Keys are the 34-byte store keys (txid ‖ big-endian u16 index) concatenated; values are the
//! 64-byte store values, one `bytes` each (see `antshares_ledger::utxo` for the layout).
use antshares_ledger::{Coin, Lookup, OutPoint, UtxoCache, UtxoError, OUTPOINT_SIZE};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

fn value_err(e: UtxoError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Packed keys → outpoints.
fn keys_arg(keys: &[u8]) -> PyResult<Vec<OutPoint>> {
    let chunks = keys.chunks_exact(OUTPOINT_SIZE);
    if !chunks.remainder().is_empty() {
        return Err(PyValueError::new_err(format!(
            "keys must be a multiple of {OUTPOINT_SIZE} bytes, got {}",
            keys.len()
        )));
    }
    chunks
        .map(OutPoint::decode)
        .collect::<Result<_, _>>()
        .map_err(value_err)
}

fn pack<'py>(py: Python<'py>, ops: &[OutPoint]) -> Bound<'py, PyBytes> {
    let mut b = Vec::with_capacity(ops.len() * OUTPOINT_SIZE);
    for o in ops {
        b.extend_from_slice(&o.encode());
    }
    PyBytes::new(py, &b)
}

/// One value per key: `None` allowed only when `optional`.
fn values_arg(values: &Bound<'_, PyAny>, n: usize, optional: bool) -> PyResult<Vec<Option<Coin>>> {
    let got = values.len()?;
    if got != n {
        return Err(PyValueError::new_err(format!("{n} keys but {got} values")));
    }
    let mut v = Vec::with_capacity(n);
    for (i, item) in values.try_iter()?.enumerate() {
        let item = item?;
        if optional && item.is_none() {
            v.push(None);
            continue;
        }
        let b = item.cast::<PyBytes>().map_err(|_| {
            let want = if optional { "bytes or None" } else { "bytes" };
            PyTypeError::new_err(format!("value {i} must be {want}"))
        })?;
        let coin = Coin::decode(b.as_bytes())
            .map_err(|e| PyValueError::new_err(format!("value {i}: {e}")))?;
        v.push(Some(coin));
    }
    Ok(v)
}

fn coin_obj<'py>(py: Python<'py>, c: &Coin) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &c.encode())
}

/// The UTXO set's in-memory layered view (block overlay → cache → store); the store is the
/// caller's, fed through missing()/load() and written from flush().
#[pyclass(name = "UtxoCache", module = "antshares_native._native")]
struct PyUtxoCache {
    inner: UtxoCache,
}

#[pymethods]
impl PyUtxoCache {
    /// UtxoCache(memory_budget): flush_done() evicts clean entries down to this many bytes.
    #[new]
    fn new(memory_budget: usize) -> Self {
        PyUtxoCache {
            inner: UtxoCache::new(memory_budget),
        }
    }

    /// missing(keys) -> bytes: the keys the view knows nothing about, each once, packed.
    fn missing<'py>(&mut self, py: Python<'py>, keys: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let ops = keys_arg(keys)?;
        Ok(pack(py, &self.inner.missing(&ops)))
    }

    /// load(keys, values): the store's answers (None: absent); known keys are skipped.
    fn load(&mut self, keys: &[u8], values: &Bound<'_, PyAny>) -> PyResult<()> {
        let ops = keys_arg(keys)?;
        let coins = values_arg(values, ops.len(), true)?;
        self.inner.load(ops.into_iter().zip(coins));
        Ok(())
    }

    /// get_many(keys) -> list[bytes | None]: each key's coin in the view, None if not
    /// unspent; ValueError for a key not loaded.
    fn get_many<'py>(&self, py: Python<'py>, keys: &[u8]) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for o in keys_arg(keys)? {
            match self.inner.peek(&o) {
                Lookup::Unspent(c) => list.append(coin_obj(py, &c))?,
                Lookup::Spent => list.append(py.None())?,
                Lookup::Unknown => return Err(value_err(UtxoError::NotLoaded(o))),
            }
        }
        Ok(list)
    }

    fn begin_block(&mut self) -> PyResult<()> {
        self.inner.begin_block().map_err(value_err)
    }

    /// spend_many(keys) -> list[bytes]: spends all in order and returns their values, or
    /// spends none and raises ValueError naming the first failing outpoint.
    fn spend_many<'py>(&mut self, py: Python<'py>, keys: &[u8]) -> PyResult<Bound<'py, PyList>> {
        let ops = keys_arg(keys)?;
        let coins = self.inner.spend_many(&ops).map_err(value_err)?;
        let list = PyList::empty(py);
        for c in &coins {
            list.append(coin_obj(py, c))?;
        }
        Ok(list)
    }

    /// add_many(keys, values): creates all, or none (ValueError: an outpoint already unspent).
    fn add_many(&mut self, keys: &[u8], values: &Bound<'_, PyAny>) -> PyResult<()> {
        let ops = keys_arg(keys)?;
        let coins = values_arg(values, ops.len(), false)?;
        let items: Vec<(OutPoint, Coin)> = ops
            .into_iter()
            .zip(coins)
            .filter_map(|(o, c)| Some((o, c?)))
            .collect();
        self.inner.add_many(&items).map_err(value_err)
    }

    fn commit_block(&mut self) -> PyResult<()> {
        self.inner.commit_block().map_err(value_err)
    }

    fn abort_block(&mut self) -> PyResult<()> {
        self.inner.abort_block().map_err(value_err)
    }

    /// flush() -> list[tuple[bytes, bytes | None]]: every dirty entry (None: delete), in key
    /// order. Write them in one transaction, then call flush_done().
    fn flush<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let ops = self.inner.flush().map_err(value_err)?;
        let list = PyList::empty(py);
        for (o, c) in &ops {
            let key = PyBytes::new(py, &o.encode());
            match c {
                Some(c) => list.append((key, coin_obj(py, c)))?,
                None => list.append((key, py.None()))?,
            }
        }
        Ok(list)
    }

    /// flush_done(): the last flush is stored; marks it clean and evicts to the budget.
    fn flush_done(&mut self) -> PyResult<()> {
        self.inner.flush_done().map_err(value_err)
    }

    #[getter]
    fn memory_usage(&self) -> usize {
        self.inner.memory_usage()
    }

    #[getter]
    fn memory_budget(&self) -> usize {
        self.inner.memory_budget()
    }

    #[getter]
    fn block_open(&self) -> bool {
        self.inner.is_block_open()
    }

    /// stats() -> dict: hits, misses (of missing()), evictions, entries, dirty.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.stats();
        let d = PyDict::new(py);
        d.set_item("hits", s.hits)?;
        d.set_item("misses", s.misses)?;
        d.set_item("evictions", s.evictions)?;
        d.set_item("entries", s.entries)?;
        d.set_item("dirty", s.dirty)?;
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "UtxoCache(<{} entries, {} dirty, {} of {} bytes>)",
            self.inner.len(),
            self.inner.stats().dirty,
            self.inner.memory_usage(),
            self.inner.memory_budget()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyUtxoCache>()?;
    m.add("UTXO_KEY_SIZE", OUTPOINT_SIZE)?;
    m.add("UTXO_VALUE_SIZE", antshares_ledger::COIN_SIZE)?;
    Ok(())
}
