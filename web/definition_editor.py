"""Admin pages for definition versions: list, draft editor, validation, diagram preview, diff, publish
and BPMN download (issue #7)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .site import guard

bp = Blueprint("definition_editor", __name__, url_prefix="/admin/definisi")


@bp.before_request
def _only_admins():
    return guard("admin")


@bp.get("/")
def index():
    return render_template("admin/definitions/index.html")
