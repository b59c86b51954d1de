"""documents, document counters, activation codes, assessment scores

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

import workflow.store.models

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTC = workflow.store.models.UTCDateTime()


def upgrade() -> None:
    op.create_table('document_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('activation_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('expires_at', UTC, nullable=False),
    sa.Column('used_at', UTC, nullable=True),
    sa.Column('revoked_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_sha256')
    )
    op.create_index('ix_activation_codes_person_id', 'activation_codes', ['person_id'], unique=False)
    op.create_table('assessment_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.String(length=40), nullable=False),
    sa.Column('option_id', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('scored_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['people.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'assessor_id', 'indicator_id')
    )
    op.create_index('ix_assessment_scores_case_id', 'assessment_scores', ['case_id'], unique=False)
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('short_code', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('issued_at', UTC, nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['issued_by'], ['people.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['superseded_by'], ['issued_documents.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('outbox_id'),
    sa.UniqueConstraint('short_code')
    )
    op.create_index('ix_issued_documents_case_kind', 'issued_documents', ['case_id', 'kind'], unique=False)
    op.create_index('ix_issued_documents_sha256', 'issued_documents', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_issued_documents_sha256', table_name='issued_documents')
    op.drop_index('ix_issued_documents_case_kind', table_name='issued_documents')
    op.drop_table('issued_documents')
    op.drop_index('ix_assessment_scores_case_id', table_name='assessment_scores')
    op.drop_table('assessment_scores')
    op.drop_index('ix_activation_codes_person_id', table_name='activation_codes')
    op.drop_table('activation_codes')
    op.drop_table('document_counters')
