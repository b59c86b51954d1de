"""Official documents: issue one from an outbox row, re-issue, verify, download.

``issue_document(rt, outbox_id)`` is what the documents worker calls. In one transaction it claims
the row, reads the case's facts, (for a Berita Acara) provisions the operator account and a fresh
activation code, takes the next number of the year, renders the PDF and stores it with its sha256.
A second run of the same row, by any worker, issues nothing."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update

from ..deadlines import format_date_id
from ..documents import pdf
from ..documents.compose import Stamp, compose, fmt
from ..errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from ..store import AuditEntry, Case, IssuedDocument, Unit
from . import accounts
from .accounts import settings_of
from .authz import load_actor, require_role
from .outbox_claim import claim, record_failure
from .runtime import Runtime

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class DocumentView:
    id: int
    number: str
    kind: str
    title: str
    version: int
    case_id: int
    unit_name: str
    sha256: str
    short_code: str
    issued_at: datetime
    superseded_by: int | None


def _view(s, doc: IssuedDocument) -> DocumentView:
    unit_name = s.scalar(select(Unit.name).where(Unit.id == doc.unit_id))
    return DocumentView(doc.id, doc.number, doc.kind, doc.title, doc.version, doc.case_id, unit_name, doc.sha256,
                        doc.short_code, doc.issued_at, doc.superseded_by)


def issue_document(rt: Runtime, outbox_id: int) -> DocumentView | None:
    """Issue the document an outbox row asks for. Idempotent and safe under concurrent workers:
    returns None (and writes nothing) when the row was already processed."""
    try:
        with rt.store.unit_of_work() as uow:
            s = uow.session
            msg = claim(s, outbox_id, "document", rt.now())
            if msg is None:
                return None
            case = s.get(Case, msg.case_id)
            doc = _issue(rt, s, case, msg.name, (msg.payload or {}).get("state") or case.state, None, outbox_id, 1)
            view = _view(s, doc)
            uow.commit()
            return view
    except Exception as exc:
        record_failure(rt, outbox_id, exc)
        raise


def reissue(rt: Runtime, actor_id: int | None, document_id: int) -> DocumentView:
    """A new version of a document (new number, new PDF; for a Berita Acara a new activation code);
    the old one is marked superseded. Admins only."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        old = s.get(IssuedDocument, document_id)
        if old is None:
            raise NotFound(f"Dokumen nomor urut {document_id} tidak ditemukan.", f"No document {document_id}.")
        if old.superseded_by is not None:
            raise ValidationFailed(f"Dokumen {old.number} sudah digantikan; terbitkan ulang versi terakhirnya.",
                                   "Already superseded; re-issue the latest version.")
        state = json.loads(old.facts or "{}").get("state") or s.get(Case, old.case_id).state
        doc = _issue(rt, s, s.get(Case, old.case_id), old.kind, state, actor.id, None, old.version + 1)
        if s.execute(update(IssuedDocument).where(IssuedDocument.id == old.id, IssuedDocument.superseded_by.is_(None))
                     .values(superseded_by=doc.id)).rowcount != 1:
            raise ChangedMeanwhile("Dokumen ini baru saja diterbitkan ulang oleh pengguna lain.",
                                   "Re-issued meanwhile.")
        view = _view(s, doc)
        uow.commit()
        return view


def _issue(rt, s, case: Case, kind: str, state_id: str, actor_id, outbox_id, version: int) -> IssuedDocument:
    d = rt.definition(s, case.definition_hash)
    spec = next((x for x in d.documents if x.id == kind), None)
    if spec is None:
        raise ValidationFailed(f"Definisi {d.id} tidak memuat dokumen '{kind}'.", f"No document {kind}.")
    settings = settings_of(rt)
    now = rt.now()
    facts, content = _facts(rt, s, case, d, spec, state_id)
    if spec.renderer == "berita_acara":  # the account first: its one-time code goes into this PDF
        unit = s.get(Unit, case.unit_id)
        issued = accounts.issue_code(s, accounts.ensure_operator(s, unit, now), now, settings.activation_days)
        facts["account"] = {"username": issued.username, "code": issued.code,
                            "expires_text": format_date_id(issued.expires_at, with_time=True),
                            "login_url": f"{settings.public_base_url}/masuk"}
    short_code = _short_code()
    seq = _next_seq(s, case.year)  # locks the year's counter until commit: keep the rest short
    number = settings.number(seq, case.year)
    data = pdf.render(compose(spec, d, facts, content, settings, Stamp(number, short_code, now)))
    recorded = {k: v for k, v in facts.items() if k != "account"}  # the code is never stored in clear
    if "account" in facts:
        recorded["username"] = facts["account"]["username"]
    doc = IssuedDocument(number=number, year=case.year, seq=seq, case_id=case.id, unit_id=case.unit_id, kind=kind,
                         title=spec.title, version=version, short_code=short_code,
                         sha256=hashlib.sha256(data).hexdigest(), size=len(data), pdf=data, issued_at=now,
                         issued_by=actor_id, outbox_id=outbox_id, superseded_by=None,
                         facts=json.dumps({**recorded, "content": content}, ensure_ascii=False, default=str))
    s.add(doc)
    s.flush()
    return doc


def _next_seq(s, year: int) -> int:
    """The next number of ``year``, gap-free and unique: the UPDATE holds the counter row's lock
    until commit (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises writers."""
    conflict = "ON CONFLICT (year) DO NOTHING"
    s.execute(text(f"INSERT INTO document_counters (year, last_seq) VALUES (:y, 0) {conflict}"), {"y": year})
    return s.execute(text("UPDATE document_counters SET last_seq = last_seq + 1 WHERE year = :y RETURNING last_seq"),
                     {"y": year}).scalar_one()


