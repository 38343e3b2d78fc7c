//! `DecodeError` (a `ValueError` with `field` / `offset` / `reason`) and the conversions of
//! core errors into Python exceptions.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pyo3::create_exception!(
    antshares_native._native,
    DecodeError,
    PyValueError,
    "Raised when bytes cannot be decoded; has attributes `field`, `offset` and `reason`."
);

/// Converts a core decode error into a Python `DecodeError` with `field` / `offset` / `reason`
/// attributes; the message is "<field> at offset <offset>: <reason>".
pub fn decode_err(py: Python<'_>, e: &antshares_core::DecodeError) -> PyErr {
    let err = DecodeError::new_err(e.to_string());
    let v = err.value(py);
    let _ = v.setattr("field", e.field.as_str());
    let _ = v.setattr("offset", e.offset);
    let _ = v.setattr("reason", e.reason.as_ref());
    err
}

/// A `DecodeError` raised by the binding itself (not by a core decoder).
pub fn decode_failure(py: Python<'_>, field: &str, offset: usize, reason: String) -> PyErr {
    decode_err(py, &antshares_core::DecodeError::new(field, offset, reason))
}

/// A plain `ValueError` (constructor arguments the core rejects).
pub fn value_err(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("DecodeError", m.py().get_type::<DecodeError>())
}
