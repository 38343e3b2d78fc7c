//! `UInt160` / `UInt256`: immutable, hashable, ordered wrappers of the raw (internal order)
//! bytes, and the argument extractors that also accept raw `bytes` of the right length.
use super::convert::bytes;
use super::errors::value_err;
use antshares_core::{UInt160, UInt256};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

macro_rules! py_uint {
    ($py:ident, $core:ident, $name:literal, $n:literal, $arg:ident) => {
        #[pyclass(frozen, eq, hash, ord, name = $name, module = "antshares_native._native")]
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $py(pub $core);

        #[pymethods]
        impl $py {
            /// From the raw (internal order) bytes.
            #[new]
            fn new(data: &[u8]) -> PyResult<Self> {
                $core::from_slice(data).map($py).ok_or_else(|| {
                    value_err(format!("{} needs {} bytes, got {}", $name, $n, data.len()))
                })
            }

            /// Parses the display form (reversed hex, optional `0x`).
            #[staticmethod]
            fn from_display(s: &str) -> PyResult<Self> {
                $core::from_display(s).map($py).map_err(value_err)
            }

            /// Same as the constructor.
            #[staticmethod]
            fn from_bytes(data: &[u8]) -> PyResult<Self> {
                Self::new(data)
            }

            fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
                bytes(py, &self.0 .0)
            }

            fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
                bytes(py, &self.0 .0)
            }

            fn __str__(&self) -> String {
                self.0.to_display()
            }

            fn __repr__(&self) -> String {
                format!("{}('{}')", $name, self.0.to_display())
            }
        }

        #[doc = concat!("A ", $name, " argument: a `", $name, "` object or ", $n, " raw bytes.")]
        pub fn $arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<$core> {
            if let Ok(u) = obj.cast::<$py>() {
                return Ok(u.get().0);
            }
            if let Ok(b) = obj.cast::<PyBytes>() {
                if let Some(u) = $core::from_slice(b.as_bytes()) {
                    return Ok(u);
                }
            }
            Err(PyTypeError::new_err(format!("{what} must be a {}", $name)))
        }
    };
}

py_uint!(PyUInt160, UInt160, "UInt160", 20, u160);
py_uint!(PyUInt256, UInt256, "UInt256", 32, u256);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyUInt160>()?;
    m.add_class::<PyUInt256>()?;
    Ok(())
}
