"""Definition versions and drafts through the service layer, on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.workflow.helpers import open_2023, seed_world, to_evaluation_review
from workflow.deadlines import JAKARTA
from workflow.errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from workflow.services import definition_drafts as dd
from workflow.services import definition_versions as dv
from workflow.services.cases import open_case
from workflow.services.definitions import import_definition
from workflow.store import Case, DefinitionDraft, DefinitionVersion
from workflow.year_copy import copy_to_year


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
    view = dd.start_draft(rt, world.people["admin"], v1)
    assert (view.key, view.year, view.base_version_id) == ("p2ham-2024", 2024, v1)
    assert view.base_label == "p2ham-2024 v1"
    assert view.revision == 1 and view.status == "open" and view.issues == () and view.updated_by == "Admin"
    assert view.definition.id == "p2ham-2024"
    with rt.store.unit_of_work() as uow:
        assert view.text == uow.session.get(DefinitionVersion, v1).source_text
    assert [d.id for d in dd.list_drafts(rt, world.people["admin"])] == [view.id]
    # one open draft per key
    with pytest.raises(ValidationFailed, match="Sudah ada draf terbuka untuk 'p2ham-2024'"):
        dd.start_draft(rt, world.people["admin"], v1)


def test_copy_2024_to_2025_shifts_dates_keeps_comments_and_validates(rt, world):
    view = dd.start_draft(rt, world.people["admin"], _version_id(rt, "p2ham-2024"), year=2025)
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
    assert dd.start_draft(rt, world.people["admin"], view.base_version_id).key == "p2ham-2024"


def test_copy_to_year_moves_29_february_and_flow_style_calendars():
    text = "id: x-2024\nyear: 2024  # tahun\ntitle: T\ncalendar: {a: 2024-02-29, b: '2024-03-01 08:00'}\n"
    assert copy_to_year(text, 2025) == ("id: x-2025\nyear: 2025  # tahun\ntitle: T\n"
                                        "calendar: {a: 2025-02-28, b: '2025-03-01 08:00'}\n")


def test_save_keeps_invalid_text_and_lists_issues_with_lines(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    lines = view.text.splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if "source: final_verification, target: assessment" in line)
    lines[n] = lines[n].replace("target: assessment", "target: asessment")
    broken = "".join(lines)
    saved = dd.save_draft(rt, admin, view.id, broken, view.revision)
    assert saved.revision == 2 and saved.text == broken and saved.definition is None
    issue = next(i for i in saved.issues if "asessment" in i.message)
    assert (issue.file, issue.line) == (f"draf-{view.id}.yaml", n + 1)
    assert issue.path.startswith("lifecycle.transitions[")
    # reading it back gives the same text and issues
    again = dd.get_draft(rt, admin, view.id)
    assert again.text == broken and again.issues == saved.issues
    # YAML that cannot be parsed is stored too
    garbage = "id: [p2ham-2025\n"
    kept = dd.save_draft(rt, admin, view.id, garbage, 2)
    assert kept.text == garbage and kept.issues[0].line is not None and kept.key == "p2ham-2025"


def test_stale_revision_is_changed_meanwhile_and_changes_nothing(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    dd.save_draft(rt, admin, view.id, view.text + "# satu\n", 1)
    with pytest.raises(ChangedMeanwhile, match="diubah oleh pengguna lain"):
        dd.save_draft(rt, admin, view.id, view.text + "# dua\n", 1)
    assert dd.get_draft(rt, admin, view.id).text.endswith("# satu\n")


def test_save_refuses_too_large_and_non_utf8(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    with pytest.raises(ValidationFailed, match="paling besar 1 MB"):
        dd.save_draft(rt, admin, view.id, "#" * (1024 * 1024 + 1), 1)
    with pytest.raises(ValidationFailed, match="UTF-8"):
        dd.save_draft(rt, admin, view.id, "id: x\n".encode("utf-16"), 1)
    with pytest.raises(ValidationFailed, match="UTF-8"):
        dd.save_draft(rt, admin, view.id, "id: \udcff\n", 1)
    with pytest.raises(ValidationFailed, match="NUL"):
        dd.save_draft(rt, admin, view.id, "id: a\x00\n", 1)
    assert dd.get_draft(rt, admin, view.id).revision == 1


def test_draft_key_follows_the_yaml_id_unless_another_draft_has_it(rt, world):
    admin = world.people["admin"]
    first = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    moved = dd.save_draft(rt, admin, first.id, first.text.replace("id: p2ham-2024", "id: p2ham-2024b"), 1)
    assert moved.key == "p2ham-2024b" and moved.issues == ()
    later = dd.save_draft(rt, admin, first.id, moved.text.replace("year: 2024", "year: 2026", 1), 2)
    assert (later.key, later.year) == ("p2ham-2024b", 2026)
    other = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))  # the old key is free again
    clash = dd.save_draft(rt, admin, other.id, other.text.replace("id: p2ham-2024", "id: p2ham-2024b"), 1)
    assert clash.key == "p2ham-2024" and clash.definition is None
    assert [i.path for i in clash.issues] == ["id"] and "draf terbuka lain" in clash.issues[0].message


def test_non_admins_are_refused(rt, world):
    v1 = _version_id(rt, "p2ham-2024")
    view = dd.start_draft(rt, world.people["admin"], v1)
    calls = ((dd.start_draft, v1), (dd.list_drafts,), (dd.get_draft, view.id), (dv.get_version, v1),
             (dd.save_draft, view.id, "x: 1\n", 1), (dd.diff_draft, view.id), (dv.diff_versions, v1, v1),
             (dd.publish_draft, view.id, "catatan", 1), (dd.discard_draft, view.id, 1),
             (dv.publish_text, "id: x\n", "x.yaml", "catatan"), (dv.find_version, "p2ham-2024", 1))
    for who in ("ver", "pen", "op_lapas"):
        for fn, *args in calls:
            with pytest.raises(NotAllowed):
                fn(rt, world.people[who], *args)
    assert dd.get_draft(rt, world.people["admin"], view.id).revision == 1


def _edit(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def test_publish_refused_while_errors_remain_or_without_note(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    broken = _edit(view.text, "weight: 35", "weight: 36")
    broken = _edit(broken, "guards: [evaluation_window_open]", "guards: [evaluation_window_opn]")
    saved = dd.save_draft(rt, admin, view.id, broken, 1)
    assert len(saved.issues) == 2
    before = _snapshot(rt)
    with pytest.raises(ValidationFailed, match=r"^Definisi masih memiliki 2 kesalahan; perbaiki dulu\.$"):
        dd.publish_draft(rt, admin, view.id, "Tahun 2025", 2)
    fixed = dd.save_draft(rt, admin, view.id, view.text, 2)
    assert fixed.issues == ()
    for note in ("", "   ", None):
        with pytest.raises(ValidationFailed, match="Catatan perubahan wajib diisi"):
            dd.publish_draft(rt, admin, view.id, note, 3)
    with pytest.raises(ValidationFailed, match="paling panjang 2000 karakter"):
        dd.publish_draft(rt, admin, view.id, "x" * 2001, 3)
    with pytest.raises(ChangedMeanwhile):
        dd.publish_draft(rt, admin, view.id, "Tahun 2025", 2)
    assert _snapshot(rt) == before and dd.get_draft(rt, admin, view.id).status == "open"


def test_publish_refuses_a_text_identical_to_a_version(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"))
    with pytest.raises(ValidationFailed, match="sama persis dengan p2ham-2024 versi 1"):
        dd.publish_draft(rt, admin, view.id, "tanpa perubahan", 1)


def test_publish_refuses_reusing_a_key_for_another_year(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    same_key = dd.save_draft(rt, admin, view.id, _edit(view.text, "id: p2ham-2025", "id: p2ham-2024"), 1)
    assert same_key.issues == ()
    with pytest.raises(ValidationFailed, match="'p2ham-2024' sudah dipakai untuk tahun 2024"):
        dd.publish_draft(rt, admin, view.id, "salah id", 2)


def test_publish_creates_v2_and_running_cases_stay_on_v1(rt, clock, world):
    admin = world.people["admin"]
    old_case = open_2023(rt, world)
    v1 = _version_id(rt, "p2ham-2023")
    view = dd.start_draft(rt, admin, v1)
    text = _edit(view.text, "label: Verifikasi Evaluasi\n", "label: Verifikasi Evaluasi Tahap I\n")
    text = _edit(text, "evaluation_closes: 2023-09-30 23:59:59", "evaluation_closes: 2023-10-07 23:59:59")
    saved = dd.save_draft(rt, admin, view.id, text, view.revision)
    clock.set(2023, 2, 3, 10, 0)
    row = dd.publish_draft(rt, admin, view.id, "Perpanjangan masa evaluasi", saved.revision)
    assert (row.key, row.year, row.version, row.status) == ("p2ham-2023", 2023, 2, "published")
    assert row.author == "Admin" and row.label == "p2ham-2023 v2"
    assert row.note == "Perpanjangan masa evaluasi" and row.case_count == 0
    assert row.created_at == datetime(2023, 2, 3, 10, 0, tzinfo=JAKARTA)
    published = dd.get_draft(rt, admin, view.id)
    assert (published.status, published.published_version_id) == ("published", row.id)
    assert dd.list_drafts(rt, admin) == []
    with pytest.raises(ValidationFailed, match="sudah diterbitkan"):
        dd.save_draft(rt, admin, view.id, text, published.revision)
    # the case opened before keeps v1 and keeps firing on it; a new case gets v2
    moved = to_evaluation_review(rt, clock, world, old_case)
    assert moved.state_label == "Verifikasi Evaluasi"
    new_case = open_case(rt, admin, world.units["rutan"], 2023).id
    assert to_evaluation_review(rt, clock, world, new_case).state_label == "Verifikasi Evaluasi Tahap I"
    with rt.store.unit_of_work() as uow:
        pins = {cid: did for cid, did in uow.session.execute(select(Case.id, Case.definition_id))}
    assert (pins[old_case], pins[new_case]) == (v1, row.id)
    counts = {(r.key, r.version): r.case_count for r in dv.list_version_rows(rt)}
    assert counts[("p2ham-2023", 1)] == 1 and counts[("p2ham-2023", 2)] == 1


def test_copy_2024_to_2025_publish_and_open_a_2025_case(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    row = dd.publish_draft(rt, admin, view.id, "Definisi tahun 2025", view.revision)
    assert (row.key, row.year, row.version) == ("p2ham-2025", 2025, 1)
    case = open_case(rt, admin, world.units["lapas"], 2025)
    assert case.year == 2025 and case.state == "declared"


def test_published_versions_never_change(rt, world):
    admin = world.people["admin"]
    before = _snapshot(rt)
    v1 = _version_id(rt, "p2ham-2024")
    view = dd.start_draft(rt, admin, v1)
    dd.save_draft(rt, admin, view.id, _edit(view.text, "weight: 35", "weight: 36"), 1)
    dd.diff_draft(rt, admin, view.id)
    dd.discard_draft(rt, admin, view.id, 2)
    other = dd.start_draft(rt, admin, v1)
    dd.save_draft(rt, admin, other.id, other.text + "# catatan\n", 1)
    row = dd.publish_draft(rt, admin, other.id, "catatan", 2)
    after = _snapshot(rt)
    assert after[:len(before)] == before and [r[0] for r in after[len(before):]] == [row.id]
    # importing a stored text again returns that version unchanged
    again = import_definition(rt, None, before[0][4], "lagi.yaml", "catatan lain")
    assert (again.id, again.created) == (before[0][0], False)
    assert _snapshot(rt) == after
    # a version row is not an editable draft
    with pytest.raises(NotFound):
        dd.save_draft(rt, admin, 999, "x", 1)


def test_discard_frees_the_key_and_checks_revision(rt, world):
    admin = world.people["admin"]
    v1 = _version_id(rt, "p2ham-2024")
    view = dd.start_draft(rt, admin, v1)
    with pytest.raises(ChangedMeanwhile):
        dd.discard_draft(rt, admin, view.id, 5)
    dd.discard_draft(rt, admin, view.id, 1)
    assert dd.get_draft(rt, admin, view.id).status == "discarded" and dd.list_drafts(rt, admin) == []
    with pytest.raises(ValidationFailed, match="sudah dibuang"):
        dd.publish_draft(rt, admin, view.id, "catatan", 2)
    assert dd.start_draft(rt, admin, v1).key == "p2ham-2024"
    with rt.store.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DefinitionDraft)) == 2


def test_diff_draft_against_its_base_and_between_versions(rt, world):
    admin = world.people["admin"]
    view = dd.start_draft(rt, admin, _version_id(rt, "p2ham-2024"), year=2025)
    first = dd.diff_draft(rt, admin, view.id)
    assert first.old_label == "p2ham-2024 v1" and first.new_label == f"draf {view.id} (p2ham-2025)"
    summary = first.diff.summary()
    assert "Tanggal 'evaluation_closes' diubah: 2024-09-30 23:59:59 → 2025-09-30 23:59:59" in summary
    assert first.text.startswith("--- p2ham-2024-v1.yaml\n+++ draf-")
    assert "\n-  evaluation_closes: 2024-09-30 23:59:59\n" in first.text
    assert "\n+  evaluation_closes: 2025-09-30 23:59:59\n" in first.text
    text = _edit(view.text, "      - id: A.4\n", "      - id: A.5\n        title: Lift\n        evidence:\n"
                 "          - {id: foto_lift, label: Foto lift}\n      - id: A.4\n")
    dd.save_draft(rt, admin, view.id, text, 1)
    assert "Indikator 'A.5' ditambahkan ke kriteria 'A'" in dd.diff_draft(rt, admin, view.id).diff.summary()
    # an invalid side gives no structured diff, but still the text diff
    dd.save_draft(rt, admin, view.id, text.replace("weight: 35", "weight: 36", 1), 2)
    broken = dd.diff_draft(rt, admin, view.id)
    assert broken.diff is None and "+    weight: 36\n" in broken.text
    between = dv.diff_versions(rt, admin, _version_id(rt, "p2ham-2023"), _version_id(rt, "p2ham-2024"))
    assert "State 'development' dihapus" in between.diff.summary()
    assert dv.diff_versions(rt, admin, view.base_version_id, view.base_version_id).diff.is_empty


def test_version_rows_take_one_query_however_many_versions_and_cases(rt, world):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    def queries():
        statements.clear()
        event.listen(rt.store.engine, "before_cursor_execute", count)
        try:
            rows = dv.list_version_rows(rt)
        finally:
            event.remove(rt.store.engine, "before_cursor_execute", count)
        return len(rows), len(statements)

    rows_before, few = queries()
    for unit in ("lapas", "rutan"):
        open_2023(rt, world, unit)
    view = dd.start_draft(rt, world.people["admin"], _version_id(rt, "p2ham-2024"), year=2025)
    dd.publish_draft(rt, world.people["admin"], view.id, "2025", 1)
    rows_after, many = queries()
    assert (rows_before, rows_after) == (2, 3) and few == many


def test_the_database_itself_allows_one_open_draft_per_key(rt, world):
    """Two admins starting a draft at the same moment both pass the service's check; the unique
    ``open_key`` is what refuses the second."""
    from sqlalchemy.exc import IntegrityError

    v1 = _version_id(rt, "p2ham-2024")
    now = datetime(2024, 1, 1, tzinfo=JAKARTA)

    def add(open_key, status="open"):
        with rt.store.unit_of_work() as uow:
            uow.session.add(DefinitionDraft(key="p2ham-2024", year=2024, open_key=open_key,
                                            base_version_id=v1, text="x", revision=1, status=status,
                                            created_at=now, updated_at=now))
            uow.commit()

    add("p2ham-2024")
    with pytest.raises(IntegrityError):
        add("p2ham-2024")
    add(None, "discarded")
    add(None, "published")  # closed drafts of the same key are many
    with pytest.raises(ValidationFailed, match="Sudah ada draf terbuka"):
        dd.start_draft(rt, world.people["admin"], v1)


def test_listing_open_drafts_takes_the_same_statements_for_one_draft_or_several(rt, world):
    from sqlalchemy import event

    from workflow.services.org import create_person

    def statements() -> int:
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(rt.store.engine, "before_cursor_execute", listener)
        try:
            drafts = dd.list_drafts(rt, world.people["admin"])
        finally:
            event.remove(rt.store.engine, "before_cursor_execute", listener)
        assert all(d.base_label and d.updated_by for d in drafts)
        return len(seen)

    dd.start_draft(rt, world.people["admin"], _version_id(rt, "p2ham-2024"), year=2025)
    one = statements()
    other = create_person(rt, None, "admin2", "Admin Dua", "admin")
    dd.start_draft(rt, other, _version_id(rt, "p2ham-2023"), year=2026)
    dd.start_draft(rt, other, _version_id(rt, "p2ham-2024"))
    assert len(dd.list_drafts(rt, world.people["admin"])) == 3
    assert statements() == one
