//! Transactions: common layout, inputs, outputs, witnesses, txid.
use crate::attribute::{read_attribute, TxAttribute};
use crate::error::{Result, Within};
use crate::exclusive::{AgencyData, Exclusive};
use crate::hash::{hash160, hash256};
use crate::io::{write_var_bytes, write_var_int, Reader};
use crate::limits::*;
use crate::uint::{UInt160, UInt256};
use crate::Fixed8;
use std::ops::Range;

/// Transaction type byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TxType {
    Miner = 0x00,
    Issue = 0x01,
    Claim = 0x02,
    Enrollment = 0x20,
    Voting = 0x24,
    Register = 0x40,
    Contract = 0x80,
    State = 0x90,
    Agency = 0xb0,
    Publish = 0xd0,
    Invocation = 0xd1,
}

impl TxType {
    pub fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0x00 => TxType::Miner,
            0x01 => TxType::Issue,
            0x02 => TxType::Claim,
            0x20 => TxType::Enrollment,
            0x24 => TxType::Voting,
            0x40 => TxType::Register,
            0x80 => TxType::Contract,
            0x90 => TxType::State,
            0xb0 => TxType::Agency,
            0xd0 => TxType::Publish,
            0xd1 => TxType::Invocation,
            _ => return None,
        })
    }

    /// Highest version byte whose layout is known (2.x rules; 1.x-only layouts are version 0;
    /// Miner version 1 is this chain's beacon evidence, SPEC §7.7).
    pub fn max_version(self) -> u8 {
        match self {
            TxType::Miner | TxType::Issue | TxType::Publish | TxType::Invocation => 1,
            _ => 0,
        }
    }
}

/// A reference to an output of an earlier transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CoinReference {
    pub prev_hash: UInt256,
    pub prev_index: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxOutput {
    pub asset_id: UInt256,
    /// Fixed8, > 0.
    pub value: Fixed8,
    pub script_hash: UInt160,
}

/// Invocation (signatures) and verification (redeem) scripts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Witness {
    pub invocation: Vec<u8>,
    pub verification: Vec<u8>,
}

impl Witness {
    /// Script hash of the verification script.
    pub fn script_hash(&self) -> UInt160 {
        UInt160(hash160(&self.verification))
    }

    /// Decodes exactly one witness (two var-bytes); trailing bytes are an error.
    pub fn from_bytes(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(buf);
        let w = Witness::decode(&mut r)?;
        if !r.is_empty() {
            return r.err(
                "witness",
                r.pos(),
                format!("{} trailing bytes", r.remaining()),
            );
        }
        Ok(w)
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        WitnessRef::decode(r).map(WitnessRef::to_owned)
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        write_var_bytes(out, &self.invocation);
        write_var_bytes(out, &self.verification);
    }
}

/// A witness borrowed from the buffer it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WitnessRef<'a> {
    pub invocation: &'a [u8],
    pub verification: &'a [u8],
}

impl<'a> WitnessRef<'a> {
    /// Script hash of the verification script.
    pub fn script_hash(&self) -> UInt160 {
        UInt160(hash160(self.verification))
    }

    pub fn to_owned(self) -> Witness {
        Witness {
            invocation: self.invocation.to_vec(),
            verification: self.verification.to_vec(),
        }
    }

    /// Decodes one witness (same rules and errors as the owned decoder, which calls this).
    pub fn decode(r: &mut Reader<'a>) -> Result<Self> {
        let invocation = r.var_bytes("invocation", MAX_SCRIPT)?;
        let verification = r.var_bytes("verification", MAX_SCRIPT)?;
        Ok(WitnessRef {
            invocation,
            verification,
        })
    }
}

impl Witness {
    /// This witness as borrowed slices.
    pub fn as_ref(&self) -> WitnessRef<'_> {
        WitnessRef {
            invocation: &self.invocation,
            verification: &self.verification,
        }
    }
}

