"""Ledger tests share the registry's database fixtures (SQLite and PostgreSQL)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))
sys.path.insert(0, str(Path(__file__).parent))

from registry_helpers import database_fixture, home_fixture  # noqa: E402,F401

