"""Load a definition file into a ``Definition``, reporting every problem at once.

``load_text(text, name, registry)`` parses, checks the shape of every section (unknown keys,
missing keys, wrong types, duplicate ids), builds the frozen model and then runs the semantic
checks of ``workflow.validate``. Any problem raises ``DefinitionError`` listing them all, each with
file, line and key path. Pure.
"""

from __future__ import annotations

import hashlib
from pathlib import Path as FsPath

from .deadlines import JAKARTA, parse_duration, parse_local
from .errors import DefinitionError, DefinitionIssue
from .registry import Registry
from .spec import (
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_BYTES,
    ROLES,
    Criterion,
    Deadline,
    Definition,
    DocumentSpec,
    EvidenceItem,
    EvidenceSet,
    EvidenceWindow,
    Field,
    Indicator,
    NotificationSpec,
    Scale,
    ScaleOption,
    Scoring,
    StateSpec,
    Task,
    TransitionSpec,
)
from .validate import check_definition
from .yamlsrc import Source, format_path, parse

TOP_KEYS = {
    "id": True, "year": True, "title": True, "regulation": True, "timezone": False, "calendar": True,
    "lifecycle": True, "catalogue": True, "scoring": True, "documents": False, "notifications": False,
    "evidence_defaults": False, "evaluation_catalogue": False, "description": False,
}


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_file(path: str | FsPath, registry: Registry) -> Definition:
    p = FsPath(path)
    return load_text(p.read_text(encoding="utf-8"), str(path), registry)


def load_text(text: str, name: str, registry: Registry) -> Definition:
    """Parse and validate; raise ``DefinitionError`` with every problem found."""
    src = parse(text, name)
    reader = _Reader(src)
    for line, path, msg in src.problems:
        reader.issues.append(DefinitionIssue(name, line, format_path(path), msg))
    definition = None
    if src.data is not None:
        definition = reader.definition(src.data, content_hash(text))
        if definition is not None and not reader.issues:
            for path, msg in check_definition(definition, registry):
                reader.err(path, msg)
    if reader.issues or definition is None:
        raise DefinitionError(sorted(reader.issues, key=lambda i: (i.line or 0, i.path)))
    return definition


