"""The pages over the existing services: the operator's case, the verifier's inbox, pool and
decisions, and the admin's units, people, assignments and dashboard."""

import re
from datetime import timedelta

from sqlalchemy import event

from tests.web.conftest import csrf, in_review, post, sign_in
from workflow.services.cases import case_status, fire_event
from workflow.services.org import assign


def test_operator_sees_stage_deadline_actions_and_notes(client, rt, clock, world):
    cid = in_review(rt, clock, world)
    clock.set(2023, 4, 6, 9, 0)
    fire_event(rt, world.people["ver"], cid, "return_evaluation", {"note": "Foto ruang laktasi belum ada."})
    sign_in(client, "op.lapas")
    page = client.get("/operator/").get_data(as_text=True)
    assert "Lapas Kelas IIA Jambi" in page and "Pembangunan" in page
    assert "30-09-2023 23:59 WIB" in page and "177 hari" in page  # the deadline and the time left
    assert "Foto ruang laktasi belum ada." in page
    assert "Tidak ada tindakan yang dapat Anda lakukan" in page  # the admin declares on the unit's behalf


def test_verifier_inbox_sorted_by_due_date_with_overdue_marked_and_claim(client, rt, clock, world):
    a = in_review(rt, clock, world, "lapas")
    rutan = open_case_for(rt, world, "rutan", clock)
    clock.set(2023, 4, 20, 9, 0)
    fire_event(rt, world.people["admin"], rutan, "submit_evaluation")
    clock.set(2023, 4, 25, 9, 0)  # lapas's task (due 19 April) is overdue now, rutan's (4 May) is not
    sign_in(client, "ver")
    page = client.get("/verifikator/").get_data(as_text=True)
    assert "Tidak ada tugas yang ditugaskan kepada Anda." in page
    assert page.index("Lapas Kelas IIA Jambi") < page.index("Rutan Kelas IIB Muara Bungo")
    tasks = [t["id"] for t in case_status(rt, world.people["admin"], a).tasks]
    r = post(client, f"/verifikator/tugas/{tasks[0]}/ambil")
    assert r.status_code == 303
    page = client.get("/verifikator/").get_data(as_text=True)
    mine = page.split("Pool: tugas")[0]
    assert "Lapas Kelas IIA Jambi" in mine and "terlambat" in mine
    # the second verifier finds the task gone from the pool and cannot take it any more
    other = client.application.test_client()
    sign_in(other, "ver2")
    r = post(other, f"/verifikator/tugas/{tasks[0]}/ambil")
    assert r.status_code == 409 and "sudah diambil" in r.get_data(as_text=True)


def open_case_for(rt, world, unit, clock):
    from tests.workflow.helpers import open_2023

    clock.set(2023, 2, 1, 9, 0)
    cid = open_2023(rt, world, unit)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], cid, "start_development")
    return cid


def test_fail_evaluation_requires_reasons_and_records_them(client, rt, clock, world):
    cid = in_review(rt, clock, world)
    sign_in(client, "ver")
    page = client.get(f"/verifikator/kasus/{cid}").get_data(as_text=True)
    assert 'name="f_reasons"' in page and 'name="f_note"' in page and "data-confirm" in page
    r = post(
        client,
        f"/verifikator/kasus/{cid}/aksi",
        {"event": "fail_evaluation", "expected_version": "3", "f_reasons": "  ", "kind_reasons": "list"},
        headers={"Referer": f"http://localhost/verifikator/kasus/{cid}"},
    )
    assert r.status_code == 303
    assert "Alasan tidak lolos wajib diisi." in client.get(r.headers["Location"]).get_data(as_text=True)
    r = post(
        client,
        f"/verifikator/kasus/{cid}/aksi",
        {
            "event": "fail_evaluation",
            "expected_version": "3",
            "kind_reasons": "list",
            "f_reasons": "Tidak ada SK tim P2HAM\nSarana ramah difabel belum tersedia",
        },
    )
    assert r.status_code == 303
    status = case_status(rt, world.people["admin"], cid)
    assert status.case.state == "evaluation_failed"
    assert status.history[-1]["payload"]["reasons"] == [
        "Tidak ada SK tim P2HAM",
        "Sarana ramah difabel belum tersedia",
    ]


