"""Structured edits of a definition's YAML text that keep its comments and layout.

Each edit takes the text and returns new text in which only the edited value (or the edited
indicator's lines) changed: values are found with PyYAML's composer, which gives the exact start
and end of every node, and replaced in place. So a comment, a blank line or a flow mapping
elsewhere in the file stays as the admin wrote it. An edit checks its own input and raises
``ValidationFailed`` with an Indonesian message; the result is then validated as a whole by the
loader when the draft is saved. Pure: only PyYAML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from .deadlines import JAKARTA, parse_local
from .errors import ValidationFailed
from .spec import DEFAULT_FILE_TYPES
from .yamlsrc import parse

MAX_MB = 3
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
# Text YAML reads back unchanged without quotes, in block and in flow context alike.
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}\"]*$")


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


def refuse(message: str, message_en: str, field: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, message_en, **({"fields": {field: message}} if field else {}))


# -- the edits -------------------------------------------------------------------------------------
def set_calendar_date(text: str, key: str, value: str) -> str:
    """``calendar.<key>`` set to ``value`` (``YYYY-MM-DD``, optionally ``HH:MM`` or ``HH:MM:SS``)."""
    written = " ".join(str(value).strip().replace("T", " ").split())
    try:
        parse_local(written, JAKARTA)
    except ValueError as exc:
        raise refuse(f"Tanggal {key}: {exc}.", f"Date {key}: {written!r} is not a valid date.", key) from None
    node = _Tree(text).value(("calendar", key), f"tanggal kalender '{key}'")
    return _replace(text, node, written)


def set_weight(text: str, criterion: str, weight) -> str:
    """The ``weight`` of criterion ``criterion``: a number above 0, at most 100."""
    tree = _Tree(text)
    body = tree.criterion(criterion)
    value = _number(weight, f"Bobot kriteria {criterion}", "weight", low=0, high=100)
    return _replace(text, tree.key_value(body, "weight", f"bobot kriteria '{criterion}'"), value)


def set_pass_threshold(text: str, threshold) -> str:
    """``scoring.pass_threshold``: a number above 0, at most 100."""
    value = _number(threshold, "Ambang kelulusan", "pass_threshold", low=0, high=100)
    return _replace(text, _Tree(text).value(("scoring", "pass_threshold"), "ambang kelulusan"), value)


def set_document_title(text: str, document: str, title: str) -> str:
    """The ``title`` of document ``document`` (the wording printed on it and shown to users)."""
    node = _Tree(text).value(("documents", document, "title"), f"judul dokumen '{document}'")
    return _replace(text, node, _scalar(_text(title, "Judul dokumen", "title")))


def set_notification_subject(text: str, notification: str, subject: str) -> str:
    """The ``subject`` of notification ``notification``."""
    what = f"subjek notifikasi '{notification}'"
    node = _Tree(text).value(("notifications", notification, "subject"), what)
    return _replace(text, node, _scalar(_text(subject, "Subjek notifikasi", "subject")))


def add_indicator(text: str, criterion: str, indicator: IndicatorInput) -> str:
    """``indicator`` appended to the indicators of criterion ``criterion``."""
    text = text if text.endswith("\n") else text + "\n"
    tree = _Tree(text)
    _check_indicator(indicator)
    if indicator.id in tree.indicator_ids():
        raise refuse(f"Id indikator '{indicator.id}' sudah dipakai; pilih id lain.",
                     f"Indicator id {indicator.id!r} is already used.", "id")
    seq = tree.key_value(tree.criterion(criterion), "indicators", f"daftar indikator kriteria '{criterion}'")
    items = tree.block_items(seq, f"daftar indikator kriteria '{criterion}'")
    dash, col = items[0][0], items[0][1].start_mark.column
    at = _line_end(text, _last_end(items[-1][1]))
    return _result(text[:at] + _indicator_block(indicator, dash, col) + text[at:])


def edit_indicator(text: str, indicator_id: str, indicator: IndicatorInput) -> str:
    """Indicator ``indicator_id`` rewritten as ``indicator`` (its ``scale``, if any, is kept).
    Comments inside the indicator's own lines are not kept."""
    text = text if text.endswith("\n") else text + "\n"
    tree = _Tree(text)
    _check_indicator(indicator)
    if indicator.id != indicator_id and indicator.id in tree.indicator_ids():
        raise refuse(f"Id indikator '{indicator.id}' sudah dipakai; pilih id lain.",
                     f"Indicator id {indicator.id!r} is already used.", "id")
    dash, node, _ = tree.indicator(indicator_id)
    scale = tree.get(node, "scale")
    scale_text = scale.value if isinstance(scale, yaml.ScalarNode) else None
    start, end = _line_start(text, node.start_mark.index), _line_end(text, _last_end(node))
    block = _indicator_block(indicator, dash, node.start_mark.column, scale_text)
    return _result(text[:start] + block + text[end:])


