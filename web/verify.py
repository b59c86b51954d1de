"""The public verification page: anyone may check that a document was issued, by the short code
printed under its QR code or by uploading the PDF with its number. No sign-in, no side effects."""

from __future__ import annotations

import hashlib

from flask import Blueprint, render_template, request

from workflow.services.documents import verify

from . import runtime

bp = Blueprint("verify", __name__)
MAX_PDF = 10 * 1024 * 1024


@bp.get("/verifikasi", endpoint="form")
@bp.get("/verifikasi/<code>", endpoint="code")
def by_code(code: str | None = None):
    code = code or request.args.get("kode", "").strip()
    result = verify(runtime(), request.args.get("nomor") or None, code) if code else None
    return render_template("verify/verify.html", result=result, code=code), (404 if result and not result.valid else 200)


@bp.post("/verifikasi")
def by_file():
    number = request.form.get("nomor", "").strip()
    upload = request.files.get("berkas")
    if not number or upload is None or not upload.filename:
        return render_template("verify/verify.html", result=None, code="",
                               error="Isi nomor dokumen dan pilih berkas PDF-nya."), 400
    data = upload.read(MAX_PDF + 1)
    if len(data) > MAX_PDF:
        return render_template("verify/verify.html", result=None, code="", error="Berkas lebih dari 10 MB."), 400
    result = verify(runtime(), number, hashlib.sha256(data).hexdigest())
    return render_template("verify/verify.html", result=result, code="", number=number), (200 if result.valid else 404)


def init_app(app) -> None:
    csrf = app.extensions.get("csrf")  # flask-wtf's CSRFProtect, when the site installed it
    if csrf is not None:
        csrf.exempt(bp)  # a read-only check: nothing changes, no session is used
    app.register_blueprint(bp)