def test_stale_form_gets_409_changed_meanwhile(client, rt, clock, world):
    cid = in_review(rt, clock, world)
    sign_in(client, "ver")
    client.get(f"/verifikator/kasus/{cid}")
    fire_event(rt, world.people["ver2"], cid, "return_evaluation", {"note": "oleh orang lain"})
    r = post(
        client,
        f"/verifikator/kasus/{cid}/aksi",
        {"event": "pass_evaluation", "expected_version": "3"},
        headers={"Referer": f"http://localhost/verifikator/kasus/{cid}"},
    )
    assert r.status_code == 409 and "diubah oleh pengguna lain" in r.get_data(as_text=True)
    assert case_status(rt, world.people["admin"], cid).case.state == "development"


def test_admin_fires_an_action_from_the_case_page(client, rt, clock, world):
    from tests.workflow.helpers import open_2023

    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    sign_in(client, "admin")
    page = client.get(f"/admin/kasus/{cid}").get_data(as_text=True)
    assert "Catat pencanangan dan mulai pembangunan" in page
    r = post(client, f"/admin/kasus/{cid}/aksi", {"event": "start_development", "expected_version": "1"})
    assert r.status_code == 303
    assert "Tahap sekarang: Pembangunan" in client.get(r.headers["Location"]).get_data(as_text=True)


CSV_OK = (
    "kode,nama,jenis,wilayah,induk,jenis_upt,alamat\n"
    "LPS-SUNGAI,Lapas Sungai Penuh,upt,Jambi,KW-JAMBI,Lembaga Pemasyarakatan,\n"
    "KW-RIAU,Kantor Wilayah Riau,kanwil,Riau,,,\n"
    "IMI-DUMAI,Kantor Imigrasi Dumai,upt,Riau,KW-RIAU,Kantor Imigrasi,Jl. Sudirman\n"
)
CSV_BAD = (
    "kode;nama;jenis;wilayah;induk\n"
    "LPS-JAMBI;Lapas lagi;upt;Jambi;KW-JAMBI\n"
    "X1;Tanpa induk;upt;Jambi;\n"
    "X2;Jenis aneh;cabang;Jambi;\n"
    "X3;Benar;upt;Jambi;KW-JAMBI\n"
)


