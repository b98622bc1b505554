"""`senim label`, `senim verify` and `senim keys init`: labels for synthetic content."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import Format, Lang

keys_app = typer.Typer(help="Signing keys for content credentials.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")



class WarningMode(str, Enum):
    visible = "visible"
    none = "none"


class Action(str, Enum):
    created = "created"
    edited = "edited"




def _say(key: str, lang: str, **values) -> str:
    from senim.i18n import text

    return text(f"provenance.{key}", lang, **values)


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


@keys_app.command("init")
def keys_init(
    force: bool = typer.Option(False, "--force", help="Replace an existing key."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the messages."),
) -> None:
    """Make a local test CA and a C2PA signing certificate under SENIM_HOME/keys (0600 key)."""
    from senim.provenance.keys import default_paths, init_keys

    key_path, chain_path, _ = default_paths()
    if key_path.exists() and chain_path.exists() and not force:
        _err(_say("keys_exist", lang.value, folder=key_path.parent))
    else:
        init_keys(force=True)
        _err(_say("keys_created", lang.value, folder=key_path.parent))
    print(f"key:   {key_path}\nchain: {chain_path}\nca:    {default_paths()[2]}")
    _err(_say("keys_production", lang.value))


@keys_app.command("show")
def keys_show(
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the messages."),
) -> None:
    """Print the organisation's ledger signing key (its id and PEM public key) to publish.

    A regulator compares the id with the one `senim ledger verify` prints, or
    pins the key with `ledger verify --key`. The key is made on first use.
    """
    from senim.i18n import text
    from senim.ledger import keys

    public = keys.signing_key().public_key()
    kid, pem = keys.key_id(public), keys.public_pem(public)
    if fmt is Format.json:
        print(json.dumps({"ledger": {"key_id": kid, "public_key": pem, "algorithm": "Ed25519",
                                     "key_id_is": "SHA-256 of the raw 32-byte public key"}}, indent=2))
    else:
        _err(text("ledger.key_show", lang.value, key_id=kid))
        sys.stdout.write(pem)


@app.command()
def label(
    input: Path = typer.Argument(..., help="A file or a folder of PNG, JPEG, WebP, MP4, WAV, MP3, HTML, Markdown."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file, or folder when INPUT is a folder."),
    lang: str = typer.Option("en", "--lang", metavar="LANG[,LANG]",
                             help="Language of the warning (kk, ru or en), or several in order (kk,ru): one "
                                  "warning carrying each; the messages are in the first."),
    warning: WarningMode = typer.Option(WarningMode.visible, "--warning",
                                        help="visible: banner, spoken notice or first line; none: marks only."),
    generator: str = typer.Option("unknown AI system", "--generator", help="The AI system that made the content."),
    action: Action = typer.Option(Action.created, "--action", help="created by AI, or edited with AI."),
    key: Optional[Path] = typer.Option(None, "--key", help="Private key (PKCS#8 PEM); default: senim keys init."),
    cert: Optional[Path] = typer.Option(None, "--cert", help="Certificate chain PEM (end-entity first)."),
    tsa: Optional[str] = typer.Option(None, "--tsa", help="Time-stamp authority URL (needs network)."),
    max_mb: int = typer.Option(1024, "--max-mb", help="Refuse input files larger than this."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """Put a machine-readable AI mark (C2PA, XMP) and a perceivable warning on synthetic content."""
    from senim.errors import InputError
    from senim.provenance import label_file, label_tree, load_signing_key

    from senim.provenance.formats import check_file
    from senim.provenance.wording import languages

    langs = languages(lang)  # bad value: one sentence naming --lang, exit 2
    if not input.exists():
        raise InputError(f"{input}: no such file")
    if not input.is_dir():
        check_file(input, max_mb << 20)  # refuse bad input before making any key
    if (key is None) != (cert is None):
        raise InputError("--key and --cert: give both the private key and the certificate chain, or neither")
    signing_key, created = load_signing_key(key, cert)
    if created:
        _err(_say("keys_first_use", langs[0], folder=signing_key.key_path.parent))
    options = dict(key=signing_key, lang=langs, warning=warning is WarningMode.visible,
                   generator=generator, action=action.value, tsa_url=tsa, max_bytes=max_mb << 20)
    if input.is_dir():
        results, skipped, errors = label_tree(input, output, **options)
    else:
        if output.is_dir():
            output = output / input.name
        results, skipped, errors = [label_file(input, output, **options)], [], []
    if fmt is Format.json:
        print(json.dumps({"labelled": results, "skipped": skipped, "errors": errors}, ensure_ascii=False, indent=2))
    else:
        for result in results:
            _err(_say("labelled", langs[0], path=result["path"], output=result["output"],
                      marks=", ".join(result["marks"])))
            for note in result.get("notes", []):
                _err(f"  note: {note}")
    for error in errors:
        _err(f"senim: {error}")
    if input.is_dir():
        _err(_say("label_summary", langs[0], done=len(results), skipped=len(skipped), failed=len(errors)))
    if errors:
        raise typer.Exit(2)


def _source_words(source_type: str, lang: str) -> str:
    """An IPTC digital source type in words ("made by a trained AI model"); another, quoted."""
    from senim.i18n import has

    name = source_type.rstrip("/").rsplit("/", 1)[-1]
    key = f"source.{name}"
    return _say(key, lang) if has(f"provenance.{key}") else f"«{source_type}»"


def _when(moment: str, lang: str) -> str:
    from senim.i18n.formats import format_datetime

    try:
        return format_datetime(moment, lang)
    except (TypeError, ValueError):  # a time the claim writes in another form: as written
        return f"«{moment}»"


def _warning_line(result: dict, lang: str) -> str | None:
    """The warning the label carries, once, with each of its languages: the one the
    credentials declare, else the one the text shows; its words quoted as written."""
    marks = {m["kind"]: m for m in result["marks"] if m["kind"] in ("declared-warning", "visible-text")}
    mark = marks.get("declared-warning") or marks.get("visible-text")
    if not mark or not mark.get("text"):
        return None
    texts = mark["text"] if isinstance(mark["text"], list) else [mark["text"]]
    codes = mark.get("language") or []
    codes = codes if isinstance(codes, list) else [codes]
    from senim.i18n import has

    names = [_say(f"language.{code}", lang) if has(f"provenance.language.{code}") else f"«{code}»"
             for code in codes if isinstance(code, str)]
    key = "warning_spoken" if mark.get("medium") == "audio" else "warning_shown"
    quoted = " / ".join(f"«{text}»" for text in texts)
    return _say(key + ("_in" if names else ""), lang, languages=", ".join(names), texts=quoted)


def _verdict_line(result: dict, lang: str) -> str:
    """One file's check as a person reads it: what the marks claim, the state of
    the label, who made and signed it and when, then each detail in words; a
    file without any label is told what that does and does not mean."""
    from senim.provenance.verification import issue_words, passes

    no_label = result["state"] == "none" and not result["ai_labelled"]
    parts = [_say(f"state_{result['state']}", lang)] if no_label else \
        [_say("labelled_yes" if result["ai_labelled"] else "labelled_no", lang), _say(f"state_{result['state']}", lang)]
    if result["signer"]:
        parts.append(_say("signed_by", lang, signer=f"«{result['signer']}»"))  # the certificate's own words
    mark = "✓" if passes(result) else ("–" if no_label else "✗")  # no label is not "not valid"
    lines = [f"{mark} {result['path']}: " + "; ".join(parts)]
    if result.get("generator"):
        lines.append("    " + _say("made_with", lang, generator=f"«{result['generator']}»"))
    if result.get("signing_time"):
        lines.append("    " + _say("signed_at", lang, when=_when(result["signing_time"], lang)))
    if result["digital_source_type"]:
        lines.append("    " + _say("source_type", lang, words=_source_words(result["digital_source_type"], lang)))
    warning = _warning_line(result, lang)
    if warning:
        lines.append("    " + warning)
    lines += [f"    - {issue_words(issue, lang)}" for issue in result["issues"]]
    if no_label:
        lines.append("    " + _say("no_label_means", lang))
    return "\n".join(lines)


@app.command()
def verify(
    paths: List[Path] = typer.Argument(..., help="Files to check, or one folder with --report."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    trust_anchors: Optional[Path] = typer.Option(None, "--trust-anchors", help="PEM file of trusted root CAs."),
    report: bool = typer.Option(False, "--report", help="Audit a folder: labelled, unlabelled, altered."),
    max_mb: int = typer.Option(1024, "--max-mb", help="Refuse files larger than this."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the messages."),
) -> None:
    """Check AI labels: valid, untrusted (signer not on the trust list), invalid or none.

    Exit 0: every file AI-labelled with credentials that hold (valid or untrusted); 1: one is not; 2: bad input.
    """
    from senim.errors import InputError
    from senim.provenance.verification import FOLDER_FAILURES, outcome, passes, read_trust_anchors, verify_file

    anchors = None
    if trust_anchors is not None:
        try:
            anchors = read_trust_anchors(trust_anchors)
        except InputError as error:
            place = f"{trust_anchors}:{error.line}" if error.line else str(trust_anchors)
            raise InputError(f"{place}: --trust-anchors: {error.problem}") from None
    max_bytes = max_mb << 20

    if report or (len(paths) == 1 and paths[0].is_dir()):
        if len(paths) == 1 and not paths[0].exists():
            raise InputError(f"{paths[0]}: no such folder")
        if len(paths) != 1 or not paths[0].is_dir():
            raise InputError(f"{paths[0]}: --report needs exactly one folder")
        audit, summary, verdict = outcome(paths[0], trust_anchors=anchors, max_bytes=max_bytes)
        if fmt is Format.json:
            print(json.dumps(audit, ensure_ascii=False, indent=2))
        else:
            print(_say("audit_heading", lang.value, folder=audit["folder"], total=len(audit["files"])))
            for key in ("labelled_valid", *FOLDER_FAILURES):
                if key == "unsigned" and not summary[key]:
                    continue  # a list only old-style XMP-only files fill
                print(f"\n{_say('audit_' + key, lang.value)} ({len(summary[key])})")
                for item in summary[key]:
                    print(f"  {item}")
            print("\n" + _say("audit_skipped", lang.value, count=len(summary["skipped"])))
        raise typer.Exit(1 if verdict == "fail" else 0)

    results, bad_input = [], False
    for path in paths:
        try:
            results.append(verify_file(path, trust_anchors=anchors, max_bytes=max_bytes))
        except InputError as error:
            _err(f"senim: {error}")
            bad_input = True
    if fmt is Format.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(_verdict_line(result, lang.value))
    if bad_input:
        raise typer.Exit(2)
    raise typer.Exit(0 if all(passes(r) for r in results) else 1)
