"""Sign-in, first sign-in with an activation code, password change, sign-out, API tokens and the
language switch."""

from __future__ import annotations

import importlib

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from workflow.errors import P2hamError
from workflow.services import auth as service

from . import runtime
from .site import LANGUAGES, User, home_url, message, safe_next

bp = Blueprint("auth", __name__)


def _activation():
    """The documents engineer's ``accounts.activate`` when it is installed, else None."""
    try:
        module = importlib.import_module("workflow.services.accounts")
    except ImportError:
        return None
    return getattr(module, "activate", None)


def _start_session(user: service.SessionUser):
    lang = session.get("lang")
    session.clear()  # a fresh session on sign-in: no fixation
    if lang:
        session["lang"] = lang
    login_user(User(user))
    if user.must_change_password:
        flash(_("Silakan buat kata sandi baru sebelum melanjutkan."), "info")
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/masuk", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_url())
    status = 200
    if request.method == "POST":
        target = safe_next(request.form.get("next"))
        try:
            user = service.authenticate(
                runtime(), request.form.get("username", ""), request.form.get("password", "")
            )
        except P2hamError as exc:
            flash(message(exc), "error")
            status = 401
        else:
            return _start_session(user) or redirect(target or home_url(User(user)))
    return render_template(
        "auth/sign_in.html", next=request.values.get("next", ""), username=request.form.get("username", "")
    ), status


@bp.route("/masuk/aktivasi", methods=["GET", "POST"])
def activate():
    activate_fn = _activation()
    status = 200
    if request.method == "POST" and activate_fn is not None:
        username = request.form.get("username", "")
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            flash(_("Konfirmasi kata sandi tidak sama."), "error")
            status = 422
        else:
            try:
                activate_fn(runtime(), username, request.form.get("code", ""), new)
                user = service.authenticate(runtime(), username, new)
            except P2hamError as exc:
                flash(message(exc), "error")
                status = 422
            else:
                _start_session(user)
                flash(_("Akun Anda telah aktif. Selamat datang."), "success")
                return redirect(home_url(User(user)))
    return render_template(
        "auth/activate.html", available=activate_fn is not None, username=request.form.get("username", "")
    ), status


@bp.post("/keluar")
@login_required
def sign_out():
    service.sign_out(runtime(), current_user.id)
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            flash(_("Konfirmasi kata sandi tidak sama."), "error")
        else:
            try:
                user = service.change_password(
                    runtime(), current_user.id, request.form.get("current_password", ""), new
                )
            except P2hamError as exc:
                flash(message(exc), "error")
            else:
                login_user(User(user))  # the session epoch moved on; keep this session, end the others
                flash(_("Kata sandi berhasil diganti."), "success")
                return redirect(home_url(User(user)))
        return render_template("auth/change_password.html"), 422
    return render_template("auth/change_password.html")


@bp.get("/akun/token")
@login_required
def tokens():
    return render_template("auth/tokens.html", tokens=service.list_tokens(runtime(), current_user.id))


@bp.post("/akun/token")
@login_required
def create_token():
    _id, token = service.create_token(runtime(), current_user.id, request.form.get("label", ""))
    # Shown once, on this response only (never put in the session cookie).
    return render_template(
        "auth/tokens.html", tokens=service.list_tokens(runtime(), current_user.id), new_token=token
    )


@bp.post("/akun/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int):
    service.revoke_token(runtime(), current_user.id, token_id)
    flash(_("Token dicabut."), "success")
    return redirect(url_for("auth.tokens"), code=303)


@bp.post("/bahasa")
def set_language():
    lang = request.form.get("lang", "id")
    session["lang"] = lang if lang in LANGUAGES else "id"
    return redirect(safe_next(request.form.get("next")) or home_url(), code=303)


@bp.get("/beranda")
@login_required
def home():
    return redirect(home_url())
