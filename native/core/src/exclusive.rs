//! Type-specific ("exclusive") transaction data, one variant per transaction type.
use crate::beacon::BeaconData;
use crate::error::{Result, Within};
use crate::io::{write_var_bytes, write_var_int, Reader};
use crate::limits::*;
use crate::transaction::{decode_inputs, encode_inputs, CoinReference, TxType, Witness};
use crate::uint::{UInt160, UInt256};
use crate::Fixed8;

/// A public key as serialized in transactions: `00` (infinity) or 33-byte compressed.
/// Uncompressed forms are rejected by the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcPoint {
    Infinity,
    Compressed([u8; 33]),
}

impl EcPoint {
    /// Parses the exact serialized bytes (`00`, or `02`/`03` + 32 bytes).
    pub fn from_bytes(b: &[u8]) -> std::result::Result<Self, String> {
        match b {
            [0] => Ok(EcPoint::Infinity),
            [0x02 | 0x03, ..] if b.len() == 33 => {
                let mut a = [0u8; 33];
                a.copy_from_slice(b);
                Ok(EcPoint::Compressed(a))
            }
            [0x04 | 0x06 | 0x07, ..] => Err("uncompressed public keys are not accepted".into()),
            _ => Err(format!("invalid public key encoding ({} bytes)", b.len())),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            EcPoint::Infinity => &[0],
            EcPoint::Compressed(a) => a,
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>, field: &str) -> Result<Self> {
        let at = r.pos();
        match r.u8(field)? {
            0 => Ok(EcPoint::Infinity),
            p @ (0x02 | 0x03) => {
                let x: [u8; 32] = r.array(field)?;
                let mut a = [0u8; 33];
                a[0] = p;
                a[1..].copy_from_slice(&x);
                Ok(EcPoint::Compressed(a))
            }
            0x04 | 0x06 | 0x07 => r.err(field, at, "uncompressed public keys are not accepted"),
            p => r.err(field, at, format!("invalid public key prefix 0x{p:02x}")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterData {
    pub asset_type: u8,
    pub name: String,
    /// Fixed8; may be negative (−1 = unlimited).
    pub amount: Fixed8,
    pub precision: u8,
    pub owner: EcPoint,
    pub admin: UInt160,
}

impl RegisterData {
    /// The RegisterTransaction's exclusive data, wire layout (the ledger's asset records reuse
    /// it): type, var-string name, amount i64, precision (≤ 8), owner, admin.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let asset_type = r.u8("asset_type")?;
        let name = r.var_string("name", MAX_ASSET_NAME)?;
        let amount = r.i64("amount")?;
        let at = r.pos();
        let precision = r.u8("precision")?;
        if precision > 8 {
            return r.err("precision", at, format!("precision {precision} exceeds 8"));
        }
        let owner = EcPoint::decode(r, "owner")?;
        let admin = UInt160(r.array("admin")?);
        Ok(RegisterData {
            asset_type,
            name,
            amount,
            precision,
            owner,
            admin,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.asset_type);
        write_var_bytes(out, self.name.as_bytes());
        out.extend_from_slice(&self.amount.to_le_bytes());
        out.push(self.precision);
        out.extend_from_slice(self.owner.as_bytes());
        out.extend_from_slice(&self.admin.0);
    }
}

/// StateTransaction descriptor. `kind` is the type byte: 0x40 Account or 0x48 Validator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDescriptor {
    pub kind: u8,
    pub key: Vec<u8>,
    pub field: String,
    pub value: Vec<u8>,
}

pub const STATE_TYPE_ACCOUNT: u8 = 0x40;
pub const STATE_TYPE_VALIDATOR: u8 = 0x48;

/// PublishTransaction, 2.x layout. `need_storage` is present iff version ≥ 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishData {
    pub script: Vec<u8>,
    pub parameter_list: Vec<u8>,
    pub return_type: u8,
    pub need_storage: Option<bool>,
    pub name: String,
    pub code_version: String,
    pub author: String,
    pub email: String,
    pub description: String,
}

/// An order inside an AgencyTransaction (its in-transaction form, with witnesses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// ≠ 0: positive buys, negative sells.
    pub amount: Fixed8,
    /// > 0.
    pub price: Fixed8,
    pub client: UInt160,
    pub inputs: Vec<CoinReference>,
    pub witnesses: Vec<Witness>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitOrder {
    pub amount: Fixed8,
    pub price: Fixed8,
    pub client: UInt160,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyData {
    pub asset_id: UInt256,
    /// Must differ from `asset_id`.
    pub value_asset_id: UInt256,
    pub agent: UInt160,
    pub orders: Vec<Order>,
    pub split_order: Option<SplitOrder>,
}

impl AgencyData {
    /// The signed form of `order` within this transaction: asset_id, value_asset_id, agent,
    /// amount, price, client, inputs.
    pub fn order_signed_bytes(&self, order: &Order) -> Vec<u8> {
        order_signed_bytes(&self.asset_id, &self.value_asset_id, &self.agent, order)
    }
}

/// Serialization of an Order's signed (standalone) form: what its client signs.
pub fn order_signed_bytes(
    asset_id: &UInt256,
    value_asset_id: &UInt256,
    agent: &UInt160,
    order: &Order,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + 32 + 20 + 8 + 8 + 20 + 3 + 34 * order.inputs.len());
    out.extend_from_slice(&asset_id.0);
    out.extend_from_slice(&value_asset_id.0);
    out.extend_from_slice(&agent.0);
    out.extend_from_slice(&order.amount.to_le_bytes());
    out.extend_from_slice(&order.price.to_le_bytes());
    out.extend_from_slice(&order.client.0);
    encode_inputs(&mut out, &order.inputs);
    out
}

/// Exclusive data of each transaction type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exclusive {
    /// `beacon` (SPEC §7.7) is present iff version ≥ 1; version 0 is AntShares 1.0's nonce only.
    Miner {
        nonce: u32,
        beacon: Option<BeaconData>,
    },
    Issue,
    Claim {
        claims: Vec<CoinReference>,
    },
    Enrollment {
        public_key: EcPoint,
    },
    Voting {
        enrollments: Vec<UInt256>,
    },
    Register(RegisterData),
    Contract,
    State {
        descriptors: Vec<StateDescriptor>,
    },
    Publish(PublishData),
    /// `gas` is present iff version ≥ 1.
    Invocation {
        script: Vec<u8>,
        gas: Option<Fixed8>,
    },
    Agency(AgencyData),
}

impl Exclusive {
    pub fn tx_type(&self) -> TxType {
        match self {
            Exclusive::Miner { .. } => TxType::Miner,
            Exclusive::Issue => TxType::Issue,
            Exclusive::Claim { .. } => TxType::Claim,
            Exclusive::Enrollment { .. } => TxType::Enrollment,
            Exclusive::Voting { .. } => TxType::Voting,
            Exclusive::Register(_) => TxType::Register,
            Exclusive::Contract => TxType::Contract,
            Exclusive::State { .. } => TxType::State,
            Exclusive::Publish(_) => TxType::Publish,
            Exclusive::Invocation { .. } => TxType::Invocation,
            Exclusive::Agency(_) => TxType::Agency,
        }
    }

    pub(crate) fn decode(ty: TxType, version: u8, r: &mut Reader<'_>) -> Result<Self> {
        Ok(match ty {
            TxType::Miner => Exclusive::Miner {
                nonce: r.u32("nonce")?,
                beacon: if version >= 1 {
                    Some(BeaconData::decode(r)?)
                } else {
                    None
                },
            },
            TxType::Issue => Exclusive::Issue,
            TxType::Contract => Exclusive::Contract,
            TxType::Claim => {
                let at = r.pos();
                let claims = decode_inputs(r, "claims", MAX_CLAIMS)?;
                if claims.is_empty() {
                    return r.err("claims", at, "a ClaimTransaction needs at least one claim");
                }
                Exclusive::Claim { claims }
            }
            TxType::Enrollment => Exclusive::Enrollment {
                public_key: EcPoint::decode(r, "public_key")?,
            },
            TxType::Voting => {
                let at = r.pos();
                let n = r.count("enrollments", MAX_VOTING_ENROLLMENTS, min_size::HASH256)?;
                if n == 0 {
                    return r.err(
                        "enrollments",
                        at,
                        "a VotingTransaction needs at least one enrollment",
                    );
                }
                let mut enrollments = Vec::with_capacity(n);
                for _ in 0..n {
                    enrollments.push(UInt256(r.array("enrollments")?));
                }
                let mut sorted = enrollments.clone();
                sorted.sort_unstable();
                if sorted.windows(2).any(|w| w[0] == w[1]) {
                    return r.err("enrollments", at, "duplicate enrollment hash");
                }
                Exclusive::Voting { enrollments }
            }
            TxType::Register => Exclusive::Register(RegisterData::decode(r)?),
            TxType::State => {
                let n = r.count("descriptors", MAX_STATE_DESCRIPTORS, min_size::DESCRIPTOR)?;
                let mut descriptors = Vec::with_capacity(n);
                for i in 0..n {
                    descriptors.push(decode_descriptor(r).within("descriptors", Some(i))?);
                }
                Exclusive::State { descriptors }
            }
            TxType::Publish => {
                let script = r.var_bytes("script", MAX_PUBLISH_SCRIPT)?.to_vec();
                let parameter_list = r.var_bytes("parameter_list", MAX_PUBLISH_STRING)?.to_vec();
                let return_type = r.u8("return_type")?;
                let need_storage = if version >= 1 {
                    Some(r.bool("need_storage")?)
                } else {
                    None
                };
                Exclusive::Publish(PublishData {
                    script,
                    parameter_list,
                    return_type,
                    need_storage,
                    name: r.var_string("name", MAX_PUBLISH_STRING)?,
                    code_version: r.var_string("code_version", MAX_PUBLISH_STRING)?,
                    author: r.var_string("author", MAX_PUBLISH_STRING)?,
                    email: r.var_string("email", MAX_PUBLISH_STRING)?,
                    description: r.var_string("description", MAX_PUBLISH_DESCRIPTION)?,
                })
            }
            TxType::Invocation => {
                let at = r.pos();
                let script = r.var_bytes("script", MAX_INVOCATION_SCRIPT)?;
                if script.is_empty() {
                    return r.err("script", at, "invocation script must not be empty");
                }
                let gas = if version >= 1 {
                    let at = r.pos();
                    let g = r.i64("gas")?;
                    if g < 0 {
                        return r.err("gas", at, format!("gas {g} is negative"));
                    }
                    Some(g)
                } else {
                    None
                };
                Exclusive::Invocation {
                    script: script.to_vec(),
                    gas,
                }
            }
            TxType::Agency => Exclusive::Agency(decode_agency(r)?),
        })
    }

    pub(crate) fn encode(&self, version: u8, out: &mut Vec<u8>) {
        match self {
            Exclusive::Miner { nonce, beacon } => {
                out.extend_from_slice(&nonce.to_le_bytes());
                if version >= 1 {
                    beacon.as_ref().unwrap_or(&BeaconData::EMPTY).encode(out);
                }
            }
            Exclusive::Issue | Exclusive::Contract => {}
            Exclusive::Claim { claims } => encode_inputs(out, claims),
            Exclusive::Enrollment { public_key } => out.extend_from_slice(public_key.as_bytes()),
            Exclusive::Voting { enrollments } => {
                write_var_int(out, enrollments.len() as u64);
                for e in enrollments {
                    out.extend_from_slice(&e.0);
                }
            }
            Exclusive::Register(d) => d.encode(out),
            Exclusive::State { descriptors } => {
                write_var_int(out, descriptors.len() as u64);
                for d in descriptors {
                    out.push(d.kind);
                    write_var_bytes(out, &d.key);
                    write_var_bytes(out, d.field.as_bytes());
                    write_var_bytes(out, &d.value);
                }
            }
            Exclusive::Publish(p) => {
                write_var_bytes(out, &p.script);
                write_var_bytes(out, &p.parameter_list);
                out.push(p.return_type);
                if version >= 1 {
                    out.push(u8::from(p.need_storage.unwrap_or(false)));
                }
                for s in [
                    &p.name,
                    &p.code_version,
                    &p.author,
                    &p.email,
                    &p.description,
                ] {
                    write_var_bytes(out, s.as_bytes());
                }
            }
            Exclusive::Invocation { script, gas } => {
                write_var_bytes(out, script);
                if version >= 1 {
                    out.extend_from_slice(&gas.unwrap_or(0).to_le_bytes());
                }
            }
            Exclusive::Agency(a) => {
                out.extend_from_slice(&a.asset_id.0);
                out.extend_from_slice(&a.value_asset_id.0);
                out.extend_from_slice(&a.agent.0);
                write_var_int(out, a.orders.len() as u64);
                for o in &a.orders {
                    out.extend_from_slice(&o.amount.to_le_bytes());
                    out.extend_from_slice(&o.price.to_le_bytes());
                    out.extend_from_slice(&o.client.0);
                    encode_inputs(out, &o.inputs);
                    write_var_int(out, o.witnesses.len() as u64);
                    for w in &o.witnesses {
                        w.encode(out);
                    }
                }
                match &a.split_order {
                    None => out.push(0),
                    Some(s) => {
                        out.push(1);
                        out.extend_from_slice(&s.amount.to_le_bytes());
                        out.extend_from_slice(&s.price.to_le_bytes());
                        out.extend_from_slice(&s.client.0);
                    }
                }
            }
        }
    }
}

fn decode_descriptor(r: &mut Reader<'_>) -> Result<StateDescriptor> {
    let at = r.pos();
    let kind = r.u8("type")?;
    if kind != STATE_TYPE_ACCOUNT && kind != STATE_TYPE_VALIDATOR {
        return r.err(
            "type",
            at,
            format!("unknown state descriptor type 0x{kind:02x}"),
        );
    }
    Ok(StateDescriptor {
        kind,
        key: r.var_bytes("key", MAX_STATE_KEY)?.to_vec(),
        field: r.var_string("field", MAX_STATE_FIELD)?,
        value: r.var_bytes("value", MAX_STATE_VALUE)?.to_vec(),
    })
}

fn decode_amount_price(r: &mut Reader<'_>) -> Result<(Fixed8, Fixed8)> {
    let at = r.pos();
    let amount = r.i64("amount")?;
    if amount == 0 {
        return r.err("amount", at, "order amount must not be zero");
    }
    let at = r.pos();
    let price = r.i64("price")?;
    if price <= 0 {
        return r.err("price", at, format!("order price {price} must be positive"));
    }
    Ok((amount, price))
}

fn decode_order(r: &mut Reader<'_>) -> Result<Order> {
    let (amount, price) = decode_amount_price(r)?;
    let client = UInt160(r.array("client")?);
    let inputs = decode_inputs(r, "inputs", MAX_INPUTS)?;
    let n = r.count("witnesses", MAX_WITNESSES, min_size::WITNESS)?;
    let mut witnesses = Vec::with_capacity(n);
    for i in 0..n {
        witnesses.push(Witness::decode(r).within("witnesses", Some(i))?);
    }
    Ok(Order {
        amount,
        price,
        client,
        inputs,
        witnesses,
    })
}

fn decode_agency(r: &mut Reader<'_>) -> Result<AgencyData> {
    let asset_id = UInt256(r.array("asset_id")?);
    let at = r.pos();
    let value_asset_id = UInt256(r.array("value_asset_id")?);
    if value_asset_id == asset_id {
        return r.err(
            "value_asset_id",
            at,
            "value asset must differ from the traded asset",
        );
    }
    let agent = UInt160(r.array("agent")?);
    let n = r.count("orders", MAX_ORDERS, min_size::ORDER)?;
    let mut orders = Vec::with_capacity(n);
    for i in 0..n {
        orders.push(decode_order(r).within("orders", Some(i))?);
    }
    let at = r.pos();
    let split_order = match r.var_int("split_order")? {
        0 => None,
        1 => {
            let (amount, price) = decode_amount_price(r).within("split_order", None)?;
            let client = UInt160(r.array("split_order.client")?);
            Some(SplitOrder {
                amount,
                price,
                client,
            })
        }
        f => {
            return r.err(
                "split_order",
                at,
                format!("split order flag must be 0 or 1, got {f}"),
            )
        }
    };
    Ok(AgencyData {
        asset_id,
        value_asset_id,
        agent,
        orders,
        split_order,
    })
}
