"""dialogs: state of the guided dialogs (one open dialog per person and room)

Revision ID: 0006_dialogs
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_dialogs"
down_revision = "0001_core"
branch_labels = ("dialogs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dialogs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("thread_root", sa.String(length=255), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("touched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timeout_job_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogs")),
        sa.UniqueConstraint("room_id", "sender", name="uq_dialogs_room_id_sender"),
    )


def downgrade() -> None:
    op.drop_table("dialogs")
