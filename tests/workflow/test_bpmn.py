"""BPMN 2.0 export of a definition's lifecycle: valid against the OMG schema (vendored under
tests/data/bpmn20), and parsed back it holds every state, transition, lane, gateway and timer."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest

from handlers import REGISTRY
from tests.conftest import DEFINITIONS, ROOT
from workflow.bpmn import LANE_NAMES, iso_duration, to_bpmn
from workflow.layout import state_role, task_exits
from workflow.loader import load_file
from workflow.spec import Deadline, Definition, Scoring, StateSpec, TransitionSpec

etree = pytest.importorskip("lxml.etree")

SCHEMA_DIR = ROOT / "tests" / "data" / "bpmn20"
FILES = [DEFINITIONS / "p2ham-2023.yaml", DEFINITIONS / "p2ham-2024.yaml",
         *sorted((ROOT / "tests" / "data" / "definitions").glob("*.yaml"))]
ALL = [load_file(f, REGISTRY) for f in FILES]
every = pytest.mark.parametrize("d", ALL, ids=lambda d: d.id)
NS = {"b": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
B = "{%s}" % NS["b"]
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "BPMN20.xsd")))


class Parsed:
    """The export read back with the standard library only."""

    def __init__(self, xml: str):
        self.root = ET.fromstring(xml.encode("utf-8"))
        self.process = self.root.find("b:process", NS)
        self.by_id = {el.get("id"): el for el in self.root.iter() if el.get("id")}
        self.flows = self.process.findall("b:sequenceFlow", NS)

    def kind(self, el) -> str:
        return el.tag.removeprefix(B)

    def state_of(self, element_id: str) -> str | None:
        """The state an element stands for: a task or end event itself, a gateway through the single
        flow into it, a boundary event through the task it is attached to."""
        el = self.by_id[element_id]
        kind = self.kind(el)
        if kind in ("userTask", "serviceTask", "endEvent"):
            return el.get("id")
        if kind == "exclusiveGateway":
            (into,) = [f for f in self.flows if f.get("targetRef") == element_id]
            return self.state_of(into.get("sourceRef"))
        if kind == "boundaryEvent":
            return self.state_of(el.get("attachedToRef"))
        return None

    def transitions(self) -> list[tuple[str, str, str, str]]:
        """(source element, event, target element, via) for each flow that is a transition."""
        out = []
        for f in self.flows:
            src = self.by_id[f.get("sourceRef")]
            if f.get("name") is None:  # start -> initial, task -> its gateway
                continue
            out.append((self.state_of(src.get("id")), f.get("name").split(" ")[0],
                        self.state_of(f.get("targetRef")), self.kind(src)))
        return out


def _element(d: Definition, sid: str) -> str:
    return ("End_" if d.state(sid).final else "Task_") + re.sub(r"[^A-Za-z0-9_.-]", "_", sid)


# -- schema ----------------------------------------------------------------------------------------
@every
def test_export_validates_against_the_bpmn20_schema(d, schema):
    doc = etree.fromstring(to_bpmn(d).encode("utf-8"))
    assert schema.validate(doc), schema.error_log
    assert doc.tag == B + "definitions"


def test_the_schema_check_is_real(schema):
    """A flow without its source is refused, so the test above can fail."""
    doc = etree.fromstring(to_bpmn(ALL[0]).encode("utf-8"))
    flow = doc.find(".//b:sequenceFlow", NS)
    del flow.attrib["sourceRef"]
    assert not schema.validate(doc)


def test_schema_files_are_the_omg_ones():
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert "formal/2011-01-03" in readme
    for name in ("BPMN20.xsd", "Semantic.xsd", "BPMNDI.xsd", "DC.xsd", "DI.xsd"):
        text = (SCHEMA_DIR / name).read_text(encoding="utf-8-sig")
        assert "http://www.omg.org/spec/" in text and name in readme


# -- semantics -------------------------------------------------------------------------------------
@every
def test_every_state_comes_back_as_a_task_or_an_end_event(d):
    p = Parsed(to_bpmn(d))
    for s in d.states:
        el = p.by_id[_element(d, s.id)]
        assert el.get("name") == s.label
        if s.final:
            assert p.kind(el) == "endEvent"
        else:
            assert p.kind(el) == ("serviceTask" if state_role(d, s.id) == "system" else "userTask")
    kinds = [p.kind(el) for el in p.process]
    assert kinds.count("userTask") + kinds.count("serviceTask") + kinds.count("endEvent") == len(d.states)
    assert kinds.count("startEvent") == 1
    (start,) = p.process.findall("b:startEvent", NS)
    (first,) = [f for f in p.flows if f.get("sourceRef") == start.get("id")]
    assert first.get("targetRef") == _element(d, d.initial)


@every
def test_every_transition_comes_back_as_a_sequence_flow(d):
    p = Parsed(to_bpmn(d))
    found = {(a, e, b) for a, e, b, _ in p.transitions()}
    wanted = {(_element(d, t.source), t.event, _element(d, t.target)) for t in d.transitions}
    assert found == wanted
    for t in d.transitions:  # a deadline-fired transition a person may also fire leaves both ways
        vias = {via for a, e, b, via in p.transitions()
                if (a, e, b) == (_element(d, t.source), t.event, _element(d, t.target))}
        people = any(r != "system" for r in t.roles)
        deadline = d.state(t.source).deadline
        timer = deadline is not None and deadline.fires == t.event
        assert ("boundaryEvent" in vias) == timer
        assert bool(vias - {"boundaryEvent"}) == (people or not timer)
    for f in p.flows:  # flows refer to existing nodes and are listed on both ends
        assert f.get("id") in [x.text for x in p.by_id[f.get("sourceRef")].findall("b:outgoing", NS)]
        assert f.get("id") in [x.text for x in p.by_id[f.get("targetRef")].findall("b:incoming", NS)]


@every
def test_branching_states_get_an_exclusive_gateway_with_conditions(d):
    p = Parsed(to_bpmn(d))
    gateways = p.process.findall("b:exclusiveGateway", NS)
    branching = [s.id for s in d.states if len(task_exits(d, s.id)) > 1]
    assert sorted(p.state_of(g.get("id")) for g in gateways) == sorted(_element(d, s) for s in branching)
    for g in gateways:
        out = [f for f in p.flows if f.get("sourceRef") == g.get("id")]
        sid = next(s for s in branching if _element(d, s) == p.state_of(g.get("id")))
        assert len(out) == len(task_exits(d, sid)) > 1
        for f, t in zip(out, task_exits(d, sid), strict=True):
            cond = f.find("b:conditionExpression", NS)
            assert cond.get(f"{{{NS['xsi']}}}type") == "bpmn:tFormalExpression"
            assert cond.text == " and ".join([f"event == '{t.event}'", *t.guards])


def test_2023_assessment_branches_on_its_guards():
    d = ALL[0]
    p = Parsed(to_bpmn(d))
    gw = p.by_id["Gateway_assessment"]
    out = {f.get("targetRef"): f for f in p.flows if f.get("sourceRef") == gw.get("id")}
    assert set(out) == {"Task_awarded", "End_assessment_failed"}
    assert out["Task_awarded"].get("name") == "submit_assessment [assessment_passed]"
    assert "assessment_failed" in out["End_assessment_failed"].find("b:conditionExpression", NS).text
    assert "Gateway_evaluation_review" in p.by_id and "Gateway_declared" not in p.by_id


@every
def test_lanes_hold_each_role_and_every_node_once(d):
    p = Parsed(to_bpmn(d))
    lanes = p.process.findall("b:laneSet/b:lane", NS)
    refs = [r.text for lane in lanes for r in lane.findall("b:flowNodeRef", NS)]
    skip = ("laneSet", "sequenceFlow", "documentation")
    nodes = [el.get("id") for el in p.process if p.kind(el) not in skip]
    assert sorted(refs) == sorted(nodes)  # every flow node in exactly one lane
    lane_of = {r.text: lane.get("name") for lane in lanes for r in lane.findall("b:flowNodeRef", NS)}
    for s in d.states:
        assert lane_of[_element(d, s.id)] == LANE_NAMES[state_role(d, s.id)]
        if s.task is not None:
            assert lane_of[_element(d, s.id)] == LANE_NAMES[s.task.role]
    roles = {state_role(d, s.id) for s in d.states}
    assert sorted(lane.get("name") for lane in lanes) == sorted(LANE_NAMES[r] for r in roles)


def test_2023_lanes_are_the_four_people():
    p = Parsed(to_bpmn(ALL[0]))
    names = [lane.get("name") for lane in p.process.findall("b:laneSet/b:lane", NS)]
    assert names == ["Admin", "Operator Unit Kerja", "Verifikator", "Penilai"]


@every
def test_each_deadline_is_a_timer_boundary_event_on_its_state(d):
    p = Parsed(to_bpmn(d))
    timers = p.process.findall("b:boundaryEvent", NS)
    with_deadline = [s for s in d.states if s.deadline is not None]
    assert len(timers) == len(with_deadline)
    for s in with_deadline:
        (ev,) = [t for t in timers if t.get("attachedToRef") == _element(d, s.id)]
        assert ev.get("cancelActivity") == "true"
        definition = ev.find("b:timerEventDefinition", NS)
        if s.deadline.at is not None:
            assert definition.find("b:timeDate", NS).text == d.date(s.deadline.at).isoformat()
        else:
            assert definition.find("b:timeDuration", NS).text == iso_duration(s.deadline.after)
        out = [f for f in p.flows if f.get("sourceRef") == ev.get("id")]
        fired = [t for t in d.transitions_from(s.id) if t.event == s.deadline.fires]
        assert [(f.get("name").split(" ")[0], f.get("targetRef")) for f in out] == \
            [(t.event, _element(d, t.target)) for t in fired]


def test_2023_timer_values():
    p = Parsed(to_bpmn(ALL[0]))
    timer = {ev.get("attachedToRef"): ev.find("b:timerEventDefinition/*", NS)
             for ev in p.process.findall("b:boundaryEvent", NS)}
    assert timer["Task_declared"].tag == B + "timeDate"
    assert timer["Task_declared"].text == "2023-03-31T23:59:59+07:00"
    assert timer["Task_evaluation_review"].tag == B + "timeDuration"
    assert timer["Task_evaluation_review"].text == "P14D"
    assert timer["Task_awarded"].text == "2023-12-10T09:00:00+07:00"


@pytest.mark.parametrize("td,iso", [(timedelta(days=14), "P14D"), (timedelta(hours=36), "P1DT12H"),
                                    (timedelta(minutes=90), "PT1H30M"), (timedelta(seconds=5), "PT5S"),
                                    (timedelta(0), "P0D")])
def test_iso_duration(td, iso):
    assert iso_duration(td) == iso


# -- diagram interchange and ids -------------------------------------------------------------------
@every
def test_ids_are_unique_ncnames_and_every_di_element_points_at_one(d):
    p = Parsed(to_bpmn(d))
    ids = [el.get("id") for el in p.root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids)
    plane = p.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == p.root.find("b:collaboration", NS).get("id")
    shown = []
    for di in plane:
        assert di.get("bpmnElement") in p.by_id, di.get("bpmnElement")
        shown.append(di.get("bpmnElement"))
        if di.tag.endswith("BPMNEdge"):
            points = di.findall("di:waypoint", NS)
            assert len(points) >= 2
            assert p.kind(p.by_id[di.get("bpmnElement")]) == "sequenceFlow"
        else:
            assert di.find("dc:Bounds", NS) is not None
    drawable = [el.get("id") for el in p.process if p.kind(el) not in ("laneSet", "documentation")]
    lanes = [lane.get("id") for lane in p.process.findall("b:laneSet/b:lane", NS)]
    participant = p.root.find("b:collaboration/b:participant", NS).get("id")
    assert sorted(shown) == sorted(drawable + lanes + [participant])  # each drawn exactly once


@every
def test_shapes_sit_in_their_lanes(d):
    p = Parsed(to_bpmn(d))
    plane = p.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    bounds = {di.get("bpmnElement"): {k: float(v) for k, v in di.find("dc:Bounds", NS).attrib.items()}
              for di in plane if di.tag.endswith("BPMNShape")}
    for lane in p.process.findall("b:laneSet/b:lane", NS):
        lb = bounds[lane.get("id")]
        for ref in lane.findall("b:flowNodeRef", NS):
            if p.kind(p.by_id[ref.text]) == "boundaryEvent":
                continue  # on its task's border
            b = bounds[ref.text]
            assert lb["y"] <= b["y"] and b["y"] + b["height"] <= lb["y"] + lb["height"], ref.text
            assert lb["x"] <= b["x"] and b["x"] + b["width"] <= lb["x"] + lb["width"], ref.text


@every
def test_export_is_deterministic(d):
    assert to_bpmn(d) == to_bpmn(load_file(Path(d.source_name), REGISTRY))


def _odd() -> Definition:
    """State ids that are not NCNames and collide once made so; text that needs escaping."""
    states = (
        StateSpec("1 mulai", 'Mulai <&"x">', role="operator",
                  deadline=Deadline(fires="tutup", after=timedelta(hours=36))),
        StateSpec("a b", "Tengah", task=None, role="verifikator"),
        StateSpec("a_b", "Tengah juga", role="system"),
        StateSpec("selesai", "Selesai", final=True),
    )
    transitions = (
        TransitionSpec("kirim", "1 mulai", "a b", ("operator",), label="Kirim <b>", guards=("g<1",)),
        TransitionSpec("tutup", "1 mulai", "a_b", ("system",)),
        TransitionSpec("lanjut", "a b", "selesai", ("verifikator",)),
        TransitionSpec("lanjut", "a b", "selesai", ("verifikator",), guards=("lagi",)),
        TransitionSpec("otomatis", "a_b", "selesai", ("system",)),
    )
    return Definition(id="uji odd/1", year=2024, title='Uji "&" <x>', regulation="", timezone="Asia/Jakarta",
                      calendar=(), initial="1 mulai", states=states, transitions=transitions, catalogue=(),
                      scoring=Scoring(scales=(), default_scale="x", pass_threshold=75, predicate="P"))


@pytest.mark.parametrize("seed", range(40))
def test_random_lifecycles_export_valid_and_whole(seed, schema):
    from tests.workflow.test_layout_svg import random_definition

    d = random_definition(seed)
    xml = to_bpmn(d)
    assert schema.validate(etree.fromstring(xml.encode("utf-8"))), schema.error_log
    p = Parsed(xml)
    assert {(a, e, b) for a, e, b, _ in p.transitions()} == \
        {(_element(d, t.source), t.event, _element(d, t.target)) for t in d.transitions}
    assert len(p.process.findall("b:boundaryEvent", NS)) == sum(s.deadline is not None for s in d.states)


def test_odd_ids_and_text_still_make_a_valid_export(schema):
    d = _odd()
    xml = to_bpmn(d)
    assert schema.validate(etree.fromstring(xml.encode("utf-8"))), schema.error_log
    p = Parsed(xml)
    assert p.by_id["Task_1_mulai"].get("name") == 'Mulai <&"x">'
    assert {"Task_a_b", "Task_a_b_2"} <= set(p.by_id)  # "a b" and "a_b" stay apart
    assert p.kind(p.by_id["Task_a_b_2"]) == "serviceTask"  # only the system acts there
    names = sorted(f.get("name") for f in p.flows if f.get("name"))
    assert "kirim [g<1]" in names and names.count("lanjut") == 1 and "lanjut [lagi]" in names
    assert len([f for f in p.flows if f.get("name", "").startswith("lanjut")]) == 2
    assert p.root.find(".//b:timeDuration", NS).text == "P1DT12H"


# -- in a standard BPMN viewer ---------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)")
def test_bpmn_js_imports_every_export_without_warnings():
    """bpmn-js (the viewer of bpmn.io and Camunda Modeler, vendored) reads each export whole."""
    sync_api = pytest.importorskip("playwright.sync_api")
    viewer = (SCHEMA_DIR / "bpmn-viewer.production.min.js").read_text(encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><html><body><div id='canvas' style='width:1600px;height:900px'>"
                             "</div></body></html>")
            page.add_script_tag(content=viewer)
            for d in [*ALL, _odd()]:
                xml = to_bpmn(d)
                result = page.evaluate("""async (xml) => {
                    const viewer = new BpmnJS({container: '#canvas'});
                    try {
                        const {warnings} = await viewer.importXML(xml);
                        const ids = viewer.get('elementRegistry').getAll().map(e => e.id);
                        viewer.destroy();
                        return {warnings: warnings.map(w => w.message), ids};
                    } catch (err) {
                        return {error: String(err), warnings: (err.warnings || []).map(w => w.message)};
                    }
                }""", xml)
                assert "error" not in result, (d.id, result)
                assert result["warnings"] == [], (d.id, result["warnings"])
                p = Parsed(xml)
                drawn = [el.get("id") for el in p.process if p.kind(el) not in ("laneSet", "documentation")]
                assert set(drawn) <= set(result["ids"]), d.id
        finally:
            browser.close()
