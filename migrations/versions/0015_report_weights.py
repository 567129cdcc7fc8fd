"""Reports weigh by their reporter's past accuracy: ``reports.weight``, ``comments.report_weight``, and an index
on ``reports.reporter_key`` to look a reporter's record up.

Revision ID: 0015_report_weights
Revises: 0014_guests_surge
Create Date: 2026-12-01 18:40:00

Reviewed: written by hand from the models (autogenerate proposed the same columns and index). Every existing
report weighs 1.0, as it counted before, so each comment's ``report_weight`` starts as its ``open_reports``.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015_report_weights"
down_revision = "0014_guests_surge"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weight", sa.Double(), nullable=False, server_default="1"))
        batch_op.create_index(batch_op.f("ix_reports_reporter_key"), ["reporter_key"], unique=False)
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_weight", sa.Double(), nullable=False, server_default="0"))
    op.execute("UPDATE comments SET report_weight = open_reports")


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("report_weight")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_reporter_key"))
        batch_op.drop_column("weight")
