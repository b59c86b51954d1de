"""What a job needs in the worker process: the runtime (store, handlers, clock), the Redis
connection, the settings. Built once per process from the environment, or installed by a test
(an in-process worker then shares the test's runtime and its injected clock)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from redis import Redis

from ..config import Settings
from ..services.runtime import Runtime
from . import dispatch
from .connection import connect
from .settings import JobSettings


@dataclass
class JobContext:
    runtime: Runtime
    redis: Redis
    settings: JobSettings
    dispatcher: dispatch.Dispatcher


_current: JobContext | None = None


def use(runtime: Runtime, redis: Redis, settings: JobSettings) -> JobContext:
    """Install the context of this process (tests; ``p2ham worker``)."""
    global _current
    d = dispatch.install(runtime.store, lambda: redis, settings, runtime.now)
    _current = JobContext(runtime, redis, settings, d)
    return _current


def reset() -> None:
    global _current
    if _current is not None:
        dispatch.uninstall(_current.runtime.store)
    _current = None


def current() -> JobContext:
    if _current is None:
        settings = Settings.from_env()
        return use(Runtime.from_settings(settings), connect(settings.jobs), settings.jobs)
    return _current


def _after_fork_in_child() -> None:
    # A forked work horse must not share the parent's pooled database connections.
    if _current is not None:
        _current.runtime.store.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)
