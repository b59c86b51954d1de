"""A definition's YAML text copied to another evaluation year: ``id`` and ``title`` (where they name
the old year), ``year`` and every calendar date are rewritten in place, so comments and layout survive.
Pure: PyYAML's composer (for node positions) and ``workflow.errors``."""

from __future__ import annotations

import calendar as _calendar
import re

import yaml

from .errors import ValidationFailed

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def shift_date(written: str, years: int) -> str:
    """``2024-02-29 23:59`` moved by ``years`` (29 February becomes the 28th in a common year)."""
    m = _DATE.match(written)
    if not m:
        return written
    y, mo, day = int(m[1]) + years, int(m[2]), int(m[3])
    day = min(day, _calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else day
    return f"{y:04d}-{mo:02d}-{day:02d}" + written[m.end():]


def copy_to_year(text: str, year: int) -> str:
    """``text`` rewritten for ``year``: ``id`` and ``title`` (where they contain the old year), ``year``
    and every calendar date. Only those scalars are touched, so comments and layout survive."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValidationFailed("Teks versi ini tidak dapat dibaca sebagai YAML.", "Unreadable YAML.") from exc
    if not isinstance(root, yaml.MappingNode):
        return text
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    year_node = top.get("year")
    if not isinstance(year_node, yaml.ScalarNode) or not year_node.value.isdigit():
        return text
    old = int(year_node.value)
    edits = [(year_node, str(year))]
    for name in ("id", "title"):
        node = top.get(name)
        if isinstance(node, yaml.ScalarNode) and str(old) in node.value:
            edits.append((node, node.value.replace(str(old), str(year))))
    cal = top.get("calendar")
    if isinstance(cal, yaml.MappingNode):
        edits += [(v, shift_date(v.value, year - old))
                  for _, v in cal.value if isinstance(v, yaml.ScalarNode)]
    for node, new in sorted(edits, key=lambda e: e[0].start_mark.index, reverse=True):
        start, end = node.start_mark.index, node.end_mark.index
        text = text[:start] + text[start:end].replace(node.value, new, 1) + text[end:]
    return text
