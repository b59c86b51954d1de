"""Driving a 2023 case to the points where documents are issued, and reading PDFs back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from workflow.services.assessment import save_scores, submit_assessment
from workflow.services.cases import case_status, claim_task, fire_event
from workflow.services.documents import document_pdf, list_documents, process_pending


def to_evaluation_review(rt, clock, world, cid):
    p = world.people
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")


def pass_evaluation(rt, clock, world, cid, when=(2023, 8, 15, 10, 0)):
    to_evaluation_review(rt, clock, world, cid)
    clock.set(*when)
    fire_event(rt, world.people["ver"], cid, "pass_evaluation")


def to_assessment(rt, clock, world, cid, assessor="pen"):
    pass_evaluation(rt, clock, world, cid)
    p = world.people
    clock.set(2023, 10, 1, 10, 0)
    fire_event(rt, p["op_lapas"], cid, "submit_evidence")
    clock.set(2023, 10, 20, 10, 0)
    fire_event(rt, p["ver"], cid, "complete_verification")
    task_id = next(t["id"] for t in case_status(rt, None, cid).tasks if t["status"] == "open")
    claim_task(rt, p[assessor], task_id)


def assess(rt, clock, world, cid, choices, assessor="pen"):
    clock.set(2023, 11, 10, 10, 0)
    save_scores(rt, world.people[assessor], cid, choices)
    return submit_assessment(rt, world.people[assessor], cid)


def issued(rt, cid, kind):
    process_pending(rt)
    docs = [d for d in list_documents(rt, cid) if d.kind == kind]
    assert len(docs) == 1, docs
    return docs[0], document_pdf(rt, None, docs[0].id)[1]


def pdf_text(data: bytes) -> str:
    """The text of every page, with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def qr_payloads(data: bytes, tmp_path) -> list[str]:
    """Decode the QR code(s) of the rendered pages (pdftoppm + zbarimg: real image decoding)."""
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg (poppler-utils, zbar-tools) are needed to decode the QR code")
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(src), str(tmp_path / "page")], check=True)
    out = []
    for png in sorted(tmp_path.glob("page*.png")):
        res = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
        out += [line for line in res.stdout.splitlines() if line]
    return out
