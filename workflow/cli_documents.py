"""``p2ham documents``, ``p2ham accounts`` and ``p2ham results``: the same services as the web."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from .errors import P2hamError


def _runtime():
    from .cli import _runtime as runtime

    return runtime()


def _fail(exc: P2hamError):
    raise click.ClickException(exc.message) from exc


@click.group("documents")
def documents() -> None:
    """Dokumen resmi: terbitkan, verifikasi, terbitkan ulang."""


@documents.command("issue-pending")
@click.option("--limit", type=int, default=None, help="Paling banyak sekian pesan.")
def issue_pending(limit) -> None:
    """Proses pesan outbox 'account' dan 'document' yang tertunda (tanpa worker)."""
    from .services.documents import process_pending

    rows = process_pending(_runtime(), limit)
    for oid, name, outcome in rows:
        click.echo(f"  outbox #{oid} {name}: {outcome}")
    click.echo(f"{len(rows)} pesan diproses.")
    if any(o.startswith("GAGAL") for _, _, o in rows):
        raise SystemExit(1)


@documents.command("verify")
@click.argument("number")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def verify_cmd(number, file) -> None:
    """Periksa apakah FILE adalah dokumen asli bernomor NUMBER."""
    from .services.documents import verify

    result = verify(_runtime(), number, hashlib.sha256(Path(file).read_bytes()).hexdigest())
    click.echo(result.message)
    raise SystemExit(0 if result.valid else 1)


@documents.command("reissue")
@click.argument("document_id", type=int)
@click.option("--as", "username", default=None, help="Admin yang menerbitkan ulang (bawaan: sistem).")
def reissue_cmd(document_id, username) -> None:
    """Terbitkan versi baru dokumen DOCUMENT_ID; versi lama ditandai digantikan."""
    from .cli import _actor_id
    from .services.documents import reissue

    rt = _runtime()
    try:
        v = reissue(rt, _actor_id(rt, username), document_id)
    except P2hamError as exc:
        _fail(exc)
    click.echo(f"Diterbitkan ulang: {v.title} nomor {v.number} (versi {v.version}, #{v.id}).")


@documents.command("list")
@click.option("--case", "case_id", type=int, default=None)
def list_cmd(case_id) -> None:
    """Daftar dokumen yang diterbitkan."""
    from .services.documents import list_documents

    for d in list_documents(_runtime(), case_id):
        old = f" (digantikan oleh #{d.superseded_by})" if d.superseded_by else ""
        click.echo(f"#{d.id:<4} {d.number:<26} {d.title:<32} {d.unit_name} v{d.version} {d.short_code}{old}")


@documents.command("download")
@click.argument("document_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False))
def download_cmd(document_id, out) -> None:
    """Simpan PDF dokumen DOCUMENT_ID ke OUT."""
    from .services.documents import document_pdf

    try:
        view, data = document_pdf(_runtime(), None, document_id)
    except P2hamError as exc:
        _fail(exc)
    Path(out).write_bytes(data)
    click.echo(f"{view.number} ditulis ke {out} (sha256 {view.sha256}).")


@click.group("accounts")
def accounts() -> None:
    """Akun Operator Unit Kerja."""


@accounts.command("activate")
@click.argument("username")
@click.option("--code", required=True, help="Kode aktivasi dari Berita Acara.")
@click.password_option("--password", help="Kata sandi baru (ditanyakan bila tidak diberikan).")
def activate_cmd(username, code, password) -> None:
    """Aktifkan akun USERNAME dengan kode sekali pakai dan tetapkan kata sandi."""
    from .services.accounts import activate

    try:
        activate(_runtime(), username, code, password)
    except P2hamError as exc:
        _fail(exc)
    click.echo(f"Akun {username} aktif. Silakan masuk dengan kata sandi baru Anda.")


@click.group("results")
def results() -> None:
    """Hasil evaluasi dan penilaian per tahun dan wilayah."""


@results.command("export")
@click.option("--year", type=int, required=True)
@click.option("--region", default=None)
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), help="Tulis CSV ke berkas ini.")
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False), help="Tulis rekap PDF ke berkas ini.")
def export_cmd(year, region, csv_out, pdf_out) -> None:
    """Tabel hasil (CSV ke layar bila tanpa --csv/--pdf)."""
    from .services.results import recap_pdf, results_table, to_csv

    rt = _runtime()
    rows = results_table(rt, None, year, region)
    if csv_out:
        Path(csv_out).write_text(to_csv(rows), encoding="utf-8")
    if pdf_out:
        Path(pdf_out).write_bytes(recap_pdf(rt, rows, year, region))
    if not (csv_out or pdf_out):
        click.echo(to_csv(rows), nl=False)
    else:
        click.echo(f"{len(rows)} Unit Kerja diekspor.")


COMMANDS = (documents, accounts, results)
