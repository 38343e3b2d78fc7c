//! Binding of the codec types (antshares-core): immutable wrappers with `to_bytes` / `from_bytes`,
//! hashes, addresses and script helpers. No protocol logic: validation is the core crate's.
use antshares_core::block::Header;
use antshares_core::exclusive::{
    AgencyData, EcPoint, Exclusive, Order, PublishData, RegisterData, SplitOrder, StateDescriptor,
};
use antshares_core::io::write_var_int;
use antshares_core::script::{self, KeyRef, ScriptClass};
use antshares_core::transaction::{CoinReference, Transaction, TxOutput, TxType, Witness};
use antshares_core::{
    address, base58, decode_block_indexed, decode_headers_payload as core_decode_headers,
    decode_transaction_prefix, hash, merkle, TxAttribute, UInt160, UInt256,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

pyo3::create_exception!(
    antshares_native._native,
    DecodeError,
    PyValueError,
    "Raised when bytes cannot be decoded; has attributes `field` and `offset`."
);

/// Converts a core decode error into a Python `DecodeError` with `field` / `offset` attributes.
fn decode_err(py: Python<'_>, e: &antshares_core::DecodeError) -> PyErr {
    let err = DecodeError::new_err(e.to_string());
    let v = err.value(py);
    let _ = v.setattr("field", e.field.as_str());
    let _ = v.setattr("offset", e.offset);
    let _ = v.setattr("reason", e.reason.as_ref());
    err
}

fn value_err(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}

fn bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

// ---------------------------------------------------------------------------------------------
// UInt160 / UInt256
// ---------------------------------------------------------------------------------------------

macro_rules! py_uint {
    ($py:ident, $core:ident, $name:literal, $n:expr) => {
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
    };
}

py_uint!(PyUInt160, UInt160, "UInt160", 20);
py_uint!(PyUInt256, UInt256, "UInt256", 32);

/// A UInt256 argument: a `UInt256` object or 32 raw bytes.
fn u256(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<UInt256> {
    if let Ok(u) = obj.cast::<PyUInt256>() {
        return Ok(u.get().0);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        if let Some(u) = UInt256::from_slice(b.as_bytes()) {
            return Ok(u);
        }
    }
    Err(PyTypeError::new_err(format!("{what} must be a UInt256")))
}

/// A UInt160 argument: a `UInt160` object or 20 raw bytes.
fn u160(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<UInt160> {
    if let Ok(u) = obj.cast::<PyUInt160>() {
        return Ok(u.get().0);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        if let Some(u) = UInt160::from_slice(b.as_bytes()) {
            return Ok(u);
        }
    }
    Err(PyTypeError::new_err(format!("{what} must be a UInt160")))
}

fn raw_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    obj.cast::<PyBytes>()
        .map(|b| b.as_bytes().to_vec())
        .map_err(|_| PyTypeError::new_err(format!("{what} must be bytes")))
}

// ---------------------------------------------------------------------------------------------
// Witness, CoinReference, TxOutput, TxAttribute
// ---------------------------------------------------------------------------------------------

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

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        if data.len() != 34 {
            return Err(DecodeError::new_err(format!(
                "coin_reference at offset 0: needs 34 bytes, got {}",
                data.len()
            )));
        }
        let prev_hash = UInt256::from_slice(&data[..32]).unwrap_or_default();
        Ok(PyCoinReference(CoinReference {
            prev_hash,
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

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        if data.len() != 60 {
            return Err(DecodeError::new_err(format!(
                "output at offset 0: needs 60 bytes, got {}",
                data.len()
            )));
        }
        let value = i64::from_le_bytes(data[32..40].try_into().unwrap_or_default());
        if value <= 0 {
            return Err(DecodeError::new_err(format!(
                "value at offset 32: output value {value} must be positive"
            )));
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

// ---------------------------------------------------------------------------------------------
// Transaction
// ---------------------------------------------------------------------------------------------

/// A transaction with its serialization and txid cached (computed once).
#[pyclass(frozen, name = "Transaction", module = "antshares_native._native")]
pub struct PyTransaction {
    tx: Transaction,
    raw: Vec<u8>,
    unsigned_len: usize,
    hash: UInt256,
}

impl PyTransaction {
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

    pub fn core(&self) -> &Transaction {
        &self.tx
    }

    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

/// Looks up `key` in the exclusive dict.
fn item<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?
        .ok_or_else(|| value_err(format!("exclusive data is missing {key:?}")))
}

fn check_keys(d: &Bound<'_, PyDict>, allowed: &[&str], ty: TxType) -> PyResult<()> {
    for k in d.keys() {
        let k: String = k.extract()?;
        if !allowed.contains(&k.as_str()) {
            return Err(value_err(format!(
                "unexpected key {k:?} in exclusive data of {ty:?}"
            )));
        }
    }
    Ok(())
}

fn coin_refs(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<CoinReference>> {
    let mut v = Vec::new();
    for x in obj.try_iter()? {
        let x = x?;
        let c = x
            .cast::<PyCoinReference>()
            .map_err(|_| PyTypeError::new_err(format!("{what} must hold CoinReference objects")))?;
        v.push(c.get().0);
    }
    Ok(v)
}

fn witnesses(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Witness>> {
    let mut v = Vec::new();
    for x in obj.try_iter()? {
        let x = x?;
        let w = x
            .cast::<PyWitness>()
            .map_err(|_| PyTypeError::new_err(format!("{what} must hold Witness objects")))?;
        v.push(w.get().0.clone());
    }
    Ok(v)
}

fn string(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    obj.extract::<String>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be str")))
}

fn split_order(obj: &Bound<'_, PyAny>) -> PyResult<SplitOrder> {
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("split_order must be a dict or None"))?;
    Ok(SplitOrder {
        amount: item(d, "amount")?.extract()?,
        price: item(d, "price")?.extract()?,
        client: u160(&item(d, "client")?, "client")?,
    })
}

fn exclusive_from_dict(ty: TxType, version: u8, d: &Bound<'_, PyDict>) -> PyResult<Exclusive> {
    Ok(match ty {
        TxType::Miner => {
            check_keys(d, &["nonce"], ty)?;
            Exclusive::Miner {
                nonce: item(d, "nonce")?.extract()?,
            }
        }
        TxType::Issue => {
            check_keys(d, &[], ty)?;
            Exclusive::Issue
        }
        TxType::Contract => {
            check_keys(d, &[], ty)?;
            Exclusive::Contract
        }
        TxType::Claim => {
            check_keys(d, &["claims"], ty)?;
            Exclusive::Claim {
                claims: coin_refs(&item(d, "claims")?, "claims")?,
            }
        }
        TxType::Enrollment => {
            check_keys(d, &["public_key"], ty)?;
            let b = raw_bytes(&item(d, "public_key")?, "public_key")?;
            Exclusive::Enrollment {
                public_key: EcPoint::from_bytes(&b).map_err(value_err)?,
            }
        }
        TxType::Voting => {
            check_keys(d, &["enrollments"], ty)?;
            let mut enrollments = Vec::new();
            for x in item(d, "enrollments")?.try_iter()? {
                enrollments.push(u256(&x?, "enrollments")?);
            }
            Exclusive::Voting { enrollments }
        }
        TxType::Register => {
            check_keys(
                d,
                &[
                    "asset_type",
                    "name",
                    "amount",
                    "precision",
                    "owner",
                    "admin",
                ],
                ty,
            )?;
            let owner = raw_bytes(&item(d, "owner")?, "owner")?;
            Exclusive::Register(RegisterData {
                asset_type: item(d, "asset_type")?.extract()?,
                name: string(&item(d, "name")?, "name")?,
                amount: item(d, "amount")?.extract()?,
                precision: item(d, "precision")?.extract()?,
                owner: EcPoint::from_bytes(&owner).map_err(value_err)?,
                admin: u160(&item(d, "admin")?, "admin")?,
            })
        }
        TxType::State => {
            check_keys(d, &["descriptors"], ty)?;
            let mut descriptors = Vec::new();
            for x in item(d, "descriptors")?.try_iter()? {
                let x = x?;
                let dd = x
                    .cast::<PyDict>()
                    .map_err(|_| PyTypeError::new_err("descriptors must hold dicts"))?;
                descriptors.push(StateDescriptor {
                    kind: item(dd, "type")?.extract()?,
                    key: raw_bytes(&item(dd, "key")?, "key")?,
                    field: string(&item(dd, "field")?, "field")?,
                    value: raw_bytes(&item(dd, "value")?, "value")?,
                });
            }
            Exclusive::State { descriptors }
        }
        TxType::Publish => {
            let mut keys = vec![
                "script",
                "parameter_list",
                "return_type",
                "name",
                "code_version",
                "author",
                "email",
                "description",
            ];
            if version >= 1 {
                keys.push("need_storage");
            }
            check_keys(d, &keys, ty)?;
            Exclusive::Publish(PublishData {
                script: raw_bytes(&item(d, "script")?, "script")?,
                parameter_list: raw_bytes(&item(d, "parameter_list")?, "parameter_list")?,
                return_type: item(d, "return_type")?.extract()?,
                need_storage: if version >= 1 {
                    Some(item(d, "need_storage")?.extract()?)
                } else {
                    None
                },
                name: string(&item(d, "name")?, "name")?,
                code_version: string(&item(d, "code_version")?, "code_version")?,
                author: string(&item(d, "author")?, "author")?,
                email: string(&item(d, "email")?, "email")?,
                description: string(&item(d, "description")?, "description")?,
            })
        }
        TxType::Invocation => {
            if version >= 1 {
                check_keys(d, &["script", "gas"], ty)?;
            } else {
                check_keys(d, &["script"], ty)?;
            }
            Exclusive::Invocation {
                script: raw_bytes(&item(d, "script")?, "script")?,
                gas: if version >= 1 {
                    Some(item(d, "gas")?.extract()?)
                } else {
                    None
                },
            }
        }
        TxType::Agency => {
            check_keys(
                d,
                &[
                    "asset_id",
                    "value_asset_id",
                    "agent",
                    "orders",
                    "split_order",
                ],
                ty,
            )?;
            let mut orders = Vec::new();
            for x in item(d, "orders")?.try_iter()? {
                let x = x?;
                let o = x
                    .cast::<PyDict>()
                    .map_err(|_| PyTypeError::new_err("orders must hold dicts"))?;
                orders.push(Order {
                    amount: item(o, "amount")?.extract()?,
                    price: item(o, "price")?.extract()?,
                    client: u160(&item(o, "client")?, "client")?,
                    inputs: coin_refs(&item(o, "inputs")?, "inputs")?,
                    witnesses: witnesses(&item(o, "witnesses")?, "witnesses")?,
                });
            }
            let split = match d.get_item("split_order")? {
                None => None,
                Some(s) if s.is_none() => None,
                Some(s) => Some(split_order(&s)?),
            };
            Exclusive::Agency(AgencyData {
                asset_id: u256(&item(d, "asset_id")?, "asset_id")?,
                value_asset_id: u256(&item(d, "value_asset_id")?, "value_asset_id")?,
                agent: u160(&item(d, "agent")?, "agent")?,
                orders,
                split_order: split,
            })
        }
    })
}

fn py_list<'py, T, I>(py: Python<'py>, items: I) -> PyResult<Bound<'py, PyList>>
where
    T: pyo3::PyClass + Into<PyClassInitializer<T>>,
    I: IntoIterator<Item = T>,
{
    let v: Vec<Bound<'py, T>> = items
        .into_iter()
        .map(|x| Bound::new(py, x))
        .collect::<PyResult<_>>()?;
    PyList::new(py, v)
}

fn exclusive_to_dict<'py>(py: Python<'py>, ex: &Exclusive) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match ex {
        Exclusive::Miner { nonce } => d.set_item("nonce", nonce)?,
        Exclusive::Issue | Exclusive::Contract => {}
        Exclusive::Claim { claims } => d.set_item(
            "claims",
            py_list(py, claims.iter().map(|c| PyCoinReference(*c)))?,
        )?,
        Exclusive::Enrollment { public_key } => {
            d.set_item("public_key", bytes(py, public_key.as_bytes()))?
        }
        Exclusive::Voting { enrollments } => d.set_item(
            "enrollments",
            py_list(py, enrollments.iter().map(|h| PyUInt256(*h)))?,
        )?,
        Exclusive::Register(r) => {
            d.set_item("asset_type", r.asset_type)?;
            d.set_item("name", &r.name)?;
            d.set_item("amount", r.amount)?;
            d.set_item("precision", r.precision)?;
            d.set_item("owner", bytes(py, r.owner.as_bytes()))?;
            d.set_item("admin", PyUInt160(r.admin))?;
        }
        Exclusive::State { descriptors } => {
            let l = PyList::empty(py);
            for s in descriptors {
                let dd = PyDict::new(py);
                dd.set_item("type", s.kind)?;
                dd.set_item("key", bytes(py, &s.key))?;
                dd.set_item("field", &s.field)?;
                dd.set_item("value", bytes(py, &s.value))?;
                l.append(dd)?;
            }
            d.set_item("descriptors", l)?;
        }
        Exclusive::Publish(p) => {
            d.set_item("script", bytes(py, &p.script))?;
            d.set_item("parameter_list", bytes(py, &p.parameter_list))?;
            d.set_item("return_type", p.return_type)?;
            if let Some(ns) = p.need_storage {
                d.set_item("need_storage", ns)?;
            }
            d.set_item("name", &p.name)?;
            d.set_item("code_version", &p.code_version)?;
            d.set_item("author", &p.author)?;
            d.set_item("email", &p.email)?;
            d.set_item("description", &p.description)?;
        }
        Exclusive::Invocation { script, gas } => {
            d.set_item("script", bytes(py, script))?;
            if let Some(g) = gas {
                d.set_item("gas", g)?;
            }
        }
        Exclusive::Agency(a) => {
            d.set_item("asset_id", PyUInt256(a.asset_id))?;
            d.set_item("value_asset_id", PyUInt256(a.value_asset_id))?;
            d.set_item("agent", PyUInt160(a.agent))?;
            let l = PyList::empty(py);
            for o in &a.orders {
                let od = PyDict::new(py);
                od.set_item("amount", o.amount)?;
                od.set_item("price", o.price)?;
                od.set_item("client", PyUInt160(o.client))?;
                od.set_item(
                    "inputs",
                    py_list(py, o.inputs.iter().map(|c| PyCoinReference(*c)))?,
                )?;
                od.set_item(
                    "witnesses",
                    py_list(py, o.witnesses.iter().map(|w| PyWitness(w.clone())))?,
                )?;
                l.append(od)?;
            }
            d.set_item("orders", l)?;
            match &a.split_order {
                None => d.set_item("split_order", py.None())?,
                Some(s) => {
                    let sd = PyDict::new(py);
                    sd.set_item("amount", s.amount)?;
                    sd.set_item("price", s.price)?;
                    sd.set_item("client", PyUInt160(s.client))?;
                    d.set_item("split_order", sd)?;
                }
            }
        }
    }
    Ok(d)
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
        let ex = exclusive_from_dict(ty, version, exclusive)?;
        let mut attrs = Vec::new();
        for a in attributes.try_iter()? {
            let a = a?;
            let a = a
                .cast::<PyTxAttribute>()
                .map_err(|_| PyTypeError::new_err("attributes must hold TxAttribute objects"))?;
            attrs.push(a.get().0.clone());
        }
        let mut outs = Vec::new();
        for o in outputs.try_iter()? {
            let o = o?;
            let o = o
                .cast::<PyTxOutput>()
                .map_err(|_| PyTypeError::new_err("outputs must hold TxOutput objects"))?;
            outs.push(o.get().0);
        }
        let tx = Transaction {
            version,
            exclusive: ex,
            attributes: attrs,
            inputs: coin_refs(inputs, "inputs")?,
            outputs: outs,
            witnesses: self::witnesses(witnesses, "witnesses")?,
        };
        tx.validate().map_err(value_err)?;
        Ok(PyTransaction::from_core(tx))
    }

    /// Decodes exactly one transaction (trailing bytes are an error).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let (tx, span) = decode_transaction_prefix(data).map_err(|e| decode_err(py, &e))?;
        if span.end != data.len() {
            let e = antshares_core::DecodeError {
                field: "transaction".into(),
                offset: span.end,
                reason: format!("{} trailing bytes", data.len() - span.end).into(),
            };
            return Err(decode_err(py, &e));
        }
        Ok(PyTransaction {
            tx,
            raw: data.to_vec(),
            unsigned_len: span.unsigned_end,
            hash: UInt256(hash::hash256(&data[..span.unsigned_end])),
        })
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

// ---------------------------------------------------------------------------------------------
// Header, Block, headers payload
// ---------------------------------------------------------------------------------------------

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
        let witness = witness
            .cast::<PyWitness>()
            .map_err(|_| PyTypeError::new_err("witness must be a Witness"))?
            .get()
            .0
            .clone();
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
            .map(|t| t.bind(py).get().hash)
            .collect()
    }

    fn serialize(&self, py: Python<'_>) -> Vec<u8> {
        let total: usize = self
            .transactions
            .iter()
            .map(|t| t.bind(py).get().raw.len())
            .sum();
        let mut out = Vec::with_capacity(total + 1024);
        self.header.bind(py).get().header.encode(&mut out);
        write_var_int(&mut out, self.transactions.len() as u64);
        for t in &self.transactions {
            out.extend_from_slice(&t.bind(py).get().raw);
        }
        out
    }
}

#[pymethods]
impl PyBlock {
    #[new]
    fn new(header: &Bound<'_, PyAny>, transactions: &Bound<'_, PyAny>) -> PyResult<Self> {
        let header = header
            .cast::<PyHeader>()
            .map_err(|_| PyTypeError::new_err("header must be a Header"))?
            .clone()
            .unbind();
        let mut txs = Vec::new();
        for t in transactions.try_iter()? {
            let t = t?;
            let t = t
                .cast::<PyTransaction>()
                .map_err(|_| PyTypeError::new_err("transactions must hold Transaction objects"))?;
            txs.push(t.clone().unbind());
        }
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
                PyTransaction {
                    tx,
                    raw: data[span.full()].to_vec(),
                    unsigned_len: span.unsigned_end - span.start,
                    hash: *hash,
                },
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
    let mut hs = Vec::new();
    for h in headers.try_iter()? {
        let h = h?;
        let h = h
            .cast::<PyHeader>()
            .map_err(|_| PyTypeError::new_err("headers must hold Header objects"))?;
        hs.push(h.get().header.clone());
    }
    let max = antshares_core::limits::MAX_HEADERS;
    if hs.len() > max {
        return Err(value_err(format!(
            "a headers payload holds at most {max} headers"
        )));
    }
    Ok(bytes(py, &antshares_core::encode_headers_payload(&hs)))
}

// ---------------------------------------------------------------------------------------------
// Hashes, Merkle, Base58, addresses, scripts
// ---------------------------------------------------------------------------------------------

const GIL_RELEASE_THRESHOLD: usize = 64 * 1024;

#[pyfunction]
fn sha256<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    let h = if data.len() > GIL_RELEASE_THRESHOLD {
        py.detach(|| hash::sha256(data))
    } else {
        hash::sha256(data)
    };
    bytes(py, &h)
}

#[pyfunction]
fn hash256<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    let h = if data.len() > GIL_RELEASE_THRESHOLD {
        py.detach(|| hash::hash256(data))
    } else {
        hash::hash256(data)
    };
    bytes(py, &h)
}

#[pyfunction]
fn hash160<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    bytes(py, &hash::hash160(data))
}

