"""The one compiled part: the ledger walk (src/senim/ledger/_walk.c), linked
against OpenSSL's libcrypto for SHA-256. Optional: where it cannot be built
(no compiler, no OpenSSL headers) verify runs the same checks in Python."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("senim.ledger._walk", ["src/senim/ledger/_walk.c"], libraries=["crypto"],
                             optional=True)])
