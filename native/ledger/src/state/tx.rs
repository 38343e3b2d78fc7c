//! The rules of one transaction (SPEC §4, §8): checks that only read, then effects applied
//! once every check passed.
use std::collections::BTreeSet;

use crate::fast_hash::{FastMap as HashMap, FastSet as HashSet};

use antshares_core::exclusive::EcPoint;
use antshares_core::{
    classify_verification, Exclusive, ScriptClass, Transaction, TxType, UInt160, UInt256,
};

use super::overlay::{Overlay, View};
use super::params::{single_sig_hash, violation};
use super::records::{
    AssetState, BallotState, ASSET_CURRENCY, ASSET_INVOICE, ASSET_SHARE, ASSET_TOKEN,
};
use super::Ledger;
use crate::agency::{check_agency, CarriedSplit};
use crate::rule::Violation;
use crate::utxo::{Coin, Lookup, OutPoint};

/// Transactions above this size are invalid (SPEC §4).
pub const MAX_TX_SIZE: usize = 1 << 20;
/// One ANS share in satoshi (ANS has precision 0).
const SHARE: i64 = 100_000_000;

/// What a valid transaction does to the state.
pub(super) struct TxEffect {
    pub spent: Vec<OutPoint>,
    pub spent_coins: Vec<Coin>,
    pub created: Vec<(OutPoint, Coin)>,
    pub assets: Vec<(UInt256, AssetState)>,
    pub enrollment: Option<(UInt256, [u8; 33])>,
    pub ballot: Option<(UInt256, BallotState)>,
    pub split: Option<(UInt256, CarriedSplit)>,
    pub inputless: Option<UInt256>,
    pub byte_fee: i64,
    pub burned: i64,
}

