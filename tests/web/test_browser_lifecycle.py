"""Browser test of one unit's whole 2023 lifecycle: admin, verifier, the unit's new operator and the
assessor, each in their own Chromium context against a real server, while the test moves the
injected clock between stages. Declare, evaluate, pass, first sign-in with the Berita Acara's
activation code, upload (one file refused for its type), partial submit, return with a note,
replace and resubmit, accept, submit all, verify, score, result.

The Berita Acara is issued in-process (what the documents worker does) and the activation code is
read from its PDF, the only place the code is ever written. Everything else goes through the
pages (the scores through the assessment services only while the scoring sheet page is absent)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401  (fixtures)
from tests.workflow.docs_helpers import pdf_text
from tests.workflow.evidence_helpers import with_uploads
from tests.workflow.helpers import PASSING_2023
from workflow.services.assessment import save_scores, submit_assessment
from workflow.services.cases import case_status
from workflow.services.documents import document_pdf, list_documents, process_pending
from workflow.services.evidence_reads import list_evidence

pytestmark = pytest.mark.slow

UNIT = "Lapas Kelas IIA Jambi"
OPERATOR = "operator.lps-jambi"
OPERATOR_PASSWORD = "Operator2023Jambi"
RAMP = "Berkas untuk Foto ramp beserta pegangan rambat"
TOILET = "Berkas untuk Foto toilet dengan pegangan rambat"
VIEWPORT = {"width": 1280, "height": 900}


def png(colour: tuple[int, int, int]) -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buf, "PNG")
    return {"name": "foto.png", "mimeType": "image/png", "buffer": buf.getvalue()}


def new_page(browser):  # noqa: F811
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.on("dialog", lambda d: d.accept())  # the confirmation before an irreversible action
    return page


def press(page, name: str) -> None:
    """Click a button that posts a form and wait for the page the server redirects to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def upload(page, label: str, file: dict) -> None:
    field = page.get_by_label(label)
    field.set_input_files(file)
    with page.expect_navigation():
        page.locator("form", has=field).locator("button[type=submit]").click()


def score_on_the_sheet(page, base: str, cid: int) -> None:
    page.goto(f"{base}/penilai/kasus/{cid}/penilaian")
    for indicator, option in PASSING_2023.items():
        page.locator(f'select[name="nilai_{indicator}"]').select_option(option)
    assert float(page.locator("#nilai-total").inner_text()) >= float(page.locator("#ambang").inner_text())
    press(page, "Simpan dan kirim penilaian")
    assert "Penilaian dikirim. Tahap sekarang: Predikat Unit Kerja P2HAM." in page.content()


def activation_code(rt, cid: int) -> str:
    process_pending(rt)  # what the account and documents workers do after the commit
    doc = next(d for d in list_documents(rt, cid) if d.kind == "berita_acara_hasil_evaluasi")
    text = pdf_text(document_pdf(rt, None, doc.id)[1])
    assert f"Nama pengguna : {OPERATOR}" in text
    return re.search(r"Kode aktivasi : ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", text).group(1)


