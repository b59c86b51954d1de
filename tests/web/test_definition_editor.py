"""The admin's definition pages: versions per year, drafts started from a version (copied to another
year), the editor with every issue at its line, structured forms that change the YAML, the diff, and
publishing with a required note; other roles are refused, forms need their CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from tests.web.conftest import csrf, post, sign_in
from tests.workflow.helpers import open_2023
from workflow.services import definition_drafts as drafts
from workflow.services import definition_versions as versions
from workflow.store import DefinitionDraft, DefinitionVersion

INDEX = "/admin/definisi/"


def version_id(rt, key: str) -> int:
    return next(v.id for v in versions.list_version_rows(rt) if v.key == key)


@pytest.fixture
def admin(client, world):
    sign_in(client, "admin")
    return client


@pytest.fixture
def draft(rt, world):
    """An open draft of 2025, copied from the shipped 2024 definition."""
    return drafts.start_draft(rt, world.people["admin"], version_id(rt, "p2ham-2024"), 2025)


def page_of(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def editor(draft_id: int) -> str:
    return f"/admin/definisi/draf/{draft_id}"


def send(client, path: str, draft_id: int, data: dict, revision: int | None = None, **kw):
    """POST a draft form with the draft's current revision (read from its editor page)."""
    page = page_of(client, editor(draft_id))
    if revision is None:
        revision = int(re.search(r'name="revisi" value="(\d+)"', page).group(1))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(path, data={**data, "revisi": str(revision), "csrf_token": token}, **kw)


def stored_text(rt, draft_id: int) -> str:
    with rt.store.unit_of_work() as uow:
        return uow.session.get(DefinitionDraft, draft_id).text


def test_other_roles_are_refused(app, world, draft):
    for username in ("op.lapas", "ver", "pen"):
        c = app.test_client()
        sign_in(c, username)
        for path in (INDEX, editor(draft.id), f"{editor(draft.id)}/perbedaan",
                     f"/admin/definisi/versi/{draft.base_version_id}/yaml"):
            assert c.get(path).status_code == 403, (username, path)
        assert post(c, f"{editor(draft.id)}/simpan", {"teks": "x", "revisi": "1"}).status_code == 403
    anonymous = app.test_client().get(INDEX)
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]


def test_forms_without_csrf_are_refused_and_change_nothing(admin, rt, draft):
    r = admin.post(f"{editor(draft.id)}/simpan", data={"teks": "id: rusak\n", "revisi": "1"})
    assert r.status_code == 400 and "token keamanan" in r.get_data(as_text=True)
    r = admin.post("/admin/definisi/draf", data={"versi": str(draft.base_version_id)})
    assert r.status_code == 400
    assert stored_text(rt, draft.id) == draft.text


def test_index_lists_versions_per_year_and_open_drafts(admin, rt, clock, world, draft):
    open_2023(rt, world)
    page = page_of(admin, INDEX)
    assert "Tahun evaluasi 2024" in page and "Tahun evaluasi 2023" in page
    v2023 = next(v for v in versions.list_version_rows(rt) if v.key == "p2ham-2023")
    row = page.split(">p2ham-2023 v1</a>")[1].split("</tr>")[0]
    assert v2023.content_hash[:12] in row and "<td>1</td>" in row  # one case runs on it
    assert f'href="/admin/definisi/versi/{v2023.id}/bpmn"' in row and f"/versi/{v2023.id}/yaml" in row
    drafts = page.split('id="draf"')[1].split("</table>")[0]
    assert "p2ham-2025" in drafts and "p2ham-2024 v1" in drafts and "Valid" in drafts
    assert f'<label for="tahun-{v2023.id}">' in page


def test_start_a_draft_copying_2024_to_2025(admin, rt, world):
    vid = version_id(rt, "p2ham-2024")
    r = post(admin, "/admin/definisi/draf", {"versi": str(vid), "tahun": "2025"}, token_from=INDEX)
    assert r.status_code == 302
    page = page_of(admin, r.headers["Location"])
    assert "Draf p2ham-2025 dibuat dari p2ham-2024 v1." in page
    assert "id: p2ham-2025\nyear: 2025\n" in page and "evaluation_closes: 2025-09-30 23:59:59" in page
    r = post(admin, "/admin/definisi/draf", {"versi": str(vid), "tahun": "dua ribu"}, token_from=INDEX,
             follow_redirects=True)
    assert "Tahun baru harus berupa angka" in r.get_data(as_text=True)
    r = post(admin, "/admin/definisi/draf", {"versi": str(vid), "tahun": "2025"}, token_from=INDEX,
             follow_redirects=True)
    assert "Sudah ada draf terbuka untuk &#39;p2ham-2025&#39;" in r.get_data(as_text=True)


