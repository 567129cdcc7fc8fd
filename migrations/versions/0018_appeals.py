"""Appeals against a rejection (DSA Art. 20): when, the author's note, and the moderator who may not decide again.

Revision ID: 0018_appeals
Revises: 0017_legal_holds
Create Date: 2026-12-01 19:55:00

Reviewed: written by hand from the model (autogenerate proposed the same three nullable columns). No comment was
appealed before this revision; nothing is backfilled.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0018_appeals"
down_revision = "0017_legal_holds"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appealed_at", moderation.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("appeal_note", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("appeal_excluded", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("appeal_excluded")
        batch_op.drop_column("appeal_note")
        batch_op.drop_column("appealed_at")