/// merkle_root(hashes: list[bytes]) -> bytes (internal order; 32 zero bytes for an empty list)
#[pyfunction]
fn merkle_root<'py>(py: Python<'py>, hashes: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut level: Vec<[u8; 32]> = Vec::new();
    for (i, h) in hashes.try_iter()?.enumerate() {
        let h = h?;
        let u =
            u256(&h, "hashes").map_err(|_| value_err(format!("hashes[{i}] must be 32 bytes")))?;
        level.push(u.0);
    }
    let root = if level.len() > 1024 {
        py.detach(|| merkle::merkle_root_in_place(&mut level))
    } else {
        merkle::merkle_root_in_place(&mut level)
    };
    Ok(bytes(py, &root.0))
}

#[pyfunction]
fn base58check_encode(data: &[u8]) -> String {
    base58::check_encode(data)
}

#[pyfunction]
fn base58check_decode<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyBytes>> {
    base58::check_decode(s)
        .map(|b| bytes(py, &b))
        .map_err(|e| value_err(e.to_string()))
}

/// script_hash(script) -> UInt160
#[pyfunction]
fn script_hash(script: &[u8]) -> PyUInt160 {
    PyUInt160(UInt160(hash::hash160(script)))
}

#[pyfunction]
#[pyo3(signature = (h, version = 0x17))]
fn address_from_script_hash(h: &Bound<'_, PyAny>, version: u8) -> PyResult<String> {
    Ok(address::address_from_script_hash(&u160(h, "h")?, version))
}

