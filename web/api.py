"""JSON API under ``/api/v1``, authenticated by a bearer token (created on the account page),
going through the same services as the pages. Errors: ``{"error", "message", "message_en"}``."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from workflow.errors import NotAllowed, ValidationFailed
from workflow.services.auth import account, token_person
from workflow.services.cases import case_status, claim_task, fire_event
from workflow.services.evidence import decide_item, upload_evidence
from workflow.services.evidence_records import find_record
from workflow.services.inbox import my_tasks, pool

from . import runtime
from .openapi import document
from .site import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies here: a bearer token cannot be sent by another site's form


def _iso(dt):
    return dt.isoformat() if dt is not None else None


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        resp = jsonify(
            error="unauthenticated",
            message="Sertakan header 'Authorization: Bearer <token>'.",
            message_en="Send an 'Authorization: Bearer <token>' header.",
        )
        resp.status_code, resp.headers["WWW-Authenticate"] = 401, 'Bearer realm="p2ham"'
        return resp
    try:
        g.actor_id = token_person(runtime(), token.strip())
    except NotAllowed as exc:
        resp = jsonify(error="unauthenticated", message=exc.message, message_en=exc.message_en)
        resp.status_code, resp.headers["WWW-Authenticate"] = (
            401,
            'Bearer realm="p2ham", error="invalid_token"',
        )
        return resp
    return None


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/me")
def me():
    user = account(runtime(), g.actor_id)
    return jsonify(
        id=user.id, username=user.username, full_name=user.full_name, role=user.role, unit_id=user.unit_id
    )


def _task(t) -> dict:
    return {
        "id": t.id,
        "case_id": t.case_id,
        "unit": t.unit_name,
        "region": t.region,
        "year": t.year,
        "stage": t.state_label,
        "title": t.title,
        "due_at": _iso(t.due_at),
        "overdue": t.overdue,
    }


@bp.get("/tasks")
def tasks():
    return jsonify(tasks=[_task(t) for t in my_tasks(runtime(), g.actor_id)])


@bp.get("/pool")
def task_pool():
    return jsonify(tasks=[_task(t) for t in pool(runtime(), g.actor_id)])


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int):
    claim_task(runtime(), g.actor_id, task_id)
    return jsonify(claimed=task_id)


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    st = case_status(runtime(), g.actor_id, case_id)
    c = st.case
    return jsonify(
        id=c.id,
        unit_id=c.unit_id,
        unit=st.unit_name,
        year=c.year,
        state=c.state,
        stage=c.state_label,
        version=c.version,
        outcome=c.outcome,
        final=c.final,
        definition=st.definition,
        events=[{"event": e, "label": label} for e, label in st.events],
        tasks=[{**t, "due_at": _iso(t["due_at"])} for t in st.tasks],
        timers=[{**t, "due_at": _iso(t["due_at"])} for t in st.timers],
        history=[{**h, "at": _iso(h["at"])} for h in st.history],
    )


@bp.post("/cases/<int:case_id>/events")
def fire(case_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("event"), str):
        raise ValidationFailed(
            "Badan permintaan harus JSON dengan kolom 'event'.",
            "The body must be JSON with an 'event' field.",
        )
    payload = body.get("payload") or {}
    version = body.get("expected_version")
    if not isinstance(payload, dict) or (version is not None and not isinstance(version, int)):
        raise ValidationFailed(
            "'payload' harus objek dan 'expected_version' bilangan bulat.",
            "'payload' must be an object and 'expected_version' an integer.",
        )
    view = fire_event(runtime(), g.actor_id, case_id, body["event"], payload, version)
    return jsonify(
        id=view.id,
        state=view.state,
        stage=view.state_label,
        version=view.version,
        outcome=view.outcome,
        final=view.final,
    )


def _item(ref, state) -> dict:
    return {
        "id": ref.id,
        "case_id": state.case_id,
        "section": state.section,
        "indicator": state.indicator_id,
        "item": state.item_id,
        "status": state.status,
        "version": state.version,
        "rev": state.rev,
    }


def _rev(raw) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return int(raw)
    raise ValidationFailed("'expected_rev' harus bilangan bulat.", "'expected_rev' must be an integer.")


@bp.post("/cases/<int:case_id>/evidence")
def upload(case_id: int):
    form, f = request.form, request.files.get("file")
    missing = {k: f"Kolom '{k}' wajib diisi." for k in ("indicator", "item") if not form.get(k, "").strip()}
    if f is None or not f.filename:
        missing["file"] = "Sertakan berkas pada kolom 'file'."
    if missing:
        raise ValidationFailed(" ".join(missing.values()), "indicator, item and file are required.",
                               fields=missing)
    indicator, item = form["indicator"].strip(), form["item"].strip()
    state = upload_evidence(runtime(), g.actor_id, case_id, indicator, item, f.filename, f.read(),
                            _rev(form.get("expected_rev")))
    ref = find_record(runtime(), g.actor_id, case_id, indicator_id=indicator, item_id=item)
    return jsonify(_item(ref, state)), 201


@bp.post("/cases/<int:case_id>/evidence/<int:record_id>/decision")
def decide(case_id: int, record_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("decision"), str):
        raise ValidationFailed(
            "Badan permintaan harus JSON dengan kolom 'decision'.",
            "The body must be JSON with a 'decision' field.",
        )
    note = body.get("note") or ""
    if not isinstance(note, str):
        raise ValidationFailed("'note' harus teks.", "'note' must be a string.")
    ref = find_record(runtime(), g.actor_id, case_id, record_id)
    state = decide_item(runtime(), g.actor_id, case_id, ref.indicator_id, ref.item_id, body["decision"], note,
                        _rev(body.get("expected_rev")))
    return jsonify(_item(ref, state))
