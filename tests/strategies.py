"""Hypothesis strategies for every protocol type (valid values only)."""

from typing import Any

from hypothesis import strategies as st

from antshares.core import (
    Block,
    CoinReference,
    Header,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)

u160 = st.binary(min_size=20, max_size=20).map(UInt160)
u256 = st.binary(min_size=32, max_size=32).map(UInt256)
fixed8_pos = st.integers(1, 2**63 - 1)
point = st.tuples(st.sampled_from([2, 3]), st.binary(min_size=32, max_size=32)).map(
    lambda t: bytes([t[0]]) + t[1]
)
small_bytes = st.binary(max_size=80)
text = st.text(max_size=40)

witness = st.builds(Witness, small_bytes, small_bytes)
coin = st.builds(CoinReference, u256, st.integers(0, 65535))
output = st.builds(TxOutput, u256, fixed8_pos, u160)


@st.composite
def attribute(draw: st.DrawFn) -> TxAttribute:
    usage = draw(
        st.sampled_from([0x00, 0x02, 0x03, 0x20, 0x30, 0x81, 0x90, 0xA1, 0xAF, 0xF0, 0xFF])
    )
    if usage in (0x00, 0x02, 0x03, 0x30) or 0xA1 <= usage <= 0xAF:
        data = draw(st.binary(min_size=32, max_size=32))
    elif usage == 0x20:
        data = draw(st.binary(min_size=20, max_size=20))
    else:
        data = draw(st.binary(max_size=300 if usage != 0x81 else 255))
    return TxAttribute(usage, data)


order_signed = st.fixed_dictionaries(
    {
        "amount": st.integers(1, 10**6).map(lambda x: x * 10_000)
        | st.integers(1, 10**6).map(lambda x: -x * 10_000),
        "price": st.integers(1, 10**6).map(lambda x: x * 10_000),
        "client": u160,
        "inputs": st.lists(coin, max_size=3),
        "witnesses": st.lists(witness, max_size=2),
    }
)

# Beacon evidence (SPEC §7.7), structurally valid: the codec does not check the points' curve
# membership or the dealer order (ledger rules).
dealing = st.fixed_dictionaries(
    {"dealer": st.integers(0, 65535), "commitments": st.lists(point, min_size=1, max_size=4)}
)
revealed_secret = st.fixed_dictionaries(
    {"dealer": st.integers(0, 65535), "secret": st.binary(min_size=32, max_size=32)}
)


def exclusive_for(tx_type: TxType, version: int) -> st.SearchStrategy[dict[str, Any]]:
    if tx_type == TxType.MINER:
        miner: dict[str, st.SearchStrategy[Any]] = {"nonce": st.integers(0, 2**32 - 1)}
        if version >= 1:
            miner["dealings"] = st.lists(dealing, max_size=4)
            miner["secrets"] = st.lists(revealed_secret, max_size=4)
        return st.fixed_dictionaries(miner)
    if tx_type in (TxType.ISSUE, TxType.CONTRACT):
        return st.just({})
    if tx_type == TxType.CLAIM:
        return st.fixed_dictionaries(
            {"claims": st.lists(coin, min_size=1, max_size=4, unique=True)}
        )
    if tx_type == TxType.ENROLLMENT:
        return st.fixed_dictionaries({"public_key": point})
    if tx_type == TxType.VOTING:
        return st.fixed_dictionaries(
            {"enrollments": st.lists(u256, min_size=1, max_size=4, unique=True)}
        )
    if tx_type == TxType.REGISTER:
        return st.fixed_dictionaries(
            {
                "asset_type": st.sampled_from([0x00, 0x01, 0x08, 0x60, 0x90, 0x98]),
                "name": text,
                "amount": st.integers(-1, 2**62),
                "precision": st.integers(0, 8),
                "owner": point | st.just(b"\x00"),
                "admin": u160,
            }
        )
    if tx_type == TxType.STATE:
        return st.fixed_dictionaries(
            {
                "descriptors": st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.sampled_from([0x40, 0x48]),
                            "key": small_bytes,
                            "field": st.text(max_size=8),  # ≤ 32 bytes of UTF-8
                            "value": small_bytes,
                        }
                    ),
                    max_size=3,
                )
            }
        )
    if tx_type == TxType.PUBLISH:
        fields = {
            "script": small_bytes,
            "parameter_list": small_bytes,
            "return_type": st.integers(0, 255),
            "name": text,
            "code_version": text,
            "author": text,
            "email": text,
            "description": text,
        }
        if version >= 1:
            fields["need_storage"] = st.booleans()
        return st.fixed_dictionaries(fields)
    if tx_type == TxType.INVOCATION:
        fields = {"script": st.binary(min_size=1, max_size=80)}
        if version >= 1:
            fields["gas"] = st.integers(0, 2**62)
        return st.fixed_dictionaries(fields)
    if tx_type == TxType.AGENCY:
        return (
            st.tuples(u256, u256)
            .filter(lambda t: t[0] != t[1])
            .flatmap(
                lambda ids: st.fixed_dictionaries(
                    {
                        "asset_id": st.just(ids[0]),
                        "value_asset_id": st.just(ids[1]),
                        "agent": u160,
                        "orders": st.lists(order_signed, max_size=3),
                        "split_order": st.none()
                        | st.fixed_dictionaries(
                            {
                                "amount": st.integers(1, 10**6).map(lambda x: x * 10_000),
                                "price": st.integers(1, 10**6).map(lambda x: x * 10_000),
                                "client": u160,
                            }
                        ),
                    }
                )
            )
        )
    raise AssertionError(tx_type)


VERSIONS = {
    TxType.PUBLISH: [0, 1],
    TxType.INVOCATION: [0, 1],
    TxType.ISSUE: [0, 1],
    TxType.MINER: [0, 1],
}


@st.composite
def transaction(draw: st.DrawFn, tx_type: TxType | None = None) -> Transaction:
    t = tx_type if tx_type is not None else draw(st.sampled_from(list(TxType)))
    version = draw(st.sampled_from(VERSIONS.get(t, [0])))
    attrs = draw(st.lists(attribute(), max_size=4))
    return Transaction(
        t,
        version,
        draw(exclusive_for(t, version)),
        attrs,
        draw(st.lists(coin, max_size=3)),
        draw(st.lists(output, max_size=3)),
        draw(st.lists(witness, max_size=3)),
    )


header = st.builds(
    Header,
    st.just(0),
    u256,
    u256,
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**64 - 1),
    u160,
    witness,
)


@st.composite
def block(draw: st.DrawFn) -> Block:
    txs = [draw(transaction(TxType.MINER)), *draw(st.lists(transaction(), max_size=3))]
    return Block(draw(header), txs)
