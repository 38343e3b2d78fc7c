//! The Agency (0xb0) rules: valid matches (plain, partial fill with a SplitOrder, carry-over of
//! a split, Share asset) and one failing case per rule, each asserting the rule's name.
use std::collections::HashMap;

use antshares_core::{
    hash160, AgencyData, CoinReference, Exclusive, Fixed8, Order, SplitOrder, Transaction,
    TxOutput, UInt160, UInt256, Witness,
};
use antshares_ledger::agency::{
    check_agency, AgencyLookup, AgencyOutcome, CarriedSplit, ASSET_TYPE_CURRENCY, ASSET_TYPE_SHARE,
};
use antshares_ledger::{Coin, OutPoint, Violation};

const ASSET: UInt256 = UInt256([0xa1; 32]);
const VALUE: UInt256 = UInt256([0xb2; 32]);
const ANC: UInt256 = UInt256([0xc3; 32]);
const TOKEN_TYPE: u8 = 0x60;
const ANC_TYPE: u8 = 0x01;

/// `n` hundredths of a unit, as raw Fixed8.
fn cents(n: i64) -> Fixed8 {
    n * 1_000_000
}

fn units(n: i64) -> Fixed8 {
    n * 100_000_000
}

/// A signer: a (fake) verification script and its script hash.
#[derive(Clone)]
struct Party {
    witness: Witness,
    hash: UInt160,
}

fn party(tag: u8) -> Party {
    let mut verification = vec![0x21, 0x02];
    verification.extend([tag; 32]);
    verification.push(0xac);
    let hash = UInt160(hash160(&verification));
    Party {
        witness: Witness {
            invocation: vec![0x40; 65],
            verification,
        },
        hash,
    }
}

fn agent() -> Party {
    party(1)
}
fn buyer() -> Party {
    party(2)
}
fn buyer2() -> Party {
    party(3)
}
fn seller() -> Party {
    party(4)
}
fn seller2() -> Party {
    party(5)
}
fn fee_collector() -> Party {
    party(6)
}
fn funder() -> Party {
    party(7)
}

/// Witnesses of `signers`, sorted by script hash and deduplicated, as a valid order has them.
fn witnesses(signers: &[&Party]) -> Vec<Witness> {
    let mut v: Vec<&Party> = signers.to_vec();
    v.sort_by_key(|p| p.hash);
    v.dedup_by_key(|p| p.hash);
    v.into_iter().map(|p| p.witness.clone()).collect()
}

fn coin(
    txid: UInt256,
    index: u16,
    asset: UInt256,
    value: Fixed8,
    owner: &Party,
) -> (OutPoint, Coin) {
    (
        OutPoint::new(txid, index),
        Coin {
            asset_id: asset,
            value,
            script_hash: owner.hash,
            height: 7,
        },
    )
}

/// A coin of a made-up earlier transaction numbered `n`.
fn prev(n: u8, asset: UInt256, value: Fixed8, owner: &Party) -> (OutPoint, Coin) {
    coin(UInt256([n; 32]), 0, asset, value, owner)
}

fn reference(op: &OutPoint) -> CoinReference {
    CoinReference {
        prev_hash: op.txid,
        prev_index: op.index,
    }
}

fn out(asset: UInt256, value: Fixed8, to: &Party) -> TxOutput {
    TxOutput {
        asset_id: asset,
        value,
        script_hash: to.hash,
    }
}

#[derive(Clone, Default)]
struct Chain {
    types: HashMap<UInt256, u8>,
    splits: HashMap<UInt256, CarriedSplit>,
}

impl Chain {
    fn new(asset_type: u8) -> Self {
        let mut chain = Chain::default();
        chain.types.insert(ASSET, asset_type);
        chain.types.insert(VALUE, ASSET_TYPE_CURRENCY);
        chain.types.insert(ANC, ANC_TYPE);
        chain
    }
}

impl AgencyLookup for Chain {
    fn asset_type(&self, asset: &UInt256) -> Option<u8> {
        self.types.get(asset).copied()
    }
    fn split_of(&self, txid: &UInt256) -> Option<CarriedSplit> {
        self.splits.get(txid).cloned()
    }
}

/// An Agency transaction with the coins its inputs spend and the chain it is checked against.
#[derive(Clone)]
struct Case {
    data: AgencyData,
    own_coins: Vec<(OutPoint, Coin)>,
    order_coins: Vec<Vec<(OutPoint, Coin)>>,
    outputs: Vec<TxOutput>,
    chain: Chain,
}