/// decode_address(addr) -> (version, UInt160)
#[pyfunction]
fn decode_address(addr: &str) -> PyResult<(u8, PyUInt160)> {
    address::decode_address(addr)
        .map(|(v, h)| (v, PyUInt160(h)))
        .map_err(|e| value_err(format!("invalid address {addr:?}: {e}")))
}

#[pyfunction]
fn wif_encode(secret: &[u8]) -> PyResult<String> {
    let s: [u8; 32] = secret
        .try_into()
        .map_err(|_| value_err(format!("a private key is 32 bytes, got {}", secret.len())))?;
    Ok(address::wif_encode(&s))
}

#[pyfunction]
fn wif_decode<'py>(py: Python<'py>, wif: &str) -> PyResult<Bound<'py, PyBytes>> {
    address::wif_decode(wif)
        .map(|s| bytes(py, &s))
        .map_err(|e| value_err(format!("invalid WIF: {e}")))
}

/// single_sig_script(key: 33-byte P-256 or 34-byte tagged key) -> bytes
#[pyfunction]
fn single_sig_script<'py>(py: Python<'py>, key: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let k = KeyRef::from_bytes(key).map_err(value_err)?;
    Ok(bytes(py, &script::single_sig_script(&k)))
}

/// multisig_script_sorted(m, keys) -> bytes; keys must already be in ECPoint order.
#[pyfunction]
fn multisig_script_sorted<'py>(
    py: Python<'py>,
    m: usize,
    keys: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ks = keys
        .iter()
        .enumerate()
        .map(|(i, k)| KeyRef::from_bytes(k).map_err(|e| value_err(format!("keys[{i}]: {e}"))))
        .collect::<PyResult<Vec<_>>>()?;
    let s = script::multisig_script(m, &ks).map_err(value_err)?;
    Ok(bytes(py, &s))
}