/// Checks `tx` (at `position` in a block at `height`, `size` bytes on the wire) against the
/// view; reads only.
pub(super) fn check_tx(
    view: &View<'_>,
    tx: &Transaction,
    txid: UInt256,
    size: usize,
    height: u32,
    witnesses: &[ScriptInfo],
) -> Result<TxEffect, Violation> {
    check_form(tx, size)?;
    let ty = tx.exclusive.tx_type();
    let agency = match &tx.exclusive {
        Exclusive::Agency(d) => Some(d),
        _ => None,
    };
    // Every input: the transaction's own, then each order's (they are inputs for
    // double-spend purposes, SPEC §8).
    let mut seen = HashSet::default();
    let own = spend_list(view.ledger, &tx.inputs, &mut seen)?;
    let mut order_coins = Vec::new();
    if let Some(d) = agency {
        for order in &d.orders {
            order_coins.push(spend_list(view.ledger, &order.inputs, &mut seen)?);
        }
    }
    let inputless = if seen.is_empty() {
        check_new_txid(view, txid)?;
        Some(txid)
    } else {
        None
    };

    // Outputs: registered asset, positive, a multiple of its unit.
    let mut flows: HashMap<UInt256, (i128, i128)> = HashMap::default();
    let mut created = Vec::with_capacity(tx.outputs.len());
    for (i, out) in tx.outputs.iter().enumerate() {
        let asset = view.asset(&out.asset_id).ok_or_else(|| {
            violation(
                "unknown-asset",
                format!(
                    "output {i} pays asset {} which is not registered",
                    out.asset_id.to_display()
                ),
            )
        })?;
        if out.value <= 0 {
            return Err(violation(
                "output-value",
                format!("output {i} has value {} (must be > 0)", out.value),
            ));
        }
        if out.value % asset.unit() != 0 {
            return Err(violation(
                "output-precision",
                format!(
                    "output {i} value {} is not a multiple of {} (asset precision {})",
                    out.value,
                    asset.unit(),
                    asset.register.precision
                ),
            ));
        }
        flows.entry(out.asset_id).or_default().1 += i128::from(out.value);
        let index =
            u16::try_from(i).map_err(|_| violation("output-count", "more than 65536 outputs"))?;
        created.push((
            OutPoint::new(txid, index),
            Coin {
                asset_id: out.asset_id,
                value: out.value,
                script_hash: out.script_hash,
                height,
            },
        ));
    }
    let all_spent = own.iter().chain(order_coins.iter().flatten());
    for (_, coin) in all_spent.clone() {
        flows.entry(coin.asset_id).or_default().0 += i128::from(coin.value);
    }

    let anc = view.ledger.native.anc;
    let mut required: BTreeSet<UInt160> = BTreeSet::new();
    let mut assets = Vec::new();
    let mut enrollment = None;
    let mut ballot = None;
    let mut split = None;
    let mut service_fee = 0i64;
    let fees = view.ledger.params.fees;

    // Value flows: only an Issue creates value; only ANC may be destroyed.
    let mut issued_something = false;
    let mut issued_only_native = true;
    let mut flow_list: Vec<_> = flows.iter().collect();
    flow_list.sort_by_key(|(id, _)| **id);
    for (id, &(inp, out)) in flow_list {
        if out > inp {
            if ty != TxType::Issue {
                return Err(violation(
                    "asset-creation",
                    format!(
                    "asset {}: outputs {out} exceed inputs {inp} and only an Issue creates value",
                    id.to_display()
                ),
                ));
            }
            let asset = view.asset(id).expect("outputs checked above");
            let delta =
                i64::try_from(out - inp).map_err(|_| violation("issue-cap", "amount overflows"))?;
            let issued = asset
                .issued
                .checked_add(delta)
                .ok_or_else(|| violation("issue-cap", "amount overflows"))?;
            if asset.register.amount != -1 && issued > asset.register.amount {
                return Err(violation(
                    "issue-cap",
                    format!(
                        "asset {}: issuing {delta} brings the total to {issued}, above the cap {}",
                        id.to_display(),
                        asset.register.amount
                    ),
                ));
            }
            required.insert(asset.register.admin);
            issued_something = true;
            issued_only_native &= *id == view.ledger.native.ans || *id == anc;
            let mut updated = asset.clone();
            updated.issued = issued;
            assets.push((*id, updated));
        } else if inp > out && *id != anc {
            return Err(violation(
                "asset-destruction",
                format!(
                    "asset {}: inputs {inp} exceed outputs {out}, and only ANC may be destroyed",
                    id.to_display()
                ),
            ));
        }
    }

    match &tx.exclusive {
        Exclusive::Issue => {
            if !issued_something {
                return Err(violation(
                    "issue-nothing",
                    "an Issue must create outputs of an asset beyond its inputs",
                ));
            }
            if !issued_only_native {
                service_fee = fees.issue;
            }
        }
        Exclusive::Register(r) => {
            service_fee = fees.register;
            if ![ASSET_CURRENCY, ASSET_SHARE, ASSET_INVOICE, ASSET_TOKEN].contains(&r.asset_type) {
                return Err(violation("register-type", format!(
                    "asset type 0x{:02x} cannot be registered (Currency 0x08, Share 0x90, Invoice 0x98, Token 0x60)",
                    r.asset_type
                )));
            }
            if r.precision > 8 {
                return Err(violation(
                    "register-precision",
                    format!("precision {} above 8", r.precision),
                ));
            }
            let state = AssetState {
                register: r.clone(),
                issued: 0,
            };
            if r.amount != -1 && (r.amount <= 0 || r.amount % state.unit() != 0) {
                return Err(violation(
                    "register-amount",
                    format!(
                    "amount {} must be positive and a multiple of {} (or -1 satoshi: unlimited)",
                    r.amount, state.unit()
                ),
                ));
            }
            let EcPoint::Compressed(owner) = r.owner else {
                return Err(violation(
                    "register-owner",
                    "the owner must be a public key",
                ));
            };
            required.insert(single_sig_hash(&owner));
            assets.push((txid, state));
        }
        Exclusive::Enrollment { public_key } => {
            service_fee = fees.enrollment;
            let EcPoint::Compressed(key) = *public_key else {
                return Err(violation(
                    "enrollment-key",
                    "the enrollee must be a public key",
                ));
            };
            // A candidate's key must be a real P-256 point: an elected invalid key would leave
            // no valid NextConsensus, stopping the chain.
            if antshares_crypto::validate_key(antshares_crypto::Curve::Secp256r1, &key).is_err() {
                return Err(violation(
                    "enrollment-key",
                    "the enrollee's key is not a point of P-256",
                ));
            }
            let owner = single_sig_hash(&key);
            let deposit_ok = tx.outputs.first().is_some_and(|o| {
                o.asset_id == anc
                    && o.value >= view.ledger.params.min_deposit
                    && o.script_hash == owner
            });
            if !deposit_ok {
                return Err(violation(
                    "enrollment-deposit",
                    format!(
                        "output 0 must pay at least {} ANC satoshi to the enrollee's address",
                        view.ledger.params.min_deposit
                    ),
                ));
            }
            required.insert(owner);
            enrollment = Some((txid, key));
        }
        Exclusive::Voting { enrollments } => {
            service_fee = fees.voting;
            ballot = Some((txid, check_vote(view, enrollments, tx)?));
        }
        Exclusive::Agency(d) => {
            // Only standard scripts can be evaluated (no VM): an order's witness must be one.
            for (o, order) in d.orders.iter().enumerate() {
                if let Some(w) = order.witnesses.iter().position(|w| {
                    classify_verification(&w.verification) == ScriptClass::NonStandard
                }) {
                    return Err(violation(
                        "witness-nonstandard",
                        format!(
                            "order {o} witness {w} is not a standard signature or multisig script"
                        ),
                    ));
                }
            }
            let outcome = check_agency(tx, d, &own, &order_coins, view)?;
            required.extend(outcome.tx_signers);
            if let Some(s) = CarriedSplit::of_transaction(tx) {
                split = Some((txid, s));
            }
        }
        Exclusive::Contract => {}
        _ => unreachable!("other types were rejected above"),
    }

    if agency.is_none() {
        // Owners of spent outputs; receivers of DutyFlag assets; the Admin of a moved Share.
        for (_, coin) in &own {
            required.insert(coin.script_hash);
        }
        for (id, _) in flows.iter() {
            let asset = view.asset(id).ok_or_else(|| {
                violation(
                    "unknown-asset",
                    format!("input of asset {} which is not registered", id.to_display()),
                )
            })?;
            if asset.register.asset_type == ASSET_SHARE {
                required.insert(asset.register.admin);
            }
        }
        for out in &tx.outputs {
            if view.asset(&out.asset_id).is_some_and(AssetState::is_duty) {
                required.insert(out.script_hash);
            }
        }
    }
    check_witnesses(witnesses, &required)?;

    let (anc_in, anc_out) = flows.get(&anc).copied().unwrap_or_default();
    let net = anc_in - anc_out;
    if net < i128::from(service_fee) {
        return Err(violation(
            "insufficient-fee",
            format!("ANC in minus out is {net} satoshi, below the service fee {service_fee}"),
        ));
    }
    let byte_fee = i64::try_from(net - i128::from(service_fee))
        .map_err(|_| violation("insufficient-fee", "fee overflows"))?;

    let (spent, spent_coins) = own
        .into_iter()
        .chain(order_coins.into_iter().flatten())
        .unzip();
    Ok(TxEffect {
        spent,
        spent_coins,
        created,
        assets,
        enrollment,
        ballot,
        split,
        inputless,
        byte_fee,
        burned: service_fee,
    })
}

