"""Reader reports count once per reporter: reports.reporter_key and its unique constraint with comment_id.

Revision ID: 0005_report_reporters
Revises: 0004_watchwords
Create Date: 2026-12-01 12:59:00

Reviewed: written by hand from the model (autogenerate proposed the same column and constraint). Reports stored
before this revision have no reporter key (NULL never collides in a unique constraint on either backend); the
constraint is created in batch mode so SQLite rebuilds "reports" (nothing references it, so the rebuild is safe).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_report_reporters"
down_revision = "0004_watchwords"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reporter_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reports_comment_id"), ["comment_id", "reporter_key"])


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reports_comment_id"), type_="unique")
        batch_op.drop_column("reporter_key")
