//! The type-specific ("exclusive") data of a transaction as a Python dict, both ways.
//! The keys depend on the transaction type (and for Miner / Publish / Invocation on the version);
//! an unknown or missing key is a ValueError.
use super::convert::{bytes, py_list, raw_bytes, string};
use super::errors::value_err;
use super::parts::{coin_refs, witness_list, PyCoinReference, PyWitness};
use super::uint::{u160, u256, PyUInt160, PyUInt256};
use antshares_core::beacon::{BeaconData, Dealing, RevealedSecret};
use antshares_core::exclusive::{
    AgencyData, EcPoint, Exclusive, Order, PublishData, RegisterData, SplitOrder, StateDescriptor,
};
use antshares_core::transaction::TxType;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Looks up `key` in the exclusive dict.
fn item<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?
        .ok_or_else(|| value_err(format!("exclusive data is missing {key:?}")))
}

/// Rejects any key of the dict that is not in `allowed`.
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

/// An iterable of dicts (Agency orders, State descriptors).
fn dicts<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let mut v = Vec::new();
    for x in obj.try_iter()? {
        let x = x?;
        let d = x
            .cast_into::<PyDict>()
            .map_err(|_| PyTypeError::new_err(format!("{what} must hold dicts")))?;
        v.push(d);
    }
    Ok(v)
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

/// The core value of the dict given as `exclusive` to the `Transaction` constructor.
pub fn exclusive_from_dict(ty: TxType, version: u8, d: &Bound<'_, PyDict>) -> PyResult<Exclusive> {
    Ok(match ty {
        TxType::Miner => {
            if version >= 1 {
                check_keys(d, &["nonce", "dealings", "secrets"], ty)?;
            } else {
                check_keys(d, &["nonce"], ty)?;
            }
            Exclusive::Miner {
                nonce: item(d, "nonce")?.extract()?,
                beacon: if version >= 1 {
                    Some(beacon_from_dict(d, ty)?)
                } else {
                    None
                },
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
            for dd in dicts(&item(d, "descriptors")?, "descriptors")? {
                descriptors.push(StateDescriptor {
                    kind: item(&dd, "type")?.extract()?,
                    key: raw_bytes(&item(&dd, "key")?, "key")?,
                    field: string(&item(&dd, "field")?, "field")?,
                    value: raw_bytes(&item(&dd, "value")?, "value")?,
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
            Exclusive::Agency(agency_from_dict(d)?)
        }
    })
}

/// `bytes` of exactly `N` bytes; ValueError naming `what` otherwise.
fn fixed_bytes<const N: usize>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<[u8; N]> {
    let b = raw_bytes(obj, what)?;
    <[u8; N]>::try_from(b.as_slice())
        .map_err(|_| value_err(format!("{what} needs {N} bytes, got {}", b.len())))
}

/// The beacon evidence of a version-1 Miner: "dealings" and "secrets" (SPEC §7.7).
fn beacon_from_dict(d: &Bound<'_, PyDict>, ty: TxType) -> PyResult<BeaconData> {
    let mut dealings = Vec::new();
    for dd in dicts(&item(d, "dealings")?, "dealings")? {
        check_keys(&dd, &["dealer", "commitments"], ty)?;
        let mut commitments = Vec::new();
        for c in item(&dd, "commitments")?.try_iter()? {
            commitments.push(fixed_bytes::<33>(&c?, "commitment")?);
        }
        dealings.push(Dealing {
            dealer: item(&dd, "dealer")?.extract()?,
            commitments,
        });
    }
    let mut secrets = Vec::new();
    for sd in dicts(&item(d, "secrets")?, "secrets")? {
        check_keys(&sd, &["dealer", "secret"], ty)?;
        secrets.push(RevealedSecret {
            dealer: item(&sd, "dealer")?.extract()?,
            secret: fixed_bytes::<32>(&item(&sd, "secret")?, "secret")?,
        });
    }
    Ok(BeaconData { dealings, secrets })
}

fn beacon_to_dict(py: Python<'_>, b: &BeaconData, d: &Bound<'_, PyDict>) -> PyResult<()> {
    let dealings = PyList::empty(py);
    for x in &b.dealings {
        let dd = PyDict::new(py);
        dd.set_item("dealer", x.dealer)?;
        let commitments = PyList::empty(py);
        for c in &x.commitments {
            commitments.append(bytes(py, c))?;
        }
        dd.set_item("commitments", commitments)?;
        dealings.append(dd)?;
    }
    d.set_item("dealings", dealings)?;
    let secrets = PyList::empty(py);
    for x in &b.secrets {
        let sd = PyDict::new(py);
        sd.set_item("dealer", x.dealer)?;
        sd.set_item("secret", bytes(py, &x.secret))?;
        secrets.append(sd)?;
    }
    d.set_item("secrets", secrets)
}

/// Agency data; `split_order` may be missing or None.
fn agency_from_dict(d: &Bound<'_, PyDict>) -> PyResult<AgencyData> {
    let mut orders = Vec::new();
    for o in dicts(&item(d, "orders")?, "orders")? {
        orders.push(Order {
            amount: item(&o, "amount")?.extract()?,
            price: item(&o, "price")?.extract()?,
            client: u160(&item(&o, "client")?, "client")?,
            inputs: coin_refs(&item(&o, "inputs")?, "inputs")?,
            witnesses: witness_list(&item(&o, "witnesses")?, "witnesses")?,
        });
    }
    let split = match d.get_item("split_order")? {
        None => None,
        Some(s) if s.is_none() => None,
        Some(s) => Some(split_order(&s)?),
    };
    Ok(AgencyData {
        asset_id: u256(&item(d, "asset_id")?, "asset_id")?,
        value_asset_id: u256(&item(d, "value_asset_id")?, "value_asset_id")?,
        agent: u160(&item(d, "agent")?, "agent")?,
        orders,
        split_order: split,
    })
}

/// The dict returned by `Transaction.exclusive` (same keys as the constructor takes).
pub fn exclusive_to_dict<'py>(py: Python<'py>, ex: &Exclusive) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match ex {
        Exclusive::Miner { nonce, beacon } => {
            d.set_item("nonce", nonce)?;
            if let Some(b) = beacon {
                beacon_to_dict(py, b, &d)?;
            }
        }
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
        Exclusive::Agency(a) => agency_to_dict(py, a, &d)?,
    }
    Ok(d)
}

fn agency_to_dict(py: Python<'_>, a: &AgencyData, d: &Bound<'_, PyDict>) -> PyResult<()> {
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
    Ok(())
}
