"""Semantic checks of a read definition: the lifecycle graph, deadlines, reminders and evidence
windows, handler names, calendar order and criterion weights. Each check yields ``(path, message)``;
the loader adds file and line.

The checks also run on a definition that has shape mistakes, so that all mistakes are reported at
once: a field that could not be read is None, and ``unread`` names the parts that could not be read
whole (``"states"``, ``"transitions"``, ``"calendar"``, ``"documents"``, ``"notifications"``,
``"catalogue"``, ``"evaluation_catalogue"``, and ``"deadlines"`` when some state's deadline could not
be read). A check that needs such a part is skipped rather than reporting a consequence of a mistake
already reported. Pure.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from typing import Iterator

from .deadlines import format_duration
from .registry import Registry
from .spec import Definition

Problem = tuple[tuple, str]


def check_definition(d: Definition, registry: Registry,
                     unread: frozenset[str] = frozenset()) -> list[Problem]:
    problems: list[Problem] = []
    for check in (_graph, _deadlines, _reminders, _evidence_windows, _handlers, _calendar, _weights):
        problems.extend(check(d, registry, unread))
    return problems


def _tpath(t, key: str) -> tuple:
    return ("lifecycle", "transitions", t.index, key)


def _graph(d: Definition, _r, unread) -> Iterator[Problem]:
    if "states" in unread:
        return
    ids = {s.id for s in d.states}
    if d.initial is not None and d.initial not in ids:
        yield ("lifecycle", "initial"), f"state awal '{d.initial}' tidak ada di lifecycle.states"
    for t in d.transitions:
        if t.source not in ids:
            yield _tpath(t, "source"), f"state asal tidak dikenal '{t.source}'"
        if t.target is not None and t.target not in ids:
            yield _tpath(t, "target"), f"state tujuan tidak dikenal '{t.target}'"
        elif t.source in ids and d.state(t.source).final:
            yield _tpath(t, "source"), (f"state '{t.source}' bersifat final dan tidak boleh punya "
                                        f"transisi keluar")
    yield from _branches(d)
    whole = "transitions" not in unread
    if whole and d.initial in ids and all(t.target is not None for t in d.transitions):
        yield from _unreachable(d, ids)
    for s in d.states:
        if whole and s.final is False and not d.transitions_from(s.id):
            yield ("lifecycle", "states", s.id), (f"state '{s.id}' bukan final tetapi tidak punya "
                                                  f"transisi keluar")
    if d.states and not any(s.final for s in d.states) and all(s.final is not None for s in d.states):
        yield ("lifecycle", "states"), "lifecycle harus punya paling sedikit satu state final"


def _branches(d: Definition) -> Iterator[Problem]:
    """The same event from the same state twice is a branch, and each branch needs guards."""
    first: dict[tuple, object] = {}
    for t in d.transitions:
        if t.event is None:
            continue
        other = first.setdefault((t.event, t.source), t)
        if other is t or t.guards is None or other.guards is None:
            continue
        if not (t.guards and other.guards):
            yield _tpath(t, "event"), (f"event '{t.event}' dari '{t.source}' sudah ada di transisi "
                                       f"[{other.index}]; cabang ganda memerlukan guards")


def _unreachable(d: Definition, ids: set[str]) -> Iterator[Problem]:
    reachable = {d.initial}
    queue = deque([d.initial])
    while queue:
        for t in d.transitions_from(queue.popleft()):
            if t.target in ids and t.target not in reachable:
                reachable.add(t.target)
                queue.append(t.target)
    for s in d.states:
        if s.id not in reachable:
            yield ("lifecycle", "states", s.id), (f"state '{s.id}' tidak dapat dicapai dari state awal "
                                                  f"'{d.initial}'")


def _deadlines(d: Definition, _r, unread) -> Iterator[Problem]:
    calendar = None if "calendar" in unread else dict(d.calendar)
    for s in d.states:
        dl = s.deadline
        if dl is None:
            continue
        p = ("lifecycle", "states", s.id, "deadline")
        if dl.at is not None and calendar is not None and dl.at not in calendar:
            yield p + ("at",), f"tanggal kalender tidak dikenal '{dl.at}'"
        if dl.fires is not None and "transitions" not in unread:
            yield from _fires(d, s.id, dl.fires, p + ("fires",))
        if s.final:
            yield p, "state final tidak boleh punya tenggat"


def _fires(d: Definition, state_id: str, event: str, path: tuple) -> Iterator[Problem]:
    """The deadline's event must leave the state, and the scheduler (role system) must be allowed it."""
    leaving = d.transitions_from(state_id)
    if any(t.event is None for t in leaving):
        return
    fired = [t for t in leaving if t.event == event]
    if not fired:
        yield path, f"event '{event}' tidak punya transisi dari state '{state_id}'"
    elif all(t.roles is not None for t in fired) and not any("system" in t.roles for t in fired):
        yield path, f"transisi '{event}' dari '{state_id}' harus mengizinkan peran 'system'"