impl Case {
    fn new(asset_type: u8) -> Self {
        Case {
            data: AgencyData {
                asset_id: ASSET,
                value_asset_id: VALUE,
                agent: agent().hash,
                orders: Vec::new(),
                split_order: None,
            },
            own_coins: Vec::new(),
            order_coins: Vec::new(),
            outputs: Vec::new(),
            chain: Chain::new(asset_type),
        }
    }

    /// Adds an order spending `coins`, witnessed by `signers`.
    fn order(
        &mut self,
        amount: Fixed8,
        price: Fixed8,
        client: &Party,
        coins: &[(OutPoint, Coin)],
        signers: &[&Party],
    ) {
        self.data.orders.push(Order {
            amount,
            price,
            client: client.hash,
            inputs: coins.iter().map(|(op, _)| reference(op)).collect(),
            witnesses: witnesses(signers),
        });
        self.order_coins.push(coins.to_vec());
    }

    fn tx(&self) -> Transaction {
        Transaction {
            version: 0,
            exclusive: Exclusive::Agency(self.data.clone()),
            attributes: Vec::new(),
            inputs: self.own_coins.iter().map(|(op, _)| reference(op)).collect(),
            outputs: self.outputs.clone(),
            witnesses: Vec::new(),
        }
    }

    fn check(&self) -> Result<AgencyOutcome, Violation> {
        check_agency(
            &self.tx(),
            &self.data,
            &self.own_coins,
            &self.order_coins,
            &self.chain,
        )
    }

    /// The rule the case breaks; fails the test if it is valid.
    fn broken_rule(&self) -> &'static str {
        match self.check() {
            Ok(outcome) => panic!("expected a violation, the case is valid: {outcome:?}"),
            Err(v) => {
                assert!(!v.detail.is_empty());
                v.rule
            }
        }
    }
}

/// Buyer buys 10 at 2 with 25 of value; seller sells 10 at 1.5 from a coin of 12; the agent
/// pays the fee from its ANC and keeps the spread of 4.
fn plain_match() -> Case {
    let mut case = Case::new(TOKEN_TYPE);
    let (b, s, a) = (buyer(), seller(), agent());
    case.order(
        units(10),
        units(2),
        &b,
        &[prev(10, VALUE, units(25), &b)],
        &[&b],
    );
    case.order(
        -units(10),
        cents(150),
        &s,
        &[prev(11, ASSET, units(12), &s)],
        &[&s],
    );
    case.own_coins.push(prev(12, ANC, units(1), &a));
    case.outputs = vec![
        out(ASSET, units(10), &b),
        out(VALUE, units(5), &b),
        out(ASSET, units(2), &s),
        out(VALUE, units(16), &s),
        out(VALUE, units(4), &a),
        out(ANC, cents(90), &a),
    ];
    case
}

/// Buyer 1 buys 10 at 2, buyer 2 buys 6 at 1.8, the seller sells 12 at 1.5: 4 stay unmatched
/// at buyer 2's price, the worst buy price.
fn split_match() -> Case {
    let mut case = Case::new(TOKEN_TYPE);
    let (b1, b2, s, a, f) = (buyer(), buyer2(), seller(), agent(), fee_collector());
    case.order(
        units(10),
        units(2),
        &b1,
        &[prev(20, VALUE, units(20), &b1)],
        &[&b1],
    );
    case.order(
        units(6),
        cents(180),
        &b2,
        &[prev(21, VALUE, units(11), &b2)],
        &[&b2],
    );
    case.order(
        -units(12),
        cents(150),
        &s,
        &[prev(22, ASSET, units(12), &s)],
        &[&s],
    );
    case.own_coins.push(prev(23, ANC, units(1), &a));
    case.data.split_order = Some(SplitOrder {
        amount: units(4),
        price: cents(180),
        client: b2.hash,
    });
    case.outputs = vec![
        out(ASSET, units(10), &b1),
        out(ASSET, units(2), &b2),
        out(VALUE, cents(740), &b2), // index 2: what the split carries over
        out(VALUE, units(18), &s),
        out(VALUE, cents(560), &f), // index 4: the agent's spread, to its fee address
        out(ANC, cents(90), &a),
    ];
    case
}

