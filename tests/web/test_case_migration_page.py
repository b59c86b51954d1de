"""The admin's case migration page: choose year, target version, cases and state mapping, dry run
with refusals highlighted, then run with a confirmation (on a worker) and read the report. The
progress page itself is tested in ``test_case_migration_progress.py``."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update

from tests.web.conftest import post, sign_in
from tests.workflow.jobs_helpers import work
from tests.workflow.migration_helpers import RENAMED, case_awaiting_migration
from web import create_app
from workflow.services.cases import open_case
from workflow.services.imports import import_units_csv
from workflow.store import Case

PAGE = "/admin/migrasi/"
DRY = "/admin/migrasi/uji-coba"
RUN = "/admin/migrasi/jalankan"


@pytest.fixture
def setup(rt, clock, world):
    return case_awaiting_migration(rt, clock, world)


def _state(rt, cid):
    with rt.store.unit_of_work() as uow:
        return tuple(uow.session.execute(select(Case.state, Case.version, Case.definition_id)
                                         .where(Case.id == cid)).one())


def _form(target, **over):
    return {"tahun": "2023", "versi": str(target), "cakupan": "tahun",
            "peta": ["declared=declared", "evaluation_review=evaluation_review", "evidence_input="], **over}


def test_non_admins_are_refused(app, world, setup):
    _, target = setup
    for username in ("op.lapas", "ver", "pen"):
        c = app.test_client()
        sign_in(c, username)
        assert c.get(PAGE).status_code == 403
        assert post(c, DRY, _form(target)).status_code == 403
        assert post(c, RUN, {**_form(target), "setuju": "1"}).status_code == 403


def test_forms_without_csrf_are_refused(client, rt, world, setup):
    cid, target = setup
    sign_in(client, "admin")
    assert client.post(DRY, data=_form(target)).status_code == 400
    assert client.post(RUN, data={**_form(target), "setuju": "1"}).status_code == 400
    assert _state(rt, cid)[0] == "evidence_input"


def test_page_offers_labelled_choices_and_prefills_the_mapping(client, world, setup):
    cid, target = setup
    sign_in(client, "admin")
    first = client.get(PAGE).get_data(as_text=True)
    assert '<label for="tahun">' in first and '<label for="versi">' in first
    assert f'<option value="{target}">p2ham-2023 v2 (tahun 2023)</option>' in first
    page = client.get(f"{PAGE}?tahun=2023&versi={target}").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert f'<label class="check" for="kasus-{cid}">Lapas Kelas IIA Jambi (kasus nomor {cid})</label>' in page
    assert '<label for="peta-evidence_input">Penginputan Data Dukung (evidence_input)</label>' in page
    # same ids pre-filled; the renamed state left unmapped
    assert '<option value="evaluation_review=evaluation_review" selected>' in page
    select_input = page.split('id="peta-evidence_input"')[1].split("</select>")[0]
    assert " selected" not in select_input and f'value="evidence_input={RENAMED}"' in select_input


def test_dry_run_highlights_the_refused_case_and_offers_no_run(client, rt, world, setup):
    cid, target = setup
    sign_in(client, "admin")
    r = post(client, DRY, _form(target), token_from=f"{PAGE}?tahun=2023&versi={target}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Hasil uji coba ke p2ham-2023 v2: 0 siap, 1 ditolak" in page
    row = page.split('<tr class="refused">')[1].split("</tr>")[0]
    assert "<strong>Ditolak:</strong>" in row and "Lapas Kelas IIA Jambi" in row
    assert "tidak ada pada versi tujuan dan belum dipetakan ke tahap lain" in row
    assert "Jalankan migrasi" not in page
    assert _state(rt, cid)[0] == "evidence_input"


def test_mapped_dry_run_then_confirmed_run_migrates_and_reports(rt, world, jobs, setup):
    cid, target = setup
    client = create_app({"TESTING": True, "RUNTIME": rt, "SECRET_KEY": "test-secret",
                         "REDIS_URL": jobs.settings.redis_url}).test_client()
    sign_in(client, "admin")
    form = _form(target, peta=["evidence_input=" + RENAMED], cakupan="pilihan", kasus=[str(cid)])
    page = post(client, DRY, form, token_from=PAGE).get_data(as_text=True)
    assert "1 siap, 0 ditolak" in page and '<tr class="refused">' not in page
    assert "Baru: close_evidence_input pada 20 Oktober 2023 23.59 WIB." in page
    assert f'<input type="hidden" name="peta" value="evidence_input={RENAMED}">' in page
    assert f'<input type="hidden" name="kasus" value="{cid}">' in page
    # the confirmation is required, also without the browser's help
    refused = post(client, RUN, form, token_from=PAGE)
    assert refused.status_code == 422
    assert "Centang persetujuan sebelum menjalankan migrasi." in refused.get_data(as_text=True)
    assert _state(rt, cid)[0] == "evidence_input"
    started = post(client, RUN, {**form, "setuju": "1", "batch": "10"}, token_from=PAGE)
    assert started.status_code == 303
    assert "/admin/migrasi/proses/p2ham-migrasi-" in started.headers["Location"]
    assert _state(rt, cid)[0] == "evidence_input"  # the worker moves it, not the request
    work(jobs.redis)
    done = client.get(started.headers["Location"])
    report = done.get_data(as_text=True)
    assert done.status_code == 200 and "Laporan migrasi kasus ke p2ham-2023 v2" in report
    assert "1 dari 1 kasus diproses dalam 1 batch: 1 dipindahkan, 0 ditolak" in report
    assert "<strong>Dipindahkan</strong>" in report
    assert _state(rt, cid) == (RENAMED, _state(rt, cid)[1], target)


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, rt, world, setup):
    cid, target = setup
    sign_in(client, "admin")
    for over, text in (({"versi": "abc"}, "Versi tujuan tidak sah: &#39;abc&#39;."),
                       ({"versi": ""}, "Pilih versi tujuan."),
                       ({"cakupan": "pilihan", "kasus": ["x1"]}, "Nomor kasus tidak sah: &#39;x1&#39;."),
                       ({"cakupan": "pilihan"}, "Pilih paling sedikit satu kasus"),
                       ({"peta": ["tanpa-tanda"]}, "Pemetaan tahap tidak sah: &#39;tanpa-tanda&#39;."),
                       ({"peta": ["evidence_input=entah"]}, "tidak ada pada versi tujuan: entah"),
                       ({"cakupan": "pilihan", "kasus": ["999"]}, "Kasus nomor 999 tidak ditemukan")):
        for path, extra in ((DRY, {}), (RUN, {"setuju": "1"})):
            r = post(client, path, {**_form(target, **over), **extra}, token_from=PAGE)
            assert r.status_code in (404, 422), (over, r.status_code)
            assert text in r.get_data(as_text=True), over
    assert post(client, DRY, _form(999), token_from=PAGE).status_code == 404
    for size in ("0", "1001", "-3", "sepuluh"):
        r = post(client, RUN, {**_form(target), "setuju": "1", "batch": size}, token_from=PAGE)
        assert r.status_code == 422 and ("Ukuran batch" in r.get_data(as_text=True)), size
    assert _state(rt, cid)[0] == "evidence_input"


def test_dry_run_page_statement_count_is_constant_for_50_cases(client, rt, clock, world, setup):
    cid, target = setup

    def statements():
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(rt.store.engine, "before_cursor_execute", listener)
        page = post(client, DRY, _form(target, peta=["evidence_input=" + RENAMED]), token_from=PAGE)
        event.remove(rt.store.engine, "before_cursor_execute", listener)
        assert page.status_code == 200
        return len(seen), page.get_data(as_text=True)

    sign_in(client, "admin")
    statements()  # warm the definition cache
    few, page = statements()
    assert "1 siap, 0 ditolak" in page
    rows = "\n".join(f"U{i:04d},UPT {i},upt,Jambi,KW-JAMBI" for i in range(49))
    assert import_units_csv(rt, world.people["admin"], "kode,nama,jenis,wilayah,induk\n" + rows).created == 49
    clock.set(2023, 2, 1, 9, 0)
    first = max(world.units.values()) + 1
    for unit_id in range(first, first + 49):
        open_case(rt, world.people["admin"], unit_id, 2023)
    with rt.store.unit_of_work() as uow:  # opened before the correction: pinned to version 1
        s = uow.session
        v1 = s.execute(select(Case.definition_id, Case.definition_hash).where(Case.id == cid)).one()
        s.execute(update(Case).where(Case.id != cid).values(definition_id=v1[0], definition_hash=v1[1]))
        uow.commit()
    clock.set(2023, 3, 1, 9, 0)
    many, page = statements()
    assert "50 siap, 0 ditolak" in page
    assert many == few
