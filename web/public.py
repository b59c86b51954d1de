"""Public pages: the landing page with the year's stage counts (no unit data) and a health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from workflow.services.definitions import list_versions
from workflow.services.monitoring import state_counts

from . import runtime

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    rt = runtime()
    versions = list_versions(rt)
    years = sorted({v.year for v in versions}, reverse=True)
    counts = {y: state_counts(rt, None, y) for y in years}
    return render_template("public/index.html", versions=versions, years=years, counts=counts)


@bp.get("/healthz")
def health():
    rt = runtime()
    with rt.store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return jsonify(status="ok", database=rt.store.dialect)
