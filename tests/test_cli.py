"""The ``p2ham`` command line, end to end on a scratch SQLite database."""

import pytest
from click.testing import CliRunner

from tests.conftest import DEFINITIONS
from workflow.cli import main


@pytest.fixture
def runner(tmp_path):
    env = {"P2HAM_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "P2HAM_NOW": ""}
    return CliRunner(env=env)


def test_validate_shipped_definitions_exits_0(runner):
    result = runner.invoke(main, ["definitions", "validate", str(DEFINITIONS / "p2ham-2023.yaml"),
                                  str(DEFINITIONS / "p2ham-2024.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.count(": valid (") == 2


def test_validate_lists_all_three_injected_mistakes(runner, tmp_path):
    text = (DEFINITIONS / "p2ham-2023.yaml").read_text(encoding="utf-8")
    broken = (text.replace("source: final_verification, target: assessment,",
                           "source: final_verification, target: asessment,")
              .replace("guards: [declaration_window_open]", "guards: [declaration_window_opn]")
              .replace("weight: 15\n", "weight: 16\n", 1))
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    result = runner.invoke(main, ["definitions", "validate", str(path)])
    assert result.exit_code == 1
    assert "target: state tujuan tidak dikenal 'asessment'" in result.output
    assert "jumlah bobot kriteria harus 100, sekarang 101" in result.output
    assert "guard tidak terdaftar 'declaration_window_opn'" in result.output
    assert f"{path}: TIDAK VALID" in result.output


def test_show_and_diagram(runner):
    f = str(DEFINITIONS / "p2ham-2024.yaml")
    shown = runner.invoke(main, ["definitions", "show", f])
    assert shown.exit_code == 0 and "Permenkumham" not in shown.output.split("\n")[0]
    assert "C.3 Petugas yang mampu berbahasa isyarat" in shown.output
    diagram = runner.invoke(main, ["definitions", "diagram", f])
    assert diagram.output.startswith("stateDiagram-v2") and "evaluation_review" in diagram.output


def test_upgrade_demo_and_fire(runner):
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    demo = runner.invoke(main, ["demo"])
    assert demo.exit_code == 0, demo.output
    assert "Data contoh siap" in demo.output
    again = runner.invoke(main, ["demo", "--if-empty"])
    assert "sudah ada" in again.output
    listed = runner.invoke(main, ["case", "list", "--year", "2023"])
    row = next(line for line in listed.output.splitlines() if "Lapas Kelas I Cirebon" in line)
    case_id = row.split()[0]
    assert "Verifikasi Evaluasi" in row
    refused = runner.invoke(main, ["case", "fire", case_id, "pass_evaluation", "--as", "penilai1"])
    assert refused.exit_code == 1 and "tidak berwenang" in refused.output
    missing = runner.invoke(main, ["case", "fire", case_id, "fail_evaluation", "--as", "admin"])
    assert missing.exit_code == 1
    ok = runner.invoke(main, ["case", "fire", case_id, "fail_evaluation", "--as", "verifikator2",
                              "--reason", "Data dukung tidak lengkap"])
    assert ok.exit_code == 0, ok.output
    assert "Tidak Lolos Evaluasi" in ok.output and "hasil akhir: failed" in ok.output
    shown = runner.invoke(main, ["case", "show", case_id])
    assert "fail_evaluation" in shown.output
    bad = runner.invoke(main, ["case", "fire", case_id, "x", "--as", "admin", "--field", "novalue"])
    assert bad.exit_code == 2 and "KUNCI=NILAI" in bad.output
