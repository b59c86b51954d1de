"""The definition loader: every mistake in a definition file is reported, all at once, each with
the file, the 1-based line and the key path where it is written.

Each case edits the shipped 2023 definition (or the minimal sample under ``tests/data``) and
finds the expected line in the edited text itself, so no test hard-codes a line number.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from handlers import REGISTRY
from workflow.errors import DefinitionError, DefinitionIssue
from workflow.loader import load_file, load_text

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
    assert issue.message == "YAML tidak dapat dibaca: mapping values are not allowed here"


@pytest.mark.parametrize("text", ["", "\n\n", "# hanya komentar\n"],
                         ids=["empty", "blank-lines", "comment-only"])
def test_empty_file_is_one_issue_on_line_1(text):
    issue = single_issue(text)
    assert (issue.line, issue.path, issue.message) == (1, "", "berkas kosong")


@pytest.mark.xfail(strict=True, reason="yamlsrc.parse: a document of only '---' or '~' gives a null node, "
                                       "not None, so DefinitionError is raised with no issue at all")
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


@pytest.mark.xfail(strict=True, reason="an impossible date crashes the loader when written as a full "
                                       "YAML timestamp (yamlsrc._walk lets PyYAML's ValueError out) and is "
                                       "otherwise reported in Python's English: 'day is out of range for "
                                       "month'")
@pytest.mark.parametrize("value", ["2023-02-30 00:00", "2023-02-30 23:59:59"],
                         ids=["short-form", "yaml-timestamp"])
def test_impossible_calendar_date_message_names_the_value(value):
    text = edit("  declaration_opens: 2023-01-02 00:00", f"  declaration_opens: {value}")
    issue = single_issue(text)
    assert issue.line == line_of(text, "declaration_opens:")
    assert f"tanggal '{value}'" in issue.message


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


def test_indicator_id_shared_with_the_evaluation_catalogue_is_reported():
    text = edit("  - id: E3\n", "  - id: K1.1\n")
    issue = single_issue(text)
    assert issue.line in (line_of(text, ("- id: K1.1", 0)), line_of(text, ("- id: K1.1", 1)))
    assert issue.path.endswith(".id")
    assert issue.message == "id indikator 'K1.1' tertulis lebih dari sekali"


@pytest.mark.xfail(strict=True, reason="validate._catalogue walks catalogue before "
                                       "evaluation_catalogue, so a shared id is flagged on the "
                                       "evaluation_catalogue entry even when it is the first in the file; "
                                       "every other duplicate is flagged at the later one")
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
         ("options:", 1), "scoring.scales.kepatuhan.options",
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


@pytest.mark.xfail(strict=True, reason="validate._catalogue checks each indicator's effective scale at "
                                       "catalogue[i].indicators[j].scale, so a bad criterion scale or "
                                       "default_scale is repeated once per indicator, on lines naming no "
                                       "scale")
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


@pytest.mark.xfail(strict=True, reason="loader.load_text runs workflow.validate only when the shape checks "
                                       "found nothing, so one shape mistake hides every graph, handler, "
                                       "calendar and catalogue mistake until it is fixed")
def test_shape_and_semantic_mistakes_are_reported_together():
    text = edit("description: >-", "deskripsi: >-")
    text = edit("      target: development\n", "      target: asessment\n", text)
    text = edit("guards: [declaration_window_open]", "guards: [declaration_window_is_open]", text)
    assert [i.path for i in issues(text)] == [
        "deskripsi", "lifecycle.transitions[0].guards", "lifecycle.transitions[6].target"]


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


@pytest.mark.xfail(strict=True, reason="a value of the wrong type reaches code that hashes or iterates it "
                                       "(validate._deadlines, validate._catalogue, _Reader.transitions, "
                                       "_Reader.scoring): "
                                       "TypeError instead of an issue")
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
