"""Structured edits of a definition's YAML text that keep its comments and layout.

Each edit takes the text and returns new text in which only the edited value (or the edited
indicator's lines) changed: the value is found in the composed YAML node tree and replaced in
place (``workflow.defedit_yaml``), so a comment, a blank line or a flow mapping elsewhere in the
file stays as the admin wrote it. An edit checks its own input (``workflow.defedit_checks``) and
raises ``ValidationFailed`` with an Indonesian message; the result is then validated as a whole by
the loader when the draft is saved. Also here: the evidence lines of the indicator form and the
``outline`` of values the forms show. Pure: only PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from . import defedit_checks as check
from .deadlines import JAKARTA, parse_local
from .defedit_checks import MAX_MB, refuse
from .defedit_yaml import Tree, finish, last_end, line_end, line_start, replace_node, scalar
from .yamlsrc import parse


@dataclass(frozen=True)
class EvidenceInput:
    """One evidence item (data dukung); empty ``types`` and None ``max_mb`` mean the defaults."""

    id: str
    label: str
    types: tuple[str, ...] = ()
    max_mb: str | float | None = None


@dataclass(frozen=True)
class EvidenceSetInput:
    label: str
    items: tuple[EvidenceInput, ...]


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator as the admin entered it: one set is written ``evidence``, more ``evidence_any_of``."""

    id: str
    title: str
    sets: tuple[EvidenceSetInput, ...]


# -- the edits -------------------------------------------------------------------------------------
def set_calendar_date(text: str, key: str, value: str) -> str:
    """``calendar.<key>`` set to ``value`` (``YYYY-MM-DD``, optionally ``HH:MM`` or ``HH:MM:SS``)."""
    written = " ".join(str(value).strip().replace("T", " ").split())
    try:
        parse_local(written, JAKARTA)
    except ValueError as exc:
        raise refuse(f"Tanggal {key}: {exc}.", f"Date {key}: {written!r} is not a valid date.", key) from None
    node = Tree(text).value(("calendar", key), f"tanggal kalender '{key}'")
    return replace_node(text, node, written)


def set_weight(text: str, criterion: str, weight) -> str:
    """The ``weight`` of criterion ``criterion``: a number above 0, at most 100."""
    tree = Tree(text)
    body = tree.criterion(criterion)
    value = check.number(weight, f"Bobot kriteria {criterion}", "weight", low=0, high=100)
    return replace_node(text, tree.key_value(body, "weight", f"bobot kriteria '{criterion}'"), value)


def set_pass_threshold(text: str, threshold) -> str:
    """``scoring.pass_threshold``: a number above 0, at most 100."""
    value = check.number(threshold, "Ambang kelulusan", "pass_threshold", low=0, high=100)
    return replace_node(text, Tree(text).value(("scoring", "pass_threshold"), "ambang kelulusan"), value)


def set_document_title(text: str, document: str, title: str) -> str:
    """The ``title`` of document ``document`` (the wording printed on it and shown to users)."""
    node = Tree(text).value(("documents", document, "title"), f"judul dokumen '{document}'")
    return replace_node(text, node, scalar(check.text(title, "Judul dokumen", "title")))


def set_notification_subject(text: str, notification: str, subject: str) -> str:
    """The ``subject`` of notification ``notification``."""
    what = f"subjek notifikasi '{notification}'"
    node = Tree(text).value(("notifications", notification, "subject"), what)
    return replace_node(text, node, scalar(check.text(subject, "Subjek notifikasi", "subject")))


def add_indicator(text: str, criterion: str, indicator: IndicatorInput) -> str:
    """``indicator`` appended to the indicators of criterion ``criterion``."""
    text = text if text.endswith("\n") else text + "\n"
    tree = Tree(text)
    check.indicator(indicator)
    if indicator.id in tree.indicator_ids():
        raise refuse(f"Id indikator '{indicator.id}' sudah dipakai; pilih id lain.",
                     f"Indicator id {indicator.id!r} is already used.", "id")
    seq = tree.key_value(tree.criterion(criterion), "indicators", f"daftar indikator kriteria '{criterion}'")
    items = tree.block_items(seq, f"daftar indikator kriteria '{criterion}'")
    dash, col = items[0][0], items[0][1].start_mark.column
    at = line_end(text, last_end(items[-1][1]))
    return finish(text[:at] + _indicator_block(indicator, dash, col) + text[at:])