/// Byte positions of one transaction inside the buffer it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxSpan {
    pub start: usize,
    /// End of the unsigned part (start of the witness array).
    pub unsigned_end: usize,
    pub end: usize,
}

impl TxSpan {
    /// Range of the unsigned bytes (hashed for the txid, SHA-256'd for signatures).
    pub fn unsigned(&self) -> Range<usize> {
        self.start..self.unsigned_end
    }
    /// Range of the whole transaction.
    pub fn full(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A transaction. The type byte is implied by `exclusive`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    pub version: u8,
    pub exclusive: Exclusive,
    pub attributes: Vec<TxAttribute>,
    pub inputs: Vec<CoinReference>,
    pub outputs: Vec<TxOutput>,
    pub witnesses: Vec<Witness>,
}

pub(crate) fn decode_inputs(
    r: &mut Reader<'_>,
    field: &str,
    max: usize,
) -> Result<Vec<CoinReference>> {
    let n = r.count(field, max, min_size::INPUT)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        // count() guaranteed the bytes are there.
        let b = r.bytes(field, min_size::INPUT)?;
        let mut h = [0u8; 32];
        h.copy_from_slice(&b[..32]);
        v.push(CoinReference {
            prev_hash: UInt256(h),
            prev_index: u16::from_le_bytes([b[32], b[33]]),
        });
    }
    Ok(v)
}

pub(crate) fn encode_inputs(out: &mut Vec<u8>, inputs: &[CoinReference]) {
    write_var_int(out, inputs.len() as u64);
    for i in inputs {
        out.extend_from_slice(&i.prev_hash.0);
        out.extend_from_slice(&i.prev_index.to_le_bytes());
    }
}

fn decode_output(r: &mut Reader<'_>) -> Result<TxOutput> {
    let asset_id = UInt256(r.array("asset_id")?);
    let at = r.pos();
    let value = r.i64("value")?;
    if value <= 0 {
        return r.err(
            "value",
            at,
            format!("output value {value} must be positive"),
        );
    }
    let script_hash = UInt160(r.array("script_hash")?);
    Ok(TxOutput {
        asset_id,
        value,
        script_hash,
    })
}

/// Receives the variable-length parts of a transaction while [`decode_with`] validates them.
trait PartSink<'a> {
    fn attributes(&mut self, r: &mut Reader<'a>, n: usize) -> Result<()>;
    fn inputs(&mut self, r: &mut Reader<'a>) -> Result<()>;
    fn output(&mut self, n: usize, i: usize, o: TxOutput);
    fn witness(&mut self, n: usize, w: WitnessRef<'a>);
}

/// Collects owned parts ([`Transaction::decode`]).
#[derive(Default)]
struct OwnedParts {
    attributes: Vec<TxAttribute>,
    inputs: Vec<CoinReference>,
    outputs: Vec<TxOutput>,
    witnesses: Vec<Witness>,
}

impl<'a> PartSink<'a> for OwnedParts {
    fn attributes(&mut self, r: &mut Reader<'a>, n: usize) -> Result<()> {
        self.attributes.reserve_exact(n);
        for i in 0..n {
            self.attributes
                .push(TxAttribute::decode(r).within("attributes", Some(i))?);
        }
        Ok(())
    }
    fn inputs(&mut self, r: &mut Reader<'a>) -> Result<()> {
        self.inputs = decode_inputs(r, "inputs", MAX_INPUTS)?;
        Ok(())
    }
    fn output(&mut self, n: usize, _: usize, o: TxOutput) {
        self.outputs.reserve_exact(n);
        self.outputs.push(o);
    }
    fn witness(&mut self, n: usize, w: WitnessRef<'a>) {
        self.witnesses.reserve_exact(n);
        self.witnesses.push(w.to_owned());
    }
}

/// Keeps only the witnesses, borrowed ([`Transaction::decode_view`]).
struct ViewParts<'a> {
    witnesses: Vec<WitnessRef<'a>>,
}

impl<'a> PartSink<'a> for ViewParts<'a> {
    fn attributes(&mut self, r: &mut Reader<'a>, n: usize) -> Result<()> {
        for i in 0..n {
            read_attribute(r)
                .map(|_| ())
                .within("attributes", Some(i))?;
        }
        Ok(())
    }
    fn inputs(&mut self, r: &mut Reader<'a>) -> Result<()> {
        let n = r.count("inputs", MAX_INPUTS, min_size::INPUT)?;
        // count() guaranteed the bytes are there.
        r.bytes("inputs", n * min_size::INPUT)?;
        Ok(())
    }
    fn output(&mut self, _: usize, _: usize, _: TxOutput) {}
    fn witness(&mut self, n: usize, w: WitnessRef<'a>) {
        self.witnesses.reserve_exact(n);
        self.witnesses.push(w);
    }
}

