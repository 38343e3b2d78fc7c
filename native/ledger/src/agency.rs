//! The chain-side validity rules of the Agency transaction 0xb0, the superconducting exchange
//! (SPEC §8), as one pure function: [`check_agency`].
//!
//! The engine calls it after it has spent every input of the transaction (its own inputs and
//! every order's inputs) and looked up the coins they spend. Signatures are verified elsewhere:
//! here the witnesses of each order are only compared, as script hashes, with the signers the
//! order needs, and the signers the transaction itself needs are returned in [`AgencyOutcome`].
//!
//! Every failure is a [`Violation`] whose rule name starts with `agency-`; the detail names the
//! order (`order 2`, or `carried split of <txid>`), the client and the amounts (decimal Fixed8).
//! The rules, in the order they are checked:
//! `agency-same-asset`, `agency-unknown-asset`, `agency-unknown-value-asset`,
//! `agency-value-asset-not-currency`, `agency-input-coins`, `agency-duplicate-input`,
//! `agency-carry-incomplete`, `agency-zero-amount`, `agency-bad-price`, `agency-granularity`,
//! `agency-too-few-orders`, `agency-one-sided`, `agency-order-witnesses`,
//! `agency-order-input-asset`, `agency-order-underfunded`, `agency-unexpected-split`,
//! `agency-missing-split`, `agency-split-amount`, `agency-split-price`, `agency-split-cover`,
//! `agency-settlement-asset`, `agency-settlement-value`, and `agency-overflow`.
//!
//! # Interpretations where SPEC §8 leaves room
//! - **Orders as the rules see them ("trades").** The signed orders of the transaction, in their
//!   order, then one carried-over order per earlier Agency transaction whose split outputs are
//!   spent (ascending txid). "At least two orders, one buy and one sell", the Amount/Price checks,
//!   the input-sufficiency rule, Σ Amount and the SplitOrder rules all count carried orders like
//!   signed ones, and all count them *before* the split merge.
//! - **Carry-over.** An own input is carried when it spends an output of an earlier Agency
//!   transaction `T` that had a SplitOrder, `T` has the same AssetId, ValueAssetId (same order, not
//!   swapped) and Agent, and the coin's owner is that SplitOrder's client. All such inputs from one
//!   `T` form one order (the SplitOrder's amount, price and client) whose inputs are those coins, so
//!   they must all be of the asset its side spends (a sell: AssetId, a buy: ValueAssetId). Hence a
//!   split client's *other* outputs of `T` (e.g. a seller's proceeds) cannot be spent as own inputs
//!   of such a transaction; they stay the client's to spend elsewhere.
//! - **"All of those outputs together"**: the carried inputs from `T` must include every output of
//!   `T` paid to the split client in the asset its side spends ([`CarriedSplit::client_outputs`]).
//!   Without this, a split paid back in two outputs could be carried twice, filling more than the
//!   client signed for. Spending one of those outputs elsewhere (the client's cancel) therefore
//!   ends the carry-over.
//! - **Order witnesses**: their script hashes, in witness order, must equal the required signers
//!   sorted ascending as UInt160 and deduplicated — no missing, extra, duplicate or out-of-order
//!   witness. Required = owners of the coins the order's inputs spend, plus the Client when the
//!   asset is a Share (0x90). SPEC §8 names only Share; an Invoice (0x98) adds no Client witness.
//! - **Transaction signers** are exactly SPEC §8's: the Agent and the owners of the non-carried
//!   own inputs. SPEC §4's extra signers for Shares (the asset Admin, receivers of DutyFlag
//!   outputs) are not added here; §4 defers to §8 for Agency.
//! - **Input checks**: all inputs of the transaction (own and every order's) must be distinct,
//!   which includes SPEC's "each order's inputs distinct".
//! - **Split merge**: with unmatched ≠ 0 the unmatched side is the buy side if unmatched > 0, else
//!   the sell side; *all* of the split client's orders on that side at the split price (carried
//!   ones included) merge into one order of (their sum − unmatched) at that price, possibly of
//!   amount 0. The unmatched part is thus not settled now: its funds go back to the client (as
//!   change, carried over next time by the new SplitOrder).
//! - **Settlement, per client** (every client of a trade, after the merge): asset given / value
//!   given are the coins of AssetId / ValueAssetId spent by that client's trades (whoever owns the
//!   coins); asset / value received are the outputs whose script hash is the client (so when the
//!   agent is also a client, its change counts as that client's). Then asset received − asset
//!   given must equal Σ settled amounts, and value given − value received must be at most
//!   Σ floor(amount × price / 10^8) over the settled orders. Because amounts and prices are
//!   multiples of 10^4, every such product is exact, so flooring per order or per sum agree.
//!   Outputs to non-clients, and other assets, are left to the engine's general balance rules.
//! - **Arithmetic** is in `i128` with checked operations; an overflow (out of reach in practice:
//!   funding is checked against `i64` coin values first) is the violation `agency-overflow`,
//!   never a panic.
//! - **Engine inputs**: `own_coins` must list the coins of `tx.inputs` in order and `order_coins`
//!   those of each order's inputs; a mismatch is the violation `agency-input-coins`.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use antshares_core::{
    AgencyData, CoinReference, Exclusive, Fixed8, Order, SplitOrder, Transaction, UInt160, UInt256,
};

