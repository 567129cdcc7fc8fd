"""Moderators as people: roles, argon2 password hashes, optional API tokens, and server-side admin sessions.

Revision ID: 0006_moderator_logins
Revises: 0005_report_reporters
Create Date: 2026-12-01 15:15:00

Reviewed: written by hand from the models (autogenerate proposed the same columns and table). Accounts made before
this revision could do everything through their token, so they become ``admin``: no integration loses a right it
had; new accounts default to ``moderator``. ``token_hash`` becomes nullable (a person may have only a password);
SQLite rebuilds "moderators" in batch mode, which nothing references by foreign key. Sessions store only a
SHA-256 of the cookie value, like tokens.
"""

from alembic import op
import sqlalchemy as sa

import moderation.types


# revision identifiers, used by Alembic.
revision = "0006_moderator_logins"
down_revision = "0005_report_reporters"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=32), nullable=False, server_default="admin"))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", moderation.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moderator_id"], ["moderators.id"], name=op.f("fk_admin_sessions_moderator_id_moderators"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
    )
    with op.batch_alter_table("admin_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_sessions_moderator_id"), ["moderator_id"], unique=False)


def downgrade():
    with op.batch_alter_table("admin_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_sessions_moderator_id"))
    op.drop_table("admin_sessions")
    with op.batch_alter_table("moderators", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("password_hash")
        batch_op.drop_column("role")
