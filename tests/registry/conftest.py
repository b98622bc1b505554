"""Registry tests run on SQLite and on PostgreSQL (each test its own database).

PostgreSQL comes from scripts/system.d/registry.start.sh; SENIM_TEST_PG
overrides the server URL. If it is unreachable the PostgreSQL tests fail.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from registry_helpers import database_fixture, home_fixture  # noqa: E402,F401

