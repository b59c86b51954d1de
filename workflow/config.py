"""Settings from the environment, read once at start; a malformed value fails loudly there.

Every variable is listed in the README. With none set, p2ham runs embedded: SQLite in the
instance folder (and, for the workers, an embedded Redis)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .deadlines import parse_local

if TYPE_CHECKING:
    from .documents.settings import DocumentSettings
    from .jobs.settings import JobSettings

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    definitions_dir: Path
    fixed_now: datetime | None
    secret_key: str
    jobs: "JobSettings | None" = None  # workers, Redis and mail (workflow/jobs/settings.py)
    upload_dir: Path | None = None  # evidence files, content-addressed (P2HAM_UPLOAD_DIR)
    documents: "DocumentSettings | None" = None  # signer, letterhead, numbering (workflow/documents/settings.py)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = os.environ if env is None else env
        instance = Path(env.get("P2HAM_INSTANCE_DIR") or ROOT / "instance").resolve()
        db = env.get("DATABASE_URL") or f"sqlite:///{instance / 'p2ham.sqlite3'}"
        if db.startswith("postgres://"):
            db = "postgresql+psycopg://" + db[len("postgres://"):]
        elif db.startswith("postgresql://"):
            db = "postgresql+psycopg://" + db[len("postgresql://"):]
        if not (db.startswith("sqlite") or db.startswith("postgresql")):
            raise ConfigError(f"DATABASE_URL harus sqlite:/// atau postgresql://, bukan {db.split(':')[0]!r}")
        fixed = env.get("P2HAM_NOW")
        try:
            fixed_now = parse_local(fixed) if fixed else None
        except ValueError as exc:
            raise ConfigError(f"P2HAM_NOW tidak sah: {exc}") from exc
        return cls(
            instance_dir=instance,
            database_url=db,
            definitions_dir=Path(env.get("P2HAM_DEFINITIONS_DIR") or ROOT / "definitions"),
            fixed_now=fixed_now,
            secret_key=env.get("SECRET_KEY") or "dev-only-not-secret",
            jobs=_job_settings(env, instance),
            upload_dir=Path(env.get("P2HAM_UPLOAD_DIR") or instance / "uploads").resolve(),
            documents=_document_settings(env),
        )


def _job_settings(env, instance: Path):
    from .jobs.settings import JobSettings

    try:
        return JobSettings.from_env(env, instance)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _document_settings(env):
    from .documents.settings import DocumentSettings

    try:
        return DocumentSettings.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