def edit_indicator(text: str, indicator_id: str, indicator: IndicatorInput) -> str:
    """Indicator ``indicator_id`` rewritten as ``indicator`` (its ``scale``, if any, is kept).
    Comments inside the indicator's own lines are not kept."""
    text = text if text.endswith("\n") else text + "\n"
    tree = Tree(text)
    check.indicator(indicator)
    if indicator.id != indicator_id and indicator.id in tree.indicator_ids():
        raise refuse(f"Id indikator '{indicator.id}' sudah dipakai; pilih id lain.",
                     f"Indicator id {indicator.id!r} is already used.", "id")
    dash, node, _ = tree.indicator(indicator_id)
    scale = tree.get(node, "scale")
    scale_text = scale.value if isinstance(scale, yaml.ScalarNode) else None
    start, end = line_start(text, node.start_mark.index), line_end(text, last_end(node))
    block = _indicator_block(indicator, dash, node.start_mark.column, scale_text)
    return finish(text[:start] + block + text[end:])


def remove_indicator(text: str, indicator_id: str) -> str:
    """Indicator ``indicator_id`` removed from its criterion (never the criterion's last one)."""
    text = text if text.endswith("\n") else text + "\n"
    tree = Tree(text)
    _, node, siblings = tree.indicator(indicator_id)
    if siblings == 1:
        raise refuse(f"Indikator {indicator_id} adalah satu-satunya indikator kriterianya; tambahkan "
                     f"indikator lain dahulu atau ubah kriterianya di editor teks.",
                     f"Indicator {indicator_id} is its criterion's only indicator.")
    start, end = line_start(text, node.start_mark.index), line_end(text, last_end(node))
    return finish(text[:start] + text[end:])


