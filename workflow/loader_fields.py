"""Typed reading of a parsed definition, for the loader's section readers.

Each accessor returns the value, or records an issue (file, line, key path, Indonesian message)
and returns None, so that reading goes on and every mistake is found at once. The rule that keeps
the section readers short: **None means absent or already reported**. A value written empty
(``key:`` or ``key: ~``) is reported once, where it is read, and then reads as None. Pure.
"""

from __future__ import annotations

import math

from .errors import DefinitionIssue
from .spec import ROLES
from .yamlsrc import Path, Source, format_path

UNKNOWN_ROLE = "peran '{role}' tidak dikenal (yang dikenal: {allowed})"


class Reader:
    """Reads values out of ``src.data``; ``issues`` collects every problem.

    ``unread`` names the parts that could not be read whole (``"states"``, ``"transitions"``,
    ``"calendar"``, ...): the semantic checks that need such a part whole are skipped, so one
    mistake does not come back as a cascade of others."""

    def __init__(self, src: Source):
        self.src = src
        self.issues: list[DefinitionIssue] = []
        self.unread: set[str] = set()

    def err(self, path: Path, msg: str) -> None:
        path = tuple(path)
        self.issues.append(DefinitionIssue(self.src.name, self.src.line(path), format_path(path), msg))

    # -- containers ------------------------------------------------------------------------------
    def mapping(self, value, path: Path, keys: dict[str, bool], what: str = "pemetaan (key: value)"):
        """``value`` if it is a mapping with only ``keys`` (True = required), else None."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.err(path, f"harus berupa {what}, bukan {self.kind(value, path)}")
            return None
        for k in value:
            if k not in keys:
                self.err(path + (k,), f"kunci tidak dikenal '{k}' (yang dikenal: {', '.join(keys)})")
        for k, required in keys.items():
            if required and k not in value:
                self.err(path, f"kunci wajib '{k}' tidak ada")
        return value

    def entries(self, data: dict, path: Path):
        """``(key, value, path)`` of each entry; an empty value is reported and yielded as None."""
        for key, value in data.items():
            if value is None:
                self.empty(path + (key,))
            yield key, value, path + (key,)

    def elements(self, data: list, path: Path):
        """``(index, value, path)`` of each element; an empty one is reported and yielded as None."""
        for i, value in enumerate(data):
            if value is None:
                self.empty(path + (i,))
            yield i, value, path + (i,)

    def field(self, data: dict, key: str, path: Path):
        """``data[key]``; None when absent, or when written empty (reported)."""
        value = data.get(key)
        if value is None and key in data:
            self.empty(path + (key,))
        return value

    def empty(self, path: Path) -> None:
        """Report a None value, unless the YAML reader already said what is wrong with it."""
        if tuple(path) not in self.src.unusable:
            self.err(path, "tidak boleh kosong")

    def section(self, value, path: Path, what: str, kind: type, unread: str | None = None):
        """A non-empty mapping or list (``kind``), else None; ``unread`` is marked unless it is read."""
        if isinstance(value, kind) and value:
            return value
        if isinstance(value, kind):
            self.err(path, f"harus berupa {what} yang tidak kosong")
        elif value is not None:
            self.err(path, f"harus berupa {what} yang tidak kosong, bukan {self.kind(value, path)}")
        if unread:
            self.unread.add(unread)
        return None

    # -- scalars ---------------------------------------------------------------------------------
    def text(self, data: dict, key: str, path: Path, default=None, what: str = "teks") -> str | None:
        """A non-empty string. Anything else (also a number: ``1.10`` would read as 1.1) is an issue."""
        if key not in data:
            return default
        value = self.field(data, key, path)
        if value is None:
            return None
        if not isinstance(value, str):
            p = path + (key,)
            self.err(p, f"harus berupa {what} yang tidak kosong, bukan {self.kind(value, p)}")
            return None
        if not value.strip():
            self.err(path + (key,), f"harus berupa {what} yang tidak kosong")
            return None
        return value

    def name(self, data: dict, key: str, path: Path, default=None, what: str = "id") -> str | None:
        return self.text(data, key, path, default, what)

    def names(self, data: dict, key: str, path: Path, default=(), empty: str | None = None):
        """A name or a list of names, as a tuple; ``empty`` is the message when an empty list is wrong."""
        if key not in data:
            return default
        value = self.field(data, key, path)
        if value is None:
            return None
        p = path + (key,)
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            self.err(p, f"harus berupa nama atau daftar nama, bukan {self.kind(value, p)}")
            return None
        bad = next(((i, v) for i, v in enumerate(values) if not isinstance(v, str) or not v.strip()), None)
        if bad is not None:
            i, v = bad
            if p + (i,) in self.src.unusable:
                return None
            what = "teks kosong" if isinstance(v, str) else self.kind(v, p + (i,))
            self.err(p, f"harus berupa nama atau daftar nama; nama ke-{i + 1} adalah {what}")
            return None
        if not values and empty:
            self.err(p, empty)
            return None
        return tuple(values)

    def roles(self, data: dict, key: str, path: Path, default=(), empty: str | None = None,
              allowed: tuple[str, ...] = ROLES, unknown: str = UNKNOWN_ROLE):
        """Role names, each one of ``allowed``; None when any is not (so checks on roles are skipped).
        ``unknown`` is formatted with ``role`` and ``allowed``."""
        values = self.names(data, key, path, default, empty)
        if values is None:
            return None
        wrong = [r for r in values if r not in allowed]
        for r in wrong:
            self.err(path + (key,), unknown.format(role=r, allowed=", ".join(allowed)))
        return None if wrong else values

    def role(self, data: dict, key: str, path: Path) -> str | None:
        """One role name, or None when absent or not a known role."""
        value = self.text(data, key, path, what="peran")
        if value is not None and value not in ROLES:
            self.err(path + (key,), UNKNOWN_ROLE.format(role=value, allowed=", ".join(ROLES)))
            return None
        return value

    def number(self, data: dict, key: str, path: Path, default=None):
        """An int or float (not true/false, not .inf/.nan)."""
        if key not in data:
            return default
        value = self.field(data, key, path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            p = path + (key,)
            self.err(p, f"harus berupa angka, bukan {self.kind(value, p, quote=False)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.err(path + (key,), "harus berupa angka biasa, bukan .inf atau .nan")
            return None
        return value

    def boolean(self, data: dict, key: str, path: Path, default: bool) -> bool | None:
        if key not in data:
            return default
        value = self.field(data, key, path)
        if value is not None and not isinstance(value, bool):
            self.err(path + (key,), "harus true atau false")
            return None
        return value

    # -- helpers ---------------------------------------------------------------------------------
    def kind(self, value, path: Path, quote: bool = True) -> str:
        """What ``value`` is, in words, with a hint to quote a scalar YAML did not read as text."""
        written = self.src.written(path, value)
        hint = f"; tulis dengan tanda kutip bila maksudnya teks: '{written}'" if quote else ""
        if isinstance(value, bool):
            return f"nilai benar/salah ({written}){hint}"
        if isinstance(value, (int, float)):
            return f"angka {written}{hint}"
        if isinstance(value, str):
            return f"teks '{value}'"
        if isinstance(value, list):
            return "daftar"
        if isinstance(value, dict):
            return "pemetaan"
        return "nilai kosong" if value is None else type(value).__name__

    def unique(self, entries: list[tuple[str | None, Path]], what: str) -> None:
        """Report each id already seen earlier in ``entries`` (give them in file order)."""
        seen: set[str] = set()
        for ident, path in entries:
            if ident is None:
                continue
            if ident in seen:
                self.err(path, f"{what} '{ident}' tertulis lebih dari sekali")
            seen.add(ident)

    def in_file_order(self, entries: list[tuple[str | None, Path]]) -> list[tuple[str | None, Path]]:
        return sorted(entries, key=lambda e: self.src.line(e[1]) or 0)
