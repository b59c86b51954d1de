"""The definition loader: every mistake in a definition file is reported, all at once, each with
the file, the 1-based line and the key path where it is written.

Each case edits the shipped 2023 definition (or the minimal sample under ``tests/data``) and
finds the expected line in the edited text itself, so no test hard-codes a line number.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from handlers import REGISTRY
from workflow.errors import DefinitionError, DefinitionIssue
from workflow.loader import load_file, load_text
from workflow.spec import NotificationSpec, Reminder

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
DATA = ROOT / "tests" / "data" / "definitions"
NAME = "definitions/p2ham-2023.yaml"
TEXT_2023 = (DEFINITIONS / "p2ham-2023.yaml").read_text(encoding="utf-8")
TEXT_2024 = (DEFINITIONS / "p2ham-2024.yaml").read_text(encoding="utf-8")
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")


# -- helpers ---------------------------------------------------------------------------------------
def edit(old: str, new: str, text: str = TEXT_2023) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the base text"
    return text.replace(old, new)


def replace_block(header: str, value: str, text: str = TEXT_2023) -> str:
    """``text`` with the block opened by the line ``header`` (e.g. ``"  states:"``) replaced by
    ``header value``; the block ends at the next line indented no deeper than ``header``."""
    lines = text.splitlines(True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == header)
    depth = len(header) - len(header.lstrip())
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= depth), len(lines))
    return "".join(lines[:start] + [f"{header} {value}\n"] + lines[end:])


def line_of(text: str, anchor: str | tuple[str, int]) -> int:
    """1-based line of ``anchor`` in ``text``: a line starting with it (after indentation),
    else a line containing it. It must be unique unless given as ``(anchor, nth)``."""
    needle, nth = anchor if isinstance(anchor, tuple) else (anchor, None)
    lines = list(enumerate(text.splitlines(), 1))
    hits = [n for n, line in lines if line.lstrip().startswith(needle)] \
        or [n for n, line in lines if needle in line]
    if nth is None:
        assert len(hits) == 1, f"anchor {needle!r} found on lines {hits}"
        return hits[0]
    return hits[nth]


def issues(text: str) -> list[DefinitionIssue]:
    with pytest.raises(DefinitionError) as exc:
        load_text(text, NAME, REGISTRY)
    return exc.value.issues


def single_issue(text: str) -> DefinitionIssue:
    found = issues(text)
    assert len(found) == 1, "expected one issue, got:\n" + "\n".join(map(str, found))
    return found[0]


def assert_single(text: str, anchor, path: str, message: str) -> None:
    """Exactly one issue, on the line of ``anchor``, at ``path``, its message containing ``message``."""
    issue = single_issue(text)
    assert (issue.file, issue.line, issue.path) == (NAME, line_of(text, anchor), path), str(issue)
    assert message in issue.message, str(issue)


ARGS = "old, new, anchor, path, message"


def case(old: str, new: str, anchor, path: str, message: str, id: str):
    """One mutation of the 2023 text and the single issue it must produce."""
    return pytest.param(old, new, anchor, path, message, id=id)


# -- the shipped definitions -----------------------------------------------------------------------
@pytest.mark.parametrize("filename, year", [("p2ham-2023.yaml", 2023), ("p2ham-2024.yaml", 2024)])
def test_shipped_definitions_load(filename, year):
    path = DEFINITIONS / filename
    d = load_file(path, REGISTRY)
    assert (d.id, d.year, d.initial) == (f"p2ham-{year}", year, "declared")
    assert d.source_name == str(path)
    assert d.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sum(c.weight for c in d.catalogue) == 100


@pytest.mark.parametrize("filename", ["p2ham-2023.yaml", "p2ham-2024.yaml"])
def test_shipped_definitions_remind_the_operator_7_and_1_days_before_evidence_input_closes(filename):
    d = load_file(DEFINITIONS / filename, REGISTRY)
    assert d.state("evidence_input").reminders == (Reminder(timedelta(days=7), "pengingat_tenggat"),
                                                   Reminder(timedelta(days=1), "pengingat_tenggat"))
    assert [s.id for s in d.states if s.reminders] == ["evidence_input"]
    assert next(n for n in d.notifications if n.id == "pengingat_tenggat") == NotificationSpec(
        "pengingat_tenggat", "email", ("operator",), subject="Pengingat tenggat P2HAM")


def test_minimal_sample_definition_loads():
    d = load_text(MINIMAL, "minimal.yaml", REGISTRY)
    assert [s.id for s in d.states] == ["open", "closed"]
    assert d.indicators()[0].evidence_sets[0].items[0].id == "foto_ramp"


@pytest.mark.parametrize("text, indicator_id", [(TEXT_2023, "K2.3"), (TEXT_2024, "C.3")],
                         ids=["2023", "2024"])
def test_sign_language_indicator_has_two_alternative_evidence_sets(text, indicator_id):
    d = load_text(text, "x.yaml", REGISTRY)
    indicator = next(i for i in d.indicators() if i.id == indicator_id)
    assert indicator.title == "Petugas yang mampu berbahasa isyarat"
    coordination, workshop = indicator.evidence_sets
    assert coordination.label == "Koordinasi dengan Dinas Sosial atau SLB setempat"
    assert [i.id for i in coordination.items] == [
        "surat_koordinasi", "foto_kegiatan_koordinasi", "laporan_hasil_koordinasi"]
    assert workshop.label == "Workshop bahasa isyarat"
    assert [i.id for i in workshop.items] == ["sertifikat_workshop_bahasa_isyarat"]
    assert all(i.types == ("pdf", "jpg", "jpeg", "png") and i.max_bytes == 3 * 1024 * 1024
               for i in indicator.items)


def test_2023_and_2024_differ_in_data_alone():
    """Same loader, same handlers: the regulation change is carried by the YAML only."""
    d2023 = load_text(TEXT_2023, "2023.yaml", REGISTRY)
    d2024 = load_text(TEXT_2024, "2024.yaml", REGISTRY)
    states2023 = {s.id for s in d2023.states}
    states2024 = {s.id for s in d2024.states}
    assert states2023 - states2024 == {"development"}
    assert states2024 <= states2023
    assert "development" not in {t.target for t in d2024.transitions}
    assert [c.id for c in d2023.catalogue] == ["K1", "K2", "K3", "K4", "K5"]
    assert len(d2024.catalogue) == 3


# -- reading: YAML, empty files, keys and types ----------------------------------------------------
def test_yaml_syntax_error_is_reported_at_its_line():
    text = edit("      label: Pembangunan\n", "      label: Pembangunan: lagi\n")
    issue = single_issue(text)
    assert issue.line == line_of(text, "label: Pembangunan: lagi")
    assert issue.message == ("YAML tidak dapat dibaca: tanda ':' tidak boleh di sini; periksa indentasi, "
                             "atau beri tanda kutip pada teks yang berisi ': ' "
                             "(mapping values are not allowed here)")


@pytest.mark.parametrize("text", ["", "\n\n", "# hanya komentar\n"],
                         ids=["empty", "blank-lines", "comment-only"])
def test_empty_file_is_one_issue_on_line_1(text):
    issue = single_issue(text)
    assert (issue.line, issue.path, issue.message) == (1, "", "berkas kosong")


@pytest.mark.parametrize("text", ["---\n", "~\n"], ids=["document-marker-only", "null"])
def test_null_document_is_reported_as_empty(text):
    issue = single_issue(text)
    assert (issue.line, issue.message) == (1, "berkas kosong")


@pytest.mark.parametrize("text", ["- id: p2ham-2023\n", "p2ham-2023\n"], ids=["list", "scalar"])
def test_root_that_is_not_a_mapping(text):
    issue = single_issue(text)
    assert (issue.line, issue.path) == (1, "")
    assert "harus berupa pemetaan" in issue.message


def test_key_that_is_not_text():
    text = edit("regulation: Contoh\n", "regulation: Contoh\n~: tanpa nama\n", MINIMAL)
    issue = single_issue(text)
    assert issue.line == line_of(text, "~: tanpa nama")
    assert "kunci tidak sah: None" in issue.message


@pytest.mark.parametrize("key", ["on", "yes", "No", "off"])
def test_yaml_boolean_key_is_reported_as_written_with_a_hint_to_quote_it(key):
    text = edit("regulation: Contoh\n", f"regulation: Contoh\n{key}: 1\n", MINIMAL)
    issue = single_issue(text)
    assert (issue.line, issue.path) == (line_of(text, f"{key}: 1"), key)
    assert issue.message == (f"kunci '{key}' dibaca YAML sebagai nilai benar/salah; "
                             f"tulis dengan tanda kutip: '{key}'")


@pytest.mark.parametrize("old, new, anchor, message", [
    ("regulation: Contoh\n", "regulation: Contoh\n<<: {description: x}\n",
     "<<:", "penggabungan YAML '<<' tidak didukung"),
    ("regulation: Contoh\n", "regulation: Contoh\ndescription: !!binary aGVsbG8=\n",
     "description:", "tag YAML '!!binary' tidak didukung"),
    ("regulation: Contoh\n", "regulation: !!python/object/apply:os.system [ls]\n",
     "regulation:", "tag YAML '!!python/object/apply:os.system' tidak didukung"),
    ("year: 2030\n", "year: !!int dua ribu\n",
     "year:", "nilai 'dua ribu' tidak sesuai dengan tag !!int"),
    ("regulation: Contoh\n", "regulation: Contoh\n'': kosong\n",
     "'': kosong", "kunci tidak boleh kosong"),
], ids=["merge-key", "binary-tag", "python-tag", "bad-int-tag", "empty-key"])
def test_yaml_the_loader_does_not_accept(old, new, anchor, message):
    text = edit(old, new, MINIMAL)
    issue = single_issue(text)
    assert issue.line == line_of(text, anchor), str(issue)
    assert message in issue.message, str(issue)


@pytest.mark.parametrize("text, line, message", [
    ("id: minimal\n\tyear: 2030\n", 2, "karakter tab tidak boleh dipakai"),
    ("id: [minimal\n", 2, "diharapkan ',' atau ']' (kurung belum ditutup?)"),
    ("id: 'minimal\n", 2, "berkas berakhir sebelum tanda kutip ditutup"),
    ("id: minimal\n---\nid: lain\n", 2, "lebih dari satu dokumen YAML"),
    ("id: minimal\nyear: \x00\n", 2, "karakter yang tidak diizinkan (#x0000)"),
    ("id: *tidak_ada\n", 1, "alias '*tidak_ada' tidak dikenal"),
    ("a:\n  - x\n - y\n", 3, "indentasi tidak konsisten"),
], ids=["tab", "open-bracket", "open-quote", "two-documents", "control-character", "undefined-alias",
        "indentation"])
def test_yaml_syntax_errors_are_said_in_indonesian(text, line, message):
    issue = single_issue(text)
    assert (issue.line, issue.path) == (line, "")
    assert issue.message.startswith("YAML tidak dapat dibaca: ") and message in issue.message, str(issue)


def test_recursive_alias_is_an_issue_not_a_crash():
    text = edit("regulation: Contoh\n", "regulation: Contoh\ndescription: &d [*d]\n", MINIMAL)
    found = [(i.line, i.path, i.message) for i in issues(text)]
    assert (line_of(text, "description:"), "description[0]",
            "alias merujuk ke dirinya sendiri (berulang tanpa akhir)") in found


def test_alias_bomb_is_refused_quickly():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    issue = single_issue("\n".join(levels) + "\n")
    assert "YAML terlalu besar" in issue.message


def test_deep_nesting_is_an_issue():
    assert "bersarang terlalu dalam" in single_issue("id: " + "[" * 5000 + "\n").message


def test_number_key_keeps_its_written_form():
    text = edit("  opens: 2030-01-01\n", "  1.10: 2030-01-01\n", MINIMAL)
    assert [k for k, _ in load_text(text, "m.yaml", REGISTRY).calendar] == ["1.10", "closes"]


@pytest.mark.parametrize(ARGS, [
    case("description: >-", "deskripsi: >-",
         "deskripsi:", "deskripsi", "kunci tidak dikenal 'deskripsi'", id="top-level"),
    case("      label_en: Development\n      role: admin\n",
         "      label_en: Development\n      peran: admin\n",
         "peran: admin", "lifecycle.states.development.peran", "kunci tidak dikenal 'peran'", id="state"),
    case("title: Penilaian indikator P2HAM}", "title: Penilaian indikator P2HAM, due: 7d}",
         "due: 7d", "lifecycle.states.assessment.task.due", "kunci tidak dikenal 'due'", id="task"),
    case("fires: escalate_evaluation_review}", "fires: escalate_evaluation_review, repeat: true}",
         "repeat: true", "lifecycle.states.evaluation_review.deadline.repeat", "kunci tidak dikenal 'repeat'",
         id="deadline"),
    case("      actions: [request_operator_account]", "      action: [request_operator_account]",
         "action: [", "lifecycle.transitions[4].action", "kunci tidak dikenal 'action'", id="transition"),
    case("    weight: 30\n", "    weight: 30\n    bobot: 30\n",
         "bobot: 30", "catalogue[0].bobot", "kunci tidak dikenal 'bobot'", id="criterion"),
    case("        title: Toilet ramah penyandang disabilitas\n",
         "        title: Toilet ramah penyandang disabilitas\n        weight: 5\n",
         "weight: 5", "catalogue[0].indicators[2].weight", "kunci tidak dikenal 'weight'", id="indicator"),
    case("          - label: Workshop bahasa isyarat\n",
         "          - label: Workshop bahasa isyarat\n            catatan: opsional\n",
         "catatan: opsional", "catalogue[1].indicators[2].evidence_any_of[1].catatan",
         "kunci tidak dikenal 'catatan'", id="evidence-set"),
    case("label: Foto ramp beserta pegangan rambat}", "label: Foto ramp beserta pegangan rambat, size: 2}",
         "size: 2", "catalogue[0].indicators[4].evidence[0].size", "kunci tidak dikenal 'size'",
         id="evidence-item"),
    case("  assessors: 1\n", "  assessors: 1\n  rounding: 2\n",
         "rounding: 2", "scoring.rounding", "kunci tidak dikenal 'rounding'", id="scoring"),
    case("label: Cukup patuh, value: 60}", "label: Cukup patuh, value: 60, x: 1}",
         "x: 1}", "scoring.scales.kepatuhan.options[1].x", "kunci tidak dikenal 'x'", id="scale-option"),
    case("template: documents/berita_acara.txt}", "template: documents/berita_acara.txt, format: pdf}",
         "format: pdf", "documents.berita_acara_hasil_evaluasi.format", "kunci tidak dikenal 'format'",
         id="document"),
    case("tugas_penilaian: {channel: in_app,", "tugas_penilaian: {channel: in_app, cc: [admin],",
         "cc: [admin]", "notifications.tugas_penilaian.cc", "kunci tidak dikenal 'cc'", id="notification"),
])
def test_unknown_key(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


@pytest.mark.parametrize(ARGS, [
    case("year: 2023\n", "",
         "id: p2ham-2023", "", "kunci wajib 'year' tidak ada", id="year"),
    case("  initial: declared\n", "",
         "lifecycle:", "lifecycle", "kunci wajib 'initial' tidak ada", id="lifecycle.initial"),
    case("    development:\n      label: Pembangunan\n", "    development:\n",
         "development:", "lifecycle.states.development", "kunci wajib 'label' tidak ada", id="state-label"),
    case("      target: evidence_input\n", "",
         "- event: pass_evaluation", "lifecycle.transitions[4]", "kunci wajib 'target' tidak ada",
         id="transition-target"),
    case("    title: Inovasi Pelayanan Publik\n    weight: 15\n", "    title: Inovasi Pelayanan Publik\n",
         "- criterion: K4", "catalogue[3]", "kunci wajib 'weight' tidak ada", id="criterion-weight"),
    case("{id: foto_ramp, label: Foto ramp beserta pegangan rambat}", "{id: foto_ramp}",
         "{id: foto_ramp}", "catalogue[0].indicators[4].evidence[0]", "kunci wajib 'label' tidak ada",
         id="evidence-item-label"),
    case("  predicate: Unit Kerja P2HAM\n", "",
         "scoring:", "scoring", "kunci wajib 'predicate' tidak ada", id="scoring-predicate"),
    case("  pass_threshold: 75\n", "",
         "scoring:", "scoring", "kunci wajib 'pass_threshold' tidak ada", id="scoring-pass-threshold"),
    case("    weight: 15\n    indicators:\n      - id: K4.1\n"
         "        title: Inovasi pelayanan bagi kelompok rentan\n        evidence:\n"
         "          - {id: sk_inovasi, label: Surat keputusan atau dokumen inovasi}\n"
         "          - {id: dokumentasi_inovasi, label: Foto atau tangkapan layar pelaksanaan inovasi}\n",
         "    weight: 15\n", "- criterion: K4", "catalogue[3]", "kunci wajib 'indicators' tidak ada",
         id="criterion-indicators"),
])
def test_missing_required_key_is_reported_on_its_parent(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


@pytest.mark.parametrize(ARGS, [
    case("year: 2023\n", "year: '2023'\n",
         "year:", "year", "harus berupa tahun", id="year-text"),
    case("year: 2023\n", "year: 23\n",
         "year:", "year", "harus berupa tahun", id="year-out-of-range"),
    case("    weight: 30\n", "    weight: tiga puluh\n",
         "weight: tiga puluh", "catalogue[0].weight", "harus berupa angka", id="weight"),
    case("      label_en: Failed evaluation\n      final: true\n",
         "      label_en: Failed evaluation\n      final: ya\n",
         "final: ya", "lifecycle.states.evaluation_failed.final", "harus true atau false", id="final"),
    case("      label: Pembangunan\n", "      label: [Pembangunan]\n",
         "label: [Pembangunan]", "lifecycle.states.development.label", "harus berupa teks yang tidak kosong",
         id="label"),
    case("initial: declared", "initial: [declared]",
         "initial:", "lifecycle.initial", "harus berupa id state", id="initial"),
    case("guards: [declaration_window_open]", "guards: [{name: declaration_window_open}]",
         "guards: [{name", "lifecycle.transitions[0].guards", "harus berupa nama atau daftar nama",
         id="guards"),
    case("kind: list}", "kind: angka}",
         "kind: angka", "lifecycle.transitions[5].requires[0].kind", "harus 'text' atau 'list'",
         id="requires-kind"),
    case("year: 2023\n", "year: 2023\ntimezone: Asia/Makassar\n",
         "timezone:", "timezone", "hanya 'Asia/Jakarta' yang didukung", id="timezone"),
    case("  assessors: 1\n", "  assessors: 5\n",
         "assessors: 5", "scoring.assessors", "jumlah penilai harus 1, 2 atau 3", id="assessors"),
    case("  assessors: 1\n", "  assessors: 1\n  combine: median\n",
         "combine: median", "scoring.combine", "hanya 'average'", id="combine"),
])
def test_wrong_type_or_value(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


QUOTE_IT = "tulis dengan tanda kutip bila maksudnya teks"
TITLE = "title: Evaluasi Pelayanan Publik Berbasis HAM Tahun 2023\n"
REGULATION = next(line for line in TEXT_2023.splitlines(True) if line.startswith("regulation:"))
RETURN_REQUIRES = "requires: [{field: note, label: Catatan perbaikan}]"
DEVELOPMENT_ROLE = "      label_en: Development\n      role: admin\n"


@pytest.mark.parametrize(ARGS, [
    case("id: p2ham-2023\n", "id: 1.10\n",
         "id: 1.10", "id",
         f"harus berupa id definisi yang tidak kosong, bukan angka 1.10; {QUOTE_IT}: '1.10'",
         id="id-number"),
    case(TITLE, "title: {a: 1}\n",
         "title: {a: 1}", "title", "harus berupa teks yang tidak kosong, bukan pemetaan", id="title-mapping"),
    case(TITLE, "title: '   '\n",
         "title: '", "title", "harus berupa teks yang tidak kosong", id="title-blank"),
    case(REGULATION, "regulation: 2022\n", "regulation: 2022", "regulation",
         f"bukan angka 2022; {QUOTE_IT}: '2022'", id="regulation-number"),
    case("  - criterion: K4\n", "  - criterion: 4\n",
         "- criterion: 4", "catalogue[3].criterion",
         "harus berupa id kriteria yang tidak kosong, bukan angka 4",
         id="criterion-id-number"),
    case("      - id: K1.10\n", "      - id: 1.10\n",
         "- id: 1.10", "catalogue[0].indicators[9].id", f"bukan angka 1.10; {QUOTE_IT}: '1.10'",
         id="indicator-id-number"),
    case("      target: development\n", "      target: 7\n",
         "target: 7", "lifecycle.transitions[6].target",
         "harus berupa id state yang tidak kosong, bukan angka 7",
         id="target-number"),
    case("      target: development\n", "      target: no\n",
         "target: no", "lifecycle.transitions[6].target", f"bukan nilai benar/salah (no); {QUOTE_IT}: 'no'",
         id="target-boolean"),
    case("fires: escalate_assessment}", "fires: [escalate_assessment]}",
         "deadline: {at: assessment_due", "lifecycle.states.assessment.deadline.fires",
         "harus berupa nama event yang tidak kosong, bukan daftar", id="fires-list"),
    case("renderer: berita_acara,", "renderer: [berita_acara],",
         "renderer: [berita_acara]", "documents.berita_acara_hasil_evaluasi.renderer",
         "harus berupa nama penyusun yang tidak kosong, bukan daftar", id="renderer-list"),
    case("tugas_penilaian: {channel: in_app,", "tugas_penilaian: {channel: 1,",
         "channel: 1", "notifications.tugas_penilaian.channel", "harus berupa nama kanal yang tidak kosong",
         id="channel-number"),
    case("{id: ada, label: Ada, value: 100}", "{id: 1, label: Ada, value: 100}",
         "{id: 1, label: Ada", "scoring.scales.ada_proses_tidak.options[0].id", "harus berupa id pilihan",
         id="option-id-number"),
    case("{id: ada, label: Ada, value: 100}", "{id: ada, label: [Ada], value: 100}",
         "label: [Ada]", "scoring.scales.ada_proses_tidak.options[0].label", "harus berupa teks",
         id="option-label"),
    case("      label: Ketersediaan\n", "      label: 100\n",
         "label: 100", "scoring.scales.ada_proses_tidak.label", "bukan angka 100", id="scale-label-number"),
    case("      label: Pembangunan\n", "      label: yes\n",
         "label: yes", "lifecycle.states.development.label",
         f"bukan nilai benar/salah (yes); {QUOTE_IT}: 'yes'",
         id="label-boolean"),
    case("    weight: 30\n", "    weight: yes\n",
         "weight: yes", "catalogue[0].weight", "harus berupa angka, bukan nilai benar/salah (yes)",
         id="weight-boolean"),
    case("    weight: 30\n", "    weight: .nan\n",
         "weight: .nan", "catalogue[0].weight", "bukan .inf atau .nan", id="weight-nan"),
    case("    weight: 30\n", "    weight: -30\n",
         "weight: -30", "catalogue[0].weight", "bobot harus lebih dari 0 dan paling besar 100",
         id="weight-negative"),
    case("after: 14d", "after: [14d]",
         "after: [14d]", "lifecycle.states.evaluation_review.deadline.after",
         "harus berupa durasi, misalnya 14d",
         id="after-list"),
    case("after: 14d", "after: 0d",
         "after: 0d", "lifecycle.states.evaluation_review.deadline.after", "durasi harus lebih dari 0",
         id="after-zero"),
    case(DEVELOPMENT_ROLE, "      label_en: Development\n      role:\n",
         ("role:", 1), "lifecycle.states.development.role", "tidak boleh kosong", id="state-role-null"),
    case(DEVELOPMENT_ROLE, "      label_en: Development\n      role: [admin]\n",
         "role: [admin]", "lifecycle.states.development.role",
         "harus berupa peran yang tidak kosong, bukan daftar",
         id="state-role-list"),
    case("role: [system, admin]", "role: []",
         "role: []", "lifecycle.transitions[15].role",
         "harus berisi paling sedikit satu peran; tanpa peran tidak ada yang dapat menjalankan transisi ini",
         id="transition-role-empty"),
    case("role: [system, admin]", "role: ~",
         "role: ~", "lifecycle.transitions[15].role", "tidak boleh kosong", id="transition-role-null"),
    case("to: [verifikator]", "to: []",
         "to: []", "notifications.tugas_verifikasi.to", "harus berisi paling sedikit satu penerima",
         id="notification-to-empty"),
    case("  assessors: 1\n", "  assessors: true\n",
         "assessors: true", "scoring.assessors", "jumlah penilai harus 1, 2 atau 3", id="assessors-true"),
    case("  assessors: 1\n", "  assessors: 1.0\n",
         "assessors: 1.0", "scoring.assessors", "jumlah penilai harus 1, 2 atau 3", id="assessors-float"),
    case(RETURN_REQUIRES, "requires:",
         ("requires:", 1), "lifecycle.transitions[6].requires", "tidak boleh kosong",
         id="requires-null"),
    case(RETURN_REQUIRES, "requires: [note, 5]",
         "requires: [note, 5]", "lifecycle.transitions[6].requires[1]",
         "harus berupa nama isian atau {field, label, kind}, bukan angka 5", id="requires-item-number"),
    case(RETURN_REQUIRES, "requires: [note, {field: note, label: Catatan}]",
         "requires: [note,", "lifecycle.transitions[6].requires[1].field",
         "isian 'note' tertulis lebih dari sekali",
         id="requires-duplicate"),
    case("{field: note,", "{field: 5,",
         "requires: [{field: 5", "lifecycle.transitions[6].requires[0].field", "harus berupa nama isian",
         id="requires-field-number"),
    case("      source: evaluation_review\n      target: development\n",
         "      source: [evaluation_review, evaluation_review]\n      target: development\n",
         "source: [evaluation_review, evaluation_review]", "lifecycle.transitions[6].source",
         "state asal yang sama tertulis lebih dari sekali", id="source-twice"),
    case("guards: [declaration_window_open]", "guards: [declaration_window_open, '']",
         "guards: [declaration", "lifecycle.transitions[0].guards",
         "harus berupa nama atau daftar nama; nama ke-2 adalah teks kosong", id="guards-empty-name"),
    case("      label_en: Failed evaluation\n      final: true\n",
         "      label_en: Failed evaluation\n      final:\n",
         ("final:", 0), "lifecycle.states.evaluation_failed.final", "tidak boleh kosong", id="final-null"),
])
def test_value_of_the_wrong_type_is_one_issue(old, new, anchor, path, message):
    """Every id and text must be a string as written: a number (``1.10`` would read as 1.1), a
    true/false word or a list is reported, with a hint to quote a scalar."""
    assert_single(edit(old, new), anchor, path, message)


@pytest.mark.parametrize("requires, fields", [
    ("reasons", [("reasons", "reasons", "text")]),
    ("{field: reasons, label: Alasan, kind: list}", [("reasons", "Alasan", "list")]),
    ("[reasons, {field: note, label: Catatan}]",
     [("reasons", "reasons", "text"), ("note", "Catatan", "text")]),
], ids=["one-name", "one-field", "list"])
def test_requires_takes_one_field_or_a_list(requires, fields):
    d = load_text(edit(RETURN_REQUIRES, f"requires: {requires}"), NAME, REGISTRY)
    t = next(t for t in d.transitions if t.event == "return_evaluation")
    assert [(f.name, f.label, f.kind) for f in t.requires] == fields


@pytest.mark.parametrize(ARGS, [
    case("      label_en: Development\n", "      label_en: Development\n      label: Pembangunan lagi\n",
         "label: Pembangunan lagi", "lifecycle.states.development.label", "kunci 'label' tertulis dua kali",
         id="state-key"),
    case("  verification_due: 2023-10-31 23:59:59\n",
         "  verification_due: 2023-10-31 23:59:59\n  evaluation_opens: 2023-11-01 00:00\n",
         "evaluation_opens: 2023-11-01", "calendar.evaluation_opens",
         "kunci 'evaluation_opens' tertulis dua kali", id="calendar-key"),
    case("    supervision:\n", "    awarded:\n      label: Lagi\n      final: true\n    supervision:\n",
         ("awarded:", 1), "lifecycle.states.awarded", "kunci 'awarded' tertulis dua kali", id="state-id"),
])
def test_duplicate_yaml_key_is_reported_at_the_second_one(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


# -- the lifecycle graph ---------------------------------------------------------------------------
EXTRA_START_SUPERVISION = (
    "    - {event: start_supervision, source: awarded, target: supervision, role: admin, label: Lagi}\n")


@pytest.mark.parametrize(ARGS, [
    case("initial: declared", "initial: declard",
         "initial:", "lifecycle.initial", "state awal 'declard' tidak ada di lifecycle.states",
         id="unknown-initial"),
    case("    supervision:\n", "    archived:\n      label: Arsip\n      final: true\n    supervision:\n",
         "archived:", "lifecycle.states.archived",
         "state 'archived' tidak dapat dicapai dari state awal 'declared'", id="unreachable"),
    case("      label_en: Guidance and supervision\n      final: true\n",
         "      label_en: Guidance and supervision\n",
         "supervision:", "lifecycle.states.supervision",
         "state 'supervision' bukan final tetapi tidak punya transisi keluar", id="dead-end"),
    case("      target: development\n", "      target: asessment\n",
         "target: asessment", "lifecycle.transitions[6].target", "state tujuan tidak dikenal 'asessment'",
         id="unknown-target"),
    case("      source: evaluation_review\n      target: development\n",
         "      source: evaluation_reveiw\n      target: development\n",
         "source: evaluation_reveiw", "lifecycle.transitions[6].source",
         "state asal tidak dikenal 'evaluation_reveiw'", id="unknown-source"),
    case("      source: evaluation_review\n      target: development\n",
         "      source: evaluation_failed\n      target: development\n",
         "source: evaluation_failed", "lifecycle.transitions[6].source",
         "state 'evaluation_failed' bersifat final dan tidak boleh punya transisi keluar", id="out-of-final"),
    case("       label: Mulai pembinaan dan pengawasan}\n",
         "       label: Mulai pembinaan dan pengawasan}\n" + EXTRA_START_SUPERVISION,
         "label: Lagi}", "lifecycle.transitions[16].event",
         "event 'start_supervision' dari 'awarded' sudah ada di transisi [15]", id="same-event-twice"),
    case("      guards: [assessment_failed]\n", "",
         ("- event: submit_assessment", 1), "lifecycle.transitions[13].event",
         "cabang ganda memerlukan guards", id="branch-without-guard"),
])
def test_lifecycle_graph(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_unknown_target_issue_reads_as_file_line_path_message():
    text = edit("      target: development\n", "      target: asessment\n")
    line = line_of(text, "target: asessment")
    assert str(single_issue(text)) == (
        f"{NAME}:{line}: lifecycle.transitions[6].target: state tujuan tidak dikenal 'asessment'")


def test_lifecycle_without_a_final_state():
    text = edit("    closed: {label: Tertutup, final: true}\n", "    closed: {label: Tertutup}\n", MINIMAL)
    text = edit("role: [admin, system]}\n",
                "role: [admin, system]}\n    - {event: reopen, source: closed, target: open, role: admin}\n",
                text)
    assert_single(text, "states:", "lifecycle.states", "paling sedikit satu state final")


@pytest.mark.parametrize(ARGS, [
    case("      role: operator\n      documents:", "      role: operater\n      documents:",
         "role: operater", "lifecycle.states.evidence_input.role", "peran 'operater' tidak dikenal",
         id="state"),
    case("task: {role: penilai,", "task: {role: assessor,",
         "task: {role: assessor", "lifecycle.states.assessment.task.role", "peran 'assessor' tidak dikenal",
         id="task"),
    case("      role: verifikator\n      label: Nyatakan lolos evaluasi\n",
         "      role: verifikatur\n      label: Nyatakan lolos evaluasi\n",
         "role: verifikatur", "lifecycle.transitions[4].role", "peran 'verifikatur' tidak dikenal",
         id="transition"),
    case("role: [system, admin]", "role: [system, adimn]",
         "role: [system, adimn]", "lifecycle.transitions[15].role", "peran 'adimn' tidak dikenal",
         id="transition-list"),
    case("to: [verifikator]", "to: [verifier]",
         "to: [verifier]", "notifications.tugas_verifikasi.to",
         "penerima 'verifier' bukan peran yang dikenal",
         id="notification-recipient"),
])
def test_unknown_role(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


# -- deadlines -------------------------------------------------------------------------------------
@pytest.mark.parametrize(ARGS, [
    case("{at: verification_due,", "{at: verification_deadline,",
         "deadline: {at: verification_deadline", "lifecycle.states.final_verification.deadline.at",
         "tanggal kalender tidak dikenal 'verification_deadline'", id="at-unknown-calendar-key"),
    case("fires: escalate_assessment}", "fires: escalate_asessment}",
         "fires: escalate_asessment", "lifecycle.states.assessment.deadline.fires",
         "event 'escalate_asessment' tidak punya transisi dari state 'assessment'",
         id="fires-without-transition"),
    case("source: assessment, target: assessment, role: system,",
         "source: assessment, target: assessment, role: penilai,",
         "deadline: {at: assessment_due", "lifecycle.states.assessment.deadline.fires",
         "transisi 'escalate_assessment' dari 'assessment' harus mengizinkan peran 'system'",
         id="fires-transition-not-for-system"),
    case("{at: assessment_due, fires:", "{at: assessment_due, after: 7d, fires:",
         "deadline: {at: assessment_due", "lifecycle.states.assessment.deadline",
         "isi tepat satu dari 'at'", id="both-at-and-after"),
    case("{at: assessment_due, fires:", "{fires:",
         "deadline: {fires: escalate_assessment", "lifecycle.states.assessment.deadline",
         "isi tepat satu dari 'at'", id="neither-at-nor-after"),
    case("after: 14d", "after: 2 minggu",
         "after: 2 minggu", "lifecycle.states.evaluation_review.deadline.after",
         "durasi '2 minggu' tidak dikenal (contoh: 14d, 36h, 90m)", id="bad-duration"),
    case("after: 14d", "after: 14",
         "after: 14", "lifecycle.states.evaluation_review.deadline.after",
         "durasi '14' tidak dikenal", id="duration-without-unit"),
])
def test_deadline(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_deadline_on_a_final_state():
    text = edit("      outcome: passed\n",
                "      outcome: passed\n      deadline: {after: 1d, fires: start_supervision}\n")
    found = {i.path: i for i in issues(text)}
    issue = found["lifecycle.states.supervision.deadline"]
    assert issue.line == line_of(text, "deadline: {after: 1d")
    assert issue.message == "state final tidak boleh punya tenggat"


# -- evidence windows ------------------------------------------------------------------------------
CATALOGUE_WINDOW = "evidence: {section: catalogue, closes: evidence_input_closes, roles: [operator]}"
EVALUATION_WINDOW = ("evidence: {section: evaluation, opens: evaluation_opens, closes: evaluation_closes, "
                     "roles: [admin]}")


@pytest.mark.parametrize(ARGS, [
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("section: catalogue", "section: katalog"),
         "evidence: {section: katalog", "lifecycle.states.evidence_input.evidence.section",
         "harus 'evaluation' (evaluation_catalogue) atau 'catalogue' (indikator)", id="unknown-section"),
    case(CATALOGUE_WINDOW,
         CATALOGUE_WINDOW.replace("closes: evidence_input_closes", "closes: evidence_closes"),
         "closes: evidence_closes", "lifecycle.states.evidence_input.evidence.closes",
         "tanggal kalender tidak dikenal 'evidence_closes'", id="unknown-closes"),
    case(EVALUATION_WINDOW, EVALUATION_WINDOW.replace("opens: evaluation_opens", "opens: evaluation_open"),
         "opens: evaluation_open,", "lifecycle.states.development.evidence.opens",
         "tanggal kalender tidak dikenal 'evaluation_open'", id="unknown-opens"),
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("[operator]", "[operator, system]"),
         "roles: [operator, system]", "lifecycle.states.evidence_input.evidence.roles",
         "peran 'system' tidak dapat mengisi data dukung (yang dapat: admin, operator, verifikator, penilai)",
         id="system-refused"),
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("[operator]", "[operater]"),
         "roles: [operater]", "lifecycle.states.evidence_input.evidence.roles",
         "peran 'operater' tidak dapat mengisi data dukung", id="unknown-role"),
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("[operator]", "[]"),
         "roles: []", "lifecycle.states.evidence_input.evidence.roles",
         "harus berisi paling sedikit satu peran yang boleh mengisi data dukung", id="no-role"),
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("closes: evidence_input_closes, ", ""),
         "evidence: {section: catalogue, roles", "lifecycle.states.evidence_input.evidence",
         "kunci wajib 'closes' tidak ada", id="missing-closes"),
    case(CATALOGUE_WINDOW, CATALOGUE_WINDOW.replace("roles:", "peran:"),
         "evidence: {section: catalogue,", "lifecycle.states.evidence_input.evidence.peran",
         "kunci tidak dikenal 'peran'", id="unknown-key"),
    case(EVALUATION_WINDOW, EVALUATION_WINDOW.replace("opens: evaluation_opens, closes: evaluation_closes",
                                                      "opens: evaluation_closes, closes: evaluation_opens"),
         "evidence: {section: evaluation", "lifecycle.states.development.evidence.opens",
         "jendela dibuka ('evaluation_closes') tidak lebih awal dari saat ditutup ('evaluation_opens')",
         id="opens-after-closes"),
    case(CATALOGUE_WINDOW, "evidence: [catalogue]",
         "evidence: [catalogue]", "lifecycle.states.evidence_input.evidence",
         "harus berupa pemetaan (key: value), bukan daftar", id="not-a-mapping"),
])
def test_evidence_window(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_evidence_window_for_the_evaluation_needs_an_evaluation_catalogue():
    text = edit("    open: {label: Terbuka, deadline: {at: closes, fires: close}}",
                "    open: {label: Terbuka, deadline: {at: closes, fires: close},\n"
                "           evidence: {section: evaluation, closes: closes}}", MINIMAL)
    assert_single(text, "evidence: {section: evaluation", "lifecycle.states.open.evidence.section",
                  "definisi tidak punya evaluation_catalogue")


def test_evidence_window_roles_default_to_the_operator():
    text = edit("    open: {label: Terbuka, deadline: {at: closes, fires: close}}",
                "    open: {label: Terbuka, deadline: {at: closes, fires: close},\n"
                "           evidence: {section: catalogue, opens: opens, closes: closes}}", MINIMAL)
    window = load_text(text, "m.yaml", REGISTRY).state("open").evidence
    assert (window.section, window.opens, window.closes, window.roles) == ("catalogue", "opens", "closes",
                                                                           ("operator",))


# -- reminders -------------------------------------------------------------------------------------
REMINDERS = "reminders: [{before: 7d, notify: pengingat_tenggat}, {before: 1d, notify: pengingat_tenggat}]"
EVIDENCE_INPUT_DEADLINE = "      deadline: {at: evidence_input_closes, fires: close_evidence_input}\n"
AT_EVIDENCE_INPUT = "lifecycle.states.evidence_input.reminders"
ALREADY_1D = "pengingat 1d sebelum tenggat sudah ada di reminders[0]"


@pytest.mark.parametrize(ARGS, [
    case(REMINDERS, REMINDERS.replace("notify: pengingat_tenggat}]", "notify: pengingat_tenggal}]"),
         "reminders:", AT_EVIDENCE_INPUT + "[1].notify",
         "notifikasi tidak dikenal 'pengingat_tenggal' (tambahkan di bagian notifications)",
         id="unknown-notify"),
    case(REMINDERS, REMINDERS.replace("before: 7d", "before: 0d"),
         "reminders:", AT_EVIDENCE_INPUT + "[0].before", "durasi harus lebih dari 0", id="zero-before"),
    case(REMINDERS, REMINDERS.replace("before: 7d", "before: 1 minggu"),
         "reminders:", AT_EVIDENCE_INPUT + "[0].before",
         "durasi '1 minggu' tidak dikenal (contoh: 14d, 36h, 90m)",
         id="bad-before"),
    case(REMINDERS, REMINDERS.replace("before: 7d", "before: [7d]"),
         "reminders:", AT_EVIDENCE_INPUT + "[0].before", "harus berupa durasi, misalnya 14d, bukan daftar",
         id="before-list"),
    case(REMINDERS, REMINDERS.replace("before: 7d", "before: 1d"),
         "reminders:", AT_EVIDENCE_INPUT + "[1].before", ALREADY_1D,
         id="duplicate-before"),
    case(REMINDERS, REMINDERS.replace("before: 7d", "before: 24h"),
         "reminders:", AT_EVIDENCE_INPUT + "[1].before", ALREADY_1D,
         id="same-before-written-otherwise"),
    case(EVIDENCE_INPUT_DEADLINE, "",
         "reminders:", AT_EVIDENCE_INPUT,
         "state 'evidence_input' tidak punya tenggat (deadline), padahal pengingat dihitung mundur "
         "dari tenggat",
         id="no-deadline"),
    case(REMINDERS, REMINDERS.replace("{before: 7d, notify: pengingat_tenggat}", "{before: 7d}"),
         "reminders:", AT_EVIDENCE_INPUT + "[0]", "kunci wajib 'notify' tidak ada", id="missing-notify"),
    case(REMINDERS, REMINDERS.replace("{before: 7d,", "{before: 7d, to: [admin],"),
         "reminders:", AT_EVIDENCE_INPUT + "[0].to",
         "kunci tidak dikenal 'to' (yang dikenal: before, notify)",
         id="unknown-key"),
    case(REMINDERS, REMINDERS.replace("{before: 7d, notify: pengingat_tenggat}", "7d"),
         "reminders:", AT_EVIDENCE_INPUT + "[0]", "harus berupa pemetaan (key: value), bukan teks '7d'",
         id="element-not-a-mapping"),
    case(REMINDERS, "reminders: {before: 7d, notify: pengingat_tenggat}",
         "reminders:", AT_EVIDENCE_INPUT,
         "harus berupa daftar pengingat {before, notify} yang tidak kosong, bukan pemetaan", id="not-a-list"),
    case(REMINDERS, "reminders: []",
         "reminders:", AT_EVIDENCE_INPUT, "harus berupa daftar pengingat {before, notify} yang tidak kosong",
         id="empty-list"),
])
def test_reminder(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_reminder_issue_is_on_the_line_of_its_element():
    text = edit(REMINDERS, "reminders:\n"
                           "        - {before: 7d, notify: pengingat_tenggat}\n"
                           "        - {before: 168h, notify: pengingat_tenggat}\n")
    assert_single(text, "- {before: 168h", AT_EVIDENCE_INPUT + "[1].before",
                  "pengingat 7d sebelum tenggat sudah ada di reminders[0]")


def test_reminder_on_a_state_whose_deadline_cannot_be_read_is_not_reported_again():
    text = edit(EVIDENCE_INPUT_DEADLINE, "      deadline: [evidence_input_closes]\n")
    assert_single(text, "deadline: [evidence_input_closes]", "lifecycle.states.evidence_input.deadline",
                  "harus berupa pemetaan (key: value), bukan daftar")


def test_reminder_on_a_final_state_has_no_deadline_to_count_back_from():
    text = edit("      outcome: passed\n",
                "      outcome: passed\n      reminders: [{before: 1d, notify: eskalasi_tugas}]\n")
    assert_single(text, "reminders: [{before: 1d", "lifecycle.states.supervision.reminders",
                  "state 'supervision' tidak punya tenggat (deadline)")


# -- handler, document and notification names ------------------------------------------------------
@pytest.mark.parametrize(ARGS, [
    case("guards: [declaration_window_open]", "guards: [declaration_window_is_open]",
         "guards: [declaration", "lifecycle.transitions[0].guards",
         "guard tidak terdaftar 'declaration_window_is_open'", id="guard"),
    case("actions: [request_operator_account]", "actions: [create_operator_account]",
         "actions: [create", "lifecycle.transitions[4].actions",
         "aksi tidak terdaftar 'create_operator_account'", id="action"),
    case("documents: [berita_acara_hasil_evaluasi]", "documents: [berita_acara]",
         "documents: [berita_acara]", "lifecycle.states.evidence_input.documents",
         "dokumen tidak dikenal 'berita_acara'", id="state-document"),
    case("renderer: berita_acara,", "renderer: berita_acara_pdf,",
         "renderer: berita_acara_pdf", "documents.berita_acara_hasil_evaluasi.renderer",
         "penyusun dokumen tidak terdaftar 'berita_acara_pdf'", id="document-renderer"),
    case("tugas_penilaian: {channel: in_app,", "tugas_penilaian: {channel: whatsapp,",
         "channel: whatsapp", "notifications.tugas_penilaian.channel",
         "kanal notifikasi tidak terdaftar 'whatsapp'", id="notification-channel"),
    case("verifikasi, notify: [tugas_penilaian]}", "verifikasi, notify: [tugas_penilai]}",
         "notify: [tugas_penilai]", "lifecycle.transitions[10].notify",
         "notifikasi tidak dikenal 'tugas_penilai'", id="transition-notify"),
    case("notify: [evaluasi_lolos]", "notify: [evaluasi_berhasil]",
         "notify: [evaluasi_berhasil]", "lifecycle.states.evidence_input.notify",
         "notifikasi tidak dikenal 'evaluasi_berhasil'", id="state-notify"),
])
def test_unknown_name(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_guard_message_lists_the_registered_guards():
    issue = single_issue(edit("guards: [declaration_window_open]", "guards: [declaration_window_is_open]"))
    assert ", ".join(REGISTRY.names("guard")) in issue.message


# -- calendar --------------------------------------------------------------------------------------
@pytest.mark.parametrize(ARGS, [
    case("  assessment_due: 2023-11-24 23:59:59", "  assessment_due: 2023-10-24 23:59:59",
         "assessment_due:", "calendar.assessment_due",
         "tanggal tidak berurutan: 'assessment_due' (2023-10-24 23:59) lebih awal dari "
         "'verification_due' (2023-10-31 23:59)", id="out-of-order"),
    case("  result_date: 2023-12-10 09:00", "  result_date: 10 Desember 2023",
         "result_date:", "calendar.result_date",
         "tanggal '10 Desember 2023' tidak dikenal (format: YYYY-MM-DD", id="bad-string"),
    case("  result_date: 2023-12-10 09:00", "  result_date: 2023-12-10 9 pagi",
         "result_date:", "calendar.result_date", "tanggal '2023-12-10 9 pagi' tidak dikenal", id="bad-time"),
])
def test_calendar(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_impossible_calendar_date_is_reported_where_written():
    text = edit("  declaration_opens: 2023-01-02 00:00", "  declaration_opens: 2023-02-30 00:00")
    issue = single_issue(text)
    assert (issue.line, issue.path) == (line_of(text, "declaration_opens:"), "calendar.declaration_opens")


@pytest.mark.parametrize("value", ["2023-02-30 00:00", "2023-02-30 23:59:59"],
                         ids=["short-form", "yaml-timestamp"])
def test_impossible_calendar_date_message_names_the_value(value):
    text = edit("  declaration_opens: 2023-01-02 00:00", f"  declaration_opens: {value}")
    issue = single_issue(text)
    assert issue.line == line_of(text, "declaration_opens:")
    assert f"tanggal '{value}'" in issue.message


@pytest.mark.parametrize("value, why", [
    ("2023-02-30", "Februari 2023 hanya sampai tanggal 28"),
    ("2023-02-30 00:00", "Februari 2023 hanya sampai tanggal 28"),
    ("2023-02-30 23:59:59", "Februari 2023 hanya sampai tanggal 28"),
    ("2023-04-31 00:00", "April 2023 hanya sampai tanggal 30"),
    ("2023-13-01 00:00", "bulan 13 tidak ada (bulan 01 sampai 12)"),
    ("2023-01-02 24:00", "jam 24 tidak ada (jam 00 sampai 23)"),
    ("2023-01-02 23:60:00", "menit 60 tidak ada"),
    ("2023-01-02 00:00:00+25:00", "zona waktu '+25:00' di luar rentang"),
], ids=["date", "short-form", "yaml-timestamp", "april-31", "month-13", "hour-24", "minute-60", "zone"])
def test_impossible_calendar_date_says_why_in_indonesian(value, why):
    text = edit("  declaration_opens: 2023-01-02 00:00", f"  declaration_opens: {value}")
    assert_single(text, "declaration_opens:", "calendar.declaration_opens",
                  f"tanggal '{value}' tidak dikenal: {why}")


@pytest.mark.parametrize("value, message", [
    ("[2023-12-10]", "harus berupa tanggal, misalnya 2023-12-10 atau 2023-12-10 09:00, bukan daftar"),
    ("20231210", "harus berupa tanggal, misalnya 2023-12-10 atau 2023-12-10 09:00, bukan angka 20231210"),
    ("", "tidak boleh kosong"),
], ids=["list", "number", "empty"])
def test_calendar_value_that_is_not_a_date(value, message):
    text = edit("  result_date: 2023-12-10 09:00", f"  result_date: {value}")
    assert_single(text, "result_date:", "calendar.result_date", message)


def test_leap_day_and_written_time_zones_are_read():
    text = edit("  evaluation_closes: 2023-09-30 23:59:59", "  evaluation_closes: 2023-09-30 16:59:59Z")
    text = edit("  declaration_opens: 2023-01-02 00:00", "  declaration_opens: 2023-01-02T00:00:00+07:00",
                text)
    d = load_text(text, NAME, REGISTRY)
    assert d.date("evaluation_closes") == load_text(TEXT_2023, NAME, REGISTRY).date("evaluation_closes")
    assert d.date("declaration_opens").isoformat() == "2023-01-02T00:00:00+07:00"
    leap = load_text(edit("  opens: 2030-01-01", "  opens: 2028-02-29", MINIMAL), "m", REGISTRY)
    assert leap.date("opens").isoformat() == "2028-02-29T00:00:00+07:00"


def test_a_date_written_where_text_is_expected_stays_text():
    """PyYAML would build a date (or crash on 2023-02-30); a label keeps exactly what is written."""
    d = load_text(edit("      label: Pembangunan\n", "      label: 2023-02-30 23:59:59\n"), NAME, REGISTRY)
    assert d.state("development").label == "2023-02-30 23:59:59"


# -- catalogue -------------------------------------------------------------------------------------
K1_4_EVIDENCE = (
    "        evidence:\n"
    "          - {id: foto_guiding_block, label: Foto jalur pemandu dari pintu masuk ke ruang pelayanan}\n")
K2_3_SECOND_SET = (
    "          - label: Workshop bahasa isyarat\n"
    "            items:\n"
    "              - {id: sertifikat_workshop_bahasa_isyarat, label: Sertifikat workshop bahasa isyarat}\n")
RAMP_ITEM = "label: Foto ramp beserta pegangan rambat}"
K4_WEIGHT = "    weight: 15\n    indicators:\n      - id: K4.1"


@pytest.mark.parametrize(ARGS, [
    case(K4_WEIGHT, K4_WEIGHT.replace("15", "10"),
         "catalogue:", "catalogue", "jumlah bobot kriteria harus 100, sekarang 95", id="weights-not-100"),
    case("      - id: K2.1\n", "      - id: K1.2\n",
         ("- id: K1.2", 1), "catalogue[1].indicators[0].id", "id indikator 'K1.2' tertulis lebih dari sekali",
         id="duplicate-indicator-across-criteria"),
    case("  - criterion: K4\n", "  - criterion: K3\n",
         ("- criterion: K3", 1), "catalogue[3].criterion", "kriteria 'K3' tertulis lebih dari sekali",
         id="duplicate-criterion"),
    case(K1_4_EVIDENCE, "",
         "- id: K1.4", "catalogue[0].indicators[3]",
         "isi tepat satu dari 'evidence' (satu set) atau 'evidence_any_of'", id="neither-evidence"),
    case("        evidence_any_of:\n",
         "        evidence:\n          - {id: sertifikat_isyarat, label: Sertifikat}\n"
         "        evidence_any_of:\n",
         "- id: K2.3", "catalogue[1].indicators[2]", "isi tepat satu dari 'evidence'", id="both-evidence"),
    case(K2_3_SECOND_SET, "",
         "evidence_any_of:", "catalogue[1].indicators[2].evidence_any_of",
         "paling sedikit dua set alternatif", id="any-of-one-set"),
    case(K1_4_EVIDENCE, "        evidence: []\n",
         "evidence: []", "catalogue[0].indicators[3].evidence",
         "harus berupa daftar data dukung yang tidak kosong", id="empty-evidence"),
    case("{id: sertifikat_workshop_bahasa_isyarat,", "{id: surat_koordinasi,",
         "- id: K2.3", "catalogue[1].indicators[2]",
         "data dukung 'surat_koordinasi' muncul dengan label berbeda", id="same-item-two-labels"),
    case(RAMP_ITEM, RAMP_ITEM[:-1] + ", types: [pdf, docx]}",
         "types: [pdf, docx]", "catalogue[0].indicators[4].evidence[0].types",
         "jenis berkas tidak didukung: docx (yang didukung: pdf, jpg, jpeg, png)", id="item-file-type"),
    case("  types: [pdf, jpg, jpeg, png]", "  types: [pdf, exe]",
         "types: [pdf, exe]", "evidence_defaults.types", "jenis berkas tidak didukung: exe",
         id="default-file-type"),
    case(RAMP_ITEM, RAMP_ITEM[:-1] + ", max_mb: 3.5}",
         "max_mb: 3.5", "catalogue[0].indicators[4].evidence[0].max_mb", "paling besar 3 (MB)",
         id="item-max-mb"),
    case("  max_mb: 3", "  max_mb: 5",
         "max_mb: 5", "evidence_defaults.max_mb", "paling besar 3 (MB)", id="default-max-mb"),
    case("  max_mb: 3", "  max_mb: 0",
         "max_mb: 0", "evidence_defaults.max_mb", "lebih dari 0", id="zero-max-mb"),
])
def test_catalogue(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_evaluation_indicator_takes_no_scale():
    title = "    title: Laporan pembangunan P2HAM\n"
    text = edit(title, title + "    scale: kepatuhan\n")
    assert_single(text, ("scale: kepatuhan", 0), "evaluation_catalogue[1].scale",
                  "indikator evaluation_catalogue tidak dinilai, jadi tidak memakai skala; hapus 'scale'")


def test_evidence_item_twice_in_one_set_is_reported_at_the_second():
    ramp = "          - {id: foto_ramp, label: Foto ramp beserta pegangan rambat}\n"
    text = edit(ramp, ramp + "          - {id: foto_ramp, label: Foto ramp lagi}\n")
    assert_single(text, "{id: foto_ramp, label: Foto ramp lagi}", "catalogue[0].indicators[4].evidence[1].id",
                  "data dukung 'foto_ramp' tertulis lebih dari sekali dalam set ini")


def test_indicator_id_shared_with_the_evaluation_catalogue_is_reported():
    text = edit("  - id: E3\n", "  - id: K1.1\n")
    issue = single_issue(text)
    assert issue.line in (line_of(text, ("- id: K1.1", 0)), line_of(text, ("- id: K1.1", 1)))
    assert issue.path.endswith(".id")
    assert issue.message == "id indikator 'K1.1' tertulis lebih dari sekali"


def test_indicator_id_shared_with_the_evaluation_catalogue_is_reported_at_the_later_one():
    text = edit("      - id: K1.1\n", "      - id: E1\n")
    assert_single(text, ("- id: E1", 1), "catalogue[0].indicators[0].id",
                  "id indikator 'E1' tertulis lebih dari sekali")


# -- scoring ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(ARGS, [
    case("        title: Ruang laktasi\n", "        title: Ruang laktasi\n        scale: kepatuhan_x\n",
         "scale: kepatuhan_x", "catalogue[0].indicators[5].scale", "skala tidak dikenal 'kepatuhan_x'",
         id="indicator-scale"),
    case("pass_threshold: 75", "pass_threshold: 150",
         "pass_threshold:", "scoring.pass_threshold", "ambang kelulusan harus antara 0 dan 100",
         id="threshold-above-100"),
    case("pass_threshold: 75", "pass_threshold: 0",
         "pass_threshold:", "scoring.pass_threshold", "ambang kelulusan harus antara 0 dan 100",
         id="threshold-zero"),
    case("value: 60}", "value: 160}",
         "value: 160}", "scoring.scales.kepatuhan.options[1].value", "nilai harus antara 0 dan 100",
         id="option-above-100"),
    case("value: 60}", "value: -5}",
         "value: -5}", "scoring.scales.kepatuhan.options[1].value", "nilai harus antara 0 dan 100",
         id="option-negative"),
    case("{id: cukup_patuh,", "{id: patuh,",
         "{id: patuh, label: Cukup patuh", "scoring.scales.kepatuhan.options[1].id",
         "pilihan skala 'patuh' tertulis lebih dari sekali",
         id="duplicate-option"),
])
def test_scoring(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


def test_unknown_default_scale():
    text = edit("default_scale: ada_proses_tidak", "default_scale: ada_tidak")
    found = {i.path: i for i in issues(text)}
    issue = found["scoring.default_scale"]
    assert issue.line == line_of(text, "default_scale:")
    assert issue.message == "skala bawaan tidak dikenal 'ada_tidak'"


@pytest.mark.parametrize("old, new, anchor, path", [
    ("    scale: kepatuhan\n", "    scale: kepatuhan_x\n", "scale: kepatuhan_x", "catalogue[2].scale"),
    ("default_scale: ada_proses_tidak", "default_scale: ada_tidak",
     "default_scale:", "scoring.default_scale"),
], ids=["criterion-scale", "default-scale"])
def test_unknown_scale_is_reported_once_where_it_is_written(old, new, anchor, path):
    text = edit(old, new)
    issue = single_issue(text)
    assert (issue.line, issue.path) == (line_of(text, anchor), path)


# -- every problem at once -------------------------------------------------------------------------
def test_three_graph_calendar_and_catalogue_mistakes_are_three_issues_sorted_by_line():
    text = edit("      target: development\n", "      target: asessment\n")
    text = edit("  assessment_due: 2023-11-24 23:59:59", "  assessment_due: 2023-10-24 23:59:59", text)
    text = edit(K4_WEIGHT, K4_WEIGHT.replace("15", "10"), text)
    # The lifecycle is checked before the calendar: only sorting puts the calendar issue first.
    assert [(i.line, i.path) for i in issues(text)] == [
        (line_of(text, "assessment_due:"), "calendar.assessment_due"),
        (line_of(text, "target: asessment"), "lifecycle.transitions[6].target"),
        (line_of(text, "catalogue:"), "catalogue"),
    ]


def test_three_shape_mistakes_are_three_issues_sorted_by_line():
    text = edit("description: >-", "deskripsi: >-")
    text = edit("    weight: 30\n", "    weight: tiga puluh\n", text)
    text = edit("  max_mb: 3", "  max_mb: 5", text)
    assert [(i.line, i.path) for i in issues(text)] == [
        (line_of(text, "deskripsi:"), "deskripsi"),
        (line_of(text, "max_mb: 5"), "evidence_defaults.max_mb"),
        (line_of(text, "weight: tiga puluh"), "catalogue[0].weight"),
    ]


def test_shape_and_semantic_mistakes_are_reported_together():
    text = edit("description: >-", "deskripsi: >-")
    text = edit("      target: development\n", "      target: asessment\n", text)
    text = edit("guards: [declaration_window_open]", "guards: [declaration_window_is_open]", text)
    assert [i.path for i in issues(text)] == [
        "deskripsi", "lifecycle.transitions[0].guards", "lifecycle.transitions[6].target"]


def test_mistakes_of_every_kind_are_reported_together():
    text = edit("description: >-", "deskripsi: >-")
    text = edit("  declaration_opens: 2023-01-02 00:00", "  declaration_opens: 2023-02-30 00:00", text)
    text = edit("      label: Pembangunan\n", "      label: [Pembangunan]\n", text)
    text = edit("guards: [declaration_window_open]", "guards: [declaration_window_is_open]", text)
    text = edit("      target: development\n", "      target: asessment\n", text)
    text = edit("    scale: kepatuhan\n", "    scale: kepatuhan_x\n", text)
    text = edit(K4_WEIGHT, K4_WEIGHT.replace("15", "10"), text)
    assert [i.path for i in issues(text)] == [
        "deskripsi", "calendar.declaration_opens", "lifecycle.states.development.label",
        "lifecycle.transitions[0].guards", "lifecycle.transitions[6].target", "catalogue",
        "catalogue[2].scale"]


@pytest.mark.parametrize("header, value, path, message", [
    ("calendar:", "2023", "calendar",
     "harus berupa pemetaan nama tanggal ke tanggal yang tidak kosong, bukan angka"),
    ("calendar:", "{}", "calendar", "harus berupa pemetaan nama tanggal ke tanggal yang tidak kosong"),
    ("lifecycle:", "[]", "lifecycle", "harus berupa pemetaan (key: value), bukan daftar"),
    ("  states:", "[declared]", "lifecycle.states", "harus berupa pemetaan id state ke keterangannya"),
    ("  transitions:", "{}", "lifecycle.transitions", "harus berupa daftar transisi yang tidak kosong"),
    ("    evaluation_failed:", "[Tidak Lolos Evaluasi]", "lifecycle.states.evaluation_failed",
     "harus berupa pemetaan (key: value), bukan daftar"),
    ("catalogue:", "K1", "catalogue", "harus berupa daftar kriteria yang tidak kosong, bukan teks 'K1'"),
    ("scoring:", "75", "scoring", "harus berupa pemetaan (key: value), bukan angka 75"),
    ("  scales:", "[]", "scoring.scales", "harus berupa pemetaan id skala ke pilihannya yang tidak kosong"),
    ("    kepatuhan:", "~", "scoring.scales.kepatuhan", "tidak boleh kosong"),
    ("documents:", "[berita_acara]", "documents",
     "harus berupa pemetaan id dokumen ke keterangannya, bukan daftar"),
    ("notifications:", "~", "notifications", "tidak boleh kosong"),
    ("evaluation_catalogue:", "[]", "evaluation_catalogue",
     "harus berupa daftar indikator yang tidak kosong"),
], ids=["calendar-number", "calendar-empty", "lifecycle", "states", "transitions", "one-state", "catalogue",
        "scoring", "scales", "one-scale", "documents", "notifications", "evaluation-catalogue"])
def test_a_part_that_cannot_be_read_is_one_issue_not_a_cascade(header, value, path, message):
    """Checks that need the broken part are skipped: no 'unknown calendar key', 'unknown target',
    'unknown scale', 'unknown document' or 'weights' issue follows from it."""
    text = replace_block(header, value)
    issue = single_issue(text)
    assert (issue.line, issue.path) == (line_of(text, f"{header.strip()} {value}"), path), str(issue)
    assert message in issue.message, str(issue)


def test_a_transition_that_cannot_be_read_hides_no_other_transition_mistake():
    text = edit("    - {event: close_declaration, source: declared, target: development, role: system,\n"
                "       label: Masa pencanangan berakhir}\n", "    - close_declaration\n")
    text = edit("      target: development\n", "      target: asessment\n", text)
    assert [(i.path, i.message) for i in issues(text)] == [
        ("lifecycle.transitions[1]", "harus berupa pemetaan (key: value), bukan teks 'close_declaration'"),
        ("lifecycle.transitions[6].target", "state tujuan tidak dikenal 'asessment'")]


def test_issues_name_the_file_given_and_the_error_counts_them():
    text = edit("description: >-", "deskripsi: >-")
    text = edit("  max_mb: 3", "  max_mb: 5", text)
    with pytest.raises(DefinitionError) as exc:
        load_text(text, "unggahan/p2ham-2025.yaml", REGISTRY)
    assert {i.file for i in exc.value.issues} == {"unggahan/p2ham-2025.yaml"}
    assert str(exc.value).startswith("Definisi tidak valid (2 kesalahan):")
    assert exc.value.message_en.startswith("Invalid definition (2 errors):")


# -- malformed values never crash the loader -------------------------------------------------------
KEPATUHAN_OPTIONS = (
    "      options:\n"
    "        - {id: patuh, label: Patuh, value: 100}\n"
    "        - {id: cukup_patuh, label: Cukup patuh, value: 60}\n"
    "        - {id: kurang_patuh, label: Kurang patuh, value: 20}\n")


@pytest.mark.parametrize(ARGS, [
    case("{at: declaration_closes,", "{at: [declaration_closes],",
         "deadline: {at: [", "lifecycle.states.declared.deadline.at", "", id="deadline-at-list"),
    case("    scale: kepatuhan\n", "    scale: [kepatuhan]\n",
         "scale: [kepatuhan]", "catalogue[2].scale", "", id="criterion-scale-list"),
    case("requires: [{field: note, label: Catatan perbaikan}]", "requires: 5",
         "requires: 5", "lifecycle.transitions[6].requires", "", id="requires-number"),
    case(KEPATUHAN_OPTIONS, "      options: 5\n",
         "options: 5", "scoring.scales.kepatuhan.options", "", id="options-number"),
])
def test_malformed_value_is_an_issue_not_a_crash(old, new, anchor, path, message):
    assert_single(edit(old, new), anchor, path, message)


# -- no input crashes the loader -------------------------------------------------------------------
def _paths(value, path=()):
    """Every key path in ``value``, parents before children."""
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) \
        else ()
    for key, child in children:
        yield from _paths(child, path + (key,))


def _load_or_issues(text: str, what: str) -> None:
    """``load_text`` succeeds, or raises DefinitionError whose issues each name the file and a line."""
    try:
        load_text(text, NAME, REGISTRY)
    except DefinitionError as exc:
        assert exc.issues, what
        for issue in exc.issues:
            assert issue.file == NAME and isinstance(issue.line, int) and issue.line >= 1, f"{what}: {issue}"
            assert issue.message and not issue.message.startswith(("Traceback", "'")), f"{what}: {issue}"


BASE_2023 = yaml.safe_load(TEXT_2023)
# Lists beyond their second element repeat shapes already covered; every key of every mapping stays.
SHAPES = [p for p in _paths(BASE_2023) if p and all(not isinstance(x, int) or x <= 1 for x in p)]
MUTANTS = {  # YAML written in place of a value: each kind a value can wrongly be
    "null": "~", "list": "[x, 1]", "empty-list": "[]", "mapping": "{x: 1}", "empty-mapping": "{}",
    "int": "7", "float": "1.10", "bool": "yes", "text": "x", "blank": "' '",
    "impossible-date": "2023-02-30 23:59:59",
    "nested": "[[{a: [1]}]]", "not-finite": ".nan", "tagged": "!!binary aGk=",
}
PLACEHOLDER = "@@mutant@@"


@functools.cache
def _with_placeholder(path: tuple) -> str:
    """The 2023 definition, dumped again with the value at ``path`` replaced by PLACEHOLDER."""
    data = copy.deepcopy(BASE_2023)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = PLACEHOLDER
    return _dump(data)


def _dump(data) -> str:
    # Collections of scalars in flow style, like the shipped files (and twice as fast to load as block).
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None)


@pytest.mark.slow
@pytest.mark.parametrize("kind", MUTANTS)
def test_any_value_replaced_by_a_value_of_another_kind_is_reported_never_a_crash(kind):
    """Property-style: each key path of the 2023 definition gets one of the kinds in turn (about
    twenty paths per kind, spread over every section); loading either succeeds or raises
    DefinitionError with at least one issue, each with file and line."""
    k = list(MUTANTS).index(kind)
    for path in SHAPES[k::len(MUTANTS)]:
        text = _with_placeholder(path).replace(f"'{PLACEHOLDER}'", MUTANTS[kind])
        _load_or_issues(text.replace(PLACEHOLDER, MUTANTS[kind]), f"{kind} at {path}")


@pytest.mark.slow
def test_any_key_removed_is_reported_never_a_crash():
    for path in [p for p in SHAPES if isinstance(p[-1], str)][::4]:
        data = copy.deepcopy(BASE_2023)
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        _load_or_issues(_dump(data), f"without {path}")


@pytest.mark.slow
@pytest.mark.parametrize("cut", ["truncated", "line-deleted", "line-doubled", "dedented"])
def test_any_line_cut_is_reported_never_a_crash(cut):
    lines = TEXT_2023.splitlines(True)
    for n in range(len(cut) % 11, len(lines), 11):  # a different eleventh of the lines for each cut
        edited = {
            "truncated": lines[:n],
            "line-deleted": lines[:n] + lines[n + 1:],
            "line-doubled": lines[:n + 1] + lines[n:],
            "dedented": lines[:n] + [lines[n].lstrip()] + lines[n + 1:],
        }[cut]
        _load_or_issues("".join(edited), f"{cut} at line {n + 1}")
