"""``p2ham definitions export-bpmn`` (from a file or a stored KEY@VERSION) and the pure-SVG fallback
of ``p2ham definitions diagram --svg`` when Graphviz is missing, on a scratch SQLite database."""

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from tests.conftest import DEFINITIONS
from workflow.cli import main

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@pytest.fixture
def runner(tmp_path):
    env = {"P2HAM_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "P2HAM_NOW": ""}
    return CliRunner(env=env)


def _tasks(xml: str) -> dict[str, str]:
    root = ET.fromstring(xml.encode("utf-8"))
    return {el.get("id"): el.get("name") for el in root.iter(BPMN + "userTask")}


def test_export_a_file_to_stdout_and_to_a_file(runner, tmp_path):
    f = str(DEFINITIONS / "p2ham-2024.yaml")
    shown = runner.invoke(main, ["definitions", "export-bpmn", f])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert _tasks(shown.stdout)["Task_evaluation_review"] == "Verifikasi Evaluasi"
    out = tmp_path / "p2ham-2024.bpmn"
    written = runner.invoke(main, ["definitions", "export-bpmn", f, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert f"BPMN ditulis ke {out}" in written.stderr
    assert out.read_text(encoding="utf-8") == shown.stdout


def test_export_a_stored_version(runner):
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    imported = runner.invoke(main, ["definitions", "import", str(DEFINITIONS / "p2ham-2023.yaml")])
    assert imported.exit_code == 0, imported.output
    stored = runner.invoke(main, ["definitions", "export-bpmn", "p2ham-2023@1"])
    assert stored.exit_code == 0, stored.output
    from_file = runner.invoke(main, ["definitions", "export-bpmn", str(DEFINITIONS / "p2ham-2023.yaml")])
    assert stored.stdout == from_file.stdout
    missing = runner.invoke(main, ["definitions", "export-bpmn", "p2ham-2023@7"])
    assert missing.exit_code == 1
    assert "Definisi 'p2ham-2023' versi 7 tidak ditemukan di basis data." in missing.output


@pytest.mark.parametrize("arg,message", [
    ("tidak-ada.yaml", "Berkas 'tidak-ada.yaml' tidak ditemukan (atau tulis KUNCI@VERSI"),
    ("p2ham-2023@satu", "'p2ham-2023@satu' bukan rujukan versi; tulis KUNCI@VERSI"),
    ("@3", "'@3' bukan rujukan versi"),
])
def test_bad_references_are_explained(runner, arg, message):
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["definitions", "export-bpmn", arg])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_an_invalid_file_lists_its_problems_and_writes_nothing(runner, tmp_path):
    text = (DEFINITIONS / "p2ham-2023.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("target: assessment,", "target: asessment,"), encoding="utf-8")
    out = tmp_path / "out.bpmn"
    result = runner.invoke(main, ["definitions", "export-bpmn", str(broken), "-o", str(out)])
    assert result.exit_code == 1
    assert "state tujuan tidak dikenal 'asessment'" in result.output
    assert not out.exists()


def test_unwritable_output_is_explained(runner, tmp_path):
    out = tmp_path / "no-such-dir" / "x.bpmn"
    result = runner.invoke(main, ["definitions", "export-bpmn", str(DEFINITIONS / "p2ham-2023.yaml"),
                                  "-o", str(out)])
    assert result.exit_code == 1
    assert f"Berkas '{out}' tidak dapat ditulis" in result.output


def test_diagram_svg_without_graphviz_uses_the_pure_layout(tmp_path):
    # An empty PATH: no 'dot' to be found, as on the machines that run `make run`.
    runner = CliRunner(env={"PATH": str(tmp_path)})
    out = tmp_path / "lc.svg"
    result = runner.invoke(main, ["definitions", "diagram", str(DEFINITIONS / "p2ham-2023.yaml"),
                                  "--svg", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("stateDiagram-v2")
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.get("role") == "img" and root.get("class") == "lifecycle-diagram"
    states = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-state")]
    assert len(states) == 10
