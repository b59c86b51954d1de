"""Deadline arithmetic: durations such as ``14d``, calendar dates in Asia/Jakarta, due times. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .spec import Definition, StateSpec

JAKARTA = ZoneInfo("Asia/Jakarta")
_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def parse_duration(text: str) -> timedelta:
    """``'14d'`` -> 14 days; ``'36h'``, ``'90m'`` likewise. Raises ValueError with a message."""
    m = _DURATION.match(str(text))
    if not m:
        raise ValueError(f"durasi '{text}' tidak dikenal (contoh: 14d, 36h, 90m)")
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


def format_duration(td: timedelta) -> str:
    minutes = int(td.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def parse_local(value, tz: ZoneInfo = JAKARTA) -> datetime:
    """A YAML date/datetime/string as an aware datetime in ``tz``; a bare date means 00:00."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    m = _DATETIME.match(str(value).strip())
    if not m:
        raise ValueError(f"tanggal '{value}' tidak dikenal (format: YYYY-MM-DD atau YYYY-MM-DD HH:MM)")
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    return datetime(y, mo, d, hh, mi, ss, tzinfo=tz)


def due_at(definition: Definition, state: StateSpec, entered_at: datetime) -> datetime | None:
    """When the deadline of ``state`` falls for a case that entered it at ``entered_at``."""
    dl = state.deadline
    if dl is None:
        return None
    if dl.at is not None:
        return definition.date(dl.at)
    return entered_at + dl.after


MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)


def format_date_id(moment: datetime | date, with_time: bool = False) -> str:
    """'15 Agustus 2023' (and ' 23.59 WIB' when ``with_time``), in Asia/Jakarta."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(JAKARTA)
    text = f"{moment.day} {MONTHS_ID[moment.month - 1]} {moment.year}"
    if with_time and isinstance(moment, datetime):
        text += f" {moment:%H.%M} WIB"
    return text
