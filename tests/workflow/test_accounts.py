"""Operator accounts and activation codes: the code comes only in the Berita Acara PDF."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text

from tests.workflow.docs_helpers import issued, pass_evaluation, pdf_text
from tests.workflow.helpers import open_2023, seed_world
from workflow.errors import NotAllowed, ValidationFailed
from workflow.services.accounts import activate, provision_operator_account
from workflow.services.documents import reissue
from workflow.services.passwords import verify_password
from workflow.store import OutboxMessage, Person

PASSWORD = "RahasiaOperator2023"


@pytest.fixture
def world(rt):
    return seed_world(rt)


def _code(data: bytes) -> str:
    return re.search(r"Kode aktivasi : ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", pdf_text(data)).group(1)


def _passed(rt, clock, world):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid, when=(2023, 8, 15, 10, 0))
    return cid, issued(rt, cid, "berita_acara_hasil_evaluasi")


def test_activation_code_from_the_pdf_works_once(rt, clock, world):
    _, (_, data) = _passed(rt, clock, world)
    code = _code(data)
    with rt.store.unit_of_work() as uow:
        op = uow.session.scalars(select(Person).where(Person.username == "operator.lps-jambi")).one()
        assert op.role == "operator" and op.active and op.password_hash is None
    clock.set(2023, 8, 20, 8, 0)
    with pytest.raises(ValidationFailed, match="minimal 10 karakter"):
        activate(rt, "operator.lps-jambi", code, "pendek1")
    pid = activate(rt, "operator.lps-jambi", code.lower(), PASSWORD)
    with rt.store.unit_of_work() as uow:
        assert verify_password(uow.session.get(Person, pid).password_hash, PASSWORD)
    with pytest.raises(NotAllowed, match="sudah pernah digunakan"):
        activate(rt, "operator.lps-jambi", code, "PasswordLain2023")
    with pytest.raises(NotAllowed, match="tidak sah"):
        activate(rt, "op.rutan", code, PASSWORD)  # another person's name with this code


def test_activation_code_expires(rt, clock, world):
    _, (_, data) = _passed(rt, clock, world)
    clock.advance(timedelta(days=14, minutes=1))
    with pytest.raises(NotAllowed, match="kedaluwarsa sejak 29 Agustus 2023 10.00 WIB"):
        activate(rt, "operator.lps-jambi", _code(data), PASSWORD)


def test_reissued_berita_acara_replaces_the_code(rt, clock, world):
    _, (doc, data) = _passed(rt, clock, world)
    new = reissue(rt, world.people["admin"], doc.id)
    from workflow.services.documents import document_pdf

    new_code = _code(document_pdf(rt, None, new.id)[1])
    assert new_code != _code(data)
    with pytest.raises(NotAllowed, match="diganti"):
        activate(rt, "operator.lps-jambi", _code(data), PASSWORD)
    activate(rt, "operator.lps-jambi", new_code, PASSWORD)


def test_account_row_is_idempotent_and_re_enables(rt, clock, world):
    cid = open_2023(rt, world)
    pass_evaluation(rt, clock, world, cid)
    with rt.store.unit_of_work() as uow:
        oid = uow.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "account"))
    assert provision_operator_account(rt, oid) == "operator.lps-jambi"
    assert provision_operator_account(rt, oid) is None
    with rt.store.unit_of_work() as uow:
        uow.session.scalars(select(Person).where(Person.username == "operator.lps-jambi")).one().active = False
        uow.session.get(OutboxMessage, oid).status = "pending"
        uow.commit()
    assert provision_operator_account(rt, oid) == "operator.lps-jambi"
    with rt.store.unit_of_work() as uow:
        assert uow.session.scalars(select(Person).where(Person.username == "operator.lps-jambi")).one().active


def test_no_plaintext_password_or_code_in_database_or_pdf(rt, clock, world):
    cid, (_, data) = _passed(rt, clock, world)
    code = _code(data)
    activate(rt, "operator.lps-jambi", code, PASSWORD)
    # the Berita Acara issued afterwards (a re-issue) must not contain the password either
    with rt.store.unit_of_work() as uow:
        conn = uow.session.connection()
        blobs, cells = [], []
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for column, value in row._mapping.items():
                    if isinstance(value, (bytes, memoryview)):
                        blobs.append(bytes(value))
                    elif value is not None:
                        cells.append(f"{table}.{column}={value}")
    everything = "\n".join(cells)
    assert cells and blobs
    assert PASSWORD not in everything and code not in everything and code.replace("-", "") not in everything
    for blob in blobs:  # the PDFs as stored
        assert PASSWORD.encode() not in blob
        assert PASSWORD not in pdf_text(blob)
    assert PASSWORD not in pdf_text(data)
