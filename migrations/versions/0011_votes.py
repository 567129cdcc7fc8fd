"""Readers' votes: the votes table, and each comment's up/down counts and its rank for sort=top.

Revision ID: 0011_votes
Revises: 0010_readers_own_comments
Create Date: 2026-12-01 17:30:00

Reviewed: written by hand from the models (autogenerate proposed the same table, columns and index). Existing
comments start with no votes (0, 0, rank 0); ``sort=top`` then falls back to newest first among equals, and
``sort=replies`` keeps the old "most replies" order.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0011_votes"
down_revision = "0010_readers_own_comments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "votes",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_votes_comment_id_comments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("comment_id", "voter_key", name=op.f("pk_votes")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("up", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("down", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("rank", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_comments_article_rank", ["article_id", "rank", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_article_rank")
        batch_op.drop_column("rank")
        batch_op.drop_column("down")
        batch_op.drop_column("up")
    op.drop_table("votes")