/// Spends `earlier`'s split outputs (`carried` indexes of its outputs, with their coins) as a
/// carried order of buyer 2 (buy 4 at 1.8), matched against seller 2 selling `sold` at 1.7.
fn carry_case(earlier: &Case, carried: &[u16], sold: Fixed8) -> (Case, UInt256) {
    let t = earlier.tx();
    let txid = t.hash();
    let mut case = Case::new(TOKEN_TYPE);
    case.chain.splits.insert(
        txid,
        CarriedSplit::of_transaction(&t).expect("the earlier transaction has a split"),
    );
    let (s2, a) = (seller2(), agent());
    for &i in carried {
        let o = t.outputs[usize::from(i)];
        case.own_coins.push((
            OutPoint::new(txid, i),
            Coin {
                asset_id: o.asset_id,
                value: o.value,
                script_hash: o.script_hash,
                height: 8,
            },
        ));
    }
    case.own_coins.push(prev(30, ANC, units(1), &a));
    case.order(
        -sold,
        cents(170),
        &s2,
        &[prev(31, ASSET, sold, &s2)],
        &[&s2],
    );
    case.outputs = vec![out(ANC, cents(90), &a)];
    (case, txid)
}

// ---- valid transactions ----

#[test]
fn plain_two_order_match_is_valid() {
    let outcome = plain_match().check().unwrap();
    assert_eq!(outcome.tx_signers, vec![agent().hash]);
}

#[test]
fn partial_fill_with_split_order_is_valid() {
    let outcome = split_match().check().unwrap();
    assert_eq!(outcome.tx_signers, vec![agent().hash]);
}

#[test]
fn split_records_the_client_outputs_of_its_side() {
    let t = split_match().tx();
    let carried = CarriedSplit::of_transaction(&t).unwrap();
    assert_eq!(carried.client_outputs, vec![2]);
    assert_eq!(carried.split.client, buyer2().hash);
    assert_eq!((carried.asset_id, carried.value_asset_id), (ASSET, VALUE));
    assert_eq!(carried.agent, agent().hash);
    assert_eq!(CarriedSplit::of_transaction(&plain_match().tx()), None);
}

#[test]
fn carry_over_of_a_split_is_valid_and_needs_no_client_signature() {
    let (b2, s2, a, f) = (buyer2(), seller2(), agent(), fee_collector());
    let earlier = split_match();
    // Also spends the earlier spread (index 4, not the split client's): an ordinary input.
    let (mut case, txid) = carry_case(&earlier, &[2, 4], units(4));
    assert_eq!(case.own_coins[1].1.script_hash, f.hash);
    // Buyer 2 pays 4 × 1.8 = 7.2 of its 7.4, seller 2 gets 4 × 1.7 = 6.8.
    case.outputs.extend([
        out(ASSET, units(4), &b2),
        out(VALUE, cents(20), &b2),
        out(VALUE, cents(680), &s2),
        out(VALUE, cents(600), &a),
    ]);
    let outcome = case.check().unwrap();
    let mut expected = vec![a.hash, f.hash];
    expected.sort();
    assert_eq!(
        outcome.tx_signers, expected,
        "carried input needs no signature"
    );
    assert!(!outcome.tx_signers.contains(&b2.hash));

    // With a different agent the same inputs are no carried order: one order is left.
    case.chain.splits.get_mut(&txid).unwrap().agent = seller().hash;
    assert_eq!(case.broken_rule(), "agency-too-few-orders");
}

#[test]
fn carried_split_can_be_partially_filled_again() {
    let (b2, s2, a) = (buyer2(), seller2(), agent());
    let (mut case, _) = carry_case(&split_match(), &[2], units(3));
    // 1 of the carried 4 stays unmatched; buyer 2 pays 3 × 1.8 = 5.4 and keeps 2.0.
    case.data.split_order = Some(SplitOrder {
        amount: units(1),
        price: cents(180),
        client: b2.hash,
    });
    case.outputs.extend([
        out(ASSET, units(3), &b2),
        out(VALUE, units(2), &b2),
        out(VALUE, cents(510), &s2),
        out(VALUE, cents(30), &a),
    ]);
    assert_eq!(case.check().unwrap().tx_signers, vec![a.hash]);
    // The new split carries buyer 2's remaining value over again.
    assert_eq!(
        CarriedSplit::of_transaction(&case.tx())
            .unwrap()
            .client_outputs,
        vec![2]
    );
}

