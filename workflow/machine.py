"""Build one python-statemachine class per definition version, cached by content hash.

The class runs in strict mode: an event with no transition from the current state raises
``TransitionNotAllowed`` and an exception in a guard or action propagates (never becomes an
``error.execution`` event), so the caller's transaction rolls back. Guards and actions are resolved
through a listener (``bridge_for``) that maps ``guard_<name>``/``action_<name>`` to the registry's handlers. Pure.
"""

from __future__ import annotations

import threading

from statemachine.io import create_machine_class_from_definition

from .registry import Registry
from .spec import Definition

_cache: dict[str, type] = {}
_lock = threading.Lock()

STRICT = {
    "allow_event_without_transition": False,  # a refused event raises
    "catch_errors_as_events": False,  # a failing callback propagates
    "enable_self_transition_entries": False,
    "atomic_configuration_update": True,
}


def machine_class(d: Definition) -> type:
    """The (cached) StateChart class for ``d``; built and checked by python-statemachine once."""
    with _lock:
        cls = _cache.get(d.content_hash)
        if cls is None:
            cls = _build(d)
            if d.content_hash:
                _cache[d.content_hash] = cls
        return cls


def _build(d: Definition) -> type:
    states: dict[str, dict] = {}
    for s in d.states:
        states[s.id] = {"name": s.label, "initial": s.id == d.initial, "final": s.final, "on": {}}
    for t in d.transitions:
        states[t.source]["on"].setdefault(t.event, []).append({
            "target": t.target,
            "cond": [f"guard_{g}" for g in t.guards] or None,
            "on": [f"action_{a}" for a in t.actions] or None,
        })
    for body in states.values():
        if not body["on"]:
            del body["on"]
    name = "".join(part.capitalize() for part in d.id.replace("-", "_").split("_")) or "Definition"
    return create_machine_class_from_definition(f"{name}Machine", states=states, **STRICT)


_bridges: dict[int, type] = {}


def bridge_for(registry: Registry) -> "Bridge":
    """A listener instance exposing ``guard_<name>`` and ``action_<name>`` for every handler."""
    with _lock:
        cls = _bridges.get(id(registry))
        if cls is None:
            attrs = {}
            for kind in ("guard", "action"):
                for name in registry.names(kind):
                    attrs[f"{kind}_{name}"] = _method(registry.get(kind, name))
            cls = _bridges[id(registry)] = type("RegistryBridge", (Bridge,), attrs)
    return cls()


def _method(handler):
    def call(self, ctx):
        return handler(ctx)

    call.__name__ = handler.__name__
    return call


class Bridge:
    """Listener handed to a machine instance; its subclasses carry the registry's guards and actions."""


class CaseModel:
    """The minimal model a machine instance reads and writes: the persisted state id."""

    def __init__(self, state: str):
        self.state = state