def test_units_csv_import_reports_per_row_and_is_all_or_nothing(client, world):
    import io

    sign_in(client, "admin")
    r = post(
        client,
        "/admin/unit/impor",
        {"file": (io.BytesIO(CSV_BAD.encode()), "unit.csv")},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Tidak ada yang diimpor" in page
    assert "Kode &#39;LPS-JAMBI&#39; sudah terdaftar." in page or "Kode 'LPS-JAMBI' sudah terdaftar." in page
    assert "UPT wajib memiliki induk" in page and "tidak dikenal" in page and "Siap diimpor." in page
    assert "X3" not in client.get("/admin/unit").get_data(as_text=True)
    r = post(
        client,
        "/admin/unit/impor",
        {"file": (io.BytesIO(CSV_OK.encode()), "unit.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and "3 Unit Kerja diimpor." in r.get_data(as_text=True)
    tree = client.get("/admin/unit").get_data(as_text=True)
    riau = tree.index("Kantor Wilayah Riau")
    assert riau < tree.index("Kantor Imigrasi Dumai")
    r = post(
        client,
        "/admin/unit/impor",
        {"file": (io.BytesIO(b"\xff\xfe\x00bad"), "unit.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "UTF-8" in r.get_data(as_text=True)


def test_people_page_creates_a_person_and_resets_a_password(client, world):
    sign_in(client, "admin")
    r = post(
        client,
        "/admin/pengguna",
        {"username": "ver3", "full_name": "Verifikator Tiga", "role": "verifikator"},
    )
    assert r.status_code == 303
    assert "Verifikator Tiga" in client.get("/admin/pengguna").get_data(as_text=True)
    r = post(
        client,
        "/admin/pengguna",
        {"username": "ver3", "full_name": "Lagi", "role": "verifikator"},
        headers={"Referer": "http://localhost/admin/pengguna"},
    )
    assert "sudah dipakai" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_assignment_by_hand_and_balanced_by_load(client, rt, clock, world):
    for unit in ("lapas", "rutan", "kw", "kw2"):
        open_case_for(rt, world, unit, clock)
    assign(rt, world.people["admin"], world.units["kw"], 2023, world.people["ver"])
    sign_in(client, "admin")
    r = post(
        client,
        "/admin/penugasan?tahun=2023",
        {"unit_id": world.units["kw"], "person_id": world.people["ver"]},
        headers={"Referer": "http://localhost/admin/penugasan?tahun=2023"},
    )
    assert "sudah ditugaskan" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = post(client, "/admin/penugasan/seimbangkan?tahun=2023", {"role": "verifikator"})
    assert "3 Unit Kerja ditugaskan secara seimbang." in client.get(r.headers["Location"]).get_data(
        as_text=True
    )
    page = client.get("/admin/penugasan?tahun=2023").get_data(as_text=True)
    # ver already had one unit, so ver2 gets two of the three and ver one: two each
    assert page.count("Verifikator Satu</td>") + page.count("Verifikator Satu, ") == 2
    assert page.count("Verifikator Dua") >= 2


def test_dashboard_counts_charts_and_csv_export(client, rt, clock, world):
    a = in_review(rt, clock, world, "lapas")
    open_case_for(rt, world, "rutan", clock)
    clock.set(2023, 4, 30, 9, 0)  # lapas's review task is overdue
    sign_in(client, "admin")
    page = client.get("/admin/?tahun=2023").get_data(as_text=True)
    # three charts: stages per region, evidence completeness, verifier load
    assert page.count("<svg") == 3 and "<title" in page and "Verifikasi Evaluasi" in page
    assert re.search(r"<th scope=\"row\">Jambi</th>(<td>\d+</td>)+<td>2</td>", page)
    assert "Lapas Kelas IIA Jambi" in page.split("Tugas terlambat</h2>")[1]
    csv = client.get("/admin/ekspor/tahap.csv?tahun=2023")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert (
        lines[0].startswith("wilayah,Pencanangan")
        and lines[1].startswith("Jambi,")
        and lines[1].endswith(",2")
    )
    late = client.get("/admin/ekspor/terlambat.csv?tahun=2023").get_data(as_text=True)
    assert f",{a}," in late
    assert "Verifikator Satu" in client.get("/admin/ekspor/beban.csv?tahun=2023").get_data(as_text=True)
    assert client.get("/admin/ekspor/lain.csv").status_code == 404


def test_dashboard_with_1000_units_issues_a_constant_number_of_statements(client, rt, clock, world):
    from workflow.services.cases import open_case
    from workflow.services.imports import import_units_csv

    def statements():
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(rt.store.engine, "before_cursor_execute", listener)
        assert client.get("/admin/?tahun=2023").status_code == 200
        event.remove(rt.store.engine, "before_cursor_execute", listener)
        return len(seen)

    in_review(rt, clock, world, "lapas")
    sign_in(client, "admin")
    statements()  # warm the definition cache
    few = statements()
    rows = "\n".join(
        f"U{i:04d},UPT {i},upt,Jambi,KW-JAMBI" if i % 2 else f"U{i:04d},UPT {i},upt,Jawa Barat,KW-JABAR"
        for i in range(1000)
    )
    report = import_units_csv(rt, world.people["admin"], "kode,nama,jenis,wilayah,induk\n" + rows)
    assert report.created == 1000
    clock.set(2023, 2, 1, 9, 0)
    for unit_id in range(5, 1005):
        open_case(rt, world.people["admin"], unit_id, 2023)
    clock.advance(timedelta(days=100))
    many = statements()
    assert many == few
    page = client.get("/admin/?tahun=2023").get_data(as_text=True)
    assert ">1001<" in page  # cases counted


def test_language_switch_keeps_the_page_and_csrf_on_it(client, world):
    sign_in(client, "admin")
    r = client.post(
        "/bahasa", data={"lang": "en", "next": "/admin/unit", "csrf_token": csrf(client, "/admin/unit")}
    )
    assert r.headers["Location"].endswith("/admin/unit")
    assert "Work units" in client.get("/admin/unit").get_data(as_text=True)
