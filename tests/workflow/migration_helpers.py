"""A corrected 2023 definition for the migration tests: ``evidence_input`` renamed to
``evidence_entry``, indicator K5.2 removed, the evidence input closing five days later, and the
evaluation review task reworded."""

from __future__ import annotations

import re

from tests.conftest import DEFINITIONS
from tests.workflow.evidence_helpers import pass_evaluation
from tests.workflow.helpers import open_2023
from workflow.services.definitions import import_definition
from workflow.services.documents import process_pending

RENAMED = "evidence_entry"
REVIEW_TITLE = "Verifikasi data dukung evaluasi (koreksi)"
NEW_CLOSE = "2023-10-20 23:59:59"


def corrected_2023_text() -> str:
    text = (DEFINITIONS / "p2ham-2023.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\bevidence_input\b(?!_)", RENAMED, text)  # the state, not the calendar keys
    text = text.replace("evidence_input_closes: 2023-10-15 23:59:59", f"evidence_input_closes: {NEW_CLOSE}")
    removed = ("      - id: K5.2\n        title: Zona integritas atau upaya pencegahan korupsi\n"
               "        evidence:\n"
               "          - {id: dokumen_zona_integritas, label: Dokumen pembangunan zona integritas}\n")
    text = text.replace("title: Verifikasi data dukung evaluasi}", f"title: {REVIEW_TITLE}}}")
    assert removed in text and RENAMED in text and REVIEW_TITLE in text
    return text.replace(removed, "")


def import_corrected_2023(rt, admin_id: int) -> int:
    """Publish the corrected text as the next 2023 version; its id."""
    return import_definition(rt, admin_id, corrected_2023_text(), "definitions/p2ham-2023-koreksi.yaml",
                             note="Koreksi: tahap input diganti nama, K5.2 dihapus").id


def case_awaiting_migration(rt, clock, world) -> tuple[int, int]:
    """A 2023 case in evidence input on version 1 (its documents issued, so nothing is in flight)
    and the corrected version 2: ``(case id, target version id)``."""
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid)
    clock.set(2023, 5, 1, 10, 0)
    process_pending(rt)
    return cid, import_corrected_2023(rt, world.people["admin"])
