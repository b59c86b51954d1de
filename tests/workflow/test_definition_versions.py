"""Definition versions and drafts through the service layer, on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.workflow.helpers import open_2023, seed_world
from workflow.deadlines import JAKARTA
from workflow.errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from workflow.services import definition_versions as dv
from workflow.store import DefinitionVersion


@pytest.fixture
def world(rt):
    return seed_world(rt)


def _version_id(rt, key, version=1):
    with rt.store.unit_of_work() as uow:
        return uow.session.scalar(select(DefinitionVersion.id).where(DefinitionVersion.key == key,
                                                                     DefinitionVersion.version == version))


def _snapshot(rt):
    with rt.store.unit_of_work() as uow:
        return [(v.id, v.key, v.version, v.content_hash, v.source_text, v.status, v.note)
                for v in uow.session.scalars(select(DefinitionVersion).order_by(DefinitionVersion.id))]


def test_version_rows_count_cases_and_detail_has_text(rt, world):
    open_2023(rt, world)
    open_2023(rt, world, "rutan")
    rows = dv.list_version_rows(rt)
    assert [(r.key, r.version, r.case_count) for r in rows] == [("p2ham-2024", 1, 0), ("p2ham-2023", 1, 2)]
    assert rows[0].status == "published" and rows[0].author is None and rows[0].label == "p2ham-2024 v1"
    detail = dv.get_version(rt, world.people["admin"], rows[1].id)
    assert detail.case_count == 2 and detail.source_text.startswith("# Evaluasi P2HAM Tahun 2023")
    with pytest.raises(NotFound, match="tidak ditemukan"):
        dv.get_version(rt, world.people["admin"], 999)


def test_start_draft_copies_the_version_text(rt, world):
    v1 = _version_id(rt, "p2ham-2024")
    view = dv.start_draft(rt, world.people["admin"], v1)
    assert (view.key, view.year, view.base_version_id) == ("p2ham-2024", 2024, v1)
    assert view.base_label == "p2ham-2024 v1"
    assert view.revision == 1 and view.status == "open" and view.issues == () and view.updated_by == "Admin"
    assert view.definition.id == "p2ham-2024"
    with rt.store.unit_of_work() as uow:
        assert view.text == uow.session.get(DefinitionVersion, v1).source_text
    assert [d.id for d in dv.list_drafts(rt, world.people["admin"])] == [view.id]
    # one open draft per key
    with pytest.raises(ValidationFailed, match="Sudah ada draf terbuka untuk 'p2ham-2024'"):
        dv.start_draft(rt, world.people["admin"], v1)


def test_copy_2024_to_2025_shifts_dates_keeps_comments_and_validates(rt, world):
    view = dv.start_draft(rt, world.people["admin"], _version_id(rt, "p2ham-2024"), year=2025)
    assert (view.key, view.year, view.issues) == ("p2ham-2025", 2025, ())
    d = view.definition
    assert (d.id, d.year) == ("p2ham-2025", 2025)
    assert d.title == "Evaluasi Pelayanan Publik Berbasis HAM Tahun 2025"
    assert d.date("evaluation_closes") == datetime(2025, 9, 30, 23, 59, 59, tzinfo=JAKARTA)
    assert d.date("result_date") == datetime(2025, 12, 10, 9, 0, tzinfo=JAKARTA)
    assert all(when.year == 2025 for _, when in d.calendar)
    # comments, layout and the regulation (which names another year) are untouched
    assert view.text.startswith("# Evaluasi P2HAM Tahun 2024, berdasarkan Permenkumham Nomor 25 Tahun 2023.")
    assert "Nomor 25 Tahun 2023 tentang" in view.text
    assert "  evaluation_closes: 2025-09-30 23:59:59\n" in view.text
    assert len(view.text.splitlines()) == len(dv.get_version(rt, world.people["admin"],
                                                             view.base_version_id).source_text.splitlines())
    # a 2024 draft can still be started: the key differs
    assert dv.start_draft(rt, world.people["admin"], view.base_version_id).key == "p2ham-2024"


def test_copy_to_year_moves_29_february_and_flow_style_calendars():
    text = "id: x-2024\nyear: 2024  # tahun\ntitle: T\ncalendar: {a: 2024-02-29, b: '2024-03-01 08:00'}\n"
    assert dv.copy_to_year(text, 2025) == ("id: x-2025\nyear: 2025  # tahun\ntitle: T\n"
                                           "calendar: {a: 2025-02-28, b: '2025-03-01 08:00'}\n")


def test_save_keeps_invalid_text_and_lists_issues_with_lines(rt, world):
    admin = world.people["admin"]
    view = dv.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    lines = view.text.splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if "source: final_verification, target: assessment" in line)
    lines[n] = lines[n].replace("target: assessment", "target: asessment")
    broken = "".join(lines)
    saved = dv.save_draft(rt, admin, view.id, broken, view.revision)
    assert saved.revision == 2 and saved.text == broken and saved.definition is None
    issue = next(i for i in saved.issues if "asessment" in i.message)
    assert (issue.file, issue.line) == (f"draf-{view.id}.yaml", n + 1)
    assert issue.path.startswith("lifecycle.transitions[")
    # reading it back gives the same text and issues
    again = dv.get_draft(rt, admin, view.id)
    assert again.text == broken and again.issues == saved.issues
    # YAML that cannot be parsed is stored too
    garbage = "id: [p2ham-2025\n"
    kept = dv.save_draft(rt, admin, view.id, garbage, 2)
    assert kept.text == garbage and kept.issues[0].line is not None and kept.key == "p2ham-2025"


def test_stale_revision_is_changed_meanwhile_and_changes_nothing(rt, world):
    admin = world.people["admin"]
    view = dv.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    dv.save_draft(rt, admin, view.id, view.text + "# satu\n", 1)
    with pytest.raises(ChangedMeanwhile, match="diubah oleh pengguna lain"):
        dv.save_draft(rt, admin, view.id, view.text + "# dua\n", 1)
    assert dv.get_draft(rt, admin, view.id).text.endswith("# satu\n")


def test_save_refuses_too_large_and_non_utf8(rt, world):
    admin = world.people["admin"]
    view = dv.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    with pytest.raises(ValidationFailed, match="paling besar 1 MB"):
        dv.save_draft(rt, admin, view.id, "#" * (1024 * 1024 + 1), 1)
    with pytest.raises(ValidationFailed, match="UTF-8"):
        dv.save_draft(rt, admin, view.id, "id: x\n".encode("utf-16"), 1)
    with pytest.raises(ValidationFailed, match="UTF-8"):
        dv.save_draft(rt, admin, view.id, "id: \udcff\n", 1)
    with pytest.raises(ValidationFailed, match="NUL"):
        dv.save_draft(rt, admin, view.id, "id: a\x00\n", 1)
    assert dv.get_draft(rt, admin, view.id).revision == 1


def test_draft_key_follows_the_yaml_id_unless_another_draft_has_it(rt, world):
    admin = world.people["admin"]
    first = dv.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    moved = dv.save_draft(rt, admin, first.id, first.text.replace("id: p2ham-2024", "id: p2ham-2024b"), 1)
    assert moved.key == "p2ham-2024b" and moved.issues == ()
    other = dv.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))  # the old key is free again
    clash = dv.save_draft(rt, admin, other.id, other.text.replace("id: p2ham-2024", "id: p2ham-2024b"), 1)
    assert clash.key == "p2ham-2024" and clash.definition is None
    assert [i.path for i in clash.issues] == ["id"] and "draf terbuka lain" in clash.issues[0].message


def test_non_admins_are_refused(rt, world):
    v1 = _version_id(rt, "p2ham-2024")
    view = dv.start_draft(rt, world.people["admin"], v1)
    calls = ((dv.start_draft, v1), (dv.list_drafts,), (dv.get_draft, view.id), (dv.get_version, v1),
             (dv.save_draft, view.id, "x: 1\n", 1), (dv.diff_draft, view.id), (dv.diff_versions, v1, v1),
             (dv.publish_draft, view.id, "catatan", 1), (dv.discard_draft, view.id, 1))
    for who in ("ver", "pen", "op_lapas"):
        for fn, *args in calls:
            with pytest.raises(NotAllowed):
                fn(rt, world.people[who], *args)
    assert dv.get_draft(rt, world.people["admin"], view.id).revision == 1
