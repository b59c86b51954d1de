"""A definition's lifecycle as BPMN 2.0 XML (OMG formal/2011-01-03), with diagram interchange.

One collaboration with one participant and its process; a lane per role that owns a node; a start
event before the initial state; a user task per state a person acts in (a service task where only
the system does); an exclusive gateway after a task with more than one way out, its flows carrying
the event and guards as condition; an interrupting timer boundary event per deadline (``timeDate``
for a calendar date, ISO-8601 ``timeDuration`` for a relative one) whose flow is the transition the
deadline fires; an end event per final state. Shapes and waypoints come from ``workflow.layout``,
so a BPMN modeler shows the graph the editor page shows. Ids are stable NCNames made from state ids
and events. Pure: standard library only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import timedelta

from .layout import START, Box, EdgeLayout, layout, state_role, task_exits
from .layout_text import fired_by_deadline
from .spec import ROLE_LABELS, Definition

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NAMESPACES = {
    "bpmn": MODEL,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
EVENT, GATEWAY = 36, 50
LANE_NAMES = {**ROLE_LABELS, "system": "Sistem"}


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""
    documentation: str = ""
    points: list = field(default_factory=list)
    label: Box | None = None


class _Ids:
    """NCName ids: a prefix, the sanitised parts, and a counter only when two would collide."""

    def __init__(self):
        self.used: set[str] = set()

    def make(self, prefix: str, *parts: str) -> str:
        base = "_".join([prefix] + [re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in parts])
        out, n = base, 2
        while out in self.used:
            out, n = f"{base}_{n}", n + 1
        self.used.add(out)
        return out


def to_bpmn(d: Definition) -> str:
    """BPMN 2.0 XML text (UTF-8 declaration included) of ``d``'s lifecycle."""
    lay = layout(d)
    ids = _Ids()
    key = re.sub(r"[^A-Za-z0-9_.-]", "_", d.id)
    process_id, collab_id = ids.make("Process", key), ids.make("Collaboration", key)
    participant_id = ids.make("Participant", key)
    lane_ids = {lane.role: ids.make("Lane", lane.role) for lane in lay.lanes}
    start_id = ids.make("StartEvent")
    node_ids = {s.id: ids.make("End" if s.final else "Task", s.id) for s in d.states}
    gateways = {s.id: ids.make("Gateway", s.id) for s in d.states if len(task_exits(d, s.id)) > 1}
    timers = {s.id: ids.make("Timer", s.id) for s in d.states if s.deadline is not None and not s.final}
    edges = {e.index: e for e in lay.edges}
    boxes = {sid: n.box for sid, n in lay.nodes.items()}

    flows = [_Flow(ids.make("Flow", "start"), start_id, node_ids[d.initial], points=list(edges[-1].points))]
    for sid, gid in gateways.items():
        b = boxes[sid]
        flows.append(_Flow(ids.make("Flow", sid, "gateway"), node_ids[sid], gid,
                           points=[(b.right, b.cy), (b.right + 10, b.cy)]))
    for i, t in enumerate(d.transitions):
        e, b = edges[i], boxes[t.source]
        name = t.event + (f" [{', '.join(t.guards)}]" if t.guards else "")
        if t in task_exits(d, t.source):
            if t.source in gateways:
                cond = " and ".join([f"event == '{t.event}'", *t.guards])
                gw = _gateway_box(b)
                pts = _restart((gw.right, gw.cy), e, gw.right + 5, b.bottom + 10)
                src = gateways[t.source]
            else:
                cond, pts, src = " and ".join(t.guards), list(e.points), node_ids[t.source]
            flows.append(_Flow(ids.make("Flow", t.source, t.event, t.target), src, node_ids[t.target], name,
                               cond, t.label, pts, e.label))
        if fired_by_deadline(d, t):
            tb = _timer_box(b, e)
            start = (tb.cx, tb.y) if e.loop else (tb.right, tb.cy)
            pts = [start] + list(e.points[1:]) if e.loop else _restart(start, e, b.right + 6, tb.bottom + 6)
            flows.append(_Flow(ids.make("Flow", t.source, t.event, t.target, "timer"), timers[t.source],
                               node_ids[t.target], name, "", t.label, pts, e.label))

    root = ET.Element("bpmn:definitions", {
        **{f"xmlns:{p}": uri for p, uri in NAMESPACES.items()},
        "id": ids.make("Definitions", key), "targetNamespace": f"urn:p2ham:definition:{key}",
        "exporter": "p2ham", "exporterVersion": d.short_hash or "0"})
    collab = ET.SubElement(root, "bpmn:collaboration", {"id": collab_id})
    ET.SubElement(collab, "bpmn:participant", {"id": participant_id, "name": d.title,
                                               "processRef": process_id})
    process = ET.SubElement(root, "bpmn:process",
                            {"id": process_id, "name": d.title, "isExecutable": "false"})
    if d.regulation:
        _text(process, "bpmn:documentation", d.regulation)

    members = {role: [] for role in lane_ids}
    members[lay.nodes[START].lane].append(start_id)
    incoming, outgoing = {}, {}
    for f in flows:
        outgoing.setdefault(f.source, []).append(f.id)
        incoming.setdefault(f.target, []).append(f.id)
    lane_set = ET.SubElement(process, "bpmn:laneSet", {"id": ids.make("LaneSet", key)})

    def node(tag: str, nid: str, name: str | None, extra: dict | None = None, doc: str = "") -> ET.Element:
        attrs = {"id": nid, **({"name": name} if name else {}), **(extra or {})}
        el = ET.SubElement(process, tag, attrs)
        if doc:
            _text(el, "bpmn:documentation", doc)
        for ref in incoming.get(nid, []):
            _text(el, "bpmn:incoming", ref)
        for ref in outgoing.get(nid, []):
            _text(el, "bpmn:outgoing", ref)
        return el

    node("bpmn:startEvent", start_id, "Mulai")
    for s in d.states:
        role = lay.nodes[s.id].lane
        nid = node_ids[s.id]
        members[role].append(nid)
        if s.final:
            node("bpmn:endEvent", nid, s.label, doc=f"{s.id}" + (f": {s.outcome}" if s.outcome else ""))
            continue
        person = state_role(d, s.id) != "system"
        doc = s.task.title if s.task is not None else ""
        node("bpmn:userTask" if person else "bpmn:serviceTask", nid, s.label, doc=doc)
        if s.id in gateways:
            members[role].append(gateways[s.id])
            node("bpmn:exclusiveGateway", gateways[s.id], None)
        if s.id in timers:
            members[role].append(timers[s.id])
            el = node("bpmn:boundaryEvent", timers[s.id], _timer_name(s.deadline),
                      {"attachedToRef": nid, "cancelActivity": "true"})
            definition = ET.SubElement(el, "bpmn:timerEventDefinition",
                                       {"id": ids.make("TimerDefinition", s.id)})
            tag, value = _timer_value(d, s.deadline)
            _text(definition, tag, value, {"xsi:type": "bpmn:tFormalExpression"})
    for f in flows:
        el = ET.SubElement(process, "bpmn:sequenceFlow",
                           {"id": f.id, **({"name": f.name} if f.name else {}), "sourceRef": f.source,
                            "targetRef": f.target})
        if f.documentation:
            _text(el, "bpmn:documentation", f.documentation)
        if f.condition:
            _text(el, "bpmn:conditionExpression", f.condition, {"xsi:type": "bpmn:tFormalExpression"})
    for role, lid in lane_ids.items():
        lane = ET.SubElement(lane_set, "bpmn:lane", {"id": lid, "name": LANE_NAMES.get(role, role)})
        for ref in members[role]:
            _text(lane, "bpmn:flowNodeRef", ref)

    _diagram(root, ids, key, d, lay, collab_id, participant_id, lane_ids, start_id, node_ids, gateways,
             timers, flows, edges)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _diagram(root, ids, key, d, lay, collab_id, participant_id, lane_ids, start_id, node_ids, gateways,
             timers, flows, edges) -> None:
    dia = ET.SubElement(root, "bpmndi:BPMNDiagram", {"id": ids.make("BPMNDiagram", key), "name": d.title})
    plane = ET.SubElement(dia, "bpmndi:BPMNPlane",
                          {"id": ids.make("BPMNPlane", key), "bpmnElement": collab_id})
    top, bottom = lay.lanes[0].box.y, lay.lanes[-1].box.bottom
    _shape(plane, participant_id, Box(0, top, lay.width, bottom - top), horizontal=True)
    for lane in lay.lanes:
        _shape(plane, lane_ids[lane.role], lane.box, horizontal=True)
    start = lay.nodes[START].box
    _shape(plane, start_id, start, label=Box(start.x - 12, start.bottom + 4, start.w + 24, 14))
    for s in d.states:
        b = lay.nodes[s.id].box
        if s.final:
            circle = Box(b.x, b.cy - EVENT / 2, EVENT, EVENT)
            _shape(plane, node_ids[s.id], circle, label=Box(b.x - 20, circle.bottom + 4, b.w, 28))
            continue
        _shape(plane, node_ids[s.id], b)
        if s.id in gateways:
            _shape(plane, gateways[s.id], _gateway_box(b), marker=True)
        if s.id in timers:
            loop = next((e for e in edges.values() if e.index >= 0 and e.loop
                         and d.transitions[e.index].event == s.deadline.fires), None)
            tb = _timer_box(b, loop)
            label = Box(tb.right + 2, tb.y - 12, 96, 28) if loop else Box(tb.x - 30, tb.bottom + 2, 96, 28)
            _shape(plane, timers[s.id], tb, label=label)
    for f in flows:
        edge = ET.SubElement(plane, "bpmndi:BPMNEdge", {"id": f"{f.id}_di", "bpmnElement": f.id})
        for x, y in f.points:
            ET.SubElement(edge, "di:waypoint", {"x": _n(x), "y": _n(y)})
        if f.label is not None:
            _bounds(ET.SubElement(edge, "bpmndi:BPMNLabel"), f.label)