def _short_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _facts(rt, s, case: Case, d, spec, state_id: str) -> tuple[dict, dict]:
    unit = s.get(Unit, case.unit_id)
    kanwil = s.get(Unit, unit.parent_id) if unit.parent_id else unit
    entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.to_state == state_id)
                      .order_by(AuditEntry.id.desc()).limit(1)).first()
    payload = entry.payload if entry else {}
    facts = {"state": state_id, "state_label": d.state(state_id).label, "year": case.year,
             "unit": {"name": unit.name, "code": unit.code, "region": unit.region, "address": unit.address,
                      "kanwil": kanwil.name}}
    content = dict(rt.registry.get("document", spec.renderer)(
        {"unit_name": unit.name, "year": case.year, "reasons": payload.get("reasons"),
         "result": payload.get("result")}))
    calendar = dict(d.calendar)
    content.setdefault("reasons", [])
    content.setdefault("note", "")
    content["evidence_closes"] = (format_date_id(calendar["evidence_input_closes"], with_time=True)
                                  if "evidence_input_closes" in calendar else "-")
    result = content.get("result") or {}
    content["threshold"] = fmt(d.scoring.pass_threshold)
    content["total"] = fmt(result["total"]) if result else "-"
    content["passed"] = bool(result.get("passed"))
    content["predicate"] = result.get("predicate") or d.scoring.predicate
    return facts, content


# -- reading -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    valid: bool
    message: str  # Bahasa Indonesia, for the public page
    message_en: str
    document: DocumentView | None = None
    superseded_by: str | None = None  # the newer number, when there is one


def verify(rt: Runtime, number: str | None, sha256_or_code: str) -> Verification:
    """Was a document with this number and this sha256 (or short code) issued? Public, no sign-in."""
    key = (sha256_or_code or "").strip()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        if len(key) == 64 and all(c in "0123456789abcdefABCDEF" for c in key):
            q = select(IssuedDocument).where(IssuedDocument.sha256 == key.lower())
        else:
            q = select(IssuedDocument).where(IssuedDocument.short_code == key.upper())
        if number:
            q = q.where(IssuedDocument.number == number.strip())
        doc = s.scalars(q).first()
        if doc is None:
            known = number and s.scalar(select(IssuedDocument.id).where(IssuedDocument.number == number.strip()))
            if known:
                return Verification(False, f"Dokumen bernomor {number} memang diterbitkan, tetapi berkas atau kode "
                                    "ini TIDAK sama dengan yang diterbitkan: berkas telah diubah atau bukan asli.",
                                    "A document with this number exists but this file or code does not match it.")
            return Verification(False, "Tidak ada dokumen yang diterbitkan dengan nomor dan sidik berkas/kode ini. "
                                "Dokumen ini tidak dapat dipastikan keasliannya.", "No such document was issued.")
        view = _view(s, doc)
        when = format_date_id(doc.issued_at, with_time=True)
        msg = f"ASLI: {doc.title} nomor {doc.number} untuk {view.unit_name}, diterbitkan {when}."
        newer = None
        if doc.superseded_by:
            newer = s.scalar(select(IssuedDocument.number).where(IssuedDocument.id == doc.superseded_by))
            msg += f" Dokumen ini telah digantikan oleh versi terbaru nomor {newer}."
        return Verification(True, msg, f"Genuine: {doc.number} issued {doc.issued_at:%Y-%m-%d}.", view, newer)


def document_pdf(rt: Runtime, actor_id: int | None, document_id: int) -> tuple[DocumentView, bytes]:
    """A document's PDF, for an admin or the operator of its unit."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        doc = s.get(IssuedDocument, document_id)
        if doc is None:
            raise NotFound(f"Dokumen nomor urut {document_id} tidak ditemukan.", f"No document {document_id}.")
        if actor.role not in ("admin", "system") and not (actor.role == "operator" and actor.unit_id == doc.unit_id):
            raise NotAllowed("Anda tidak berwenang mengunduh dokumen ini.", "You may not download this document.")
        return _view(s, doc), doc.pdf


def list_documents(rt: Runtime, case_id: int | None = None) -> list[DocumentView]:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        q = select(IssuedDocument).order_by(IssuedDocument.id)
        if case_id is not None:
            q = q.where(IssuedDocument.case_id == case_id)
        return [_view(s, d) for d in s.scalars(q)]


def process_pending(rt: Runtime, limit: int | None = None) -> list[tuple[int, str, str]]:
    """Process pending ``account`` then ``document`` outbox rows directly (no workers needed).
    Returns (outbox id, name, outcome) per row; a failing row is reported and left pending."""
    from ..store import OutboxMessage

    with rt.store.unit_of_work() as uow:
        rows = uow.session.execute(select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.name).where(
            OutboxMessage.status == "pending", OutboxMessage.kind.in_(("account", "document")))
            .order_by((OutboxMessage.kind == "document"), OutboxMessage.id).limit(limit)).all()
    out = []
    for oid, kind, name in rows:
        try:
            if kind == "account":
                username = accounts.provision_operator_account(rt, oid)
                out.append((oid, name, f"akun {username}" if username else "sudah diproses"))
            else:
                view = issue_document(rt, oid)
                out.append((oid, name, f"nomor {view.number}" if view else "sudah diproses"))
        except Exception as exc:  # noqa: BLE001 - reported per row; the row stays pending for a retry
            out.append((oid, name, f"GAGAL: {getattr(exc, 'message', exc)}"))
    return out