/// The buyer's value comes from a funder's coin; the asset is a Share, so the buyer, who
/// receives it, signs the order too.
fn share_match() -> Case {
    let mut case = Case::new(ASSET_TYPE_SHARE);
    let (b, s, a, g) = (buyer(), seller(), agent(), funder());
    case.order(
        units(10),
        units(2),
        &b,
        &[prev(40, VALUE, units(20), &g)],
        &[&g, &b],
    );
    case.order(
        -units(10),
        units(2),
        &s,
        &[prev(41, ASSET, units(10), &s)],
        &[&s],
    );
    case.own_coins.push(prev(42, ANC, units(1), &a));
    case.outputs = vec![
        out(ASSET, units(10), &b),
        out(VALUE, units(20), &s),
        out(ANC, cents(90), &a),
    ];
    case
}

#[test]
fn share_match_with_client_signature_is_valid() {
    assert_eq!(
        share_match().check().unwrap().tx_signers,
        vec![agent().hash]
    );
    assert_eq!(share_match().data.orders[0].witnesses.len(), 2);
}

#[test]
fn share_order_without_client_signature_fails() {
    let mut case = share_match();
    case.data.orders[0].witnesses = witnesses(&[&funder()]);
    assert_eq!(case.broken_rule(), "agency-order-witnesses");
}

#[test]
fn non_share_order_must_not_carry_a_client_witness() {
    let mut case = share_match();
    case.chain.types.insert(ASSET, TOKEN_TYPE);
    assert_eq!(case.broken_rule(), "agency-order-witnesses");
    case.data.orders[0].witnesses = witnesses(&[&funder()]);
    case.check().unwrap();
}

#[test]
fn tx_signers_are_sorted_as_little_endian_numbers_and_deduplicated() {
    let mut case = plain_match();
    let (u1, u2) = (party(0x31), party(0x32));
    case.own_coins.push(prev(50, ANC, units(1), &u1));
    case.own_coins.push(prev(51, ANC, units(1), &u2));
    case.own_coins.push(prev(52, ANC, units(1), &u1));
    case.own_coins.push(prev(53, ANC, units(1), &agent()));
    let mut expected = vec![agent().hash, u1.hash, u2.hash];
    expected.sort_by(|x, y| x.0.iter().rev().cmp(y.0.iter().rev()));
    assert_eq!(case.check().unwrap().tx_signers, expected);
}

// ---- one failure per rule ----

#[test]
fn same_asset_fails() {
    let mut case = plain_match();
    case.data.value_asset_id = ASSET;
    assert_eq!(case.broken_rule(), "agency-same-asset");
}

#[test]
fn unknown_asset_fails() {
    let mut case = plain_match();
    case.chain.types.remove(&ASSET);
    assert_eq!(case.broken_rule(), "agency-unknown-asset");
}

#[test]
fn unknown_value_asset_fails() {
    let mut case = plain_match();
    case.chain.types.remove(&VALUE);
    assert_eq!(case.broken_rule(), "agency-unknown-value-asset");
}

#[test]
fn value_asset_must_be_a_currency() {
    let mut case = plain_match();
    case.chain.types.insert(VALUE, TOKEN_TYPE);
    assert_eq!(case.broken_rule(), "agency-value-asset-not-currency");
}

#[test]
fn coins_must_match_the_inputs() {
    let mut case = plain_match();
    case.order_coins[1].clear();
    assert_eq!(case.broken_rule(), "agency-input-coins");

    let mut case = plain_match();
    case.own_coins[0].0.index = 9; // the coin of another output than the input spends
    let tx = plain_match().tx();
    let err = check_agency(
        &tx,
        &case.data,
        &case.own_coins,
        &case.order_coins,
        &case.chain,
    )
    .unwrap_err();
    assert_eq!(err.rule, "agency-input-coins");

    let mut case = plain_match();
    case.order_coins.pop();
    assert_eq!(case.broken_rule(), "agency-input-coins");
}

#[test]
fn duplicate_input_within_an_order_fails() {
    let mut case = plain_match();
    let c = case.order_coins[1][0];
    case.data.orders[1].inputs.push(reference(&c.0));
    case.order_coins[1].push(c);
    assert_eq!(case.broken_rule(), "agency-duplicate-input");
}

#[test]
fn input_shared_by_an_order_and_the_transaction_fails() {
    let mut case = plain_match();
    let c = case.order_coins[0][0];
    case.own_coins.push(c);
    assert_eq!(case.broken_rule(), "agency-duplicate-input");
}