def test_one_unit_through_2023_with_four_people(app, rt, clock, world, server, browser, tmp_path):  # noqa: F811
    with_uploads(rt, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = rt.store.dialect
    p = world.people

    # Admin: declare (open the case), start development, submit the evaluation.
    admin = new_page(browser)
    _sign_in(admin, server, "admin")
    admin.wait_for_url(f"{server}/admin/")
    admin.goto(f"{server}/admin/unit")
    admin.get_by_label(f"Tahun untuk {UNIT}").select_option("2023")
    press(admin, f"Buka kasus (pencanangan) {UNIT}")
    assert "Tahap: Pencanangan" in admin.content()
    cid = int(admin.url.rsplit("/", 1)[1])
    clock.set(2023, 2, 10, 9, 0)
    admin.reload()
    press(admin, "Catat pencanangan dan mulai pembangunan")
    clock.set(2023, 4, 5, 9, 0)
    admin.reload()
    press(admin, "Ajukan evaluasi")
    assert "Tahap sekarang: Verifikasi Evaluasi" in admin.content()

    # Verifier: claim the evaluation from the pool and pass it.
    clock.set(2023, 4, 12, 9, 0)
    ver = new_page(browser)
    _sign_in(ver, server, "ver")
    ver.wait_for_url(f"{server}/verifikator/")
    press(ver, f"Ambil {UNIT}")
    ver.get_by_role("link", name=UNIT, exact=True).click()
    ver.wait_for_url(f"{server}/verifikator/kasus/{cid}")
    press(ver, "Nyatakan lolos evaluasi")
    assert "Tahap sekarang: Penginputan Data Dukung" in ver.content()

    # Operator: first sign-in with the Berita Acara's code, choosing a password.
    code = activation_code(rt, cid)
    clock.set(2023, 4, 20, 8, 0)
    op = new_page(browser)
    op.goto(f"{server}/masuk/aktivasi")
    op.get_by_label("Nama pengguna").fill(OPERATOR)
    op.get_by_label("Kode aktivasi").fill(code.lower())
    op.get_by_label("Kata sandi baru", exact=True).fill(OPERATOR_PASSWORD)
    op.get_by_label("Ulangi kata sandi baru").fill(OPERATOR_PASSWORD)
    press(op, "Aktifkan dan masuk")
    assert op.url == f"{server}/operator/"
    assert "Akun Anda telah aktif." in op.content() and "Tahap: Penginputan Data Dukung" in op.content()

    # Upload: a text file is refused for its type, then real PNGs; submit one indicator only.
    clock.set(2023, 5, 1, 10, 0)
    op.get_by_role("link", name="Data dukung: daftar periksa, unggah dan kirim").click()
    op.wait_for_url(f"{server}/operator/kasus/{cid}/data-dukung")
    # the page refuses a text file at once, before anything is sent ...
    field = op.get_by_label(RAMP)
    field.set_input_files({"name": "catatan.txt", "mimeType": "text/plain", "buffer": b"bukan foto"})
    form = op.locator("form", has=field)
    assert "Jenis berkas tidak diizinkan" in form.locator(".upload-status").inner_text()
    assert form.locator("button[type=submit]").is_disabled()
    # ... and the server refuses a text file named .pdf for its content, shown to the user
    upload(op, RAMP, {"name": "catatan.pdf", "mimeType": "application/pdf", "buffer": b"bukan foto"})
    refusal = op.get_by_role("alert")
    assert "PDF" in refusal.inner_text()
    upload(op, RAMP, png((10, 120, 200)))
    upload(op, TOILET, png((200, 120, 10)))
    op.get_by_label("K1.5", exact=False).check()
    press(op, "Kirim indikator terpilih untuk diverifikasi")
    assert "1 data dukung dikirim untuk diverifikasi." in op.content()
    assert {(i.item_id, i.status) for i in list_evidence(rt, p["admin"], cid)} == {
        ("foto_ramp", "submitted"), ("foto_toilet_disabilitas", "draft")}

    # Verifier: return the submitted photo with a note.
    clock.set(2023, 5, 8, 10, 0)
    ver.goto(f"{server}/verifikator/kasus/{cid}")
    press(ver, "Ambil verifikasi data dukung unit ini")
    ver.wait_for_url(f"{server}/verifikator/kasus/{cid}/data-dukung")
    assert ver.locator("img[alt^='Foto ramp']").evaluate("img => img.naturalWidth") == 320  # previewed inline
    ver.get_by_role("radio", name="Perlu perbaikan").check()
    ver.get_by_role("textbox", name="Catatan").fill("Pegangan rambat tidak terlihat.")
    press(ver, "Simpan keputusan")
    assert "Keputusan disimpan: Foto ramp beserta pegangan rambat." in ver.content()

    # Operator: sees the note, replaces the photo, resubmits both indicators.
    clock.set(2023, 5, 15, 10, 0)
    op.reload()
    assert "Perlu perbaikan" in op.content() and "Pegangan rambat tidak terlihat." in op.content()
    # the checklist around the returned item (docs/operator-checklist.png is a copy of this one)
    op.evaluate("document.getElementById('ind-K1.3').scrollIntoView({block: 'start'})")
    op.screenshot(path=str(ARTIFACTS / f"operator-checklist-returned-{suffix}.png"))
    upload(op, RAMP, png((20, 160, 90)))
    op.get_by_label("K1.5", exact=False).check()
    op.get_by_label("K1.3", exact=False).check()
    press(op, "Kirim indikator terpilih untuk diverifikasi")
    assert "2 data dukung dikirim untuk diverifikasi." in op.content()

    # Verifier: accepts both items.
    clock.set(2023, 5, 22, 10, 0)
    ver.reload()
    for item in ("K1.3 · Foto toilet", "K1.5 · Foto ramp"):
        card = ver.locator("section.card", has=ver.get_by_role("heading", name=item))
        card.get_by_role("radio", name="Memenuhi", exact=True).check()
        with ver.expect_navigation():
            card.get_by_role("button", name="Simpan keputusan").click()
    assert {(i.item_id, i.status, len(i.versions)) for i in list_evidence(rt, p["admin"], cid)} == {
        ("foto_ramp", "memenuhi", 2), ("foto_toilet_disabilitas", "memenuhi", 1)}

    # Operator: submits all evidence; the screenshots of the checklist and of the main page.
    clock.set(2023, 10, 1, 10, 0)
    op.reload()
    op.screenshot(path=str(ARTIFACTS / f"operator-checklist-{suffix}.png"))
    op.goto(f"{server}/operator/")
    press(op, "Kirim seluruh data dukung")
    assert "Tahap sekarang: Verifikasi Data Dukung" in op.content()
    op.screenshot(path=str(ARTIFACTS / f"lifecycle-operator-case-{suffix}.png"), full_page=True)

    # Verifier: completes the verification; his inbox is his main page.
    clock.set(2023, 10, 20, 10, 0)
    ver.goto(f"{server}/verifikator/")
    ver.screenshot(path=str(ARTIFACTS / f"lifecycle-verifikator-inbox-{suffix}.png"), full_page=True)
    ver.goto(f"{server}/verifikator/kasus/{cid}")
    press(ver, "Selesaikan verifikasi")
    assert "Tahap sekarang: Penilaian" in ver.content()

    # Assessor: claims the assessment in the browser and scores on the scoring sheet.
    clock.set(2023, 11, 10, 10, 0)
    pen = new_page(browser)
    _sign_in(pen, server, "pen")
    pen.wait_for_url(f"{server}/penilai/")
    press(pen, f"Ambil {UNIT}")
    pen.screenshot(path=str(ARTIFACTS / f"lifecycle-penilai-inbox-{suffix}.png"), full_page=True)
    if "penilai.sheet" in app.view_functions:
        score_on_the_sheet(pen, server, cid)
    else:
        # Before the scoring sheet page: the case page's "Kirim penilaian" form can only send the
        # scores as text, which the engine's guard refuses, so the services the sheet calls.
        save_scores(rt, p["pen"], cid, PASSING_2023)
        submit_assessment(rt, p["pen"], cid)
    pen.goto(f"{server}/penilai/kasus/{cid}")
    assert "Tahap: Predikat Unit Kerja P2HAM" in pen.content()

    # Everyone sees the result: the operator on his case page, the admin on the dashboard.
    op.reload()
    assert "Tahap: Predikat Unit Kerja P2HAM" in op.content() and "Kirim penilaian" in op.content()
    admin.goto(f"{server}/admin/")
    admin.screenshot(path=str(ARTIFACTS / f"lifecycle-admin-dashboard-{suffix}.png"), full_page=True)
    status = case_status(rt, p["admin"], cid)
    assert status.case.state == "awarded"
    assert status.history[-1]["payload"]["result"] == {
        "total": 100.0, "passed": True, "criteria": {f"K{n}": 100.0 for n in range(1, 6)},
        "predicate": "Unit Kerja P2HAM"}
    process_pending(rt)  # the result document, as the documents worker issues it
    assert "hasil_penilaian" in {d.kind for d in list_documents(rt, cid)}
    for name in ("admin-dashboard", "verifikator-inbox", "operator-case", "penilai-inbox"):
        assert (ARTIFACTS / f"lifecycle-{name}-{suffix}.png").stat().st_size > 10_000
