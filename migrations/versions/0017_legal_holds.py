"""Legal holds on an article or a reader: they block erasure and retention until lifted.

Revision ID: 0017_legal_holds
Revises: 0016_webhook_reliability
Create Date: 2026-12-01 19:45:00

Reviewed: written by hand from the model (autogenerate proposed the same table and two indexes). New table, no
data to move.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0017_legal_holds"
down_revision = "0016_webhook_reliability"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=128), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_holds_subject"), ["subject"], unique=False)


def downgrade():
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_subject"))
        batch_op.drop_index(batch_op.f("ix_legal_holds_article_id"))
    op.drop_table("legal_holds")
