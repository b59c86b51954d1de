"""The pure lifecycle layout and the SVG drawn from it: nothing overlaps, every edge is a route
between its states' borders, the picture is well-formed, accessible and escapes its text."""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from handlers import REGISTRY
from tests.conftest import DEFINITIONS, ROOT
from workflow.layout import START, Box, layout
from workflow.lifecycle_svg import render
from workflow.loader import load_file
from workflow.spec import ROLES, Deadline, Definition, Scoring, StateSpec, Task, TransitionSpec

FILES = [DEFINITIONS / "p2ham-2023.yaml", DEFINITIONS / "p2ham-2024.yaml",
         *sorted((ROOT / "tests" / "data" / "definitions").glob("*.yaml"))]
ALL = [load_file(f, REGISTRY) for f in FILES]
every = pytest.mark.parametrize("d", ALL, ids=lambda d: d.id)
SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = Path("/usr/bin/chromium")


def _overlap(a: Box, b: Box, slack: float = 0.0) -> bool:
    return (a.x < b.right - slack and b.x < a.right - slack
            and a.y < b.bottom - slack and b.y < a.bottom - slack)


def _crosses(p, q, b: Box) -> bool:
    """Whether the axis-parallel segment p-q passes through the inside of box b (1 px in)."""
    (x1, y1), (x2, y2) = p, q
    inner = Box(b.x + 1, b.y + 1, b.w - 2, b.h - 2)
    seg = Box(min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.01, abs(y2 - y1) or 0.01)
    return _overlap(seg, inner)


def _tricky() -> Definition:
    states = (
        StateSpec("mulai", 'Awal <&"> satu', role="operator",
                  deadline=Deadline(fires="ulang", after=timedelta(days=3))),
        StateSpec("x&y", "Tengah </text>", role="verifikator"),
        StateSpec("akhir", "Akhir & selesai", final=True),
    )
    transitions = (
        TransitionSpec("kirim", "mulai", "x&y", ("operator",), label='Kirim "<b>"', guards=("g<&>",)),
        TransitionSpec("ulang", "mulai", "mulai", ("system",), label="Ulang & lagi"),
        TransitionSpec("simpan", "mulai", "mulai", ("operator",), label="Simpan draf isian"),
        TransitionSpec("kembali", "x&y", "mulai", ("verifikator",)),
        TransitionSpec("selesai", "x&y", "akhir", ("verifikator",)),
    )
    return Definition(id='uji<&>"', year=2024, title='Uji <&"> judul', regulation="", timezone="Asia/Jakarta",
                      calendar=(), initial="mulai", states=states, transitions=transitions, catalogue=(),
                      scoring=Scoring(scales=(), default_scale="x", pass_threshold=75, predicate="P"))


