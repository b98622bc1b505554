"""An output place that cannot be written is refused before the assessment is
run or stored: no record in the registry without its report."""

from tests.assessment.assess_helpers import CREDIT, run


def test_unwritable_output_or_report_folder_stores_nothing(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    database = tmp_path / "registry.db"
    for args, option in ((["--format", "json", "-o", str(blocker / "out.json")], "--output"),
                         (["--report", str(blocker / "reports")], "--report")):
        result = run("assess", CREDIT, *args, "--db", f"sqlite:///{database}", home=tmp_path / "home")
        assert result.returncode == 2, result.stderr
        assert f": {option}: cannot be written there" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not database.exists()
