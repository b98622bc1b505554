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

from web_helpers import build_world, clone_world  # noqa: E402


@pytest.fixture(scope="session")
def _templates(tmp_path_factory):
    """One world per backend, built through the routes once a session; each module gets a copy."""
    built = {}

    def template(kind: str):
        if kind not in built:
            world, close = build_world(kind, tmp_path_factory.mktemp(f"web-template-{kind}"))
            close(keep_database=True)  # nobody connected: PostgreSQL copies only an idle database
            built[kind] = world
        return built[kind]

    yield template
    for world in built.values():
        world.drop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory, _templates):
    """A module's own world: a copy of the session's, which the module may change freely."""
    built, undo = clone_world(_templates(request.param), request.param, tmp_path_factory.mktemp(f"web-{request.param}"))
    built.kind = request.param
    yield built
    undo()

@pytest.fixture(scope="module")
def live(world):
    """The module's world served by uvicorn on 127.0.0.1, for the browser tests."""
    from web_helpers import LiveServer

    server = LiveServer(world.app)
    server.server.config.lifespan = "off"  # the world's client already runs the app's job threads
    with server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright: one per module (a session-wide one would keep
    Playwright's event loop alive under every other test)."""
    from playwright.sync_api import sync_playwright

    from web_helpers import ARGS, AXE

    assert AXE.is_file(), "make test fetches axe-core (scripts/system.d/web.start.sh)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield launched
        launched.close()
