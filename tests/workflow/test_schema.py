"""definitions/schema.json describes the definition format the loader accepts, for editors."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from handlers import REGISTRY
from workflow import loader_catalogue as catalogue
from workflow import loader_lifecycle as lifecycle
from workflow.loader import DOCUMENT_KEYS, NOTIFICATION_KEYS, TOP_KEYS, load_text

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
SHIPPED = sorted(DEFINITIONS.glob("p2ham-*.yaml"))


def _as_editor_sees(value):
    """YAML as a JSON-Schema editor sees it: PyYAML's date and datetime objects back to text."""
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load(path: Path) -> dict:
    return _as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))


def _errors(instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(instance)]


SCHEMA = json.loads((DEFINITIONS / "schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)


@pytest.fixture
def base() -> dict:
    return _load(DEFINITIONS / "p2ham-2024.yaml")


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_both_shipped_definitions_are_found():
    assert [p.name for p in SHIPPED] == ["p2ham-2023.yaml", "p2ham-2024.yaml"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_definition_validates(path):
    assert _errors(_load(path)) == []


def test_unknown_top_level_key_fails(base):
    base["deadlines"] = {}
    assert any("deadlines" in e for e in _errors(base))


def test_unknown_state_key_fails(base):
    base["lifecycle"]["states"]["declared"]["colour"] = "red"
    errors = _errors(base)
    assert any(e.startswith("lifecycle/states/declared") and "colour" in e for e in errors), errors


def test_unknown_transition_key_fails(base):
    base["lifecycle"]["transitions"][0]["from"] = "declared"
    assert any(e.startswith("lifecycle/transitions/0") and "from" in e for e in _errors(base))


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.pop("lifecycle"), ""),
    (lambda d: d["lifecycle"]["states"]["declared"].pop("label"), "lifecycle/states/declared"),
    (lambda d: d["lifecycle"]["transitions"][0].update(role="kepala"), "lifecycle/transitions/0/role"),
    (lambda d: d["lifecycle"]["states"]["evaluation_review"]["deadline"].update(at="evaluation_closes"),
     "lifecycle/states/evaluation_review/deadline"),
    (lambda d: d["lifecycle"]["states"]["evaluation_review"]["deadline"].update(after="2 minggu"),
     "lifecycle/states/evaluation_review/deadline/after"),
    (lambda d: d["calendar"].update(award="10 Desember 2024"), "calendar/award"),
    (lambda d: d["catalogue"][0]["indicators"][0].update(evidence_any_of=[[{"id": "x", "label": "X"}]] * 2),
     "catalogue/0/indicators/0"),
    (lambda d: d["evidence_defaults"].update(types=["pdf", "docx"]), "evidence_defaults/types/1"),
    (lambda d: d["evidence_defaults"].update(max_mb=5), "evidence_defaults/max_mb"),
    (lambda d: d["scoring"].update(assessors=4), "scoring/assessors"),
    (lambda d: d.update(timezone="Asia/Makassar"), "timezone"),
], ids=["missing-lifecycle", "state-without-label", "unknown-role", "deadline-at-and-after",
        "bad-duration", "bad-date", "evidence-and-any-of", "bad-file-type", "file-too-large",
        "too-many-assessors", "other-timezone"])
def test_schema_rejects_what_the_loader_rejects(base, mutate, where):
    mutate(base)
    errors = _errors(base)
    assert any(e.split(":")[0] == where for e in errors), errors


def test_both_evidence_forms_are_accepted(base):
    indicators = base["catalogue"][0]["indicators"]
    item = {"id": "foto_a", "label": "Foto A", "types": ["PDF"], "max_mb": 1.5}
    indicators[0] = {"id": "A.1", "title": "Daftar", "evidence": [item]}
    indicators[1] = {"id": "A.2", "title": "Set berlabel", "evidence": {"label": "Set", "items": [item]}}
    indicators.append({"id": "A.3", "title": "Alternatif",
                       "evidence_any_of": [[item], {"label": "Lain", "items": [dict(item, id="foto_b")]}]})
    assert _errors(base) == []


def test_a_definition_the_schema_accepts_with_every_optional_key_also_loads(base):
    """The schema names no key the loader would reject: every optional key used at once still loads."""
    d = copy.deepcopy(base)
    d["timezone"] = "Asia/Jakarta"
    d["scoring"].update(combine="average", assessors=2)
    d["lifecycle"]["states"]["declared"].update(task={"role": "admin", "title": "Catat pencanangan"},
                                                outcome="berjalan")
    d["lifecycle"]["transitions"][0].update(source=["declared"], requires=["catatan", {
        "field": "alasan", "label": "Alasan", "kind": "list"}])
    d["catalogue"][0]["indicators"][0]["evidence"][0].update(types=["pdf"], max_mb=2)
    d["notifications"]["tugas_verifikasi"].update(template="email/tugas.txt")
    assert _errors(d) == []
    load_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), "<schema-test>", REGISTRY)


def test_top_level_keys_match_the_loader():
    assert set(SCHEMA["properties"]) == set(TOP_KEYS)
    assert set(SCHEMA["required"]) == {k for k, required in TOP_KEYS.items() if required}