def _shape(plane, element: str, box: Box, *, horizontal: bool = False, marker: bool = False,
           label: Box | None = None) -> None:
    attrs = {"id": f"{element}_di", "bpmnElement": element}
    if horizontal:
        attrs["isHorizontal"] = "true"
    if marker:
        attrs["isMarkerVisible"] = "true"
    shape = ET.SubElement(plane, "bpmndi:BPMNShape", attrs)
    _bounds(shape, box)
    if label is not None:
        _bounds(ET.SubElement(shape, "bpmndi:BPMNLabel"), label)


def _bounds(parent, b: Box) -> None:
    ET.SubElement(parent, "dc:Bounds", {"x": _n(b.x), "y": _n(b.y), "width": _n(b.w), "height": _n(b.h)})


def _gateway_box(task: Box) -> Box:
    """In the room the layout leaves right of a branching task (``layout_grid.GATEWAY_ROOM``)."""
    return Box(task.right + 10, task.cy - GATEWAY / 2, GATEWAY, GATEWAY)


def _timer_box(task: Box, edge: EdgeLayout | None) -> Box:
    """On the top border where the self-loop it fires leaves, else on the bottom border, right."""
    if edge is not None and edge.loop:
        x = edge.points[0][0]
        return Box(x - EVENT / 2, task.y - EVENT / 2, EVENT, EVENT)
    return Box(task.right - 12 - EVENT, task.bottom - EVENT / 2, EVENT, EVENT)


