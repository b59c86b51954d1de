"""What changed between two definitions: identity, calendar, states, transitions, catalogue, scoring,
documents and notifications, each change with a one-line summary in Indonesian; plus a unified diff
of the YAML texts. Pure: only the standard library and ``workflow.spec``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta

from .deadlines import JAKARTA, format_duration
from .spec import Definition, Indicator

SECTIONS = {  # section -> (noun used in the summary, name of the section for headings)
    "identity": ("", "Identitas"), "calendar": ("Tanggal", "Kalender"), "state": ("State", "State"),
    "transition": ("Transisi", "Transisi"), "criterion": ("Kriteria", "Kriteria"),
    "indicator": ("Indikator", "Indikator"), "evaluation": ("Indikator evaluasi", "Indikator evaluasi"),
    "scoring": ("Penilaian", "Penilaian"), "document": ("Dokumen", "Dokumen"),
    "notification": ("Notifikasi", "Notifikasi"),
}
FIELD_NAMES = {
    "id": "id definisi", "year": "tahun", "title": "judul", "regulation": "regulasi", "label": "label",
    "label_en": "label (en)", "role": "peran", "task": "tugas", "deadline": "tenggat", "final": "final",
    "documents": "dokumen", "notify": "notifikasi", "outcome": "hasil", "evidence": "jendela data dukung",
    "reminders": "pengingat", "target": "tujuan", "roles": "peran", "guards": "guard", "actions": "aksi",
    "requires": "isian wajib", "weight": "bobot", "scale": "skala", "criterion": "kriteria",
    "evidence_sets": "susunan set data dukung", "items": "data dukung", "pass_threshold": "ambang kelulusan",
    "predicate": "predikat", "default_scale": "skala bawaan", "assessors": "jumlah penilai",
    "combine": "cara menggabungkan nilai", "scales": "skala", "renderer": "penyusun", "template": "templat",
    "channel": "kanal", "recipients": "penerima", "subject": "subjek", "initial": "state awal",
}
_ADDED, _REMOVED, _CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class FieldChange:
    """``field`` went from ``old`` to ``new`` (both as shown to people); ``text`` overrides the wording."""

    field: str
    old: str
    new: str
    text: str = ""

    def __str__(self) -> str:
        return self.text or f"{FIELD_NAMES.get(self.field, self.field)} {self.old} → {self.new}"


@dataclass(frozen=True)
class Change:
    """One thing added, removed or changed; ``parent`` names its criterion for indicators."""

    section: str
    kind: str  # added | removed | changed
    key: str
    fields: tuple[FieldChange, ...] = ()
    parent: str = ""
    value: str = ""  # for calendar dates and identity: the value added or removed

    @property
    def summary(self) -> str:
        noun = SECTIONS[self.section][0]
        if self.section == "identity":
            return "Identitas diubah: " + "; ".join(str(f) for f in self.fields)
        if self.section == "scoring":
            return "Aturan penilaian diubah: " + "; ".join(str(f) for f in self.fields)
        if self.section == "calendar":
            if self.kind == _CHANGED:
                return f"Tanggal '{self.key}' diubah: {self.fields[0].old} → {self.fields[0].new}"
            return f"Tanggal '{self.key}' {_said(self.kind)}: {self.value}"
        where = f" {'ke' if self.kind == _ADDED else 'dari'} kriteria '{self.parent}'" if self.parent else ""
        if self.kind != _CHANGED:
            return f"{noun} '{self.key}' {_said(self.kind)}{where}"
        return f"{noun} '{self.key}' diubah: " + "; ".join(str(f) for f in self.fields)


def _said(kind: str) -> str:
    return {"added": "ditambahkan", "removed": "dihapus", "changed": "diubah"}[kind]


@dataclass(frozen=True)
class DefinitionDiff:
    identity: tuple[Change, ...] = ()
    calendar: tuple[Change, ...] = ()
    states: tuple[Change, ...] = ()
    transitions: tuple[Change, ...] = ()
    criteria: tuple[Change, ...] = ()
    indicators: tuple[Change, ...] = ()
    evaluation: tuple[Change, ...] = ()
    scoring: tuple[Change, ...] = ()
    documents: tuple[Change, ...] = ()
    notifications: tuple[Change, ...] = ()

    @property
    def changes(self) -> tuple[Change, ...]:
        return (self.identity + self.calendar + self.states + self.transitions + self.criteria
                + self.indicators + self.evaluation + self.scoring + self.documents + self.notifications)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def summary(self) -> list[str]:
        """One Indonesian line per change, in the order of the sections above."""
        return [c.summary for c in self.changes] or ["Tidak ada perubahan isi definisi."]


# -- rendering values ----------------------------------------------------------------------------
def _show(value) -> str:
    if value is None or value == ():
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime):
        return show_date(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v).strip("'") for v in value) + "]"
    name = type(value).__name__
    if name == "Deadline":
        when = f"pada '{value.at}'" if value.at else f"{format_duration(value.after)} setelah masuk"
        return f"{when} ({value.fires})"
    if name == "Task":
        return f"{value.role}: {value.title}"
    if name == "EvidenceWindow":
        opens = f"buka '{value.opens}', " if value.opens else ""
        return f"{value.section} ({opens}tutup '{value.closes}', {', '.join(value.roles)})"
    if name == "Reminder":
        return f"{format_duration(value.before)} sebelum ({value.notify})"
    if name == "Field":
        return f"{value.name} ({value.kind})"
    if name == "EvidenceSet":
        return "{" + ", ".join(i.id for i in value.items) + "}"
    if name == "Scale":
        return value.id + "(" + ", ".join(f"{o.id}={o.value:g}" for o in value.options) + ")"
    return str(value)


def show_date(moment: datetime) -> str:
    """``2024-09-30`` or ``2024-09-30 23:59`` (WIB): the time only when it is not midnight."""
    local = moment.astimezone(JAKARTA)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{local:%Y-%m-%d}"
    return f"{local:%Y-%m-%d %H:%M:%S}" if local.second else f"{local:%Y-%m-%d %H:%M}"


def _fields(old, new, names) -> tuple[FieldChange, ...]:
    out = []
    for n in names:
        a, b = getattr(old, n), getattr(new, n)
        if a != b:
            out.append(FieldChange(n, _show(a), _show(b)))
    return tuple(out)


def _by_id(section, old: dict, new: dict, names, parents=None, extra=None) -> tuple[Change, ...]:
    """Changes between two ``id -> object`` maps, in the new order, then the removed ones."""
    parents = parents or {}
    out = []
    for key, obj in new.items():
        if key not in old:
            out.append(Change(section, _ADDED, key, parent=parents.get(key, ("", ""))[1]))
        else:
            fields = _fields(old[key], obj, names) + (extra(old[key], obj) if extra else ())
            if key in parents and parents[key][0] != parents[key][1]:
                fields = (FieldChange("criterion", f"'{parents[key][0]}'", f"'{parents[key][1]}'"),) + fields
            if fields:
                out.append(Change(section, _CHANGED, key, fields))
    out += [Change(section, _REMOVED, key, parent=parents.get(key, ("", ""))[0])
            for key in old if key not in new]
    return tuple(out)


# -- sections ------------------------------------------------------------------------------------
STATE_FIELDS = ("label", "label_en", "role", "task", "deadline", "final", "outcome", "documents", "notify",
                "evidence", "reminders")
TRANSITION_FIELDS = ("target", "roles", "label", "guards", "actions", "requires", "notify")
INDICATOR_FIELDS = ("title", "scale")
ITEM_FIELDS = {"label": "label", "types": "jenis berkas", "max_bytes": "ukuran maksimal (bita)"}


def _identity(old: Definition, new: Definition) -> tuple[Change, ...]:
    fields = _fields(old, new, ("id", "year", "title", "regulation", "initial"))
    return (Change("identity", _CHANGED, "definisi", fields),) if fields else ()


def _calendar(old: Definition, new: Definition) -> tuple[Change, ...]:
    a, b = dict(old.calendar), dict(new.calendar)
    out = []
    for key, when in new.calendar:
        if key not in a:
            out.append(Change("calendar", _ADDED, key, value=_show(when)))
        elif a[key] != when:
            out.append(Change("calendar", _CHANGED, key, (FieldChange("date", _show(a[key]), _show(when)),)))
    out += [Change("calendar", _REMOVED, key, value=_show(when))
            for key, when in old.calendar if key not in b]
    return tuple(out)


def _transitions(old: Definition, new: Definition) -> tuple[Change, ...]:
    """Keyed by (event, source); where one event leaves a state towards several targets (guarded
    branches), those with the same target are paired first."""
    left = list(old.transitions)
    pairs, added = [], []
    for t in new.transitions:
        same = (t.event, t.source, t.target)
        match = next((o for o in left if (o.event, o.source, o.target) == same), None)
        if match is not None:
            left.remove(match)
            pairs.append((match, t))
        else:
            added.append(t)
    for t in list(added):
        match = next((o for o in left if (o.event, o.source) == (t.event, t.source)), None)
        if match is not None:
            left.remove(match)
            added.remove(t)
            pairs.append((match, t))
    name = lambda t: f"{t.event} dari {t.source}"  # noqa: E731
    out = [Change("transition", _ADDED, f"{name(t)} ke {t.target}") for t in added]
    for o, t in sorted(pairs, key=lambda p: p[1].index):
        fields = _fields(o, t, TRANSITION_FIELDS)
        if fields:
            out.append(Change("transition", _CHANGED, name(t), fields))
    out += [Change("transition", _REMOVED, f"{name(t)} ke {t.target}") for t in left]
    return tuple(out)


def _evidence(old: Indicator, new: Indicator) -> tuple[FieldChange, ...]:
    a = {i.id: i for i in old.items}
    b = {i.id: i for i in new.items}
    out = []
    added, removed = tuple(k for k in b if k not in a), tuple(k for k in a if k not in b)
    if added:
        out.append(FieldChange("items", "-", _show(added), f"data dukung ditambahkan: {', '.join(added)}"))
    if removed:
        out.append(FieldChange("items", _show(removed), "-", f"data dukung dihapus: {', '.join(removed)}"))
    for k in b:
        if k in a and a[k] != b[k]:
            for f in _fields(a[k], b[k], tuple(ITEM_FIELDS)):
                what = ITEM_FIELDS[f.field]
                out.append(FieldChange("items", f.old, f.new, f"{what} data dukung '{k}' {f.old} → {f.new}"))
    shape = lambda ind: tuple(tuple(i.id for i in s.items) for s in ind.evidence_sets)  # noqa: E731
    if shape(old) != shape(new) and (len(old.evidence_sets) > 1 or len(new.evidence_sets) > 1):
        out.append(FieldChange("evidence_sets", _show(old.evidence_sets), _show(new.evidence_sets)))
    labels = lambda ind: tuple(s.label for s in ind.evidence_sets)  # noqa: E731
    if shape(old) == shape(new) and labels(old) != labels(new):
        out.append(FieldChange("evidence_sets", _show(labels(old)), _show(labels(new))))
    return tuple(out)


def _indicators(section, old: tuple, new: tuple, old_parent: dict, new_parent: dict) -> tuple[Change, ...]:
    a, b = {i.id: i for i in old}, {i.id: i for i in new}
    parents = {k: (old_parent.get(k, ""), new_parent.get(k, "")) for k in a.keys() | b.keys()}
    return _by_id(section, a, b, INDICATOR_FIELDS, parents, extra=_evidence)


def _scoring(old: Definition, new: Definition) -> tuple[Change, ...]:
    fields = _fields(old.scoring, new.scoring, ("pass_threshold", "predicate", "default_scale", "assessors",
                                                 "combine", "scales"))
    return (Change("scoring", _CHANGED, "penilaian", fields),) if fields else ()


def diff(old: Definition, new: Definition) -> DefinitionDiff:
    """Everything that differs between ``old`` and ``new`` (an unchanged pair gives an empty diff)."""
    parent_old = {i.id: c.id for c in old.catalogue for i in c.indicators}
    parent_new = {i.id: c.id for c in new.catalogue for i in c.indicators}
    return DefinitionDiff(
        identity=_identity(old, new),
        calendar=_calendar(old, new),
        states=_by_id("state", {s.id: s for s in old.states}, {s.id: s for s in new.states}, STATE_FIELDS),
        transitions=_transitions(old, new),
        criteria=_by_id("criterion", {c.id: c for c in old.catalogue}, {c.id: c for c in new.catalogue},
                        ("title", "weight", "scale")),
        indicators=_indicators("indicator", old.indicators(), new.indicators(), parent_old, parent_new),
        evaluation=_indicators("evaluation", old.evaluation_catalogue, new.evaluation_catalogue, {}, {}),
        scoring=_scoring(old, new),
        documents=_by_id("document", {d.id: d for d in old.documents}, {d.id: d for d in new.documents},
                         ("title", "renderer", "template")),
        notifications=_by_id("notification", {n.id: n for n in old.notifications},
                             {n.id: n for n in new.notifications}, ("channel", "recipients", "subject",
                                                                     "template")),
    )


def text_diff(old_text: str, new_text: str, old_name: str, new_name: str, context: int = 3) -> str:
    """A unified diff of the two YAML texts ('' when they are equal)."""
    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        return out

    return "".join(difflib.unified_diff(lines(old_text), lines(new_text), old_name, new_name, n=context))
