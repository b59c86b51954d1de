"""The public verification page confirms an issued PDF and rejects a changed one."""

import io

from tests.workflow.docs_helpers import issued, pass_evaluation
from tests.workflow.helpers import open_2023


def _doc(rt, clock, world):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid)
    return issued(rt, cid, "berita_acara_hasil_evaluasi")


def test_page_confirms_the_issued_pdf_and_rejects_a_changed_one(rt, clock, world, client):
    doc, data = _doc(rt, clock, world)
    ok = client.post("/verifikasi", data={"nomor": doc.number, "berkas": (io.BytesIO(data), "ba.pdf")},
                     content_type="multipart/form-data")
    page = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "Dokumen ASLI" in page and "Lapas Kelas IIA Jambi" in page
    changed = data[:-10] + b"%%EOF\n\n\n\n"
    bad = client.post("/verifikasi", data={"nomor": doc.number, "berkas": (io.BytesIO(changed), "ba.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 404 and "TIDAK TERVERIFIKASI" in bad.get_data(as_text=True)
    assert "telah diubah" in bad.get_data(as_text=True)


def test_qr_link_shows_the_document(rt, clock, world, client):
    doc, _ = _doc(rt, clock, world)
    res = client.get(f"/verifikasi/{doc.short_code}")
    assert res.status_code == 200 and doc.number in res.get_data(as_text=True)
    assert client.get("/verifikasi/AAAA-BBBB").status_code == 404
