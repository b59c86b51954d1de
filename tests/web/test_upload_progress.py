"""Upload with progress: the page's script sends the form with XMLHttpRequest and the header
``X-Requested-With``; the server then does the same work, flashes the same message and answers
``{"redirect": url}`` so that the message shows on the next page. A plain form post (no script)
still gets its redirect. In Chromium: a 2.5 MB PDF over a throttled link shows the progress bar
between 0 and 100 and lands on the checklist with the success message; a broken connection says
so and gives the button back; with JavaScript off the form still uploads."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tests.web.conftest import PASSWORD, post, sign_in
from tests.web.test_browser import CHROMIUM, browser, server  # noqa: F401  (fixtures)
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from workflow.services.evidence_reads import list_evidence

RAMP = "K1.5/foto_ramp"
STANDAR = "K1.1/dokumen_standar_pelayanan"
XHR = {"X-Requested-With": "XMLHttpRequest"}
STANDAR_LABEL = "Berkas untuk Dokumen standar pelayanan"


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def big_pdf(size: int = 2_500_000) -> bytes:
    """A real PDF of about ``size`` bytes: one page with a picture of noise (it does not compress)."""
    side = int((size / 3) ** 0.5)
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 800, "Dokumen standar pelayanan")
    c.drawImage(ImageReader(picture), 72, 300, width=400, height=400)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def case(rt, clock, world, tmp_path):
    with_uploads(rt, tmp_path)
    return case_in_evidence_input(rt, clock, world)[1]


def send(client, cid, item, name, data, rev="0", headers=None):
    page = f"/operator/kasus/{cid}/data-dukung"
    form = {"berkas": (io.BytesIO(data), name), "expected_rev": rev, "next": page}
    return post(client, f"{page}/{item}", form, token_from=page, content_type="multipart/form-data",
                headers=headers or {})


def test_script_upload_gets_json_with_the_page_and_the_flash_waits_there(client, rt, world, case):
    sign_in(client, "op.lapas")
    r = send(client, case, RAMP, "ramp.png", png(), headers=XHR)
    page = f"/operator/kasus/{case}/data-dukung"
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.get_json() == {"redirect": page}
    html = client.get(page).get_data(as_text=True)
    assert 'class="flash success" role="status">Berkas ramp.png berhasil diunggah sebagai draf.' in html
    assert "berhasil diunggah" not in client.get(page).get_data(as_text=True)  # shown once
    assert [(i.item_id, i.status) for i in list_evidence(rt, world.people["op_lapas"], case)] == [
        ("foto_ramp", "draft")]


def test_plain_form_post_is_redirected_as_before(client, rt, world, case):
    sign_in(client, "op.lapas")
    r = send(client, case, RAMP, "ramp.png", png())
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/operator/kasus/{case}/data-dukung")
    assert "berhasil diunggah" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_script_upload_refused_for_its_content_gets_json_and_the_error_flash(client, rt, world, case):
    sign_in(client, "op.lapas")
    r = send(client, case, STANDAR, "standar.pdf", png(), headers=XHR)
    assert r.status_code == 200 and r.get_json() == {"redirect": f"/operator/kasus/{case}/data-dukung"}
    html = client.get(r.get_json()["redirect"]).get_data(as_text=True)
    assert 'class="flash error" role="alert">Isi berkas adalah' in html
    assert list_evidence(rt, world.people["op_lapas"], case) == []
    assert not rt.blobs().files()


def test_script_upload_of_an_item_changed_meanwhile_is_flashed_not_a_409_page(client, rt, world, case):
    sign_in(client, "op.lapas")
    send(client, case, RAMP, "ramp.png", png())
    r = send(client, case, RAMP, "lagi.png", png(), rev="0", headers=XHR)  # the page had seen rev 0
    assert r.status_code == 200 and "redirect" in r.get_json()
    assert "telah diubah oleh pengguna lain" in client.get(r.get_json()["redirect"]).get_data(as_text=True)
    assert [len(i.versions) for i in list_evidence(rt, world.people["op_lapas"], case)] == [1]
    # without the header the same refusal is still the 409 page
    assert send(client, case, RAMP, "lagi.png", png(), rev="0").status_code == 409


def test_script_upload_without_a_file_is_refused_with_the_message(client, rt, world, case):
    sign_in(client, "op.lapas")
    page = f"/operator/kasus/{case}/data-dukung"
    r = post(client, f"{page}/{RAMP}", {"expected_rev": "0"}, token_from=page, headers=XHR)
    assert r.get_json() == {"redirect": page}
    assert "Pilih berkas yang akan diunggah." in client.get(page).get_data(as_text=True)


def test_another_units_script_upload_gets_403_json_and_nothing_is_stored(client, rt, world, case):
    sign_in(client, "op.rutan")
    page = f"/operator/kasus/{case}/data-dukung"
    r = post(client, f"{page}/{RAMP}", {"berkas": (io.BytesIO(png()), "x.png")},
             token_from="/akun/kata-sandi", content_type="multipart/form-data", headers=XHR)
    assert r.status_code == 403 and r.get_json()["message"].startswith("Anda hanya dapat mengakses")
    assert list_evidence(rt, world.people["op_lapas"], case) == []


def test_checklist_carries_a_hidden_labelled_progress_bar_per_upload_form(client, world, case):
    sign_in(client, "op.lapas")
    html = client.get(f"/operator/kasus/{case}/data-dukung").get_data(as_text=True)
    fid = "f-K1.1-1-dokumen_standar_pelayanan"
    assert f'<label class="check" for="{fid}-progress">Kemajuan unggahan</label>' in html
    assert f'<progress id="{fid}-progress" max="100" value="0">0%</progress>' in html
    assert '<span class="upload-progress" hidden>' in html
    assert '<span class="upload-percent" aria-hidden="true">0%</span>' in html
    assert '<span class="upload-announce sr-only" aria-live="polite"></span>' in html  # quarters only


# -- in the browser ------------------------------------------------------------------------------
def in_chromium(test):
    test = pytest.mark.slow(test)
    return pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")(test)


def _operator_on_checklist(browser, base, cid, **context):  # noqa: F811  (the fixture, passed on)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill("op.lapas")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    page.goto(f"{base}/operator/kasus/{cid}/data-dukung")
    return page


@in_chromium
def test_big_pdf_shows_progress_then_lands_with_the_message(rt, world, case, server, browser):  # noqa: F811
    page = _operator_on_checklist(browser, server, case)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    # about 1 MB/s up: a 2.5 MB upload takes a few seconds, enough to see the bar move
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 1024 * 1024})
    data = big_pdf()
    assert 2_300_000 < len(data) < 3 * 1024 * 1024
    field = page.get_by_label(STANDAR_LABEL)
    field.set_input_files({"name": "standar.pdf", "mimeType": "application/pdf", "buffer": data})
    form = page.locator("form", has=field)
    bar = form.locator("progress")
    assert not bar.is_visible()  # hidden until an upload starts
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
        page.wait_for_function("p => p.value > 0 && p.value < 100", arg=bar.element_handle(), polling=20,
                               timeout=30_000)
        assert bar.is_visible() and form.locator("button[type=submit]").is_disabled()
        value, text, heard = form.evaluate("f => [f.querySelector('progress').value, "
                                           "f.querySelector('.upload-percent').textContent, "
                                           "f.querySelector('.upload-announce').textContent]")
        assert text == f"{int(value)}%"  # the bar and its text say the same
        assert heard == f"{int(value) // 25 * 25}%"  # screen readers hear quarters
    assert page.url.endswith(f"/operator/kasus/{case}/data-dukung")
    flash = page.get_by_role("status").first.inner_text()
    assert "Berkas standar.pdf berhasil diunggah sebagai draf." in flash
    (item,) = list_evidence(rt, world.people["op_lapas"], case)
    assert (item.item_id, item.versions[0].size, item.versions[0].kind) == (
        "dokumen_standar_pelayanan", len(data), "pdf")


@in_chromium
def test_broken_connection_says_so_and_gives_the_button_back(rt, world, case, server, browser):  # noqa: F811
    page = _operator_on_checklist(browser, server, case)
    page.route(f"**/data-dukung/{RAMP}", lambda route: route.abort("connectionreset"))
    field = page.get_by_label("Berkas untuk Foto ramp beserta pegangan rambat")
    field.set_input_files({"name": "ramp.png", "mimeType": "image/png", "buffer": png()})
    form = page.locator("form", has=field)
    form.locator("button[type=submit]").click()
    status = form.locator(".upload-status")
    status.filter(has_text="gangguan jaringan").wait_for(timeout=10_000)
    assert "Unggahan terputus karena gangguan jaringan" in status.inner_text()
    assert form.locator("button[type=submit]").is_enabled() and not form.locator("progress").is_visible()
    assert page.url.endswith(f"/operator/kasus/{case}/data-dukung")
    assert list_evidence(rt, world.people["op_lapas"], case) == []


@in_chromium
def test_without_javascript_the_form_still_uploads(rt, world, case, server, browser):  # noqa: F811
    page = _operator_on_checklist(browser, server, case, java_script_enabled=False)
    field = page.get_by_label("Berkas untuk Foto ramp beserta pegangan rambat")
    field.set_input_files({"name": "ramp.png", "mimeType": "image/png", "buffer": png()})
    with page.expect_navigation():
        page.locator("form", has=field).locator("button[type=submit]").click()
    assert "Berkas ramp.png berhasil diunggah sebagai draf." in page.content()
    assert [i.item_id for i in list_evidence(rt, world.people["op_lapas"], case)] == ["foto_ramp"]


@in_chromium
def test_a_session_ended_meanwhile_leads_to_the_sign_in_page(rt, world, case, server, browser):  # noqa: F811
    from workflow.services.auth import reset_password

    page = _operator_on_checklist(browser, server, case)
    reset_password(rt, world.people["admin"], world.people["op_lapas"])  # ends every session of the person
    field = page.get_by_label("Berkas untuk Foto ramp beserta pegangan rambat")
    field.set_input_files({"name": "ramp.png", "mimeType": "image/png", "buffer": png()})
    with page.expect_navigation():
        page.locator("form", has=field).locator("button[type=submit]").click()
    page.wait_for_url(f"{server}/masuk**")
    assert page.get_by_label("Nama pengguna").is_visible()
    assert list_evidence(rt, world.people["op_lapas"], case) == []


@in_chromium
def test_an_expired_form_says_so_and_gives_the_button_back(rt, world, case, server, browser):  # noqa: F811
    page = _operator_on_checklist(browser, server, case)
    page.context.clear_cookies()  # the CSRF token of the form no longer matches any session
    field = page.get_by_label("Berkas untuk Foto ramp beserta pegangan rambat")
    field.set_input_files({"name": "ramp.png", "mimeType": "image/png", "buffer": png()})
    form = page.locator("form", has=field)
    form.locator("button[type=submit]").click()
    status = form.locator(".upload-status")
    status.filter(has_text="kode 400").wait_for(timeout=10_000)
    assert status.inner_text() == "Unggahan gagal (kode 400). Muat ulang halaman lalu coba lagi."
    assert form.locator("button[type=submit]").is_enabled()
    assert list_evidence(rt, world.people["op_lapas"], case) == []
