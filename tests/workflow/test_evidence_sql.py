"""The completeness of a case is computed with a constant number of SQL statements, whatever the
number of indicators and uploaded items (a 30-indicator definition, tests/data/definitions)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.conftest import DATA
from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import with_uploads
from workflow.services.cases import open_case
from workflow.services.definitions import import_definition
from workflow.services.evidence import submit_indicators, upload_evidence
from workflow.services.evidence_reads import evidence_completeness
from workflow.services.org import create_person, create_unit


@pytest.fixture
def ert(rt, tmp_path):
    return with_uploads(rt, tmp_path)


@contextmanager
def counting(engine):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_completeness_of_30_indicators_in_constant_sql(ert, clock):
    text = (DATA / "definitions" / "evidence-30.yaml").read_text(encoding="utf-8")
    import_definition(ert, None, text, "tests/data/definitions/evidence-30.yaml")
    kw = create_unit(ert, None, "KW-X", "Kantor Wilayah X", "kanwil", "X")
    create_unit(ert, None, "UPT-X", "UPT X", "upt", "X", "KW-X")
    admin = create_person(ert, None, "admin", "Admin", "admin")
    op = create_person(ert, None, "op.x", "Operator X", "operator", "UPT-X")
    clock.set(2031, 3, 1, 9, 0)
    cid = open_case(ert, admin, kw + 1, 2031).id
    upload_evidence(ert, op, cid, "A.2", "dok_a2", "a2.png", f.png())

    with counting(ert.store.engine) as few:
        small = evidence_completeness(ert, op, cid)
    assert small.percent == round(100 / 30, 1)

    data = f.png((1, 1, 1))  # one blob for every item: the content check is what the test is not about
    for c in "abc":
        upload_evidence(ert, op, cid, f"{c.upper()}.1", f"sertifikat_{c}1", "s.png", data)
        for n in range(2, 11):
            upload_evidence(ert, op, cid, f"{c.upper()}.{n}", f"dok_{c}{n}", "d.png", data)
    submit_indicators(ert, op, cid, [f"{c}.{n}" for c in "ABC" for n in range(1, 6)])

    with counting(ert.store.engine) as many:
        full = evidence_completeness(ert, op, cid)
    assert full.percent == 100.0 and len([i for g in full.groups for i in g.indicators]) == 30
    assert len(many) == len(few) <= 6, many
    # as verifier-free reads, the same holds for an admin
    with counting(ert.store.engine) as as_admin:
        evidence_completeness(ert, admin, cid)
    assert len(as_admin) == len(many)
