"""Browser test of issue #7's editor: in headless Chromium an admin copies 2024 to 2025, changes a
date and adds an indicator through the structured forms, injects an error in the textarea and finds
it at its line, fixes it, reads the diff and publishes. A 2024 case opened before keeps running on
its own version. Screenshots of the editor and of the diff page go to test-artifacts/ (the editor's
is copied to docs/definition-editor.png for the README). Without JavaScript, an issue's link still
lands beside its line."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401  (fixtures)
from workflow.services import definition_drafts as drafts
from workflow.services import definition_versions as versions
from workflow.services.cases import fire_event, open_case
from workflow.store import Case

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1280, "height": 900}


def press(page, name: str) -> None:
    """Click a button that posts a form and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def flash(page) -> str:
    return " ".join(page.locator("p.flash").all_inner_texts())


def pinned(rt, case_id: int) -> tuple[int, str, str]:
    with rt.store.unit_of_work() as uow:
        c = uow.session.get(Case, case_id)
        return c.definition_id, c.definition_hash, c.state


def test_admin_prepares_2025_from_2024_and_publishes_it(rt, clock, world, server, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = rt.store.dialect
    v2024 = next(v for v in versions.list_version_rows(rt) if v.key == "p2ham-2024")
    clock.set(2024, 2, 1, 9, 0)
    case_2024 = open_case(rt, world.people["admin"], world.units["lapas"], 2024).id
    assert pinned(rt, case_2024)[:2] == (v2024.id, v2024.content_hash)

    page = browser.new_context(viewport=VIEWPORT).new_page()
    dialogs, refuse = [], []  # the messages asked; True in ``refuse`` dismisses the next dialog

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if refuse and refuse.pop() else dialog.accept()

    page.on("dialog", answer)
    _sign_in(page, server, "admin")
    page.wait_for_url(f"{server}/admin/")
    page.get_by_role("link", name="Definisi", exact=True).click()
    page.wait_for_url(f"{server}/admin/definisi/")

    # Copy 2024 to 2025.
    page.get_by_label("Tahun baru untuk draf dari p2ham-2024 v1 (opsional)").fill("2025")
    press(page, "Buat draf dari versi ini: p2ham-2024 v1")
    assert "Draf p2ham-2025 dibuat dari p2ham-2024 v1." in flash(page)
    editor_url = page.url
    assert page.get_by_role("heading", name="Draf p2ham-2025").is_visible()

    # A date, through the calendar form.
    page.get_by_role("link", name="Tanggal kalender", exact=True).click()
    date = page.get_by_label("evaluation_closes", exact=True)
    assert date.input_value() == "2025-09-30 23:59:59"
    date.fill("2025-09-26 23:59")
    press(page, "Simpan tanggal")
    assert "Tanggal kalender disimpan. Definisi valid." in flash(page)
    area = page.get_by_label("Teks definisi (YAML, spasi untuk indentasi)")
    assert "evaluation_closes: 2025-09-26 23:59" in area.input_value()

    # An indicator, through the indicator form.
    page.get_by_label("Kriteria", exact=True).select_option("C")
    page.get_by_label("Id indikator baru").fill("C.4")
    page.get_by_label("Judul indikator baru").fill("Petugas ramah anak")
    page.get_by_label("Data dukung indikator baru").fill(
        "sk_petugas_ramah_anak | SK penunjukan petugas ramah anak\n"
        "foto_layanan_ramah_anak | Foto layanan ramah anak | jpg, png | 2")
    press(page, "Tambahkan indikator")
    assert "Indikator ditambahkan. Definisi valid." in flash(page)
    catalogue = page.locator("#katalog table").first
    assert catalogue.get_by_role("cell", name="Petugas ramah anak", exact=True).is_visible()

    # Typed text not saved yet is not lost silently to another form.
    good = area.input_value()
    area.fill(good + "# belum disimpan\n")
    refuse.append(True)
    page.get_by_role("button", name="Simpan bobot dan ambang").click()
    assert dialogs[-1].startswith("Perubahan di editor teks belum disimpan")
    assert area.input_value().endswith("# belum disimpan\n") and "Indikator ditambahkan." in flash(page)

    # An error typed in the textarea is listed with its line; its link puts the caret on that line.
    wrong = "  evaluation_closes: 2025-09-31 23:59"
    line = good.split("\n").index("  evaluation_closes: 2025-09-26 23:59") + 1
    area.fill(good.replace("  evaluation_closes: 2025-09-26 23:59", wrong))
    press(page, "Simpan dan periksa")
    assert "Definisi masih memiliki 1 kesalahan" in flash(page)
    issue = page.locator(".issues li")
    assert issue.count() == 1
    said = f"Baris {line} · calendar.evaluation_closes: tanggal '2025-09-31 23:59' tidak dikenal"
    assert issue.inner_text().startswith(said)
    page.get_by_role("link", name=f"Baris {line}", exact=True).click()
    caret = page.evaluate("() => { const a = document.getElementById('teks-input');"
                          " return [a === document.activeElement, a.value.slice(0, a.selectionStart)"
                          ".split('\\n').length, a.value.slice(a.selectionStart, a.selectionEnd)]; }")
    assert caret == [True, line, wrong]
    assert page.locator(f"#baris-{line}").get_attribute("class") == "has-issue current"
    assert page.url.endswith(f"#baris-{line}")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.evaluate("scrollTo(0, document.querySelector('h1').getBoundingClientRect().top + scrollY - 12)")
    page.screenshot(path=str(ARTIFACTS / f"definition-editor-{suffix}.png"))  # docs/definition-editor.png
    page.set_viewport_size(VIEWPORT)

    # Fixed, it saves clean.
    area.fill(good)
    press(page, "Simpan dan periksa")
    assert "Draf disimpan. Definisi valid." in flash(page)
    assert page.url.startswith(editor_url)
    assert page.locator("#diagram svg[role=img]").count() == 1  # the lifecycle, drawn on the server
    page.screenshot(path=str(ARTIFACTS / f"definition-editor-full-{suffix}.png"), full_page=True)

    # The diff names the date and the indicator; then publish with a note.
    page.get_by_role("link", name="Lihat perbedaan dan terbitkan").click()
    page.wait_for_url("**/perbedaan")
    summary = page.locator(".changes").inner_text()
    assert "Tanggal 'evaluation_closes' diubah" in summary and "C.4" in summary
    assert "Identitas" in summary  # id and year moved to 2025
    added = page.locator("table.textdiff tr.add")
    assert added.filter(has_text="- id: C.4").count() == 1
    assert "ditambahkan:" in added.first.inner_text()  # said in words, not by colour alone
    page.screenshot(path=str(ARTIFACTS / f"definition-diff-{suffix}.png"), full_page=True)
    page.get_by_label("Catatan perubahan (wajib)").fill("Tahun 2025: penutupan evaluasi 26 September, "
                                                        "indikator C.4 petugas ramah anak.")
    page.get_by_label("Saya telah memeriksa perbedaan di atas.").check()
    press(page, "Terbitkan versi baru")
    assert dialogs[-1].startswith("Terbitkan p2ham-2025 sebagai versi baru?")
    assert "p2ham-2025 v1 diterbitkan." in flash(page)
    assert page.get_by_role("heading", name="p2ham-2025 versi 1").is_visible()
    published = next(v for v in versions.list_version_rows(rt) if v.key == "p2ham-2025")
    assert published.note.startswith("Tahun 2025: penutupan evaluasi")

    # The 2024 case keeps running on 2024 v1.
    clock.set(2024, 4, 5, 9, 0)
    fire_event(rt, world.people["admin"], case_2024, "submit_evaluation")
    assert pinned(rt, case_2024) == (v2024.id, v2024.content_hash, "evaluation_review")


def test_without_javascript_an_issue_link_lands_beside_its_line(rt, world, server, browser):  # noqa: F811
    v2024 = next(v for v in versions.list_version_rows(rt) if v.key == "p2ham-2024")
    admin = world.people["admin"]
    draft = drafts.start_draft(rt, admin, v2024.id, 2025)
    wrong = draft.text.replace("  pass_threshold: 75", "  pass_threshold: 175")
    drafts.save_draft(rt, admin, draft.id, wrong, draft.revision)
    line = wrong.split("\n").index("  pass_threshold: 175") + 1

    page = browser.new_context(viewport=VIEWPORT, java_script_enabled=False).new_page()
    _sign_in(page, server, "admin")
    page.goto(f"{server}/admin/definisi/draf/{draft.id}")
    page.get_by_role("link", name=f"Baris {line}", exact=True).click()
    assert page.url.endswith(f"#baris-{line}")
    number = page.locator(f"#baris-{line}").bounding_box()
    assert 0 <= number["y"] < VIEWPORT["height"]  # scrolled into view
    # The textarea is as tall as its text, so the number sits level with line N of the text.
    area = page.locator("#teks-input")
    top = area.bounding_box()["y"]
    pad, height = page.evaluate("() => { const s = getComputedStyle(document.getElementById('teks-input'));"
                                " return [parseFloat(s.paddingTop), parseFloat(s.lineHeight)]; }")
    assert abs(number["y"] - (top + pad + (line - 1) * height)) < height / 4  # sub-pixel rounding only
    assert area.evaluate("a => a.scrollHeight <= a.clientHeight")  # no scrolling inside the field
