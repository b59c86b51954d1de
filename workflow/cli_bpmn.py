"""``p2ham definitions export-bpmn``: a definition's lifecycle as BPMN 2.0 XML, from a YAML file or
from a version stored in the database (``KEY@VERSION``)."""

from __future__ import annotations

from pathlib import Path

import click

from .bpmn import to_bpmn
from .errors import DefinitionError, P2hamError


def _definition(source: str):
    from .cli import _load, _runtime

    if Path(source).is_file():
        return _load(source)
    if "@" not in source:
        raise click.ClickException(f"Berkas '{source}' tidak ditemukan (atau tulis KUNCI@VERSI, misalnya "
                                   "p2ham-2024@1, untuk versi di basis data).")
    from .services.definition_export import stored_definition

    try:
        return stored_definition(_runtime(), None, source).definition
    except DefinitionError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise SystemExit(1) from exc
    except P2hamError as exc:
        raise click.ClickException(exc.message) from exc


@click.command("export-bpmn")
@click.argument("source", metavar="BERKAS|KUNCI@VERSI")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Tulis XML ke berkas ini (bawaan: layar).")
def export_bpmn(source, output) -> None:
    """Ekspor siklus definisi sebagai XML BPMN 2.0 (lajur per peran, gateway, timer, end event)."""
    xml = to_bpmn(_definition(source))
    if output is None:
        click.echo(xml, nl=False)
        return
    try:
        Path(output).write_text(xml, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Berkas '{output}' tidak dapat ditulis: {exc.strerror}") from exc
    click.echo(f"BPMN ditulis ke {output}", err=True)


COMMANDS: list = [export_bpmn]  # commands added to the `definitions` group