def _reminders(d: Definition, _r, unread) -> Iterator[Problem]:
    """A reminder counts back from its state's deadline (once per offset: the workers key what they
    have sent by it) and sends a notification of the ``notifications`` section."""
    notes = None if "notifications" in unread else {n.id for n in d.notifications}
    for s in d.states:
        p = ("lifecycle", "states", s.id, "reminders")
        if s.reminders and s.deadline is None and "deadlines" not in unread:
            yield p, (f"state '{s.id}' tidak punya tenggat (deadline), padahal pengingat dihitung mundur "
                      f"dari tenggat")
        first: dict[timedelta, int] = {}
        for i, reminder in enumerate(s.reminders):
            if reminder.notify is not None and notes is not None and reminder.notify not in notes:
                yield p + (i, "notify"), (f"notifikasi tidak dikenal '{reminder.notify}' "
                                          f"(tambahkan di bagian notifications)")
            if reminder.before is None:
                continue
            j = first.setdefault(reminder.before, i)
            if j != i:
                yield p + (i, "before"), (f"pengingat {format_duration(reminder.before)} sebelum tenggat "
                                          f"sudah ada di reminders[{j}]")


def _evidence_windows(d: Definition, _r, unread) -> Iterator[Problem]:
    calendar = None if "calendar" in unread else dict(d.calendar)
    for s in d.states:
        w = s.evidence
        if w is None:
            continue
        p = ("lifecycle", "states", s.id, "evidence")
        if calendar is not None:
            for key in ("opens", "closes"):
                value = getattr(w, key)
                if value is not None and value not in calendar:
                    yield p + (key,), f"tanggal kalender tidak dikenal '{value}'"
            opens, closes = calendar.get(w.opens), calendar.get(w.closes)
            if opens is not None and closes is not None and opens >= closes:
                yield p + ("opens",), (f"jendela dibuka ('{w.opens}') tidak lebih awal dari saat ditutup "
                                       f"('{w.closes}')")
        if w.section == "evaluation" and not d.evaluation_catalogue and "evaluation_catalogue" not in unread:
            yield p + ("section",), "definisi tidak punya evaluation_catalogue"


def _handlers(d: Definition, r: Registry, unread) -> Iterator[Problem]:
    docs = None if "documents" in unread else {x.id for x in d.documents}
    notes = None if "notifications" in unread else {x.id for x in d.notifications}
    guards, actions = ", ".join(r.names("guard")), ", ".join(r.names("action"))
    for t in d.transitions:
        for g in t.guards or ():
            if not r.has("guard", g):
                yield _tpath(t, "guards"), f"guard tidak terdaftar '{g}' (terdaftar: {guards})"
        for a in t.actions or ():
            if not r.has("action", a):
                yield _tpath(t, "actions"), f"aksi tidak terdaftar '{a}' (terdaftar: {actions})"
        for n in t.notify or ():
            if notes is not None and n not in notes:
                yield _tpath(t, "notify"), (f"notifikasi tidak dikenal '{n}' "
                                            f"(tambahkan di bagian notifications)")
    for s in d.states:
        for doc in s.documents or ():
            if docs is not None and doc not in docs:
                yield ("lifecycle", "states", s.id, "documents"), f"dokumen tidak dikenal '{doc}'"
        for n in s.notify or ():
            if notes is not None and n not in notes:
                yield ("lifecycle", "states", s.id, "notify"), f"notifikasi tidak dikenal '{n}'"
    for doc in d.documents:
        if doc.renderer is not None and not r.has("document", doc.renderer):
            yield ("documents", doc.id, "renderer"), f"penyusun dokumen tidak terdaftar '{doc.renderer}'"
    for n in d.notifications:
        if n.channel is not None and not r.has("notification", n.channel):
            yield ("notifications", n.id, "channel"), f"kanal notifikasi tidak terdaftar '{n.channel}'"


def _calendar(d: Definition, _r, _unread) -> Iterator[Problem]:
    dates = [(k, v) for k, v in d.calendar if v is not None]
    for (k1, v1), (k2, v2) in zip(dates, dates[1:], strict=False):
        if v2 < v1:
            yield ("calendar", k2), (f"tanggal tidak berurutan: '{k2}' ({v2:%Y-%m-%d %H:%M}) lebih awal dari "
                                     f"'{k1}' ({v1:%Y-%m-%d %H:%M}); "
                                     f"tulis tanggal kalender secara kronologis")


def _weights(d: Definition, _r, unread) -> Iterator[Problem]:
    if "catalogue" in unread or not d.catalogue or any(c.weight is None for c in d.catalogue):
        return
    total = sum(c.weight for c in d.catalogue)
    if abs(total - 100) > 1e-9:
        yield ("catalogue",), f"jumlah bobot kriteria harus 100, sekarang {total:g}"
