"""Moving running 2023 cases to a corrected version (issue #7), on SQLite and PostgreSQL: the dry
run's refusals, the run's per-case transactions, what happens to evidence, audit, tasks and timers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import pass_evaluation, with_uploads
from tests.workflow.helpers import open_2023, seed_world, to_evaluation_review
from tests.workflow.migration_helpers import RENAMED, REVIEW_TITLE, import_corrected_2023
from workflow.deadlines import JAKARTA
from workflow.errors import NotAllowed, NotFound, ValidationFailed
from workflow.services.case_migration import dry_run, resolve_version, run
from workflow.services.cases import claim_task, fire_event
from workflow.services.documents import process_pending
from workflow.services.evidence import upload_evidence
from workflow.services.evidence_windows import extend_window
from workflow.services.timers import due_timer_ids, fire_timer
from workflow.store import AuditEntry, Case, EvidenceRecord, EvidenceVersion, Task, Timer, WindowExtension

MAP = {"evidence_input": RENAMED}
TOILET = ("K1.3", "foto_toilet_disabilitas", "toilet.png")


@pytest.fixture
def ert(rt, tmp_path):
    return with_uploads(rt, tmp_path)


@pytest.fixture
def world(ert):
    return seed_world(ert)


def _rows(rt, stmt):
    with rt.store.unit_of_work() as uow:
        return uow.session.execute(stmt).all()


def _case(rt, cid):
    return _rows(rt, select(Case.definition_id, Case.state, Case.version).where(Case.id == cid))[0]


def _snapshot(rt, cid):
    """Everything migration may touch on one case."""
    return (_case(rt, cid),
            _rows(rt, select(Task.id, Task.state, Task.status, Task.title, Task.assignee_id)
                  .where(Task.case_id == cid).order_by(Task.id)),
            _rows(rt, select(Timer.id, Timer.state, Timer.status, Timer.due_at).where(Timer.case_id == cid)
                  .order_by(Timer.id)),
            _rows(rt, select(AuditEntry.id, AuditEntry.event).where(AuditEntry.case_id == cid)
                  .order_by(AuditEntry.id)),
            _rows(rt, select(EvidenceRecord.id, EvidenceRecord.indicator_id, EvidenceRecord.status)
                  .where(EvidenceRecord.case_id == cid).order_by(EvidenceRecord.id)),
            _rows(rt, select(WindowExtension.id).where(
                WindowExtension.unit_id == select(Case.unit_id).where(Case.id == cid).scalar_subquery())))


def in_input(rt, clock, world, unit="lapas"):
    """A 2023 case in evidence_input whose Berita Acara and account are issued (nothing in flight)."""
    cid = open_2023(rt, world, unit)
    pass_evaluation(rt, clock, world, cid)
    clock.set(2023, 5, 1, 10, 0)
    process_pending(rt)
    return cid


def wib(*args):
    return datetime(*args, tzinfo=JAKARTA)


def test_running_case_moves_to_the_renamed_state_keeping_evidence_audit_and_deadlines(ert, clock, world):
    admin = world.people["admin"]
    cid = in_input(ert, clock, world)
    upload_evidence(ert, world.people["op_lapas"], cid, *TOILET, f.png())
    before = _snapshot(ert, cid)
    target = import_corrected_2023(ert, admin)

    plan = dry_run(ert, admin, target_version_id=target, year=2023, mapping=MAP)
    assert plan.target == "p2ham-2023 v2" and plan.ready == 1 and plan.refused == 0
    row = plan.rows[0]
    assert (row.unit_name, row.from_version, row.from_state, row.to_state) == \
        ("Lapas Kelas IIA Jambi", "p2ham-2023 v1", "evidence_input", RENAMED)
    assert row.timers == ("Dibatalkan: close_evidence_input (15 Oktober 2023 23.59 WIB). "
                          "Baru: close_evidence_input pada 20 Oktober 2023 23.59 WIB.")
    assert _snapshot(ert, cid) == before  # a dry run changes nothing

    clock.set(2023, 5, 2, 9, 0)
    report = run(ert, admin, target_version_id=target, year=2023, mapping=MAP)
    assert report.ok and [r.status for r in report.results] == ["migrated"]
    case = _case(ert, cid)
    assert (case.definition_id, case.state, case.version) == (target, RENAMED, before[0].version + 1)
    # evidence untouched, audit only grown by one entry saying what happened
    assert _rows(ert, select(EvidenceRecord.id, EvidenceRecord.indicator_id, EvidenceRecord.status)
                 .where(EvidenceRecord.case_id == cid).order_by(EvidenceRecord.id)) == before[4]
    audit = _rows(ert, select(AuditEntry.event, AuditEntry.from_state, AuditEntry.to_state,
                              AuditEntry.payload, AuditEntry.actor_id)
                  .where(AuditEntry.case_id == cid).order_by(AuditEntry.id))
    assert [tuple(a[:1]) for a in audit[:-1]] == [(e,) for _, e in before[3]]
    event, source, dest, payload, actor = audit[-1]
    assert (event, source, dest, actor) == ("migrate_definition", "evidence_input", RENAMED, admin)
    assert payload["from_version"] == "p2ham-2023 v1" and payload["to_version"] == "p2ham-2023 v2"
    assert payload["state_mapping"] == MAP and payload["orphaned_indicators"] == []
    # the old close timer cancelled, the new one from the corrected calendar
    timers = _rows(ert, select(Timer.state, Timer.event, Timer.status, Timer.due_at)
                   .where(Timer.case_id == cid).order_by(Timer.id))
    assert ("evidence_input", "close_evidence_input", "cancelled", wib(2023, 10, 15, 23, 59, 59)) in timers
    assert timers[-1] == (RENAMED, "close_evidence_input", "pending", wib(2023, 10, 20, 23, 59, 59))

    # the case goes on under the new version: the operator still uploads, the new deadline fires
    upload_evidence(ert, world.people["op_lapas"], cid, "K1.5", "foto_ramp", "ramp.png", f.png())
    clock.set(2023, 10, 18, 9, 0)
    assert due_timer_ids(ert) == []  # the old 15 October deadline no longer fires
    clock.set(2023, 10, 21, 0, 30)
    [timer_id] = due_timer_ids(ert)
    assert fire_timer(ert, timer_id) == "fired"
    assert _case(ert, cid).state == "final_verification"
    last = _rows(ert, select(AuditEntry.event, AuditEntry.from_state).where(AuditEntry.case_id == cid)
                 .order_by(AuditEntry.id.desc()).limit(1))[0]
    assert tuple(last) == ("close_evidence_input", RENAMED)


def test_a_reworded_task_is_reopened_for_the_same_verifier_with_the_same_deadline(ert, clock, world):
    admin, ver = world.people["admin"], world.people["ver"]
    cid = open_2023(ert, world)
    to_evaluation_review(ert, clock, world, cid)
    [task] = _rows(ert, select(Task.id, Task.due_at).where(Task.case_id == cid, Task.status == "open"))
    claim_task(ert, ver, task.id)
    timers_before = _rows(ert, select(Timer.id, Timer.status, Timer.due_at).where(Timer.case_id == cid))
    target = import_corrected_2023(ert, admin)
    clock.set(2023, 4, 6, 9, 0)
    [row] = dry_run(ert, admin, target_version_id=target, case_ids=[cid]).rows
    assert row.ok and row.timers == "Tidak berubah."
    assert row.tasks == (f"Ditutup: Verifikasi data dukung evaluasi. Dibuka: {REVIEW_TITLE} (Verifikator), "
                         "tenggat 19 April 2023 09.00 WIB.")
    assert run(ert, admin, target_version_id=target, case_ids=[cid]).ok
    tasks = _rows(ert, select(Task.title, Task.status, Task.assignee_id, Task.due_at)
                  .where(Task.case_id == cid).order_by(Task.id))
    assert tasks == [("Verifikasi data dukung evaluasi", "cancelled", ver, task.due_at),
                     (REVIEW_TITLE, "open", ver, task.due_at)]
    timers = _rows(ert, select(Timer.id, Timer.status, Timer.due_at).where(Timer.case_id == cid))
    assert timers == timers_before
    # and the verifier decides on the new version
    assert fire_event(ert, ver, cid, "pass_evaluation").state == RENAMED


def test_the_dry_run_refuses_an_unmapped_state_and_the_run_leaves_it_alone(ert, clock, world):
    admin = world.people["admin"]
    cid = in_input(ert, clock, world)
    target = import_corrected_2023(ert, admin)
    [row] = dry_run(ert, admin, target_version_id=target, year=2023).rows
    assert not row.ok and row.to_state is None
    assert row.reasons == ("Tahap 'Penginputan Data Dukung' (evidence_input) tidak ada pada versi tujuan dan "
                           "belum dipetakan ke tahap lain.",)
    before = _snapshot(ert, cid)
    report = run(ert, admin, target_version_id=target, year=2023)
    assert not report.ok and report.results[0].status == "refused"
    assert "belum dipetakan" in report.results[0].message
    assert _snapshot(ert, cid) == before


def test_orphaned_evidence_is_refused_until_confirmed_and_kept_after(ert, clock, world):
    admin, op = world.people["admin"], world.people["op_lapas"]
    cid = in_input(ert, clock, world)
    upload_evidence(ert, op, cid, "K5.2", "dokumen_zona_integritas", "zi.pdf", f.pdf("Zona integritas"))
    target = import_corrected_2023(ert, admin)
    [row] = dry_run(ert, admin, target_version_id=target, year=2023, mapping=MAP).rows
    assert not row.ok and row.orphaned == ("K5.2",)
    assert "indikator yang tidak ada lagi pada versi tujuan: K5.2" in row.reasons[0]
    assert run(ert, admin, target_version_id=target, year=2023, mapping=MAP).results[0].status == "refused"
    assert _case(ert, cid).state == "evidence_input"

    report = run(ert, admin, target_version_id=target, year=2023, mapping=MAP, confirm_orphans=True)
    assert report.ok and "K5.2" in report.results[0].message
    payload = _rows(ert, select(AuditEntry.payload).where(AuditEntry.event == "migrate_definition"))[0][0]
    assert payload["orphaned_indicators"] == ["K5.2"]
    kept = _rows(ert, select(EvidenceRecord.indicator_id, func.count(EvidenceVersion.id))
                 .join(EvidenceVersion, EvidenceVersion.record_id == EvidenceRecord.id)
                 .where(EvidenceRecord.case_id == cid).group_by(EvidenceRecord.indicator_id))
    assert [tuple(k) for k in kept] == [("K5.2", 1)]


def test_a_transition_in_flight_is_refused(ert, clock, world):
    admin = world.people["admin"]
    waiting = open_2023(ert, world)  # the Berita Acara of passing evaluation not yet rendered
    pass_evaluation(ert, clock, world, waiting)
    overdue = open_2023(ert, world, "rutan")  # its review deadline has come, the scheduler not yet
    to_evaluation_review(ert, clock, world, overdue)
    target = import_corrected_2023(ert, admin)
    clock.set(2023, 4, 20, 9, 0)
    rows = {r.case_id: r for r in dry_run(ert, admin, target_version_id=target, year=2023, mapping=MAP).rows}
    assert "dokumen 'berita_acara_hasil_evaluasi' belum selesai diproses" in rows[waiting].reasons[0]
    assert "akun Operator 'operator_account' belum selesai diproses" in rows[waiting].reasons[0]
    assert rows[overdue].reasons == (
        "Ada transisi yang sedang berjalan: tenggat 'escalate_evaluation_review' sudah jatuh waktu "
        "(19 April 2023 09.00 WIB) dan belum diproses. Tunggu hingga penjadwal selesai memprosesnya, "
        "lalu ulangi.",)
    assert {r.status for r in run(ert, admin, target_version_id=target, year=2023, mapping=MAP).results} == \
        {"refused"}
    # once the workers have done their part, both may move
    process_pending(ert)
    [timer_id] = due_timer_ids(ert)
    assert fire_timer(ert, timer_id) == "fired"
    assert run(ert, admin, target_version_id=target, year=2023, mapping=MAP).ok


@pytest.fixture
def refuse_audit(ert):
    """A real database trigger that refuses the migration's audit entry of one case: the case's
    update has already been written in that transaction when it fails."""
    dialect = ert.store.dialect
    holder = {}

    def install(case_id: int):
        with ert.store.engine.begin() as conn:
            if dialect == "sqlite":
                conn.execute(text(f"CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries "
                                  f"WHEN NEW.case_id = {case_id} AND NEW.event = 'migrate_definition' "
                                  "BEGIN SELECT RAISE(ABORT, 'audit ditolak'); END"))
            else:
                conn.execute(text(f"""CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN
                    IF NEW.case_id = {case_id} AND NEW.event = 'migrate_definition' THEN
                      RAISE EXCEPTION 'audit ditolak'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"""))
                conn.execute(text("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries "
                                  "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"))
        holder["on"] = True

    yield install
    if holder:
        with ert.store.engine.begin() as conn:
            on = "" if dialect == "sqlite" else " ON audit_entries"
            conn.execute(text(f"DROP TRIGGER refuse_audit{on}"))
            if dialect != "sqlite":
                conn.execute(text("DROP FUNCTION refuse_audit()"))


def test_a_failure_in_one_case_leaves_the_others_migrated_and_itself_untouched(ert, clock, world,
                                                                               refuse_audit):
    admin = world.people["admin"]
    first = in_input(ert, clock, world, "kw")  # Kantor Wilayah Jambi: first by name
    broken = in_input(ert, clock, world, "lapas")
    raced = in_input(ert, clock, world, "rutan")  # Rutan ...: last by name
    target = import_corrected_2023(ert, admin)
    refuse_audit(broken)
    before = {cid: _snapshot(ert, cid) for cid in (broken, raced)}
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done == 1:  # someone acts on the last case while the batch runs
            upload_evidence(ert, world.people["op_rutan"], raced, *TOILET, f.png())
            extend_window(ert, admin, 2023, "evidence_input", wib(2023, 10, 30, 23, 59), "Gangguan jaringan.",
                          world.units["rutan"])
            fire_event(ert, world.people["op_rutan"], raced, "submit_evidence")

    report = run(ert, admin, target_version_id=target, year=2023, mapping=MAP, batch_size=2,
                 progress=progress)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    by_case = {r.case_id: r for r in report.results}
    assert by_case[first].status == "migrated" and _case(ert, first).state == RENAMED
    assert by_case[broken].status == "failed" and "audit ditolak" in by_case[broken].message
    assert _snapshot(ert, broken) == before[broken]  # the case update and its new timer rolled back too
    assert by_case[raced].status == "changed" and "diubah oleh pengguna lain" in by_case[raced].message
    assert _case(ert, raced).state == "final_verification"  # as the operator left it, on version 1
    assert _case(ert, raced).definition_id != target
    assert not report.ok
    assert [report.count(s) for s in ("migrated", "failed", "changed")] == [1, 1, 1]


def test_a_window_extension_follows_the_renamed_state(ert, clock, world):
    admin = world.people["admin"]
    cid = in_input(ert, clock, world)
    extend_window(ert, admin, 2023, "evidence_input", wib(2023, 10, 25, 23, 59), "Banjir di Jambi.",
                  world.units["lapas"])
    target = import_corrected_2023(ert, admin)
    [row] = dry_run(ert, admin, target_version_id=target, year=2023, mapping=MAP).rows
    assert row.new_timers[0].due_at == wib(2023, 10, 25, 23, 59)
    assert run(ert, admin, target_version_id=target, year=2023, mapping=MAP).ok
    pending = _rows(ert, select(Timer.state, Timer.due_at).where(Timer.case_id == cid,
                                                                 Timer.status == "pending"))
    assert [tuple(p) for p in pending] == [(RENAMED, wib(2023, 10, 25, 23, 59))]
    # the unit may still upload after the corrected close (20 October), as its extension promised
    clock.set(2023, 10, 23, 9, 0)
    upload_evidence(ert, world.people["op_lapas"], cid, *TOILET, f.png())


def test_a_whole_year_skips_finished_cases_and_those_already_moved(ert, clock, world):
    admin = world.people["admin"]
    moved = in_input(ert, clock, world)
    failed = open_2023(ert, world, "rutan")
    to_evaluation_review(ert, clock, world, failed)
    fire_event(ert, world.people["ver"], failed, "fail_evaluation", {"reasons": ["Tidak lengkap."]})
    target = import_corrected_2023(ert, admin)
    clock.set(2023, 5, 1, 10, 0)
    assert run(ert, admin, target_version_id=target, case_ids=[moved], mapping=MAP).ok
    plan = dry_run(ert, admin, target_version_id=target, year=2023, mapping=MAP)
    assert plan.rows == () and plan.skipped == 2
    # chosen by hand they are shown, with the reason
    chosen = dry_run(ert, admin, target_version_id=target, case_ids=[moved, failed])
    rows = {r.case_id: r for r in chosen.rows}
    assert rows[moved].reasons == ("Kasus sudah berjalan pada versi tujuan.",)
    assert "Kasus sudah selesai (tahap akhir 'Tidak Lolos Evaluasi')" in rows[failed].reasons[0]


def test_bad_requests_are_refused_with_a_message_and_change_nothing(ert, clock, world):
    admin = world.people["admin"]
    cid = in_input(ert, clock, world)
    target = import_corrected_2023(ert, admin)
    before = _snapshot(ert, cid)
    with pytest.raises(NotAllowed):
        run(ert, world.people["ver"], target_version_id=target, year=2023, mapping=MAP)
    with pytest.raises(NotAllowed):
        dry_run(ert, world.people["op_lapas"], target_version_id=target, year=2023)
    with pytest.raises(NotFound, match="Versi definisi nomor 999 tidak ditemukan"):
        run(ert, admin, target_version_id=999, year=2023)
    with pytest.raises(ValidationFailed, match="Pilih tahun evaluasi atau kasus"):
        run(ert, admin, target_version_id=target)
    with pytest.raises(NotFound, match="Kasus nomor 4242 tidak ditemukan"):
        run(ert, admin, target_version_id=target, case_ids=[cid, 4242], mapping=MAP)
    with pytest.raises(ValidationFailed, match="tahap asal yang tidak dikenal: evidence_inptu"):
        run(ert, admin, target_version_id=target, year=2023, mapping={"evidence_inptu": RENAMED})
    with pytest.raises(ValidationFailed, match="tidak ada pada versi tujuan: evidence_entri"):
        run(ert, admin, target_version_id=target, year=2023, mapping={"evidence_input": "evidence_entri"})
    with pytest.raises(ValidationFailed, match="Ukuran batch"):
        run(ert, admin, target_version_id=target, year=2023, mapping=MAP, batch_size=0)
    assert _snapshot(ert, cid) == before


def test_versions_are_named_by_id_or_key_and_number(ert, world):
    target = import_corrected_2023(ert, world.people["admin"])
    assert resolve_version(ert, "p2ham-2023@2") == target == resolve_version(ert, str(target))
    with pytest.raises(NotFound, match="'p2ham-2023@9' tidak ditemukan"):
        resolve_version(ert, "p2ham-2023@9")
    with pytest.raises(ValidationFailed, match="tulis nomor versi"):
        resolve_version(ert, "versi baru")
