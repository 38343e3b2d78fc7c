#!/usr/bin/env bash
# The devnet part of `make demo`: a solo bookkeeper producing a block a second while the
# workload generator moves funds (balances and lottery payouts printed per block), then a replay
# of that chain into a fresh data dir whose state digest must equal the node's.
set -euo pipefail
antshares=${ANTSHARES:-.venv/bin/antshares}
blocks=${DEMO_BLOCKS:-6}
dir=$(mktemp -d -t antshares-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT

echo "== A solo-bookkeeper devnet in $dir: a block a second, the workload moving funds =="
"$antshares" devnet init --data-dir "$dir/node" --block-time 1 | sed -n '1p;4,6p'
"$antshares" devnet run --data-dir "$dir/node" --blocks "$blocks" --workload 40

echo "== Replay: export the chain, import it into a fresh data dir, compare state digests =="
"$antshares" chain export --quiet --network devnet --data-dir "$dir/node" --out "$dir/chain.acc"
"$antshares" chain import --quiet "$dir/chain.acc" --network "$dir/node/profile.json" \
    --data-dir "$dir/replay"
node=$("$antshares" state digest --network devnet --data-dir "$dir/node" | grep '^digest')
replay=$("$antshares" state digest --network "$dir/node/profile.json" --data-dir "$dir/replay" |
    grep '^digest')
echo "node   $node"
echo "replay $replay"
[[ "$node" == "$replay" ]] && echo "state digests agree"