def _at(pointer: str) -> dict:
    node = SCHEMA
    for part in pointer.split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@pytest.mark.parametrize("keys, pointer", [
    (lifecycle.LIFECYCLE_KEYS, "properties/lifecycle"),
    (lifecycle.STATE_KEYS, "$defs/state"),
    (lifecycle.TASK_KEYS, "$defs/state/properties/task"),
    (lifecycle.DEADLINE_KEYS, "$defs/state/properties/deadline"),
    (lifecycle.EVIDENCE_KEYS, "$defs/state/properties/evidence"),
    (lifecycle.REMINDER_KEYS, "$defs/reminder"),
    (lifecycle.TRANSITION_KEYS, "$defs/transition"),
    (lifecycle.REQUIRED_FIELD_KEYS, "$defs/required_field/oneOf/1"),
    (catalogue.DEFAULTS_KEYS, "properties/evidence_defaults"),
    (catalogue.CRITERION_KEYS, "$defs/criterion"),
    (catalogue.INDICATOR_KEYS, "$defs/indicator"),
    (catalogue.EVIDENCE_SET_KEYS, "$defs/evidence_set/oneOf/1"),
    (catalogue.ITEM_KEYS, "$defs/evidence_item"),
    (catalogue.SCORING_KEYS, "properties/scoring"),
    (catalogue.SCALE_KEYS, "$defs/scale"),
    (catalogue.OPTION_KEYS, "$defs/scale/properties/options/items"),
    (DOCUMENT_KEYS, "$defs/document"),
    (NOTIFICATION_KEYS, "$defs/notification"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_every_mapping_has_the_keys_the_loader_reads(keys, pointer):
    """The schema names exactly the keys each section reader accepts, and requires the same ones."""
    node = _at(pointer)
    assert node.get("additionalProperties") is False
    assert set(node["properties"]) == set(keys)
    assert set(node.get("required", [])) == {k for k, required in keys.items() if required}


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["lifecycle"]["transitions"][0].update(role=[]), "lifecycle/transitions/0/role"),
    (lambda d: d["notifications"]["tugas_verifikasi"].update(to=[]), "notifications/tugas_verifikasi/to"),
    (lambda d: d["lifecycle"]["transitions"][0].update(requires=5), "lifecycle/transitions/0/requires"),
    (lambda d: d["lifecycle"]["transitions"][0].update(source=[]), "lifecycle/transitions/0/source"),
    (lambda d: d.update(id=1.1), "id"),
    (lambda d: d.update(title={"a": 1}), "title"),
    (lambda d: d["catalogue"][0].update(criterion=1), "catalogue/0/criterion"),
    (lambda d: d["catalogue"][0].update(weight=0), "catalogue/0/weight"),
    (lambda d: d["catalogue"][0]["indicators"][0].update(id="  "), "catalogue/0/indicators/0/id"),
    (lambda d: d["lifecycle"]["states"]["declared"].update(label=True), "lifecycle/states/declared/label"),
    (lambda d: d["lifecycle"]["states"]["declared"].update(role=None), "lifecycle/states/declared/role"),
    (lambda d: d["lifecycle"]["states"]["evaluation_review"]["deadline"].update(after="0d"),
     "lifecycle/states/evaluation_review/deadline/after"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"]["evidence"].update(roles=["system"]),
     "lifecycle/states/evidence_input/evidence/roles"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"]["evidence"].update(roles="system"),
     "lifecycle/states/evidence_input/evidence/roles"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"]["evidence"].update(section="katalog"),
     "lifecycle/states/evidence_input/evidence/section"),
    (lambda d: d["evaluation_catalogue"][0].update(scale="ada_tidak"), "evaluation_catalogue/0"),
    (lambda d: d["scoring"]["scales"]["ada_proses_tidak"]["options"][0].update(label=1),
     "scoring/scales/ada_proses_tidak/options/0/label"),
    (lambda d: d["calendar"].update(award="2024-12-10 9:00"), "calendar/award"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"]["reminders"][0].update(before="0d"),
     "lifecycle/states/evidence_input/reminders/0/before"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"]["reminders"][0].pop("notify"),
     "lifecycle/states/evidence_input/reminders/0"),
    (lambda d: d["lifecycle"]["states"]["evidence_input"].update(reminders=[]),
     "lifecycle/states/evidence_input/reminders"),
], ids=["transition-without-role", "notification-without-recipient", "requires-number", "no-source",
        "number-id", "title-mapping", "number-criterion", "zero-weight", "blank-indicator-id",
        "boolean-label", "null-role", "zero-duration", "system-uploads", "system-uploads-alone",
        "unknown-evidence-section", "scale-on-evaluation-indicator", "number-option-label",
        "time-without-two-digits", "zero-reminder", "reminder-without-notify", "no-reminder"])
def test_schema_rejects_the_wrong_types_the_loader_rejects(base, mutate, where):
    mutate(base)
    errors = _errors(base)
    assert any(e.split(":")[0] == where for e in errors), errors


@pytest.mark.parametrize("mutate", [
    lambda d: d["lifecycle"]["transitions"][0].update(requires="catatan"),
    lambda d: d["lifecycle"]["transitions"][0].update(
        requires={"field": "alasan", "label": "Alasan", "kind": "list"}),
    lambda d: d["lifecycle"]["states"]["evidence_input"]["evidence"].update(roles="admin"),
    lambda d: d["calendar"].update(award="2024-12-10T02:00:00Z"),
], ids=["requires-one-name", "requires-one-field", "one-uploader", "zoned-date"])
def test_what_the_schema_accepts_also_loads(base, mutate):
    mutate(base)
    assert _errors(base) == []
    load_text(yaml.safe_dump(base, allow_unicode=True, sort_keys=False), "<schema-test>", REGISTRY)
