"""The evidence pages: the operator's checklist (upload, refusal, submit, the verifier's note), the
verifier's inline preview and per-item decision, and who may see and post what."""

import io

import pytest
from PIL import Image

from tests.web.conftest import post, sign_in
from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from workflow.services.evidence import claim_verification
from workflow.services.evidence_reads import list_evidence

RAMP = "K1.5/foto_ramp"
STANDAR = "K1.1/dokumen_standar_pelayanan"


def real_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def case(rt, clock, world, tmp_path):
    with_uploads(rt, tmp_path)
    return case_in_evidence_input(rt, clock, world)[1]


def upload(client, cid, item, name, data, **kw):
    page = f"/operator/kasus/{cid}/data-dukung"
    form = {"berkas": (io.BytesIO(data), name), "expected_rev": "0", "next": page}
    return post(client, f"{page}/{item}", form, token_from=page, content_type="multipart/form-data", **kw)


def test_operator_uploads_a_png_and_sees_it_listed(client, rt, world, case):
    sign_in(client, "op.lapas")
    page = client.get(f"/operator/kasus/{case}/data-dukung").get_data(as_text=True)
    assert "Belum ada" in page and "salah satu dari" in page
    assert "<progress" in page and "0.0% lengkap" in page  # the bar and its text
    assert 'enctype="multipart/form-data"' in page
    r = upload(client, case, RAMP, "ramp.png", real_png())
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "ramp.png berhasil diunggah" in page and "Draf" in page and ">ramp.png</a>" in page
    items = list_evidence(rt, world.people["op_lapas"], case)
    assert [(i.item_id, i.status, i.versions[0].kind) for i in items] == [("foto_ramp", "draft", "png")]


def test_png_named_pdf_is_refused_with_the_rule_and_nothing_stored(client, rt, world, case):
    sign_in(client, "op.lapas")
    r = upload(client, case, STANDAR, "standar.pdf", real_png())
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Isi berkas adalah" in page and "tidak sesuai dengan ekstensi" in page and "&#39;.pdf&#39;" in page
    assert list_evidence(rt, world.people["op_lapas"], case) == []
    assert not rt.blobs().files()


def test_submit_return_with_note_and_the_operator_sees_it(client, rt, world, case):
    sign_in(client, "op.lapas")
    upload(client, case, RAMP, "ramp.png", real_png())
    page = f"/operator/kasus/{case}/data-dukung"
    r = post(client, f"{page}/kirim", {"indikator": ["K1.5"]}, token_from=page)
    assert r.status_code == 303
    assert "1 data dukung dikirim" in client.get(r.headers["Location"]).get_data(as_text=True)

    ver = client.application.test_client()
    sign_in(ver, "ver")
    assert ver.get(f"/verifikator/kasus/{case}/data-dukung").status_code == 403  # not his case yet
    assert post(ver, f"/verifikator/kasus/{case}/data-dukung/ambil", token_from=f"/verifikator/kasus/{case}"
                ).status_code == 303
    vpage = f"/verifikator/kasus/{case}/data-dukung"
    html = ver.get(vpage).get_data(as_text=True)
    src = f"/verifikator/kasus/{case}/data-dukung/{RAMP}/berkas?versi=1"
    assert f'<img src="{src}" alt="' in html and 'name="keputusan"' in html
    got = ver.get(src)
    assert got.status_code == 200 and got.mimetype == "image/png" and got.data == real_png()
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("inline") and "ramp.png" in disposition
    # the note is required when returning, as the service says
    blank = {"keputusan": "perlu_perbaikan", "catatan": " ", "next": vpage}
    r = post(ver, f"{vpage}/{RAMP}/keputusan", blank, token_from=vpage)
    assert "Catatan wajib diisi" in ver.get(r.headers["Location"]).get_data(as_text=True)
    r = post(ver, f"{vpage}/{RAMP}/keputusan",
             {"keputusan": "perlu_perbaikan", "catatan": "Pegangan rambat tidak terlihat.", "next": vpage},
             token_from=vpage)
    assert r.status_code == 303

    html = client.get(page).get_data(as_text=True)
    assert "Perlu perbaikan" in html and "Pegangan rambat tidak terlihat." in html
    assert f'action="{page}/{RAMP}"' in html  # a returned item may be replaced


