"""``p2ham definitions versions | publish | diff | import`` end to end on a scratch SQLite database."""

import pytest
from click.testing import CliRunner

from tests.conftest import DEFINITIONS
from workflow.cli import main

TEXT_2024 = (DEFINITIONS / "p2ham-2024.yaml").read_text(encoding="utf-8")


@pytest.fixture
def runner(tmp_path):
    env = {"P2HAM_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "P2HAM_NOW": ""}
    r = CliRunner(env=env)
    assert r.invoke(main, ["db", "upgrade"]).exit_code == 0
    return r


@pytest.fixture
def imported(runner):
    result = runner.invoke(main, ["definitions", "import", str(DEFINITIONS / "p2ham-2023.yaml"),
                                  str(DEFINITIONS / "p2ham-2024.yaml")])
    assert result.exit_code == 0, result.output
    return runner


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_is_idempotent_and_versions_lists_them(imported):
    again = imported.invoke(main, ["definitions", "import", str(DEFINITIONS / "p2ham-2024.yaml")])
    assert again.exit_code == 0 and "p2ham-2024 versi 1" in again.output and "sudah ada" in again.output
    table = imported.invoke(main, ["definitions", "versions"])
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["NO", "DEFINISI", "TAHUN", "VERSI"]
    assert lines[1].split()[:5] == ["2", "p2ham-2024", "2024", "1", "published"]
    assert lines[2].split()[:5] == ["1", "p2ham-2023", "2023", "1", "published"]


def test_versions_on_an_empty_database(runner):
    result = runner.invoke(main, ["definitions", "versions"])
    assert result.exit_code == 0 and "Belum ada versi definisi" in result.output


def test_publish_creates_the_next_version_with_its_note(imported, tmp_path):
    path = _write(tmp_path, "p2ham-2024.yaml", TEXT_2024.replace("pass_threshold: 75", "pass_threshold: 80"))
    result = imported.invoke(main, ["definitions", "publish", path, "--note", "Ambang kelulusan 80",
                                    "--as", "nobody"])
    assert result.exit_code == 1 and "Pengguna 'nobody' tidak ditemukan" in result.output
    result = imported.invoke(main, ["definitions", "publish", path, "--note", "Ambang kelulusan 80"])
    assert result.exit_code == 0, result.output
    assert "diterbitkan sebagai p2ham-2024 versi 2 (nomor 3" in result.output
    row = next(line for line in imported.invoke(main, ["definitions", "versions"]).output.splitlines()
               if line.split()[:2] == ["3", "p2ham-2024"])
    assert row.split()[3] == "2" and row.endswith("Ambang kelulusan 80") and " sistem " in row
    # the same text again is refused: a version never changes, and there is nothing new to publish
    again = imported.invoke(main, ["definitions", "publish", path, "--note", "lagi"])
    assert again.exit_code == 1 and "sama persis dengan p2ham-2024 versi 2" in again.output


def test_publish_refuses_invalid_files_missing_notes_and_unreadable_files(imported, tmp_path):
    broken = _write(tmp_path, "rusak.yaml", TEXT_2024.replace("target: assessment,", "target: asessment,", 1))
    result = imported.invoke(main, ["definitions", "publish", broken, "--note", "x"])
    assert result.exit_code == 1
    assert "target: state tujuan tidak dikenal 'asessment'" in result.output
    assert f"{broken}: TIDAK VALID (" in result.output
    good = _write(tmp_path, "baik.yaml", TEXT_2024 + "# catatan\n")
    missing = imported.invoke(main, ["definitions", "publish", good])
    assert missing.exit_code == 2 and "--note" in missing.output
    empty = imported.invoke(main, ["definitions", "publish", good, "--note", "  "])
    assert empty.exit_code == 1 and "Catatan perubahan wajib diisi" in empty.output
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("id: caf\xe9\n".encode("latin-1"))
    wrong = imported.invoke(main, ["definitions", "publish", str(latin1), "--note", "x"])
    assert wrong.exit_code == 1 and "UTF-8" in wrong.output
    gone = imported.invoke(main, ["definitions", "publish", str(tmp_path / "tidak-ada.yaml"), "--note", "x"])
    assert gone.exit_code == 1 and "tidak dapat dibaca" in gone.output
    assert len(imported.invoke(main, ["definitions", "versions"]).output.splitlines()) == 3


def test_diff_between_stored_versions_and_files(imported, tmp_path):
    path = _write(tmp_path, "baru.yaml", TEXT_2024.replace("  evaluation_closes: 2024-09-30 23:59:59",
                                                           "  evaluation_closes: 2024-10-07 23:59:59"))
    result = imported.invoke(main, ["definitions", "diff", "p2ham-2024@1", path])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"Perubahan dari p2ham-2024@1 ke {path}:\n")
    assert "  - Tanggal 'evaluation_closes' diubah: 2024-09-30 23:59:59 → 2024-10-07 23:59:59\n" in out
    assert f"--- p2ham-2024@1\n+++ {path}\n" in out and "+  evaluation_closes: 2024-10-07 23:59:59\n" in out
    only = imported.invoke(main, ["definitions", "diff", "1", "2", "--summary-only"])
    assert only.exit_code == 0 and "State 'development' dihapus" in only.output and "---" not in only.output
    text = imported.invoke(main, ["definitions", "diff", "1", "2", "--text-only"])
    assert text.exit_code == 0 and text.output.startswith("--- p2ham-2023@1\n+++ p2ham-2024@1\n")
    same = imported.invoke(main, ["definitions", "diff", str(DEFINITIONS / "p2ham-2024.yaml"), "2"])
    assert "Tidak ada perubahan isi definisi." in same.output and "(teks sama persis)" in same.output


def test_diff_with_an_invalid_side_still_shows_the_text(runner, tmp_path):
    # two files: no database needed
    broken = _write(tmp_path, "rusak.yaml", TEXT_2024.replace("weight: 30", "weight: 31"))
    result = runner.invoke(main, ["definitions", "diff", str(DEFINITIONS / "p2ham-2024.yaml"), broken])
    assert result.exit_code == 0
    assert f"Ringkasan tidak tersedia: {broken} tidak valid (1 kesalahan" in result.output
    assert "-    weight: 30\n+    weight: 31\n" in result.output


def test_diff_refuses_unknown_references(imported):
    for ref, said in (("tidak-ada", "bukan berkas yang ada, bukan KUNCI@VERSI"),
                      ("p2ham-2024@9", "Definisi 'p2ham-2024' versi 9 tidak ditemukan"),
                      ("77", "Versi definisi nomor 77 tidak ditemukan")):
        result = imported.invoke(main, ["definitions", "diff", ref, "1"])
        assert result.exit_code == 1 and said in result.output, result.output
    both = imported.invoke(main, ["definitions", "diff", "1", "2", "--text-only", "--summary-only"])
    assert both.exit_code == 2 and "Pilih salah satu" in both.output


def test_import_refuses_an_id_already_used_by_another_year(imported, tmp_path):
    moved = TEXT_2024.replace("year: 2024", "year: 2025", 1).replace("2024-", "2025-")
    path = _write(tmp_path, "salah.yaml", moved)
    for command in (["import", path], ["publish", path, "--note", "x"]):
        result = imported.invoke(main, ["definitions", *command])
        assert result.exit_code == 1
        assert "sudah dipakai untuk tahun 2024" in result.output, result.output
    assert len(imported.invoke(main, ["definitions", "versions"]).output.splitlines()) == 3
