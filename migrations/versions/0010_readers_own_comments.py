"""Readers from the newsroom's single sign-on, and authors' own edits and deletes: readers, comments.reader_id
and comments.edited_at, and comment_versions (the texts a comment had before).

Revision ID: 0010_readers_own_comments
Revises: 0009_queue_indexes
Create Date: 2026-12-01 17:10:00

Reviewed: written by hand from the models (autogenerate proposed the same table, columns and indexes). Existing
comments are guests' (``reader_id`` NULL) and never edited. The new ``deleted`` status needs no change: statuses
are stored as plain strings.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import moderation.types


# revision identifiers, used by Alembic.
revision = "0010_readers_own_comments"
down_revision = "0009_queue_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "readers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readers")),
        sa.UniqueConstraint("sub", name=op.f("uq_readers_sub")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reader_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", moderation.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_comments_reader_id"), ["reader_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_reader_id_readers"), "readers", ["reader_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "comment_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("rule_hits", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("replaced_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_comment_versions_comment_id_comments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_versions")),
    )
    with op.batch_alter_table("comment_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_versions_comment_id"), ["comment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("comment_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_versions_comment_id"))
    op.drop_table("comment_versions")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comments_reader_id_readers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_comments_reader_id"))
        batch_op.drop_column("edited_at")
        batch_op.drop_column("reader_id")
    op.drop_table("readers")
