"""Notifications: turn one outbox row into messages for the people concerned, in the in-app list
and by e-mail, exactly once.

``deliver`` claims the outbox row (a conditional update from 'pending', so a second run of the
same job, or a racing one, does nothing), writes the in-app notifications and one delivery row
per e-mail (both unique per message and person), commits, then sends each e-mail not yet sent
and marks it sent in its own transaction. An SMTP failure puts the row back to 'pending' and
raises ``DeliveryFailed`` so the job is retried with backoff; what was sent stays sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from sqlalchemy import or_, select, update

from ..config import ROOT
from ..deadlines import format_date_id
from ..errors import NotFound
from ..store import Assignment, Case, Delivery, Notification, OutboxMessage, Person, Task, Unit
from .authz import load_actor
from .runtime import Runtime

LEASE = timedelta(minutes=10)
LANGUAGES = ("id", "en")  # Indonesian first, English as the fallback
_env = Environment(loader=FileSystemLoader(str(ROOT / "templates")), undefined=StrictUndefined,
                   autoescape=False, keep_trailing_newline=True)


class DeliveryFailed(RuntimeError):
    """Some e-mails could not be handed to the SMTP server; the job should be retried."""


def render(name: str, template: str, context: dict, lang: str = "id") -> str:
    """The body from ``email/<template>.<lang>.txt``, else the other language, else the generic one."""
    order = [lang] + [x for x in LANGUAGES if x != lang]
    for base in (template, name, "_umum"):
        for code in order:
            try:
                return _env.get_template(f"email/{base}.{code}.txt").render(**context)
            except TemplateNotFound:
                continue
    raise TemplateNotFound(f"email/{template}")


def recipients(s, role: str, case: Case) -> list[Person]:
    """The people of ``role`` concerned by ``case``: its unit's operators, every admin, the
    verifiers/assessors assigned to its unit (else the one holding its open task, else the pool)."""
    active = select(Person).where(Person.active.is_(True), Person.role == role)
    if role == "operator":
        return list(s.scalars(active.where(Person.unit_id == case.unit_id).order_by(Person.id)))
    if role == "admin":
        return list(s.scalars(active.order_by(Person.id)))
    assigned = list(s.scalars(active.join(Assignment, Assignment.person_id == Person.id)
                              .where(Assignment.unit_id == case.unit_id, Assignment.year == case.year,
                                     Assignment.role == role).order_by(Person.id)))
    if assigned:
        return assigned
    holder = list(s.scalars(active.join(Task, Task.assignee_id == Person.id)
                            .where(Task.case_id == case.id, Task.status == "open")))
    return holder or list(s.scalars(active.order_by(Person.id)))


def _context(rt: Runtime, s, msg: OutboxMessage, case: Case, spec) -> dict:
    d = rt.definition(s, case.definition_hash)
    state_id = msg.payload.get("state") or case.state
    state = d.state(state_id) if d.has_state(state_id) else d.state(case.state)
    due = msg.payload.get("due_at")
    if due is None:
        due = s.scalar(select(Task.due_at).where(Task.case_id == case.id, Task.state == state.id)
                       .order_by(Task.id.desc()).limit(1))
    elif isinstance(due, str):
        due = datetime.fromisoformat(due)
    assignee = s.scalar(select(Person.full_name).join(Task, Task.assignee_id == Person.id)
                        .where(Task.case_id == case.id, Task.state == state.id).order_by(Task.id.desc()).limit(1))
    return {"case": case, "unit": s.get(Unit, case.unit_id), "state_label": state.label,
            "state_label_en": state.label_en, "subject": spec.subject or spec.id, "payload": msg.payload,
            "due_at": format_date_id(due, with_time=True) if due else None, "assignee": assignee,
            "definition": d}


def _prepare(rt: Runtime, outbox_id: int, sender_domain: str) -> str:
    """Claim the row and write its notifications and deliveries. 'claimed', 'done' or 'busy'."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        msg = s.get(OutboxMessage, outbox_id)
        if msg is None:
            raise NotFound(f"Pesan outbox {outbox_id} tidak ditemukan.", f"No outbox row {outbox_id}.")
        if msg.status in ("done", "failed"):
            return "done"
        claimed = s.execute(update(OutboxMessage).where(
            OutboxMessage.id == outbox_id,
            or_(OutboxMessage.status == "pending",
                (OutboxMessage.status == "processing") & (OutboxMessage.processed_at <= now - LEASE)))
            .values(status="processing", processed_at=now, attempts=OutboxMessage.attempts + 1)).rowcount
        if claimed != 1:
            return "busy"
        case = s.get(Case, msg.case_id) if msg.case_id else None
        if case is None:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                      .values(status="failed", last_error="pesan tanpa kasus"))
            uow.commit()
            return "done"
        d = rt.definition(s, case.definition_hash)
        spec = next((n for n in d.notifications if n.id == msg.name), None)
        if spec is None:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                      .values(status="failed", last_error=f"notifikasi '{msg.name}' tidak ada dalam definisi"))
            uow.commit()
            return "done"
        ctx = _context(rt, s, msg, case, spec)
        composed = rt.registry.get("notification", spec.channel)(spec, {"case_id": case.id, **msg.payload})
        have = set(s.scalars(select(Notification.person_id).where(Notification.outbox_id == outbox_id)))
        mailed = set(s.scalars(select(Delivery.person_id).where(Delivery.outbox_id == outbox_id)))
        seen = set()
        for role in spec.recipients:
            for person in recipients(s, role, case):
                if person.id in seen:
                    continue
                seen.add(person.id)
                body = render(spec.id, composed["template"], {**ctx, "recipient": person})
                if person.id not in have:
                    s.add(Notification(outbox_id=outbox_id, person_id=person.id, case_id=case.id, name=spec.id,
                                       subject=composed["subject"], body=body, created_at=now))
                if composed["channel"] == "email" and person.email and person.id not in mailed:
                    s.add(Delivery(outbox_id=outbox_id, person_id=person.id, channel="email", address=person.email,
                                   message_id=make_msgid(f"p2ham.{outbox_id}.{person.id}", sender_domain),
                                   status="pending", attempts=0))
        uow.commit()
        return "claimed"


