"""The ``p2ham`` command line. Every command goes through the same services as the web."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click

from . import diagram as diagrams
from .config import ConfigError, Settings
from .errors import DefinitionError, P2hamError
from .loader import load_file


def _registry():
    from handlers import REGISTRY

    return REGISTRY


def _runtime():
    from .services import Runtime

    try:
        return Runtime.from_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _load(path: str):
    try:
        return load_file(path, _registry())
    except DefinitionError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise SystemExit(1) from exc
    except OSError as exc:
        raise click.ClickException(f"Berkas tidak dapat dibaca: {exc}") from exc


@click.group()
def main() -> None:
    """p2ham: mesin alur kerja evaluasi P2HAM (Pelayanan Publik Berbasis HAM)."""


# -- definitions ---------------------------------------------------------------------------------
@main.group()
def definitions() -> None:
    """Definisi alur kerja per tahun evaluasi (YAML)."""


@definitions.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_cmd(files) -> None:
    """Periksa satu atau beberapa berkas definisi; semua kesalahan dicantumkan sekaligus."""
    failed = 0
    for f in files:
        try:
            d = load_file(f, _registry())
        except DefinitionError as exc:
            failed += 1
            for issue in exc.issues:
                click.echo(str(issue), err=True)
            click.echo(f"{f}: TIDAK VALID ({len(exc.issues)} kesalahan)", err=True)
        except OSError as exc:
            failed += 1
            click.echo(f"{f}: berkas tidak dapat dibaca: {exc.strerror}", err=True)
        else:
            click.echo(f"{f}: valid ({d.id}, {len(d.states)} state, {len(d.transitions)} transisi, "
                       f"{len(d.catalogue)} kriteria, {len(d.indicators())} indikator, hash {d.short_hash})")
    sys.exit(1 if failed else 0)


@definitions.command("show")
@click.argument("file", type=click.Path(dir_okay=False))
def show_cmd(file) -> None:
    """Ringkasan definisi: state, transisi, kalender dan katalog indikator."""
    d = _load(file)
    click.echo(f"{d.title}\n{d.regulation}\nid {d.id}, tahun {d.year}, hash {d.short_hash}\n")
    click.echo("Kalender (WIB):")
    for key, when in d.calendar:
        click.echo(f"  {key:<24} {when:%Y-%m-%d %H:%M}")
    click.echo(f"\nState (awal: {d.initial}):")
    for s in d.states:
        extra = []
        if s.task:
            extra.append(f"tugas {s.task.role}")
        if s.deadline:
            when = s.deadline.at or f"+{s.deadline.after}"
            extra.append(f"tenggat {when} -> {s.deadline.fires}")
        if s.final:
            extra.append("final" + (f" ({s.outcome})" if s.outcome else ""))
        if s.documents:
            extra.append("dokumen " + ", ".join(s.documents))
        click.echo(f"  {s.id:<22} {s.label}" + (f"  [{'; '.join(extra)}]" if extra else ""))
    click.echo("\nTransisi:")
    for t in d.transitions:
        guards = f" jika {', '.join(t.guards)}" if t.guards else ""
        click.echo(f"  {t.source} --{t.event}--> {t.target}  ({', '.join(t.roles)}){guards}")
    click.echo("\nKatalog:")
    for c in d.catalogue:
        click.echo(f"  {c.id} {c.title} (bobot {c.weight:g}): {len(c.indicators)} indikator")
        for i in c.indicators:
            sets = " | ".join(", ".join(item.id for item in s.items) for s in i.evidence_sets)
            click.echo(f"    {i.id} {i.title}: {sets}")
    if d.evaluation_catalogue:
        click.echo(f"  Evaluasi: {len(d.evaluation_catalogue)} indikator")
    click.echo(f"\nAmbang kelulusan {d.scoring.pass_threshold:g}; predikat '{d.scoring.predicate}'")


@definitions.command("diagram")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--svg", "svg_out", type=click.Path(dir_okay=False),
              help="Tulis juga SVG (Graphviz bila terpasang, selain itu tata letak bawaan).")
@click.option("--dot", "as_dot", is_flag=True, help="Cetak teks Graphviz DOT, bukan Mermaid.")
def diagram_cmd(file, svg_out, as_dot) -> None:
    """Diagram siklus: teks Mermaid (bawaan) atau DOT, dan bila diminta SVG."""
    d = _load(file)
    click.echo(diagrams.dot(d) if as_dot else diagrams.mermaid(d))
    if svg_out:
        dot_bin = shutil.which("dot")
        if dot_bin:
            svg = subprocess.run([dot_bin, "-Tsvg"], input=diagrams.dot(d).encode(), capture_output=True,
                                 check=True).stdout
        else:  # no Graphviz: the pure-Python layout the editor page shows
            svg = __import__("workflow.lifecycle_svg").lifecycle_svg.render(d).encode("utf-8")
        Path(svg_out).write_bytes(svg)
        click.echo(f"SVG ditulis ke {svg_out}", err=True)


@definitions.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--note", default="", help="Catatan perubahan.")
def import_cmd(files, note) -> None:
    """Simpan definisi ke basis data sebagai versi terbit berikutnya."""
    from .services.definitions import import_definition

    rt = _runtime()
    for f in files:
        try:
            v = import_definition(rt, None, Path(f).read_text(encoding="utf-8"), f, note)
        except DefinitionError as exc:
            for issue in exc.issues:
                click.echo(str(issue), err=True)
            raise SystemExit(1) from exc
        state = "disimpan" if v.created else "sudah ada"
        click.echo(f"{f}: {v.key} versi {v.version} ({v.content_hash[:12]}) {state}")


# -- database and demo ---------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Basis data."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Jalankan migrasi sampai versi terbaru."""
    from .store.migrate import upgrade

    settings = Settings.from_env()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    click.echo(f"Basis data mutakhir ({settings.database_url.split('@')[-1]}).")


