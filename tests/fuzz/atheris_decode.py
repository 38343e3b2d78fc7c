"""atheris target: the Python-facing decoders and verifier on arbitrary bytes.

Only `DecodeError`/`ValueError` may come out; anything else — or a crash of the interpreter — is a
bug. Run by scripts/fuzz.sh: `python tests/fuzz/atheris_decode.py -max_total_time=N SEEDS_DIR`.
"""

import sys

import atheris

with atheris.instrument_imports():
    import antshares
    from antshares.core import Block, Header, Transaction, decode_headers_payload


def one_input(data: bytes) -> None:
    for decode in (
        Block.from_bytes,
        Transaction.from_bytes,
        Header.from_bytes,
        decode_headers_payload,
    ):
        try:
            obj = decode(data)
        except ValueError:  # DecodeError is a ValueError
            continue
        encoded = (
            antshares.core.encode_headers_payload(obj) if isinstance(obj, list) else obj.to_bytes()
        )
        if encoded != data:
            raise AssertionError(f"{decode.__qualname__}: accepted input does not re-encode")
    report = antshares.verify_block(data)
    if report.ok and report.height is None:
        raise AssertionError("an undecodable block was reported valid")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
