import pytest

from tests.assessment.assess_helpers import CREDIT, run


@pytest.fixture(scope="session")
def credit_reports(tmp_path_factory):
    """The demo's command, once: the credit example assessed with its checks, reports in Kazakh."""
    base = tmp_path_factory.mktemp("credit-reports")
    out, home = base / "out", base / "home"
    done = run("assess", CREDIT / "senim.yaml", "--run-checks", "--report", out, "--lang", "kk", home=home, timeout=300)
    assert done.returncode == 0, done.stderr
    return {"dir": out, "home": home, "stem": out / "retail-credit-scoring.kk", "stderr": done.stderr,
            "stdout": done.stdout}