/// The rules that need nothing but the transaction: a type valid on this chain, in a block's
/// body; the size limit.
pub(super) fn check_form(tx: &Transaction, size: usize) -> Result<(), Violation> {
    let ty = tx.exclusive.tx_type();
    match ty {
        TxType::Miner => {
            return Err(violation(
                "miner-position",
                "a MinerTransaction must be the first transaction of its block, and only one",
            ))
        }
        TxType::Claim | TxType::State | TxType::Publish | TxType::Invocation => {
            return Err(violation(
                "tx-type-disabled",
                format!(
                    "{ty:?} transactions (0x{:02x}) are not valid on this chain",
                    ty as u8
                ),
            ))
        }
        _ => {}
    }
    if size > MAX_TX_SIZE {
        return Err(violation(
            "tx-size",
            format!("{size} bytes, the limit is {MAX_TX_SIZE}"),
        ));
    }
    Ok(())
}

/// The coins of `inputs`, each spent at most once across the transaction.
fn spend_list(
    ledger: &Ledger,
    inputs: &[antshares_core::CoinReference],
    seen: &mut HashSet<OutPoint>,
) -> Result<Vec<(OutPoint, Coin)>, Violation> {
    let mut coins = Vec::with_capacity(inputs.len());
    for input in inputs {
        let op = OutPoint::new(input.prev_hash, input.prev_index);
        if !seen.insert(op) {
            return Err(violation(
                "duplicate-input",
                format!("{} is spent twice by this transaction", describe(&op)),
            ));
        }
        match ledger.utxos.peek(&op) {
            Lookup::Unspent(c) => coins.push((op, c)),
            Lookup::Spent => {
                return Err(violation(
                    "spent-or-missing-input",
                    format!(
                        "{} is already spent or never existed (double spend)",
                        describe(&op)
                    ),
                ))
            }
            Lookup::Unknown => {
                return Err(violation(
                    "internal",
                    format!("{} was not loaded from the store", describe(&op)),
                ))
            }
        }
    }
    Ok(coins)
}