def _restart(start: tuple[float, float], e: EdgeLayout, x_bend: float, y_low: float) -> list:
    """The layout's route of ``e`` made to begin at ``start`` (a gateway or a timer beside the task)
    instead of the task's side: join the route at its first track, or bend just after ``start``."""
    pts = list(e.points)
    rest = pts[1:]
    if rest and rest[0][0] < pts[0][0]:  # the route leaves to the left (a back edge): go under the task
        if len(rest) >= 2 and rest[0][0] == rest[1][0]:
            return _clean([start, (start[0], y_low), (rest[0][0], y_low)] + rest[1:])
        x_left = pts[0][0] - 8
        return _clean([start, (start[0], y_low), (x_left, y_low), (x_left, rest[0][1])] + rest)
    if len(rest) >= 2 and rest[0][0] == rest[1][0] and rest[0][0] > start[0]:
        return _clean([start, (rest[0][0], start[1])] + rest[1:])
    if rest and abs(rest[0][1] - start[1]) < 0.5:
        return _clean([start] + rest)
    return _clean([start, (x_bend, start[1]), (x_bend, rest[0][1])] + rest)


def _clean(points: list) -> list:
    out: list = []
    for p in points:
        if not out or p != out[-1]:
            out.append(p)
    return out


def _timer_name(deadline) -> str:
    if deadline.at is not None:
        return f"Tenggat {deadline.at}"
    from .deadlines import format_duration

    return f"Tenggat {format_duration(deadline.after)}"


def _timer_value(d: Definition, deadline) -> tuple[str, str]:
    if deadline.at is not None:
        return "bpmn:timeDate", d.date(deadline.at).isoformat()
    return "bpmn:timeDuration", iso_duration(deadline.after)


def iso_duration(td: timedelta) -> str:
    """``timedelta(days=14)`` -> ``'P14D'``; ``timedelta(hours=36)`` -> ``'P1DT12H'``."""
    seconds = int(td.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    return "P" + (f"{days}D" if days or not clock else "") + (f"T{clock}" if clock else "")


def _text(parent: ET.Element, tag: str, text: str, attrs: dict | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs or {})
    el.text = text
    return el


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")
