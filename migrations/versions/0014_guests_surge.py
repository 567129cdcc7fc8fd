"""Guests per story (``allowed``/``premoderated``/``off``, NULL = the site's setting) and surge mode.

Revision ID: 0014_guests_surge
Revises: 0013_article_modes
Create Date: 2026-12-01 18:30:00

Reviewed: written by hand from the model (autogenerate proposed the same two nullable columns). Existing stories
follow the site's guest setting (NULL) and are not in a surge; nothing is backfilled.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0014_guests_surge"
down_revision = "0013_article_modes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guests", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("surge_until", moderation.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("surge_until")
        batch_op.drop_column("guests")