def random_definition(seed: int) -> Definition:
    """A random lifecycle: 2-11 states, 1-4 ways out of each non-final one (loops, back edges, parallel
    edges, several roles), deadlines of both kinds, labels of 0-5 words."""
    r = random.Random(seed)
    words = "Verifikasi Evaluasi Penilaian Data Dukung Pembangunan Kirim Tolak Terima Kembalikan".split()
    ids = [f"s{i}" for i in range(r.randint(2, 11))]
    finals = set(r.sample(ids[1:], r.randint(1, max(1, len(ids) // 3))))
    transitions = [
        TransitionSpec(r.choice(["kirim", "tolak", "ulang", f"e{r.randint(0, 99)}"]), sid, r.choice(ids),
                       tuple(r.sample(ROLES, r.randint(1, 2))),
                       label=" ".join(r.sample(words, r.randint(0, 5))),
                       guards=tuple(r.sample(["g1", "window_open", "lulus"], r.randint(0, 2))))
        for sid in ids if sid not in finals for _ in range(r.randint(1, 4))]
    states = []
    for sid in ids:
        label = " ".join(r.sample(words, r.randint(1, 4)))
        if sid in finals:
            states.append(StateSpec(sid, label, final=True))
            continue
        fires = r.choice([t.event for t in transitions if t.source == sid])
        after = timedelta(days=r.randint(1, 20))
        deadline = r.choice([None, Deadline(fires, after=after), Deadline(fires, at="k")])
        task = Task(r.choice(ROLES[:4]), "Tugas") if r.random() < 0.3 else None
        states.append(StateSpec(sid, label, role=r.choice([*ROLES, None]), task=task, deadline=deadline))
    wib = timezone(timedelta(hours=7))
    return Definition(id=f"acak-{seed}", year=2024, title="Acak", regulation="", timezone="Asia/Jakarta",
                      calendar=(("k", datetime(2024, 5, 1, tzinfo=wib)),), initial="s0",
                      states=tuple(states), transitions=tuple(transitions), catalogue=(),
                      scoring=Scoring(scales=(), default_scale="x", pass_threshold=75, predicate="P"))


RANDOM = [random_definition(seed) for seed in range(40)]
shapes = pytest.mark.parametrize("d", [*ALL, _tricky(), *RANDOM], ids=lambda d: d.id)


# -- layout ----------------------------------------------------------------------------------------
@shapes
def test_no_two_nodes_or_labels_overlap(d):
    lay = layout(d)
    boxes = [(f"node {n.id}", n.box) for n in lay.nodes.values()]
    boxes += [(f"label {e.index}", e.label) for e in lay.edges if e.label is not None]
    assert len(lay.nodes) == len(d.states) + 1
    for (na, a), (nb, b) in itertools.combinations(boxes, 2):
        assert not _overlap(a, b), f"{na} overlaps {nb}"


@shapes
def test_every_edge_runs_between_its_states_borders_around_every_box(d):
    lay = layout(d)
    assert len(lay.edges) == len(d.transitions) + 1  # and the start marker's
    assert sorted(e.index for e in lay.edges) == list(range(-1, len(d.transitions)))
    labels = [e.label for e in lay.edges if e.label is not None]
    for e in lay.edges:
        t = d.transitions[e.index] if e.index >= 0 else None
        assert (e.source, e.target) == ((t.source, t.target) if t else (START, d.initial))
        assert len(e.points) >= 2
        src, dst = lay.nodes[e.source].box, lay.nodes[e.target].box
        (x0, y0), (x1, y1) = e.points[0], e.points[-1]
        if e.loop:
            assert y0 == y1 == round(src.y, 1) and src.x < x1 < x0 < src.right
        else:
            assert x0 == round(src.x if e.back else src.right, 1) and src.y < y0 < src.bottom
            assert x1 == round(dst.right if e.back else dst.x, 1) and dst.y < y1 < dst.bottom
        for p, q in itertools.pairwise(e.points):
            assert p[0] == q[0] or p[1] == q[1], f"{e.index}: {p} -> {q} is not orthogonal"
            for n in lay.nodes.values():
                assert not _crosses(p, q, n.box), f"edge {e.index} crosses node {n.id}"
            for b in labels:
                assert not _crosses(p, q, b), f"edge {e.index} crosses a label at {b}"


@shapes
def test_ranks_follow_the_flow_and_nodes_sit_in_their_lanes(d):
    lay = layout(d)
    for e in lay.edges:
        if not e.loop:
            a, b = lay.nodes[e.source].rank, lay.nodes[e.target].rank
            assert (a > b) if e.back else (a < b)
    lanes = {lane.role: lane.box for lane in lay.lanes}
    for n in lay.nodes.values():
        lb = lanes[n.lane]
        assert lb.y <= n.box.y and n.box.bottom <= lb.bottom
        assert lb.x < n.box.x and n.box.right <= lb.right
    for a, b in itertools.pairwise(lay.lanes):
        assert a.box.bottom == b.box.y
    assert lay.lanes[-1].box.bottom <= lay.height
    assert max(n.box.right for n in lay.nodes.values()) <= lay.width


def test_2023_back_edge_and_loops():
    lay = layout(ALL[0])
    events = {e.index: ALL[0].transitions[e.index].event for e in lay.edges if e.index >= 0}
    assert sorted(events[e.index] for e in lay.edges if e.back) == ["return_evaluation"]
    assert sorted(events[e.index] for e in lay.edges if e.loop) == [
        "escalate_assessment", "escalate_evaluation_review", "escalate_verification"]
    assert [lane.role for lane in lay.lanes] == ["admin", "operator", "verifikator", "penilai"]


@every
def test_layout_is_deterministic(d):
    again = load_file(Path(d.source_name), REGISTRY)
    assert layout(d) == layout(again) and render(d) == render(again)


# -- SVG -------------------------------------------------------------------------------------------
@shapes
def test_svg_is_well_formed_with_one_shape_per_state_and_one_path_per_transition(d):
    root = ET.fromstring(render(d))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert d.title in title.text
    for s in d.states:
        assert f"{s.label} ({s.id})" in desc.text
    for t in d.transitions:
        assert f"lewat {t.event}" in desc.text
    groups = list(root.iter(SVG + "g"))
    states = [g for g in groups if "state" in (g.get("class") or "").split()]
    assert sorted(g.get("data-state") for g in states) == sorted(s.id for s in d.states)
    for g in states:
        final = d.state(g.get("data-state")).final
        assert len(g.findall(SVG + "rect")) == (2 if final else 1)  # final states double-bordered
        assert g.find(SVG + "title").text.startswith(d.state(g.get("data-state")).label)
    edges = [g for g in groups if "transition" in (g.get("class") or "").split()]
    assert len(edges) == len(d.transitions) + 1
    assert [len(g.findall(SVG + "path")) for g in edges] == [1] * len(edges)
    for g, t in zip(edges[1:], d.transitions, strict=True):
        assert g.get("data-event") == t.event
        dashed = g.find(SVG + "path").get("stroke-dasharray") is not None
        assert dashed == ("system" in t.roles)
        assert g.find(SVG + "path").get("marker-end").startswith("url(#")


def test_deadlines_are_marked_on_the_transition_they_fire():
    root = ET.fromstring(render(ALL[0]))
    texts = {g.get("data-event"): [t.text for t in g.iter(SVG + "text")]
             for g in root.iter(SVG + "g") if g.get("data-event")}
    assert texts["escalate_evaluation_review"][-1] == "⏱ 14d"
    assert texts["close_evidence_input"][-1] == "⏱ evidence_input_closes"
    assert texts["submit_assessment"][-1] == "[assessment_failed]"
    assert not any("⏱" in t for t in texts["pass_evaluation"])


def test_svg_escapes_every_text():
    svg = render(_tricky())
    root = ET.fromstring(svg)  # would raise on a stray < or &
    texts = [t.text for t in root.iter(SVG + "text")]
    assert 'Awal <&">' in " ".join(texts) and "Tengah </text>" in " ".join(texts)
    assert 'Kirim "<b>"' in texts and "[g<&>]" in texts and "Ulang & lagi" in texts
    assert "x&y" in texts
    assert root.find(SVG + "title").text == 'Diagram siklus Uji <&"> judul (uji<&>")'
    assert "<b>" not in svg and 'Awal <&"' not in svg
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert all('"' not in i and "<" not in i for i in ids) and len(ids) == len(set(ids))


def test_two_versions_get_distinct_element_ids():
    a, b = ALL[0], ALL[1]
    ids_a = {el.get("id") for el in ET.fromstring(render(a)).iter() if el.get("id")}
    ids_b = {el.get("id") for el in ET.fromstring(render(b)).iter() if el.get("id")}
    assert ids_a and not ids_a & ids_b


# -- in a real browser -----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)")
def test_in_chromium_no_text_overlaps_and_labels_fit_their_boxes():
    """With the browser's real font metrics: no two texts overlap, state labels stay in their box."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for d in ALL[:2]:
                page.set_content(f"<!doctype html><html><body style='margin:0'>{render(d)}</body></html>")
                found = page.evaluate("""() => {
                    const box = el => { const r = el.getBoundingClientRect();
                                        return {x: r.x, y: r.y, w: r.width, h: r.height}; };
                    const texts = [...document.querySelectorAll('g.states text, g.transitions text')]
                        .map(t => ({text: t.textContent, b: box(t)}));
                    const states = [...document.querySelectorAll('g.state')].map(g => ({
                        id: g.dataset.state, rect: box(g.querySelector('rect')),
                        texts: [...g.querySelectorAll('text')].map(box)}));
                    return {texts, states};
                }""")
                for a, b in itertools.combinations(found["texts"], 2):
                    ba, bb = (Box(t["b"]["x"], t["b"]["y"], t["b"]["w"], t["b"]["h"]) for t in (a, b))
                    assert not _overlap(ba, bb, slack=1.5), f"{d.id}: '{a['text']}' overlaps '{b['text']}'"
                for s in found["states"]:
                    r = s["rect"]
                    for t in s["texts"]:
                        assert r["x"] <= t["x"] and t["x"] + t["w"] <= r["x"] + r["w"], f"{d.id}: {s['id']}"
        finally:
            browser.close()
