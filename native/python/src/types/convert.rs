//! Small conversions shared by the wrappers: bytes out, typed arguments in.
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use pyo3::PyClass;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

pub fn bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

/// `__hash__` of the wrappers whose equality is not derived (hashes the cached digest).
pub fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// A `bytes` argument (no other buffer types), copied.
pub fn raw_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    obj.cast::<PyBytes>()
        .map(|b| b.as_bytes().to_vec())
        .map_err(|_| PyTypeError::new_err(format!("{what} must be bytes")))
}

/// A `str` argument.
pub fn string(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    obj.extract::<String>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be str")))
}

/// One object of the class `T`, mapped with `f`; TypeError on anything else.
pub fn one_of<'py, T, R>(
    obj: &Bound<'py, PyAny>,
    what: &str,
    f: impl FnOnce(&Bound<'py, T>) -> R,
) -> PyResult<R>
where
    T: PyClass,
{
    obj.cast::<T>()
        .map(f)
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a {}", T::NAME)))
}

/// An iterable of objects of the class `T`, each mapped with `f`; TypeError on any other item.
pub fn list_of<'py, T, R>(
    obj: &Bound<'py, PyAny>,
    what: &str,
    f: impl Fn(&Bound<'py, T>) -> R,
) -> PyResult<Vec<R>>
where
    T: PyClass,
{
    let mut v = Vec::new();
    for x in obj.try_iter()? {
        let x = x?;
        let t = x
            .cast::<T>()
            .map_err(|_| PyTypeError::new_err(format!("{what} must hold {} objects", T::NAME)))?;
        v.push(f(t));
    }
    Ok(v)
}

/// A Python list of new wrapper objects.
pub fn py_list<'py, T, I>(py: Python<'py>, items: I) -> PyResult<Bound<'py, PyList>>
where
    T: PyClass + Into<PyClassInitializer<T>>,
    I: IntoIterator<Item = T>,
{
    let v: Vec<Bound<'py, T>> = items
        .into_iter()
        .map(|x| Bound::new(py, x))
        .collect::<PyResult<_>>()?;
    PyList::new(py, v)
}
