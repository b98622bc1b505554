"""Web tests: one world (registry, app, people, tokens) per module and backend."""

import os
import sys
from pathlib import Path

import pytest

# Argon2id with lighter parameters than a deployment's, so that the tests'
# dozens of sign-ins take milliseconds; the hashes are still Argon2id.
os.environ.setdefault("SENIM_ARGON2_TIME", "1")        # for `senim` processes the tests start
os.environ.setdefault("SENIM_ARGON2_MEMORY_KIB", "8192")


@pytest.fixture(autouse=True, scope="session")
def _light_hashes():
    from senim.registry import people

    people.configure(os.environ)


sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import build_world  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    built, undo = build_world(request.param, tmp_path_factory.mktemp(f"web-{request.param}"))
    built.kind = request.param
    yield built
    undo()
