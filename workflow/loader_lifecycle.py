"""Reading the ``lifecycle`` section: the initial state, the states (with their task, deadline,
reminders and evidence window) and the transitions. Whatever cannot be read is reported and left
as None (see ``loader_fields``); the graph itself is checked afterwards by ``workflow.validate``.
Pure.
"""

from __future__ import annotations

from .deadlines import parse_duration
from .loader_fields import Reader
from .spec import ROLES, Deadline, EvidenceWindow, Field, Reminder, StateSpec, Task, TransitionSpec
from .yamlsrc import Path

LIFECYCLE_KEYS = {"initial": True, "states": True, "transitions": True}
STATE_KEYS = {"label": True, "label_en": False, "role": False, "task": False, "deadline": False,
              "final": False, "documents": False, "notify": False, "outcome": False, "evidence": False,
              "reminders": False}
TRANSITION_KEYS = {"event": True, "source": True, "target": True, "role": True, "label": False,
                   "guards": False, "actions": False, "requires": False, "notify": False}
DEADLINE_KEYS = {"at": False, "after": False, "fires": True}
REMINDER_KEYS = {"before": True, "notify": True}
TASK_KEYS = {"role": True, "title": True}
EVIDENCE_KEYS = {"section": True, "closes": True, "opens": False, "roles": False}
EVIDENCE_SECTIONS = ("evaluation", "catalogue")
EVIDENCE_ROLES = tuple(r for r in ROLES if r != "system")  # the scheduler uploads nothing
REQUIRED_FIELD_KEYS = {"field": True, "label": True, "kind": False}
FIELD_KINDS = ("text", "list")


def read_lifecycle(r: Reader, value) -> tuple[str | None, tuple[StateSpec, ...], tuple[TransitionSpec, ...]]:
    """``(initial, states, transitions)``; an unreadable part is None or empty and marked unread."""
    path = ("lifecycle",)
    lc = r.mapping(value, path, LIFECYCLE_KEYS)
    if lc is None:
        r.unread.update(("states", "transitions"))
        return None, (), ()
    initial = r.name(lc, "initial", path, what="id state")
    states = read_states(r, r.field(lc, "states", path), path + ("states",))
    transitions = read_transitions(r, r.field(lc, "transitions", path), path + ("transitions",))
    return initial, states, transitions


# -- states ----------------------------------------------------------------------------------------
def read_states(r: Reader, value, path: Path) -> tuple[StateSpec, ...]:
    data = r.section(value, path, "pemetaan id state ke keterangannya", dict, unread="states")
    if data is None:
        return ()
    # A state whose body cannot be read still exists, so that transitions to it are not reported too.
    return tuple(_state(r, sid, r.mapping(body, p, STATE_KEYS), p) for sid, body, p in r.entries(data, path))


def _state(r: Reader, sid: str, body: dict | None, p: Path) -> StateSpec:
    if body is None:
        return StateSpec(id=sid, label=None, final=None)
    deadline = _deadline(r, r.field(body, "deadline", p), p + ("deadline",))
    if deadline is None and "deadline" in body:
        r.unread.add("deadlines")  # so its reminders are not also reported as having no deadline
    return StateSpec(
        id=sid,
        label=r.text(body, "label", p),
        label_en=r.text(body, "label_en", p, ""),
        role=r.role(body, "role", p),
        task=_task(r, r.field(body, "task", p), p + ("task",)),
        deadline=deadline,
        final=r.boolean(body, "final", p, False),
        documents=r.names(body, "documents", p),
        notify=r.names(body, "notify", p),
        outcome=r.text(body, "outcome", p),
        evidence=_evidence_window(r, r.field(body, "evidence", p), p + ("evidence",)),
        reminders=_reminders(r, r.field(body, "reminders", p), p + ("reminders",)),
    )


def _task(r: Reader, value, path: Path) -> Task | None:
    d = r.mapping(value, path, TASK_KEYS)
    if d is None:
        return None
    return Task(role=r.role(d, "role", path), title=r.text(d, "title", path))


def _deadline(r: Reader, value, path: Path) -> Deadline | None:
    d = r.mapping(value, path, DEADLINE_KEYS)
    if d is None:
        return None
    at = r.name(d, "at", path, what="nama tanggal kalender")
    after = _duration(r, d, "after", path)
    fires = r.name(d, "fires", path, what="nama event")
    if ("at" in d) == ("after" in d):
        r.err(path, "isi tepat satu dari 'at' (nama tanggal kalender) atau 'after' (durasi, misal 14d)")
        return None
    return Deadline(fires=fires, at=at, after=after)


