"""Official documents issued from the outbox, read back from the PDF."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from tests.workflow.docs_helpers import (
    assess,
    issued,
    pass_evaluation,
    pdf_text,
    qr_payloads,
    to_assessment,
    to_evaluation_review,
)
from tests.workflow.helpers import FAILING_2023, PASSING_2023, open_2023, seed_world
from workflow.services.cases import fire_event
from workflow.services.documents import issue_document, reissue, verify
from workflow.store import IssuedDocument, OutboxMessage


@pytest.fixture
def world(rt):
    return seed_world(rt)


def test_berita_acara_states_number_unit_date_account_and_qr(rt, clock, world, tmp_path):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid, when=(2023, 8, 15, 10, 0))
    doc, data = issued(rt, cid, "berita_acara_hasil_evaluasi")
    text = pdf_text(data)
    assert doc.number == "001/P2HAM/DJHAM/2023" and "001/P2HAM/DJHAM/2023" in text
    assert "BERITA ACARA HASIL EVALUASI" in text
    assert "Lapas Kelas IIA Jambi" in text and "Kantor Wilayah Jambi" in text
    assert "Jakarta, 15 Agustus 2023" in text and "Selasa tanggal 15 Agustus 2023" in text
    assert "LOLOS EVALUASI" in text and "operator.lps-jambi" in text
    assert re.search(r"Kode aktivasi : [A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)
    assert "Berlaku sampai : 29 Agustus 2023 10.00 WIB" in text  # 14 days by default
    assert "Direktur Jenderal Hak Asasi Manusia" in text and "NIP. 197101031994031001" in text
    assert "Halaman 1 dari" in text
    url = f"http://127.0.0.1:5000/verifikasi/{doc.short_code}"
    assert qr_payloads(data, tmp_path) == [url]
    assert doc.short_code in text


def test_surat_keterangan_lists_every_reason(rt, clock, world):
    cid = open_2023(rt, world, "rutan")
    to_evaluation_review(rt, clock, world, cid)
    clock.set(2023, 5, 2, 14, 30)
    reasons = ["SK pencanangan tidak dilampirkan.", "Tidak ada sarana pengaduan.",
               "Laporan pembangunan tidak ditandatangani kepala Unit Kerja."]
    fire_event(rt, world.people["ver"], cid, "fail_evaluation", {"reasons": reasons})
    doc, data = issued(rt, cid, "surat_keterangan_hasil_evaluasi")
    text = pdf_text(data)
    assert doc.number in text and "Rutan Kelas IIB Muara Bungo" in text
    assert "Jakarta, 2 Mei 2023" in text and "TIDAK LOLOS EVALUASI" in text
    for r in reasons:
        assert r in text
    assert "dapat mengikuti kembali tahapan evaluasi pada tahun berikutnya" in text
    assert "Kode aktivasi" not in text  # no account for a unit that failed


def test_hasil_penilaian_shows_scores_total_and_predicate(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    process_first = issued(rt, cid, "berita_acara_hasil_evaluasi")  # noqa: F841 - numbers 001
    choices = dict(PASSING_2023, **{"K1.9": "tidak", "K1.10": "proses", "K3.2": "cukup_patuh"})
    assert assess(rt, clock, world, cid, choices).state == "awarded"
    doc, data = issued(rt, cid, "hasil_penilaian")
    text = pdf_text(data)
    assert doc.number == "002/P2HAM/DJHAM/2023" and doc.number in text
    assert "Jakarta, 10 November 2023" in text
    # K1 = (8x100 + 0 + 50)/10 = 85 -> 25,5; K3 = (100+60+100)/3 = 86,67 -> 17,33; total 92,83
    assert "K1 Aksesibilitas dan Sarana Prasarana 30 85 25,5" in text
    assert "K3 Kepatuhan Petugas terhadap Standar Pelayanan 20 86,67 17,33" in text
    assert "Nilai akhir 100 92,83" in text and "Nilai minimal kelulusan : 75" in text
    assert 'predikat "Unit Kerja P2HAM"' in text and "LULUS PENILAIAN" in text


def test_hasil_penilaian_when_failed_has_no_predicate(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    assert assess(rt, clock, world, cid, FAILING_2023).state == "assessment_failed"
    _, data = issued(rt, cid, "hasil_penilaian")
    text = pdf_text(data)
    assert "TIDAK LULUS PENILAIAN" in text and "Nilai akhir 100 4" in text
    assert 'predikat "Unit Kerja P2HAM"' not in text and "Predikat : -" in text


def test_issuing_twice_issues_nothing_new(rt, clock, world):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid)
    with rt.store.unit_of_work() as uow:
        oid = uow.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "document"))
    first = issue_document(rt, oid)
    assert first is not None
    assert issue_document(rt, oid) is None
    with rt.store.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(IssuedDocument)) == 1
        assert uow.session.get(OutboxMessage, oid).status == "done"


def test_verify_confirms_real_rejects_changed_and_reports_superseded(rt, clock, world):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid)
    doc, data = issued(rt, cid, "berita_acara_hasil_evaluasi")
    ok = verify(rt, doc.number, hashlib.sha256(data).hexdigest())
    assert ok.valid and "ASLI" in ok.message and "Lapas Kelas IIA Jambi" in ok.message
    assert verify(rt, None, doc.short_code.lower()).valid
    changed = _tampered(data)
    assert "Lapas Kelas IIA Jambi" in pdf_text(changed)  # looks the same, but is not the issued file
    bad = verify(rt, doc.number, hashlib.sha256(changed).hexdigest())
    assert not bad.valid and "telah diubah" in bad.message
    assert not verify(rt, None, "ZZZZ-ZZZZ").valid
    new = reissue(rt, world.people["admin"], doc.id)
    assert new.version == 2 and new.number == "002/P2HAM/DJHAM/2023"
    old = verify(rt, doc.number, doc.sha256)
    assert old.valid and old.superseded_by == new.number and "digantikan" in old.message
    with pytest.raises(Exception, match="sudah digantikan"):
        reissue(rt, world.people["admin"], doc.id)


def _tampered(data: bytes) -> bytes:
    """The same PDF re-saved with one metadata field changed, as an editor would."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Author": "someone else"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
