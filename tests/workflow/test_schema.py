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
from workflow.loader import TOP_KEYS, load_text

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