use crate::rule::Violation;
use crate::utxo::{Coin, OutPoint};

/// Asset type byte of a Currency (货币), the only kind of value asset.
pub const ASSET_TYPE_CURRENCY: u8 = 0x08;
/// Asset type byte of a Share (股权): receiving it needs the client's consent.
pub const ASSET_TYPE_SHARE: u8 = 0x90;
/// Raw Amount and Price values must be multiples of this (10^−4 units).
pub const ORDER_GRANULARITY: Fixed8 = 10_000;
/// One unit in Fixed8 raw value.
const FIXED8_ONE: i128 = 100_000_000;

/// What the engine knows about assets and earlier Agency transactions.
pub trait AgencyLookup {
    /// The asset type byte of a registered asset (0x00 ANS, 0x01 ANC, 0x08 Currency, 0x90 Share,
    /// 0x98 Invoice, 0x60 Token), `None` if unknown.
    fn asset_type(&self, asset: &UInt256) -> Option<u8>;
    /// The SplitOrder of an earlier Agency transaction `txid` with its pair and agent, if it had
    /// one ([`CarriedSplit::of_transaction`] builds it from that transaction).
    fn split_of(&self, txid: &UInt256) -> Option<CarriedSplit>;
}

/// The SplitOrder of an earlier Agency transaction, with what carrying it over needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarriedSplit {
    pub asset_id: UInt256,
    pub value_asset_id: UInt256,
    pub agent: UInt160,
    pub split: SplitOrder,
    /// Indexes of that transaction's outputs paid to `split.client` in the asset the split's side
    /// spends (AssetId for a sell split, ValueAssetId for a buy split), ascending. A carry-over
    /// must spend all of them.
    pub client_outputs: Vec<u16>,
}

impl CarriedSplit {
    /// The carry-over record of a (connected) transaction: `None` unless it is an Agency
    /// transaction with a SplitOrder.
    pub fn of_transaction(tx: &Transaction) -> Option<CarriedSplit> {
        let Exclusive::Agency(data) = &tx.exclusive else {
            return None;
        };
        let split = data.split_order?;
        let side_asset = if split.amount < 0 {
            data.asset_id
        } else {
            data.value_asset_id
        };
        let client_outputs = tx
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.script_hash == split.client && o.asset_id == side_asset)
            // An output beyond u16 can never be spent, so it cannot be carried either.
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect();
        Some(CarriedSplit {
            asset_id: data.asset_id,
            value_asset_id: data.value_asset_id,
            agent: data.agent,
            split,
            client_outputs,
        })
    }
}

