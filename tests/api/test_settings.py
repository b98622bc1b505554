"""Settings in one place: read from the environment once, by the doors, and passed down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from senim.settings import Settings, current

SRC = Path(__file__).resolve().parents[2] / "src" / "senim"
DOORS = ("cli", "web")  # they read the environment and talk to the terminal


def _library_sources():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] in DOORS or relative.name == "settings.py":
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_the_library_reads_no_environment_variable_and_no_terminal():
    environment = re.compile(r"os\.environ|os\.getenv|getenv\(")
    terminal = re.compile(r"sys\.(stderr|stdin|stdout)|(?<![\w.])(input|print)\(")
    found = [(str(p), m.group(0)) for p, text in _library_sources()
             for m in list(environment.finditer(text)) + list(terminal.finditer(text))]
    assert found == []


def test_from_env_reads_each_variable_and_knows_where_it_came_from(tmp_path):
    settings = Settings.from_env({"SENIM_HOME": str(tmp_path), "SENIM_DB": "postgresql://h/db",
                                  "SENIM_PSEUDONYM_KEY": "k" * 20, "SENIM_FONT": "/f.ttf"})
    assert settings.home == tmp_path and settings.db == "postgresql://h/db"
    assert settings.pseudonym_key == b"k" * 20 and settings.font == Path("/f.ttf")
    assert settings.ledger_key == tmp_path / "keys" / "ledger-ed25519.pem"
    assert settings.signer_chain == tmp_path / "keys" / "c2pa-signer.chain.pem"
    assert settings.origin("pseudonym_key") == "SENIM_PSEUDONYM_KEY"
    assert Settings(pseudonym_key="k" * 20).origin("pseudonym_key") == "pseudonym_key"
    bare = Settings.from_env({"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert bare.home == tmp_path / "xdg" / "senim" and bare.db is None and bare.pseudonym_key is None


def test_settings_in_force_are_a_door_s_else_the_environment_s(tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_HOME", str(tmp_path / "env"))
    assert current().home == tmp_path / "env"
    mine = Settings(home=tmp_path / "mine")
    with mine.active():
        assert current() is mine
        with Settings(home=tmp_path / "inner").active():
            assert current().home == tmp_path / "inner"
        assert current() is mine
    assert current().home == tmp_path / "env"


def test_a_notice_goes_where_the_settings_say_not_to_stderr(tmp_path, capfd):
    from senim.ledger import keys

    said: list[str] = []
    with Settings(home=tmp_path, notice=said.append).active():
        keys.signing_key()
    assert len(said) == 1 and said[0].startswith(f"created the ledger signing key {tmp_path}")
    with Settings(home=tmp_path / "quiet").active():
        keys.signing_key()
    assert (tmp_path / "quiet" / "keys" / "ledger-ed25519.pem").is_file()
    assert capfd.readouterr().err == ""


def test_the_cli_prints_the_notice_on_stderr(tmp_path):
    from tests.conftest import run_senim

    done = run_senim("register", "examples/credit-scoring/senim.yaml", "--db", str(tmp_path / "r.db"),
                     env={"SENIM_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().startswith(f"senim: created the ledger signing key {tmp_path / 'home'}")


def test_a_registry_opened_with_settings_keeps_them(tmp_path):
    import senim
    from senim.registry import register

    registry = senim.open_registry(str(tmp_path / "r.db"), settings=Settings(home=tmp_path / "org"))
    try:
        register(registry, "examples/credit-scoring/senim.yaml")
    finally:
        registry.dispose()
    assert (tmp_path / "org" / "keys" / "ledger-ed25519.pem").is_file()


def test_a_scan_of_standard_input_needs_the_stream_given():
    from senim.checks.personal_data.scanner import scan
    from senim.errors import ParameterError

    with pytest.raises(ParameterError) as caught:
        list(scan(["-"]))
    assert caught.value.field == "stdin"
