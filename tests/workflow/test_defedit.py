"""Structured edits of a definition's text: each result loads, carries the change, and keeps every
other line (comments included) as it was written."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from handlers import REGISTRY
from workflow import defedit as de
from workflow.errors import ValidationFailed
from workflow.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
TEXT_2024 = (ROOT / "definitions" / "p2ham-2024.yaml").read_text(encoding="utf-8")
TEXT_2023 = (ROOT / "definitions" / "p2ham-2023.yaml").read_text(encoding="utf-8")
COMMENTS = [line for line in TEXT_2024.splitlines() if line.lstrip().startswith("#")]


def load(text):
    return load_text(text, "edited.yaml", REGISTRY)


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


def indicator(id_="C.4", title="Petugas ramah anak", lines="sk_ramah_anak | SK petugas ramah anak"):
    return de.IndicatorInput(id_, title, de.parse_evidence_lines(lines))


def test_set_calendar_date_changes_one_line_and_keeps_comments():
    new = de.set_calendar_date(TEXT_2024, "evaluation_closes", "2024-09-27T23:59")
    assert changed_lines(TEXT_2024, new) == (["  evaluation_closes: 2024-09-30 23:59:59"],
                                             ["  evaluation_closes: 2024-09-27 23:59"])
    d = load(new)
    assert d.date("evaluation_closes").strftime("%Y-%m-%d %H:%M") == "2024-09-27 23:59"
    assert [line for line in new.splitlines() if line.lstrip().startswith("#")] == COMMENTS


@pytest.mark.parametrize("value", ["2024-02-30", "30-09-2024", "", "besok"])
def test_set_calendar_date_refuses_a_date_that_is_not_one(value):
    with pytest.raises(ValidationFailed, match="Tanggal evaluation_closes"):
        de.set_calendar_date(TEXT_2024, "evaluation_closes", value)


def test_set_calendar_date_refuses_an_unknown_key():
    with pytest.raises(ValidationFailed, match="Tanggal kalender 'pembukaan' tidak ada"):
        de.set_calendar_date(TEXT_2024, "pembukaan", "2024-01-01")


def test_weights_and_threshold():
    new = de.set_weight(de.set_weight(TEXT_2024, "A", "40"), "C", 25)
    new = de.set_pass_threshold(new, "80,5")  # a decimal comma, as Indonesians write it
    d = load(new)
    assert [c.weight for c in d.catalogue] == [40, 35, 25]
    assert d.scoring.pass_threshold == 80.5
    removed, added = changed_lines(TEXT_2024, new)
    assert added == ["    weight: 40", "    weight: 25", "  pass_threshold: 80.5"]


@pytest.mark.parametrize("value, message", [("0", "lebih dari 0"), ("101", "paling besar 100"),
                                            ("tiga puluh", "harus berupa angka"), ("", "harus berupa angka")])
def test_weight_refuses_bad_numbers(value, message):
    with pytest.raises(ValidationFailed, match=message):
        de.set_weight(TEXT_2024, "A", value)


def test_weight_of_an_unknown_criterion():
    with pytest.raises(ValidationFailed, match="Kriteria 'Z' tidak ada"):
        de.set_weight(TEXT_2024, "Z", "10")


def test_document_title_inside_a_flow_mapping_is_quoted_when_needed():
    new = de.set_document_title(TEXT_2024, "hasil_penilaian", "Hasil Penilaian: P2HAM, Tahun 2025")
    d = load(new)
    title = "Hasil Penilaian: P2HAM, Tahun 2025"
    assert next(x for x in d.documents if x.id == "hasil_penilaian").title == title
    removed, added = changed_lines(TEXT_2024, new)
    assert added == [f'  hasil_penilaian: {{title: "{title}", renderer: hasil_penilaian, '
                     'template: documents/hasil_penilaian.txt}']
    with pytest.raises(ValidationFailed, match="Judul dokumen wajib diisi"):
        de.set_document_title(TEXT_2024, "hasil_penilaian", "   ")
    with pytest.raises(ValidationFailed, match="Judul dokumen 'piagam' tidak ada"):
        de.set_document_title(TEXT_2024, "piagam", "Piagam")


def test_notification_subject():
    new = de.set_notification_subject(TEXT_2024, "pengingat_tenggat", "Pengingat: tenggat P2HAM # segera")
    d = load(new)
    assert next(n for n in d.notifications if n.id == "pengingat_tenggat").subject == \
        "Pengingat: tenggat P2HAM # segera"


def test_add_indicator_appends_to_its_criterion_in_the_file_style():
    ind = indicator(lines="sk_ramah_anak | SK petugas ramah anak\n"
                          "foto_ramah_anak | Foto layanan | pdf, PNG | 2")
    new = de.add_indicator(TEXT_2024, "C", ind)
    d = load(new)
    c = next(c for c in d.catalogue if c.id == "C")
    added = c.indicators[-1]
    assert (added.id, added.title) == ("C.4", "Petugas ramah anak")
    assert [(i.id, i.types, i.max_bytes) for i in added.items] == [
        ("sk_ramah_anak", ("pdf", "jpg", "jpeg", "png"), 3 * 1024 * 1024),
        ("foto_ramah_anak", ("pdf", "png"), 2 * 1024 * 1024)]
    removed, lines = changed_lines(TEXT_2024, new)
    assert removed == []
    assert lines == ["      - id: C.4", "        title: Petugas ramah anak", "        evidence:",
                     "          - {id: sk_ramah_anak, label: SK petugas ramah anak}",
                     "          - {id: foto_ramah_anak, label: Foto layanan, types: [pdf, png], max_mb: 2}"]


def test_add_indicator_with_alternative_sets():
    lines = "Set: Koordinasi\nsurat | Surat koordinasi\nfoto | Foto\nSet: Workshop\nsertifikat | Sertifikat"
    new = de.add_indicator(TEXT_2024, "A", indicator("A.5", "Bahasa isyarat", lines))
    added = next(c for c in load(new).catalogue if c.id == "A").indicators[-1]
    assert [(s.label, [i.id for i in s.items]) for s in added.evidence_sets] == [
        ("Koordinasi", ["surat", "foto"]), ("Workshop", ["sertifikat"])]
    # the next criterion's lines follow the new indicator unchanged
    assert "              - {id: sertifikat, label: Sertifikat}\n  - criterion: B\n" in new


def test_add_indicator_refuses_a_used_id_and_bad_input():
    with pytest.raises(ValidationFailed, match="'A.1' sudah dipakai"):
        de.add_indicator(TEXT_2024, "C", indicator("A.1"))
    with pytest.raises(ValidationFailed, match="'E1' sudah dipakai"):  # the evaluation catalogue counts too
        de.add_indicator(TEXT_2024, "C", indicator("E1"))
    with pytest.raises(ValidationFailed, match="Id indikator 'C 4' tidak sah"):
        de.add_indicator(TEXT_2024, "C", indicator("C 4"))
    with pytest.raises(ValidationFailed, match="Judul indikator wajib diisi"):
        de.add_indicator(TEXT_2024, "C", indicator(title=""))
    with pytest.raises(ValidationFailed, match="tidak didukung: docx"):
        de.add_indicator(TEXT_2024, "C", indicator(lines="a | A | docx"))
    with pytest.raises(ValidationFailed, match="paling besar 3"):
        de.add_indicator(TEXT_2024, "C", indicator(lines="a | A | pdf | 5"))
    with pytest.raises(ValidationFailed, match="tertulis lebih dari sekali"):
        de.add_indicator(TEXT_2024, "C", indicator(lines="a | A\na | A"))
    with pytest.raises(ValidationFailed, match="Kriteria 'K9' tidak ada"):
        de.add_indicator(TEXT_2024, "K9", indicator())


@pytest.mark.parametrize("lines, message", [("", "paling sedikit satu"), ("hanya_id", "baris 1"),
                                            ("a | A\nb", "baris 2"), ("Set: x\nSet: y\na | A", "setiap set")])
def test_evidence_lines_refused_name_the_line(lines, message):
    with pytest.raises(ValidationFailed, match=message):
        de.parse_evidence_lines(lines)


def test_edit_indicator_rewrites_only_its_lines_and_keeps_its_scale():
    title = "        title: Jalur pemandu (guiding block)\n"
    text = TEXT_2024.replace(title, title + "        scale: ada_proses_tidak\n")
    edited = indicator("B.2", "Jalur pemandu taktil", "foto_guiding_block | Foto")
    new = de.edit_indicator(text, "B.2", edited)
    b2 = next(i for i in load(new).indicators() if i.id == "B.2")
    assert (b2.title, b2.scale) == ("Jalur pemandu taktil", "ada_proses_tidak")
    assert [i.label for i in b2.items] == ["Foto"]
    removed, added = changed_lines(text, new)
    assert removed == ["        title: Jalur pemandu (guiding block)",
                       "          - {id: foto_guiding_block, label: Foto jalur pemandu dari pintu masuk ke "
                       "ruang pelayanan}"]


def test_edit_indicator_round_trips_the_evidence_lines_of_alternative_sets():
    d = load(TEXT_2023)
    k = next(i for i in d.indicators() if i.evidence_sets and len(i.evidence_sets) > 1)
    from workflow.yamlsrc import parse

    data = parse(TEXT_2023).data
    body = next(i for c in data["catalogue"] for i in c["indicators"] if i["id"] == k.id)
    same = de.edit_indicator(TEXT_2023, k.id, de.IndicatorInput(k.id, k.title,
                                                                de.parse_evidence_lines(de.evidence_lines(body))))
    assert next(i for i in load(same).indicators() if i.id == k.id) == k


def test_remove_indicator():
    new = de.remove_indicator(TEXT_2024, "B.3")
    assert "B.3" not in [i.id for i in load(new).indicators()]
    removed, added = changed_lines(TEXT_2024, new)
    assert added == []
    assert removed == ["      - id: B.3", "        title: Bidang miring (ramp) dengan pegangan rambat",
                       "        evidence:",
                       "          - {id: foto_ramp, label: Foto ramp beserta pegangan rambat}"]
    with pytest.raises(ValidationFailed, match="Indikator 'X.1' dalam catalogue tidak ada"):
        de.remove_indicator(TEXT_2024, "X.1")


def test_the_last_indicator_of_a_criterion_is_not_removed():
    text = TEXT_2024
    for iid in ("C.1", "C.2"):
        text = de.remove_indicator(text, iid)
    with pytest.raises(ValidationFailed, match="satu-satunya indikator"):
        de.remove_indicator(text, "C.3")


def test_unreadable_yaml_is_refused_with_its_line():
    broken = TEXT_2024.replace("  evaluation_opens: 2024-04-01 00:00", "  evaluation_opens: [2024-04-01")
    with pytest.raises(ValidationFailed, match=r"belum dapat dibaca sebagai YAML \(baris \d+\)"):
        de.set_pass_threshold(broken, "70")


def test_a_semantically_invalid_text_can_still_be_edited():
    """Structured forms keep working while the loader still finds problems elsewhere."""
    wrong = TEXT_2024.replace("target: evaluation_review, role: admin", "target: nowhere, role: admin")
    new = de.set_pass_threshold(wrong, "70")
    assert "  pass_threshold: 70\n" in new and "target: nowhere" in new


def test_a_list_written_in_flow_style_is_left_to_the_text_editor():
    text = TEXT_2024.replace(
        "    indicators:\n      - id: A.1\n",
        "    indicators: [{id: A.0, title: x, evidence: [{id: q, label: Q}]}]\n"
        "    old_indicators:\n      - id: A.1\n")
    with pytest.raises(ValidationFailed, match="tidak ditulis sebagai daftar blok"):
        de.add_indicator(text, "A", indicator("A.9"))


def test_outline_gives_the_form_values_as_written():
    o = de.outline(TEXT_2023)
    assert ("evaluation_closes", "2023-09-30 23:59:59") in o.calendar
    assert o.pass_threshold == "75"
    k1 = o.criteria[0]
    assert k1.id == "K1" and "  - criterion: K1\n" in TEXT_2023 and f"    weight: {k1.weight}\n" in TEXT_2023
    assert [i.id for i in k1.indicators][-1] == "K1.10"  # kept as written, not read as a number
    assert ("hasil_penilaian", "Hasil Penilaian P2HAM") in o.documents
    assert ("pengingat_tenggat", "Pengingat tenggat P2HAM") in o.notifications
    k23 = next(i for c in o.criteria for i in c.indicators if i.id == "K2.3")
    assert k23.evidence.startswith("Set: Koordinasi dengan Dinas Sosial atau SLB setempat\n"
                                   "surat_koordinasi | ")


def test_outline_reads_a_text_with_errors_but_not_unreadable_yaml():
    wrong = TEXT_2024.replace("  pass_threshold: 75", "  pass_threshold: tinggi")
    assert de.outline(wrong).pass_threshold == "tinggi"
    assert de.outline("calendar: [2024-01-01\n") is None
