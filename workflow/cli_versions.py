"""``p2ham definitions versions | publish | diff``: definition versions from the command line, through
the same services as the admin pages (``workflow.services.definition_versions``)."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import DefinitionError, P2hamError


def _runtime():
    from .cli import _runtime as runtime

    return runtime()


def _actor(rt, username: str | None):
    from .cli import _actor_id

    try:
        return _actor_id(rt, username)
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc


@click.command("versions")
def versions_cmd() -> None:
    """Daftar versi definisi yang tersimpan, dengan jumlah kasus pada tiap versi."""
    from .defdiff import show_date
    from .services.definition_versions import list_version_rows

    rows = list_version_rows(_runtime())
    if not rows:
        click.echo("Belum ada versi definisi. Impor dengan 'p2ham definitions import BERKAS'.")
        return
    click.echo(f"{'NO':>4}  {'DEFINISI':<16} {'TAHUN':<5} {'VERSI':>5}  {'STATUS':<10} {'HASH':<12} "
               f"{'KASUS':>5}  {'DITERBITKAN (WIB)':<19} {'OLEH':<20} CATATAN")
    for r in rows:
        click.echo(f"{r.id:>4}  {r.key:<16} {r.year:<5} {r.version:>5}  {r.status:<10} {r.content_hash[:12]} "
                   f"{r.case_count:>5}  {show_date(r.created_at):<19} {(r.author or 'sistem')[:20]:<20} "
                   f"{r.note.splitlines()[0] if r.note else '-'}")


def _print_issues(file: str, exc: DefinitionError) -> None:
    for issue in exc.issues:
        click.echo(str(issue), err=True)
    click.echo(f"{file}: TIDAK VALID ({len(exc.issues)} kesalahan)", err=True)


@click.command("publish")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--note", required=True, help="Catatan perubahan (wajib).")
@click.option("--as", "username", default=None, help="Admin yang menerbitkan (bawaan: sistem).")
def publish_cmd(file, note, username) -> None:
    """Terbitkan berkas YAML sebagai versi berikutnya dari id definisinya."""
    from .services.definition_versions import publish_text

    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Berkas tidak dapat dibaca: {exc.strerror}") from exc
    rt = _runtime()
    try:
        row = publish_text(rt, _actor(rt, username), data, file, note)
    except DefinitionError as exc:
        _print_issues(file, exc)
        raise SystemExit(1) from exc
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{file}: diterbitkan sebagai {row.key} versi {row.version} (nomor {row.id}, hash "
               f"{row.content_hash[:12]})")


def _side(rt, ref: str) -> tuple[str, str]:
    """``(text, name)`` of a YAML path, ``KEY@VERSION`` or a version number."""
    from .services.definition_versions import find_version, get_version, parse_ref

    path = Path(ref)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), ref
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"Berkas '{ref}' tidak dapat dibaca sebagai teks UTF-8.") from exc
    named = parse_ref(ref)
    if not named and not ref.isdigit():
        raise click.ClickException(f"'{ref}' bukan berkas yang ada, bukan KUNCI@VERSI (misalnya "
                                   f"p2ham-2024@1), dan bukan nomor versi.")
    rt = rt or _runtime()
    try:
        v = find_version(rt, None, *named) if named else get_version(rt, None, int(ref))
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc
    return v.source_text, f"{v.key}@{v.version}"


@click.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--summary-only", is_flag=True, help="Hanya ringkasan perubahan.")
@click.option("--text-only", is_flag=True, help="Hanya perbedaan teks (unified diff).")
def diff_cmd(a, b, summary_only, text_only) -> None:
    """Bandingkan dua definisi: A dan B berupa berkas YAML, KUNCI@VERSI (p2ham-2024@1) atau nomor versi."""
    from . import defdiff
    from .cli import _registry
    from .loader import load_text

    if summary_only and text_only:
        raise click.UsageError("Pilih salah satu: --summary-only atau --text-only.")
    needs_db = any(not Path(r).is_file() for r in (a, b))
    rt = _runtime() if needs_db else None
    (old_text, old_name), (new_text, new_name) = _side(rt, a), _side(rt, b)
    if not text_only:
        parsed = []
        for text, name in ((old_text, old_name), (new_text, new_name)):
            try:
                parsed.append(load_text(text, name, _registry()))
            except DefinitionError as exc:
                click.echo(f"Ringkasan tidak tersedia: {name} tidak valid ({len(exc.issues)} kesalahan; "
                           f"periksa dengan 'p2ham definitions validate').")
                break
        else:
            click.echo(f"Perubahan dari {old_name} ke {new_name}:")
            for line in defdiff.diff(*parsed).summary():
                click.echo(f"  - {line}")
    if not summary_only:
        if not text_only:
            click.echo("")
        out = defdiff.text_diff(old_text, new_text, old_name, new_name)
        click.echo(out or "(teks sama persis)\n", nl=False)


COMMANDS: list = [versions_cmd, publish_cmd, diff_cmd]  # added to the `definitions` group
