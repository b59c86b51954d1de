"""Semantic checks of a parsed definition: the lifecycle graph, handler names, calendar order,
catalogue ids and scoring. Each check yields ``(path, message)``; the loader adds file and line.
Pure."""

from __future__ import annotations

from collections import deque
from typing import Iterator

from .registry import Registry
from .spec import Definition

Problem = tuple[tuple, str]


def check_definition(d: Definition, registry: Registry) -> list[Problem]:
    problems: list[Problem] = []
    for check in (_graph, _deadlines, _handlers, _calendar, _catalogue, _scoring):
        problems.extend(check(d, registry))
    return problems


def _tpath(t, key: str) -> tuple:
    return ("lifecycle", "transitions", t.index, key)


def _graph(d: Definition, _r) -> Iterator[Problem]:
    ids = [s.id for s in d.states]
    if d.initial not in ids:
        yield ("lifecycle", "initial"), f"state awal '{d.initial}' tidak ada di lifecycle.states"
    for t in d.transitions:
        if t.source not in ids:
            yield _tpath(t, "source"), f"state asal tidak dikenal '{t.source}'"
        if t.target not in ids:
            yield _tpath(t, "target"), f"state tujuan tidak dikenal '{t.target}'"
        elif t.source in ids and d.state(t.source).final:
            yield _tpath(t, "source"), f"state '{t.source}' bersifat final dan tidak boleh punya transisi keluar"
    first: dict[tuple, object] = {}
    for t in d.transitions:
        other = first.setdefault((t.event, t.source), t)
        if other is not t and not (t.guards and other.guards):
            yield _tpath(t, "event"), (f"event '{t.event}' dari '{t.source}' sudah ada di transisi "
                                       f"[{other.index}]; cabang ganda memerlukan guards")
    if d.initial not in ids:
        return
    reachable = {d.initial}
    queue = deque([d.initial])
    while queue:
        s = queue.popleft()
        for t in d.transitions_from(s):
            if t.target in ids and t.target not in reachable:
                reachable.add(t.target)
                queue.append(t.target)
    for s in d.states:
        if s.id not in reachable:
            yield ("lifecycle", "states", s.id), f"state '{s.id}' tidak dapat dicapai dari state awal '{d.initial}'"
        if not s.final and not d.transitions_from(s.id):
            yield ("lifecycle", "states", s.id), f"state '{s.id}' bukan final tetapi tidak punya transisi keluar"
    if not any(s.final for s in d.states):
        yield ("lifecycle", "states"), "lifecycle harus punya paling sedikit satu state final"


def _deadlines(d: Definition, _r) -> Iterator[Problem]:
    calendar = dict(d.calendar)
    for s in d.states:
        dl = s.deadline
        if dl is None:
            continue
        p = ("lifecycle", "states", s.id, "deadline")
        if dl.at is not None and dl.at not in calendar:
            yield p + ("at",), f"tanggal kalender tidak dikenal '{dl.at}'"
        if dl.fires not in d.events_from(s.id):
            yield p + ("fires",), f"event '{dl.fires}' tidak punya transisi dari state '{s.id}'"
        elif not any("system" in t.roles for t in d.transitions_from(s.id) if t.event == dl.fires):
            yield p + ("fires",), f"transisi '{dl.fires}' dari '{s.id}' harus mengizinkan peran 'system'"
        if s.final:
            yield p, "state final tidak boleh punya tenggat"
    for s in d.states:
        w = s.evidence
        if w is None:
            continue
        p = ("lifecycle", "states", s.id, "evidence")
        for key in ("opens", "closes"):
            value = getattr(w, key)
            if value is not None and value not in calendar:
                yield p + (key,), f"tanggal kalender tidak dikenal '{value}'"
        if w.section == "evaluation" and not d.evaluation_catalogue:
            yield p + ("section",), "definisi tidak punya evaluation_catalogue"


def _handlers(d: Definition, r: Registry) -> Iterator[Problem]:
    docs = {x.id for x in d.documents}
    notes = {x.id for x in d.notifications}
    for t in d.transitions:
        for g in t.guards:
            if not r.has("guard", g):
                yield _tpath(t, "guards"), f"guard tidak terdaftar '{g}' (terdaftar: {', '.join(r.names('guard'))})"
        for a in t.actions:
            if not r.has("action", a):
                yield _tpath(t, "actions"), f"aksi tidak terdaftar '{a}' (terdaftar: {', '.join(r.names('action'))})"
        for n in t.notify:
            if n not in notes:
                yield _tpath(t, "notify"), f"notifikasi tidak dikenal '{n}' (tambahkan di bagian notifications)"
    for s in d.states:
        for doc in s.documents:
            if doc not in docs:
                yield ("lifecycle", "states", s.id, "documents"), f"dokumen tidak dikenal '{doc}'"
        for n in s.notify:
            if n not in notes:
                yield ("lifecycle", "states", s.id, "notify"), f"notifikasi tidak dikenal '{n}'"
    for doc in d.documents:
        if not r.has("document", doc.renderer):
            yield ("documents", doc.id, "renderer"), f"penyusun dokumen tidak terdaftar '{doc.renderer}'"
    for n in d.notifications:
        if not r.has("notification", n.channel):
            yield ("notifications", n.id, "channel"), f"kanal notifikasi tidak terdaftar '{n.channel}'"


def _calendar(d: Definition, _r) -> Iterator[Problem]:
    for (k1, v1), (k2, v2) in zip(d.calendar, d.calendar[1:]):
        if v2 < v1:
            yield ("calendar", k2), (f"tanggal tidak berurutan: '{k2}' ({v2:%Y-%m-%d %H:%M}) lebih awal dari "
                                     f"'{k1}' ({v1:%Y-%m-%d %H:%M}); tulis tanggal kalender secara kronologis")
    if not d.calendar:
        yield ("calendar",), "kalender tidak boleh kosong"


def _catalogue(d: Definition, _r) -> Iterator[Problem]:
    seen: dict[str, tuple] = {}
    sections = [("catalogue", ci, c.indicators) for ci, c in enumerate(d.catalogue)]
    sections.append(("evaluation_catalogue", None, d.evaluation_catalogue))
    for root, ci, indicators in sections:
        for ii, ind in enumerate(indicators):
            p = (root, ci, "indicators", ii, "id") if ci is not None else (root, ii, "id")
            if ind.id in seen:
                yield p, f"id indikator '{ind.id}' tertulis lebih dari sekali"
            seen[ind.id] = p
            items: dict[str, str] = {}
            for s in ind.evidence_sets:
                for item in s.items:
                    if item.id in items and items[item.id] != item.label:
                        yield p[:-1], f"data dukung '{item.id}' muncul dengan label berbeda"
                    items[item.id] = item.label
    scales = {s.id for s in d.scoring.scales}
    for ci, c in enumerate(d.catalogue):
        for ii, ind in enumerate(c.indicators):
            sc = ind.scale or d.scoring.default_scale
            if sc not in scales:
                yield ("catalogue", ci, "indicators", ii, "scale"), f"skala tidak dikenal '{sc}'"


def _scoring(d: Definition, _r) -> Iterator[Problem]:
    total = sum(c.weight for c in d.catalogue)
    if abs(total - 100) > 1e-9:
        yield ("catalogue",), f"jumlah bobot kriteria harus 100, sekarang {total:g}"
    if d.scoring.default_scale not in {s.id for s in d.scoring.scales}:
        yield ("scoring", "default_scale"), f"skala bawaan tidak dikenal '{d.scoring.default_scale}'"
