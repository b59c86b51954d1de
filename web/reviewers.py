"""Pages shared by verifiers and assessors: an inbox of my tasks (soonest due first, overdue
marked), the pool to claim from, and the case page with the actions I may take."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow.services.cases import claim_task
from workflow.services.inbox import my_tasks, pool

from . import runtime
from .case_actions import fire_from_form, render_case
from .site import guard


def make_blueprint(role: str, url_prefix: str) -> Blueprint:
    bp = Blueprint(role, __name__, url_prefix=url_prefix)

    @bp.before_request
    def _only_this_role():
        return guard(role)

    @bp.get("/")
    def inbox():
        rt = runtime()
        return render_template(
            f"{role}/inbox.html",
            tasks=my_tasks(rt, current_user.id),
            pool=pool(rt, current_user.id),
            blueprint=role,
        )

    @bp.post("/tugas/<int:task_id>/ambil")
    def claim(task_id: int):
        claim_task(runtime(), current_user.id, task_id)
        flash(_("Tugas berhasil diambil."), "success")
        return redirect(url_for(f"{role}.inbox"), code=303)

    @bp.get("/kasus/<int:case_id>")
    def case(case_id: int):
        return render_case(case_id, role)

    @bp.post("/kasus/<int:case_id>/aksi")
    def fire(case_id: int):
        return fire_from_form(case_id, role)

    return bp