def test_saving_invalid_text_keeps_it_and_shows_every_issue_at_its_line(admin, rt, draft):
    text = draft.text.replace("guards: [evaluation_window_open]", "guards: [jendela_tak_dikenal]")
    text = text.replace("  pass_threshold: 75", "  pass_threshold: 175")
    r = send(admin, f"{editor(draft.id)}/simpan", draft.id, {"teks": text.replace("\n", "\r\n")})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"{editor(draft.id)}#teks")
    assert stored_text(rt, draft.id) == text  # stored as typed, CRLF from the browser made LF
    page = page_of(admin, editor(draft.id))
    assert "Draf disimpan. Definisi masih memiliki 2 kesalahan" in page
    lines = text.splitlines()
    for needle in ("guards: [jendela_tak_dikenal]", "pass_threshold: 175"):
        n = next(i for i, line in enumerate(lines, 1) if needle in line)
        assert f'<a href="#baris-{n}" data-line="{n}">Baris {n}</a>' in page
        assert f'<span id="baris-{n}" class="has-issue">{n}</span>' in page
    assert "<code>scoring.pass_threshold</code>" in page
    assert "Diagram dan katalog tampil setelah definisi bebas kesalahan." in page.split('id="diagram"')[1]
    assert "guards: [jendela_tak_dikenal]" in page  # the text is shown back as saved
    assert 'id="teks-input"' in page and f'rows="{len(lines) + 2}"' in page


def test_unreadable_yaml_is_saved_and_the_structured_forms_wait_for_it(admin, rt, draft):
    text = draft.text.replace("  evaluation_opens: 2025-04-01 00:00", "  evaluation_opens: [2025-04-01")
    send(admin, f"{editor(draft.id)}/simpan", draft.id, {"teks": text})
    page = page_of(admin, editor(draft.id))
    assert "YAML tidak dapat dibaca" in page and "Formulir terstruktur tersedia setelah" in page
    r = send(admin, f"{editor(draft.id)}/bobot", draft.id, {"ambang": "70"}, follow_redirects=True)
    assert "belum dapat dibaca sebagai YAML" in r.get_data(as_text=True)
    assert stored_text(rt, draft.id) == text


def test_a_stale_save_shows_the_admins_text_back(admin, rt, world, draft):
    drafts.save_draft(rt, world.people["admin"], draft.id, draft.text + "# orang lain\n", draft.revision)
    mine = draft.text + "# teks saya yang belum tersimpan\n"
    r = send(admin, f"{editor(draft.id)}/simpan", draft.id, {"teks": mine}, revision=draft.revision)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "telah diubah oleh pengguna lain" in page
    assert "# teks saya yang belum tersimpan" in page.split('id="teks-input"')[1]
    assert "Teks tersimpan terbaru" in page and "# orang lain" in page
    assert stored_text(rt, draft.id).endswith("# orang lain\n")


