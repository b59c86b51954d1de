"""``p2ham evidence``: data dukung from the command line, through the same services as the web."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .deadlines import parse_local
from .errors import P2hamError


def _rt_and_actor(username: str | None):
    from .cli import _runtime
    from .services.authz import actor_by_username

    rt = _runtime()
    if username is None:
        return rt, None
    try:
        with rt.store.unit_of_work() as uow:
            return rt, actor_by_username(uow.session, username).id
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc


def _run(call):
    try:
        return call()
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc


@click.group("evidence")
def evidence() -> None:
    """Data dukung: unggah, kirim, verifikasi, perpanjangan masa input, kelengkapan."""


_as = click.option("--as", "username", required=True, help="Nama pengguna yang bertindak.")
_case = click.option("--case", "case_id", required=True, type=int, help="Nomor kasus.")


@evidence.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_case
@click.option("--indicator", required=True, help="Id indikator, misalnya K1.3.")
@click.option("--item", required=True, help="Id data dukung, misalnya foto_toilet_disabilitas.")
@_as
def upload_cmd(file, case_id, indicator, item, username) -> None:
    """Unggah FILE sebagai data dukung (unggahan ulang menyimpan versi baru)."""
    from .services.evidence import upload_evidence

    rt, actor = _rt_and_actor(username)
    path = Path(file)
    with path.open("rb") as fh:
        data = fh.read(16 * 1024 * 1024 + 1)  # far above any allowed size; the service says how far
    st = _run(lambda: upload_evidence(rt, actor, case_id, indicator, item, path.name, data))
    click.echo(f"{st.indicator_id}/{st.item_id}: versi {st.version} tersimpan (status {st.status}).")


@evidence.command("list")
@_case
@_as
def list_cmd(case_id, username) -> None:
    """Daftar data dukung kasus, dengan versi dan riwayat keputusan."""
    from .services.evidence_reads import list_evidence

    rt, actor = _rt_and_actor(username)
    for i in _run(lambda: list_evidence(rt, actor, case_id)):
        click.echo(f"{i.indicator_id:<8} {i.item_id:<36} v{i.version}  {i.status_label}")
        for h in i.history:
            if h.note:
                click.echo(f"{'':<10}{h.at:%Y-%m-%d %H:%M} {h.actor}: {h.action}: {h.note}")


@evidence.command("download")
@_case
@click.option("--indicator", required=True)
@click.option("--item", required=True)
@click.option("--version", type=int, default=None, help="Nomor versi (bawaan: terbaru).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Berkas tujuan.")
@_as
def download_cmd(case_id, indicator, item, version, output, username) -> None:
    """Unduh satu versi data dukung ke berkas --output."""
    from .services.evidence_reads import download_evidence

    rt, actor = _rt_and_actor(username)
    got = _run(lambda: download_evidence(rt, actor, case_id, indicator, item, version))
    Path(output).write_bytes(got.data)
    click.echo(f"{got.filename} (versi {got.version}, {len(got.data)} bita) ditulis ke {output}")


@evidence.command("submit")
@_case
@click.argument("indicators", nargs=-1, required=True)
@_as
def submit_cmd(case_id, indicators, username) -> None:
    """Kirim data dukung berstatus draf pada INDICATORS untuk diverifikasi."""
    from .services.evidence import submit_indicators

    rt, actor = _rt_and_actor(username)
    sent = _run(lambda: submit_indicators(rt, actor, case_id, list(indicators)))
    click.echo(f"{len(sent)} data dukung dikirim: " + ", ".join(f"{s.indicator_id}/{s.item_id}" for s in sent))


@evidence.command("decide")
@_case
@click.option("--indicator", required=True)
@click.option("--item", required=True)
@click.argument("decision", type=click.Choice(["memenuhi", "perlu_perbaikan", "tidak_memenuhi"]))
@click.option("--note", default="", help="Catatan (wajib untuk perlu_perbaikan dan tidak_memenuhi).")
@_as
def decide_cmd(case_id, indicator, item, decision, note, username) -> None:
    """Putuskan satu data dukung yang sudah dikirim."""
    from .services.evidence import decide_item

    rt, actor = _rt_and_actor(username)
    st = _run(lambda: decide_item(rt, actor, case_id, indicator, item, decision, note))
    click.echo(f"{st.indicator_id}/{st.item_id} versi {st.version}: {st.status}")


@evidence.command("claim")
@_case
@_as
def claim_cmd(case_id, username) -> None:
    """Ambil verifikasi data dukung kasus dari pool (Verifikator)."""
    from .services.evidence import claim_verification

    rt, actor = _rt_and_actor(username)
    _run(lambda: claim_verification(rt, actor, case_id))
    click.echo(f"Verifikasi kasus {case_id} kini ditangani {username}.")


@evidence.command("extend")
@click.option("--year", required=True, type=int)
@click.option("--state", required=True, help="Tahap yang masa inputnya diperpanjang, misalnya evidence_input.")
@click.option("--until", "until", required=True, help="Penutupan baru (WIB), misalnya '2023-10-20 23:59:59'.")
@click.option("--reason", required=True, help="Alasan perpanjangan (dicatat).")
@click.option("--unit", "unit_code", default=None, help="Kode Unit Kerja; tanpa ini berlaku untuk semua.")
@_as
def extend_cmd(year, state, until, reason, unit_code, username) -> None:
    """Perpanjang masa input data dukung untuk satu Unit Kerja atau semua (Admin)."""
    from sqlalchemy import select

    from .services.evidence_windows import extend_window
    from .store import Unit

    rt, actor = _rt_and_actor(username)
    try:
        closes: datetime = parse_local(until)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from exc
    unit_id = None
    if unit_code:
        with rt.store.unit_of_work() as uow:
            unit_id = uow.session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"Unit Kerja '{unit_code}' tidak ditemukan.")
    v = _run(lambda: extend_window(rt, actor, year, state, closes, reason, unit_id))
    click.echo(f"Masa input '{state}' {year} diperpanjang hingga {closes:%Y-%m-%d %H:%M:%S} WIB untuk "
               f"{unit_code or 'semua Unit Kerja'}: {v.cases} kasus, {v.timers_moved} tenggat digeser.")


@evidence.command("completeness")
@_case
@click.option("--section", type=click.Choice(["catalogue", "evaluation"]), default=None)
@_as
def completeness_cmd(case_id, section, username) -> None:
    """Kelengkapan data dukung per indikator, per kriteria dan per kasus."""
    from .services.evidence_reads import evidence_completeness

    rt, actor = _rt_and_actor(username)
    c = _run(lambda: evidence_completeness(rt, actor, case_id, section))
    for g in c.groups:
        click.echo(f"{g.id} {g.title}: {g.percent:g}% lengkap, {g.verified_percent:g}% terverifikasi")
        for i in g.indicators:
            mark = "lengkap (" + i.complete_set + ")" if i.complete else "belum lengkap"
            click.echo(f"    {i.id:<8} {mark}")
    closed = " (masa input sudah ditutup: draf dihitung tidak ada)" if c.closed else ""
    click.echo(f"Kasus: {c.percent:g}% lengkap, {c.verified_percent:g}% terverifikasi{closed}")
