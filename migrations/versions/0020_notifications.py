"""E-mail notifications: recipients with their opt-in state, reply subscriptions and the mail outbox.

Revision ID: 0020_notifications
Revises: 0019_archives
Create Date: 2026-12-01 22:30:00

Reviewed: written by hand from the models (autogenerate proposed the same three tables and indexes). New tables,
no data to move.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import moderation.types


# revision identifiers, used by Alembic.
revision = "0020_notifications"
down_revision = "0019_archives"
branch_labels = None
depends_on = None

KINDS = ("confirm", "reply", "decision", "digest")
STATUSES = ("pending", "sent", "failed", "dropped")


def upgrade():
    op.create_table(
        "mail_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmation_sent_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "reply_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["mail_recipients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "comment_id", name="uq_reply_subscriptions_recipient_comment"),
    )
    with op.batch_alter_table("reply_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_subscriptions_comment_id"), ["comment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reply_subscriptions_recipient_id"), ["recipient_id"], unique=False)
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="mailkind", native_enum=False, length=32), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "context", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.Enum(*STATUSES, name="mailstatus", native_enum=False, length=32), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", moderation.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["mail_recipients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_status_next", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_comment_id"), ["comment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_recipient_id"), ["recipient_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_comment_id"))
        batch_op.drop_index("ix_mail_outbox_status_next")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("reply_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_subscriptions_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_reply_subscriptions_comment_id"))
    op.drop_table("reply_subscriptions")
    op.drop_table("mail_recipients")
