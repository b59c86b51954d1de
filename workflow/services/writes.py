"""The SQL of one transition: read the case with its actor in one statement, write the case,
the audit entry and the effects in one more.

On PostgreSQL the writes go out as one statement of data-modifying CTEs (one round trip), each
conditional on the guarded case update, so the statement is atomic on its own; on SQLite, which
has no DML in CTEs, as consecutive statements inside the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import text

from ..firing import CancelTimers, CloseTasks, OpenTask, Outbox, StartTimer
from ..store.models import UTCDateTime
from . import pg_hot

_READ_SQL = """
SELECT c.id, c.unit_id, c.year, c.definition_hash, c.state, c.version, c.entered_at,
       p.id AS person_id, p.role, p.unit_id AS person_unit_id, p.active, p.full_name,
       EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.role = p.role
               AND (t.assignee_id = p.id OR t.assignee_id IS NULL)) AS has_task,
       (SELECT {agg}(x.state, x.closes_at) FROM (
            SELECT w.state, max(w.closes_at) AS closes_at FROM evidence_window_extensions w
            WHERE w.year = c.year AND (w.unit_id IS NULL OR w.unit_id = c.unit_id) GROUP BY w.state) x
       ) AS extensions
FROM cases c LEFT JOIN people p ON p.id = :pid
WHERE c.id = :cid
"""
_READ = text(_READ_SQL.format(agg="json_group_object")).columns(entered_at=UTCDateTime())
_READ_PG = _READ_SQL.format(agg="json_object_agg")


class CaseRow(NamedTuple):
    """The case, its actor and the evidence window extensions reaching its unit (state -> the
    latest extended close, aware UTC), read in one statement."""

    id: int
    unit_id: int
    year: int
    definition_hash: str
    state: str
    version: int
    entered_at: datetime | None
    person_id: int | None
    role: str | None
    person_unit_id: int | None
    active: bool | None
    full_name: str | None
    has_task: bool | None
    extensions: dict


def read_case(conn, case_id: int, person_id: int | None) -> CaseRow | None:
    """The case row, its actor's columns (NULL for the scheduler), whether the actor holds an
    open task on it and the window extensions of its year and unit, all from one snapshot.
    None when the case does not exist. On PostgreSQL the statement goes straight to libpq (``pg_hot``)
    (this is the hot path of every transition)."""
    params = {"cid": case_id, "pid": person_id}
    if conn.dialect.name == "postgresql":
        row = pg_hot.first_row(conn, _READ_PG, params)
    else:
        row = conn.execute(_READ, params).first()
    if row is None:
        return None
    return CaseRow(*row[:-1], _extensions(row[-1]))


def _extensions(value) -> dict:
    if not value:
        return {}
    if isinstance(value, str):  # SQLite: JSON text with naive UTC timestamps
        value = json.loads(value)
    out = {}
    for state, closes in value.items():
        at = datetime.fromisoformat(closes)
        out[state] = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return out


class Fragment(NamedTuple):
    sql: str
    params: dict


def _ts(value: datetime | None, dialect: str):
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None) if dialect == "sqlite" else value


def _int(param: str, dialect: str) -> str:
    return f"CAST({param} AS INTEGER)" if dialect == "postgresql" else param


def _tstz(param: str, dialect: str) -> str:
    return f"CAST({param} AS TIMESTAMP WITH TIME ZONE)" if dialect == "postgresql" else param


def _json(value: dict, dialect: str) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def transition_fragments(dialect: str, case, actor, event: str, source: str, target: str, payload: dict,
                         now: datetime, entered: datetime, outcome: str | None, effects) -> list[Fragment]:
    """The case update (first: its row count says whether we won the race), the audit entry, then
    one fragment per effect."""
    js = "CAST(:payload AS JSON)" if dialect == "postgresql" else ":payload"
    now_ = _ts(now, dialect)
    out = [
        Fragment("UPDATE cases SET state = :target, version = version + 1, updated_at = :now, "
                 "entered_at = :entered, outcome = :outcome WHERE id = :cid AND version = :version",
                 {"target": target, "now": now_, "entered": _ts(entered, dialect), "outcome": outcome,
                  "cid": case.id, "version": case.version}),
        Fragment("INSERT INTO audit_entries (case_id, actor_id, actor_role, event, from_state, to_state, payload, at) "
                 f"VALUES (:cid, {_int(':actor_id', dialect)}, :role, :event, :source, :target, {js}, :now)",
                 {"cid": case.id, "actor_id": actor.id, "role": actor.role, "event": event, "source": source,
                  "target": target, "payload": _json(payload, dialect), "now": now_}),
    ]
    out += effect_fragments(dialect, case, effects, now)
    return out


def effect_fragments(dialect: str, case, effects, now: datetime) -> list[Fragment]:
    js = "CAST(:payload AS JSON)" if dialect == "postgresql" else ":payload"
    now_ = _ts(now, dialect)
    out = []
    for e in effects:
        if isinstance(e, CloseTasks):
            out.append(Fragment("UPDATE tasks SET status = 'done', closed_at = :now "
                                "WHERE case_id = :cid AND state = :state AND status = 'open'",
                                {"now": now_, "cid": case.id, "state": e.state}))
        elif isinstance(e, CancelTimers):
            out.append(Fragment("UPDATE timers SET status = 'cancelled' "
                                "WHERE case_id = :cid AND state = :state AND status = 'pending'",
                                {"cid": case.id, "state": e.state}))
        elif isinstance(e, OpenTask):
            out.append(Fragment(
                "INSERT INTO tasks (case_id, state, role, title, assignee_id, status, created_at, due_at) "
                "VALUES (:cid, :state, :role, :title, (SELECT a.person_id FROM assignments a WHERE a.unit_id = :unit "
                "AND a.year = :year AND a.role = :arole ORDER BY a.id LIMIT 1), 'open', :now, "
                f"{_tstz(':due', dialect)})",
                {"cid": case.id, "state": e.state, "role": e.role, "arole": e.role, "title": e.title, "unit": case.unit_id,
                 "year": case.year, "now": now_, "due": _ts(e.due_at, dialect)}))
        elif isinstance(e, StartTimer):
            out.append(Fragment("INSERT INTO timers (case_id, state, event, due_at, status, attempts) "
                                "VALUES (:cid, :state, :event, :due, 'pending', 0)",
                                {"cid": case.id, "state": e.state, "event": e.event, "due": _ts(e.due_at, dialect)}))
        elif isinstance(e, Outbox):
            out.append(Fragment("INSERT INTO outbox (case_id, kind, name, payload, status, created_at, attempts) "
                                f"VALUES (:cid, :kind, :name, {js}, 'pending', :now, 0)",
                                {"cid": case.id, "kind": e.kind, "name": e.name,
                                 "payload": _json(dict(e.payload), dialect), "now": now_}))
        else:  # pragma: no cover - a new effect type must be written here
            raise TypeError(f"unknown effect {e!r}")
    return out




_SHARED = frozenset({"cid", "now"})  # the same case and moment in every fragment: bound once


def _name(i: int, param: str) -> str:
    return param if param in _SHARED else f"f{i}_{param}"


@lru_cache(maxsize=512)
def _statement(sqls: tuple[str, ...], dialect: str):
    """Build (once per shape) the statement(s) for a sequence of fragment SQL strings.

    On PostgreSQL every fragment after the first is made conditional on the first (the guarded
    case update) having matched its row, so the single statement writes all or nothing even when
    it runs on its own (autocommit): a lost race writes no audit entry, task, timer or outbox row."""
    if dialect != "postgresql":
        return tuple(text(sql) for sql in sqls)
    ctes = []
    for i, sql in enumerate(sqls):
        sql = pg_hot.PARAM.sub(lambda m, i=i: f":{_name(i, m.group(1))}", sql)
        if i == 0:
            sql += " RETURNING id"
        elif sql.startswith("UPDATE"):
            sql += " AND EXISTS (SELECT 1 FROM w0)"
        else:  # INSERT INTO t (cols) VALUES (...)  ->  INSERT INTO t (cols) SELECT ... WHERE EXISTS w0
            head, _, values = sql.partition(" VALUES (")
            sql = f"{head} SELECT {values[:-1]} WHERE EXISTS (SELECT 1 FROM w0)"
        ctes.append(f"w{i} AS ({sql})")
    sql = "WITH " + ",\n".join(ctes) + "\nSELECT count(*) FROM w0"
    return sql, text(sql)  # for pg_hot, and as a clause for the listeners


def execute(conn, fragments: list[Fragment]) -> int:
    """Run the fragments; return the row count of the first (the guarded case update)."""
    dialect = conn.dialect.name
    stmt = _statement(tuple(f.sql for f in fragments), dialect)
    if dialect != "postgresql":
        first = conn.execute(stmt[0], fragments[0].params).rowcount
        for st, f in zip(stmt[1:], fragments[1:], strict=True):
            conn.execute(st, f.params)
        return first
    params: dict = {}
    for i, (_, fparams) in enumerate(fragments):
        for k, v in fparams.items():
            name = _name(i, k)
            if params.setdefault(name, v) is not v and params[name] != v:
                raise ValueError(f"fragments disagree on :{k}")  # a shared name means one value
    sql, clause = stmt
    count = pg_hot.first_row(conn, sql, params)[0]  # straight to libpq: the hot path
    # Tell the connection's listeners, as SQLAlchemy would have (the after-commit dispatcher
    # learns from it which cases got new timers and outbox rows).
    conn.dispatch.after_execute(conn, clause, (), params, {}, None)
    return count
