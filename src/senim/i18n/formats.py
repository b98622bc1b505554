"""Dates, times, numbers, money and units as a reader of kk, ru or en writes them.

Babel (CLDR) writes dates and numbers; it is imported only inside these
functions, so that a command that prints none pays nothing for it, and
without Babel installed the ISO forms are written instead.

Times are told in Kazakhstan's time: the whole country keeps UTC+5 since
1 March 2024 (Asia/Almaty and Asia/Qostanay moved from UTC+6). The tz
database of the machine gives that when it is from 2024a or later; when it
does not (an older or missing database), `kazakhstan_time` applies the
offsets itself: +05:00 from 2024-03-01T00:00 local time (2024-02-29T18:00Z),
+06:00 before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from senim.i18n import text

ZONE = "Asia/Almaty"
_SWITCH = datetime(2024, 2, 29, 18, 0, tzinfo=timezone.utc)  # 2024-03-01 00:00 at +06:00
_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}


@lru_cache(maxsize=1)
def _zone() -> Any:
    """Asia/Almaty from the tz database when it knows the 2024 change, else None."""
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(ZONE)
    except Exception:  # no tz database on this machine
        return None
    after = datetime(2024, 3, 2, 12, tzinfo=timezone.utc).astimezone(zone).utcoffset()
    return zone if after == timedelta(hours=5) else None


def kazakhstan_time(moment: datetime | str) -> datetime:
    """The moment in Kazakhstan's time (UTC+5 since 2024-03-01); naive moments are UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    zone = _zone()
    if zone is not None:
        return moment.astimezone(zone)
    hours = 5 if moment >= _SWITCH else 6
    return moment.astimezone(timezone(timedelta(hours=hours), f"UTC+{hours}"))


def _babel() -> Any:
    try:
        import babel.dates
        import babel.numbers

        return babel
    except ImportError:
        return None


def format_date(day: date | str, lang: str) -> str:
    """'1 December 2026', '1 декабря 2026 г.', '2026 ж. 1 желтоқсан'."""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    babel = _babel()
    if babel is None:
        return day.isoformat()
    return babel.dates.format_date(day, "long", locale=_LOCALES[lang])


def format_datetime(moment: datetime | str, lang: str) -> str:
    """The date and time in Kazakhstan's time with its offset: '20 ноября 2026 г., 10:15 (UTC+5)'."""
    local = kazakhstan_time(moment)
    offset = int(local.utcoffset().total_seconds() // 3600)
    clock = f"{local:%H:%M}"
    return text("formats.datetime", lang, date=format_date(local.date(), lang), time=clock, offset=f"{offset:+d}")


def format_number(value: float | int, lang: str, digits: int | None = None, fixed: bool = False) -> str:
    """A number with the reader's separators: 1 234,5 (kk, ru), 1,234.5 (en);
    `fixed` keeps every one of `digits` decimals (0,560), as table columns want."""
    if digits is not None:
        value = round(float(value), digits)
    babel = _babel()
    if babel is None:
        if digits is not None and fixed:
            return f"{value:.{digits}f}"
        return f"{value:,}".replace(",", "\u00a0") if isinstance(value, int) else f"{value:g}"
    places = ("0" if fixed else "#") * (digits or 0)
    pattern = None if digits is None else "#,##0" + ("." + places if digits else "")
    return babel.numbers.format_decimal(value, format=pattern, locale=_LOCALES[lang])


def format_money(amount: float | int, currency: str, lang: str) -> str:
    """'432 500 ₸', '35 000 000 €' (whole units: fines and sums people read)."""
    shown = format_number(round(amount), lang, 0)
    return text(f"formats.money.{currency}", lang, amount=shown)


def format_unit(value: float | int, unit: str, lang: str) -> str:
    """A quantity with its unit, in the plural form the number takes: '3 года', '7 months', '354 200 ₸'."""
    if unit in ("KZT", "EUR"):
        return format_money(value, unit, lang)
    count = int(value) if float(value).is_integer() else value
    shown = format_number(count, lang, None if isinstance(count, int) else 2)
    key = f"formats.unit.{unit}"
    from senim.i18n import has

    return text(key, lang, count=count, n=shown) if has(key) else f"{shown} {unit}"
