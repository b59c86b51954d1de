"""Admin pages for moving running cases to another definition version: choose cases, target
version and state mapping, dry run, then run in batches with a report (issue #7)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from workflow.errors import ValidationFailed
from workflow.services import case_migration as cm

from . import runtime
from .site import guard, message

bp = Blueprint("case_migration", __name__, url_prefix="/admin/migrasi")


@bp.before_request
def _only_admins():
    return guard("admin")


def _int(value: str | None, what: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationFailed(f"{what} tidak sah: '{value[:40]}'.", f"Invalid {what}.")
    return int(value)


def _request() -> dict:
    """The form's choices as the service's arguments; bad values raise ValidationFailed."""
    form = request.form
    year = _int(form.get("tahun"), "Tahun")
    target = _int(form.get("versi"), "Versi tujuan")
    if target is None:
        raise ValidationFailed("Pilih versi tujuan.", "Choose a target version.")
    chosen = form.get("cakupan", "tahun") == "pilihan"
    case_ids = [_int(v, "Nomor kasus") for v in form.getlist("kasus")] if chosen else None
    if chosen and not case_ids:
        raise ValidationFailed("Pilih paling sedikit satu kasus, atau pilih semua kasus tahun ini.",
                               "Choose at least one case.")
    mapping = {}
    for pair in form.getlist("peta"):
        old, sep, new = pair.partition("=")
        if not sep or not old:
            raise ValidationFailed(f"Pemetaan tahap tidak sah: '{pair[:80]}'.", "Invalid mapping.")
        mapping[old] = new
    return {"target_version_id": target, "year": None if chosen else year, "case_ids": case_ids,
            "mapping": mapping, "confirm_orphans": form.get("konfirmasi_yatim") == "1"}


def _page(year, target, args=None, plan=None, error=None, status=200):
    choices = cm.form_choices(runtime(), current_user.id, year, target) if year and target else \
        cm.form_choices(runtime(), current_user.id)
    picked = set((args or {}).get("case_ids") or ())
    mapping = {**choices.defaults, **((args or {}).get("mapping") or {})}
    return render_template("admin/migration/index.html", choices=choices, year=year, target=target,
                           args=args or {}, picked=picked, mapping=mapping, plan=plan, error=error), status


@bp.get("/")
def index():
    year = request.args.get("tahun", type=int)
    target = request.args.get("versi", type=int)
    return _page(year, target)


@bp.post("/uji-coba")
def dry_run():
    year, target = request.form.get("tahun", type=int), request.form.get("versi", type=int)
    try:
        args = _request()
        plan = cm.dry_run(runtime(), current_user.id, **args)
    except ValidationFailed as exc:
        return _page(year, target, None, error=message(exc), status=422)
    return _page(year, target, args, plan=plan)


@bp.post("/jalankan")
def run():
    year, target = request.form.get("tahun", type=int), request.form.get("versi", type=int)
    try:
        args = _request()
        if request.form.get("setuju") != "1":
            raise ValidationFailed("Centang persetujuan sebelum menjalankan migrasi.",
                                   "Confirm before running the migration.")
        size = _int(request.form.get("batch"), "Ukuran batch") or 50
        steps = []
        report = cm.run(runtime(), current_user.id, batch_size=size,
                        progress=lambda done, total: steps.append((done, total)), **args)
    except ValidationFailed as exc:
        return _page(year, target, None, error=message(exc), status=422)
    return render_template("admin/migration/report.html", report=report, year=year, target=target,
                           batches=-(-len(report.results) // size), processed=steps[-1] if steps else (0, 0))
