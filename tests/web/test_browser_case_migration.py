"""Browser test of the case migration's progress page in headless Chromium against a real server:
the admin runs the migration through the pages, waits on the progress page while no worker runs,
and sees the report appear by itself once an in-process RQ worker has run the job, with script
(polling the JSON endpoint) and without (the page's meta refresh)."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401  (fixtures)
from tests.workflow.jobs_helpers import work
from tests.workflow.migration_helpers import RENAMED, case_awaiting_migration
from web import create_app

pytestmark = pytest.mark.slow
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def app(rt, jobs):
    return create_app({"TESTING": True, "RUNTIME": rt, "SECRET_KEY": "test-secret",
                       "REDIS_URL": jobs.settings.redis_url})


def test_progress_page_waits_for_the_worker_then_shows_the_report(rt, clock, world, jobs, server, browser):  # noqa: F811
    cid, target = case_awaiting_migration(rt, clock, world)

    page = browser.new_context(viewport=VIEWPORT).new_page()
    _sign_in(page, server, "admin")
    page.wait_for_url(f"{server}/admin/")
    page.goto(f"{server}/admin/migrasi/?tahun=2023&versi={target}")
    page.get_by_label("Hanya kasus yang dicentang di bawah").check()
    page.get_by_label(f"Lapas Kelas IIA Jambi (kasus nomor {cid})").check()
    page.get_by_label("Penginputan Data Dukung (evidence_input)").select_option(f"evidence_input={RENAMED}")
    page.get_by_role("button", name="Uji coba (dry run)").click()
    page.get_by_label("Jumlah kasus per batch").fill("1")
    page.get_by_label(re.compile("Saya telah memeriksa hasil uji coba")).check()
    page.get_by_role("button", name="Jalankan migrasi").click()
    page.wait_for_url(re.compile(r"/admin/migrasi/proses/p2ham-migrasi-[0-9a-f]{32}$"))
    status_url = page.url
    assert page.get_by_role("heading", name="Menunggu worker").is_visible()
    assert page.get_by_label("Kemajuan migrasi").evaluate("e => [e.value, e.max]") == [0, 1]
    assert page.get_by_role("status").inner_text().startswith("Menunggu worker: migrasi belum dimulai.")
    page.screenshot(path=str(ARTIFACTS / f"admin-migration-waiting-{rt.store.dialect}.png"), full_page=True)

    # the same page in a browser without script, signed in as the same admin
    plain_context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    plain = plain_context.new_page()
    _sign_in(plain, server, "admin")
    plain.goto(status_url)
    assert "Menunggu worker" in plain.content()

    page.wait_for_timeout(1500)  # a poll or two while the job still waits: the page stays
    assert page.url == status_url and page.get_by_role("heading", name="Menunggu worker").is_visible()
    work(jobs.redis)
    heading = re.compile("Laporan migrasi kasus ke p2ham-2023 v2")
    page.get_by_role("heading", name=heading).wait_for(timeout=10_000)
    assert "1 dari 1 kasus diproses dalam 1 batch: 1 dipindahkan" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"admin-migration-report-{rt.store.dialect}.png"), full_page=True)
    plain.get_by_role("heading", name=heading).wait_for(timeout=10_000)  # the meta refresh, every 2 s
    assert "<strong>Dipindahkan</strong>" in plain.content()
    plain_context.close()
