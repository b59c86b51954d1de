"""Results per year and region, as CSV and as a PDF recap read back."""

from tests.workflow.docs_helpers import assess, pdf_text, to_assessment, to_evaluation_review
from tests.workflow.helpers import PASSING_2023, open_2023, seed_world
from workflow.services.cases import fire_event
from workflow.services.results import recap_pdf, results_table, to_csv


def test_results_table_csv_and_recap(rt, clock):
    world = seed_world(rt)
    lapas = open_2023(rt, world)
    rutan = open_2023(rt, world, "rutan")
    to_evaluation_review(rt, clock, world, rutan)
    fire_event(rt, world.people["ver"], rutan, "fail_evaluation", {"reasons": ["Tidak lengkap."]})
    to_assessment(rt, clock, world, lapas)
    assess(rt, clock, world, lapas, PASSING_2023)
    rows = results_table(rt, None, 2023, "Jambi")
    by_unit = {r.unit: r for r in rows}
    assert by_unit["Lapas Kelas IIA Jambi"].outcome == "Lulus" and by_unit["Lapas Kelas IIA Jambi"].total == 100
    assert by_unit["Rutan Kelas IIB Muara Bungo"].outcome == "Tidak lolos evaluasi"
    csv_text = to_csv(rows)
    assert "Jambi,Kantor Wilayah Jambi,Lapas Kelas IIA Jambi,Predikat Unit Kerja P2HAM,Lulus,100,Unit Kerja P2HAM" \
        in csv_text
    assert results_table(rt, None, 2023, "Jawa Barat") == []
    text = pdf_text(recap_pdf(rt, rows, 2023, "Jambi"))
    assert "2 Unit Kerja, 1 memperoleh predikat" in text and "Rutan Kelas IIB Muara Bungo" in text
