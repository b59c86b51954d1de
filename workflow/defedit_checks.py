"""The checks of what an admin enters in the structured forms of ``workflow.defedit``.

Each check returns the value as it will be written, or raises ``ValidationFailed`` with an
Indonesian message (and its English twin) naming the form field. Depends on ``workflow.errors``
and ``workflow.spec``. Pure.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ValidationFailed
from .spec import DEFAULT_FILE_TYPES

if TYPE_CHECKING:
    from .defedit import IndicatorInput

MAX_MB = 3
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def refuse(message: str, message_en: str, field: str | None = None) -> ValidationFailed:
    """The error for bad input; ``field`` names the form field it is shown beside."""
    return ValidationFailed(message, message_en, **({"fields": {field: message}} if field else {}))


def text(value, what: str, field: str, limit: int = 300) -> str:
    """Required text of at most ``limit`` characters, its runs of white space made single spaces."""
    value = " ".join(str(value or "").split())
    if not value:
        raise refuse(f"{what} wajib diisi.", f"{what} is required.", field)
    if len(value) > limit:
        raise refuse(f"{what} paling panjang {limit} karakter.", f"{what}: at most {limit} characters.",
                     field)
    return value


def ident(value, what: str, field: str) -> str:
    """An id: a letter or digit, then letters, digits, '.', '_' or '-', at most 80 characters."""
    value = str(value or "").strip()
    if not _ID.match(value):
        raise refuse(f"{what} '{value}' tidak sah: pakai huruf, angka, titik, '_' atau '-' (tanpa spasi), "
                     f"diawali huruf atau angka, paling panjang 80 karakter.",
                     f"{what} {value!r} is not a valid id.", field)
    return value


def number(value, what: str, field: str, low: float, high: float) -> str:
    """A number above ``low``, at most ``high`` (a decimal comma is read as a point), as written."""
    raw = str(value if value is not None else "").strip().replace(",", ".")
    try:
        parsed = float(raw)
    except ValueError:
        raise refuse(f"{what} harus berupa angka, bukan '{value}'.", f"{what} must be a number.",
                     field) from None
    if not low < parsed <= high:
        raise refuse(f"{what} harus lebih dari {low:g} dan paling besar {high:g}.",
                     f"{what} must be above {low:g} and at most {high:g}.", field)
    return plain_number(parsed)


def plain_number(number) -> str:
    """``3`` rather than ``3.0``; other numbers as Python writes them."""
    number = float(number)
    return str(int(number)) if number.is_integer() else repr(number)


def indicator(ind: IndicatorInput) -> None:
    """Refuses an indicator whose id, title or evidence the definition would not accept."""
    ident(ind.id, "Id indikator", "id")
    text(ind.title, "Judul indikator", "title")
    if not ind.sets:
        raise refuse("Isi paling sedikit satu data dukung.", "Enter at least one evidence item.", "evidence")
    labels: dict[str, str] = {}
    for s in ind.sets:
        seen = set()
        for item in s.items:
            ident(item.id, "Id data dukung", "evidence")
            text(item.label, f"Label data dukung '{item.id}'", "evidence")
            if item.id in seen:
                raise refuse(f"Data dukung '{item.id}' tertulis lebih dari sekali dalam satu set.",
                             f"Evidence {item.id!r} appears twice in one set.", "evidence")
            seen.add(item.id)
            if labels.setdefault(item.id, item.label) != item.label:
                raise refuse(f"Data dukung '{item.id}' muncul dengan label berbeda.",
                             f"Evidence {item.id!r} has two different labels.", "evidence")
            bad = [t for t in item.types if t not in DEFAULT_FILE_TYPES]
            if bad:
                raise refuse(f"Jenis berkas data dukung '{item.id}' tidak didukung: {', '.join(bad)} "
                             f"(yang didukung: {', '.join(DEFAULT_FILE_TYPES)}).",
                             f"File types not supported: {', '.join(bad)}.", "evidence")
            if item.max_mb is not None:
                number(item.max_mb, f"Ukuran maksimum data dukung '{item.id}' (MB)", "evidence", 0, MAX_MB)