#[test]
fn zero_amount_fails() {
    let mut case = plain_match();
    case.data.orders[0].amount = 0;
    assert_eq!(case.broken_rule(), "agency-zero-amount");
}

#[test]
fn non_positive_price_fails() {
    for price in [0, -units(1)] {
        let mut case = plain_match();
        case.data.orders[1].price = price;
        assert_eq!(case.broken_rule(), "agency-bad-price");
    }
}

#[test]
fn amount_and_price_must_be_multiples_of_ten_thousand() {
    let mut case = plain_match();
    case.data.orders[0].amount += 1;
    assert_eq!(case.broken_rule(), "agency-granularity");

    let mut case = plain_match();
    case.data.orders[1].price += 5_000;
    assert_eq!(case.broken_rule(), "agency-granularity");
}

#[test]
fn a_single_order_fails() {
    let mut case = plain_match();
    case.data.orders.pop();
    case.order_coins.pop();
    assert_eq!(case.broken_rule(), "agency-too-few-orders");
}

#[test]
fn orders_on_one_side_fail() {
    let mut case = plain_match();
    case.data.orders[1].amount = units(10);
    assert_eq!(case.broken_rule(), "agency-one-sided");
}

#[test]
fn order_witness_for_the_wrong_signer_fails() {
    let mut case = plain_match();
    case.data.orders[0].witnesses = witnesses(&[&seller()]);
    assert_eq!(case.broken_rule(), "agency-order-witnesses");
}

#[test]
fn order_witnesses_must_be_sorted_and_complete() {
    let mut case = plain_match();
    let (b, g) = (buyer(), funder());
    let extra = prev(13, VALUE, units(1), &g);
    case.data.orders[0].inputs.push(reference(&extra.0));
    case.order_coins[0].push(extra);
    case.outputs.push(out(VALUE, units(1), &b));
    assert_eq!(
        case.broken_rule(),
        "agency-order-witnesses",
        "funder missing"
    );

    case.data.orders[0].witnesses = witnesses(&[&b, &g]);
    case.check().unwrap();

    case.data.orders[0].witnesses.reverse();
    assert_eq!(case.broken_rule(), "agency-order-witnesses", "unsorted");

    case.data.orders[0].witnesses = witnesses(&[&b, &g]);
    let dup = case.data.orders[0].witnesses[0].clone();
    case.data.orders[0].witnesses.insert(0, dup);
    assert_eq!(case.broken_rule(), "agency-order-witnesses", "duplicate");
}

#[test]
fn buy_spending_the_traded_asset_fails() {
    let mut case = plain_match();
    let b = buyer();
    let wrong = prev(14, ASSET, units(25), &b);
    case.data.orders[0].inputs = vec![reference(&wrong.0)];
    case.order_coins[0] = vec![wrong];
    assert_eq!(case.broken_rule(), "agency-order-input-asset");
}

#[test]
fn sell_spending_the_value_asset_fails() {
    let mut case = plain_match();
    let s = seller();
    let wrong = prev(15, VALUE, units(12), &s);
    case.data.orders[1].inputs.push(reference(&wrong.0));
    case.order_coins[1].push(wrong);
    assert_eq!(case.broken_rule(), "agency-order-input-asset");
}

#[test]
fn underfunded_buy_fails() {
    let mut case = plain_match();
    // 10 × 2 = 20 needed; 19.99 given.
    case.order_coins[0][0].1.value = units(20) - cents(1);
    assert_eq!(case.broken_rule(), "agency-order-underfunded");
    case.order_coins[0][0].1.value = units(20);
    case.outputs.remove(1); // the buyer now pays exactly 10 × 2, without change: valid again
    case.check().unwrap();
}

#[test]
fn underfunded_sell_fails() {
    let mut case = plain_match();
    case.order_coins[1][0].1.value = units(10) - 1;
    assert_eq!(case.broken_rule(), "agency-order-underfunded");
}

#[test]
fn split_when_orders_match_exactly_fails() {
    let mut case = plain_match();
    case.data.split_order = Some(SplitOrder {
        amount: units(1),
        price: units(2),
        client: buyer().hash,
    });
    assert_eq!(case.broken_rule(), "agency-unexpected-split");
}

#[test]
fn unmatched_amount_without_split_fails() {
    let mut case = split_match();
    case.data.split_order = None;
    assert_eq!(case.broken_rule(), "agency-missing-split");
}

