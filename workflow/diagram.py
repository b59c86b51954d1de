"""Lifecycle diagrams of a definition: Mermaid ``stateDiagram-v2`` text and Graphviz DOT text.

Pure: builds strings from a ``Definition`` and imports only the standard library and
``workflow.spec``. Rendering the text to an image is the caller's business.

Both diagrams show the same graph: one node per state with its Indonesian label, a start marker
on the initial state, final states marked, and one edge per transition labelled
``event (roles) [guards] ⏱ deadline`` (the ⏱ part on the transition a state's deadline fires).
"""

from __future__ import annotations

import re
from datetime import timedelta

from .spec import Definition, TransitionSpec

# Mermaid turns "#name;" codes back into characters after parsing, so each character its grammar
# treats specially inside a label ('"' ends a state name, '#' and ';' end a transition text, ':'
# ends a note, '<' '>' would be read as HTML) is written as one.
_MERMAID_CODES = {'"': "#quot;", "#": "#35;", ";": "#59;", ":": "#58;", "<": "#lt;", ">": "#gt;",
                  "\n": " ", "\r": " "}
_MERMAID_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MERMAID_KEYWORDS = {"state", "note", "end", "direction", "class", "classdef", "click", "style",
                     "hide", "scale", "as", "left", "right", "of", "fork", "join", "choice"}
_DOT_START = "[*]"


def mermaid(d: Definition) -> str:
    """The lifecycle of ``d`` as Mermaid ``stateDiagram-v2`` text."""
    ids = _mermaid_ids(d)
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{_mermaid_text(s.label)}" as {ids[s.id]}' for s in d.states]
    lines.append(f"    [*] --> {ids[d.initial]}")
    lines += [f"    {ids[t.source]} --> {ids[t.target]} : {_mermaid_text(edge_label(d, t))}"
              for t in d.transitions]
    lines += [f"    {ids[s.id]} --> [*]" for s in d.states if s.final]
    return "\n".join(lines) + "\n"


def dot(d: Definition) -> str:
    """The lifecycle of ``d`` as Graphviz DOT text (left to right; system transitions dashed)."""
    title = f"{d.title}\n{d.regulation}" if d.regulation else d.title
    lines = [
        f"digraph {_dot_quote(d.id)} {{",
        f'  graph [rankdir=LR, charset="UTF-8", labelloc=t, fontname="Helvetica", '
        f"label={_dot_quote(title)}];",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        f'  {_dot_quote(_DOT_START)} [shape=point, width=0.2, label=""];',
    ]
    for s in d.states:
        attrs = "label=" + _dot_quote(s.label + "\n(" + s.id + ")")
        if s.final:
            attrs += ", peripheries=2"
        lines.append(f"  {_dot_quote(s.id)} [{attrs}];")
    lines.append(f"  {_dot_quote(_DOT_START)} -> {_dot_quote(d.initial)};")
    for t in d.transitions:
        text = edge_label(d, t) + (f"\n{t.label}" if t.label else "")
        attrs = f"label={_dot_quote(text)}"
        if "system" in t.roles:
            attrs += ", style=dashed"
        lines.append(f"  {_dot_quote(t.source)} -> {_dot_quote(t.target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def edge_label(d: Definition, t: TransitionSpec) -> str:
    """``'submit_evaluation (admin) [evaluation_window_open]'``, plus ``' ⏱ 14d'`` or
    ``' ⏱ evaluation_closes'`` on the transition that the source state's deadline fires."""
    text = f"{t.event} ({', '.join(t.roles)})"
    if t.guards:
        text += f" [{', '.join(t.guards)}]"
    deadline = d.state(t.source).deadline if d.has_state(t.source) else None
    if deadline is not None and deadline.fires == t.event:
        text += f" ⏱ {deadline.at if deadline.at is not None else _duration(deadline.after)}"
    return text


def _duration(td: timedelta | None) -> str:
    minutes = int(td.total_seconds() // 60) if td is not None else 0
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def _mermaid_ids(d: Definition) -> dict[str, str]:
    """State id -> Mermaid node id: the state id itself unless Mermaid would misread it."""
    ids = {}
    for i, s in enumerate(d.states):
        safe = _MERMAID_ID.match(s.id) and s.id.lower() not in _MERMAID_KEYWORDS
        ids[s.id] = s.id if safe else f"s{i}_" + re.sub(r"[^A-Za-z0-9_]", "_", s.id)
    return ids


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_CODES.get(c, c) for c in text)


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string; a newline becomes DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'
