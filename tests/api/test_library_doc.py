"""The examples of docs/library.md and of the public modules' docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

MODULES = ["senim", "senim.errors", "senim.settings", "senim.report", "senim.api.law", "senim.api.registry",
           "senim.api.provenance", "senim.provenance.verification", "senim.provenance.wording"]


@pytest.fixture
def in_the_repository(tmp_path, monkeypatch):
    """The working folder the examples name paths from, `senim` on PATH, and a
    home of keys of this test's own."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("SENIM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SENIM_DB", raising=False)


def test_docs_library_md(in_the_repository):
    failed, tried = doctest.testfile(str(ROOT / "docs" / "library.md"), module_relative=False, optionflags=FLAGS,
                                     verbose=False, report=True)
    assert tried >= 30
    assert failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, in_the_repository):
    found = doctest.testmod(importlib.import_module(name), optionflags=FLAGS, verbose=False, report=True)
    assert found.attempted > 0
    assert found.failed == 0
