"""Reading what a unit is evaluated on: the indicator catalogues with their evidence (data dukung)
and the ``scoring`` section. A scale id is checked where it is written (on the criterion, the
indicator or ``default_scale``), so one wrong name is one issue on its own line. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loader_fields import Reader
from .spec import (
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_BYTES,
    Criterion,
    EvidenceItem,
    EvidenceSet,
    Indicator,
    Scale,
    ScaleOption,
    Scoring,
)
from .yamlsrc import Path

DEFAULTS_KEYS = {"types": False, "max_mb": False}
CRITERION_KEYS = {"criterion": True, "title": True, "weight": True, "scale": False, "indicators": True}
INDICATOR_KEYS = {"id": True, "title": True, "scale": False, "evidence": False, "evidence_any_of": False}
EVIDENCE_SET_KEYS = {"label": False, "items": True}
ITEM_KEYS = {"id": True, "label": True, "types": False, "max_mb": False}
SCORING_KEYS = {"scales": True, "default_scale": True, "pass_threshold": True, "predicate": True,
                "assessors": False, "combine": False}
SCALE_KEYS = {"label": True, "options": True}
OPTION_KEYS = {"id": True, "label": True, "value": True}
MAX_MB = 3


@dataclass(frozen=True)
class EvidenceRules:
    """File rules an evidence item gets unless it says otherwise (``evidence_defaults``)."""

    types: tuple[str, ...] = DEFAULT_FILE_TYPES
    max_bytes: int = DEFAULT_MAX_BYTES


def read_evidence_defaults(r: Reader, value) -> EvidenceRules:
    path = ("evidence_defaults",)
    d = r.mapping(value, path, DEFAULTS_KEYS)
    if d is None:
        return EvidenceRules()
    base = EvidenceRules()
    return EvidenceRules(_file_types(r, d, path, base.types), _max_bytes(r, d, path, base.max_bytes))


def _file_types(r: Reader, d: dict, path: Path, fallback: tuple[str, ...]) -> tuple[str, ...]:
    value = r.field(d, "types", path)
    if value is None:
        return fallback
    p = path + ("types",)
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        r.err(p, "harus berupa daftar jenis berkas, misalnya [pdf, jpg, jpeg, png]")
        return fallback
    bad = [t for t in value if t.lower() not in DEFAULT_FILE_TYPES]
    if bad:
        r.err(p, f"jenis berkas tidak didukung: {', '.join(bad)} "
                 f"(yang didukung: {', '.join(DEFAULT_FILE_TYPES)})")
        return fallback
    return tuple(dict.fromkeys(t.lower() for t in value))


def _max_bytes(r: Reader, d: dict, path: Path, fallback: int) -> int:
    value = r.number(d, "max_mb", path)
    if value is None:
        return fallback
    if not 0 < value <= MAX_MB:
        r.err(path + ("max_mb",), f"ukuran maksimum harus angka lebih dari 0 dan paling besar {MAX_MB} (MB)")
        return fallback
    return int(value * 1024 * 1024)


# -- scoring ---------------------------------------------------------------------------------------
def read_scoring(r: Reader, value) -> tuple[Scoring, frozenset[str] | None]:
    """The scoring rules and the ids of its scales (None when the scales could not be read)."""
    path = ("scoring",)
    d = r.mapping(value, path, SCORING_KEYS)
    if d is None:
        return Scoring(scales=(), default_scale=None, pass_threshold=None, predicate=None), None
    scales, ids = _scales(r, r.field(d, "scales", path), path + ("scales",))
    default = r.name(d, "default_scale", path, what="id skala")
    if default is not None and ids is not None and default not in ids:
        r.err(path + ("default_scale",), f"skala bawaan tidak dikenal '{default}'")
    threshold = r.number(d, "pass_threshold", path)
    if threshold is not None and not 0 < threshold <= 100:
        r.err(path + ("pass_threshold",), "ambang kelulusan harus antara 0 dan 100")
    assessors = r.field(d, "assessors", path)
    if assessors is not None and (type(assessors) is not int or assessors not in (1, 2, 3)):  # not bool
        r.err(path + ("assessors",), "jumlah penilai harus 1, 2 atau 3")
        assessors = None
    combine = r.text(d, "combine", path, "average", what="cara penggabungan")
    if combine not in (None, "average"):
        r.err(path + ("combine",), "hanya 'average' (rata-rata) yang didukung")
    return Scoring(scales=scales, default_scale=default, pass_threshold=threshold,
                   predicate=r.text(d, "predicate", path), assessors=assessors or 1), ids


def _scales(r: Reader, value, path: Path) -> tuple[tuple[Scale, ...], frozenset[str] | None]:
    data = r.section(value, path, "pemetaan id skala ke pilihannya", dict)
    if data is None:
        return (), None
    out = []
    for sid, body, p in r.entries(data, path):
        body = r.mapping(body, p, SCALE_KEYS)
        if body is None:
            out.append(Scale(sid, None, ()))
            continue
        options = _options(r, r.field(body, "options", p), p + ("options",))
        out.append(Scale(sid, r.text(body, "label", p), options))
    return tuple(out), frozenset(data)


def _options(r: Reader, value, path: Path) -> tuple[ScaleOption, ...]:
    data = r.section(value, path, "daftar pilihan skala", list)
    if data is None:
        return ()
    out, ids = [], []
    for _, body, p in r.elements(data, path):
        om = r.mapping(body, p, OPTION_KEYS)
        if om is None:
            continue
        oid = r.name(om, "id", p, what="id pilihan")
        ids.append((oid, p + ("id",)))
        score = r.number(om, "value", p)
        if score is not None and not 0 <= score <= 100:
            r.err(p + ("value",), "nilai harus antara 0 dan 100")
            score = None
        out.append(ScaleOption(oid, r.text(om, "label", p), score))
    r.unique(ids, "pilihan skala")
    return tuple(out)


def _scale_ref(r: Reader, body: dict, path: Path, scales: frozenset[str] | None) -> str | None:
    name = r.name(body, "scale", path, what="id skala")
    if name is not None and scales is not None and name not in scales:
        r.err(path + ("scale",), f"skala tidak dikenal '{name}'")
    return name


# -- catalogues ------------------------------------------------------------------------------------
def read_catalogue(r: Reader, value, rules: EvidenceRules, scales: frozenset[str] | None,
                   ids: list) -> tuple[Criterion, ...]:
    """The scored criteria; each indicator id is added to ``ids`` with its path, for the caller's
    check that ids are unique across both catalogues."""
    path = ("catalogue",)
    data = r.section(value, path, "daftar kriteria", list, unread="catalogue")
    if data is None:
        return ()
    out, criteria = [], []
    for _, body, p in r.elements(data, path):
        body = r.mapping(body, p, CRITERION_KEYS)
        if body is None:
            r.unread.add("catalogue")
            continue
        cid = r.name(body, "criterion", p, what="id kriteria")
        criteria.append((cid, p + ("criterion",)))
        weight = r.number(body, "weight", p)
        if weight is not None and not 0 < weight <= 100:
            r.err(p + ("weight",), "bobot harus lebih dari 0 dan paling besar 100")
            weight = None
        scale = _scale_ref(r, body, p, scales)
        indicators = read_indicators(r, r.field(body, "indicators", p), p + ("indicators",), rules, ids,
                                     scales=scales, inherited=scale)
        out.append(Criterion(id=cid, title=r.text(body, "title", p), weight=weight,
                             indicators=indicators, scale=scale))
    r.unique(criteria, "kriteria")
    return tuple(out)


def read_indicators(r: Reader, value, path: Path, rules: EvidenceRules, ids: list, scored: bool = True,
                    scales: frozenset[str] | None = None,
                    inherited: str | None = None) -> tuple[Indicator, ...]:
    """Indicators of a criterion (``scored``), or of ``evaluation_catalogue``, which takes no scale."""
    data = r.section(value, path, "daftar indikator", list)
    if data is None:
        return ()
    out = []
    for _, body, p in r.elements(data, path):
        body = r.mapping(body, p, INDICATOR_KEYS)
        if body is None:
            continue
        iid = r.name(body, "id", p, what="id indikator")
        ids.append((iid, p + ("id",)))
        scale = None
        if scored:
            scale = _scale_ref(r, body, p, scales) if "scale" in body else inherited
        elif "scale" in body:
            r.err(p + ("scale",), "indikator evaluation_catalogue tidak dinilai, jadi tidak memakai skala; "
                                  "hapus 'scale'")
        out.append(Indicator(id=iid, title=r.text(body, "title", p),
                             evidence_sets=_evidence_sets(r, body, p, rules), scale=scale))
    return tuple(out)


def _evidence_sets(r: Reader, body: dict, p: Path, rules: EvidenceRules) -> tuple[EvidenceSet, ...]:
    if ("evidence" in body) == ("evidence_any_of" in body):
        r.err(p, "isi tepat satu dari 'evidence' (satu set) atau 'evidence_any_of' (set alternatif)")
        return ()
    if "evidence" in body:
        return (_evidence_set(r, r.field(body, "evidence", p), p + ("evidence",), "Set 1", rules),)
    alternatives = r.field(body, "evidence_any_of", p)
    path = p + ("evidence_any_of",)
    if alternatives is None:
        return ()
    if not isinstance(alternatives, list) or len(alternatives) < 2:
        r.err(path, "harus berupa daftar dengan paling sedikit dua set alternatif")
        return ()
    sets = tuple(_evidence_set(r, a, ap, f"Alternatif {chr(97 + j) if j < 26 else j + 1}", rules)
                 for j, a, ap in r.elements(alternatives, path))
    labels: dict[str, str] = {}
    for item in (i for s in sets for i in s.items if i.id is not None and i.label is not None):
        if labels.setdefault(item.id, item.label) != item.label:
            r.err(p, f"data dukung '{item.id}' muncul dengan label berbeda")
    return sets


def _evidence_set(r: Reader, value, path: Path, default_label: str, rules: EvidenceRules) -> EvidenceSet:
    """A list of items, or ``{label, items}``."""
    label = default_label
    if isinstance(value, dict):
        d = r.mapping(value, path, EVIDENCE_SET_KEYS)
        label = r.text(d, "label", path) or default_label
        value, path = r.field(d, "items", path), path + ("items",)
    data = r.section(value, path, "daftar data dukung", list)
    if data is None:
        return EvidenceSet(label, ())
    items, seen = [], []
    for _, body, p in r.elements(data, path):
        body = r.mapping(body, p, ITEM_KEYS)
        if body is None:
            continue
        item_id = r.name(body, "id", p, what="id data dukung")
        if item_id is not None and item_id in {i for i, _ in seen}:
            r.err(p + ("id",), f"data dukung '{item_id}' tertulis lebih dari sekali dalam set ini")
            continue
        seen.append((item_id, p))
        items.append(EvidenceItem(
            id=item_id, label=r.text(body, "label", p),
            types=_file_types(r, body, p, rules.types), max_bytes=_max_bytes(r, body, p, rules.max_bytes)))
    return EvidenceSet(label, tuple(items))
