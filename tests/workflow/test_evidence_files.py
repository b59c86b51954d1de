"""Uploaded files are checked by content, with real files; every refusal names its rule, has its
own message, and writes no row and no file (through the service, on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select

from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from workflow.errors import ValidationFailed
from workflow.files import BlobStore, check_file
from workflow.services.evidence import upload_evidence
from workflow.services.evidence_reads import download_evidence
from workflow.store import EvidenceBlob, EvidenceHistory, EvidenceRecord, EvidenceVersion

ALL = ("pdf", "jpg", "jpeg", "png")


@pytest.fixture
def ert(rt, tmp_path):
    return with_uploads(rt, tmp_path)


@pytest.mark.parametrize("name, make, kind", [
    ("laporan.pdf", f.pdf, "pdf"), ("foto.jpg", f.jpeg, "jpeg"), ("foto.JPEG", f.jpeg, "jpeg"),
    ("denah.png", f.png, "png"), ("tepat 3 MB.png", lambda: f.png_of_size(f.MB3), "png"),
])
def test_each_allowed_type_is_accepted(name, make, kind):
    checked = check_file(name, make(), ALL, f.MB3)
    assert (checked.kind, checked.name) == (kind, name)


# (file name, content, rule, a phrase of its message): one row per refusal the issue lists, and a few more
REFUSALS = [
    ("png-renamed-pdf", "foto.pdf", f.png, "type_mismatch", "Isi berkas adalah gambar PNG, tidak sesuai dengan ekstensi '.pdf'"),
    ("pdf-javascript", "laporan.pdf", f.pdf_with_javascript, "pdf_active_content", "Berkas PDF memuat JavaScript"),
    ("pdf-openaction-js", "laporan.pdf", f.pdf_with_open_action_js, "pdf_active_content", "memuat JavaScript"),
    ("pdf-escaped-js", "laporan.pdf", f.pdf_with_escaped_js_name, "pdf_active_content", "memuat JavaScript"),
    ("pdf-attachment", "laporan.pdf", f.pdf_with_attachment, "pdf_active_content", "memuat berkas tersemat"),
    ("truncated-jpeg", "foto.jpg", lambda: f.jpeg()[:400], "damaged", "gambar JPEG rusak atau terpotong"),
    ("truncated-pdf", "laporan.pdf", lambda: f.pdf()[:700], "damaged", "Berkas PDF rusak atau terpotong"),
    ("empty", "laporan.pdf", lambda: b"", "empty", "Berkas kosong (0 bita)"),
    ("3MB+1", "denah.png", lambda: f.png_of_size(f.MB3 + 1), "too_large",
     "Ukuran berkas 3,00 MB (3.145.729 bita) melebihi batas 3,00 MB (3.145.728 bita)"),
    ("exe-renamed-png", "foto.png", lambda: f.EXE, "content_not_allowed",
     "Isi berkas bukan gambar PNG (jenis isi: program Windows (EXE/DLL))"),
    ("exe", "setup.exe", lambda: f.EXE, "type_not_allowed", "Jenis berkas '.exe' tidak diizinkan"),
    ("dotdot", "../../etc/foto.png", f.png, "name_path", "tidak boleh memuat garis miring"),
    ("backslash", "..\\foto.png", f.png, "name_path", "tidak boleh memuat garis miring"),
    ("300-chars", "a" * 296 + ".png", f.png, "name_too_long", "Nama berkas terlalu panjang (300 karakter; paling banyak 255"),
    ("no-extension", "foto", f.png, "type_not_allowed", "Jenis berkas tanpa ekstensi tidak diizinkan"),
]


@pytest.mark.parametrize("name, content, rule, phrase", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusal_names_its_rule(name, content, rule, phrase):
    with pytest.raises(ValidationFailed) as exc:
        check_file(name, content(), ALL, f.MB3)
    assert exc.value.details["rule"] == rule
    assert phrase in exc.value.message


def test_refusal_messages_are_all_different():
    messages = set()
    for _, name, content, _, _ in REFUSALS:
        with pytest.raises(ValidationFailed) as exc:
            check_file(name, content(), ALL, f.MB3)
        messages.add(exc.value.message)
    distinct_contents = len(REFUSALS) - 3  # the three JavaScript PDFs and the two path names share a message
    assert len(messages) >= distinct_contents


def test_types_and_size_come_from_the_item():
    with pytest.raises(ValidationFailed, match=r"Jenis berkas '\.png' tidak diizinkan. Jenis yang diizinkan: pdf"):
        check_file("denah.png", f.png(), ("pdf",), f.MB3)
    with pytest.raises(ValidationFailed, match="melebihi batas 0,00 MB"):
        check_file("denah.png", f.png(), ALL, 100)


def _rows(rt):
    with rt.store.unit_of_work() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m))
                     for m in (EvidenceRecord, EvidenceVersion, EvidenceBlob, EvidenceHistory))


@pytest.mark.parametrize("name, content, rule, phrase", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_service_refusal_writes_no_row_and_no_file(ert, clock, name, content, rule, phrase):
    world, cid = case_in_evidence_input(ert, clock)
    with pytest.raises(ValidationFailed) as exc:
        upload_evidence(ert, world.people["op_lapas"], cid, "K1.3", "foto_toilet_disabilitas", name, content())
    assert exc.value.details["rule"] == rule and phrase in exc.value.message
    assert _rows(ert) == (0, 0, 0, 0)
    assert ert.blobs().files() == []


def test_stored_by_hash_once_and_name_is_only_metadata(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    data = f.jpeg()
    upload_evidence(ert, op, cid, "K1.3", "foto_toilet_disabilitas", "toilet lantai 1.jpg", data)
    upload_evidence(ert, op, cid, "K1.4", "foto_guiding_block", "sama persis.jpg", data)
    [path] = ert.blobs().files()
    assert path.name == BlobStore.digest(data) and path.read_bytes() == data
    assert _rows(ert) == (2, 2, 1, 2)
    got = download_evidence(ert, op, cid, "K1.3", "foto_toilet_disabilitas")
    assert (got.filename, got.media_type, got.data) == ("toilet lantai 1.jpg", "image/jpeg", data)
