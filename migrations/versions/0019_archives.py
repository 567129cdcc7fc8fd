"""Imported comments: the system they came from and their id there, unique together (idempotent re-imports).

Revision ID: 0019_archives
Revises: 0018_appeals
Create Date: 2026-12-02 10:00:00

Reviewed: written by hand from the model (autogenerate proposed the same two nullable columns and the unique
index). Comments posted here have neither; both NULL never collide in a unique index (SQLite and PostgreSQL).
Nothing is backfilled.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019_archives"
down_revision = "0018_appeals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "import_source",
                sa.Enum("disqus", "wordpress", "kommentare", name="importsource", native_enum=False, length=32),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("import_key", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_comments_import", ["import_source", "import_key"], unique=True)


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_import")
        batch_op.drop_column("import_key")
        batch_op.drop_column("import_source")
