"""Pages: Jinja2 templates (autoescaped), the reader's language, and dates,
numbers and tenge written the way the reader's language writes them (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from senim.i18n import LANGUAGES, text

BABEL_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}


def lang_of(request: Request) -> str:
    """From the URL (?lang=), then the switch (a cookie), then Accept-Language."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = request.cookies.get("senim_lang")
    if chosen in LANGUAGES:
        return chosen
    return accept_language(request.headers.get("accept-language", ""))


def accept_language(header: str) -> str:
    best, weight = "en", 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and q > weight:
            best, weight = code, q
    return best


def _when(value: Any, lang: str, with_time: bool = True) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, (str, int, float)):  # what the registry stores: the same text each time it is shown
        return _when_stored(value, lang, with_time)
    return _written(value, lang, with_time)


@lru_cache(maxsize=8192)
def _when_stored(value: str | int | float, lang: str, with_time: bool) -> str:
    return _written(value, lang, with_time)


def _written(value: Any, lang: str, with_time: bool) -> str:
    from babel.dates import format_date, format_datetime

    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value).astimezone()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value
    locale = _locale(lang)
    if isinstance(value, datetime) and with_time:
        from zoneinfo import ZoneInfo

        return format_datetime(value.astimezone(ZoneInfo("Asia/Almaty")), "medium", locale=locale)
    return format_date(value if isinstance(value, date) else value.date(), "long", locale=locale)


def _other(key: str, lang: str, fallback: str) -> str:
    """A word from another area's catalog (incident kinds, statuses, risk levels)."""
    try:
        return text(key, lang)
    except (KeyError, FileNotFoundError):
        return fallback


def _pick(words: Any, lang: str) -> str:
    if isinstance(words, dict):
        return words.get(lang) or words.get("en") or ""
    return words or ""


@lru_cache(maxsize=None)
def _locale(lang: str):
    """Babel's locale of `lang`, parsed once (parsing its name costs more than writing a number)."""
    from babel import Locale

    return Locale.parse(BABEL_LOCALES[lang])


def _number(value: Any, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang)) if isinstance(value, (int, float)) else str(value)


def _tenge(value: Any, lang: str) -> str:
    from babel.numbers import format_currency

    return format_currency(value, "KZT", locale=_locale(lang))


@lru_cache(maxsize=1)
def law_titles() -> dict[str, Any]:
    """Each rule's and obligation's title in kk/ru/en, by id (from the packs)."""
    from senim.law.pack import load_packs

    found: dict[str, Any] = {}
    for pack in load_packs():
        for rule in [*pack.rules, *pack.obligations]:
            found[rule.id] = rule.title
    return found


def title_of(rule_id: Any, fallback: Any, lang: str) -> Any:
    """A rule's or obligation's title in `lang` (from the packs), else `fallback` (the template's `title_of`)."""
    return _pick(law_titles().get(rule_id), lang) or fallback


def citation_of(ref: Any, lang: str) -> str:
    """A citation as `lang` writes it (the template's `cite`)."""
    return _cite(ref, lang)


def _cite(ref: Any, lang: str) -> str:
    from senim.report.classification import citation

    try:
        return citation(ref, lang) if ref else "—"
    except Exception:  # noqa: BLE001 - an unusual citation is shown as written
        return str(ref)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    from pathlib import Path

    found = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    env = found.env
    env.autoescape = True  # every template, whatever its name
    env.trim_blocks = env.lstrip_blocks = True
    env.auto_reload = False  # the templates are the installed package's: no stat of each file at every page
    return found


def page(request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200,
         headers: dict | None = None):
    lang = lang_of(request)
    signed = getattr(request.state, "signed", None)
    values = {
        "lang": lang,
        "languages": LANGUAGES,
        "signed": signed,
        "t": lambda key, **kw: text(f"web.{key}", lang, **kw),
        "tx": lambda key, fallback="—": _other(key, lang, fallback),
        "when": lambda v, with_time=True: _when(v, lang, with_time),
        "number": lambda v: _number(v, lang),
        "tenge": lambda v: _tenge(v, lang),
        "pick": lambda words: _pick(words, lang),
        "title_of": lambda rule_id, fallback="": title_of(rule_id, fallback, lang),
        "cite": lambda ref: _cite(ref, lang),
        "path": request.url.path,
        "query": request.url.query,
        **(context or {}),
    }
    response = templates().TemplateResponse(request, name, values, status_code=status, headers=headers)
    response.headers["content-language"] = lang
    response.headers["cache-control"] = "no-store"
    return response
