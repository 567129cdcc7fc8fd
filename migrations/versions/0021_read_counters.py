"""Reads that do not grow with a story: published counts kept beside the rows (``articles.published_count``,
``comments.published_replies``), filled from the comments, and indexes for the public tree's top-level comments.

Revision ID: 0021_read_counters
Revises: 0020_notifications
Create Date: 2026-12-01 22:20:00

Reviewed: written by hand; autogenerate proposed the two columns and three indexes. The counts are computed once
here from the comments; from then on ``moderation.comments.counters`` keeps them in every write's transaction.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021_read_counters"
down_revision = "0020_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_count", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_replies", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_comments_roots", ["article_id", "parent_id", "id"], unique=False)
        batch_op.create_index("ix_comments_roots_rank", ["article_id", "parent_id", "rank", "id"], unique=False)
        batch_op.create_index(
            "ix_comments_roots_replies", ["article_id", "parent_id", "published_replies", "id"], unique=False
        )
    op.execute(
        "UPDATE articles SET published_count = (SELECT count(*) FROM comments"
        " WHERE comments.article_id = articles.id AND comments.status = 'published')"
    )
    op.execute(
        "UPDATE comments SET published_replies = (SELECT count(*) FROM comments AS reply"
        " WHERE reply.thread_id = comments.id AND reply.status = 'published') WHERE parent_id IS NULL"
    )


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_roots_replies")
        batch_op.drop_index("ix_comments_roots_rank")
        batch_op.drop_index("ix_comments_roots")
        batch_op.drop_column("published_replies")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("published_count")
