"""workflow.defdiff: what changed between two definitions, said in Indonesian, and the text diff.

Each case edits a small hand-written definition (or a shipped one) and checks the summary lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import REGISTRY
from workflow import defdiff
from workflow.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "data" / "definitions" / "minimal.yaml").read_text(encoding="utf-8")
TEXT_2023 = (ROOT / "definitions" / "p2ham-2023.yaml").read_text(encoding="utf-8")
TEXT_2024 = (ROOT / "definitions" / "p2ham-2024.yaml").read_text(encoding="utf-8")


def load(text: str, name: str = "t.yaml"):
    return load_text(text, name, REGISTRY)


def edit(text: str, *pairs: str) -> str:
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def summary(old_text: str, new_text: str) -> list[str]:
    return defdiff.diff(load(old_text), load(new_text)).summary()


def test_same_definition_is_empty():
    d = defdiff.diff(load(MINIMAL), load(MINIMAL + "# hanya komentar\n"))
    assert d.is_empty and d.changes == ()
    assert d.summary() == ["Tidak ada perubahan isi definisi."]


def test_identity_and_calendar():
    new = edit(MINIMAL, "year: 2030", "year: 2031", "title: Definisi minimal untuk pengujian", "title: Baru",
               "  opens: 2030-01-01\n", "  opens: 2030-01-02\n  review: 2030-06-01 08:00\n",
               "  closes: 2030-12-31 23:59\n", "")
    new = edit(new, "{at: closes,", "{at: review,")
    lines = summary(MINIMAL, new)
    assert lines[0] == ("Identitas diubah: tahun 2030 → 2031; "
                        "judul 'Definisi minimal untuk pengujian' → 'Baru'")
    assert "Tanggal 'opens' diubah: 2030-01-01 → 2030-01-02" in lines
    assert "Tanggal 'review' ditambahkan: 2030-06-01 08:00" in lines
    assert "Tanggal 'closes' dihapus: 2030-12-31 23:59" in lines
    assert "State 'open' diubah: tenggat pada 'closes' (close) → pada 'review' (close)" in lines


def test_states_added_removed_changed():
    new = edit(MINIMAL,
               "    open: {label: Terbuka, deadline: {at: closes, fires: close}}\n",
               "    open: {label: Dibuka, task: {role: verifikator, title: Periksa},\n"
               "           deadline: {after: 14d, fires: close}}\n"
               "    review: {label: Tinjauan, role: admin}\n",
               "    - {event: close, source: open, target: closed, role: [admin, system]}\n",
               "    - {event: close, source: open, target: closed, role: [admin, system]}\n"
               "    - {event: review, source: open, target: review, role: admin}\n"
               "    - {event: close, source: review, target: closed, role: admin}\n")
    d = defdiff.diff(load(MINIMAL), load(new))
    assert [c.summary for c in d.states] == [
        "State 'open' diubah: label 'Terbuka' → 'Dibuka'; tugas - → verifikator: Periksa; "
        "tenggat pada 'closes' (close) → 14d setelah masuk (close)",
        "State 'review' ditambahkan",
    ]
    assert [c.summary for c in d.transitions] == ["Transisi 'review dari open ke review' ditambahkan",
                                                  "Transisi 'close dari review ke closed' ditambahkan"]
    back = defdiff.diff(load(new), load(MINIMAL))
    assert "State 'review' dihapus" in back.summary()
    assert "Transisi 'close dari review ke closed' dihapus" in back.summary()


def test_transitions_changed_keyed_by_event_and_source():
    new = edit(TEXT_2024, "      target: declared\n      role: verifikator\n",
               "      target: declared\n      role: [verifikator, admin]\n",
               "       label: Ajukan evaluasi, guards: [evaluation_window_open], notify: [tugas_verifikasi]}",
               "       label: Ajukan evaluasi, notify: [tugas_verifikasi]}")
    d = defdiff.diff(load(TEXT_2024), load(new))
    assert [c.summary for c in d.transitions] == [
        "Transisi 'submit_evaluation dari declared' diubah: guard [evaluation_window_open] → -",
        "Transisi 'return_evaluation dari evaluation_review' diubah: "
        "peran [verifikator] → [verifikator, admin]",
    ]
    # the two guarded branches of submit_assessment (same event and source) pair up by target
    failed = "      target: assessment_failed\n      role: penilai\n      label: Kirim penilaian"
    swapped = edit(TEXT_2024, failed + "\n", failed + " (gagal)\n")
    assert summary(TEXT_2024, swapped) == ["Transisi 'submit_assessment dari assessment' diubah: "
                                           "label 'Kirim penilaian' → 'Kirim penilaian (gagal)'"]


def test_catalogue_indicators_criteria_and_evidence():
    new = edit(TEXT_2024,
               "      - id: A.4\n",
               "      - id: A.11\n        title: Lift\n        evidence:\n"
               "          - {id: foto_lift, label: Foto lift}\n      - id: A.4\n",
               "          - {id: foto_ramp, label: Foto ramp beserta pegangan rambat}\n",
               "          - {id: foto_ramp, label: Foto ramp}\n"
               "          - {id: ukuran_ramp, label: Ukuran ramp}\n",
               "          - {id: daftar_inventaris_alat_bantu, label: Daftar inventaris alat bantu}\n", "",
               "      - id: C.2\n        title: Petugas mendapat pelatihan pelayanan publik berbasis HAM\n",
               "      - id: C.2\n        title: Petugas terlatih pelayanan publik berbasis HAM\n",
               "    weight: 30\n", "    weight: 30\n    scale: ada_proses_tidak\n")
    lines = summary(TEXT_2024, new)
    assert "Indikator 'A.11' ditambahkan ke kriteria 'A'" in lines
    assert ("Indikator 'B.3' diubah: data dukung ditambahkan: ukuran_ramp; label data dukung 'foto_ramp' "
            "'Foto ramp beserta pegangan rambat' → 'Foto ramp'") in lines
    assert "Indikator 'B.7' diubah: data dukung dihapus: daftar_inventaris_alat_bantu" in lines
    # the criterion's scale is the scale of each of its indicators, so both say so
    assert ("Indikator 'C.2' diubah: judul 'Petugas mendapat pelatihan pelayanan publik berbasis HAM' → "
            "'Petugas terlatih pelayanan publik berbasis HAM'; skala - → 'ada_proses_tidak'") in lines
    assert "Indikator 'C.1' diubah: skala - → 'ada_proses_tidak'" in lines
    assert "Kriteria 'C' diubah: skala - → 'ada_proses_tidak'" in lines


def test_indicator_moved_between_criteria_and_weights():
    new = edit(TEXT_2024, "    weight: 35\n    indicators:\n      - id: A.1\n",
               "    weight: 40\n    indicators:\n      - id: A.1\n",
               "    title: Sarana Prasarana\n    weight: 35\n",
               "    title: Sarana Prasarana\n    weight: 30\n")
    block = "      - id: B.1\n        title: Toilet ramah penyandang disabilitas\n        evidence:\n" \
            "          - {id: foto_toilet_disabilitas, label: Foto toilet dengan pegangan rambat dan " \
            "ruang gerak kursi roda}\n"
    new = edit(new, block, "", "      - id: A.4\n", block + "      - id: A.4\n")
    lines = summary(TEXT_2024, new)
    assert "Kriteria 'A' diubah: bobot 35 → 40" in lines and "Kriteria 'B' diubah: bobot 35 → 30" in lines
    assert "Indikator 'B.1' diubah: kriteria 'B' → 'A'" in lines


def test_alternative_evidence_sets():
    moved = "              - {id: laporan_hasil_koordinasi, label: Laporan hasil koordinasi}\n"
    new = edit(TEXT_2024, moved, "", "          - label: Workshop bahasa isyarat\n            items:\n",
               "          - label: Workshop bahasa isyarat\n            items:\n" + moved)
    assert summary(TEXT_2024, new) == [
        "Indikator 'C.3' diubah: susunan set data dukung [{surat_koordinasi, foto_kegiatan_koordinasi, "
        "laporan_hasil_koordinasi}, {sertifikat_workshop_bahasa_isyarat}] → [{surat_koordinasi, "
        "foto_kegiatan_koordinasi}, {laporan_hasil_koordinasi, sertifikat_workshop_bahasa_isyarat}]"]
    relabelled = edit(TEXT_2024, "          - label: Workshop bahasa isyarat\n",
                      "          - label: Pelatihan\n")
    assert summary(TEXT_2024, relabelled) == [
        "Indikator 'C.3' diubah: susunan set data dukung [Koordinasi dengan Dinas Sosial atau SLB setempat, "
        "Workshop bahasa isyarat] → [Koordinasi dengan Dinas Sosial atau SLB setempat, Pelatihan]"]


def test_scoring_documents_notifications_wording():
    new = edit(TEXT_2024, "  pass_threshold: 75\n", "  pass_threshold: 80\n",
               "  predicate: Unit Kerja P2HAM\n", "  predicate: Predikat Unit Kerja P2HAM\n",
               "{title: Hasil Penilaian P2HAM,", "{title: Hasil Penilaian Unit Kerja P2HAM,",
               "subject: Tugas melewati tenggat}", "subject: Tugas telah melewati tenggat}")
    lines = summary(TEXT_2024, new)
    assert ("Aturan penilaian diubah: ambang kelulusan 75 → 80; predikat 'Unit Kerja P2HAM' → "
            "'Predikat Unit Kerja P2HAM'") in lines
    assert ("Dokumen 'hasil_penilaian' diubah: judul 'Hasil Penilaian P2HAM' → "
            "'Hasil Penilaian Unit Kerja P2HAM'") in lines
    assert ("Notifikasi 'eskalasi_tugas' diubah: subjek 'Tugas melewati tenggat' → "
            "'Tugas telah melewati tenggat'") in lines


def test_shipped_2023_against_2024_shows_the_new_regulation():
    d = defdiff.diff(load(TEXT_2023), load(TEXT_2024))
    lines = d.summary()
    assert "State 'development' dihapus" in lines  # no pembangunan stage under Permenkumham 25/2023
    assert "Transisi 'start_development dari declared ke development' dihapus" in lines
    assert ("Transisi 'return_evaluation dari evaluation_review' diubah: "
            "tujuan 'development' → 'declared'") in lines
    assert {c.key for c in d.criteria if c.kind == "removed"} == {"K1", "K2", "K3", "K4", "K5"}
    assert [c.key for c in d.criteria if c.kind == "added"] == ["A", "B", "C"]
    assert "Indikator 'C.3' ditambahkan ke kriteria 'C'" in lines
    assert "Indikator 'K5.2' dihapus dari kriteria 'K5'" in lines
    assert "Tanggal 'assessment_due' diubah: 2023-11-24 23:59:59 → 2024-11-22 23:59:59" in lines
    assert lines[0].startswith("Identitas diubah: id definisi 'p2ham-2023' → 'p2ham-2024'; tahun 2023 → 2024")
    assert any(line.startswith("Aturan penilaian diubah: skala [ada_proses_tidak") for line in lines)
    assert not d.is_empty


@pytest.mark.parametrize("old, new", [("a\nb\n", "a\nc\n"), ("a\nb", "a\nc")])
def test_text_diff_is_unified(old, new):
    out = defdiff.text_diff(old, new, "lama.yaml", "baru.yaml")
    assert out == "--- lama.yaml\n+++ baru.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    assert defdiff.text_diff(old, old, "lama.yaml", "baru.yaml") == ""