@main.command()
@click.option("--if-empty", is_flag=True, help="Lewati bila basis data sudah berisi data.")
def demo(if_empty) -> None:
    """Isi data contoh: Unit Kerja, pengguna dan kasus 2023 dan 2024."""
    from .demo import seed

    rt = _runtime()
    report = seed(rt, if_empty=if_empty, echo=click.echo)
    click.echo(report)


# -- cases ---------------------------------------------------------------------------------------
@main.group()
def case() -> None:
    """Kasus Unit Kerja."""


def _actor_id(rt, username: str | None):
    if username is None:
        return None
    from .services.authz import actor_by_username

    with rt.store.unit_of_work() as uow:
        return actor_by_username(uow.session, username).id


@case.command("fire")
@click.argument("case_id", type=int)
@click.argument("event")
@click.option("--as", "username", required=True, help="Nama pengguna yang bertindak.")
@click.option("--field", "fields", multiple=True, metavar="KUNCI=NILAI", help="Isian tambahan (boleh berulang).")
@click.option("--reason", "reasons", multiple=True, help="Alasan (boleh berulang), misalnya saat tidak lolos.")
@click.option("--scores", help="Nilai indikator sebagai JSON, misalnya '{\"K1.1\": \"ada\"}'.")
@click.option("--expect-version", type=int, help="Versi kasus yang Anda lihat (penguncian optimistis).")
def case_fire(case_id, event, username, fields, reasons, scores, expect_version) -> None:
    """Jalankan EVENT pada kasus CASE_ID sebagai pengguna --as."""
    from .services.cases import fire_event

    payload: dict = {}
    for f in fields:
        key, sep, value = f.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{f}' harus berbentuk KUNCI=NILAI", param_hint="--field")
        payload[key] = value
    if reasons:
        payload["reasons"] = list(reasons)
    if scores:
        try:
            payload["scores"] = json.loads(scores)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"bukan JSON yang sah: {exc}", param_hint="--scores") from exc
    rt = _runtime()
    try:
        view = fire_event(rt, _actor_id(rt, username), case_id, event, payload, expect_version)
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Kasus {view.id}: sekarang '{view.state_label}' ({view.state}), versi {view.version}"
               + (f", hasil akhir: {view.outcome}" if view.outcome else ""))