/// The one transaction decoder: reads and validates every field in wire order, handing the
/// variable-length parts to `sink`. Returns version, exclusive data and span.
fn decode_with<'a>(
    r: &mut Reader<'a>,
    sink: &mut impl PartSink<'a>,
) -> Result<(u8, Exclusive, TxSpan)> {
    let start = r.pos();
    let type_byte = r.u8("type")?;
    let Some(ty) = TxType::from_u8(type_byte) else {
        return r.err(
            "type",
            start,
            format!("unknown transaction type 0x{type_byte:02x}"),
        );
    };
    let at = r.pos();
    let version = r.u8("version")?;
    if version > ty.max_version() {
        return r.err(
            "version",
            at,
            format!(
                "version {version} is not supported for type {ty:?} (max {})",
                ty.max_version()
            ),
        );
    }
    let exclusive = Exclusive::decode(ty, version, r)?;

    let n = r.count("attributes", MAX_ATTRIBUTES, min_size::ATTRIBUTE)?;
    sink.attributes(r, n)?;
    sink.inputs(r)?;
    let n = r.count("outputs", MAX_OUTPUTS, min_size::OUTPUT)?;
    for i in 0..n {
        let o = decode_output(r).within("outputs", Some(i))?;
        sink.output(n, i, o);
    }
    let unsigned_end = r.pos();
    let n = r.count("witnesses", MAX_WITNESSES, min_size::WITNESS)?;
    for i in 0..n {
        let w = WitnessRef::decode(r).within("witnesses", Some(i))?;
        sink.witness(n, w);
    }
    let span = TxSpan {
        start,
        unsigned_end,
        end: r.pos(),
    };
    Ok((version, exclusive, span))
}

/// A transaction validated exactly like [`Transaction::decode`] (same rules, same errors) but
/// borrowing from the buffer: its type, span and witnesses. Attributes, inputs and outputs are
/// checked and skipped; the type-specific data is kept only for Agency transactions, whose order
/// witnesses sign their own messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxView<'a> {
    pub tx_type: TxType,
    pub version: u8,
    pub span: TxSpan,
    pub witnesses: Vec<WitnessRef<'a>>,
    /// The Agency data (orders and their witnesses), for Agency transactions only.
    pub agency: Option<Box<AgencyData>>,
}

impl Transaction {
    pub fn tx_type(&self) -> TxType {
        self.exclusive.tx_type()
    }

    /// Decodes one transaction at the reader's position; returns it with its span.
    pub fn decode(r: &mut Reader<'_>) -> Result<(Self, TxSpan)> {
        let mut parts = OwnedParts::default();
        let (version, exclusive, span) = decode_with(r, &mut parts)?;
        let tx = Transaction {
            version,
            exclusive,
            attributes: parts.attributes,
            inputs: parts.inputs,
            outputs: parts.outputs,
            witnesses: parts.witnesses,
        };
        Ok((tx, span))
    }

