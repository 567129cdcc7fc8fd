"""The moderators' queue at work: flagged comments, language, reason codes to filter by, and soft claims.

Revision ID: 0007_queue_workflow
Revises: 0006_moderator_logins
Create Date: 2026-12-01 15:40:00

Reviewed: written by hand from the models (autogenerate proposed the same five columns and the index). Existing
rows are backfilled in batches from what they stored: ``reason_codes`` from ``reasons``, ``language`` from the
body, and ``flagged`` for published comments that carry reasons but no moderator's decision (before this
revision a flag was stored only as those reasons). Claims start empty. Downgrade drops the columns.
"""

import json

from alembic import op
import sqlalchemy as sa

import moderation.types
from moderation.comments.service import reason_codes
from moderation.language import guess_language


# revision identifiers, used by Alembic.
revision = "0007_queue_workflow"
down_revision = "0006_moderator_logins"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("reason_codes", sa.String(length=300), nullable=False, server_default=" "))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", moderation.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_comments_status_flagged", ["status", "flagged", "id"], unique=False)
    _backfill()


def _backfill():
    connection = op.get_bind()
    comments = sa.table(
        "comments",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("status", sa.String),
        sa.column("reasons", sa.Text),
        sa.column("moderated_by", sa.String),
        sa.column("flagged", sa.Boolean),
        sa.column("language", sa.String),
        sa.column("reason_codes", sa.String),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(comments.c.id, comments.c.body, comments.c.status, sa.cast(comments.c.reasons, sa.Text),
                      comments.c.moderated_by)
            .where(comments.c.id > last).order_by(comments.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for comment_id, body, status, reasons_json, moderated_by in rows:
            codes = reason_codes(json.loads(reasons_json or "[]") or [])
            connection.execute(
                comments.update().where(comments.c.id == comment_id).values(
                    reason_codes=codes,
                    language=guess_language(body or "").value,
                    flagged=status == "published" and codes.strip() != "" and moderated_by is None,
                )
            )
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_status_flagged")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("reason_codes")
        batch_op.drop_column("language")
        batch_op.drop_column("flagged")
