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

TOP_LEVEL = sa.text("parent_id IS NULL")


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_count", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_replies", sa.Integer(), server_default="0", nullable=False))
    # Partial (top-level comments only: replies cost them nothing) and covering (status and reply count inside,
    # so a page's ids come from an index-only scan).
    for name, columns in (
        ("ix_comments_roots", ["article_id", "id", "status", "published_replies"]),
        ("ix_comments_roots_rank", ["article_id", "rank", "id", "status", "published_replies"]),
        ("ix_comments_roots_replies", ["article_id", "published_replies", "id", "status"]),
    ):
        op.create_index(name, "comments", columns, unique=False, sqlite_where=TOP_LEVEL, postgresql_where=TOP_LEVEL)
    op.execute(
        "UPDATE articles SET published_count = (SELECT count(*) FROM comments"
        " WHERE comments.article_id = articles.id AND comments.status = 'published')"
    )
    op.execute(
        "UPDATE comments SET published_replies = (SELECT count(*) FROM comments AS reply"
        " WHERE reply.thread_id = comments.id AND reply.status = 'published') WHERE parent_id IS NULL"
    )


def downgrade():
    for name in ("ix_comments_roots_replies", "ix_comments_roots_rank", "ix_comments_roots"):
        op.drop_index(name, table_name="comments")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("published_replies")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("published_count")