def _message(rt: Runtime, s, delivery: Delivery, sender: str) -> EmailMessage:
    note = s.scalar(select(Notification).where(Notification.outbox_id == delivery.outbox_id,
                                               Notification.person_id == delivery.person_id))
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = delivery.address
    msg["Subject"] = f"[P2HAM] {note.subject}"
    msg["Message-ID"] = delivery.message_id
    msg["Content-Language"] = "id"
    msg.set_content(note.body)
    return msg


def deliver(rt: Runtime, outbox_id: int, mailer, max_attempts: int = 6) -> str:
    """Deliver one notification outbox row: 'sent', 'done' (already delivered) or 'busy' (another
    worker holds it). Raises ``DeliveryFailed`` when an e-mail could not be sent."""
    domain = mailer.sender.rpartition("@")[2].strip(">") or "p2ham.local"
    state = _prepare(rt, outbox_id, domain)
    if state != "claimed":
        return state
    errors = []
    with rt.store.unit_of_work() as uow:
        pending = list(uow.session.scalars(select(Delivery.id).where(Delivery.outbox_id == outbox_id,
                                                                     Delivery.status == "pending")))
    for did in pending:
        with rt.store.unit_of_work() as uow:
            s = uow.session
            delivery = s.get(Delivery, did)
            msg = _message(rt, s, delivery, mailer.sender)
            address = delivery.address
        try:
            mailer.send(msg)
        except Exception as exc:  # noqa: BLE001 - smtplib raises SMTPException and OSError alike
            errors.append(f"{address}: {exc}")
            _mark(rt, did, attempts=Delivery.attempts + 1, last_error=str(exc)[:2000])
        else:
            _mark(rt, did, status="sent", sent_at=rt.now(), attempts=Delivery.attempts + 1)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        if errors:
            attempts = s.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == outbox_id))
            final = attempts >= max_attempts
            s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(
                status="failed" if final else "pending", last_error="; ".join(errors)[:2000]))
            uow.commit()
            raise DeliveryFailed("; ".join(errors))
        s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                  .values(status="done", processed_at=rt.now(), last_error=None))
        uow.commit()
    return "sent"


def _mark(rt: Runtime, delivery_id: int, **values) -> None:
    with rt.store.unit_of_work() as uow:
        uow.session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))
        uow.commit()


def inbox(rt: Runtime, actor_id: int, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The person's in-app notifications, newest first."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        q = select(Notification).where(Notification.person_id == actor.id)
        if unread_only:
            q = q.where(Notification.read_at.is_(None))
        rows = list(s.scalars(q.order_by(Notification.id.desc()).limit(limit)))
        s.expunge_all()  # plain, loaded rows for the caller after the unit of work ends
        return rows


def mark_read(rt: Runtime, actor_id: int, notification_id: int) -> None:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        s.execute(update(Notification).where(Notification.id == notification_id, Notification.person_id == actor.id,
                                             Notification.read_at.is_(None)).values(read_at=rt.now()))
        uow.commit()
