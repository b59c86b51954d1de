"""Sign-in with lock-out, one-time reset codes, forced password change, sign-out, CSRF on every
form, the language switch and the unsupported-browser notice."""

from datetime import timedelta

import pytest

from tests.web.conftest import PASSWORD, csrf, post, sign_in
from workflow.services.auth import MAX_FAILURES, reset_password


def test_sign_in_leads_each_role_to_its_main_page(client, world):
    homes = {"admin": "/admin/", "ver": "/verifikator/", "pen": "/penilai/", "op.lapas": "/operator/"}
    for username, home in homes.items():
        r = sign_in(client, username)
        assert r.status_code == 302 and r.headers["Location"].endswith(home), username
        post(client, "/keluar")


def test_wrong_password_is_refused_with_a_message_in_indonesian(client, world):
    r = sign_in(client, "ver", "salah-sekali-1")
    assert r.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in r.get_data(as_text=True)
    assert client.get("/verifikator/").status_code == 302  # still signed out


def test_lock_out_after_five_failures_for_fifteen_minutes(client, world, clock):
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "ver", "salah-sekali-1").status_code == 401
    r = sign_in(client, "ver")  # the right password no longer helps
    assert r.status_code == 401 and "dikunci sementara" in r.get_data(as_text=True)
    clock.advance(timedelta(minutes=14, seconds=59))
    assert sign_in(client, "ver").status_code == 401
    clock.advance(timedelta(seconds=2))
    assert sign_in(client, "ver").status_code == 302


def test_a_success_resets_the_failure_count(client, world):
    for _ in range(MAX_FAILURES - 1):
        sign_in(client, "ver", "salah-sekali-1")
    assert sign_in(client, "ver").status_code == 302
    post(client, "/keluar")
    for _ in range(MAX_FAILURES - 1):
        sign_in(client, "ver", "salah-sekali-1")
    assert sign_in(client, "ver").status_code == 302


def test_admin_reset_gives_a_one_time_code_that_forces_a_new_password(client, world, rt):
    sign_in(client, "admin")
    page = post(client, f"/admin/pengguna/{world.people['ver']}/atur-ulang").get_data(as_text=True)
    code = page.split('class="secret">')[1].split("<")[0]
    post(client, "/keluar")
    r = sign_in(client, "ver", code)
    assert r.headers["Location"].endswith("/akun/kata-sandi")
    assert client.get("/verifikator/").headers["Location"].endswith("/akun/kata-sandi")  # nothing else first
    r = post(
        client, "/akun/kata-sandi", {"new_password": "baru-sekali-99", "confirm_password": "baru-sekali-99"}
    )
    assert r.status_code == 302
    assert client.get("/verifikator/").status_code == 200
    post(client, "/keluar")
    assert sign_in(client, "ver", code).status_code == 401  # used once only
    assert sign_in(client, "ver", PASSWORD).status_code == 401  # the old password is gone too
    assert sign_in(client, "ver", "baru-sekali-99").status_code == 302


def test_password_policy_is_explained(client, world):
    sign_in(client, "ver")
    r = post(
        client,
        "/akun/kata-sandi",
        {"current_password": PASSWORD, "new_password": "pendek1", "confirm_password": "pendek1"},
    )
    assert r.status_code == 422 and "minimal 10 karakter" in r.get_data(as_text=True)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, world):
    a = app.test_client()
    sign_in(a, "ver")
    stolen = a.get_cookie("session").value
    post(a, "/keluar")
    b = app.test_client()
    b.set_cookie("session", stolen)
    assert b.get("/verifikator/").status_code == 302


def test_reset_ends_the_persons_running_sessions(app, rt, world):
    c = app.test_client()
    sign_in(c, "ver")
    assert c.get("/verifikator/").status_code == 200
    reset_password(rt, world.people["admin"], world.people["ver"])
    assert c.get("/verifikator/").status_code == 302


@pytest.mark.parametrize(
    "path, data",
    [
        ("/masuk", {"username": "admin", "password": PASSWORD}),
        ("/bahasa", {"lang": "en"}),
    ],
)
def test_forms_without_csrf_token_are_refused_before_sign_in(client, world, path, data):
    r = client.post(path, data=data)
    assert r.status_code == 400 and "token keamanan" in r.get_data(as_text=True)


