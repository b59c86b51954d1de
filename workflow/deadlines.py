"""Deadline arithmetic: durations such as ``14d``, calendar dates in Asia/Jakarta, due times. Pure."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .spec import Definition, StateSpec

JAKARTA = ZoneInfo("Asia/Jakarta")
_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# YYYY-MM-DD, then optionally HH:MM, then optionally :SS[.fraction] and a zone (Z, +07:00, +7).
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{2}):(\d{2})"
    r"(?::(\d{2})(?:\.(\d+))?(?:[ \t]*(Z|[+-]\d{1,2}(?::?\d{2})?))?)?)?$")
_DATE_FORMAT = "format: YYYY-MM-DD, YYYY-MM-DD HH:MM atau YYYY-MM-DD HH:MM:SS"


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
    """A date/datetime, or its text as written in YAML, as an aware datetime in ``tz``; a bare date
    means 00:00 and a written zone (``Z``, ``+07:00``) is honoured. Raises ValueError with an
    Indonesian message naming the value, also for impossible dates such as 30 Februari."""
    if isinstance(value, datetime):
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    m = _DATETIME.match(str(value).strip())
    if not m:
        raise ValueError(f"tanggal '{value}' tidak dikenal ({_DATE_FORMAT})")
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups()[:6])
    fraction, zone = m.group(7), m.group(8)
    wrong = _out_of_range(y, mo, d, hh, mi, ss)
    if wrong:
        raise ValueError(f"tanggal '{value}' tidak dikenal: {wrong}")
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if zone is None:
        return datetime(y, mo, d, hh, mi, ss, micro, tzinfo=tz)
    offset = _zone_offset(zone)
    if offset is None:
        raise ValueError(f"tanggal '{value}' tidak dikenal: zona waktu '{zone}' di luar rentang")
    return datetime(y, mo, d, hh, mi, ss, micro, tzinfo=timezone(offset)).astimezone(tz)


def _out_of_range(y: int, mo: int, d: int, hh: int, mi: int, ss: int) -> str | None:
    if not 1900 <= y <= 2999:  # also keeps zone arithmetic far from datetime's limits
        return f"tahun {y} di luar rentang (1900 sampai 2999)"
    if not 1 <= mo <= 12:
        return f"bulan {mo} tidak ada (bulan 01 sampai 12)"
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        return f"{MONTHS_ID[mo - 1]} {y} hanya sampai tanggal {last}"
    if hh > 23:
        return f"jam {hh} tidak ada (jam 00 sampai 23)"
    if mi > 59:
        return f"menit {mi} tidak ada (menit 00 sampai 59)"
    if ss > 59:
        return f"detik {ss} tidak ada (detik 00 sampai 59)"
    return None


def _zone_offset(zone: str) -> timedelta | None:
    if zone == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


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