fn describe(op: &OutPoint) -> String {
    format!("output {}:{}", op.txid.to_display(), op.index)
}

/// An input-less transaction cannot rely on spent inputs for a unique txid: the transaction
/// index (and this batch) must not hold it yet.
fn check_new_txid(view: &View<'_>, txid: UInt256) -> Result<(), Violation> {
    let ledger = view.ledger;
    if ledger.known_txids.contains(&txid) || view.overlay.inputless.contains(&txid) {
        return Err(violation(
            "tx-duplicate",
            format!("transaction {} is already in the chain", txid.to_display()),
        ));
    }
    if !ledger.checked_txids.contains(&txid) {
        return Err(violation(
            "internal",
            format!(
                "txid {} was not checked against the index",
                txid.to_display()
            ),
        ));
    }
    Ok(())
}

fn check_vote(
    view: &View<'_>,
    enrollments: &[UInt256],
    tx: &Transaction,
) -> Result<BallotState, Violation> {
    if enrollments.is_empty() || enrollments.len() > 1024 {
        return Err(violation(
            "voting-count",
            format!("{} candidates listed (1 to 1024)", enrollments.len()),
        ));
    }
    let mut ids = HashSet::default();
    let mut keys = HashSet::default();
    let mut candidates = Vec::with_capacity(enrollments.len());
    for id in enrollments {
        if !ids.insert(*id) {
            return Err(violation(
                "voting-duplicate",
                format!("enrollment {} listed twice", id.to_display()),
            ));
        }
        let key = view.enrollment(id).ok_or_else(|| {
            violation(
                "voting-inactive-candidate",
                format!("{} is not an active enrollment", id.to_display()),
            )
        })?;
        if !keys.insert(key) {
            return Err(violation(
                "voting-duplicate-key",
                format!("enrollment {} repeats a public key", id.to_display()),
            ));
        }
        candidates.push(key);
    }
    let ans = view.ledger.native.ans;
    let weight: i64 = tx
        .outputs
        .iter()
        .filter(|o| o.asset_id == ans)
        .map(|o| o.value / SHARE)
        .sum();
    if weight <= 0 {
        return Err(violation(
            "voting-no-ans",
            "a vote needs at least one ANS output (its weight)",
        ));
    }
    Ok(BallotState {
        weight: weight as u64,
        candidates,
    })
}

