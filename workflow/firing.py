"""Firing rules: may this actor fire this event on a case in this state, with this payload, and
what follows (tasks, timers, documents, notifications)? Returns data; the service persists it. Pure.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from statemachine.exceptions import TransitionNotAllowed

from .deadlines import due_at
from .errors import InvalidTransition, NotAllowed, ValidationFailed
from .machine import CaseModel, bridge_for, machine_class
from .registry import Registry
from .spec import ROLE_LABELS, Definition, TransitionSpec


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (id, role, unit) or the scheduler (role ``system``)."""

    id: int | None
    role: str
    unit_id: int | None = None
    name: str = ""


SYSTEM = Actor(id=None, role="system", name="Sistem")


# -- effects: what a transition asks the store to write ------------------------------------
@dataclass(frozen=True)
class OpenTask:
    state: str
    role: str
    title: str
    due_at: datetime | None


@dataclass(frozen=True)
class CloseTasks:
    state: str


@dataclass(frozen=True)
class StartTimer:
    state: str
    event: str
    due_at: datetime


@dataclass(frozen=True)
class CancelTimers:
    state: str


@dataclass(frozen=True)
class Outbox:
    kind: str  # "document" | "notification"
    name: str
    payload: dict = field(default_factory=dict)


@dataclass
class FiringContext:
    """What guards and actions see; actions may append ``Outbox`` effects to ``effects``."""

    definition: Definition
    case: dict
    actor: Actor
    payload: dict
    now: datetime
    effects: list = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    source: str
    target: str
    transition: TransitionSpec
    effects: tuple


def check_event(d: Definition, state: str, event: str, actor: Actor) -> list[TransitionSpec]:
    """The transitions ``event`` may take from ``state``; raise InvalidTransition when there are
    none and NotAllowed when the actor's role may fire none of them."""
    candidates = [t for t in d.transitions_from(state) if t.event == event]
    if not candidates:
        label = d.state(state).label if d.has_state(state) else state
        allowed = ", ".join(d.events_from(state)) or "tidak ada (state final)"
        raise InvalidTransition(
            f"Aksi '{event}' tidak dapat dilakukan pada tahap '{label}'. Aksi yang tersedia: {allowed}.",
            f"Event '{event}' is not possible in state '{state}'. Possible: {allowed}.",
        )
    if not any(actor.role in t.roles for t in candidates):
        roles = ", ".join(ROLE_LABELS[r] for r in candidates[0].roles)
        raise NotAllowed(
            f"Peran {ROLE_LABELS.get(actor.role, actor.role)} tidak berwenang melakukan aksi "
            f"'{event}'. Yang berwenang: {roles}.",
            f"Role {actor.role} may not fire '{event}'.",
        )
    return candidates


def fire(d: Definition, registry: Registry, state: str, event: str, ctx: FiringContext) -> Outcome:
    """Fire ``event`` from ``state``; raise InvalidTransition, NotAllowed or ValidationFailed."""
    candidates = check_event(d, state, event, ctx.actor)
    _check_required(candidates[0], ctx.payload)
    machine, model, _ = _instance(d, registry)
    model.state = state
    try:
        machine.send(event, ctx=ctx)
    except TransitionNotAllowed as exc:
        raise InvalidTransition(
            f"Syarat untuk aksi '{event}' belum terpenuhi pada tahap '{d.state(state).label}'.",
            f"The conditions for '{event}' are not met in state '{state}'.",
        ) from exc
    except BaseException:
        _local.instances.pop((d.content_hash, id(registry)), None)  # never reuse a machine mid-failure
        raise
    source, target = state, model.state  # the machine wrote the state it entered to the model
    if d.state(target).final:  # a machine that reached a final state stops taking events
        _rearm(machine, d, registry)
    taken = next(t for t in candidates if t.target == target)
    effects = list(leave_effects(d, source, target)) + list(ctx.effects)
    effects += [Outbox("notification", n, {"event": event}) for n in taken.notify]
    if source != target:
        effects += enter_effects(d, target, ctx.now)
    return Outcome(source, target, taken, tuple(effects))


_local = threading.local()


def _instance(d: Definition, registry: Registry):
    """A machine instance per thread and definition, reused across cases: the machine reads the
    state from its model, which we point at the case's state before each event."""
    cache = getattr(_local, "instances", None)
    if cache is None:
        cache = _local.instances = {}
    key = (d.content_hash, id(registry))
    if key not in cache or not d.content_hash:
        model, bridge = CaseModel(d.initial), bridge_for(registry)
        cache[key] = (machine_class(d)(model=model, listeners=[bridge]), model, bridge)
    return cache[key]


def _rearm(machine, d: Definition, registry: Registry) -> None:
    """Make the shared instance take events again after it entered a top-level final state (the
    engine stops there). python-statemachine 3.x keeps that switch in ``engine.running``; when a
    later version keeps it elsewhere, drop the instance instead (a new one costs ~0.7 ms)."""
    engine = getattr(machine, "_engine", None)
    if engine is not None and getattr(engine, "running", None) is False:
        engine.running = True
    else:  # pragma: no cover - depends on the library's internals
        _local.instances.pop((d.content_hash, id(registry)), None)


def forget_instances() -> None:
    """Drop this thread's cached machine instances and bridges (after handlers were swapped)."""
    _local.instances = {}
    from . import machine

    machine._bridges.clear()


def _check_required(t: TransitionSpec, payload: dict) -> None:
    missing = {}
    for f in t.requires:
        value = payload.get(f.name)
        if f.kind == "list":
            ok = isinstance(value, (list, tuple)) and any(str(v).strip() for v in value)
        else:
            ok = value is not None and str(value).strip() != ""
        if not ok:
            missing[f.name] = f"{f.label} wajib diisi."
    if missing:
        raise ValidationFailed(" ".join(missing.values()), "Required fields missing: " + ", ".join(missing),
                               fields=missing)


def leave_effects(d: Definition, source: str, target: str) -> list:
    if source == target:
        return []
    return [CloseTasks(source), CancelTimers(source)]


def enter_effects(d: Definition, state_id: str, now: datetime) -> list:
    """Effects of entering ``state_id`` at ``now``: its task, timer, documents and notifications."""
    s = d.state(state_id)
    due = due_at(d, s, now)
    out: list = []
    if s.task:
        out.append(OpenTask(s.id, s.task.role, s.task.title, due))
    if s.deadline and due is not None:
        out.append(StartTimer(s.id, s.deadline.fires, due))
    out += [Outbox("document", doc, {"state": s.id}) for doc in s.documents]
    out += [Outbox("notification", n, {"state": s.id}) for n in s.notify]
    return out
