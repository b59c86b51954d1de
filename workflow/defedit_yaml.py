"""Where a value is written in a definition's YAML text, and how to write a value there.

PyYAML's composer gives every node the exact start and end of its text, so a ``Tree`` finds the
node of a calendar date, a criterion or an indicator, and ``replace_node`` swaps just those
characters: comments, blank lines and flow mappings elsewhere stay as the admin wrote them.
``scalar`` writes text so that it reads back unchanged; ``finish`` never hands back text that no
longer reads as YAML. Used by ``workflow.defedit``; depends on ``workflow.defedit_checks`` for its
Indonesian refusals. Pure: only PyYAML.
"""

from __future__ import annotations

import json
import re

import yaml

from .defedit_checks import refuse
from .errors import ValidationFailed

# Text YAML reads back unchanged without quotes, in block and in flow context alike.
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}\"]*$")


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as this very text, in block or flow context."""
    if _PLAIN.match(value) and value == value.strip():
        try:
            if yaml.safe_load(f"{{k: {value}}}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


class Tree:
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


def last_end(node) -> int:
    """Index just past the last character written for ``node`` (not the comments or blank lines a
    block node's end mark would take in)."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max((last_end(c) for c in children), default=node.start_mark.index)


def line_start(text: str, index: int) -> int:
    """Index of the start of the line that holds ``index``."""
    return text.rfind("\n", 0, index) + 1


def line_end(text: str, index: int) -> int:
    """Index just past the newline ending the line that holds ``index - 1``."""
    at = text.find("\n", max(index - 1, 0))
    return len(text) if at < 0 else at + 1


def replace_node(text: str, node, written: str) -> str:
    """``text`` with the scalar ``node`` replaced by ``written`` (already YAML), checked by ``finish``."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):  # a block scalar ends with its line break
        written += "\n"
    return finish(text[:start] + written + text[end:])


def finish(text: str) -> str:
    """``text`` ending with a newline; refused if an edit left it unreadable as YAML."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # a layout this module does not expect; never hand back broken text
        raise refuse("Perubahan tidak dapat diterapkan pada susunan teks ini; ubah di editor teks.",
                     "The change cannot be applied to this text's layout; use the text editor.") from None
    return text
