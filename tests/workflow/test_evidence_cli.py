"""``p2ham evidence`` end to end on a scratch SQLite database built by the migrations."""

from datetime import datetime

import pytest
from click.testing import CliRunner

from handlers import REGISTRY
from tests.conftest import FakeClock
from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import case_in_evidence_input
from workflow.cli import main
from workflow.deadlines import JAKARTA
from workflow.services import Runtime
from workflow.store import Store


@pytest.fixture
def setup(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {"P2HAM_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url, "P2HAM_UPLOAD_DIR": str(tmp_path / "up"),
           "P2HAM_NOW": "2023-05-01 10:00"}
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    store = Store(url)
    rt = Runtime(store, REGISTRY, FakeClock(datetime(2023, 2, 1, 9, 0, tzinfo=JAKARTA)), tmp_path / "up")
    _, cid = case_in_evidence_input(rt, rt.clock)
    yield runner, str(cid), tmp_path
    store.dispose()


def test_upload_submit_decide_and_completeness(setup):
    runner, cid, tmp = setup
    photo = tmp / "toilet.png"
    photo.write_bytes(f.png())
    common = ["--case", cid, "--indicator", "K1.3", "--item", "foto_toilet_disabilitas"]
    up = runner.invoke(main, ["evidence", "upload", str(photo), *common, "--as", "op.lapas"])
    assert up.exit_code == 0, up.output
    assert "versi 1 tersimpan" in up.output
    other = runner.invoke(main, ["evidence", "list", "--case", cid, "--as", "op.rutan"])
    assert other.exit_code == 1 and "Unit Kerja Anda sendiri" in other.output
    fake = tmp / "foto.png"
    fake.write_bytes(f.EXE)
    bad = runner.invoke(main, ["evidence", "upload", str(fake), *common, "--as", "op.lapas"])
    assert bad.exit_code == 1 and "program Windows" in bad.output
    sent = runner.invoke(main, ["evidence", "submit", "--case", cid, "K1.3", "--as", "op.lapas"])
    assert "1 data dukung dikirim: K1.3/foto_toilet_disabilitas" in sent.output
    assert runner.invoke(main, ["evidence", "claim", "--case", cid, "--as", "ver"]).exit_code == 0
    returned = runner.invoke(main, ["evidence", "decide", *common, "perlu_perbaikan", "--note", "Buram",
                                    "--as", "ver"])
    assert returned.exit_code == 0 and "perlu_perbaikan" in returned.output
    listed = runner.invoke(main, ["evidence", "list", "--case", cid, "--as", "op.lapas"])
    assert "Perlu perbaikan" in listed.output and "Buram" in listed.output
    out = tmp / "unduhan.png"
    got = runner.invoke(main, ["evidence", "download", *common, "-o", str(out), "--as", "ver"])
    assert got.exit_code == 0 and out.read_bytes() == photo.read_bytes()
    shown = runner.invoke(main, ["evidence", "completeness", "--case", cid, "--as", "admin"])
    assert "K1.3     belum lengkap" in shown.output and "Kasus: 0% lengkap" in shown.output


def test_extend_for_one_unit(setup):
    runner, cid, tmp = setup
    args = ["evidence", "extend", "--year", "2023", "--state", "evidence_input", "--until", "2023-10-20 23:59:59",
            "--reason", "Banjir", "--unit", "LPS-JAMBI"]
    refused = runner.invoke(main, [*args, "--as", "op.lapas"])
    assert refused.exit_code == 1
    ok = runner.invoke(main, [*args, "--as", "admin"])
    assert ok.exit_code == 0, ok.output
    assert "1 kasus, 1 tenggat digeser" in ok.output
