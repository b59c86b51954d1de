"""``p2ham cases migrate``: move running cases to another definition version, through the same
service as the admin page (workflow.services.case_migration)."""

from __future__ import annotations

import click

from .errors import P2hamError


def _runtime():
    from .cli import _runtime as runtime

    return runtime()


@click.group("cases")
def cases() -> None:
    """Kasus Unit Kerja dalam jumlah banyak: migrasi ke versi definisi lain."""


def _mapping(pairs) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip():
            raise click.BadParameter(f"'{pair}' harus berbentuk LAMA=BARU (BARU boleh kosong: tidak "
                                     "dipetakan)", param_hint="--map")
        mapping[old.strip()] = new.strip()
    return mapping


@cases.command("migrate")
@click.option("--to", "target", required=True, metavar="VERSI", help="Versi tujuan: nomor atau KUNCI@N, "
              "misalnya p2ham-2023@2.")
@click.option("--year", type=int, default=None, help="Semua kasus tahun ini yang masih berjalan.")
@click.option("--case", "case_ids", type=int, multiple=True, help="Nomor kasus (boleh berulang).")
@click.option("--map", "pairs", multiple=True, metavar="LAMA=BARU", help="Pemetaan tahap (boleh berulang); "
              "tahap yang sama namanya dipetakan otomatis.")
@click.option("--confirm-orphans", is_flag=True, help="Pindahkan juga kasus yang data dukungnya akan "
              "tertinggal karena indikatornya dihapus.")
@click.option("--dry-run", is_flag=True, help="Uji coba: tampilkan rencana tanpa mengubah apa pun.")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Jumlah kasus per batch (setiap kasus tetap dalam transaksinya sendiri).")
@click.option("--as", "username", default=None, help="Admin yang menjalankan (bawaan: sistem).")
def migrate(target, year, case_ids, pairs, confirm_orphans, dry_run, batch_size, username) -> None:
    """Pindahkan kasus yang berjalan ke versi definisi --to. Keluar dengan kode 1 bila ada kasus
    yang ditolak atau gagal."""
    from .cli import _actor_id
    from .services import case_migration as cm

    if year is None and not case_ids:
        raise click.UsageError("Pilih --year atau --case.")
    mapping = _mapping(pairs)
    rt = _runtime()
    args = {"year": year, "case_ids": list(case_ids) or None, "mapping": mapping,
            "confirm_orphans": confirm_orphans}
    try:
        actor = _actor_id(rt, username)
        version = cm.resolve_version(rt, target)
        plan = cm.dry_run(rt, actor, target_version_id=version, **args)
        if dry_run:
            _print_plan(plan)
            raise SystemExit(1 if plan.refused else 0)
        click.echo(f"Migrasi ke {plan.target}: {len(plan.rows)} kasus.")

        def progress(done, total):
            click.echo(f"Kemajuan: {done}/{total} kasus", err=True)

        report = cm.run(rt, actor, target_version_id=version, batch_size=batch_size, progress=progress,
                        **args)
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc
    _print_report(report)
    raise SystemExit(0 if report.ok else 1)


_HEAD = f"{'Kasus':>6}  {'Unit Kerja':<34} {'Dari':<36} {'Ke':<24} Status"


def _print_plan(plan) -> None:
    click.echo(f"Uji coba migrasi ke {plan.target} (tidak ada yang diubah)")
    click.echo(_HEAD)
    for r in plan.rows:
        start = f"{r.from_version} / {r.from_state}"
        click.echo(f"{r.case_id:>6}  {r.unit_name[:34]:<34} {start[:36]:<36} {(r.to_state or '-')[:24]:<24} "
                   f"{'SIAP' if r.ok else 'DITOLAK'}")
        if r.ok:
            click.echo(f"{'':8}Tugas: {r.tasks}")
            click.echo(f"{'':8}Tenggat: {r.timers}")
        for line in r.reasons:
            click.echo(f"{'':8}Alasan: {line}")
        for line in r.notes:
            click.echo(f"{'':8}Catatan: {line}")
    click.echo(f"Ringkasan: {plan.ready} siap, {plan.refused} ditolak, {plan.skipped} dilewati "
               "(sudah selesai atau sudah pada versi tujuan).")


def _print_report(report) -> None:
    from .services.case_migration import STATUS_LABELS

    click.echo(f"{'Kasus':>6}  {'Unit Kerja':<34} {'Dari':<24} {'Ke':<24} Hasil")
    for r in report.results:
        click.echo(f"{r.case_id:>6}  {r.unit_name[:34]:<34} {r.from_state[:24]:<24} "
                   f"{(r.to_state or '-')[:24]:<24} {STATUS_LABELS[r.status].upper()}")
        if r.message:
            click.echo(f"{'':8}{r.message}")
    counts = ", ".join(f"{report.count(s)} {label.lower()}" for s, label in STATUS_LABELS.items())
    click.echo(f"Ringkasan: {counts}; {report.skipped} dilewati.")


COMMANDS: list = [cases]  # added to the top-level `p2ham` group
