"""Labelling synthetic results: perceivable warning, XMP and C2PA, in that order.

The order matters: the warning changes the pixels or samples, the XMP
statement changes the container, and the C2PA signature comes last because
it hashes the finished file. Every output is built in a temporary file
beside its destination and renamed into place only when complete.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from senim.errors import InputError
from senim.provenance import credentials, formats, wording
from senim.provenance.formats import SIDECAR_SUFFIX
from senim.provenance.keys import SigningKey


@contextmanager
def _temp_beside(dest: Path, suffix: str = ""):
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=f".tmp{suffix}")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def _publish(tmp: Path, dest: Path) -> None:
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)


def _image_with_banner(data: bytes, fmt: formats.MediaFormat, name: Path, text: str | list[str],
                       rows: int = 0) -> bytes:
    from PIL import Image, ImageOps

    from senim.provenance import banner

    try:
        with Image.open(io.BytesIO(data)) as image:
            if getattr(image, "is_animated", False):
                raise InputError(f"{name}: image data: animated {fmt.name} is not supported; "
                                 "convert it to MP4 so that every frame gets the warning")
            image.load()
            # Draw on the picture as people see it, so the band is at the bottom after rotation.
            upright = ImageOps.exif_transpose(image)
            marked = banner.apply(upright, text, rows=rows)
            extra = {k: upright.info[k] for k in ("icc_profile", "exif", "dpi") if upright.info.get(k)}
            lossless = fmt.name == "WebP" and b"VP8L" in data[12:40]
    except InputError:
        raise
    except Exception as error:  # Pillow raises many kinds for damaged images
        raise InputError(f"{name}: image data: cannot be decoded ({str(error) or type(error).__name__})") from None
    out = io.BytesIO()
    if fmt.name == "JPEG":
        marked.convert("RGB").save(out, "JPEG", quality=95, **extra)
    elif fmt.name == "WebP":
        marked.save(out, "WEBP", quality=95, lossless=lossless, **extra)
    else:
        marked.save(out, "PNG", **extra)
    return out.getvalue()


def _declared_rows(source: Path, fmt: formats.MediaFormat) -> int:
    """How many languages the banner has that the file's content credentials say
    Senim drew on it (an image or video labelled before; 0: none): the new
    banner then covers the old one entirely, however many rows it had."""
    with open(source, "rb") as stream:
        if not credentials.has_manifest(fmt.mime, stream):
            return 0
        warning = credentials.read(fmt.mime, stream).warning or {}
    if warning.get("medium") != fmt.kind or not warning.get("text"):
        return 0
    text = warning["text"]
    # what another tool wrote there is not trusted beyond the languages Senim has
    return min(len(text), len(wording.LANGUAGES)) if isinstance(text, list) else 1


def _declared(langs: tuple[str, ...], texts: list[str], medium: str) -> dict:
    """The warning as the C2PA assertion states it: one language and its text, or
    (in several) the list of languages and the list of their texts, in order."""
    if len(langs) == 1:
        return {"language": langs[0], "text": texts[0], "medium": medium}
    return {"language": list(langs), "text": list(texts), "medium": medium}


def label_file(source: Path, dest: Path, *, key: SigningKey, lang: str | Sequence[str] = "en", warning: bool = True,
               generator: str = "unknown AI system", action: str = "created", tsa_url: str | None = None,
               max_bytes: int = formats.DEFAULT_MAX_BYTES, signer=None) -> dict:
    """Label one file; returns what was done. Raises InputError for bad input.

    `lang` is the warning's language, or several (``"kk,ru"`` or a sequence):
    one warning then carries each language in turn (a banner with a row each,
    the spoken notice in each voice, a first paragraph with a part each)."""
    from senim.provenance import media, textmarks, xmp

    source, dest = Path(source), Path(dest)
    fmt = formats.check_file(source, max_bytes)
    if formats.format_of_name(dest) is None or formats.format_of_name(dest).name != fmt.name:
        raise InputError(f"{dest}: file name: the output must keep the {fmt.name} type of the input ({source.suffix})")
    if dest.exists() and dest.resolve() == source.resolve():
        raise InputError(f"{dest}: the output would overwrite the input; choose another path")
    langs = wording.languages(lang)
    act = wording.action(action)
    source_type = act["digital_source_type"]

    def texts_for(kind: str) -> list[str] | None:
        """The warning in each language; None without a warning."""
        if not warning:
            return None
        words = wording.spoken_text if kind == "audio" else wording.banner_text
        return [words(action, code) for code in langs]

    def shown(texts: list[str] | None):
        """The warning as the result names it: the text (in several languages, the list)."""
        return None if texts is None else texts[0] if len(texts) == 1 else texts

    def definition_for(texts: list[str] | None, medium: str) -> dict:
        return credentials.manifest_definition(
            action=act["c2pa_action"], digital_source_type=source_type, generator=generator, title=dest.name,
            warning=_declared(langs, texts, medium) if texts else None)

    warning_texts = texts_for(fmt.kind)
    warning_text = shown(warning_texts)

    definition = definition_for(warning_texts, fmt.kind)
    signer = signer or credentials.make_signer(key, tsa_url)
    marks = ["c2pa"]
    # An edit needs its input as the parent ingredient; so does a file that
    # already carries credentials from another tool, to keep its history.
    edited = action == "edited"
    result = {"path": str(source), "output": str(dest), "format": fmt.name, "action": action,
              "digital_source_type": source_type, "warning": warning_text, "sidecar": None}

    if fmt.kind == "image":
        data = source.read_bytes()
        xmp.check_structure(data, fmt.name, source)
        parent = (io.BytesIO(data), fmt.mime) if edited or credentials.has_manifest(fmt.mime, data) else None
        if warning_texts:
            data = _image_with_banner(data, fmt, source, warning_texts, rows=_declared_rows(source, fmt))
            marks.append("visible-banner")
        data = xmp.insert(data, fmt.name, source, source_type, generator)
        marks.append("xmp")
        with _temp_beside(dest) as tmp:
            with open(tmp, "wb") as out:
                credentials.sign(definition, signer, fmt.mime, io.BytesIO(data), out, name=str(source),
                                 parent=parent, edit=edited)
            _publish(tmp, dest)

    elif fmt.kind in ("video", "audio"):
        streams = {s.get("codec_type") for s in media.probe(source)["streams"]}
        if fmt.kind == "video" and "video" not in streams:
            # An MP4 with sound only: it gets the spoken notice, like other audio.
            warning_texts = texts_for("audio")
            definition = definition_for(warning_texts, "audio")
            result["warning"] = shown(warning_texts)
        with _temp_beside(dest, dest.suffix) as work, _temp_beside(dest) as tmp:
            if warning_texts and "video" in streams:
                rows = _declared_rows(source, fmt)
                media.video_banner(source, work, warning_texts, opaque=rows > 0, rows=rows)
                marks.append("visible-banner")
            elif warning_texts:
                seconds, unvoiced = media.audio_notice(source, work, warning_texts, langs, fmt.name)
                result["notice_seconds"] = round(seconds, 2)
                marks.append("spoken-notice" if len(unvoiced) < len(langs) else "warning-tone")
                if unvoiced:
                    where = "a warning tone was put before the audio" if len(unvoiced) == len(langs) else \
                        "a warning tone stands in its place in the notice"
                    result["notes"] = [f"no espeak-ng voice for {code!r} here: {where} and the sentence is kept "
                                       "in the C2PA manifest only" for code in unvoiced]
            else:
                shutil.copyfile(source, work)
            with open(source, "rb") as original:
                parent = (original, fmt.mime) if edited or credentials.has_manifest(fmt.mime, original) else None
                with open(work, "rb") as src, open(tmp, "wb") as out:
                    credentials.sign(definition, signer, fmt.mime, src, out, name=str(source),
                                     parent=parent, edit=edited)
            _publish(tmp, dest)

    else:  # text
        sidecar = dest.with_name(dest.name + SIDECAR_SUFFIX)
        label = textmarks.label_html if fmt.name == "HTML" else textmarks.label_markdown
        text = label(source.read_bytes(), str(source), warning=warning_text, lang=langs,
                     digital_source_type=source_type, generator=generator, sidecar_name=sidecar.name)
        marks += ["html-meta" if fmt.name == "HTML" else "front-matter"] + (["visible-text"] if warning_text else [])
        original = source.read_bytes()
        parent = (io.BytesIO(original), fmt.mime) if edited else None
        manifest = credentials.sign(definition, signer, fmt.mime, io.BytesIO(text), io.BytesIO(),
                                    name=str(source), sidecar=True, parent=parent, edit=edited)
        with _temp_beside(sidecar) as tmp_sidecar, _temp_beside(dest) as tmp:
            tmp_sidecar.write_bytes(manifest)
            tmp.write_bytes(text)
            _publish(tmp_sidecar, sidecar)
            _publish(tmp, dest)
        result["sidecar"] = str(sidecar)

    result["marks"] = marks
    return result


def label_tree(source: Path, dest: Path, **options) -> tuple[list[dict], list[str], list[str]]:
    """Label every supported file under `source` into the same place under `dest`.

    Returns (results, skipped paths, error sentences); one bad file does not
    stop the others, and never leaves a partial output.
    """
    source, dest = Path(source), Path(dest)
    if dest.resolve() == source.resolve() or source.resolve() in dest.resolve().parents:
        raise InputError(f"{dest}: the output folder must not be the input folder or inside it")
    options.setdefault("signer", credentials.make_signer(options["key"], options.get("tsa_url")))
    results, skipped, errors = [], [], []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source)
        if path.name.endswith(SIDECAR_SUFFIX) or formats.format_of_name(path) is None:
            skipped.append(str(relative))
            continue
        try:
            results.append(label_file(path, dest / relative, **options))
        except InputError as error:
            errors.append(str(error))
    return results, skipped, errors
