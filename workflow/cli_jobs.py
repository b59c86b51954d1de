"""``p2ham worker``, ``p2ham jobs status|retry-failed`` and ``p2ham smtp-sink``."""

from __future__ import annotations

import threading
import time

import click

from .config import ConfigError, Settings


def _settings() -> Settings:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _ticker(conn, interval: int, stop: threading.Event) -> None:
    """Ask for a sweep every ``interval`` seconds (deduplicated across workers by time bucket)."""
    from .jobs import queues

    while not stop.is_set():
        try:
            queues.sweep(conn, interval)
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: try again next tick
            click.echo(f"sweep tidak dapat dijadwalkan: {exc}", err=True)
        stop.wait(interval)


@click.command()
@click.option("--burst", is_flag=True, help="Kerjakan antrean yang ada lalu berhenti.")
@click.option("--simple", is_flag=True, help="Jalankan job di proses ini (tanpa fork per job).")
@click.option("--no-sweep", is_flag=True, help="Jangan menjadwalkan sweep berkala dari proses ini.")
@click.option("--name", default=None, help="Nama worker (bawaan: dari RQ).")
@click.option("--queues", "only", default=None, metavar="A,B", help="Hanya antrean ini (bawaan: semua).")
def worker(burst, simple, no_sweep, name, only) -> None:
    """Jalankan worker RQ dengan scheduler untuk antrean transitions, notifications dan documents."""
    from rq import SimpleWorker, Worker

    from .jobs import QUEUES
    from .jobs.connection import connect, url_of

    settings = _settings()
    conn = connect(settings.jobs)
    stop = threading.Event()
    if not no_sweep:
        if burst:
            from .jobs import queues

            queues.sweep(conn, settings.jobs.sweep_interval)
        else:
            threading.Thread(target=_ticker, args=(conn, settings.jobs.sweep_interval, stop), daemon=True).start()
    names = [q.strip() for q in only.split(",")] if only else list(QUEUES)
    if unknown := set(names) - set(QUEUES):
        raise click.BadParameter(f"antrean tidak dikenal: {', '.join(sorted(unknown))}", param_hint="--queues")
    cls = SimpleWorker if simple else Worker
    w = cls(names, connection=conn, name=name)
    click.echo(f"worker {w.name}: antrean {', '.join(names)} di {url_of(settings.jobs)}", err=True)
    try:
        w.work(burst=burst, with_scheduler=True, logging_level="WARNING" if burst else "INFO")
    finally:
        stop.set()


@click.group()
def jobs() -> None:
    """Antrean job: status dan pengulangan job yang gagal."""


def _context():
    from .jobs.connection import connect
    from .services import Runtime

    settings = _settings()
    return Runtime.from_settings(settings), connect(settings.jobs), settings


@jobs.command("status")
def jobs_status() -> None:
    """Antrean, job terjadwal dan gagal, tenggat jatuh tempo yang belum dijalankan, antrean outbox."""
    from .jobs.status import status

    rt, conn, _ = _context()
    st = status(rt, conn)
    click.echo(f"Worker aktif: {st.workers}")
    click.echo(f"{'antrean':<15}{'antre':>8}{'terjadwal':>11}{'berjalan':>10}{'gagal':>8}")
    for name, c in st.queues.items():
        click.echo(f"{name:<15}{c['queued']:>8}{c['scheduled']:>11}{c['started']:>10}{c['failed']:>8}")
    click.echo(f"Tenggat jatuh tempo belum dijalankan: {st.due_timers}")
    click.echo(f"Tenggat gagal: {len(st.failed_timers)}")
    for tid, cid, event, err in st.failed_timers:
        click.echo(f"  tenggat #{tid} kasus {cid} {event}: {err}")
    click.echo("Outbox belum selesai: " + (", ".join(f"{k}/{s}={n}" for (k, s), n in sorted(st.outbox.items()))
                                          or "tidak ada"))
    for q, jid, func, err in st.failed_jobs:
        click.echo(f"  job gagal {q}/{jid} {func}: {err[0] if err else ''}")


@jobs.command("retry-failed")
def jobs_retry_failed() -> None:
    """Ulangi job yang gagal, dan kembalikan tenggat serta notifikasi yang gagal ke antrean."""
    from .jobs.status import retry_failed

    rt, conn, settings = _context()
    r = retry_failed(rt, conn, settings.jobs.mail_retries)
    click.echo(f"Diulang: {r['jobs']} job, {r['timers']} tenggat, {r['notifications']} notifikasi.")


@click.command("smtp-sink")
@click.option("--host", default=None, help="Bawaan: SMTP_HOST.")
@click.option("--port", default=None, type=int, help="Bawaan: SMTP_PORT.")
def smtp_sink(host, port) -> None:
    """Server SMTP pengembangan: setiap surel disimpan sebagai berkas .eml di instance/mailbox/."""
    from .jobs.smtp_sink import controller

    settings = _settings().jobs
    c = controller(settings.mailbox_dir, host or settings.smtp_host, port or settings.smtp_port, click.echo)
    c.start()
    click.echo(f"SMTP sink di {c.hostname}:{c.port}; surel disimpan di {settings.mailbox_dir}", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


COMMANDS = (worker, jobs, smtp_sink)