# -- evidence lines, for a form's textarea ---------------------------------------------------------
def parse_evidence_lines(text: str) -> tuple[EvidenceSetInput, ...]:
    """Evidence written one item a line, ``id | label | types | max MB`` (the last two optional);
    a line ``Set: label`` starts an alternative set. Raises ValidationFailed naming the line."""
    sets: list[tuple[str, list[EvidenceInput]]] = []
    for n, raw in enumerate(str(text).splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.lower().startswith("set:"):
            sets.append((line[4:].strip() or f"Alternatif {len(sets) + 1}", []))
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
            raise refuse(f"Data dukung baris {n}: tulis 'id | label' atau 'id | label | jenis berkas | "
                         f"maks MB', misalnya 'foto_ramp | Foto ramp | pdf, jpg | 2'.",
                         f"Evidence line {n}: write 'id | label | types | max MB'.", "evidence")
        types = tuple(t.strip().lower() for t in parts[2].replace(";", ",").split(",") if t.strip()) \
            if len(parts) > 2 else ()
        max_mb = parts[3] if len(parts) > 3 and parts[3] else None
        if not sets:
            sets.append(("", []))
        sets[-1][1].append(EvidenceInput(parts[0], parts[1], types, max_mb))
    if not sets or any(not items for _, items in sets):
        raise refuse("Isi paling sedikit satu data dukung untuk setiap set.",
                     "Enter at least one evidence item for every set.", "evidence")
    return tuple(EvidenceSetInput(label, tuple(items)) for label, items in sets)


def evidence_lines(body: dict) -> str:
    """An indicator's evidence (as parsed from YAML) in the form of ``parse_evidence_lines``."""
    def item(i: dict) -> str:
        parts = [str(i.get("id", "")), str(i.get("label", ""))]
        if i.get("types") or i.get("max_mb") is not None:
            parts.append(", ".join(map(str, i.get("types") or ())))
        if i.get("max_mb") is not None:
            parts.append(check.plain_number(i["max_mb"]))
        return " | ".join(parts)

    if isinstance(body.get("evidence"), list):
        return "\n".join(item(i) for i in body["evidence"] if isinstance(i, dict))
    out = []
    for n, s in enumerate(body.get("evidence_any_of") or (), 1):
        label, items = (f"Alternatif {n}", s) if not isinstance(s, dict) else \
            (s.get("label") or f"Alternatif {n}", s.get("items"))
        out.append(f"Set: {label}")
        out += [item(i) for i in items or () if isinstance(i, dict)]
    return "\n".join(out)


# -- writing an indicator -------------------------------------------------------------------------
def _item(item: EvidenceInput) -> str:
    parts = [f"id: {scalar(item.id)}", f"label: {scalar(' '.join(item.label.split()))}"]
    if item.types:
        parts.append(f"types: [{', '.join(dict.fromkeys(item.types))}]")
    if item.max_mb is not None:
        parts.append(f"max_mb: {check.number(item.max_mb, 'Ukuran maksimum', 'evidence', 0, MAX_MB)}")
    return "{" + ", ".join(parts) + "}"


def _indicator_block(ind: IndicatorInput, dash: int, col: int, scale: str | None = None) -> str:
    pad = " " * col
    lines = [" " * dash + "-" + " " * (col - dash - 1) + f"id: {scalar(ind.id.strip())}",
             f"{pad}title: {scalar(' '.join(ind.title.split()))}"]
    if scale:
        lines.append(f"{pad}scale: {scalar(scale)}")
    if len(ind.sets) == 1:
        lines.append(f"{pad}evidence:")
        lines += [f"{pad}  - {_item(i)}" for i in ind.sets[0].items]
    else:
        lines.append(f"{pad}evidence_any_of:")
        for n, s in enumerate(ind.sets, 1):
            lines.append(f"{pad}  - label: {scalar(' '.join(s.label.split()) or f'Alternatif {n}')}")
            lines.append(f"{pad}    items:")
            lines += [f"{pad}      - {_item(i)}" for i in s.items]
    return "".join(line + "\n" for line in lines)


# -- what the forms show ---------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorOutline:
    id: str
    title: str
    evidence: str  # in the form of ``parse_evidence_lines``


@dataclass(frozen=True)
class CriterionOutline:
    id: str
    title: str
    weight: str
    indicators: tuple[IndicatorOutline, ...]


@dataclass(frozen=True)
class Outline:
    """The values the structured forms edit, as written in the text (also while it has errors)."""

    calendar: tuple[tuple[str, str], ...] = ()
    criteria: tuple[CriterionOutline, ...] = ()
    pass_threshold: str = ""
    documents: tuple[tuple[str, str], ...] = ()
    notifications: tuple[tuple[str, str], ...] = ()


def outline(text: str) -> Outline | None:
    """The form values of ``text``; None when it is not readable YAML (the text editor comes first)."""
    src = parse(text)
    data = src.data
    if not isinstance(data, dict):
        return None

    def written(path, value) -> str:
        return "" if value is None or isinstance(value, (dict, list)) else src.written(path, value)

    def mapping(value) -> dict:
        return value if isinstance(value, dict) else {}

    calendar = tuple((k, written(("calendar", k), v)) for k, v in mapping(data.get("calendar")).items())
    criteria = []
    for n, c in enumerate(data.get("catalogue") if isinstance(data.get("catalogue"), list) else ()):
        if not isinstance(c, dict) or c.get("criterion") is None:
            continue
        indicators = tuple(
            IndicatorOutline(written(("catalogue", n, "indicators", j, "id"), i["id"]),
                             written((), i.get("title")), evidence_lines(i))
            for j, i in enumerate(c.get("indicators") if isinstance(c.get("indicators"), list) else ())
            if isinstance(i, dict) and i.get("id") is not None)
        criteria.append(CriterionOutline(written(("catalogue", n, "criterion"), c["criterion"]),
                                         written((), c.get("title")),
                                         written(("catalogue", n, "weight"), c.get("weight")), indicators))
    scoring = mapping(data.get("scoring"))
    return Outline(
        calendar, tuple(criteria), written(("scoring", "pass_threshold"), scoring.get("pass_threshold")),
        tuple((k, written((), mapping(v).get("title"))) for k, v in mapping(data.get("documents")).items()),
        tuple((k, written((), mapping(v).get("subject")))
              for k, v in mapping(data.get("notifications")).items()))