/// What a valid Agency transaction still needs from the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyOutcome {
    /// Script hashes that must sign the transaction itself: the Agent, and the owners of the
    /// outputs its own inputs spend except carried-over split outputs; sorted ascending as
    /// UInt160 (little-endian number order) and deduplicated.
    pub tx_signers: Vec<UInt160>,
}

/// Checks the Agency rules of SPEC §8 for `tx`, whose exclusive data is `data`.
///
/// `own_coins` are the coins of `tx.inputs` in order, `order_coins[i]` those of
/// `data.orders[i].inputs` in order; `lookup` answers asset types and earlier splits.
pub fn check_agency(
    tx: &Transaction,
    data: &AgencyData,
    own_coins: &[(OutPoint, Coin)],
    order_coins: &[Vec<(OutPoint, Coin)>],
    lookup: &dyn AgencyLookup,
) -> Result<AgencyOutcome, Violation> {
    let is_share = check_assets(data, lookup)?;
    check_coins_align(tx, data, own_coins, order_coins)?;
    check_distinct_inputs(tx, data)?;

    let (carried, tx_signers) = carry_over(data, own_coins, lookup)?;
    let trades: Vec<Trade<'_>> = data
        .orders
        .iter()
        .zip(order_coins)
        .enumerate()
        .map(|(i, (order, coins))| Trade {
            source: Source::Signed(i),
            amount: order.amount.into(),
            price: order.price.into(),
            client: order.client,
            coins: coins.iter().map(|(_, c)| c).collect(),
        })
        .chain(carried)
        .collect();

    for trade in &trades {
        check_terms(trade)?;
    }
    check_order_count(&trades)?;
    for (i, (order, coins)) in data.orders.iter().zip(order_coins).enumerate() {
        check_order_witnesses(i, order, coins, is_share)?;
    }
    for trade in &trades {
        check_funding(trade, data)?;
    }
    let settled = merge_split(data.split_order.as_ref(), &trades)?;
    check_settlement(tx, data, &trades, &settled)?;
    Ok(AgencyOutcome { tx_signers })
}

/// Where a trade comes from, for messages.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// `data.orders[i]`.
    Signed(usize),
    /// The SplitOrder of the earlier Agency transaction with this txid.
    Carried(UInt256),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Signed(i) => write!(f, "order {i}"),
            Source::Carried(txid) => write!(f, "carried split of {txid}"),
        }
    }
}

/// One order as the matching rules see it: signed or carried over.
struct Trade<'a> {
    source: Source,
    amount: i128,
    price: i128,
    client: UInt160,
    coins: Vec<&'a Coin>,
}

impl Trade<'_> {
    fn is_buy(&self) -> bool {
        self.amount > 0
    }
}

/// An order as it is settled: after the split merge.
struct Settled {
    client: UInt160,
    amount: i128,
    price: i128,
}

/// The pair: traded asset registered, value asset a registered Currency, the two distinct.
/// Returns whether the traded asset is a Share.
fn check_assets(data: &AgencyData, lookup: &dyn AgencyLookup) -> Result<bool, Violation> {
    if data.asset_id == data.value_asset_id {
        return Err(Violation::new(
            "agency-same-asset",
            format!("asset {} is also the value asset", data.asset_id),
        ));
    }
    let asset_type = lookup.asset_type(&data.asset_id).ok_or_else(|| {
        Violation::new(
            "agency-unknown-asset",
            format!("asset {} is not registered", data.asset_id),
        )
    })?;
    match lookup.asset_type(&data.value_asset_id) {
        None => Err(Violation::new(
            "agency-unknown-value-asset",
            format!("value asset {} is not registered", data.value_asset_id),
        )),
        Some(t) if t != ASSET_TYPE_CURRENCY => Err(Violation::new(
            "agency-value-asset-not-currency",
            format!(
                "value asset {} has type 0x{t:02x}, not Currency 0x{ASSET_TYPE_CURRENCY:02x}",
                data.value_asset_id
            ),
        )),
        Some(_) => Ok(asset_type == ASSET_TYPE_SHARE),
    }
}

