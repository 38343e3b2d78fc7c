"""Ledger rules: state that blocks update (SPEC §4–§6)."""