@case.command("show")
@click.argument("case_id", type=int)
@click.option("--as", "username", default=None, help="Lihat sebagai pengguna ini (bawaan: sistem).")
def case_show(case_id, username) -> None:
    """Tahap, aksi yang tersedia, tugas, tenggat dan riwayat satu kasus."""
    from .services.cases import case_status

    rt = _runtime()
    try:
        st = case_status(rt, _actor_id(rt, username), case_id)
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc
    c = st.case
    click.echo(f"Kasus {c.id}: {st.unit_name}, tahun {c.year}, definisi {st.definition}")
    click.echo(f"Tahap: {c.state_label} ({c.state}), versi {c.version}" + (f", hasil: {c.outcome}" if c.outcome else ""))
    click.echo("Aksi tersedia: " + (", ".join(f"{e} ({label})" for e, label in st.events) or "-"))
    for t in st.tasks:
        click.echo(f"  tugas #{t['id']} {t['title']} [{t['status']}] peran {t['role']} tenggat {t['due_at']}")
    for t in st.timers:
        click.echo(f"  tenggat #{t['id']} {t['event']} pada {t['due_at']} [{t['status']}]")
    click.echo("Riwayat:")
    for h in st.history:
        click.echo(f"  {h['at']:%Y-%m-%d %H:%M} {h['actor_role']:<11} {h['event']:<28} {h['from'] or '-'} -> {h['to']}")


@case.command("list")
@click.option("--year", type=int)
def case_list(year) -> None:
    """Daftar kasus dengan tahapnya."""
    from .services.monitoring import list_cases

    rt = _runtime()
    for row in list_cases(rt, None, year):
        click.echo(f"{row.id:>5}  {row.year}  {row.unit_name:<45} {row.state_label}")


# -- operations ----------------------------------------------------------------------------------
@main.command()
@click.option("-n", "cases", default=200, show_default=True, help="Jumlah kasus yang dijalankan.")
@click.option("--deadline-cases", default=0, help="Juga: tenggat kalender untuk N kasus oleh 1 dan 2 worker RQ.")
def bench(cases, deadline_cases) -> None:
    """Ukur transisi tersimpan per detik dibanding baseline SQL murni pada basis data yang sama."""
    from .bench import run

    run(Settings.from_env(), cases, echo=click.echo)
    __import__("workflow.bench").bench.document_rate(Settings.from_env(), echo=click.echo)
    if deadline_cases:
        __import__("workflow.bench").bench.deadline_rate(Settings.from_env(), deadline_cases, echo=click.echo)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port) -> None:
    """Jalankan aplikasi web (pengembangan). Produksi: gunicorn 'wsgi:app'."""
    from web import create_app

    app = create_app()
    click.echo(f"p2ham berjalan di http://{host}:{port}/  (Ctrl+C untuk berhenti)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


for _c in __import__("workflow.cli_jobs").cli_jobs.COMMANDS: main.add_command(_c)  # noqa: E701 (workers, jobs)

main.add_command(__import__("workflow.cli_evidence").cli_evidence.evidence)  # data dukung
for _c in __import__("workflow.cli_documents").cli_documents.COMMANDS: main.add_command(_c)  # noqa: E701
for _c in __import__("workflow.cli_bpmn").cli_bpmn.COMMANDS: definitions.add_command(_c)  # noqa: E701
for _c in __import__("workflow.cli_versions").cli_versions.COMMANDS: definitions.add_command(_c)  # noqa: E701
for _c in __import__("workflow.cli_migrate").cli_migrate.COMMANDS: main.add_command(_c)  # noqa: E701 (cases)


if __name__ == "__main__":  # pragma: no cover
    main()
