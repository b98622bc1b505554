"""Every command's text output in Kazakh and Russian, for every example.

Runs the commands in this process (Typer's runner), as a user would type
them, and yields (area, command, example, lang, text, the user's own values).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.parent for p in (ROOT / "examples").glob("*/senim.yaml"))
CREDIT = ROOT / "examples/credit-scoring"
LANGS = ("kk", "ru")

# Which area writes each command's text (issue 15: the lead's list of what is left).
AREA = {"classify": "outputs", "obligations": "outputs", "assess": "outputs", "law show": "outputs",
        "law diff": "outputs", "validate": "outputs", "pack": "outputs", "fairness": "outputs",
        "explain": "outputs", "incident": "outputs", "decisions explain": "outputs", "init": "outputs",
        "scan": "outputs", "verify": "outputs", "register": "ledger", "systems": "outputs",
        "show": "outputs", "ledger verify": "ledger", "decisions record": "ledger", "ledger export": "ledger",
        "ledger proof": "ledger", "db upgrade": "ledger"}


def _runner():
    from typer.testing import CliRunner

    from senim.cli.app import COMMAND_MODULES, app

    for name in COMMAND_MODULES:
        __import__(f"senim.cli.{name}")
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> str:
        from senim.errors import SenimError

        try:
            result = runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
        except SenimError as error:  # the sentence the CLI prints on stderr is text too
            return f"senim: {error}\n"
        return result.output

    return run


def _manifest(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def outputs(tmp: Path) -> Iterator[tuple[str, str, str, str, str, list]]:
    os.environ["SENIM_HOME"] = str(tmp / "home")
    os.environ.pop("SENIM_DB", None)
    run = _runner()
    db = tmp / "registry.db"
    for example in EXAMPLES:
        manifest = _manifest(example / "senim.yaml")
        values = [manifest]
        name = example.name
        for lang in LANGS:
            yield "outputs", "classify", name, lang, run("classify", example, "--lang", lang, "--as-of", "2026-11-26"), values
            yield "outputs", "obligations", name, lang, run("obligations", example, "--lang", lang, "--as-of", "2026-11-26"), values
            yield "outputs", "assess", name, lang, run("assess", example / "senim.yaml", "--lang", lang, "--as-of", "2026-11-26", "--no-db"), values
            yield "outputs", "validate", name, lang, run("validate", example / "senim.yaml", "--lang", lang), values
            yield "outputs", "law diff", name, lang, run("law", "diff", "--from", "2026-08-01", "--to", "2027-12-02", example / "senim.yaml", "--lang", lang), values
            for kind, stem in (("fria", "fria"), ("eu-annex-iv", "annex-iv")):
                out = tmp / f"pack-{name}-{kind}-{lang}"
                run("pack", kind, example / "senim.yaml", "-o", out, "--lang", lang, "--as-of", "2026-11-26")
                written = out / f"{stem}.{lang}.md"
                yield "outputs", "pack", name, lang, written.read_text(encoding="utf-8") if written.exists() else "", values
        run("register", example / "senim.yaml", "--db", db)
    credit = [_manifest(CREDIT / "senim.yaml"), _data_values(CREDIT / "decisions.parquet", ["sex", "region"])]
    for lang in LANGS:
        for words in ([], ["kz", "17"], ["eu", "50"], ["prohibited"]):
            yield "outputs", "law show", " ".join(words) or "-", lang, run("law", "show", *words, "--lang", lang), []
        yield "outputs", "fairness", "credit-scoring", lang, run(
            "fairness", CREDIT / "decisions.parquet", "--target", "repaid", "--prediction", "approved",
            "--sensitive", "sex,region", "--bootstrap", "50", "--lang", lang), credit
        yield "outputs", "explain", "credit-scoring", lang, run(
            "explain", CREDIT / "model.skops", CREDIT / "applicants.csv", "--row", "A104502", "--repeats", "1",
            "--lang", lang).split("\n\n", 1)[-1].split(_letter_heading(lang), 1)[-1], credit
        yield "outputs", "scan", "support-chatbot", lang, run("scan", ROOT / "examples/support-chatbot/logs", "--fail-on", "all", "--lang", lang), []
        yield "outputs", "verify", "deepfake-video", lang, run("verify", ROOT / "examples/deepfake-video/media", "--lang", lang), []
        yield "outputs", "verify", "clip.mp4", lang, run("verify", ROOT / "examples/deepfake-video/media/clip.mp4", "--lang", lang), []
        labelled = tmp / f"labelled-{lang}.png"  # a label that holds, by a signer no trust list names
        run("label", ROOT / "examples/deepfake-video/media/presenter.png", "-o", labelled, "--lang", lang,
            "--generator", "Studio model 2")
        yield "outputs", "verify", "labelled.png", lang, run("verify", labelled, "--lang", lang), ["Studio model 2"]
        both = tmp / f"labelled-kk-ru-{lang}.wav"  # one spoken warning in both languages
        run("label", ROOT / "examples/deepfake-video/media/voice.wav", "-o", both, "--lang", "kk,ru")
        yield "outputs", "verify", "labelled kk,ru.wav", lang, run("verify", both, "--lang", lang), []
    # the registry: systems, a decision and its letter, an incident and its notice
    decisions = tmp / "decisions.jsonl"
    record = {"id": "D-1", "subject": "p-7f3a91", "system": "retail-credit-scoring", "inputs_digest": "sha256:" + "9f" * 32,
              "output": "declined", "reasons": [{"feature": "monthly_income", "value": 354.2, "contribution": -0.4}],
              "decided_at": "2026-11-20T10:15:00+05:00", "data_used": ["monthly_income"]}
    decisions.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run("decisions", "record", decisions, "--db", db)
    run("incident", "new", "--kind", "personal_data_breach", "--severity", "high", "--system", "retail-credit-scoring",
        "--summary", "Scores sent to a wrong address", "--aware-at", "2026-11-28T09:00:00+05:00", "--db", db)
    run("incident", "new", "--kind", "harm_to_health", "--severity", "critical", "--system", "ed-triage",
        "--summary", "Triage under-scored a stroke patient", "--aware-at", "2026-11-28T09:00:00+05:00", "--db", db)
    everything = [_manifest(e / "senim.yaml") for e in EXAMPLES] + [record, "Scores sent to a wrong address",
                                                                       "Triage under-scored a stroke patient"]
    for lang in LANGS:
        yield "outputs", "decisions explain", "credit-scoring", lang, run(
            "decisions", "explain", "p-7f3a91", "--labels", CREDIT / "model.labels.yaml", "--db", db, "--lang", lang), everything
        for number in ("1", "2"):
            yield "outputs", "incident", f"report {number}", lang, run("incident", "report", number, "--db", db, "--lang", lang), everything
            yield "outputs", "incident", f"show {number}", lang, run("incident", "show", number, "--db", db, "--lang", lang), everything
        yield "outputs", "incident", "list", lang, run("incident", "list", "--db", db, "--lang", lang), everything
        yield "outputs", "systems", "-", lang, run("systems", "--db", db, "--lang", lang), everything
        yield "outputs", "show", "retail-credit-scoring", lang, run("show", "retail-credit-scoring", "--db", db, "--lang", lang), everything
        yield "ledger", "ledger verify", "-", lang, run("ledger", "verify", "--db", db, "--lang", lang), everything
        yield "ledger", "register", "credit-scoring", lang, run("register", CREDIT / "senim.yaml", "--db", db, "--lang", lang), everything
        yield "ledger", "decisions record", "credit-scoring", lang, run("decisions", "record", decisions, "--db", db, "--lang", lang), everything
        yield "ledger", "ledger export", "-", lang, run("ledger", "export", tmp / f"bundle-{lang}", "--db", db, "--lang", lang), everything
        yield "ledger", "ledger proof", "-o", lang, run("ledger", "proof", "1", "--db", db, "-o", tmp / f"proof-{lang}.json", "--lang", lang), everything
        yield "ledger", "db upgrade", "-", lang, run("db", "upgrade", "--db", db, "--lang", lang), \
            everything + [f"sqlite:///{db}"]  # the registry as given, in the URL form it is named by
        # name, id, description, owner, BIN, size, markets, uses, affects people, failure, oversight,
        # public sector, capabilities, generates, personal data, categories, subjects, basis, stored in KZ
        answers = "\n".join(["Оценка заявок", "", "", "Банк", "", "4", "1", "2", "1", "3", "2", "0", "", "0", "1",
                             "1,3", "1000", "1", "1"]) + "\n"
        out = tmp / f"init-{lang}.yaml"
        said = run("init", "-o", out, "--lang", lang, input=answers)
        yield "outputs", "init", "-", lang, said, everything + ([_manifest(out)] if out.exists() else [])


def _data_values(path: Path, columns: list[str]) -> list:
    """The data's own words: sensitive column names and their values."""
    import polars as pl

    frame = pl.read_parquet(path, columns=columns)
    from tests.i18n.i18n_scan import Data

    return [Data(c) for c in columns] + [Data(v) for c in columns for v in frame[c].unique().to_list()]


def _letter_heading(lang: str) -> str:
    from senim.i18n import text

    return text("explain.heading_letter", lang)