/// The engine's coins must be those of the inputs, one each, in order.
fn check_coins_align(
    tx: &Transaction,
    data: &AgencyData,
    own_coins: &[(OutPoint, Coin)],
    order_coins: &[Vec<(OutPoint, Coin)>],
) -> Result<(), Violation> {
    fn align(
        what: &str,
        inputs: &[CoinReference],
        coins: &[(OutPoint, Coin)],
    ) -> Result<(), Violation> {
        if inputs.len() != coins.len() {
            return Err(Violation::new(
                "agency-input-coins",
                format!("{what}: {} inputs but {} coins", inputs.len(), coins.len()),
            ));
        }
        for (k, (input, (op, _))) in inputs.iter().zip(coins).enumerate() {
            if *op != OutPoint::new(input.prev_hash, input.prev_index) {
                return Err(Violation::new(
                    "agency-input-coins",
                    format!(
                        "{what}: input {k} spends {}:{} but its coin is {op}",
                        input.prev_hash, input.prev_index
                    ),
                ));
            }
        }
        Ok(())
    }
    align("transaction", &tx.inputs, own_coins)?;
    if data.orders.len() != order_coins.len() {
        return Err(Violation::new(
            "agency-input-coins",
            format!(
                "{} orders but coins for {}",
                data.orders.len(),
                order_coins.len()
            ),
        ));
    }
    for (i, (order, coins)) in data.orders.iter().zip(order_coins).enumerate() {
        align(&format!("order {i}"), &order.inputs, coins)?;
    }
    Ok(())
}

/// No output is spent twice by the transaction's own inputs and its orders' inputs together.
fn check_distinct_inputs(tx: &Transaction, data: &AgencyData) -> Result<(), Violation> {
    let mut seen: HashSet<CoinReference> = HashSet::new();
    let own = tx.inputs.iter().map(|r| ("transaction".to_string(), r));
    let orders = data
        .orders
        .iter()
        .enumerate()
        .flat_map(|(i, o)| o.inputs.iter().map(move |r| (format!("order {i}"), r)));
    for (whose, input) in own.chain(orders) {
        if !seen.insert(*input) {
            return Err(Violation::new(
                "agency-duplicate-input",
                format!(
                    "{whose} spends {}:{}, already spent by this transaction",
                    input.prev_hash, input.prev_index
                ),
            ));
        }
    }
    Ok(())
}

/// Splits the own inputs into carried-over split orders (one per earlier transaction) and the
/// signers the rest need; the Agent always signs.
fn carry_over<'a>(
    data: &AgencyData,
    own_coins: &'a [(OutPoint, Coin)],
    lookup: &dyn AgencyLookup,
) -> Result<(Vec<Trade<'a>>, Vec<UInt160>), Violation> {
    struct Group<'a> {
        split: CarriedSplit,
        coins: Vec<&'a Coin>,
        indexes: BTreeSet<u16>,
    }
    let mut splits: HashMap<UInt256, Option<CarriedSplit>> = HashMap::new();
    let mut groups: BTreeMap<UInt256, Group<'a>> = BTreeMap::new();
    let mut signers = BTreeSet::from([data.agent]);
    for (op, coin) in own_coins {
        let split = splits
            .entry(op.txid)
            .or_insert_with(|| lookup.split_of(&op.txid));
        match split {
            Some(s)
                if s.asset_id == data.asset_id
                    && s.value_asset_id == data.value_asset_id
                    && s.agent == data.agent
                    && coin.script_hash == s.split.client =>
            {
                let group = groups.entry(op.txid).or_insert_with(|| Group {
                    split: s.clone(),
                    coins: Vec::new(),
                    indexes: BTreeSet::new(),
                });
                group.coins.push(coin);
                group.indexes.insert(op.index);
            }
            _ => {
                signers.insert(coin.script_hash);
            }
        }
    }
    let mut carried = Vec::with_capacity(groups.len());
    for (txid, group) in groups {
        let missing: Vec<String> = group
            .split
            .client_outputs
            .iter()
            .filter(|i| !group.indexes.contains(i))
            .map(|i| i.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(Violation::new(
                "agency-carry-incomplete",
                format!(
                    "carried split of {txid} (client {}) leaves its outputs [{}] unspent; all must be carried together",
                    group.split.split.client,
                    missing.join(", ")
                ),
            ));
        }
        carried.push(Trade {
            source: Source::Carried(txid),
            amount: group.split.split.amount.into(),
            price: group.split.split.price.into(),
            client: group.split.split.client,
            coins: group.coins,
        });
    }
    Ok((carried, signers.into_iter().collect()))
}

