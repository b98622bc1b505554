"""What a breach costs, in the reader's words and numbers.

The rule pack's fine, as the law engine gives it for the owner's size
(`describe_fine`): Kazakh fines in MRP with their value in tenge on the
day, EU fines in euros or a share of turnover. Written here from the
figures, not from the engine's English text, so that every number is
written as the reader writes it (Babel) and the MRP has its local name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from senim.i18n import text
from senim.i18n.formats import format_money


@lru_cache(maxsize=1)
def _extras() -> dict[str, dict[str, str]]:
    from senim.law.pack import load_packs

    return {fine.id: fine.data.get("extra") or {} for pack in load_packs() for fine in pack.fines.values()}


def fine_words(fine: dict[str, Any], lang: str) -> str:
    """'large business: 100 MRP (432 500 ₸) the first time, 200 MRP (865 000 ₸) if repeated within a year.'"""
    parts = []
    if fine.get("amounts"):
        for size, a in fine["amounts"].items():
            money = {k: format_money(a[k], "KZT", lang) if a.get(k) is not None else "" for k in ("first_kzt", "repeat_kzt")}
            parts.append(text("core.fine.scale_for", lang, size=text(f"core.size.{size}", lang),
                              first=format_money(a["first"], a.get("unit", "MRP"), lang),
                              repeat=format_money(a["repeat"], a.get("unit", "MRP"), lang),
                              first_money=money["first_kzt"], repeat_money=money["repeat_kzt"]))
    elif fine.get("max_eur") is not None:
        parts.append(text("core.fine.eu", lang, amount=format_money(fine["max_eur"], "EUR", lang),
                          percent=fine.get("turnover_percent"),
                          whichever=text(f"core.fine.{fine.get('whichever', 'higher')}", lang)))
    else:
        return fine.get("text", "")
    extra = _extras().get(fine.get("id"), {}).get(lang)
    return " ".join(parts + ([extra] if extra else []))
