"""The dashboard's completeness distribution (counts, SVG chart and table) and its XLSX export:
numbers from a seeded world, admins only, and a constant number of statements."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import event

from tests.web.conftest import sign_in
from tests.workflow.evidence_helpers import case_in_evidence_input
from workflow import evidence
from workflow.services.dashboard import BANDS, band, overview
from workflow.services.evidence_reads import evidence_completeness
from workflow.services.org import create_unit
from workflow.store import Case, EvidenceRecord


def _record(cid, indicator, item, status, at):
    return EvidenceRecord(
        case_id=cid,
        section="catalogue",
        indicator_id=indicator,
        item_id=item,
        status=status,
        current_version=1,
        rev=1,
        updated_at=at,
    )


def _seed(rt, clock, world):
    """Three cases in evidence input: 'lapas' complete, 'rutan' with half of its indicators
    complete, 'third' with nothing; plus one case before the window (catalogue, nothing)."""
    _, lapas = case_in_evidence_input(rt, clock, world, "lapas")
    _, rutan = case_in_evidence_input(rt, clock, world, "rutan")
    world.units["third"] = create_unit(rt, None, "LPS-X", "Lapas X", "upt", "Jawa Barat", "KW-JABAR")
    _, third = case_in_evidence_input(rt, clock, world, "third")
    clock.set(2023, 5, 1, 10, 0)
    admin = world.people["admin"]
    with rt.store.unit_of_work() as uow:
        d = rt.definition(uow.session, uow.session.get(Case, lapas).definition_hash)
    indicators = [i for _, _, inds in evidence.groups(d, "catalogue") for i in inds]
    half = indicators[: len(indicators) // 2]
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        for cid, chosen in ((lapas, indicators), (rutan, half)):
            for ind in chosen:
                for item in ind.evidence_sets[0].items:
                    uow.session.add(_record(cid, ind.id, item.id, evidence.SUBMITTED, now))
        uow.commit()
    return {c: evidence_completeness(rt, admin, c).percent for c in (lapas, rutan, third)}


def test_distribution_counts_cases_by_completeness_band(client, rt, clock, world):
    percents = _seed(rt, clock, world)
    assert sorted(percents.values())[0] == 0.0 and sorted(percents.values())[-1] == 100.0
    ov = overview(rt, world.people["admin"], 2023)
    expected = {label: 0 for label, _ in BANDS}
    for p in percents.values():
        expected[band(p)] += 1
    assert dict(ov.completeness) == expected
    assert expected["100 %"] == 1 and expected["0–24 %"] == 1 and sum(expected.values()) == 3
    sign_in(client, "admin")
    page = client.get("/admin/?tahun=2023").get_data(as_text=True)
    assert "Kasus per tingkat kelengkapan data dukung</title>" in page and "<desc id=" in page
    assert "0–24 %: 1; 25–49 %: 1; 50–74 %: 0; 75–99 %: 0; 100 %: 1" in page  # the chart's description
    assert '<th scope="row">100 %</th><td>1</td>' in page
    assert "/admin/ekspor/pemantauan.xlsx?tahun=2023" in page
    csv = client.get("/admin/ekspor/kelengkapan.csv?tahun=2023").get_data(as_text=True)
    assert "100 %,1" in csv


def test_band_edges():
    assert [band(p) for p in (0.0, 24.9, 25.0, 74.9, 75.0, 99.9, 100.0)] == [
        "0–24 %",
        "0–24 %",
        "25–49 %",
        "50–74 %",
        "75–99 %",
        "75–99 %",
        "100 %",
    ]


def test_xlsx_export_has_a_sheet_per_table_with_the_numbers(client, rt, clock, world):
    _seed(rt, clock, world)
    clock.advance(timedelta(days=400))  # every open task is overdue now
    sign_in(client, "admin")
    r = client.get("/admin/ekspor/pemantauan.xlsx?tahun=2023")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="p2ham-pemantauan-2023.xlsx"' in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == [
        "Tahap per wilayah",
        "Tugas terlambat",
        "Beban Verifikator",
        "Kelengkapan data dukung",
    ]
    regions = {row[0]: row[-1] for row in book["Tahap per wilayah"].iter_rows(min_row=2, values_only=True)}
    assert regions == {"Jambi": 2, "Jawa Barat": 1}
    assert book["Tahap per wilayah"]["A1"].value == "Wilayah"
    assert [c.value for c in book["Beban Verifikator"][1]] == [
        "Petugas",
        "Peran",
        "Tugas terbuka",
        "Tugas terlambat",
    ]
    bands = dict(book["Kelengkapan data dukung"].iter_rows(min_row=2, values_only=True))
    assert bands == dict(overview(rt, world.people["admin"], 2023).completeness)
    assert sum(bands.values()) == 3 and bands["100 %"] == 1


def test_exports_and_dashboard_refuse_non_admins(client, rt, clock, world):
    sign_in(client, "ver")
    assert client.get("/admin/ekspor/pemantauan.xlsx?tahun=2023").status_code == 403
    assert client.get("/admin/ekspor/kelengkapan.csv?tahun=2023").status_code == 403


def test_distribution_keeps_the_statement_count_constant_with_1000_more_cases(client, rt, clock, world):
    from workflow.services.cases import open_case
    from workflow.services.imports import import_units_csv

    def statements(path):
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(rt.store.engine, "before_cursor_execute", listener)
        assert client.get(path).status_code == 200
        event.remove(rt.store.engine, "before_cursor_execute", listener)
        return len(seen)

    _seed(rt, clock, world)
    sign_in(client, "admin")
    paths = ("/admin/?tahun=2023", "/admin/ekspor/pemantauan.xlsx?tahun=2023")
    for p in paths:
        statements(p)  # warm the definition cache
    few = [statements(p) for p in paths]
    rows = "\n".join(f"U{i:04d},UPT {i},upt,Jambi,KW-JAMBI" for i in range(1000))
    report = import_units_csv(rt, world.people["admin"], "kode,nama,jenis,wilayah,induk\n" + rows)
    assert report.created == 1000
    clock.set(2023, 2, 1, 9, 0)
    first = max(world.units.values()) + 1
    for unit_id in range(first, first + 1000):
        open_case(rt, world.people["admin"], unit_id, 2023)
    clock.set(2023, 5, 1, 10, 0)
    assert [statements(p) for p in paths] == few
    ov = overview(rt, world.people["admin"], 2023)
    assert dict(ov.completeness)["0–24 %"] == 1001 and sum(n for _, n in ov.completeness) == 1003
