"""Marks for text: a visible first line plus a machine-readable statement.

HTML gets `<meta name="digital-source-type">`, a link to its C2PA sidecar and
a first paragraph a reader sees; Markdown gets the same facts in its YAML
front matter and a first line in bold. The C2PA sidecar (`NAME.c2pa`) is
signed over the final bytes, so any later change shows as a hash mismatch.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

from senim.errors import InputError

META_NAME = "digital-source-type"
WARNING_CLASS = "ai-content-warning"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: byte {error.start}: not UTF-8 text") from None


def _parts(warning: str | Sequence[str], lang: str | Sequence[str]) -> list[tuple[str, str]]:
    """(language, text) of each part of the warning: one, or one per language."""
    if isinstance(warning, str):
        return [(lang if isinstance(lang, str) else lang[0], warning)]
    return list(zip([lang] if isinstance(lang, str) else lang, warning))


def _html_note(parts: list[tuple[str, str]]) -> str:
    """The visible first paragraph: in one language, its `lang` on the paragraph; in
    several, one paragraph with each language's sentence in a span of its own `lang`."""
    style = 'role="note"'
    look = 'style="font-weight:bold;background:#111;color:#fff;padding:.5em"'
    if len(parts) == 1:
        lang, text = parts[0]
        return f'\n<p class="{WARNING_CLASS}" {style} lang="{lang}" {look}>{html.escape(text)}</p>'
    inner = "<br>".join(f'<span lang="{lang}">{html.escape(text)}</span>' for lang, text in parts)
    return f'\n<p class="{WARNING_CLASS}" {style} {look}>{inner}</p>'


_HTML_PART = re.compile(r'<span lang="([^"]*)">(.*?)</span>', re.S)


def _md_block(parts: list[tuple[str, str]]) -> str:
    """The visible first lines of Markdown: in one language a bold quote; in several,
    a quote with a paragraph per language, each in a span of its own `lang`."""
    if len(parts) == 1:
        return f"> **{parts[0][1]}**\n\n"
    return "\n>\n".join(f'> <span lang="{lang}">**{text}**</span>' for lang, text in parts) + "\n\n"


_MD_PART = re.compile(r'> <span lang="([a-z]{2})">\*\*(.*?)\*\*</span>\n')


def _md_read(body: str, warning: str) -> tuple[list[tuple[str | None, str]], int] | None:
    """The parts of the warning `warning` (the front matter's, a line per language)
    shown first in `body`, and where they end; None when the body does not show it."""
    if body.startswith(f"> **{warning}**"):
        return [(None, warning)], len(f"> **{warning}**")
    parts, at = [], 0
    for n, line in enumerate(warning.split("\n")):
        if n:
            if not body.startswith(">\n", at):
                return None
            at += 2
        found = _MD_PART.match(body, at)
        if not found or found.group(2) != line:
            return None
        parts.append((found.group(1), line))
        at = found.end()
    return (parts, at) if len(parts) > 1 else None


def label_html(data: bytes, name: str, *, warning: str | Sequence[str] | None, lang: str | Sequence[str],
               digital_source_type: str, generator: str, sidecar_name: str) -> bytes:
    """`warning` and `lang`: the warning and its language, or one text per language."""
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
        note = _html_note(_parts(warning, lang))
        match = re.search(r"<body\b[^>]*>", text, flags=re.I)
        if match:
            text = text[: match.end()] + note + text[match.end():]
        else:
            match = re.search(r"</head>", text, flags=re.I)
            text = text[: match.end()] + note + text[match.end():]  # type: ignore[union-attr]
    return text.encode("utf-8")


def label_markdown(data: bytes, name: str, *, warning: str | Sequence[str] | None, lang: str | Sequence[str],
                   digital_source_type: str, generator: str, sidecar_name: str) -> bytes:
    """The front matter's `ai_warning` holds the warning (in several languages, a line each)."""
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
    shown = _md_read(text, old_warning) if isinstance(old_warning, str) and old_warning else None
    if shown:
        text = text[shown[1]:]
        text = text[2:] if text.startswith("\n\n") else text[1:] if text.startswith("\n") else text
    body = text
    if warning:
        parts = _parts(warning, lang)
        meta["ai_warning"] = "\n".join(part for _lang, part in parts)
        body = _md_block(parts) + text
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}".encode("utf-8")


def read_marks(data: bytes, fmt_name: str, name: str = "<text>") -> dict:
    """Marks found in a text file: {"digital_source_type", "warning", "sidecar"}; a
    warning in several languages is a list of texts, with "language" beside it.

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
        parts = _HTML_PART.findall(note.group(1)) if note else []
        if len(parts) > 1:  # one sentence per language
            found["warning"] = [html.unescape(part) for _lang, part in parts]
            found["language"] = [html.unescape(lang) for lang, _part in parts]
        else:
            found["warning"] = html.unescape(note.group(1)) if note else None
    else:
        front, body = frontmatter.split(text)
        if front is not None:
            meta = frontmatter.load(front, name)
            found["digital_source_type"] = meta.get("digital_source_type")
            found["sidecar"] = meta.get("c2pa_manifest")
            warning = meta.get("ai_warning")
            shown = _md_read(body, warning) if warning else None
            if shown and len(shown[0]) > 1:  # one sentence per language
                found["warning"] = [part for _lang, part in shown[0]]
                found["language"] = [lang for lang, _part in shown[0]]
            elif shown:
                found["warning"] = warning
    return found
