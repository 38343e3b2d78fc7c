"""The ledger benchmark plumbing (antshares.bench_ledger) on a tiny chain: the cache, the import
subprocess, the bare baseline's signatures and the table rows. Timings are not checked."""

from pathlib import Path

import pytest

from antshares import bench_ledger as bl
from antshares.bench import Figure, Result, format_table


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> bl.CachedChain:
    return bl.cached_chain(4, 10, seed="test", cache=tmp_path_factory.mktemp("cache"))


def test_cache_is_reused_and_keyed(chain: bl.CachedChain) -> None:
    assert chain.blocks == 5 and chain.transactions >= 40
    assert chain.chain_path.is_file() and chain.profile_path.is_file()
    stamp = chain.chain_path.stat().st_mtime_ns
    again = bl.cached_chain(4, 10, seed="test", cache=chain.root.parent)
    assert again == chain and chain.chain_path.stat().st_mtime_ns == stamp
    assert [p.name for p in chain.root.parent.iterdir()] == [chain.root.name]  # no scratch left
    assert f"-v{bl.GENERATOR_VERSION}" in chain.root.name


def test_env_overrides_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTSHARES_BENCH_CACHE", str(tmp_path))
    assert bl.cache_dir() == tmp_path


def test_imports_and_bare_signatures(chain: bl.CachedChain) -> None:
    verified = bl.import_in_subprocess(chain, trusted=False)
    trusted = bl.import_in_subprocess(chain, trusted=True)
    assert verified.error is None and trusted.error is None
    assert verified.blocks == trusted.blocks == chain.blocks - 1
    assert verified.transactions == trusted.transactions > 0
    assert trusted.signatures == 0
    signatures = bl.chain_signatures(chain)
    assert verified.signatures == len(signatures) > 0
    assert bl.bare_signature_seconds(signatures, batch=7)() > 0
    assert verified.peak_rss_bytes > 0 and verified.utxo_cache_usage[1] > 0


def test_table_with_figures() -> None:
    rows: list[Result | Figure] = [
        Result("import vs bare", 7.0, 10.0, "bare", 0.7),
        Figure("import", 20_000.0, "tx/s", 25_000, "n"),
        Figure("draw", 1.2, "µs", None, ""),
    ]
    table = format_table(rows)
    assert "0.70x" in table and "PASS" in table and "FAIL" in table and "report" in table
    assert [r.passed for r in rows] == [True, False, None]
