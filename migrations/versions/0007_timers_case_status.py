"""timers: index (case_id, status) instead of (case_id)

A transition cancels the pending timers of the state it leaves (``case_id = ? AND status =
'pending'``). With only (case_id) and (status, due_at) to choose from, PostgreSQL's generic plan
walked every pending timer of every case; (case_id, status) finds the case's own in one probe and
still serves the reads by case.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_timers_case_status", "timers", ["case_id", "status"])
    op.drop_index("ix_timers_case", table_name="timers")


def downgrade() -> None:
    op.create_index("ix_timers_case", "timers", ["case_id"])
    op.drop_index("ix_timers_case_status", table_name="timers")