def test_structured_forms_change_the_yaml(admin, rt, draft):
    base = f"{editor(draft.id)}"
    r = send(admin, f"{base}/kalender", draft.id, {"tanggal_evaluation_closes": "2025-09-26 23:59",
                                                   "tanggal_result_date": "2025-12-10 09:00"})
    assert r.status_code == 303 and r.headers["Location"].endswith("#kalender")
    send(admin, f"{base}/indikator", draft.id, {
        "kriteria": "C", "id": "C.4", "judul": "Petugas ramah anak",
        "data_dukung": "sk_ramah_anak | SK petugas ramah anak\r\n"
                       "foto_ramah_anak | Foto layanan | jpg, png | 2"})
    weights = {"bobot_A": "40", "bobot_B": "35", "bobot_C": "25", "ambang": "80"}
    send(admin, f"{base}/bobot", draft.id, weights)
    send(admin, f"{base}/dokumen", draft.id, {"judul_hasil_penilaian": "Hasil Penilaian P2HAM 2025"})
    send(admin, f"{base}/indikator/ubah", draft.id, {
        "indikator": "B.2", "id": "B.2", "judul": "Jalur pemandu",
        "data_dukung": "foto_guiding_block | Foto jalur pemandu"})
    send(admin, f"{base}/indikator/hapus", draft.id, {"indikator": "B.3"})
    text = stored_text(rt, draft.id)
    assert "  evaluation_closes: 2025-09-26 23:59\n" in text
    assert ("      - id: C.4\n        title: Petugas ramah anak\n        evidence:\n"
            "          - {id: sk_ramah_anak, label: SK petugas ramah anak}\n"
            "          - {id: foto_ramah_anak, label: Foto layanan, types: [jpg, png], max_mb: 2}\n") in text
    assert "    weight: 40\n" in text and "  pass_threshold: 80\n" in text
    assert "{title: Hasil Penilaian P2HAM 2025, renderer: hasil_penilaian" in text
    assert "title: Jalur pemandu\n" in text and "id: B.3" not in text
    assert text.startswith("# Evaluasi P2HAM Tahun 2024")  # comments stay
    page = page_of(admin, editor(draft.id))
    assert "Definisi valid." in page and "Petugas ramah anak" in page.split('id="katalog"')[1]


def test_structured_form_refusals_are_messages_and_change_nothing(admin, rt, draft):
    base = editor(draft.id)
    for path, data, said in [
        ("bobot", {"bobot_A": "banyak"}, "Bobot kriteria A harus berupa angka"),
        ("kalender", {"tanggal_result_date": "2025-02-30"}, "Tanggal result_date: tanggal"),
        ("indikator", {"kriteria": "A", "id": "A.1", "judul": "x", "data_dukung": "a | A"}, "sudah dipakai"),
        ("indikator", {"kriteria": "A", "id": "A.9", "judul": "x", "data_dukung": "satu kolom"}, "baris 1"),
        ("indikator/hapus", {"indikator": "Z.9"}, "Indikator &#39;Z.9&#39; dalam catalogue tidak ada"),
    ]:
        r = send(admin, f"{base}/{path}", draft.id, data, follow_redirects=True)
        assert said in r.get_data(as_text=True), path
    r = send(admin, f"{base}/bobot", draft.id, {"ambang": "80"}, revision=draft.revision + 5,
             follow_redirects=True)
    assert "perubahan Anda belum diterapkan" in r.get_data(as_text=True)
    assert stored_text(rt, draft.id) == draft.text


def test_diff_page_groups_changes_and_marks_lines_not_by_colour_alone(admin, rt, world, draft):
    from workflow import defedit

    text = defedit.set_calendar_date(draft.text, "result_date", "2025-12-11 09:00")
    text = defedit.add_indicator(text, "A", defedit.IndicatorInput("A.5", "Kanal pengaduan daring", (
        defedit.EvidenceSetInput("", (defedit.EvidenceInput("tangkapan_layar", "Tangkapan layar kanal"),)),)))
    drafts.save_draft(rt, world.people["admin"], draft.id, text, draft.revision)
    page = page_of(admin, f"{editor(draft.id)}/perbedaan")
    assert "Perbedaan: p2ham-2024 v1 → draf" in page
    calendar = page.split("<h3>Kalender")[1].split("</ul>")[0]
    assert "result_date" in calendar and "Diubah" in calendar
    indicators = page.split("<h3>Kriteria dan indikator")[1].split("</ul>")[0]
    assert "A.5" in indicators and "Ditambahkan" in indicators
    row = re.search(r'<tr class="add">.*?A\.5</td></tr>', page).group(0)
    assert '<span class="sr-only">ditambahkan:</span>' in row
    assert ('<tr class="del"><td class="sign"><span aria-hidden="true">−</span>'
            '<span class="sr-only">dihapus:') in page
    assert 'name="catatan"' in page and 'required' in page.split('name="catatan"')[1][:60]