def _duration(r: Reader, d: dict, key: str, path: Path):
    """``d[key]`` as a positive timedelta (``14d``, ``36h``, ``90m``), else None."""
    value = r.field(d, key, path)
    if value is None:
        return None
    p = path + (key,)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        r.err(p, f"harus berupa durasi, misalnya 14d, bukan {r.kind(value, p, quote=False)}")
        return None
    try:
        duration = parse_duration(value)
    except ValueError as exc:
        r.err(p, str(exc))
        return None
    except OverflowError:
        r.err(p, f"durasi '{value}' terlalu panjang")
        return None
    if not duration:
        r.err(p, "durasi harus lebih dari 0")
        return None
    return duration


def _reminders(r: Reader, value, path: Path) -> tuple[Reminder, ...]:
    """One ``Reminder`` per element, in written order. An element that cannot be read is kept with
    None fields, so that the checks afterwards name each reminder by its position in the file."""
    data = r.section(value, path, "daftar pengingat {before, notify}", list)
    if data is None:
        return ()
    out = []
    for _, item, p in r.elements(data, path):
        d = r.mapping(item, p, REMINDER_KEYS) or {}
        out.append(Reminder(before=_duration(r, d, "before", p),
                            notify=r.name(d, "notify", p, what="id notifikasi")))
    return tuple(out)


def _evidence_window(r: Reader, value, path: Path) -> EvidenceWindow | None:
    d = r.mapping(value, path, EVIDENCE_KEYS)
    if d is None:
        return None
    section = r.text(d, "section", path, what="nama bagian")
    if section is not None and section not in EVIDENCE_SECTIONS:
        r.err(path + ("section",), "harus 'evaluation' (evaluation_catalogue) atau 'catalogue' (indikator)")
        section = None
    roles = r.roles(d, "roles", path, default=("operator",), allowed=EVIDENCE_ROLES,
                    empty="harus berisi paling sedikit satu peran yang boleh mengisi data dukung",
                    unknown="peran '{role}' tidak dapat mengisi data dukung (yang dapat: {allowed})")
    return EvidenceWindow(section=section, closes=r.name(d, "closes", path, what="nama tanggal kalender"),
                          roles=roles, opens=r.name(d, "opens", path, what="nama tanggal kalender"))


# -- transitions -----------------------------------------------------------------------------------
def read_transitions(r: Reader, value, path: Path) -> tuple[TransitionSpec, ...]:
    """One ``TransitionSpec`` per source state; ``index`` is the position in the list, for messages."""
    data = r.section(value, path, "daftar transisi", list, unread="transitions")
    if data is None:
        return ()
    out = []
    for i, body, p in r.elements(data, path):
        body = r.mapping(body, p, TRANSITION_KEYS)
        if body is None:
            r.unread.add("transitions")
            continue
        sources = r.names(body, "source", p, None, empty="harus berisi paling sedikit satu state asal")
        spec = dict(
            event=r.name(body, "event", p, what="nama event"),
            target=r.name(body, "target", p, what="id state"),
            roles=r.roles(body, "role", p, None, empty="harus berisi paling sedikit satu peran; tanpa peran "
                                                      "tidak ada yang dapat menjalankan transisi ini"),
            label=r.text(body, "label", p, ""),
            guards=r.names(body, "guards", p),
            actions=r.names(body, "actions", p),
            requires=_requires(r, body, p),
            notify=r.names(body, "notify", p),
        )
        if sources is None:
            r.unread.add("transitions")  # without its source the transition is not in the graph
            continue
        if len(set(sources)) < len(sources):
            r.err(p + ("source",), "state asal yang sama tertulis lebih dari sekali")
            sources = tuple(dict.fromkeys(sources))
        out.extend(TransitionSpec(source=source, index=i, **spec) for source in sources)
    return tuple(out)


def _requires(r: Reader, body: dict, p: Path) -> tuple[Field, ...]:
    """``requires``: a field name, ``{field, label, kind}``, or a list of either."""
    value = r.field(body, "requires", p)
    if value is None:
        return ()
    path = p + ("requires",)
    items = list(r.elements(value, path)) if isinstance(value, list) else [(0, value, path)]
    out, names = [], []
    for _, item, ip in items:
        if isinstance(item, dict):
            f = _required_field(r, item, ip)
            if f is not None:
                out.append(f)
                names.append((f.name, ip + ("field",)))
        elif isinstance(item, str) and item.strip():
            out.append(Field(item, item))
            names.append((item, ip))
        elif item is not None:
            r.err(ip, f"harus berupa nama isian atau {{field, label, kind}}, bukan {r.kind(item, ip)}")
    r.unique(names, "isian")
    return tuple(out)


def _required_field(r: Reader, item: dict, path: Path) -> Field | None:
    fm = r.mapping(item, path, REQUIRED_FIELD_KEYS)
    name, label = r.name(fm, "field", path, what="nama isian"), r.text(fm, "label", path)
    kind = r.text(fm, "kind", path, "text", what="jenis isian")
    if kind is not None and kind not in FIELD_KINDS:
        r.err(path + ("kind",), "harus 'text' atau 'list'")
        kind = None
    return Field(name, label, kind) if name and label and kind else None
