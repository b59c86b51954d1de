"""The operator of a unit: their own unit's case (stage, deadline, actions, notes)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from workflow.errors import NotFound
from workflow.services.inbox import case_years, my_case_id

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
    from flask_login import current_user

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
