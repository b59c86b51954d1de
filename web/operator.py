"""The operator of a unit: their own unit's case (stage, deadline, actions, notes), its issued
documents and their in-app notifications."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow.errors import NotFound
from workflow.services.documents import document_pdf
from workflow.services.inbox import case_years, my_case_id
from workflow.services.my_documents import unit_documents
from workflow.services.notifications import inbox, mark_read

from . import runtime
from .case_actions import fire_from_form, render_case
from .evidence_pages import add_operator_routes
from .site import guard

bp = Blueprint("operator", __name__, url_prefix="/operator")
add_operator_routes(bp)


@bp.before_request
def _only_operators():
    return guard("operator")


@bp.get("/")
def my_case():
    year = request.args.get("tahun", type=int)
    try:
        case_id = my_case_id(runtime(), current_user.id, year)
    except NotFound as exc:
        return render_template("operator/no_case.html", text=exc.message)
    return render_case(
        case_id, "operator", "operator/my_case.html", years=case_years(runtime(), current_user.id)
    )


@bp.get("/kasus/<int:case_id>")
def case(case_id: int):
    return render_case(case_id, "operator", "operator/my_case.html")


@bp.post("/kasus/<int:case_id>/aksi")
def fire(case_id: int):
    return fire_from_form(case_id, "operator")


@bp.get("/dokumen")
def documents():
    return render_template("operator/documents.html", documents=unit_documents(runtime(), current_user.id))


@bp.get("/dokumen/<int:document_id>.pdf")
def document_file(document_id: int):
    view, data = document_pdf(runtime(), current_user.id, document_id)
    resp = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"{view.number.replace('/', '-')}.pdf", etag=view.sha256, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/notifikasi")
def notifications():
    return render_template("operator/notifications.html", notifications=inbox(runtime(), current_user.id))


@bp.post("/notifikasi/<int:notification_id>/dibaca")
def read_notification(notification_id: int):
    mark_read(runtime(), current_user.id, notification_id)
    flash(_("Notifikasi ditandai sudah dibaca."), "success")
    return redirect(url_for("operator.notifications"))