    /// Decodes one transaction at the reader's position without copying it (see [`TxView`]).
    /// Accepts and rejects exactly what [`Transaction::decode`] does, with the same errors.
    pub fn decode_view<'a>(r: &mut Reader<'a>) -> Result<TxView<'a>> {
        let mut parts = ViewParts {
            witnesses: Vec::new(),
        };
        let (version, exclusive, span) = decode_with(r, &mut parts)?;
        let tx_type = exclusive.tx_type();
        let agency = match exclusive {
            Exclusive::Agency(a) => Some(Box::new(a)),
            _ => None,
        };
        Ok(TxView {
            tx_type,
            version,
            span,
            witnesses: parts.witnesses,
            agency,
        })
    }

    /// Appends the unsigned part (everything but the witnesses).
    pub fn encode_unsigned(&self, out: &mut Vec<u8>) {
        out.push(self.tx_type() as u8);
        out.push(self.version);
        self.exclusive.encode(self.version, out);
        write_var_int(out, self.attributes.len() as u64);
        for a in &self.attributes {
            a.encode(out);
        }
        encode_inputs(out, &self.inputs);
        write_var_int(out, self.outputs.len() as u64);
        for o in &self.outputs {
            out.extend_from_slice(&o.asset_id.0);
            out.extend_from_slice(&o.value.to_le_bytes());
            out.extend_from_slice(&o.script_hash.0);
        }
    }

    /// Appends the full serialization.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.encode_unsigned(out);
        write_var_int(out, self.witnesses.len() as u64);
        for w in &self.witnesses {
            w.encode(out);
        }
    }

    pub fn unsigned_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(256);
        self.encode_unsigned(&mut v);
        v
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(512);
        self.encode(&mut v);
        v
    }

    /// txid in internal byte order: hash256 of the unsigned bytes (re-serializes; when the
    /// original buffer is at hand, hash its [`TxSpan::unsigned`] range instead).
    pub fn hash(&self) -> UInt256 {
        UInt256(hash256(&self.unsigned_bytes()))
    }

    /// Checks the transaction against every decoding rule (it must serialize to bytes that
    /// decode back to an equal transaction). The message says what is wrong.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let ty = self.tx_type();
        if self.version > ty.max_version() {
            return Err(format!(
                "version {} is not supported for type {ty:?} (max {})",
                self.version,
                ty.max_version()
            ));
        }
        match &self.exclusive {
            Exclusive::Publish(p) if p.need_storage.is_some() != (self.version >= 1) => {
                return Err("need_storage must be given iff version >= 1".into());
            }
            Exclusive::Invocation { gas, .. } if gas.is_some() != (self.version >= 1) => {
                return Err("gas must be given iff version >= 1".into());
            }
            Exclusive::Miner { beacon, .. } if beacon.is_some() != (self.version >= 1) => {
                return Err("beacon data must be given iff version >= 1".into());
            }
            Exclusive::Miner {
                beacon: Some(b), ..
            } => b.check()?,
            _ => {}
        }
        for (i, a) in self.attributes.iter().enumerate() {
            a.validate().map_err(|e| format!("attributes[{i}]: {e}"))?;
        }
        let bytes = self.to_bytes();
        match decode_transaction(&bytes) {
            Ok(back) if back == *self => Ok(()),
            Ok(_) => Err("transaction does not survive a serialization round trip".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Decodes exactly one transaction; trailing bytes are an error.
pub fn decode_transaction(buf: &[u8]) -> Result<Transaction> {
    let mut r = Reader::new(buf);
    let (tx, _) = Transaction::decode(&mut r)?;
    if !r.is_empty() {
        return r.err(
            "transaction",
            r.pos(),
            format!("{} trailing bytes", r.remaining()),
        );
    }
    Ok(tx)
}

/// Decodes a transaction at the start of `buf`, allowing trailing bytes; returns its span.
pub fn decode_transaction_prefix(buf: &[u8]) -> Result<(Transaction, TxSpan)> {
    Transaction::decode(&mut Reader::new(buf))
}
