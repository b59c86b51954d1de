"""The operator's own documents (listed by unit, PDF inline, another unit's refused) and their
in-app notifications (newest first, mark as read)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.web.conftest import post, sign_in
from tests.workflow.docs_helpers import pass_evaluation
from tests.workflow.helpers import open_2023
from workflow.services.documents import list_documents, process_pending
from workflow.store import Notification


def _issued_berita_acara(rt, clock, world):
    cid = open_2023(rt, world, "lapas")
    pass_evaluation(rt, clock, world, cid)
    process_pending(rt)
    (doc,) = [d for d in list_documents(rt, cid) if d.kind == "berita_acara_hasil_evaluasi"]
    return doc


def test_operator_lists_own_unit_documents_and_opens_the_pdf_inline(rt, clock, world, client):
    doc = _issued_berita_acara(rt, clock, world)
    sign_in(client, "op.lapas")
    page = client.get("/operator/dokumen").get_data(as_text=True)
    assert doc.number in page and doc.title in page and "berlaku" in page
    assert f"/operator/dokumen/{doc.id}.pdf" in page
    resp = client.get(f"/operator/dokumen/{doc.id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert resp.data.startswith(b"%PDF")


def test_another_units_operator_neither_sees_nor_downloads_the_document(rt, clock, world, client):
    doc = _issued_berita_acara(rt, clock, world)
    sign_in(client, "op.rutan")
    assert doc.number not in client.get("/operator/dokumen").get_data(as_text=True)
    assert client.get(f"/operator/dokumen/{doc.id}.pdf").status_code == 403


def test_navigation_links_to_documents_and_notifications(world, client):
    sign_in(client, "op.lapas")
    page = client.get("/operator/dokumen").get_data(as_text=True)
    assert 'href="/operator/dokumen"' in page and 'href="/operator/notifikasi"' in page


def _notify(rt, person_id, subject, minutes):
    with rt.store.unit_of_work() as uow:
        uow.session.add(Notification(person_id=person_id, name="uji", subject=subject, body="Isi pesan.",
                                     created_at=rt.now() + timedelta(minutes=minutes)))
        uow.commit()


def test_notifications_newest_first_and_mark_as_read(rt, world, client):
    op = world.people["op_lapas"]
    _notify(rt, op, "Pesan lama", 0)
    _notify(rt, op, "Pesan baru", 5)
    _notify(rt, world.people["op_rutan"], "Pesan unit lain", 6)
    sign_in(client, "op.lapas")
    page = client.get("/operator/notifikasi").get_data(as_text=True)
    assert page.index("Pesan baru") < page.index("Pesan lama") and "Pesan unit lain" not in page
    with rt.store.unit_of_work() as uow:
        newest = uow.session.scalar(select(Notification.id).where(Notification.subject == "Pesan baru"))
    resp = post(client, f"/operator/notifikasi/{newest}/dibaca")
    assert resp.status_code == 302
    with rt.store.unit_of_work() as uow:
        read = dict(uow.session.execute(select(Notification.subject, Notification.read_at)).all())
    assert read["Pesan baru"] is not None and read["Pesan lama"] is None


def test_evidence_checkbox_sits_inside_its_label_in_the_legend(rt, clock, world, client):
    cid = open_2023(rt, world, "lapas")
    pass_evaluation(rt, clock, world, cid)
    clock.set(2023, 9, 1, 10, 0)
    sign_in(client, "op.lapas")
    page = client.get(f"/operator/kasus/{cid}/data-dukung").get_data(as_text=True)
    assert '<legend>\n      <label class="check" for="ind-K1.1"><input type="checkbox"' in page
