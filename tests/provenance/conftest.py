"""Fixtures for the provenance tests: tiny media of every supported format.

Samples are made here (Pillow, ffmpeg's test sources) rather than committed,
and each test works in its own tmp_path with SENIM_HOME pointing inside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the suite runs with --import-mode=importlib

from provenance_helpers import make_samples  # noqa: E402


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> dict[str, Path]:
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def session_key(tmp_path_factory):
    """One signing key for the session, made under its own SENIM_HOME."""
    from senim.provenance.keys import init_keys, load_signing_key

    home = tmp_path_factory.mktemp("senim-home")
    old = os.environ.get("SENIM_HOME")
    os.environ["SENIM_HOME"] = str(home)
    try:
        init_keys()
        key, _ = load_signing_key()
    finally:
        if old is None:
            os.environ.pop("SENIM_HOME", None)
        else:
            os.environ["SENIM_HOME"] = old
    return key, home / "keys" / "c2pa-local-ca.pem"


@pytest.fixture(scope="session")
def labelled(samples, session_key, tmp_path_factory) -> dict[str, Path]:
    """Every sample labelled once in Kazakh by the library; tests copy before changing them."""
    from senim.provenance import label_file

    out = tmp_path_factory.mktemp("labelled")
    key, _ = session_key
    return {ext: Path(label_file(path, out / path.name, key=key, lang="kk", generator="TestDiffusion 2")["output"])
            for ext, path in samples.items()}


@pytest.fixture(autouse=True)
def senim_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "senim-home"
    monkeypatch.setenv("SENIM_HOME", str(home))
    return home


