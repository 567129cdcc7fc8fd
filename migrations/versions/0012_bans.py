"""Bans and suspensions of readers and guests.

Revision ID: 0012_bans
Revises: 0011_votes
Create Date: 2026-12-01 17:50:00

Reviewed: written by hand from the model (autogenerate proposed the same table and index). Nobody is banned
before this revision.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0012_bans"
down_revision = "0011_votes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("until", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bans")),
    )
    with op.batch_alter_table("bans", schema=None) as batch_op:
        batch_op.create_index("ix_bans_subject_lifted", ["subject", "lifted_at"], unique=False)


def downgrade():
    with op.batch_alter_table("bans", schema=None) as batch_op:
        batch_op.drop_index("ix_bans_subject_lifted")
    op.drop_table("bans")