#[test]
fn split_amount_must_equal_the_unmatched_amount() {
    let mut case = split_match();
    case.data.split_order.as_mut().unwrap().amount = units(3);
    assert_eq!(case.broken_rule(), "agency-split-amount");
}

#[test]
fn split_price_must_be_the_worst_price_of_the_unmatched_side() {
    let mut case = split_match();
    case.data.split_order.as_mut().unwrap().price = units(2);
    assert_eq!(case.broken_rule(), "agency-split-price");
}

#[test]
fn split_client_must_have_orders_covering_the_unmatched_amount() {
    let mut case = split_match();
    case.data.split_order.as_mut().unwrap().client = buyer().hash;
    assert_eq!(case.broken_rule(), "agency-split-cover");

    // Buyer 2 orders only 3 at 1.8 and buyer 1 buys 13: still 4 unmatched, 3 do not cover it.
    let mut case = split_match();
    case.data.orders[0].amount = units(13);
    case.order_coins[0][0].1.value = units(26);
    case.data.orders[1].amount = units(3);
    assert_eq!(case.broken_rule(), "agency-split-cover");
}

#[test]
fn unmatched_part_is_not_settled() {
    // Buyer 2 is given all 6 it ordered although 4 of them stay unmatched.
    let mut case = split_match();
    case.outputs[1].value = units(6);
    assert_eq!(case.broken_rule(), "agency-settlement-asset");
}

#[test]
fn client_receiving_too_little_asset_fails() {
    // The agent keeps 1 of the 10 the buyer bought.
    let mut case = plain_match();
    case.outputs[0].value = units(9);
    case.outputs.push(out(ASSET, units(1), &agent()));
    assert_eq!(case.broken_rule(), "agency-settlement-asset");
}

#[test]
fn client_receiving_too_much_asset_fails() {
    // The agent adds 1 of its own asset to the seller's change: the seller sells only 9.
    let mut case = plain_match();
    case.own_coins.push(prev(16, ASSET, units(1), &agent()));
    case.outputs[2].value = units(3);
    assert_eq!(case.broken_rule(), "agency-settlement-asset");
}

#[test]
fn buyer_paying_more_than_its_price_fails() {
    let mut case = plain_match();
    case.outputs[1].value = units(5) - 1; // pays 20.00000001 > 10 × 2
    case.outputs[4].value = units(4) + 1;
    assert_eq!(case.broken_rule(), "agency-settlement-value");
}

#[test]
fn seller_receiving_less_than_its_price_fails() {
    let mut case = plain_match();
    case.outputs[3].value = units(15) - 1; // gets 14.99999999 < 10 × 1.5
    assert_eq!(case.broken_rule(), "agency-settlement-value");
    case.outputs[3].value = units(15);
    case.check().unwrap();
}

#[test]
fn split_client_keeps_its_unmatched_value() {
    // Buyer 2 gets back 7.3 instead of 7.4: it pays 3.7 for 2 at 1.8.
    let mut case = split_match();
    case.outputs[2].value = cents(730);
    assert_eq!(case.broken_rule(), "agency-settlement-value");
}

#[test]
fn carry_over_must_spend_all_the_split_outputs() {
    // The earlier split paid buyer 2's remaining value in two outputs; only one is spent.
    let mut earlier = split_match();
    earlier.outputs[2].value = cents(370);
    earlier.outputs.push(out(VALUE, cents(370), &buyer2()));
    assert_eq!(
        CarriedSplit::of_transaction(&earlier.tx())
            .unwrap()
            .client_outputs,
        vec![2, 6]
    );
    let (case, _) = carry_case(&earlier, &[2], units(4));
    assert_eq!(case.broken_rule(), "agency-carry-incomplete");
}

#[test]
fn carried_coin_of_the_wrong_asset_fails() {
    // Index 1 is the asset buyer 2 bought: it is the split client's, so it is carried, but a
    // carried buy may only spend the value asset.
    let (case, _) = carry_case(&split_match(), &[1, 2], units(4));
    assert_eq!(case.broken_rule(), "agency-order-input-asset");
}

#[test]
fn underfunded_carried_split_fails() {
    let (mut case, txid) = carry_case(&split_match(), &[2], units(4));
    // At price 2 the carried buy of 4 needs 8, but only 7.4 was carried over.
    case.chain.splits.get_mut(&txid).unwrap().split.price = units(2);
    assert_eq!(case.broken_rule(), "agency-order-underfunded");
}
