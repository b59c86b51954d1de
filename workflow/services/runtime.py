"""What every service needs: the store, the handler registry, the clock, and a cache of parsed
definitions by content hash (a definition version is immutable, so caching it is safe)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from ..config import Settings
from ..documents.settings import DocumentSettings
from ..files.blobs import BlobStore
from ..loader import load_text
from ..registry import Registry
from ..spec import Definition
from ..store import DefinitionVersion, Store


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Runtime:
    store: Store
    registry: Registry
    clock: Callable[[], datetime] = system_clock
    upload_dir: Path | None = None  # evidence blobs; None: P2HAM_UPLOAD_DIR or <instance>/uploads
    documents: DocumentSettings | None = None  # None: read from the environment when first needed
    _definitions: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Runtime":
        from handlers import REGISTRY  # the edge wires the project's handlers in

        settings = settings or Settings.from_env()
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
        clock = (lambda: settings.fixed_now) if settings.fixed_now else system_clock
        return cls(Store(settings.database_url), REGISTRY, clock, settings.upload_dir,
                   documents=settings.documents)

    def now(self) -> datetime:
        return self.clock()

    def blobs(self) -> BlobStore:
        """Where evidence files live (read from the settings when not given)."""
        if self.upload_dir is None:
            self.upload_dir = Settings.from_env().upload_dir
        return BlobStore(self.upload_dir)

    def definition(self, session, content_hash: str) -> Definition:
        """The parsed definition with this hash (from the cache, else from its stored text)."""
        d = self._definitions.get(content_hash)
        if d is None:
            # columns, not entities: ``session`` may be an ORM session or a bare connection
            text, name = session.execute(
                select(DefinitionVersion.source_text, DefinitionVersion.source_name)
                .where(DefinitionVersion.content_hash == content_hash)).one()
            d = load_text(text, name, self.registry)
            with self._lock:
                self._definitions[content_hash] = d
        return d

    def remember(self, d: Definition) -> None:
        with self._lock:
            self._definitions[d.content_hash] = d