/// Amount ≠ 0, Price > 0, both multiples of [`ORDER_GRANULARITY`].
fn check_terms(trade: &Trade<'_>) -> Result<(), Violation> {
    let (who, client) = (trade.source, trade.client);
    if trade.amount == 0 {
        return Err(Violation::new(
            "agency-zero-amount",
            format!("{who} (client {client}) has amount 0"),
        ));
    }
    if trade.price <= 0 {
        return Err(Violation::new(
            "agency-bad-price",
            format!(
                "{who} (client {client}) has price {}, which must be positive",
                show(trade.price)
            ),
        ));
    }
    let step = i128::from(ORDER_GRANULARITY);
    for (field, raw) in [("amount", trade.amount), ("price", trade.price)] {
        if raw % step != 0 {
            return Err(Violation::new(
                "agency-granularity",
                format!(
                    "{who} (client {client}) has {field} {} (raw {raw}), not a multiple of 0.0001",
                    show(raw)
                ),
            ));
        }
    }
    Ok(())
}

/// At least two orders, at least one buy and one sell.
fn check_order_count(trades: &[Trade<'_>]) -> Result<(), Violation> {
    if trades.len() < 2 {
        return Err(Violation::new(
            "agency-too-few-orders",
            format!(
                "{} order(s) including carried splits; at least 2 are needed",
                trades.len()
            ),
        ));
    }
    let buys = trades.iter().filter(|t| t.is_buy()).count();
    let sells = trades.len() - buys;
    if buys == 0 || sells == 0 {
        return Err(Violation::new(
            "agency-one-sided",
            format!(
                "{buys} buy order(s) and {sells} sell order(s); at least one of each is needed"
            ),
        ));
    }
    Ok(())
}

/// An order's witnesses are, in order, exactly its required signers: the owners of the coins
/// its inputs spend, plus the Client for a Share; sorted ascending and deduplicated.
fn check_order_witnesses(
    index: usize,
    order: &Order,
    coins: &[(OutPoint, Coin)],
    is_share: bool,
) -> Result<(), Violation> {
    let mut required: BTreeSet<UInt160> = coins.iter().map(|(_, c)| c.script_hash).collect();
    if is_share {
        required.insert(order.client);
    }
    let required: Vec<UInt160> = required.into_iter().collect();
    let signed: Vec<UInt160> = order.witnesses.iter().map(|w| w.script_hash()).collect();
    if signed != required {
        return Err(Violation::new(
            "agency-order-witnesses",
            format!(
                "order {index} (client {}): witnesses are for [{}], the order needs [{}] in this order",
                order.client,
                list(&signed),
                list(&required)
            ),
        ));
    }
    Ok(())
}

/// A buy's inputs are all of the value asset and cover Amount × Price; a sell's are all of the
/// asset and cover −Amount.
fn check_funding(trade: &Trade<'_>, data: &AgencyData) -> Result<(), Violation> {
    let (who, client) = (trade.source, trade.client);
    let (asset, side, need) = if trade.is_buy() {
        let cost = fixed8_product(trade.amount, trade.price)
            .ok_or_else(|| overflow(format!("{who}: amount × price")))?;
        (data.value_asset_id, "buy", cost)
    } else {
        (data.asset_id, "sell", -trade.amount)
    };
    let mut have: i128 = 0;
    for coin in &trade.coins {
        if coin.asset_id != asset {
            return Err(Violation::new(
                "agency-order-input-asset",
                format!(
                    "{who} (client {client}) is a {side} but spends a coin of {}; all its inputs must be of {asset}",
                    coin.asset_id
                ),
            ));
        }
        have = have
            .checked_add(coin.value.into())
            .ok_or_else(|| overflow(format!("{who}: input sum")))?;
    }
    if have < need {
        return Err(Violation::new(
            "agency-order-underfunded",
            format!(
                "{who} (client {client}) is a {side} needing {} of {asset}, its inputs hold {}",
                show(need),
                show(have)
            ),
        ));
    }
    Ok(())
}

/// Checks the SplitOrder against the unmatched amount and returns the orders as settled: the
/// split client's orders at the split price on the unmatched side merged into one of
/// (their sum − unmatched).
fn merge_split(
    split: Option<&SplitOrder>,
    trades: &[Trade<'_>],
) -> Result<Vec<Settled>, Violation> {
    let mut unmatched: i128 = 0;
    for t in trades {
        unmatched = unmatched
            .checked_add(t.amount)
            .ok_or_else(|| overflow("sum of order amounts".into()))?;
    }
    let mut settled: Vec<Settled> = trades
        .iter()
        .map(|t| Settled {
            client: t.client,
            amount: t.amount,
            price: t.price,
        })
        .collect();
    let split = match (unmatched, split) {
        (0, None) => return Ok(settled),
        (0, Some(s)) => {
            return Err(Violation::new(
                "agency-unexpected-split",
                format!(
                    "orders match exactly but a SplitOrder (client {}, amount {}) is present",
                    s.client,
                    show(s.amount.into())
                ),
            ))
        }
        (u, None) => {
            return Err(Violation::new(
                "agency-missing-split",
                format!("{} is unmatched but there is no SplitOrder", show(u)),
            ))
        }
        (_, Some(s)) => s,
    };
    if i128::from(split.amount) != unmatched {
        return Err(Violation::new(
            "agency-split-amount",
            format!(
                "SplitOrder amount {} differs from the unmatched {}",
                show(split.amount.into()),
                show(unmatched)
            ),
        ));
    }
    let buy_side = unmatched > 0;
    let side_prices = trades
        .iter()
        .filter(|t| t.is_buy() == buy_side)
        .map(|t| t.price);
    // The side is not empty: its amounts sum past the other side's.
    let worst = if buy_side {
        side_prices.min()
    } else {
        side_prices.max()
    }
    .unwrap_or_default();
    let side = if buy_side { "buy" } else { "sell" };
    if i128::from(split.price) != worst {
        return Err(Violation::new(
            "agency-split-price",
            format!(
                "SplitOrder price {} is not the worst {side} price {}",
                show(split.price.into()),
                show(worst)
            ),
        ));
    }
    let merges = |client: UInt160, amount: i128, price: i128| {
        client == split.client && (amount > 0) == buy_side && price == worst
    };
    let covered: i128 = trades
        .iter()
        .filter(|t| merges(t.client, t.amount, t.price))
        .map(|t| t.amount)
        .sum(); // i64 amounts, at most a few hundred thousand orders: far inside i128
    if covered.unsigned_abs() < unmatched.unsigned_abs() {
        return Err(Violation::new(
            "agency-split-cover",
            format!(
                "SplitOrder client {} has {side} orders of {} at price {}, less than the unmatched {}",
                split.client,
                show(covered),
                show(worst),
                show(unmatched)
            ),
        ));
    }
    settled.retain(|s| !merges(s.client, s.amount, s.price));
    settled.push(Settled {
        client: split.client,
        amount: covered - unmatched,
        price: worst,
    });
    Ok(settled)
}

/// Per client: asset received − given = Σ settled amounts; value given − received ≤
/// Σ settled amount × price.
fn check_settlement(
    tx: &Transaction,
    data: &AgencyData,
    trades: &[Trade<'_>],
    settled: &[Settled],
) -> Result<(), Violation> {
    #[derive(Default)]
    struct Account {
        amount: i128,
        value: i128,
        asset_given: i128,
        value_given: i128,
        asset_received: i128,
        value_received: i128,
    }
    fn add(to: &mut i128, v: i128, client: UInt160) -> Result<(), Violation> {
        *to = to
            .checked_add(v)
            .ok_or_else(|| overflow(format!("settlement of client {client}")))?;
        Ok(())
    }
    let mut accounts: BTreeMap<UInt160, Account> = BTreeMap::new();
    for t in trades {
        let acc = accounts.entry(t.client).or_default();
        for coin in &t.coins {
            // check_funding made every coin one of the pair.
            let given = if coin.asset_id == data.asset_id {
                &mut acc.asset_given
            } else {
                &mut acc.value_given
            };
            add(given, coin.value.into(), t.client)?;
        }
    }
    for s in settled {
        let acc = accounts.entry(s.client).or_default();
        let product = fixed8_product(s.amount, s.price)
            .ok_or_else(|| overflow(format!("settlement of client {}", s.client)))?;
        add(&mut acc.amount, s.amount, s.client)?;
        add(&mut acc.value, product, s.client)?;
    }
    for out in &tx.outputs {
        let Some(acc) = accounts.get_mut(&out.script_hash) else {
            continue;
        };
        if out.asset_id == data.asset_id {
            add(&mut acc.asset_received, out.value.into(), out.script_hash)?;
        } else if out.asset_id == data.value_asset_id {
            add(&mut acc.value_received, out.value.into(), out.script_hash)?;
        }
    }
    for (client, acc) in &accounts {
        let asset_net = acc
            .asset_received
            .checked_sub(acc.asset_given)
            .ok_or_else(|| overflow(format!("settlement of client {client}")))?;
        if asset_net != acc.amount {
            return Err(Violation::new(
                "agency-settlement-asset",
                format!(
                    "client {client} nets {} of the asset (received {}, gave {}) but its orders settle {}",
                    show(asset_net),
                    show(acc.asset_received),
                    show(acc.asset_given),
                    show(acc.amount)
                ),
            ));
        }
        let value_paid = acc
            .value_given
            .checked_sub(acc.value_received)
            .ok_or_else(|| overflow(format!("settlement of client {client}")))?;
        if value_paid > acc.value {
            return Err(Violation::new(
                "agency-settlement-value",
                format!(
                    "client {client} pays {} of the value asset (gave {}, received {}) but its orders allow at most {}",
                    show(value_paid),
                    show(acc.value_given),
                    show(acc.value_received),
                    show(acc.value)
                ),
            ));
        }
    }
    Ok(())
}

/// Fixed8 product amount × price, floored; `None` on overflow.
fn fixed8_product(amount: i128, price: i128) -> Option<i128> {
    amount.checked_mul(price).map(|p| p.div_euclid(FIXED8_ONE))
}

fn overflow(what: String) -> Violation {
    Violation::new("agency-overflow", format!("{what} overflows"))
}

/// A raw Fixed8 value as a decimal, e.g. `-12.5`.
fn show(raw: i128) -> String {
    let sign = if raw < 0 { "-" } else { "" };
    let abs = raw.unsigned_abs();
    let (int, frac) = (abs / 100_000_000, abs % 100_000_000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let frac = format!("{frac:08}");
        format!("{sign}{int}.{}", frac.trim_end_matches('0'))
    }
}

fn list(hashes: &[UInt160]) -> String {
    hashes
        .iter()
        .map(UInt160::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_formats_fixed8() {
        assert_eq!(show(0), "0");
        assert_eq!(show(1_250_000_000), "12.5");
        assert_eq!(show(-1), "-0.00000001");
        assert_eq!(show(-300_000_000), "-3");
    }

    #[test]
    fn product_floors_toward_negative_infinity() {
        assert_eq!(fixed8_product(3, 50_000_000), Some(1));
        assert_eq!(fixed8_product(-3, 50_000_000), Some(-2));
        assert_eq!(fixed8_product(i128::MAX, 2), None);
    }
}