def test_publish_is_refused_with_errors_and_without_a_note_then_succeeds(admin, rt, world, draft):
    path = f"{editor(draft.id)}/terbitkan"
    broken = draft.text.replace("  pass_threshold: 75", "  pass_threshold: 175")
    saved = drafts.save_draft(rt, world.people["admin"], draft.id, broken, draft.revision)
    r = send(admin, path, draft.id, {"catatan": "Tahun 2025", "konfirmasi": "1"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Definisi masih memiliki 1 kesalahan; perbaiki dulu." in page
    assert "Tahun 2025</textarea>" in page  # the note typed is kept
    saved = drafts.save_draft(rt, world.people["admin"], draft.id, draft.text, saved.revision)
    r = send(admin, path, draft.id, {"catatan": "   ", "konfirmasi": "1"})
    assert r.status_code == 422 and "Catatan perubahan wajib diisi." in r.get_data(as_text=True)
    r = send(admin, path, draft.id, {"catatan": "Tahun 2025"})
    assert r.status_code == 422 and "Centang konfirmasi" in r.get_data(as_text=True)
    with rt.store.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count(DefinitionVersion.id))) == 2

    r = send(admin, path, draft.id, {"catatan": "Kalender dan indikator tahun 2025", "konfirmasi": "1"})
    assert r.status_code == 303
    page = page_of(admin, r.headers["Location"])
    assert "p2ham-2025 v1 diterbitkan." in page and "Kalender dan indikator tahun 2025" in page
    index = page_of(admin, INDEX)
    assert "Tahun evaluasi 2025" in index and "Belum ada draf terbuka." in index
    published = page_of(admin, editor(draft.id))  # the draft stays readable, not editable
    assert "Draf ini sudah diterbitkan dan tidak dapat diubah lagi." in published
    assert f'href="{r.headers["Location"]}"' in published and "readonly>" in published
    assert "Simpan dan periksa" not in published and "Tambahkan indikator" not in published


def test_version_page_yaml_and_bpmn_downloads(admin, rt):
    vid = version_id(rt, "p2ham-2024")
    page = page_of(admin, f"/admin/definisi/versi/{vid}")
    assert '<li id="baris-4"><span class="n"><a href="#baris-4" aria-label="Baris 4">4</a></span>' \
           '<code>id: p2ham-2024</code></li>' in page
    assert "Toilet ramah penyandang disabilitas" in page.split('id="katalog"')[1]
    diagram = page.split('id="diagram"')[1].split("</section>")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in diagram
    assert "Diagram siklus p2ham-2024: 9 state" in diagram
    assert "<textarea" not in page and "<form" not in page.split('id="konten"')[1]  # read-only
    r = admin.get(f"/admin/definisi/versi/{vid}/yaml")
    assert r.headers["Content-Disposition"] == 'attachment; filename="p2ham-2024-v1.yaml"'
    assert r.get_data(as_text=True).startswith("# Evaluasi P2HAM Tahun 2024")
    assert admin.get("/admin/definisi/versi/9999").status_code == 404
    r = admin.get(f"/admin/definisi/versi/{vid}/bpmn")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    assert r.headers["Content-Disposition"] == 'attachment; filename="p2ham-2024-v1.bpmn"'
    from xml.etree import ElementTree

    root = ElementTree.fromstring(r.data)
    bpmn = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    assert root.tag == f"{bpmn}definitions"
    assert root.find(f"{bpmn}process") is not None
    assert admin.get("/admin/definisi/versi/9999/bpmn").status_code == 404


def test_index_issues_a_constant_number_of_statements(admin, rt, clock, world, draft):
    def statements() -> int:
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(rt.store.engine, "before_cursor_execute", listener)
        assert admin.get(INDEX).status_code == 200
        event.remove(rt.store.engine, "before_cursor_execute", listener)
        return len(seen)

    statements()
    few = statements()
    admin_id = world.people["admin"]
    for year in (2026, 2027, 2028):  # more versions, each published from its own draft
        d = drafts.start_draft(rt, admin_id, version_id(rt, "p2ham-2023"), year)
        drafts.publish_draft(rt, admin_id, d.id, f"Salinan {year}", d.revision)
    for unit in ("lapas", "rutan", "kw", "kw2"):
        open_2023(rt, world, unit)
    assert statements() == few
    assert "Salinan 2027" in page_of(admin, INDEX)


def test_csrf_token_is_on_every_form_of_the_editor(admin, draft):
    page = page_of(admin, editor(draft.id))
    forms = page.count("<form method=\"post\"")
    assert forms >= 8 and page.count('name="csrf_token"') == forms  # with sign-out and language in the header
    assert csrf(admin, editor(draft.id))