class _Reader:
    """Walks the parsed data; every ``err`` records an issue and reading goes on."""

    def __init__(self, src: Source):
        self.src = src
        self.issues: list[DefinitionIssue] = []
        self.defaults_types = DEFAULT_FILE_TYPES
        self.defaults_max = DEFAULT_MAX_BYTES
        self.tz = JAKARTA

    def err(self, path, msg: str) -> None:
        path = tuple(path)
        self.issues.append(DefinitionIssue(self.src.name, self.src.line(path), format_path(path), msg))

    # -- shape helpers -------------------------------------------------------------------------
    def mapping(self, value, path, keys: dict[str, bool]) -> dict | None:
        """Check ``value`` is a mapping with only ``keys`` (True = required)."""
        if not isinstance(value, dict):
            self.err(path, "harus berupa pemetaan (key: value)")
            return None
        for k in value:
            if k not in keys:
                self.err(path + (k,), f"kunci tidak dikenal '{k}' (yang dikenal: {', '.join(keys)})")
        for k, required in keys.items():
            if required and k not in value:
                self.err(path, f"kunci wajib '{k}' tidak ada")
        return value

    def text(self, data: dict, key: str, path, default: str | None = "") -> str | None:
        if key not in data:
            return default
        v = data[key]
        if not isinstance(v, (str, int, float)) or isinstance(v, bool) or str(v).strip() == "":
            self.err(path + (key,), "harus berupa teks yang tidak kosong")
            return default
        return str(v)

    def number(self, data: dict, key: str, path, default=None):
        v = data.get(key, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            if key in data:
                self.err(path + (key,), "harus berupa angka")
            return default
        return v

    def names(self, data: dict, key: str, path) -> tuple[str, ...]:
        """A name or a list of names."""
        v = data.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            self.err(path + (key,), "harus berupa nama atau daftar nama")
            return ()
        return tuple(v)

    def list_of(self, data: dict, key: str, path, required: bool = True) -> list:
        v = data.get(key)
        if v is None:
            return []
        if not isinstance(v, list) or (required and not v):
            self.err(path + (key,), "harus berupa daftar yang tidak kosong")
            return []
        return v

    def unique(self, ids: list[tuple[str, tuple]], what: str) -> None:
        seen: set[str] = set()
        for ident, path in ids:
            if ident in seen:
                self.err(path, f"{what} '{ident}' tertulis lebih dari sekali")
            seen.add(ident)

    # -- sections ------------------------------------------------------------------------------
    def definition(self, data, digest: str) -> Definition | None:
        top = self.mapping(data, (), TOP_KEYS)
        if top is None:
            return None
        self.evidence_defaults(top.get("evidence_defaults"))
        year = top.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            if "year" in top:
                self.err(("year",), "harus berupa tahun, misalnya 2024")
            year = 0
        if top.get("timezone", "Asia/Jakarta") != "Asia/Jakarta":
            self.err(("timezone",), "hanya 'Asia/Jakarta' yang didukung")
        calendar = self.calendar(top.get("calendar"), ("calendar",))
        lifecycle = self.mapping(top.get("lifecycle"), ("lifecycle",),
                                 {"initial": True, "states": True, "transitions": True}) or {}
        states = self.states(lifecycle.get("states"), ("lifecycle", "states"))
        transitions = self.transitions(lifecycle.get("transitions"), ("lifecycle", "transitions"))
        catalogue = self.catalogue(top.get("catalogue"), ("catalogue",))
        evaluation = self.indicators(top["evaluation_catalogue"], ("evaluation_catalogue",), None) \
            if "evaluation_catalogue" in top else ()
        scoring = self.scoring(top.get("scoring"), ("scoring",))
        documents = self.documents(top.get("documents", {}), ("documents",))
        notifications = self.notifications(top.get("notifications", {}), ("notifications",))
        initial = lifecycle.get("initial")
        if "initial" in lifecycle and not isinstance(initial, str):
            self.err(("lifecycle", "initial"), "harus berupa id state")
        if self.issues or scoring is None:
            return None
        return Definition(
            id=str(top["id"]), year=year, title=str(top["title"]), regulation=str(top["regulation"]),
            timezone="Asia/Jakarta", calendar=calendar, initial=initial or "", states=states,
            transitions=transitions, catalogue=catalogue, scoring=scoring, documents=documents,
            notifications=notifications, evaluation_catalogue=evaluation, source_name=self.src.name,
            content_hash=digest,
        )

    def evidence_defaults(self, data) -> None:
        if data is None:
            return
        d = self.mapping(data, ("evidence_defaults",), {"types": False, "max_mb": False}) or {}
        if "types" in d:
            self.defaults_types = self.file_types(d["types"], ("evidence_defaults", "types"))
        if "max_mb" in d:
            self.defaults_max = self.max_bytes(d["max_mb"], ("evidence_defaults", "max_mb"))

    def file_types(self, value, path) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
            self.err(path, "harus berupa daftar jenis berkas, misalnya [pdf, jpg, jpeg, png]")
            return self.defaults_types
        bad = [t for t in value if t.lower() not in DEFAULT_FILE_TYPES]
        if bad:
            self.err(path, f"jenis berkas tidak didukung: {', '.join(bad)} "
                           f"(yang didukung: {', '.join(DEFAULT_FILE_TYPES)})")
        return tuple(t.lower() for t in value)

    def max_bytes(self, value, path) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3:
            self.err(path, "ukuran maksimum harus angka lebih dari 0 dan paling besar 3 (MB)")
            return self.defaults_max
        return int(value * 1024 * 1024)

    def calendar(self, data, path) -> tuple:
        if not isinstance(data, dict) or not data:
            if data is not None:
                self.err(path, "harus berupa pemetaan nama tanggal ke tanggal")
            return ()
        out = []
        for key, value in data.items():
            try:
                out.append((key, parse_local(value, self.tz)))
            except ValueError as exc:
                self.err(path + (key,), str(exc))
        return tuple(out)

    def states(self, data, path) -> tuple[StateSpec, ...]:
        if not isinstance(data, dict) or not data:
            if data is not None:
                self.err(path, "harus berupa pemetaan id state ke keterangannya")
            return ()
        keys = {"label": True, "label_en": False, "role": False, "task": False, "deadline": False,
                "final": False, "documents": False, "notify": False, "outcome": False,
                "evidence": False}
        out = []
        for sid, body in data.items():
            p = path + (sid,)
            body = self.mapping(body, p, keys)
            if body is None:
                continue
            role = body.get("role")
            if role is not None and role not in ROLES:
                self.err(p + ("role",), f"peran '{role}' tidak dikenal (yang dikenal: {', '.join(ROLES)})")
            final = body.get("final", False)
            if not isinstance(final, bool):
                self.err(p + ("final",), "harus true atau false")
            out.append(StateSpec(
                id=sid, label=self.text(body, "label", p), label_en=self.text(body, "label_en", p) or "",
                role=role, task=self.task(body.get("task"), p + ("task",)),
                deadline=self.deadline(body.get("deadline"), p + ("deadline",)), final=final is True,
                documents=self.names(body, "documents", p), notify=self.names(body, "notify", p),
                outcome=self.text(body, "outcome", p, None),
                evidence=self.evidence_window(body.get("evidence"), p + ("evidence",)),
            ))
        return tuple(out)

    def evidence_window(self, data, path) -> EvidenceWindow | None:
        if data is None:
            return None
        d = self.mapping(data, path, {"section": True, "closes": True, "opens": False, "roles": False})
        if not d:
            return None
        if d.get("section") not in ("evaluation", "catalogue"):
            self.err(path + ("section",), "harus 'evaluation' (evaluation_catalogue) atau 'catalogue' (indikator)")
        roles = self.names(d, "roles", path) or ("operator",)
        for r in roles:
            if r not in ROLES or r == "system":
                self.err(path + ("roles",), f"peran '{r}' tidak dapat mengisi data dukung")
        return EvidenceWindow(section=str(d.get("section")), closes=str(d.get("closes")), roles=roles,
                              opens=d.get("opens"))

    def task(self, data, path) -> Task | None:
        if data is None:
            return None
        d = self.mapping(data, path, {"role": True, "title": True})
        if not d:
            return None
        if d.get("role") not in ROLES:
            self.err(path + ("role",), f"peran '{d.get('role')}' tidak dikenal")
        return Task(role=str(d.get("role")), title=self.text(d, "title", path))

    def deadline(self, data, path) -> Deadline | None:
        if data is None:
            return None
        d = self.mapping(data, path, {"at": False, "after": False, "fires": True})
        if not d:
            return None
        if ("at" in d) == ("after" in d):
            self.err(path, "isi tepat satu dari 'at' (nama tanggal kalender) atau 'after' (durasi, misal 14d)")
            return None
        after = None
        if "after" in d:
            try:
                after = parse_duration(d["after"])
            except ValueError as exc:
                self.err(path + ("after",), str(exc))
        return Deadline(fires=str(d.get("fires")), at=d.get("at"), after=after)

    def transitions(self, data, path) -> tuple[TransitionSpec, ...]:
        if not isinstance(data, list) or not data:
            if data is not None:
                self.err(path, "harus berupa daftar transisi yang tidak kosong")
            return ()
        keys = {"event": True, "source": True, "target": True, "role": True, "label": False,
                "guards": False, "actions": False, "requires": False, "notify": False}
        out = []
        for i, body in enumerate(data):
            p = path + (i,)
            body = self.mapping(body, p, keys)
            if body is None:
                continue
            roles = self.names(body, "role", p)
            for r in roles:
                if r not in ROLES:
                    self.err(p + ("role",), f"peran '{r}' tidak dikenal (yang dikenal: {', '.join(ROLES)})")
            requires = []
            for j, f in enumerate(body.get("requires", []) or []):
                if isinstance(f, str):
                    requires.append(Field(f, f))
                elif isinstance(f, dict):
                    fm = self.mapping(f, p + ("requires", j), {"field": True, "label": True, "kind": False})
                    if fm and fm.get("kind", "text") not in ("text", "list"):
                        self.err(p + ("requires", j, "kind"), "harus 'text' atau 'list'")
                    if fm and "field" in fm and "label" in fm:
                        requires.append(Field(str(fm["field"]), str(fm["label"]), fm.get("kind", "text")))
                else:
                    self.err(p + ("requires", j), "harus berupa nama kolom atau {field, label}")
            for source in self.names(body, "source", p):
                out.append(TransitionSpec(
                    event=self.text(body, "event", p), source=source, target=str(body.get("target", "")),
                    roles=roles, label=self.text(body, "label", p) or "",
                    guards=self.names(body, "guards", p), actions=self.names(body, "actions", p),
                    requires=tuple(requires), notify=self.names(body, "notify", p), index=i,
                ))
        return tuple(out)

    def catalogue(self, data, path) -> tuple[Criterion, ...]:
        if not isinstance(data, list) or not data:
            if data is not None:
                self.err(path, "harus berupa daftar kriteria yang tidak kosong")
            return ()
        keys = {"criterion": True, "title": True, "weight": True, "scale": False, "indicators": True}
        out, ids = [], []
        for i, body in enumerate(data):
            p = path + (i,)
            body = self.mapping(body, p, keys)
            if body is None:
                continue
            weight = self.number(body, "weight", p, 0)
            ids.append((str(body.get("criterion")), p + ("criterion",)))
            out.append(Criterion(
                id=str(body.get("criterion")), title=self.text(body, "title", p), weight=weight,
                indicators=self.indicators(body.get("indicators"), p + ("indicators",), body.get("scale")),
                scale=body.get("scale"),
            ))
        self.unique(ids, "kriteria")
        return tuple(out)

    def indicators(self, data, path, scale) -> tuple[Indicator, ...]:
        if not isinstance(data, list) or not data:
            self.err(path, "harus berupa daftar indikator yang tidak kosong")
            return ()
        keys = {"id": True, "title": True, "scale": False, "evidence": False, "evidence_any_of": False}
        out = []
        for i, body in enumerate(data):
            p = path + (i,)
            body = self.mapping(body, p, keys)
            if body is None:
                continue
            if ("evidence" in body) == ("evidence_any_of" in body):
                self.err(p, "isi tepat satu dari 'evidence' (satu set) atau 'evidence_any_of' (set alternatif)")
                sets = ()
            elif "evidence" in body:
                sets = (self.evidence_set(body["evidence"], p + ("evidence",), "Set 1"),)
            else:
                alts = body["evidence_any_of"]
                if not isinstance(alts, list) or len(alts) < 2:
                    self.err(p + ("evidence_any_of",), "harus berupa daftar dengan paling sedikit dua set alternatif")
                    alts = []
                sets = tuple(self.evidence_set(a, p + ("evidence_any_of", j), f"Alternatif {chr(97 + j)}")
                             for j, a in enumerate(alts))
            out.append(Indicator(id=str(body.get("id")), title=self.text(body, "title", p),
                                 evidence_sets=sets, scale=body.get("scale", scale)))
        return tuple(out)

    def evidence_set(self, data, path, default_label: str) -> EvidenceSet:
        label = default_label
        if isinstance(data, dict):
            d = self.mapping(data, path, {"label": False, "items": True}) or {}
            label = self.text(d, "label", path) or default_label
            data, path = d.get("items"), path + ("items",)
        if not isinstance(data, list) or not data:
            self.err(path, "harus berupa daftar data dukung yang tidak kosong")
            return EvidenceSet(label, ())
        items = []
        for i, body in enumerate(data):
            p = path + (i,)
            body = self.mapping(body, p, {"id": True, "label": True, "types": False, "max_mb": False})
            if body is None:
                continue
            items.append(EvidenceItem(
                id=str(body.get("id")), label=self.text(body, "label", p),
                types=self.file_types(body["types"], p + ("types",)) if "types" in body else self.defaults_types,
                max_bytes=self.max_bytes(body["max_mb"], p + ("max_mb",)) if "max_mb" in body
                else self.defaults_max,
            ))
        return EvidenceSet(label, tuple(items))

    def scoring(self, data, path) -> Scoring | None:
        d = self.mapping(data, path, {"scales": True, "default_scale": True, "pass_threshold": True,
                                      "predicate": True, "assessors": False, "combine": False})
        if not d:
            return None
        scales = []
        raw = d.get("scales")
        if not isinstance(raw, dict) or not raw:
            self.err(path + ("scales",), "harus berupa pemetaan id skala ke pilihannya")
            raw = {}
        for sid, body in raw.items():
            p = path + ("scales", sid)
            body = self.mapping(body, p, {"label": True, "options": True}) or {}
            opts = []
            for j, o in enumerate(body.get("options") or []):
                om = self.mapping(o, p + ("options", j), {"id": True, "label": True, "value": True})
                if om:
                    value = self.number(om, "value", p + ("options", j), 0)
                    if not 0 <= value <= 100:
                        self.err(p + ("options", j, "value"), "nilai harus antara 0 dan 100")
                    opts.append(ScaleOption(str(om.get("id")), str(om.get("label")), value))
            if not opts:
                self.err(p + ("options",), "skala harus punya paling sedikit satu pilihan")
            self.unique([(o.id, p + ("options",)) for o in opts], "pilihan skala")
            scales.append(Scale(sid, str(body.get("label", sid)), tuple(opts)))
        threshold = self.number(d, "pass_threshold", path, 0)
        if not 0 < threshold <= 100:
            self.err(path + ("pass_threshold",), "ambang kelulusan harus antara 0 dan 100")
        assessors = d.get("assessors", 1)
        if assessors not in (1, 2, 3):
            self.err(path + ("assessors",), "jumlah penilai harus 1, 2 atau 3")
        if d.get("combine", "average") != "average":
            self.err(path + ("combine",), "hanya 'average' (rata-rata) yang didukung")
        return Scoring(scales=tuple(scales), default_scale=str(d.get("default_scale")),
                       pass_threshold=threshold, predicate=str(d.get("predicate")), assessors=assessors)

    def documents(self, data, path) -> tuple[DocumentSpec, ...]:
        if not isinstance(data, dict):
            self.err(path, "harus berupa pemetaan id dokumen ke keterangannya")
            return ()
        out = []
        for did, body in data.items():
            p = path + (did,)
            body = self.mapping(body, p, {"title": True, "renderer": True, "template": False})
            if body:
                out.append(DocumentSpec(did, self.text(body, "title", p), str(body.get("renderer")),
                                        self.text(body, "template", p) or ""))
        return tuple(out)

    def notifications(self, data, path) -> tuple[NotificationSpec, ...]:
        if not isinstance(data, dict):
            self.err(path, "harus berupa pemetaan id notifikasi ke keterangannya")
            return ()
        out = []
        for nid, body in data.items():
            p = path + (nid,)
            body = self.mapping(body, p, {"channel": True, "to": True, "template": False, "subject": False})
            if not body:
                continue
            to = self.names(body, "to", p)
            for r in to:
                if r not in ROLES:
                    self.err(p + ("to",), f"penerima '{r}' bukan peran yang dikenal")
            out.append(NotificationSpec(nid, str(body.get("channel")), to, self.text(body, "template", p) or "",
                                        self.text(body, "subject", p) or ""))
        return tuple(out)
