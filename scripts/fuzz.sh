#!/usr/bin/env bash
# Bounded fuzzing of every decoder: each cargo-fuzz target, then the atheris target, for N seconds
# each (default 20). Seeds: the real blocks and the transaction vectors in ../shared. Findings are
# left in native/fuzz/artifacts/ and make this script fail; add them to tests/corpus/ once fixed.
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${ANTSHARES_SHARED:-$root/../shared}
seeds=$root/target/fuzz-seeds
python=${PYTHON:-$root/.venv/bin/python}

rm -rf "$seeds" && mkdir -p "$seeds"
"$python" - "$shared" "$seeds" <<'PY'
import json, pathlib, sys
shared, seeds = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted((shared / "vectors" / "blocks").glob("*.hex")):
    (seeds / f.stem).write_bytes(bytes.fromhex(f.read_text().strip()))
for i, v in enumerate(json.loads((shared / "vectors" / "vectors.json").read_text())):
    inp = v["input"]
    for key in ("raw_hex", "payload_hex", "with_witness_hex"):
        if isinstance(inp, dict) and key in inp:
            (seeds / f"vector-{i}-{key}").write_bytes(bytes.fromhex(inp[key]))
PY

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz (once per machine)"
  cargo install cargo-fuzz --locked --quiet
fi

cd "$root/native/fuzz"
# Stable toolchain: no sanitizer; RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags to rustc.
export RUSTC_BOOTSTRAP=1
cargo fuzz build --fuzz-dir . --sanitizer none --release
for target in $(cargo fuzz list --fuzz-dir .); do
  mkdir -p "corpus/$target"
  log=$(mktemp)
  echo "== cargo fuzz: $target (${seconds}s)"
  if ! cargo fuzz run --fuzz-dir . --sanitizer none --release "$target" "corpus/$target" "$seeds" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=2000000 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed; crashing inputs are in native/fuzz/artifacts/$target" >&2
    exit 1
  fi
  grep -E "^Done [0-9]+ runs" "$log" || tail -n 3 "$log"
  rm -f "$log"
done

cd "$root"
mkdir -p target/atheris-corpus
echo "== atheris: decoders and verifier (${seconds}s)"
"$python" tests/fuzz/atheris_decode.py -max_total_time="$seconds" -rss_limit_mb=4096 \
  -max_len=2000000 -print_final_stats=1 target/atheris-corpus "$seeds" 2>&1 | tail -n 5
