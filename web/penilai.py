"""The assessor's pages (Penilai): inbox, pool, case, and the scoring sheet with the definition's
scales, running totals, the pass threshold, save and submit."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow.services.assessment import save_scores, submit_assessment
from workflow.services.scoring_sheet import scoring_sheet

from . import runtime
from .reviewers import make_blueprint

bp = make_blueprint("penilai", "/penilai")
SHEET = "/kasus/<int:case_id>/penilaian"


@bp.get(SHEET)
def sheet(case_id: int):
    return render_template("penilai/sheet.html", sheet=scoring_sheet(runtime(), current_user.id, case_id))


@bp.post(SHEET)
def save(case_id: int):
    # every select is named ``nilai_<indicator>``; an empty one means "not scored yet"
    choices = {k[len("nilai_"):]: v for k, v in request.form.items() if k.startswith("nilai_") and v}
    n = save_scores(runtime(), current_user.id, case_id, choices)
    if request.form.get("aksi") == "kirim":
        view = submit_assessment(runtime(), current_user.id, case_id)
        flash(_("Penilaian dikirim. Tahap sekarang: %(stage)s.", stage=view.state_label), "success")
        return redirect(url_for("penilai.inbox"), code=303)
    flash(_("%(n)s nilai disimpan.", n=n), "success")
    return redirect(url_for("penilai.sheet", case_id=case_id), code=303)
