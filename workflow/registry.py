"""Handler registry: the names a definition may use for guards, actions, documents and
notifications, mapped to plain callables. The core only needs the names (for validation) and
calls guards/actions with a ``FiringContext``; ``handlers/`` fills a registry. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

KINDS = ("guard", "action", "document", "notification")
KIND_LABELS = {"guard": "guard", "action": "aksi", "document": "dokumen", "notification": "notifikasi"}


@dataclass
class Registry:
    """Named handlers by kind. ``register`` is usable as a decorator."""

    handlers: dict = field(default_factory=lambda: {k: {} for k in KINDS})

    def register(self, kind: str, name: str | None = None) -> Callable:
        if kind not in KINDS:
            raise ValueError(f"unknown handler kind {kind!r}")

        def deco(fn: Callable) -> Callable:
            key = name or fn.__name__
            if key in self.handlers[kind]:
                raise ValueError(f"{kind} handler {key!r} registered twice")
            self.handlers[kind][key] = fn
            return fn

        return deco

    def has(self, kind: str, name: str) -> bool:
        return name in self.handlers[kind]

    def get(self, kind: str, name: str) -> Callable:
        return self.handlers[kind][name]

    def names(self, kind: str) -> list[str]:
        return sorted(self.handlers[kind])
