"""Kazakhstan keeps UTC+5 since 1 March 2024 (before: UTC+6 in Almaty): the
tz database here must say so, and Senim's own rule must agree with it."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def test_the_tz_database_gives_utc_plus_5_since_march_2024():
    almaty = ZoneInfo("Asia/Almaty")
    assert datetime(2024, 3, 1, 12, tzinfo=timezone.utc).astimezone(almaty).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 2, 28, 12, tzinfo=timezone.utc).astimezone(almaty).utcoffset() == timedelta(hours=6)


def test_senim_tells_times_in_kazakhstan_time_with_or_without_the_database(monkeypatch):
    from senim.i18n import formats

    moments = [datetime(2026, 11, 20, 5, 15, tzinfo=timezone.utc), datetime(2024, 2, 1, 5, 15, tzinfo=timezone.utc)]
    expected = ["2026-11-20T10:15:00+05:00", "2024-02-01T11:15:00+06:00"]
    assert [formats.kazakhstan_time(m).isoformat() for m in moments] == expected
    formats._zone.cache_clear()
    monkeypatch.setattr(formats, "ZONE", "No/Such_Zone")  # as on a machine without the 2024 change
    try:
        assert [formats.kazakhstan_time(m).isoformat() for m in moments] == expected
    finally:
        formats._zone.cache_clear()