def remove_indicator(text: str, indicator_id: str) -> str:
    """Indicator ``indicator_id`` removed from its criterion (never the criterion's last one)."""
    text = text if text.endswith("\n") else text + "\n"
    tree = _Tree(text)
    _, node, siblings = tree.indicator(indicator_id)
    if siblings == 1:
        raise refuse(f"Indikator {indicator_id} adalah satu-satunya indikator kriterianya; tambahkan "
                     f"indikator lain dahulu atau ubah kriterianya di editor teks.",
                     f"Indicator {indicator_id} is its criterion's only indicator.")
    start, end = _line_start(text, node.start_mark.index), _line_end(text, _last_end(node))
    return _result(text[:start] + text[end:])


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
            parts.append(_plain_number(i["max_mb"]))
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


# -- checking input --------------------------------------------------------------------------------
def _text(value, what: str, field: str, limit: int = 300) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise refuse(f"{what} wajib diisi.", f"{what} is required.", field)
    if len(value) > limit:
        raise refuse(f"{what} paling panjang {limit} karakter.", f"{what}: at most {limit} characters.",
                     field)
    return value


def _ident(value, what: str, field: str) -> str:
    value = str(value or "").strip()
    if not _ID.match(value):
        raise refuse(f"{what} '{value}' tidak sah: pakai huruf, angka, titik, '_' atau '-' (tanpa spasi), "
                     f"diawali huruf atau angka, paling panjang 80 karakter.",
                     f"{what} {value!r} is not a valid id.", field)
    return value


def _number(value, what: str, field: str, low: float, high: float) -> str:
    raw = str(value if value is not None else "").strip().replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        raise refuse(f"{what} harus berupa angka, bukan '{value}'.", f"{what} must be a number.",
                     field) from None
    if not low < number <= high:
        raise refuse(f"{what} harus lebih dari {low:g} dan paling besar {high:g}.",
                     f"{what} must be above {low:g} and at most {high:g}.", field)
    return _plain_number(number)


def _plain_number(number) -> str:
    number = float(number)
    return str(int(number)) if number.is_integer() else repr(number)


def _check_indicator(ind: IndicatorInput) -> None:
    _ident(ind.id, "Id indikator", "id")
    _text(ind.title, "Judul indikator", "title")
    if not ind.sets:
        raise refuse("Isi paling sedikit satu data dukung.", "Enter at least one evidence item.", "evidence")
    labels: dict[str, str] = {}
    for s in ind.sets:
        seen = set()
        for item in s.items:
            _ident(item.id, "Id data dukung", "evidence")
            _text(item.label, f"Label data dukung '{item.id}'", "evidence")
            if item.id in seen:
                raise refuse(f"Data dukung '{item.id}' tertulis lebih dari sekali dalam satu set.",
                             f"Evidence {item.id!r} appears twice in one set.", "evidence")
            seen.add(item.id)
            if labels.setdefault(item.id, item.label) != item.label:
                raise refuse(f"Data dukung '{item.id}' muncul dengan label berbeda.",
                             f"Evidence {item.id!r} has two different labels.", "evidence")
            bad = [t for t in item.types if t not in DEFAULT_FILE_TYPES]
            if bad:
                raise refuse(f"Jenis berkas data dukung '{item.id}' tidak didukung: {', '.join(bad)} "
                             f"(yang didukung: {', '.join(DEFAULT_FILE_TYPES)}).",
                             f"File types not supported: {', '.join(bad)}.", "evidence")
            if item.max_mb is not None:
                _number(item.max_mb, f"Ukuran maksimum data dukung '{item.id}' (MB)", "evidence", 0, MAX_MB)


