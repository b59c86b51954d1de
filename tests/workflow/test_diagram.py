"""Mermaid and Graphviz diagrams of a definition's lifecycle."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest

import workflow.diagram
from handlers import REGISTRY
from workflow.deadlines import format_duration
from workflow.diagram import dot, mermaid
from workflow.loader import load_file
from workflow.spec import Deadline, Definition, Scoring, StateSpec, TransitionSpec

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
SHIPPED = [load_file(DEFINITIONS / name, REGISTRY) for name in ("p2ham-2023.yaml", "p2ham-2024.yaml")]
shipped = pytest.mark.parametrize("d", SHIPPED, ids=lambda d: d.id)
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")

MERMAID_STATE = re.compile(r'^\s*state "([^"]*)" as (\w+)$')
MERMAID_EDGE = re.compile(r"^\s*(\S+) --> (\S+)(?: : (.*))?$")
DOT_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" \[(.*)\];$')
DOT_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"(?: \[(.*)\])?;$')


def _mermaid_decode(text: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">"}
    return re.sub(r"#(\w+);", lambda m: named.get(m[1]) or chr(int(m[1])), text)


def _mermaid_edges(text: str) -> list[tuple[str, str, str]]:
    return [(m[1], m[2], m[3] or "") for m in map(MERMAID_EDGE.match, text.splitlines()) if m]


def _dot_edges(text: str) -> list[tuple[str, str, str]]:
    return [(m[1], m[2], m[3] or "") for m in map(DOT_EDGE.match, text.splitlines()) if m]


def _svg(dot_text: str) -> str:
    done = subprocess.run(["dot", "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


def _svg_lines(svg: str) -> list[str]:
    """Every text line drawn in the SVG, entities decoded."""
    return [el.text or "" for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def _tricky() -> Definition:
    """Labels and ids full of characters that Mermaid and DOT treat specially."""
    states = (
        StateSpec("end", 'Awal "mulai": A; B #1 <b>',
                  deadline=Deadline(fires="go", after=timedelta(hours=36))),
        StateSpec("a-b", "Tengah \\ miring"),
        StateSpec("c", "Akhir: selesai", final=True),
    )
    transitions = (
        TransitionSpec("go", "end", "a-b", ("system",), label='Lanjut "x"'),
        TransitionSpec("fin", "a-b", "c", ("admin", "operator"), guards=("g;1", "g:2#")),
    )
    return Definition(id='uji "x"', year=2024, title='Uji: "tanda"', regulation="", timezone="Asia/Jakarta",
                      calendar=(), initial="end", states=states, transitions=transitions, catalogue=(),
                      scoring=Scoring(scales=(), default_scale="x", pass_threshold=75, predicate="P"))


# -- Mermaid -------------------------------------------------------------------------------------

@shipped
def test_mermaid_declares_every_state_with_its_label(d):
    text = mermaid(d)
    assert text.splitlines()[0] == "stateDiagram-v2"
    declared = {m[2]: m[1] for m in map(MERMAID_STATE.match, text.splitlines()) if m}
    assert declared == {s.id: s.label for s in d.states}


@shipped
def test_mermaid_has_one_labelled_edge_per_transition(d):
    edges = [e for e in _mermaid_edges(mermaid(d)) if "[*]" not in e[:2]]
    assert len(edges) == len(d.transitions)
    for t, (source, target, label) in zip(d.transitions, edges, strict=True):
        assert (source, target) == (t.source, t.target)
        assert label.startswith(f"{t.event} ({', '.join(t.roles)})")
        for guard in t.guards:
            assert f"[{guard}" in label or f", {guard}" in label


@shipped
def test_mermaid_marks_initial_and_final_states(d):
    edges = _mermaid_edges(mermaid(d))
    assert [e[1] for e in edges if e[0] == "[*]"] == [d.initial]
    assert sorted(e[0] for e in edges if e[1] == "[*]") == sorted(s.id for s in d.states if s.final)


@shipped
def test_deadlines_are_noted_on_the_transition_they_fire(d):
    labels = {(s, t, label.split(" (")[0]): label for s, t, label in _mermaid_edges(mermaid(d))}
    dot_edges = _dot_edges(dot(d))
    timed = [s for s in d.states if s.deadline]
    assert timed
    for s in timed:
        mark = f"⏱ {s.deadline.at or format_duration(s.deadline.after)}"
        fired = [t for t in d.transitions_from(s.id) if t.event == s.deadline.fires]
        assert fired
        for t in fired:
            assert labels[(t.source, t.target, t.event)].endswith(mark)
            assert any((src, dst) == (t.source, t.target) and f'label="{t.event} (' in attrs
                       and f" {mark}\\n" in attrs for src, dst, attrs in dot_edges)
    untimed = [t for t in d.transitions
               if not (d.state(t.source).deadline and d.state(t.source).deadline.fires == t.event)]
    assert all("⏱" not in labels[(t.source, t.target, t.event)] for t in untimed)


def test_mermaid_escapes_labels_and_unsafe_ids():
    d = _tricky()
    lines = mermaid(d).splitlines()
    declared = [MERMAID_STATE.match(line) for line in lines if line.strip().startswith("state ")]
    assert all(declared), lines
    assert [_mermaid_decode(m[1]) for m in declared] == [s.label for s in d.states]
    ids = [m[2] for m in declared]
    assert "end" not in ids and "a-b" not in ids and len(set(ids)) == 3
    edges = [e for e in _mermaid_edges("\n".join(lines)) if "[*]" not in e[:2]]
    assert [_mermaid_decode(e[2]) for e in edges] == ["go (system) ⏱ 36h",
                                                      "fin (admin, operator) [g;1, g:2#]"]
    # '#' and ';' end a transition text in Mermaid's grammar, so they may appear only in "#code;" form.
    assert all(re.fullmatch(r"(?:[^#;]|#\w+;)*", e[2]) for e in edges)


# -- Graphviz DOT --------------------------------------------------------------------------------

@shipped
def test_dot_has_every_state_and_transition(d):
    text = dot(d)
    assert text.startswith(f'digraph "{d.id}" {{') and text.rstrip().endswith("}")
    assert "rankdir=LR" in text
    nodes = {m[1]: m[2] for m in map(DOT_NODE.match, text.splitlines()) if m}
    for s in d.states:
        assert f'label="{s.label}\\n({s.id})"' in nodes[s.id]
    edges = [e for e in _dot_edges(text) if e[0] != "[*]"]
    assert [(s, t) for s, t, _ in edges] == [(t.source, t.target) for t in d.transitions]
    for t, (_, _, attrs) in zip(d.transitions, edges, strict=True):
        assert f'label="{t.event} ({", ".join(t.roles)})' in attrs
        assert t.label in attrs


@shipped
def test_dot_marks_initial_final_and_system_transitions(d):
    text = dot(d)
    nodes = {m[1]: m[2] for m in map(DOT_NODE.match, text.splitlines()) if m}
    assert "shape=point" in nodes["[*]"]
    assert [e[1] for e in _dot_edges(text) if e[0] == "[*]"] == [d.initial]
    for s in d.states:
        assert ("peripheries=2" in nodes[s.id]) == s.final, s.id
    edges = [e for e in _dot_edges(text) if e[0] != "[*]"]
    for t, (_, _, attrs) in zip(d.transitions, edges, strict=True):
        assert ("style=dashed" in attrs) == ("system" in t.roles), t.event


def test_dot_quotes_labels_and_ids():
    text = dot(_tricky())
    assert text.startswith('digraph "uji \\"x\\"" {')
    assert '"end" [label="Awal \\"mulai\\": A; B #1 <b>\\n(end)"];' in text
    assert '"a-b" [label="Tengah \\\\ miring\\n(a-b)"];' in text
    assert '"end" -> "a-b" [label="go (system) ⏱ 36h\\nLanjut \\"x\\"", style=dashed];' in text


@needs_dot
@shipped
def test_dot_renders_to_svg_showing_every_state_label(d):
    lines = _svg_lines(_svg(dot(d)))
    for s in d.states:
        assert s.label in lines, s.id
    for t in d.transitions:
        assert any(line.startswith(f"{t.event} (") for line in lines), t.event


@needs_dot
def test_dot_renders_labels_with_special_characters():
    d = _tricky()
    lines = _svg_lines(_svg(dot(d)))
    assert [s.label for s in d.states if s.label not in lines] == []
    assert 'Lanjut "x"' in lines and "fin (admin, operator) [g;1, g:2#]" in lines


# -- purity --------------------------------------------------------------------------------------

def test_diagram_imports_only_the_standard_library_and_spec():
    tree = ast.parse(Path(workflow.diagram.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    outside = {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names and m != ".spec"}
    assert outside == set()
    assert "subprocess" not in imported
