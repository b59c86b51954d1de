"""Admin pages for moving running cases to another definition version: choose cases, target
version and state mapping, dry run, then run in batches with a report (issue #7)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .site import guard

bp = Blueprint("case_migration", __name__, url_prefix="/admin/migrasi")


@bp.before_request
def _only_admins():
    return guard("admin")


@bp.get("/")
def index():
    return render_template("admin/migration/index.html")