def test_forms_without_csrf_token_are_refused_when_signed_in(client, world, rt, clock):
    from tests.web.conftest import in_review

    cid = in_review(rt, clock, world)
    sign_in(client, "admin")
    for path, data in [
        ("/keluar", {}),
        ("/akun/token", {"label": "x"}),
        ("/admin/unit", {"code": "X"}),
        (f"/admin/pengguna/{world.people['ver']}/atur-ulang", {}),
        (f"/admin/kasus/{cid}/aksi", {"event": "start_development", "expected_version": "1"}),
        ("/admin/penugasan/seimbangkan", {"role": "verifikator"}),
    ]:
        assert client.post(path, data=data).status_code == 400, path
    assert client.get("/admin/").status_code == 200  # and nothing happened: still signed in


def test_activation_page_is_offered_from_sign_in(client, world):
    assert "/masuk/aktivasi" in client.get("/masuk").get_data(as_text=True)
    page = client.get("/masuk/aktivasi").get_data(as_text=True)
    assert 'name="code"' in page and 'for="code"' in page


def test_language_switch_to_english_and_back(client, world):
    assert "Masuk" in client.get("/masuk").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "en", "csrf_token": csrf(client), "next": "/masuk"})
    page = client.get("/masuk").get_data(as_text=True)
    assert "Sign in" in page and '<html lang="en">' in page
    r = sign_in(client, "ver", "salah-sekali-1")
    assert "Wrong username or password." in r.get_data(as_text=True)
    client.post("/bahasa", data={"lang": "id", "csrf_token": csrf(client)})
    assert '<html lang="id">' in client.get("/masuk").get_data(as_text=True)


@pytest.mark.parametrize(
    "agent, shown",
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/94.0.4606.61 Safari/537.36",
            True,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/95.0.4638.54 Safari/537.36",
            False,
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:93.0) Gecko/20100101 Firefox/93.0", True),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:94.0) Gecko/20100101 Firefox/94.0", False),
        ("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", True),
    ],
)
def test_unsupported_browser_notice(client, agent, shown):
    page = client.get("/masuk", headers={"User-Agent": agent}).get_data(as_text=True)
    assert ("Peramban tidak didukung" in page) is shown


def test_next_parameter_cannot_redirect_elsewhere(client, world):
    r = client.post(
        "/masuk",
        data={"username": "ver", "password": PASSWORD, "csrf_token": csrf(client), "next": "//evil.example/"},
    )
    assert r.headers["Location"].endswith("/verifikator/")


def test_english_catalogue_is_compiled_from_its_po_file():
    import gettext

    from babel.messages.pofile import read_po

    from web.site import TRANSLATIONS

    folder = TRANSLATIONS / "en" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        catalogue = read_po(f)
    with open(folder / "messages.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for m in catalogue:
        if m.id and m.string:
            assert compiled.gettext(m.id) == m.string, m.id


def test_first_sign_in_with_activation_code(client, rt, world):
    accounts = pytest.importorskip("workflow.services.accounts")
    from workflow.store import Person

    with rt.store.unit_of_work() as uow:
        person = uow.session.get(Person, world.people["op_rutan"])
        code = accounts.issue_code(uow.session, person, rt.now(), 30).code
        uow.commit()
    form = {"username": "op.rutan", "code": code.lower(), "new_password": "pilihan-saya-7",
            "confirm_password": "pilihan-saya-7", "csrf_token": csrf(client)}
    r = client.post("/masuk/aktivasi", data=form)
    assert r.status_code == 302 and r.headers["Location"].endswith("/operator/")
    assert client.get("/operator/").status_code == 200
    post(client, "/keluar")
    r = client.post("/masuk/aktivasi", data={**form, "csrf_token": csrf(client)})
    assert r.status_code == 422 and "sudah pernah digunakan" in r.get_data(as_text=True)
    assert sign_in(client, "op.rutan", "pilihan-saya-7").status_code == 302


def test_activation_form_explains_when_activation_is_not_installed(client, monkeypatch):
    import web.auth

    monkeypatch.setattr(web.auth, "_activation", lambda: None)  # as on a server without the documents module
    page = client.get("/masuk/aktivasi").get_data(as_text=True)
    assert "Aktivasi akun belum tersedia" in page and "disabled" in page
