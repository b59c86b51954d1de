"""``p2ham cases migrate`` end to end on a scratch SQLite database built by the migrations."""

from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from handlers import REGISTRY
from tests.conftest import FakeClock
from tests.workflow.evidence_helpers import pass_evaluation
from tests.workflow.helpers import open_2023, seed_world
from tests.workflow.migration_helpers import RENAMED, import_corrected_2023
from workflow.cli import main
from workflow.deadlines import JAKARTA
from workflow.services import Runtime
from workflow.services.documents import process_pending
from workflow.store import AuditEntry, Case, Store


@pytest.fixture
def setup(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {"P2HAM_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url, "P2HAM_UPLOAD_DIR": str(tmp_path / "up"),
           "P2HAM_NOW": "2023-05-02 09:00"}
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    store = Store(url)
    rt = Runtime(store, REGISTRY, FakeClock(datetime(2023, 2, 1, 9, 0, tzinfo=JAKARTA)), tmp_path / "up")
    world = seed_world(rt)
    cid = open_2023(rt, world)
    pass_evaluation(rt, rt.clock, world, cid)
    process_pending(rt)
    import_corrected_2023(rt, world.people["admin"])
    yield runner, rt, cid
    store.dispose()


def _state(rt, cid):
    with rt.store.unit_of_work() as uow:
        return uow.session.execute(select(Case.state, Case.version).where(Case.id == cid)).one()


def test_dry_run_shows_the_refusal_then_the_plan_and_changes_nothing(setup):
    runner, rt, cid = setup
    before = _state(rt, cid)
    refused = runner.invoke(main, ["cases", "migrate", "--to", "p2ham-2023@2", "--year", "2023", "--dry-run"])
    assert refused.exit_code == 1, refused.output
    assert "Uji coba migrasi ke p2ham-2023 v2 (tidak ada yang diubah)" in refused.output
    row = next(line for line in refused.output.splitlines() if "Lapas Kelas IIA Jambi" in line)
    assert row.split()[0] == str(cid) and "p2ham-2023 v1 / evidence_input" in row and row.endswith("DITOLAK")
    reason = "Alasan: Tahap 'Penginputan Data Dukung' (evidence_input) tidak ada pada versi tujuan"
    assert reason in refused.output
    assert "Ringkasan: 0 siap, 1 ditolak, 0 dilewati" in refused.output
    ready = runner.invoke(main, ["cases", "migrate", "--to", "p2ham-2023@2", "--case", str(cid),
                                 "--map", f"evidence_input={RENAMED}", "--dry-run", "--as", "admin"])
    assert ready.exit_code == 0, ready.output
    assert "SIAP" in ready.output
    assert ("Tenggat: Dibatalkan: close_evidence_input (15 Oktober 2023 23.59 WIB). "
            "Baru: close_evidence_input pada 20 Oktober 2023 23.59 WIB.") in ready.output
    assert _state(rt, cid) == before


def test_run_moves_the_case_reports_and_shows_progress(setup):
    runner, rt, cid = setup
    done = runner.invoke(main, ["cases", "migrate", "--to", "p2ham-2023@2", "--year", "2023", "--map",
                                f"evidence_input={RENAMED}", "--batch-size", "1", "--as", "admin"])
    assert done.exit_code == 0, done.output
    assert "Migrasi ke p2ham-2023 v2: 1 kasus." in done.stdout
    assert "Kemajuan: 1/1 kasus" in done.stderr
    row = next(line for line in done.stdout.splitlines() if "Lapas Kelas IIA Jambi" in line)
    assert row.split()[-1] == "DIPINDAHKAN" and RENAMED in row
    assert "Ringkasan: 1 dipindahkan, 0 ditolak, 0 berubah sementara itu, 0 gagal; 0 dilewati." in done.stdout
    assert _state(rt, cid).state == RENAMED
    with rt.store.unit_of_work() as uow:
        audit = uow.session.execute(select(AuditEntry.event, AuditEntry.actor_role)
                                    .order_by(AuditEntry.id.desc()).limit(1)).one()
    assert tuple(audit) == ("migrate_definition", "admin")
    # nothing left to move: a second run over the year is empty and succeeds
    again = runner.invoke(main, ["cases", "migrate", "--to", "p2ham-2023@2", "--year", "2023"])
    assert again.exit_code == 0 and "1 dilewati" in again.output


def test_bad_input_gets_a_message_and_changes_nothing(setup):
    runner, rt, cid = setup
    before = _state(rt, cid)
    base = ["cases", "migrate", "--to", "p2ham-2023@2"]
    bad_map = runner.invoke(main, [*base, "--year", "2023", "--map", "evidence_input"])
    assert bad_map.exit_code == 2 and "harus berbentuk LAMA=BARU" in bad_map.output
    nothing = runner.invoke(main, base)
    assert nothing.exit_code == 2 and "Pilih --year atau --case" in nothing.output
    unknown = runner.invoke(main, ["cases", "migrate", "--to", "p2ham-2023@7", "--year", "2023"])
    assert unknown.exit_code == 1 and "Versi definisi 'p2ham-2023@7' tidak ditemukan." in unknown.output
    wrong_state = runner.invoke(main, [*base, "--year", "2023", "--map", "evidence_input=evidence_entri"])
    assert wrong_state.exit_code == 1 and "tidak ada pada versi tujuan: evidence_entri" in wrong_state.output
    operator = runner.invoke(main, [*base, "--year", "2023", "--as", "op.lapas"])
    assert operator.exit_code == 1 and "tidak berwenang" in operator.output
    batch = runner.invoke(main, [*base, "--year", "2023", "--batch-size", "0"])
    assert batch.exit_code == 2
    assert _state(rt, cid) == before
