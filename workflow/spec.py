"""The definition model: frozen dataclasses parsed from one YAML file per evaluation year.

A ``Definition`` is immutable and identified by the sha256 of its source text (``content_hash``);
running cases are pinned to that hash. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

ROLES = ("admin", "operator", "verifikator", "penilai", "system")
ROLE_LABELS = {
    "admin": "Admin",
    "operator": "Operator Unit Kerja",
    "verifikator": "Verifikator",
    "penilai": "Penilai",
    "system": "Sistem (penjadwal)",
}
DEFAULT_FILE_TYPES = ("pdf", "jpg", "jpeg", "png")
DEFAULT_MAX_BYTES = 3 * 1024 * 1024


@dataclass(frozen=True)
class Deadline:
    """When a state's deadline falls: a calendar date (``at``) or a duration after entry (``after``)."""

    fires: str
    at: str | None = None
    after: timedelta | None = None


@dataclass(frozen=True)
class Reminder:
    """Tell ``notify`` (a notification id) ``before`` the state's deadline, if the case is still there."""

    before: timedelta
    notify: str


@dataclass(frozen=True)
class Task:
    role: str
    title: str


@dataclass(frozen=True)
class EvidenceWindow:
    """While a case is in the state, ``roles`` may enter evidence for ``section`` (``evaluation``:
    the evaluation_catalogue; ``catalogue``: the indicators) until the calendar date ``closes``."""

    section: str
    closes: str
    roles: tuple[str, ...] = ("operator",)
    opens: str | None = None


@dataclass(frozen=True)
class StateSpec:
    id: str
    label: str
    label_en: str = ""
    role: str | None = None
    task: Task | None = None
    deadline: Deadline | None = None
    final: bool = False
    documents: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    outcome: str | None = None  # e.g. "passed"/"failed" on final states
    evidence: EvidenceWindow | None = None
    reminders: tuple[Reminder, ...] = ()  # read by the workers (workflow/jobs/reminders.py)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | list


@dataclass(frozen=True)
class TransitionSpec:
    event: str
    source: str
    target: str
    roles: tuple[str, ...]
    label: str = ""
    guards: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    requires: tuple[Field, ...] = ()
    notify: tuple[str, ...] = ()
    index: int = field(default=-1, compare=False)  # position in lifecycle.transitions, for messages


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    label: str
    types: tuple[str, ...] = DEFAULT_FILE_TYPES
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class EvidenceSet:
    label: str
    items: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    evidence_sets: tuple[EvidenceSet, ...]
    scale: str | None = None

    @property
    def items(self) -> tuple[EvidenceItem, ...]:
        """Every evidence item of every alternative set, each once."""
        seen: dict[str, EvidenceItem] = {}
        for s in self.evidence_sets:
            for item in s.items:
                seen.setdefault(item.id, item)
        return tuple(seen.values())


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    weight: float
    indicators: tuple[Indicator, ...]
    scale: str | None = None


@dataclass(frozen=True)
class ScaleOption:
    id: str
    label: str
    value: float


@dataclass(frozen=True)
class Scale:
    id: str
    label: str
    options: tuple[ScaleOption, ...]

    def value_of(self, option_id: str) -> float:
        for o in self.options:
            if o.id == option_id:
                return o.value
        raise KeyError(option_id)


@dataclass(frozen=True)
class Scoring:
    scales: tuple[Scale, ...]
    default_scale: str
    pass_threshold: float
    predicate: str
    assessors: int = 1
    combine: str = "average"

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)


@dataclass(frozen=True)
class DocumentSpec:
    id: str
    title: str
    renderer: str
    template: str = ""


@dataclass(frozen=True)
class NotificationSpec:
    id: str
    channel: str
    recipients: tuple[str, ...]
    template: str = ""
    subject: str = ""


@dataclass(frozen=True)
class Definition:
    id: str
    year: int
    title: str
    regulation: str
    timezone: str
    calendar: tuple[tuple[str, datetime], ...]  # ordered, timezone-aware
    initial: str
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    catalogue: tuple[Criterion, ...]
    scoring: Scoring
    documents: tuple[DocumentSpec, ...] = ()
    notifications: tuple[NotificationSpec, ...] = ()
    evaluation_catalogue: tuple[Indicator, ...] = ()
    source_name: str = ""
    content_hash: str = ""
    _index: dict = field(default_factory=dict, init=False, compare=False, repr=False, hash=False)

    def __post_init__(self):
        self._index["states"] = {s.id: s for s in self.states}
        self._index["calendar"] = dict(self.calendar)
        self._index["indicator_list"] = tuple(i for c in self.catalogue for i in c.indicators)
        by_id: dict = {}
        for i in self._index["indicator_list"]:
            by_id.setdefault(i.id, i)
        self._index["indicators"] = by_id
        self._index["transitions"] = {}

    def state(self, state_id: str) -> StateSpec:
        return self._index["states"][state_id]

    def has_state(self, state_id: str) -> bool:
        return state_id in self._index["states"]

    def date(self, key: str) -> datetime:
        return self._index["calendar"][key]

    def transitions_from(self, state_id: str) -> tuple[TransitionSpec, ...]:
        found = self._index["transitions"].get(state_id)
        if found is None:
            found = self._index["transitions"][state_id] = tuple(t for t in self.transitions
                                                                  if t.source == state_id)
        return found

    def events_from(self, state_id: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.event for t in self.transitions_from(state_id)))

    def indicators(self) -> tuple[Indicator, ...]:
        return self._index["indicator_list"]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._index["indicators"][indicator_id]

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]
