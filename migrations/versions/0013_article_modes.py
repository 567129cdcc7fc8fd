"""A moderation mode per story: ``post`` (publish what passes, as before) or ``pre`` (hold everything first).

Revision ID: 0013_article_modes
Revises: 0012_bans
Create Date: 2026-12-01 18:00:00

Reviewed: written by hand from the model (autogenerate proposed the same column). Every existing story keeps
what it had: ``post``. Closing by age needs no column (it is computed from ``created_at``).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_article_modes"
down_revision = "0012_bans"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_mode", sa.String(length=32), nullable=False, server_default="post"))


def downgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("moderation_mode")
