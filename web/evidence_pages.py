"""Evidence (data dukung) pages: the operator's checklist with upload and submit forms, the
verifier's list of submitted items with an inline preview and a decision form per item. Routes are
added to the role's own blueprint, so its role guard runs first; the services check unit and case.

An upload sent by the page's script (header ``X-Requested-With: XMLHttpRequest``, to show its
progress) is answered ``200 {"redirect": url}`` instead of a redirect, after the same flash: the
message stays in the session until the script sends the browser to ``url``."""

from __future__ import annotations

import io

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow.errors import ChangedMeanwhile, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from workflow.services.evidence import claim_verification, decide_item, submit_indicators, upload_evidence
from workflow.services.evidence_checklist import evidence_checklist
from workflow.services.evidence_reads import download_evidence

from . import runtime
from .site import message

ITEM = "/kasus/<int:case_id>/data-dukung/<indicator_id>/<item_id>"


def _from_script() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _page(case_id: int, role: str):
    url = url_for(f"{role}.evidence", case_id=case_id)
    return jsonify(redirect=url) if _from_script() else redirect(url, code=303)


def _rev() -> int | None:
    raw = request.form.get("expected_rev", "")
    return int(raw) if raw.isdigit() else None


def add_download(bp: Blueprint) -> None:
    @bp.get(f"{ITEM}/berkas")
    def evidence_file(case_id: int, indicator_id: str, item_id: str):
        dl = download_evidence(runtime(), current_user.id, case_id, indicator_id, item_id,
                               request.args.get("versi", type=int))
        resp = send_file(io.BytesIO(dl.data), mimetype=dl.media_type, as_attachment=False,
                         download_name=dl.filename, etag=dl.sha256, max_age=0)
        resp.headers["X-Content-Type-Options"] = "nosniff"  # never let a browser guess another type
        resp.headers["Cache-Control"] = "private, no-store"
        return resp


def add_operator_routes(bp: Blueprint) -> None:
    add_download(bp)

    @bp.get("/kasus/<int:case_id>/data-dukung")
    def evidence(case_id: int):
        return render_template("operator/evidence.html", checklist=evidence_checklist(
            runtime(), current_user.id, case_id))

    @bp.post(ITEM)
    def upload(case_id: int, indicator_id: str, item_id: str):
        f = request.files.get("berkas")
        try:
            if f is None or not f.filename:
                raise ValidationFailed("Pilih berkas yang akan diunggah.", "Choose a file to upload.")
            upload_evidence(runtime(), current_user.id, case_id, indicator_id, item_id, f.filename, f.read(),
                            _rev())
        except (ValidationFailed, InvalidTransition, ChangedMeanwhile) as exc:
            if not _from_script():
                raise  # the site's handlers answer a plain form post as before
            flash(message(exc), "error")  # shown on the checklist, where the item's state is fresh
        except (NotAllowed, NotFound) as exc:
            if not _from_script():
                raise
            return jsonify(error=exc.code, message=message(exc)), 403 if isinstance(exc, NotAllowed) else 404
        else:
            flash(_("Berkas %(name)s berhasil diunggah sebagai draf.", name=f.filename), "success")
        return _page(case_id, "operator")

    @bp.post("/kasus/<int:case_id>/data-dukung/kirim")
    def submit(case_id: int):
        sent = submit_indicators(runtime(), current_user.id, case_id, request.form.getlist("indikator"))
        flash(_("%(n)s data dukung dikirim untuk diverifikasi.", n=len(sent)), "success")
        return _page(case_id, "operator")


def add_verifier_routes(bp: Blueprint) -> None:
    add_download(bp)

    @bp.get("/kasus/<int:case_id>/data-dukung")
    def evidence(case_id: int):
        return render_template("verifikator/evidence.html", checklist=evidence_checklist(
            runtime(), current_user.id, case_id))

    @bp.post("/kasus/<int:case_id>/data-dukung/ambil")
    def claim_evidence(case_id: int):
        claim_verification(runtime(), current_user.id, case_id)
        flash(_("Verifikasi data dukung berhasil diambil."), "success")
        return _page(case_id, "verifikator")

    @bp.post(f"{ITEM}/keputusan")
    def decide(case_id: int, indicator_id: str, item_id: str):
        state = decide_item(runtime(), current_user.id, case_id, indicator_id, item_id,
                            request.form.get("keputusan", ""), request.form.get("catatan", ""), _rev())
        flash(_("Keputusan disimpan: %(item)s.", item=state.label), "success")
        return _page(case_id, "verifikator")
