"""Webhooks integrations can rely on: failures in a row and why an endpoint is disabled, and the previous secret
that signs beside the new one during a rotation.

Revision ID: 0016_webhook_reliability
Revises: 0015_report_weights
Create Date: 2026-12-01 19:10:00

Reviewed: written by hand from the model (autogenerate proposed the same five nullable/defaulted columns).
Endpoints disabled before this revision are marked as disabled by an admin, the only way there was.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0016_webhook_reliability"
down_revision = "0015_report_weights"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", moderation.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("previous_secret", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("previous_secret_until", moderation.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE webhook_endpoints SET disabled_reason = 'admin' WHERE NOT active")


def downgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        for column in ("previous_secret_until", "previous_secret", "disabled_at", "disabled_reason"):
            batch_op.drop_column(column)
        batch_op.drop_column("consecutive_failures")
