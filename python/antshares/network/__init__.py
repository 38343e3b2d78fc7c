"""P2P networking (SPEC §10): message framing now; peers, sync and relay build on it.

`antshares.network.framing` is the public framing API; it uses the Cython module `_framing` when it
is built, else its pure-Python twin `_framing_py` (forced with ANTSHARES_NO_EXTENSIONS=1).
"""
