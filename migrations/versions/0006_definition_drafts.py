"""definition drafts (editable YAML before publishing a version)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import workflow.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definition_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workflow.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", workflow.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["base_version_id"], ["definition_versions.id"]),
        sa.ForeignKeyConstraint(["published_version_id"], ["definition_versions.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_key"),
    )
    with op.batch_alter_table("definition_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_definition_drafts_status", ["status", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("definition_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_definition_drafts_status")
    op.drop_table("definition_drafts")