/// A verification script's hash and whether it is a standard (evaluable) script.
#[derive(Clone, Copy, Debug)]
pub(super) struct ScriptInfo {
    pub hash: UInt160,
    pub standard: bool,
}

impl ScriptInfo {
    pub fn of(script: &[u8]) -> Self {
        ScriptInfo {
            hash: UInt160(antshares_core::hash160(script)),
            standard: classify_verification(script) != ScriptClass::NonStandard,
        }
    }
}

/// Exactly one standard witness per required signer, in ascending script-hash order.
pub(super) fn check_witnesses(
    witnesses: &[ScriptInfo],
    required: &BTreeSet<UInt160>,
) -> Result<(), Violation> {
    if let Some(i) = witnesses.iter().position(|w| !w.standard) {
        return Err(violation(
            "witness-nonstandard",
            format!("witness {i} is not a standard signature or multisig script"),
        ));
    }
    let given: Vec<UInt160> = witnesses.iter().map(|w| w.hash).collect();
    if given.len() == required.len() && given.iter().zip(required).all(|(a, b)| a == b) {
        return Ok(());
    }
    let given_set: BTreeSet<UInt160> = given.iter().copied().collect();
    let missing: Vec<String> = required
        .difference(&given_set)
        .map(|h| h.to_display())
        .collect();
    let extra: Vec<String> = given_set
        .difference(required)
        .map(|h| h.to_display())
        .collect();
    Err(violation("witness-set", format!(
        "witnesses must be exactly the required signers in script-hash order; missing [{}], unexpected [{}]",
        missing.join(", "),
        extra.join(", ")
    )))
}

/// Applies a checked transaction's effects to the UTXO cache's block overlay and the overlay.
pub(super) fn commit_tx(
    ledger: &mut Ledger,
    overlay: &mut Overlay,
    effect: TxEffect,
) -> Result<(), Violation> {
    let internal = |e: crate::utxo::UtxoError| violation("internal", e.to_string());
    ledger.utxos.spend_many(&effect.spent).map_err(internal)?;
    ledger.utxos.add_many(&effect.created).map_err(internal)?;
    let ans = ledger.native.ans;
    for (op, coin) in effect.spent.iter().zip(&effect.spent_coins) {
        if coin.asset_id == ans {
            *overlay.holder_deltas.entry(coin.script_hash).or_default() -=
                i128::from(coin.value / SHARE);
            let current = View { ledger, overlay }.ballot(&op.txid).cloned();
            if let Some(mut b) = current {
                b.weight = b.weight.saturating_sub((coin.value / SHARE) as u64);
                overlay.ballots.insert(op.txid, (b.weight > 0).then_some(b));
                overlay.election_dirty = true;
            }
        }
        if op.index == 0 && (View { ledger, overlay }).enrollment(&op.txid).is_some() {
            overlay.enrollments_removed.insert(op.txid);
            overlay.election_dirty = true;
        }
    }
    for (_, coin) in &effect.created {
        if coin.asset_id == ans {
            *overlay.holder_deltas.entry(coin.script_hash).or_default() +=
                i128::from(coin.value / SHARE);
        }
    }
    for (id, asset) in effect.assets {
        overlay.assets.insert(id, asset);
    }
    if let Some((id, key)) = effect.enrollment {
        overlay.enrollments_added.insert(id, key);
        overlay.election_dirty = true;
    }
    if let Some((id, b)) = effect.ballot {
        overlay.ballots.insert(id, Some(b));
        overlay.election_dirty = true;
    }
    if let Some((id, s)) = effect.split {
        overlay.splits.insert(id, s);
    }
    if let Some(id) = effect.inputless {
        overlay.inputless.insert(id);
    }
    overlay.byte_fees = overlay
        .byte_fees
        .checked_add(effect.byte_fee)
        .ok_or_else(|| violation("insufficient-fee", "block fees overflow"))?;
    overlay.burned += effect.burned;
    Ok(())
}
