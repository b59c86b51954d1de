"""``p2ham bench`` runs end to end on both databases in its own scratch space (no time is asserted)."""

from sqlalchemy import func, select

from workflow import bench
from workflow.config import Settings
from workflow.store import Case


def test_bench_runs_full_lifecycles_next_to_the_baseline_and_leaves_the_data_alone(store, tmp_path):
    url = store.engine.url.render_as_string(hide_password=False)
    lines: list[str] = []
    result = bench.run(Settings.from_env({"DATABASE_URL": url, "P2HAM_INSTANCE_DIR": str(tmp_path)}), 3,
                       echo=lines.append, baseline_block=5)
    assert result["steps"] == 3 * len(bench.STEPS_2023)
    assert result["engine"] > 0 and result["baseline"] > 0
    assert any("rasio mesin/baseline" in line for line in lines)
    assert sum("langkah baseline" in line for line in lines) == len(bench.STEPS_2023)  # interleaved blocks
    assert "(dan 35 langkah baseline)" in lines[-4]  # 7 blocks of max(3 cases, 5) steps
    with store.unit_of_work() as uow:  # the configured schema was not touched
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 0
    assert not list(tmp_path.glob("p2ham-bench-*"))  # the scratch SQLite file is removed
