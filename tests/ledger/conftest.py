"""Ledger tests share the registry's database fixtures (SQLite and PostgreSQL)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))
sys.path.insert(0, str(Path(__file__).parent))

from registry_helpers import database_fixture, home_fixture  # noqa: E402,F401



import pytest  # noqa: E402


@pytest.fixture(params=["compiled walk", "python walk"])
def walk(request, monkeypatch):
    """Run a test with each walker: the compiled one (the default where it is
    built) and the Python one it falls back to."""
    from senim.ledger import verify

    if request.param == "python walk":
        monkeypatch.setattr(verify, "CompiledWalker", None)
    return request.param
