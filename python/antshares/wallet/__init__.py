"""Wallet pieces: NEP-2 key encryption (the NEP-6 wallet comes with the wallet issue)."""
