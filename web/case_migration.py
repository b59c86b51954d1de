"""Admin pages for moving running cases to another definition version: choose cases, target
version and state mapping, dry run, then run in batches on a worker (an RQ job on the
``transitions`` queue) with a progress page that ends in the report (issue #7)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from redis import Redis
from redis.exceptions import RedisError

from workflow.config import Settings
from workflow.errors import NotFound, ValidationFailed
from workflow.jobs import migration as jobs
from workflow.jobs.connection import connect
from workflow.services import case_migration as cm

from . import runtime
from .site import guard, message, wib

log = logging.getLogger(__name__)

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
        size = _int(request.form.get("batch"), "Ukuran batch")
        size = 50 if size is None else size
        if not 1 <= size <= 1000:
            raise ValidationFailed("Ukuran batch harus antara 1 dan 1000 kasus.",
                                   "Batch size must be 1..1000.")
        # Checked now, not in the worker: bad input gets its message here and nothing is queued.
        plan = cm.dry_run(runtime(), current_user.id, **args)
    except ValidationFailed as exc:
        return _page(year, target, None, error=message(exc), status=422)
    try:
        job = jobs.enqueue(_redis(), args, current_user.id, size, plan, meta={
            "started_by": current_user.id, "started_by_name": current_user.full_name,
            "started_at": runtime().now().isoformat(), "year": year})
        log.info("case migration %s to %s queued by person %s", job.id, plan.target, current_user.id)
    except (RedisError, OSError) as exc:
        log.warning("case migration not queued, Redis unreachable: %s", exc)
        return _page(year, target, None, status=503, error=_(
            "Migrasi tidak dijalankan: antrean pekerjaan (Redis) tidak dapat dihubungi, sehingga tidak ada "
            "kasus yang dipindahkan. Pastikan Redis dan worker berjalan (p2ham worker), lalu coba lagi."))
    return redirect(url_for(".progress", job_id=job.id), code=303)


# -- the background run ---------------------------------------------------------------------------
def _redis() -> Redis:
    """The app's Redis (``REDIS_URL`` of the app's config or the environment, else the embedded
    server), checked with a ping; raises RedisError/OSError when it cannot be reached."""
    conn = current_app.extensions.get("p2ham_redis")
    if conn is None:
        settings = Settings.from_env().jobs
        url = current_app.config.get("REDIS_URL") or settings.redis_url
        # Short timeouts: an unreachable server must turn into a message, not a hung request.
        conn = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10) if url else connect(settings)
        current_app.extensions["p2ham_redis"] = conn
    conn.ping()
    return conn


def _unreachable() -> str:
    return _("Antrean pekerjaan (Redis) tidak dapat dihubungi, sehingga kemajuan migrasi belum dapat "
             "ditampilkan. Muat ulang halaman ini sebentar lagi; bila tetap gagal, hubungi pengelola sistem.")


def _state(job) -> dict:
    """The job's phase and counts with a summary in the page's language."""
    state = jobs.status(job)
    phase, counts = state["status"], state["counts"]
    if phase == "waiting":
        summary = _("Menunggu worker: migrasi belum dimulai. %(done)s dari %(total)s kasus.", **state)
    elif phase == "running":
        summary = _("Migrasi berjalan: %(done)s dari %(total)s kasus diproses dalam %(batches)s batch "
                    "(%(m)s dipindahkan, %(r)s ditolak, %(c)s berubah sementara itu, %(f)s gagal).",
                    m=counts["migrated"], r=counts["refused"], c=counts["changed"], f=counts["failed"],
                    **state)
    elif phase == "done":
        summary = _("Migrasi selesai: %(done)s dari %(total)s kasus diproses.", done=state["total"],
                    total=state["total"])
    else:
        summary = _("Migrasi berhenti karena galat (kode galat %(id)s).", id=job.id)
    return {**state, "summary": summary}


@bp.get("/proses/<job_id>")
def progress(job_id: str):
    try:
        job = jobs.fetch(_redis(), job_id)
        state, meta = _state(job), job.meta
        data = job.return_value() if state["status"] == "done" else None
        if state["status"] == "done" and data is None:  # the report expired before the job's record
            raise NotFound("Laporan migrasi ini sudah kedaluwarsa.", "This migration report has expired.")
    except (RedisError, OSError):
        return render_template("errors/error.html", status=503, title=_("Layanan belum tersedia"),
                               text=_unreachable()), 503
    started = datetime.fromisoformat(meta["started_at"]) if meta.get("started_at") else None
    common = {"job": job, "meta": meta, "started": wib(started), "year": meta.get("year"),
              "target": meta.get("target_id")}
    if data is not None:
        return render_template("admin/migration/report.html", report=jobs.report(data),
                               batches=data["batches"], processed=data["processed"], **common)
    error = meta.get("error_en" if str(get_locale()) == "en" else "error")
    return render_template("admin/migration/progress.html", state=state, error=error, **common)


@bp.get("/proses/<job_id>.json")
def progress_json(job_id: str):
    """For the progress page's script: the state, or ``{"status": "unknown"}`` with 404/503."""
    try:
        return jsonify(_state(jobs.fetch(_redis(), job_id)))
    except NotFound as exc:
        return jsonify(status="unknown", message=message(exc)), 404
    except (RedisError, OSError):
        return jsonify(status="unknown", message=_unreachable()), 503
