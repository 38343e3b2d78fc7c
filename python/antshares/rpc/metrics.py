"""/metrics in the Prometheus text exposition format (version 0.0.4), neo-go style names with
our prefix: `antshares_current_block_height`, `antshares_peers_connected`, ...

The node's `metrics()` keys map to the documented names below; any other key is exported as
`antshares_<key>` (a gauge), so the node can add one without touching this module.
"""

import math
import re
from collections.abc import Mapping

__all__ = ["CONTENT_TYPE", "KNOWN", "render"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# metrics() key -> (exported name, type, help)
KNOWN: dict[str, tuple[str, str, str]] = {
    "height": ("antshares_current_block_height", "gauge", "Height of the tip block"),
    "peers": ("antshares_peers_connected", "gauge", "Connected P2P peers"),
    "mempool_size": ("antshares_mempool_size", "gauge", "Transactions in the mempool"),
    "blocks_per_second": (
        "antshares_blocks_per_second",
        "gauge",
        "Blocks applied per second, recent average",
    ),
    "verify_rate": (
        "antshares_verify_rate",
        "gauge",
        "Signatures verified per second, recent average",
    ),
    "rpc_calls": ("antshares_rpc_calls_total", "counter", "JSON-RPC calls answered"),
    "rpc_errors": ("antshares_rpc_errors_total", "counter", "JSON-RPC calls answered by an error"),
}
_NAME = re.compile(r"[^a-zA-Z0-9_]")


def _sample(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def render(values: Mapping[str, float]) -> str:
    """One HELP, TYPE and sample line per metric, known ones first."""
    lines = []
    emitted: set[str] = set()
    ordered = [k for k in KNOWN if k in values] + sorted(k for k in values if k not in KNOWN)
    for key in ordered:
        name, kind, help_text = KNOWN.get(
            key, ("antshares_" + _NAME.sub("_", key), "gauge", f"Node metric {key}")
        )
        if name in emitted:  # a free-form key that spells a documented name: the first wins
            continue
        emitted.add(name)
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines.append(f"{name} {_sample(values[key])}")
    return "\n".join(lines) + "\n"
