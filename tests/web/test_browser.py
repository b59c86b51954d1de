"""Browser test: real pages in headless Chromium (Debian's package, never a downloaded build)
against a real server on a free localhost port. Admin and verifier sign in; the verifier claims a
task and returns the evaluation with a note; a screenshot of each role's main page is saved under
test-artifacts/."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT
from tests.web.conftest import PASSWORD, in_review
from workflow.services.cases import case_status

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium); "
                                                     "install it with: apt-get install -y chromium"),
]


@pytest.fixture
def server(app):
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_admin_and_verifier_in_the_browser(rt, clock, world, server, browser):
    cid = in_review(rt, clock, world)
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = rt.store.dialect

    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(admin, server, "admin")
    admin.wait_for_url(f"{server}/admin/")
    assert admin.get_by_role("heading", name="Pemantauan 2023").is_visible()
    assert admin.locator("svg.chart").count() == 3  # the dashboard now also charts evidence completeness
    admin.screenshot(path=str(ARTIFACTS / f"admin-dashboard-{suffix}.png"), full_page=True)

    ver = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    ver.on("dialog", lambda d: d.accept())  # the confirmation before an irreversible action
    _sign_in(ver, server, "ver")
    ver.wait_for_url(f"{server}/verifikator/")
    ver.get_by_role("button", name="Ambil Lapas Kelas IIA Jambi").click()
    ver.wait_for_url(f"{server}/verifikator/")
    assert "Tugas berhasil diambil." in ver.content()
    ver.screenshot(path=str(ARTIFACTS / f"verifikator-inbox-{suffix}.png"), full_page=True)
    ver.get_by_role("link", name="Lapas Kelas IIA Jambi").click()
    ver.get_by_label("Catatan perbaikan").fill("Foto ruang laktasi belum diunggah.")
    ver.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    ver.wait_for_url(f"{server}/verifikator/kasus/{cid}")
    assert "Tahap sekarang: Pembangunan" in ver.content()
    assert case_status(rt, world.people["admin"], cid).case.state == "development"

    # keyboard: the skip link is the first thing Tab reaches, and it leads to the content
    ver.keyboard.press("Tab")
    assert ver.evaluate("document.activeElement.textContent.trim()") == "Langsung ke konten"

    op = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(op, server, "op.lapas")
    op.wait_for_url(f"{server}/operator/")
    assert "Foto ruang laktasi belum diunggah." in op.content()
    op.screenshot(path=str(ARTIFACTS / f"operator-case-{suffix}.png"), full_page=True)

    pen = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(pen, server, "pen")
    pen.wait_for_url(f"{server}/penilai/")
    pen.screenshot(path=str(ARTIFACTS / f"penilai-inbox-{suffix}.png"), full_page=True)
    for name in ("admin-dashboard", "verifikator-inbox", "operator-case", "penilai-inbox"):
        assert (ARTIFACTS / f"{name}-{suffix}.png").stat().st_size > 10_000
