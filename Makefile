# The two documented commands are `make test` and `make demo`; the rest are their parts.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(HOME)/.cargo/bin:$(PATH)
export ANTSHARES_SHARED ?= $(abspath ../shared)
export CARGO_TERM_COLOR := never
FUZZ_SECONDS ?= 20
BLOCKS := $(sort $(wildcard $(ANTSHARES_SHARED)/vectors/blocks/*.hex))

.PHONY: test demo build venv lint rust-test py-test fuzz-smoke fuzz soak bench clean

$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

NATIVE_SOURCES := Cargo.toml Cargo.lock $(shell find native/core native/crypto native/verify native/ledger native/python -name '*.rs' -o -name '*.toml' -o -name '*.py' -o -name '*.pyi' 2>/dev/null)

# The Rust core is its own wheel (native/python, maturin, release); the package is an editable install.
# Both are rebuilt only when their sources changed.
$(VENV)/.built-native: $(VENV)/.installed $(NATIVE_SOURCES)
	maturin develop --release -q -m native/python/Cargo.toml
	$(PY) -c "import antshares_native._native"
	touch $@

$(VENV)/.built-package: $(VENV)/.installed pyproject.toml setup.py $(shell find python -name '*.pyx')
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

build: $(VENV)/.built-native $(VENV)/.built-package

lint: build
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --release -- -D warnings
	ruff check python tests benchmarks native/python/python
	ruff format --check python tests benchmarks native/python/python
	mypy
	# The hand-written stub of the compiled module must match what it registers.
	$(PY) -m mypy.stubtest antshares_native._native --allowlist native/python/stubtest-allowlist.txt

rust-test:
	cargo test --workspace --exclude antshares-native --release

py-test: build
	$(PY) -m pytest -q tests

fuzz-smoke: build
	scripts/fuzz.sh $(FUZZ_SECONDS)

test: build lint rust-test fuzz-smoke py-test

# Long fuzzing run: `make fuzz FUZZ_SECONDS=3600`.
fuzz: build
	scripts/fuzz.sh $(FUZZ_SECONDS)

demo: build
	@echo "== Verifying real MainNet blocks from $(ANTSHARES_SHARED)/vectors/blocks =="
	$(VENV)/bin/antshares verify $(BLOCKS)
	scripts/demo-devnet.sh
	$(PY) scripts/demo_network.py
	@echo "== MainNet genesis, rebuilt from the standby keys =="
	$(VENV)/bin/antshares genesis --network mainnet | head -2

# Crash-safety soak: SIGKILL `antshares chain import` at SOAK_KILLS random moments, restarting it
# each time and checking the store against a reference import (`make test` does 20 kills).
SOAK_KILLS ?= 200
soak: build
	CRASH_KILLS=$(SOAK_KILLS) $(PY) -m pytest -q -s tests/test_crash_import.py -k sigkill

bench: build
	$(VENV)/bin/antshares bench

clean:
	cargo clean
	rm -rf $(VENV) build *.egg-info python/*.egg-info .pytest_cache .mypy_cache .ruff_cache
