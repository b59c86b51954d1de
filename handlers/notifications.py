"""Notification channels: compose the message for one recipient; delivery is the worker's job."""

from .base import REGISTRY


@REGISTRY.register("notification")
def email(spec, facts: dict) -> dict:
    return {"channel": "email", "subject": spec.subject or spec.id, "template": spec.template or spec.id,
            "facts": facts}


@REGISTRY.register("notification")
def in_app(spec, facts: dict) -> dict:
    return {"channel": "in_app", "subject": spec.subject or spec.id, "template": spec.template or spec.id,
            "facts": facts}