def test_verifier_previews_a_pdf_in_an_object(client, rt, world, case):
    sign_in(client, "op.lapas")
    upload(client, case, STANDAR, "standar.pdf", f.pdf())
    post(client, f"/operator/kasus/{case}/data-dukung/kirim", {"indikator": ["K1.1"]},
         token_from=f"/operator/kasus/{case}/data-dukung")
    claim_verification(rt, world.people["ver"], case)
    ver = client.application.test_client()
    sign_in(ver, "ver")
    html = ver.get(f"/verifikator/kasus/{case}/data-dukung").get_data(as_text=True)
    src = f"/verifikator/kasus/{case}/data-dukung/{STANDAR}/berkas?versi=1"
    assert f'<object data="{src}" type="application/pdf"' in html
    r = ver.get(src)
    assert r.mimetype == "application/pdf" and r.headers["Content-Disposition"].startswith("inline")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_another_units_operator_is_refused_everywhere(client, rt, world, case):
    sign_in(client, "op.lapas")
    upload(client, case, RAMP, "ramp.png", real_png())
    other = client.application.test_client()
    sign_in(other, "op.rutan")
    page = f"/operator/kasus/{case}/data-dukung"
    assert other.get(page).status_code == 403
    assert other.get(f"{page}/{RAMP}/berkas").status_code == 403
    r = post(other, f"{page}/{RAMP}", {"berkas": (io.BytesIO(real_png()), "x.png")},
             token_from="/akun/kata-sandi", content_type="multipart/form-data")
    assert r.status_code == 403
    assert len(list_evidence(rt, world.people["op_lapas"], case)[0].versions) == 1


def test_a_form_without_csrf_token_is_refused(client, rt, world, case):
    sign_in(client, "op.lapas")
    r = client.post(f"/operator/kasus/{case}/data-dukung/{RAMP}",
                    data={"berkas": (io.BytesIO(real_png()), "ramp.png")}, content_type="multipart/form-data")
    assert r.status_code == 400 and "token keamanan" in r.get_data(as_text=True)
    assert list_evidence(rt, world.people["op_lapas"], case) == []


def test_operators_history_of_notes_names_people_actions_and_stages(client, rt, clock, world):
    from tests.workflow.helpers import open_2023
    from workflow.services.cases import fire_event
    from workflow.services.evidence_windows import extend_window

    cid = open_2023(rt, world)
    admin, ver = world.people["admin"], world.people["ver"]
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, admin, cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, admin, cid, "submit_evaluation")
    fire_event(rt, ver, cid, "return_evaluation", {"note": "Lengkapi foto pencanangan."})
    fire_event(rt, admin, cid, "submit_evaluation")
    fire_event(rt, ver, cid, "pass_evaluation")
    clock.set(2023, 10, 10, 9, 0)
    extend_window(rt, admin, 2023, "evidence_input", clock.now.replace(month=11), "Gangguan jaringan.",
                  world.units["lapas"])
    sign_in(client, "op.lapas")
    html = client.get("/operator/").get_data(as_text=True)
    notes = html.split('id="h-notes"')[1].split("</section>")[0]
    assert "Verifikator Satu (Verifikator) · Kembalikan untuk perbaikan:" in notes
    assert "Lengkapi foto pencanangan." in notes
    assert "Admin (Admin) · Masa penginputan data dukung diperpanjang:" in notes
    assert "Gangguan jaringan." in notes
    history = html.split("<caption>Riwayat</caption>")[1].split("</table>")[0]
    assert ("<td>Verifikator Satu (Verifikator)</td><td>Nyatakan lolos evaluasi</td>"
            "<td>Verifikasi Evaluasi</td><td>Penginputan Data Dukung</td>") in history
    assert "<td>Kasus dibuka (pencanangan)</td><td>-</td><td>Pencanangan</td>" in history
    for raw in ("pass_evaluation", "evaluation_review", "evidence_input", "case_opened", "return_evaluation"):
        assert raw not in history and raw not in notes
    tasks = html.split("<caption>Tugas pada kasus ini</caption>")[1].split("</table>")[0]
    assert "<td>Selesai</td>" in tasks and ">done<" not in tasks


def test_operator_sees_every_decision_on_an_item_with_the_verifiers_name(client, rt, world, case):
    from workflow.services.evidence import decide_item, submit_indicators, upload_evidence

    op, ver = world.people["op_lapas"], world.people["ver"]
    upload_evidence(rt, op, case, "K1.5", "foto_ramp", "ramp.png", real_png())
    submit_indicators(rt, op, case, ["K1.5"])
    claim_verification(rt, ver, case)
    decide_item(rt, ver, case, "K1.5", "foto_ramp", "perlu_perbaikan", "Pegangan rambat tidak terlihat.")
    upload_evidence(rt, op, case, "K1.5", "foto_ramp", "ramp2.png", real_png())
    submit_indicators(rt, op, case, ["K1.5"])
    decide_item(rt, ver, case, "K1.5", "foto_ramp", "memenuhi")
    sign_in(client, "op.lapas")
    html = client.get(f"/operator/kasus/{case}/data-dukung").get_data(as_text=True)
    assert "Riwayat catatan Verifikator (2)" in html
    newest, oldest = html.index("Verifikator Satu · Memenuhi (versi 2)"), html.index(
        "Verifikator Satu · Perlu perbaikan (versi 1): Pegangan rambat tidak terlihat.")
    assert newest < oldest  # newest first
    assert "01-05-2023 10:00 WIB · Verifikator Satu" in html  # when, in WIB
