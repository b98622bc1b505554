"""Marks for text: a visible first line plus a machine-readable statement.

HTML gets `<meta name="digital-source-type">`, a link to its C2PA sidecar and
a first paragraph a reader sees; Markdown gets the same facts in its YAML
front matter and a first line in bold. The C2PA sidecar (`NAME.c2pa`) is
signed over the final bytes, so any later change shows as a hash mismatch.
"""

from __future__ import annotations

import html
import re

from senim.errors import InputError

META_NAME = "digital-source-type"
WARNING_CLASS = "ai-content-warning"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: byte {error.start}: not UTF-8 text") from None


def label_html(data: bytes, name: str, *, warning: str | None, lang: str, digital_source_type: str,
               generator: str, sidecar_name: str) -> bytes:
    text = _decode(data, name)
    if re.search(rf'<meta\s+name="{META_NAME}"', text):
        text = re.sub(rf'\s*<meta\s+name="{META_NAME}"[^>]*>', "", text)
        text = re.sub(r'\s*<link\s+rel="c2pa-manifest"[^>]*>', "", text)
        text = re.sub(rf'\s*<p\s+class="{WARNING_CLASS}"[^>]*>.*?</p>', "", text, flags=re.S)
    head = (
        f'\n<meta name="{META_NAME}" content="{html.escape(digital_source_type)}">'
        f'\n<meta name="generator" content="{html.escape(generator)}">'
        f'\n<link rel="c2pa-manifest" href="{html.escape(sidecar_name)}">'
    )
    match = re.search(r"<head\b[^>]*>", text, flags=re.I)
    if match:
        text = text[: match.end()] + head + text[match.end():]
    else:
        match = re.search(r"<html\b[^>]*>", text, flags=re.I)
        at = match.end() if match else 0
        text = text[:at] + f"<head>{head}\n</head>" + text[at:]
    if warning:
        note = (f'\n<p class="{WARNING_CLASS}" role="note" lang="{lang}" style="font-weight:bold;'
                f'background:#111;color:#fff;padding:.5em">{html.escape(warning)}</p>')
        match = re.search(r"<body\b[^>]*>", text, flags=re.I)
        if match:
            text = text[: match.end()] + note + text[match.end():]
        else:
            match = re.search(r"</head>", text, flags=re.I)
            text = text[: match.end()] + note + text[match.end():]  # type: ignore[union-attr]
    return text.encode("utf-8")


def label_markdown(data: bytes, name: str, *, warning: str | None, lang: str, digital_source_type: str,
                   generator: str, sidecar_name: str) -> bytes:
    import yaml

    from senim.provenance import frontmatter

    front, text = frontmatter.split(_decode(data, name))
    meta = frontmatter.load(front, name) if front is not None else {}
    meta.update({
        "digital_source_type": digital_source_type,
        "ai_generator": generator,
        "c2pa_manifest": sidecar_name,
    })
    old_warning = meta.pop("ai_warning", None)
    if old_warning and text.startswith(f"> **{old_warning}**"):
        text = text.split("\n", 2)[-1] if text.count("\n") >= 2 else ""
    body = text
    if warning:
        meta["ai_warning"] = warning
        body = f"> **{warning}**\n\n" + text
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}".encode("utf-8")


def read_marks(data: bytes, fmt_name: str, name: str = "<text>") -> dict:
    """Marks found in a text file: {"digital_source_type", "warning", "sidecar"}.

    InputError when Markdown front matter cannot be trusted to be read (see `frontmatter`).
    """
    from senim.provenance import frontmatter

    text = data.decode("utf-8", "replace")
    found: dict = {"digital_source_type": None, "warning": None, "sidecar": None}
    if fmt_name == "HTML":
        meta = re.search(rf'<meta\s+name="{META_NAME}"\s+content="([^"]*)"', text)
        link = re.search(r'<link\s+rel="c2pa-manifest"\s+href="([^"]*)"', text)
        note = re.search(rf'<p\s+class="{WARNING_CLASS}"[^>]*>(.*?)</p>', text, re.S)
        found["digital_source_type"] = html.unescape(meta.group(1)) if meta else None
        found["sidecar"] = html.unescape(link.group(1)) if link else None
        found["warning"] = html.unescape(note.group(1)) if note else None
    else:
        front, body = frontmatter.split(text)
        if front is not None:
            meta = frontmatter.load(front, name)
            found["digital_source_type"] = meta.get("digital_source_type")
            found["sidecar"] = meta.get("c2pa_manifest")
            warning = meta.get("ai_warning")
            if warning and body.startswith(f"> **{warning}**"):
                found["warning"] = warning
    return found