/// classify_script(script) -> ("single", key) | ("multisig", m, [keys]) | ("nonstandard",)
#[pyfunction]
fn classify_script<'py>(py: Python<'py>, script: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    match script::classify_verification(script) {
        ScriptClass::Single(k) => PyTuple::new(
            py,
            [
                "single".into_pyobject(py)?.into_any(),
                bytes(py, &k.to_bytes()).into_any(),
            ],
        ),
        ScriptClass::Multi { m, keys } => {
            let ks = PyList::new(py, keys.iter().map(|k| bytes(py, &k.to_bytes())))?;
            PyTuple::new(
                py,
                [
                    "multisig".into_pyobject(py)?.into_any(),
                    m.into_pyobject(py)?.into_any(),
                    ks.into_any(),
                ],
            )
        }
        ScriptClass::NonStandard => PyTuple::new(py, ["nonstandard"]),
    }
}

/// parse_invocation(script) -> list of 64-byte signatures, or None if not only `40`+64 pushes.
#[pyfunction]
fn parse_invocation<'py>(py: Python<'py>, script: &[u8]) -> PyResult<Option<Bound<'py, PyList>>> {
    match script::parse_invocation(script) {
        None => Ok(None),
        Some(sigs) => Ok(Some(PyList::new(py, sigs.iter().map(|s| bytes(py, s)))?)),
    }
}

