"""Build the `antshares` package; compiles its Cython modules unless ANTSHARES_NO_EXTENSIONS=1.

Every Cython module has a pure-Python twin beside it (yarl/multidict style), so the package works
without a compiler; the Rust core comes from the separate `antshares-native` wheel.
"""

import os
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
PYX = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "python" / "antshares").rglob("*.pyx"))


def extensions() -> list:
    if os.environ.get("ANTSHARES_NO_EXTENSIONS") == "1" or not PYX:
        return []
    from Cython.Build import cythonize

    return cythonize(PYX, compiler_directives={"language_level": "3"}, quiet=True)


setup(ext_modules=extensions())
