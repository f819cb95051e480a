"""Timestamps of the JSON list pages written from PostgreSQL's text (issue #12).

DRF's ``DateTimeField`` writes a timestamp as
``value.astimezone(zone).isoformat()`` (``Z`` for ``+00:00``). Read as a
``datetime`` and written that way, a timestamp cost ~5 µs on the list's
path, a quarter of a row: Django's time-zone loader (a Python call per
value), the conversion and ``isoformat``. PostgreSQL writes the timestamp as
text anyway (``2026-11-27 10:11:12.5+00``, the session's zone being UTC), so
the list reads that text (``read_tuples(…, as_text=True)``)
and rewrites it:

* the zone's offset is worked out once per UTC day and kept
  (:class:`_Days`), for days on which it does not change (not a daylight
  saving day) and is whole minutes (not a local mean time of old);
* the local clock time is the UTC one plus that offset (a table of the day's
  1,440 minutes), its date the day's or the one before or after;
* seconds and fractions are copied, the fraction padded to six digits as
  ``isoformat`` writes it (PostgreSQL drops trailing zeros).

Anything else — a day the zone changes offset, an offset in seconds, text
not in that form (another session zone or date style, a year past 9999) —
is parsed and written by the field's own rule (:func:`timestamp_writer`'s
``slow``), so every value is written exactly as the serializer writes it.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from rest_framework import serializers

from interactions.api.entries.lean import timestamp_converter, timestamp_zone

#: "HH:MM" → minute of the day, and back.
_MINUTE_OF = {f"{m // 60:02d}:{m % 60:02d}": m for m in range(1440)}
_CLOCK = tuple(_MINUTE_OF)
#: UTC days remembered per zone (a decade of entries).
_DAYS_KEPT = 4096


class _Day(NamedTuple):
    """How a UTC day's timestamps are written in a zone, after a prefix."""

    offset: int  # minutes east of UTC, the whole day
    before: str  # prefix + '"YYYY-MM-DDT' of the local day before the UTC day
    same: str  # … of the same date
    after: str  # … of the day after
    suffix: str  # '+01:00"' or 'Z"'


class _Days(dict[str, _Day | None]):
    """UTC day (``YYYY-MM-DD``) → :class:`_Day` in ``zone``, or None when its
    timestamps are written by the slow path."""

    def __init__(self, zone: dt.tzinfo, prefix: str):
        super().__init__()
        self.zone = zone
        self.prefix = prefix

    def __missing__(self, day: str) -> _Day | None:
        try:
            date = dt.date.fromisoformat(day)
            start = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
            end = start + dt.timedelta(days=1, microseconds=-1)
            first, last = start.astimezone(self.zone), end.astimezone(self.zone)
            dates = [date + dt.timedelta(days=shift) for shift in (-1, 0, 1)]
        except (ValueError, OverflowError):
            return None  # not a day (not remembered), or at the calendar's end
        offset = first.utcoffset()
        answer = None
        # The same offset all day, in whole minutes.
        if (
            offset is not None
            and offset == last.utcoffset()
            and not offset.seconds % 60
        ):
            iso = first.isoformat()
            suffix = "Z" if iso.endswith("+00:00") else iso[-6:]
            before, same, after = (f'{self.prefix}"{d.isoformat()}T' for d in dates)
            answer = _Day(
                offset // dt.timedelta(minutes=1), before, same, after, suffix + '"'
            )
        if len(self) < _DAYS_KEPT:
            self[day] = answer
        return answer


_ZONES: dict[tuple[Any, str], _Days] = {}


def _days(zone: dt.tzinfo, prefix: str) -> _Days:
    """The days of ``zone`` written after ``prefix``, kept across pages."""
    key = (getattr(zone, "key", None) or zone, prefix)
    days = _ZONES.get(key)
    if days is None or days.zone != zone:
        days = _ZONES[key] = _Days(zone, prefix)
    return days


def _parse(text: str) -> dt.datetime:
    """PostgreSQL's text of a ``timestamptz`` (ISO date style) as a datetime."""
    return dt.datetime.fromisoformat(text)


def timestamp_writer(
    field: serializers.DateTimeField, encode: Callable[[Any], str], prefix: str = ""
) -> Callable[[Any], str]:
    """Writes a timestamp column's value — PostgreSQL's text
    (``read_tuples(…, as_text=True)``), a ``datetime`` (SQLite) or
    None — as ``prefix`` and the JSON of ``field``'s representation in the
    current zone."""
    convert = timestamp_converter(field)

    def slow(value: Any) -> str:
        if value is None:
            return prefix + "null"
        if type(value) is str:
            value = _parse(value)
        return prefix + encode(convert(value))

    zone = timestamp_zone(field)
    if zone is None:
        return slow
    days, minute_of, clock = _days(zone, prefix), _MINUTE_OF, _CLOCK

    def write(value: Any) -> str:
        # "YYYY-MM-DD HH:MM:SS[.f]+00"; a day or clock time not in that form
        # is not found (a five-digit year, "+01" …).
        if type(value) is not str or value[-3:] != "+00":
            return slow(value)
        day = days[value[:10]]
        minute = minute_of.get(value[11:16])
        if day is None or minute is None:
            return slow(value)
        seconds = value[16:-3]  # ":SS" or ":SS.f…" (1 to 6 digits)
        if len(seconds) != 10 and len(seconds) != 3:
            if len(seconds) > 10 or seconds[3:4] != ".":
                return slow(value)
            seconds = seconds.ljust(10, "0")
        offset, before, same, after, suffix = day
        minute += offset
        if minute < 0:
            return f"{before}{clock[minute + 1440]}{seconds}{suffix}"
        if minute >= 1440:
            return f"{after}{clock[minute - 1440]}{seconds}{suffix}"
        return f"{same}{clock[minute]}{seconds}{suffix}"

    return write
