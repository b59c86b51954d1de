"""The case page and its action forms, shared by the operator, verifier, assessor and admin
blueprints: each renders the same page and fires events through the same service."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow.errors import ValidationFailed
from workflow.services.cases import fire_event
from workflow.services.inbox import case_page

from . import runtime


def render_case(case_id: int, blueprint: str, template: str = "case/page.html", **extra):
    page = case_page(runtime(), current_user.id, case_id)
    return render_template(
        template,
        page=page,
        status=page.status,
        case=page.status.case,
        action_url=url_for(f"{blueprint}.fire", case_id=case_id),
        now=runtime().now(),
        **extra,
    )


def parse_payload(fields: list[tuple[str, str]]) -> dict:
    """Form fields ``f_<name>`` into the event payload; a list field holds one item per line."""
    payload: dict = {}
    for name, kind in fields:
        raw = request.form.get(f"f_{name}", "")
        payload[name] = (
            [line.strip() for line in raw.splitlines() if line.strip()] if kind == "list" else raw.strip()
        )
    return payload


def fire_from_form(case_id: int, blueprint: str):
    """Fire the posted event with its required fields and the version the person saw."""
    event = request.form.get("event", "")
    version = request.form.get("expected_version", "")
    if not event or not version.isdigit():
        raise ValidationFailed(
            "Formulir aksi tidak lengkap. Muat ulang halaman kasus.", "Incomplete action form."
        )
    kinds = [(k[2:], request.form.get(f"kind_{k[2:]}", "text")) for k in request.form if k.startswith("f_")]
    view = fire_event(runtime(), current_user.id, case_id, event, parse_payload(kinds), int(version))
    flash(_("Aksi berhasil. Tahap sekarang: %(stage)s.", stage=view.state_label), "success")
    return redirect(url_for(f"{blueprint}.case", case_id=case_id), code=303)