# -- writing YAML ----------------------------------------------------------------------------------
def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as this very text, in block or flow context."""
    if _PLAIN.match(value) and value == value.strip():
        try:
            if yaml.safe_load(f"{{k: {value}}}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _item(item: EvidenceInput) -> str:
    parts = [f"id: {_scalar(item.id)}", f"label: {_scalar(' '.join(item.label.split()))}"]
    if item.types:
        parts.append(f"types: [{', '.join(dict.fromkeys(item.types))}]")
    if item.max_mb is not None:
        parts.append(f"max_mb: {_number(item.max_mb, 'Ukuran maksimum', 'evidence', 0, MAX_MB)}")
    return "{" + ", ".join(parts) + "}"


def _indicator_block(ind: IndicatorInput, dash: int, col: int, scale: str | None = None) -> str:
    pad = " " * col
    lines = [" " * dash + "-" + " " * (col - dash - 1) + f"id: {_scalar(ind.id.strip())}",
             f"{pad}title: {_scalar(' '.join(ind.title.split()))}"]
    if scale:
        lines.append(f"{pad}scale: {_scalar(scale)}")
    if len(ind.sets) == 1:
        lines.append(f"{pad}evidence:")
        lines += [f"{pad}  - {_item(i)}" for i in ind.sets[0].items]
    else:
        lines.append(f"{pad}evidence_any_of:")
        for n, s in enumerate(ind.sets, 1):
            lines.append(f"{pad}  - label: {_scalar(' '.join(s.label.split()) or f'Alternatif {n}')}")
            lines.append(f"{pad}    items:")
            lines += [f"{pad}      - {_item(i)}" for i in s.items]
    return "".join(line + "\n" for line in lines)


# -- finding nodes in the text ---------------------------------------------------------------------
class _Tree:
    """The composed YAML node tree of a text, for finding where values are written."""

    def __init__(self, text: str):
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (baris {mark.line + 1})" if mark else ""
            raise refuse(f"Teks definisi belum dapat dibaca sebagai YAML{where}; perbaiki dahulu di editor "
                         f"teks, lalu gunakan formulir ini.",
                         f"The definition text is not readable YAML{where}; fix it in the text editor.") \
                from None
        if not isinstance(self.root, yaml.MappingNode):
            raise refuse("Teks definisi tidak berisi pemetaan YAML.", "The text is not a YAML mapping.")

    @staticmethod
    def get(node, key: str):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return v
        return None

    def value(self, path: tuple, what: str):
        node = self.root
        for key in path:
            node = self.get(node, key)
            if node is None:
                raise _missing(what)
        return self.scalar(node, what)

    def key_value(self, node, key: str, what: str):
        found = self.get(node, key)
        if found is None:
            raise _missing(what)
        return found

    @staticmethod
    def scalar(node, what: str):
        if not isinstance(node, yaml.ScalarNode):
            raise refuse(f"{what[0].upper()}{what[1:]} bukan nilai tunggal; ubah di editor teks.",
                         f"{what} is not a single value; change it in the text editor.")
        return node

    def criteria(self):
        catalogue = self.get(self.root, "catalogue")
        return catalogue.value if isinstance(catalogue, yaml.SequenceNode) else []

    def criterion(self, criterion: str):
        for body in self.criteria():
            key = self.get(body, "criterion")
            if isinstance(key, yaml.ScalarNode) and key.value == str(criterion):
                return body
        raise _missing(f"kriteria '{criterion}'")

    def indicator_ids(self) -> set[str]:
        seqs = [self.get(c, "indicators") for c in self.criteria()]
        seqs.append(self.get(self.root, "evaluation_catalogue"))
        ids = (self.get(i, "id") for s in seqs if isinstance(s, yaml.SequenceNode) for i in s.value)
        return {i.value for i in ids if isinstance(i, yaml.ScalarNode)}

    def indicator(self, indicator_id: str):
        """``(dash column, node, number of indicators in its criterion)``."""
        for body in self.criteria():
            seq = self.get(body, "indicators")
            if not isinstance(seq, yaml.SequenceNode):
                continue
            for dash, node in self.block_items(seq, "daftar indikator", strict=False):
                key = self.get(node, "id")
                if isinstance(key, yaml.ScalarNode) and key.value == str(indicator_id):
                    if dash is None:
                        break
                    return dash, node, len(seq.value)
        raise _missing(f"indikator '{indicator_id}' dalam catalogue")

    @staticmethod
    def block_items(seq, what: str, strict: bool = True):
        """``[(dash column, item node)]`` of a block sequence of mappings; the dash column is None
        for an item written in another style (``strict`` refuses it)."""
        if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
            if strict:
                raise refuse(f"{what[0].upper()}{what[1:]} tidak ditulis sebagai daftar blok ('- id: ...'); "
                             f"ubah di editor teks.", f"{what} is not a block list; use the text editor.")
            return []
        out = []
        for node in seq.value:
            ok = isinstance(node, yaml.MappingNode) and not node.flow_style
            out.append((_dash_column(node) if ok else None, node))
        if strict and any(d is None for d, _ in out):
            raise refuse(f"{what[0].upper()}{what[1:]} berisi butir yang tidak ditulis sebagai blok; ubah di "
                         f"editor teks.", f"{what} has an item not written as a block.")
        return out


def _missing(what: str) -> ValidationFailed:
    return refuse(f"{what[0].upper()}{what[1:]} tidak ada dalam teks definisi.",
                  f"{what} is not in the definition.")


def _dash_column(node) -> int | None:
    """Column of the '- ' that opens a block sequence item, when it is on the item's first line."""
    line = node.start_mark.buffer[:node.start_mark.index].rsplit("\n", 1)[-1]
    stripped = line.rstrip()
    if not stripped.endswith("-") or stripped[:-1].strip():
        return None
    return len(stripped) - 1


def _last_end(node) -> int:
    """Index just past the last character written for ``node`` (not the comments or blank lines a
    block node's end mark would take in)."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max((_last_end(c) for c in children), default=node.start_mark.index)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just past the newline ending the line that holds ``index - 1``."""
    at = text.find("\n", max(index - 1, 0))
    return len(text) if at < 0 else at + 1


def _replace(text: str, node, written: str) -> str:
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):  # a block scalar ends with its line break
        written += "\n"
    return _result(text[:start] + written + text[end:])


def _result(text: str) -> str:
    if not text.endswith("\n"):
        text += "\n"
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # a layout this module does not expect; never hand back broken text
        raise refuse("Perubahan tidak dapat diterapkan pada susunan teks ini; ubah di editor teks.",
                     "The change cannot be applied to this text's layout; use the text editor.") from None
    return text


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
