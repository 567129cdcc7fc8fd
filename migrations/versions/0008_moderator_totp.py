"""An optional second factor for people's logins: a TOTP secret and the last step a code was accepted for.

Revision ID: 0008_moderator_totp
Revises: 0007_queue_workflow
Create Date: 2026-12-01 16:20:00

Reviewed: written by hand from the models (autogenerate proposed the same two nullable columns). Existing
accounts keep logging in with their password alone until ``flask moderators totp NAME`` turns the factor on.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_moderator_totp"
down_revision = "0007_queue_workflow"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
