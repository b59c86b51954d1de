"""What every page shares: sessions (Flask-Login), CSRF protection on every form (Flask-WTF),
Indonesian first with English selectable (Flask-Babel), the browser notice, and how the service
layer's typed errors become pages: 403 for NotAllowed, 404 for NotFound, 409 for ChangedMeanwhile,
a flash message and a way back for bad input."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import Babel, get_locale
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from workflow.deadlines import JAKARTA
from workflow.errors import (
    ChangedMeanwhile,
    InvalidTransition,
    NotAllowed,
    NotFound,
    P2hamError,
    ValidationFailed,
)
from workflow.services import auth as auth_service
from workflow.spec import ROLE_LABELS

from . import runtime
from .browsers import unsupported_browser

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
HOME = {
    "admin": "admin.dashboard",
    "operator": "operator.my_case",
    "verifikator": "verifikator.inbox",
    "penilai": "penilai.inbox",
}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


class User(UserMixin):
    """The signed-in person for one request; the session stores ``"<id>:<epoch>"``."""

    def __init__(self, data: auth_service.SessionUser):
        self.data = data
        self.id, self.role, self.unit_id = data.id, data.role, data.unit_id
        self.full_name, self.username = data.full_name, data.username
        self.must_change_password = data.must_change_password

    def get_id(self) -> str:
        return f"{self.data.id}:{self.data.epoch}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@login_manager.user_loader
def _load_user(session_id: str):
    pid, _, epoch = session_id.partition(":")
    if not pid.isdigit() or not epoch.isdigit():
        return None
    data = auth_service.session_user(runtime(), int(pid), int(epoch))
    return User(data) if data else None


def select_locale() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "id"


def message(exc: P2hamError) -> str:
    """The error's message in the page's language."""
    return exc.message_en if str(get_locale()) == "en" else exc.message


def home_url(user=None) -> str:
    user = user or current_user
    if not getattr(user, "is_authenticated", False):
        return url_for("auth.sign_in")
    return url_for(HOME.get(user.role, "public.index"))


def safe_next(target: str | None) -> str | None:
    """Only a local path may be a redirect target (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def guard(role: str):
    """For a blueprint's ``before_request``: signed in, with ``role``, else 401 redirect or 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != role:
        abort(403)
    return None


def _is_api() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _api_error(exc: P2hamError, status: int):
    body = {"error": exc.code, "message": exc.message, "message_en": exc.message_en}
    if isinstance(exc, ValidationFailed) and exc.details.get("fields"):
        body["fields"] = exc.details["fields"]
    return jsonify(body), status


def _page(status: int, title: str, text: str):
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _back():
    return redirect(safe_next(request.form.get("next")) or _same_site_referrer() or home_url(), code=303)


def _same_site_referrer() -> str | None:
    ref = request.referrer
    if not ref:
        return None
    parts = urlsplit(ref)
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wib(value) -> str:
    """A stored (UTC) time as Jakarta local time, e.g. '15-10-2023 23:59 WIB'."""
    if value is None:
        return "-"
    return value.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M") + " WIB"


def time_left(due, now) -> str:
    """'3 hari 4 jam lagi' or 'lewat 2 hari' (in the page's language)."""
    from flask_babel import gettext as _

    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    span = (
        _("%(d)s hari %(h)s jam", d=days, h=hours)
        if days
        else _("%(h)s jam %(m)s menit", h=hours, m=rest // 60)
    )
    return _("%(span)s lagi", span=span) if seconds >= 0 else _("lewat %(span)s", span=span)


def init_app(app: Flask) -> None:
    from flask_babel import gettext as _

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "id")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    babel.init_app(app, locale_selector=select_locale)

    app.add_template_filter(wib)
    app.add_template_filter(time_left)

    @app.context_processor
    def _globals():
        return {
            "browser_notice": unsupported_browser(request.headers.get("User-Agent")),
            "languages": LANGUAGES,
            "current_lang": select_locale(),
            "home_url": home_url,
            "role_labels": ROLE_LABELS,
        }

    @app.before_request
    def _force_password_change():
        # A person signed in with a one-time code must choose a password before anything else.
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint
            not in ("auth.change_password", "auth.sign_out", "auth.set_language", "static")
            and request.blueprint != "public"
        ):
            if _is_api():
                return jsonify(
                    error="password_change_required", message="Ganti kata sandi Anda terlebih dahulu."
                ), 403
            return redirect(url_for("auth.change_password"))
        return None

    @app.errorhandler(NotAllowed)
    def _not_allowed(exc):
        if _is_api():
            return _api_error(exc, 403)
        return _page(403, _("Akses ditolak"), message(exc))

    @app.errorhandler(NotFound)
    def _not_found(exc):
        if _is_api():
            return _api_error(exc, 404)
        return _page(404, _("Tidak ditemukan"), message(exc))

    @app.errorhandler(ChangedMeanwhile)
    def _changed(exc):
        if _is_api():
            return _api_error(exc, 409)
        return render_template(
            "errors/error.html",
            status=409,
            title=_("Diubah oleh pengguna lain"),
            text=message(exc),
            back=_same_site_referrer(),
        ), 409

    @app.errorhandler(ValidationFailed)
    @app.errorhandler(InvalidTransition)
    def _refused(exc):
        if _is_api():
            return _api_error(exc, 422 if isinstance(exc, ValidationFailed) else 409)
        flash(message(exc), "error")
        return _back()

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _page(
            400,
            _("Formulir kedaluwarsa"),
            _(
                "Formulir ini tidak memuat token keamanan yang sah (mungkin halaman sudah terlalu lama "
                "terbuka). Muat ulang halaman lalu kirim kembali."
            ),
        )

    @app.errorhandler(403)
    def _forbidden(_exc):
        if _is_api():
            return jsonify(error="not_allowed", message="Akses ditolak."), 403
        return _page(403, _("Akses ditolak"), _("Halaman ini bukan untuk peran Anda."))

    @app.errorhandler(404)
    def _missing(_exc):
        if _is_api():
            return jsonify(error="not_found", message="Tidak ditemukan."), 404
        return _page(404, _("Tidak ditemukan"), _("Halaman yang Anda cari tidak ada."))

    @app.errorhandler(405)
    def _method(_exc):
        if _is_api():
            return jsonify(error="method_not_allowed", message="Metode tidak diizinkan."), 405
        return _page(405, _("Metode tidak diizinkan"), _("Alamat ini tidak menerima permintaan semacam itu."))

    @app.errorhandler(413)
    def _too_large(_exc):
        return _page(413, _("Berkas terlalu besar"), _("Berkas yang dikirim melebihi batas ukuran."))