/// encode_var_int(n) -> bytes: the minimal var-int encoding (format-1x §1).
#[pyfunction]
fn encode_var_int<'py>(py: Python<'py>, value: u64) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(9);
    antshares_core::io::write_var_int(&mut out, value);
    PyBytes::new(py, &out)
}

/// decode_var_int(data) -> (value, size): reads a canonical var-int at the start of `data`.
#[pyfunction]
fn decode_var_int(py: Python<'_>, data: &[u8]) -> PyResult<(u64, usize)> {
    let mut r = antshares_core::io::Reader::new(data);
    let v = r.var_int("var_int").map_err(|e| decode_err(py, &e))?;
    Ok((v, r.pos()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add_class::<PyUInt160>()?;
    m.add_class::<PyUInt256>()?;
    m.add_class::<PyWitness>()?;
    m.add_class::<PyCoinReference>()?;
    m.add_class::<PyTxOutput>()?;
    m.add_class::<PyTxAttribute>()?;
    m.add_class::<PyTransaction>()?;
    m.add_class::<PyHeader>()?;
    m.add_class::<PyBlock>()?;
    m.add_function(wrap_pyfunction!(decode_headers_payload, m)?)?;
    m.add_function(wrap_pyfunction!(encode_headers_payload, m)?)?;
    m.add_function(wrap_pyfunction!(sha256, m)?)?;
    m.add_function(wrap_pyfunction!(hash256, m)?)?;
    m.add_function(wrap_pyfunction!(hash160, m)?)?;
    m.add_function(wrap_pyfunction!(merkle_root, m)?)?;
    m.add_function(wrap_pyfunction!(base58check_encode, m)?)?;
    m.add_function(wrap_pyfunction!(base58check_decode, m)?)?;
    m.add_function(wrap_pyfunction!(script_hash, m)?)?;
    m.add_function(wrap_pyfunction!(address_from_script_hash, m)?)?;
    m.add_function(wrap_pyfunction!(decode_address, m)?)?;
    m.add_function(wrap_pyfunction!(wif_encode, m)?)?;
    m.add_function(wrap_pyfunction!(wif_decode, m)?)?;
    m.add_function(wrap_pyfunction!(single_sig_script, m)?)?;
    m.add_function(wrap_pyfunction!(multisig_script_sorted, m)?)?;
    m.add_function(wrap_pyfunction!(classify_script, m)?)?;
    m.add_function(wrap_pyfunction!(parse_invocation, m)?)?;
    m.add_function(wrap_pyfunction!(encode_var_int, m)?)?;
    m.add_function(wrap_pyfunction!(decode_var_int, m)?)?;
    Ok(())
}
